//! proofmill's exporters: a verified corpus written for the tools its users
//! work in — Lean and Coq, first-order provers (TPTP), SMT solvers
//! (SMT-LIB), LeanDojo-style loaders and Hugging Face datasets (Parquet).
//!
//! One file per format, each implementing [`Exporter`]; `export` opens the
//! corpus once ([`CorpusSource`]: every shard checked against the manifest's
//! sha256 before any of its records is used), streams its records once, and
//! feeds each to every exporter with its split ([`SplitRatio`], by canonical
//! hash). Every exported file names the proofmill version, the theory hash
//! and the corpus's manifest sha256 ([`Provenance`]).
//!
//! DESIGN put exporters in `corpora`; they are a crate of their own so the
//! corpus crate stays what `verify` needs, and the exporters' dependencies
//! stay out of it.
#![forbid(unsafe_code)]

mod axioms;
mod coq;
mod error;
mod files;
mod format;
mod lean;
mod lean_ndjson;
mod leandojo;
pub mod names;
mod parquet;
mod provenance;
pub mod signature;
mod smt2;
mod source;
mod split;
#[cfg(test)]
mod testutil;
mod tptp;

pub use axioms::AxiomSet;
pub use error::ExportError;
pub use format::{ExportContext, Exporter, Format};
pub use parquet::{arrow_schema, record_batch};
pub use provenance::Provenance;
pub use source::CorpusSource;
pub use split::{Split, SplitRatio};

use std::path::Path;

/// What an export wrote.
#[derive(Clone, Debug, Default)]
pub struct ExportReport {
    pub records: u64,
    /// Records per split (train, validation, test).
    pub splits: [u64; 3],
    /// Non-theorems read (each written by the formats that take them).
    pub non_theorems: u64,
    /// Each format's one-line summary, in the order asked.
    pub summaries: Vec<String>,
}

/// Exports the corpus in `dir` to every format of `formats`, each into
/// `out/<format-name>/` (created; it should not hold files). The corpus is
/// read once; `progress(n)` is called with the records done so far.
pub fn export(
    dir: &Path,
    formats: &[Format],
    out: &Path,
    split: &SplitRatio,
    progress: impl FnMut(u64),
) -> Result<ExportReport, ExportError> {
    export_where(dir, formats, out, split, |_| true, progress)
}

/// [`export`] of the records `keep` accepts (`bench-provers --sample`);
/// the others are read and checked against the manifest, not written.
pub fn export_where(
    dir: &Path,
    formats: &[Format],
    out: &Path,
    split: &SplitRatio,
    keep: impl FnMut(&proofmill_corpora::corpus::Record) -> bool,
    progress: impl FnMut(u64),
) -> Result<ExportReport, ExportError> {
    export_with(dir, formats, out, split, AxiomSet::All, keep, progress)
}

/// [`export_where`] with the rules the first-order problems state
/// (`--axioms`, `axioms.rs`): `Base` is refused for the formats that write
/// proofs, and for a theory whose derived rules do not follow from its
/// axioms as first-order equations.
pub fn export_with(
    dir: &Path,
    formats: &[Format],
    out: &Path,
    split: &SplitRatio,
    axioms: AxiomSet,
    mut keep: impl FnMut(&proofmill_corpora::corpus::Record) -> bool,
    mut progress: impl FnMut(u64),
) -> Result<ExportReport, ExportError> {
    if axioms == AxiomSet::Base {
        if let Some(f) = formats
            .iter()
            .find(|f| !matches!(f, Format::Tptp | Format::Smt2))
        {
            return Err(ExportError::AxiomsNeedProblems { format: f.name() });
        }
    }
    let source = CorpusSource::open(dir)?;
    let provenance = Provenance::of(&source, split);
    let mut exporters = Vec::with_capacity(formats.len());
    for &f in formats {
        let sub = out.join(f.name());
        std::fs::create_dir_all(&sub).map_err(ExportError::io(&sub))?;
        let cx = ExportContext {
            source: &source,
            provenance: &provenance,
            split,
            out: &sub,
            axioms,
        };
        exporters.push(f.exporter(&cx)?);
    }
    let mut report = ExportReport::default();
    for r in source.records() {
        let r = r?;
        if !keep(&r) {
            continue;
        }
        let s = split.of(&r.canonical_hash);
        for e in exporters.iter_mut() {
            e.record(&r, s)?;
        }
        report.records += 1;
        report.splits[s as usize] += 1;
        progress(report.records);
    }
    for nt in source.non_theorems()? {
        let s = split.of(&nt.canonical_hash);
        for e in exporters.iter_mut() {
            e.non_theorem(&nt, s)?;
        }
        report.non_theorems += 1;
    }
    for e in exporters {
        report.summaries.push(e.finish()?);
    }
    Ok(report)
}
