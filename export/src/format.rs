//! The formats `export` writes, and the trait each one implements. An
//! exporter is made once per export with the context (the corpus, its
//! provenance, the split rule and its own output directory `OUT/<format>/`),
//! is fed every record once in corpus order, and is finished at the end.
//! Exporters stream: what they keep between records must not grow with the
//! corpus (write as you go; temporary files for what must be gathered).

use crate::error::ExportError;
use crate::provenance::Provenance;
use crate::source::CorpusSource;
use crate::split::{Split, SplitRatio};
use proofmill_corpora::corpus::{NonTheorem, Record};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    LeanNdjson,
    Lean,
    Coq,
    Tptp,
    Smt2,
    LeanDojo,
    Parquet,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::LeanNdjson,
        Format::Lean,
        Format::Coq,
        Format::Tptp,
        Format::Smt2,
        Format::LeanDojo,
        Format::Parquet,
    ];

    /// The name `--to` takes and the output subdirectory's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::LeanNdjson => "lean-ndjson",
            Format::Lean => "lean",
            Format::Coq => "coq",
            Format::Tptp => "tptp",
            Format::Smt2 => "smt2",
            Format::LeanDojo => "leandojo",
            Format::Parquet => "parquet",
        }
    }

    pub fn parse(s: &str) -> Result<Format, ExportError> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s.trim())
            .ok_or_else(|| ExportError::UnknownFormat(s.to_string()))
    }

    /// `"tptp,smt2"`: each once, in the order given.
    pub fn parse_list(s: &str) -> Result<Vec<Format>, ExportError> {
        let mut out = Vec::new();
        for part in s.split(',') {
            let f = Format::parse(part)?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// This format's exporter, writing into `cx.out` (which exists).
    pub fn exporter(self, cx: &ExportContext) -> Result<Box<dyn Exporter>, ExportError> {
        match self {
            Format::Tptp => Ok(Box::new(crate::tptp::TptpExporter::new(cx)?)),
            Format::Smt2 => Ok(Box::new(crate::smt2::Smt2Exporter::new(cx)?)),
            Format::Coq => Ok(Box::new(crate::coq::CoqExporter::new(cx)?)),
            Format::LeanNdjson => crate::lean_ndjson::exporter(cx),
            Format::Lean => crate::lean::exporter(cx),
            Format::LeanDojo => crate::leandojo::exporter(cx),
            Format::Parquet => crate::parquet::exporter(cx),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an exporter is made from.
pub struct ExportContext<'a> {
    pub source: &'a CorpusSource,
    pub provenance: &'a Provenance,
    pub split: &'a SplitRatio,
    /// `OUT/<format>/`, created (empty) before the exporter is made.
    pub out: &'a Path,
    /// The rules a first-order problem states (`--axioms`).
    pub axioms: crate::axioms::AxiomSet,
}

pub trait Exporter {
    /// Called once per record, in corpus order, with the record's split.
    fn record(&mut self, record: &Record, split: Split) -> Result<(), ExportError>;
    /// Called once per non-theorem (`generate --non-theorems`), after the
    /// records, with its split; `Ok(true)` when the format wrote it. The
    /// first-order formats (TPTP, SMT-LIB) write it as a problem a prover
    /// must not prove; formats of proofs (Lean, Coq, LeanDojo, Parquet)
    /// leave it out, as this default does.
    fn non_theorem(&mut self, _nt: &NonTheorem, _split: Split) -> Result<bool, ExportError> {
        Ok(false)
    }
    /// Flushes and closes; returns a one-line human summary ("1000 problems in tptp/").
    fn finish(self: Box<Self>) -> Result<String, ExportError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()).unwrap(), f);
        }
        assert_eq!(
            Format::parse_list("tptp, smt2,tptp").unwrap(),
            vec![Format::Tptp, Format::Smt2]
        );
        assert!(matches!(
            Format::parse_list("tptp,word"),
            Err(ExportError::UnknownFormat(w)) if w == "word"
        ));
    }
}
