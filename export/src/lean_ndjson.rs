//! `--to lean-ndjson`: the theory and every theorem, with its proof term,
//! as one lean4export NDJSON 3.1.0 file (`lean-ndjson/Ring.ndjson`).
//!
//! Why: lean4export's format is what Lean's own kernel checkers (the Lean
//! Kernel Arena's, and `proofmill lean-check`) read, so a corpus exported
//! this way can be re-checked by any of them, theorem by theorem, from the
//! terms alone: no parser, no elaborator, no tactic engine.
//!
//! Each record is read as `proofmill verify` reads it (its statement and
//! proof term parsed and elaborated by the theory language,
//! `TheoremReader`), checked by the kernel, and written as a `thm` record
//! named as in the `lean` export (`ring_s0_000001`). Nothing is added to
//! the theory's environment: the terms live in the checker's scratch layer
//! and the writer forgets them after each theorem
//! (`lean_export::StreamWriter`), so memory stays flat in the corpus size.
//! The `meta` record's `exporter.provenance` names the proofmill version,
//! the theory's hash and the corpus's manifest sha256.

use crate::lean::{self, io, module_name};
use crate::{ExportContext, ExportError, Exporter, Split};
use proofmill_corpora::corpus::{theory_label, Record};
use proofmill_corpora::lean_export::StreamWriter;
use proofmill_kernel::Name;
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::theory::Theory;
use std::fs::File;
use std::path::PathBuf;

pub(crate) fn exporter(cx: &ExportContext) -> Result<Box<dyn Exporter>, ExportError> {
    let theory = lean::load_theory(cx)?;
    let module = module_name(&theory_label(&cx.source.manifest().theory));
    let path = cx.out.join(format!("{module}.ndjson"));
    let file = File::create(&path).map_err(|e| io(path.clone(), e))?;
    let writer = StreamWriter::new(theory.env(), file, &cx.provenance.lines())
        .map_err(|e| write_error(&path, e))?;
    Ok(Box::new(LeanNdjson {
        theory,
        writer,
        path,
        theorems: 0,
    }))
}

struct LeanNdjson {
    theory: Theory,
    writer: StreamWriter<File>,
    path: PathBuf,
    theorems: u64,
}

fn write_error(
    path: &std::path::Path,
    e: proofmill_corpora::lean_export::WriteError,
) -> ExportError {
    match e {
        proofmill_corpora::lean_export::WriteError::Io(source) => io(path.to_path_buf(), source),
        other => ExportError::Unsupported {
            format: "lean-ndjson",
            why: other.to_string(),
        },
    }
}

impl Exporter for LeanNdjson {
    fn record(&mut self, record: &Record, _split: Split) -> Result<(), ExportError> {
        let name = lean::theorem_name(record, &self.theory)?;
        let kname = Name::from_dotted(&name);
        let env = self.theory.env();
        let path = &self.path;
        let writer = &mut self.writer;
        let rejected = |msg: String| ExportError::Record {
            id: record.id.clone(),
            msg,
        };
        TheoremReader::new(&self.theory)
            .read(&record.statement, &record.proof_term, |tc, ty, value| {
                tc.check_type(ty)
                    .and_then(|_| tc.check_value(&kname, value, ty))
                    .map_err(|e| rejected(format!("the kernel rejects the proof term: {e}")))?;
                writer
                    .theorem(env, tc.store_ref(), &kname, ty, value)
                    .map_err(|e| write_error(path, e))
            })
            .map_err(|e| rejected(e.to_string()))??;
        self.theorems += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<String, ExportError> {
        let LeanNdjson {
            writer,
            path,
            theorems,
            ..
        } = *self;
        let summary = writer.finish().map_err(|e| write_error(&path, e))?;
        Ok(format!(
            "{theorems} theorems and {} theory constants in {} ({} lines)",
            summary.constants as u64 - theorems,
            path.display(),
            summary.lines
        ))
    }
}
