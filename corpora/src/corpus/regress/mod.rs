//! `proofmill regress DIR [--theory T]`: replays every record's trace with
//! today's tactic engine against a theory, to find which stored proofs a
//! change to the theory (or to the engine) breaks, where, and why.
//!
//! The corpus's own theory is read from the sources its manifest records
//! (as `verify` reads it; its hash must match); the theory replayed
//! against is that one, or a changed version given as a shipped name or a
//! `.theory` file (its imports resolved as `proofmill check` resolves
//! them). The two are compared first (`diff`: rules missing, statements
//! changed, arguments reordered or added, notation changed), then every
//! record is replayed (`replay`) and its first difference blamed on one of
//! those changes (`report`).
//!
//! Unlike `verify`, this checks no field of a record beyond its trace: the
//! corpus is taken to be one `verify` accepted. It is still untrusted
//! input: a shard whose sha256 is not the manifest's, or that does not
//! decode, is an error (`RegressError`), not a verdict. A shard written in
//! two formats is read once (the first the manifest lists).
//!
//! Records are replayed on every thread of a pool (one reader per thread),
//! a shard at a time, and the verdicts kept in corpus order, so the report
//! does not depend on the thread count.

mod diff;
mod error;
mod replay;
mod report;

pub use diff::{compare_statements, ChangeKind, Location, NotationChange, RuleChange, TheoryDiff};
pub use error::RegressError;
pub use replay::{replay, Divergence, Place, What};
pub use report::{
    summarize, Cause, ChangeSummary, RecordResult, RegressReport, SubjectKind, TheoryChanges,
};

use super::manifest::{is_plain_file_name, Manifest};
use super::record::Record;
use super::shard::{decode_bin, decode_jsonl, read_limited, sha256_hex, MAX_SHARD_BYTES};
use super::verify::{pool, read_manifest, theory_hash, CorpusError};
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::theory::{shipped_source, Theory, TheoryError};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// Loads the theory `t` names: a shipped theory's name, or a `.theory`
/// file (with the prelude unless it starts with `prelude`, and its imports
/// relative to it). Also returns the name its declarations are located in
/// (`<ring>`, or the path as given).
pub fn load_theory(t: &str) -> Result<(Theory, String), TheoryError> {
    if shipped_source(t).is_some() {
        return Ok((Theory::shipped(t)?, format!("<{t}>")));
    }
    let p = Path::new(t);
    Ok((Theory::load_file(p)?, p.display().to_string()))
}

/// A corpus, its theory, and the theory to replay it against.
pub struct Regressor {
    manifest: Manifest,
    old: Theory,
    /// `None`: the corpus's own theory.
    new: Option<(Theory, String)>,
    diff: TheoryDiff,
}

impl Regressor {
    /// Reads the manifest in `dir` and its theory, and compares it with
    /// `new` (the theory to replay against, and the file it is named by;
    /// `None` for the corpus's own).
    pub fn open(dir: &Path, new: Option<(Theory, String)>) -> Result<Regressor, RegressError> {
        let manifest = read_manifest(dir)?;
        let files: Vec<(String, String)> = manifest
            .theory_sources
            .iter()
            .map(|s| (s.origin.clone(), s.text.clone()))
            .collect();
        let unavailable = |msg: String| CorpusError::TheoryUnavailable {
            theory: manifest.theory.clone(),
            msg,
        };
        let old = Theory::load_recorded(&files).map_err(|e| unavailable(e.to_string()))?;
        let h = theory_hash(&old);
        if h != manifest.theory_hash {
            return Err(CorpusError::TheoryHashMismatch {
                theory: manifest.theory.clone(),
                found: h,
                expected: manifest.theory_hash.clone(),
            }
            .into());
        }
        let old_main = files.first().map(|f| f.0.clone()).unwrap_or_default();
        let diff = match &new {
            Some((t, file)) => TheoryDiff::between(&old, t, &old_main, file),
            None => TheoryDiff::default(),
        };
        Ok(Regressor {
            manifest,
            old,
            new,
            diff,
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn diff(&self) -> &TheoryDiff {
        &self.diff
    }

    /// The theory replayed against.
    pub fn theory(&self) -> &Theory {
        self.new.as_ref().map(|(t, _)| t).unwrap_or(&self.old)
    }

    /// The name of the theory replayed against: the file given, or the
    /// corpus's own theory's first source (`<ring>`, `ring.theory`).
    pub fn theory_file(&self) -> String {
        match &self.new {
            Some((_, file)) => file.clone(),
            None => self
                .manifest
                .theory_sources
                .first()
                .map(|s| s.origin.clone())
                .unwrap_or_else(|| self.manifest.theory.clone()),
        }
    }

    /// Replays every record of the corpus in `dir` with `threads` threads
    /// (0: one per core); `progress` is told how many records are done.
    pub fn run(
        &self,
        dir: &Path,
        threads: usize,
        mut progress: impl FnMut(u64) + Send,
    ) -> Result<RegressReport, RegressError> {
        let pool = pool(threads)?;
        let theory = self.theory();
        let mut results: Vec<RecordResult> = Vec::new();
        let mut read: HashSet<String> = HashSet::new();
        for sh in &self.manifest.shards {
            let stem = sh
                .file
                .strip_suffix(".bin")
                .or_else(|| sh.file.strip_suffix(".jsonl"))
                .unwrap_or(&sh.file)
                .to_string();
            if !read.insert(stem) {
                continue;
            }
            let records = read_shard(dir, &sh.file, &sh.sha256, sh.records)?;
            // Chunks keep the replayed-but-not-yet-ordered verdicts few.
            for chunk in records.chunks(1024) {
                let done: Vec<RecordResult> = pool.install(|| {
                    chunk
                        .par_iter()
                        .map_init(
                            || TheoremReader::new(theory),
                            |reader, r| RecordResult::new(r, replay(reader, theory, r), &self.diff),
                        )
                        .collect()
                });
                results.extend(done);
                progress(results.len() as u64);
            }
        }
        Ok(self.report(results))
    }

    /// The report of `results` (every record's verdict, in corpus order).
    pub fn report(&self, results: Vec<RecordResult>) -> RegressReport {
        let broken = results.iter().filter(|r| r.is_broken()).count() as u64;
        let changed = results.iter().filter(|r| r.is_changed()).count() as u64;
        let records = results.len() as u64;
        RegressReport {
            corpus_theory: self.manifest.theory.clone(),
            theory: self.theory_file(),
            complete: self.manifest.complete,
            records,
            ok: records - broken - changed,
            broken,
            changed,
            summary: summarize(&results, &self.diff),
            theory_changes: TheoryChanges {
                rules: self.diff.rules.clone(),
                notations: self.diff.notations.clone(),
            },
            results,
        }
    }
}

/// Reads and decodes one shard, refusing it unless its bytes have the
/// sha256 and record count the manifest gives.
fn read_shard(
    dir: &Path,
    file: &str,
    sha256: &str,
    count: u64,
) -> Result<Vec<Record>, RegressError> {
    if !is_plain_file_name(file) {
        return Err(RegressError::ShardOutsideCorpus {
            file: file.to_string(),
        });
    }
    let bytes = read_limited(&dir.join(file), MAX_SHARD_BYTES).map_err(|msg| {
        RegressError::ShardUnreadable {
            file: file.to_string(),
            msg,
        }
    })?;
    if sha256_hex(&bytes) != sha256 {
        return Err(RegressError::ShardHashMismatch {
            file: file.to_string(),
        });
    }
    let records = if file.ends_with(".bin") {
        decode_bin(&bytes, file)
    } else {
        decode_jsonl(&bytes, file)
    }
    .map_err(|e| RegressError::ShardUnreadable {
        file: file.to_string(),
        msg: e.to_string(),
    })?;
    if records.len() as u64 != count {
        return Err(RegressError::ShardCountMismatch {
            file: file.to_string(),
            found: records.len() as u64,
            expected: count,
        });
    }
    Ok(records)
}
