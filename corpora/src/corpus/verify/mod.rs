//! `proofmill verify DIR`: re-checks a corpus independently of the generator.
//!
//! The theory is checked again from the sources the manifest records (no
//! file outside the corpus is read) and its source hash compared. The directory must hold the manifest's files and nothing else;
//! every shard's sha256 and record count is compared with the manifest's.
//! Every record is checked field by field (`record.rs`: identity, printed
//! forms, the trace replayed on first-order terms, difficulty, canonical
//! hash, problem) and then by the kernel and the tactic engine. Across the
//! corpus, ids are unique and increasing in shard order (with the attempts
//! that made them), and no two records state the same theorem (canonical
//! hash). A shard written in two formats is checked once: the second file
//! must decode to the same records as the first, and they are counted once.

mod error;
mod non_theorem;
mod record;

pub use error::{CorpusError, VerifyError};

use super::manifest::{
    is_plain_file_name, Manifest, ShardInfo, FORMAT_VERSION, OLDEST_FORMAT_READ,
};
use super::model::{first_order_rules, FoRule, ModelError};
use super::non_theorem::{decode_non_theorems, is_non_theorem_file, NonTheorem};
use super::record::Record;
use super::shard::{decode_bin, decode_jsonl, read_limited, sha256_hex, MAX_SHARD_BYTES};
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::theory::{shipped_source, Theory};
use rayon::prelude::*;
use record::{Expect, Rules};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Largest manifest read (it holds the theory sources).
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    /// Records checked, each once however many formats hold it.
    pub records: u64,
    /// Non-theorems checked (each against its counter-model).
    pub non_theorems: u64,
    pub bad: Vec<VerifyError>,
}

/// The theory of a manifest: a shipped name or a path; its source text.
pub fn theory_source(name: &str, base: &Path) -> Result<(Theory, String), String> {
    if let Some(src) = shipped_source(name) {
        let t = Theory::shipped(name).map_err(|e| e.to_string())?;
        return Ok((t, src.to_string()));
    }
    let p = Path::new(name);
    let p = if p.is_relative() && !p.exists() {
        base.join(p)
    } else {
        p.to_path_buf()
    };
    let src = Theory::read_source(&p, name).map_err(|e| e.to_string())?;
    let t = Theory::load_file(&p).map_err(|e| e.to_string())?;
    Ok((t, src))
}

/// The manifest's `theory_hash`: sha256 over every source the theory was
/// checked from (the implicit prelude and imports too, so a changed prelude
/// is noticed), each prefixed with its length in bytes.
pub fn theory_hash(theory: &Theory) -> String {
    let mut bytes = Vec::new();
    for src in theory.sources() {
        bytes.extend_from_slice(format!("{}:", src.len()).as_bytes());
        bytes.extend_from_slice(src.as_bytes());
    }
    sha256_hex(&bytes)
}

/// The label ids start with: a shipped theory's name, or a path's file stem.
pub fn theory_label(t: &str) -> String {
    Path::new(t)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| t.to_string())
}

/// Reads and checks `DIR/manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, CorpusError> {
    let mpath = dir.join("manifest.json");
    let file = mpath.display().to_string();
    let unreadable = |msg: String| CorpusError::ManifestUnreadable {
        file: file.clone(),
        msg,
    };
    let bytes = read_limited(&mpath, MAX_MANIFEST_BYTES).map_err(&unreadable)?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
    let found = v["format_version"].as_u64().unwrap_or(0);
    if !(u64::from(OLDEST_FORMAT_READ)..=u64::from(FORMAT_VERSION)).contains(&found) {
        return Err(CorpusError::FormatVersion {
            file: file.clone(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
            oldest: OLDEST_FORMAT_READ,
            newest: FORMAT_VERSION,
        });
    }
    serde_json::from_value(v).map_err(|e| unreadable(e.to_string()))
}

/// Checks records one at a time against a theory, outside any corpus:
/// every field against the record's own text, then its proof term with the
/// kernel and its trace with the tactic engine, exactly as `verify` checks
/// a corpus's records. A record's id and attempt are only required to be
/// well formed (there is no run whose counts bound them). `proofmill prove`
/// runs this on every proof it prints.
pub struct RecordChecker<'t> {
    theory: &'t Theory,
    rules: Rules,
}

impl<'t> RecordChecker<'t> {
    pub fn new(theory: &'t Theory) -> RecordChecker<'t> {
        RecordChecker {
            theory,
            rules: Rules::of(theory),
        }
    }

    /// Checks `r`; `reader` reads theorems of the same theory.
    pub fn check(&self, reader: &mut TheoremReader<'t>, r: &Record) -> Result<(), VerifyError> {
        let expect = Expect {
            theory: r.theory.clone(),
            seed: r.seed.clone(),
            id_prefix: format!("{}/s{}/", theory_label(&r.theory), r.seed),
            accepted: u64::MAX,
            attempts: u64::MAX,
        };
        let mut who = record::check_fields(self.theory, &self.rules, &expect, r)?;
        record::check_proofs(reader, self.theory, r, &mut who.trace)
    }
}

/// A corpus's manifest and theory, ready to check records.
pub struct Verifier {
    manifest: Manifest,
    theory: Theory,
    rules: Rules,
    expect: Expect,
    /// The rules as first-order equations, for counter-models.
    fo_rules: Result<Vec<FoRule>, ModelError>,
}

/// What the records checked so far claimed, for the checks across records.
/// It holds two small entries per record (the id's index, and the
/// canonical hash with the index of the record that first stated it), so a
/// corpus of 10M records needs a few hundred MB here and nothing else
/// grows with the corpus.
#[derive(Default)]
struct Seen {
    indices: FxHashSet<u64>,
    hashes: FxHashMap<u64, u64>,
    last: Option<(u64, u64, String)>,
}

/// One record's own checks, made on any thread: its fields, then (when
/// they pass) its proofs.
struct Checked {
    /// The id's index, when the id is well formed.
    index: Option<u64>,
    fields: Result<record::Identity, VerifyError>,
    proofs: Result<(), VerifyError>,
}

impl Verifier {
    /// Reads the manifest in `dir` and loads its theory.
    pub fn open(dir: &Path) -> Result<Verifier, CorpusError> {
        let m = read_manifest(dir)?;
        // The theory as the corpus recorded it: no file outside the corpus
        // (nor this binary's shipped theories) is read.
        let files: Vec<(String, String)> = m
            .theory_sources
            .iter()
            .map(|s| (s.origin.clone(), s.text.clone()))
            .collect();
        let theory = Theory::load_recorded(&files).map_err(|e| CorpusError::TheoryUnavailable {
            theory: m.theory.clone(),
            msg: e.to_string(),
        })?;
        let h = theory_hash(&theory);
        if h != m.theory_hash {
            return Err(CorpusError::TheoryHashMismatch {
                theory: m.theory.clone(),
                found: h,
                expected: m.theory_hash.clone(),
            });
        }
        let count = |k: &str| m.counts.get(k).copied().unwrap_or(0);
        let expect = Expect {
            theory: m.theory.clone(),
            seed: m.seed.clone(),
            id_prefix: format!("{}/s{}/", theory_label(&m.theory), m.seed),
            accepted: count("accepted_all_shards"),
            attempts: count("attempts"),
        };
        Ok(Verifier {
            rules: Rules::of(&theory),
            fo_rules: first_order_rules(&theory),
            manifest: m,
            theory,
            expect,
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Checks `records` as a whole corpus: each record, then ids, order and
    /// statements across them.
    pub fn check_records(&self, records: &[Record]) -> Vec<VerifyError> {
        let mut seen = Seen::default();
        let mut reader = TheoremReader::new(&self.theory);
        records
            .iter()
            .filter_map(|r| {
                let c = self.check_one(&mut reader, r);
                self.check_across(r, c, &mut seen).err()
            })
            .collect()
    }

    /// The checks of one record that need no other record.
    fn check_one(&self, reader: &mut TheoremReader<'_>, r: &Record) -> Checked {
        let index = record::identity(&self.expect, r).ok().map(|(i, _)| i);
        let mut fields = record::check_fields(&self.theory, &self.rules, &self.expect, r);
        let proofs = match &mut fields {
            Ok(who) => record::check_proofs(reader, &self.theory, r, &mut who.trace),
            Err(_) => Ok(()),
        };
        Checked {
            index,
            fields,
            proofs,
        }
    }

    /// The checks across records, in corpus order: ids unique and
    /// increasing, no statement twice; then the record's own verdict.
    fn check_across(&self, r: &Record, c: Checked, seen: &mut Seen) -> Result<(), VerifyError> {
        if let Some(i) = c.index {
            if !seen.indices.insert(i) {
                return Err(VerifyError::DuplicateId { id: r.id.clone() });
            }
        }
        let who = c.fields?;
        let key = u64::from_str_radix(&who.canonical_hash, 16).unwrap_or(u64::MAX);
        if let Some(first) = seen.hashes.get(&key) {
            return Err(VerifyError::DuplicateStatement {
                id: r.id.clone(),
                first: format!("{}{first:06}", self.expect.id_prefix),
            });
        }
        seen.hashes.insert(key, who.index);
        if let Some((index, attempt, prev)) = &seen.last {
            if who.index <= *index || who.attempt <= *attempt {
                return Err(VerifyError::OutOfOrder {
                    id: r.id.clone(),
                    previous: prev.clone(),
                });
            }
        }
        seen.last = Some((who.index, who.attempt, r.id.clone()));
        c.proofs
    }

    /// Checks one shard's records on every thread of the current rayon
    /// pool (each with its own reader), then across records in order.
    fn check_shard(
        &self,
        records: &[Record],
        seen: &mut Seen,
        report: &mut VerifyReport,
        progress: &mut impl FnMut(u64),
    ) {
        // Chunks keep the memory of checked-but-not-yet-ordered records small.
        for chunk in records.chunks(4096) {
            let checked: Vec<Checked> = chunk
                .par_iter()
                .map_init(
                    || TheoremReader::new(&self.theory),
                    |reader, r| self.check_one(reader, r),
                )
                .collect();
            for (r, c) in chunk.iter().zip(checked) {
                report.records += 1;
                if let Err(e) = self.check_across(r, c, seen) {
                    report.bad.push(e);
                }
                progress(report.records);
            }
        }
    }
}

/// The files of `dir` the manifest does not list.
fn unlisted(dir: &Path, m: &Manifest) -> Result<Vec<String>, std::io::Error> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let name = e?.file_name().to_string_lossy().into_owned();
        let listed = m.shards.iter().chain(&m.non_theorems);
        if name != "manifest.json" && !listed.clone().any(|s| s.file == name) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Verifies the corpus in `dir` on every core. `Err` only when the corpus
/// cannot be read at all.
pub fn verify_dir(
    dir: &Path,
    progress: impl FnMut(u64) + Send,
) -> Result<VerifyReport, CorpusError> {
    verify_dir_on(dir, 0, progress)
}

/// Verifies the corpus in `dir` with `threads` threads (0: one per core).
/// The report does not depend on the thread count. Memory is bounded by
/// the largest shard, but for a few words per record (`Seen`).
pub fn verify_dir_on(
    dir: &Path,
    threads: usize,
    progress: impl FnMut(u64) + Send,
) -> Result<VerifyReport, CorpusError> {
    let v = Verifier::open(dir)?;
    pool(threads)?.install(|| verify_with(dir, &v, progress))
}

/// The worker threads for `threads` (0: one per core), with the kernel's
/// stack. Built once per thread count and kept for the life of the
/// process, so a program that verifies many corpora (the fuzz target, a
/// service) does not start and abandon threads on every call.
pub(crate) fn pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, CorpusError> {
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(proofmill_kernel::KERNEL_STACK_BYTES)
            .build()
            .map_err(|e| CorpusError::Threads(e.to_string()))?,
    );
    pools.push((threads, p.clone()));
    Ok(p)
}

fn verify_with(
    dir: &Path,
    v: &Verifier,
    mut progress: impl FnMut(u64),
) -> Result<VerifyReport, CorpusError> {
    let mut report = VerifyReport::default();
    if !v.manifest.complete {
        report.bad.push(VerifyError::Incomplete);
    }
    match unlisted(dir, &v.manifest) {
        Ok(files) => report.bad.extend(
            files
                .into_iter()
                .map(|file| VerifyError::UnlistedFile { file }),
        ),
        Err(e) => report.bad.push(VerifyError::ShardUnreadable {
            file: dir.display().to_string(),
            msg: e.to_string(),
        }),
    }
    let mut seen = Seen::default();
    // The records of each shard stem (`shard-00000`) as first read, and the file.
    let mut first: HashMap<String, (String, Vec<Record>)> = HashMap::new();
    let shards = v.manifest.shards.clone();
    let stem_of = |f: &str| -> String {
        f.strip_suffix(".bin")
            .or_else(|| f.strip_suffix(".jsonl"))
            .unwrap_or(f)
            .to_string()
    };
    let mut pending: HashMap<String, usize> = HashMap::new();
    for sh in &shards {
        *pending.entry(stem_of(&sh.file)).or_default() += 1;
    }
    for sh in &shards {
        let stem = stem_of(&sh.file);
        let left = pending.get_mut(&stem).expect("counted");
        *left -= 1;
        let more = *left > 0;
        let file = sh.file.clone();
        if !is_plain_file_name(&file) {
            report.bad.push(VerifyError::ShardOutsideCorpus { file });
            continue;
        }
        let path = dir.join(&file);
        let bytes = match read_limited(&path, MAX_SHARD_BYTES) {
            Ok(b) => b,
            Err(msg) => {
                report.bad.push(VerifyError::ShardUnreadable { file, msg });
                continue;
            }
        };
        if sha256_hex(&bytes) != sh.sha256 {
            report
                .bad
                .push(VerifyError::ShardHashMismatch { file: file.clone() });
        }
        let decoded = if file.ends_with(".bin") {
            decode_bin(&bytes, &file)
        } else {
            decode_jsonl(&bytes, &file)
        };
        let records = match decoded {
            Ok(r) => r,
            Err(e) => {
                report.bad.push(VerifyError::ShardUnreadable {
                    file,
                    msg: e.to_string(),
                });
                continue;
            }
        };
        if records.len() as u64 != sh.records {
            report.bad.push(VerifyError::ShardCountMismatch {
                file: file.clone(),
                found: records.len() as u64,
                expected: sh.records,
            });
        }
        if let Some((other, theirs)) = first.remove(&stem) {
            // The same shard in another format: the same records, checked once.
            let n = records.len().max(theirs.len());
            if let Some(index) = (0..n).find(|&i| records.get(i) != theirs.get(i)) {
                report.bad.push(VerifyError::FormatsDisagree {
                    file,
                    other: other.clone(),
                    index: index as u64,
                });
            }
            if more {
                first.insert(stem, (other, theirs));
            }
            continue;
        }
        v.check_shard(&records, &mut seen, &mut report, &mut progress);
        if more {
            first.insert(stem, (file, records));
        }
    }
    let expected = v.manifest.counts.get("records").copied().unwrap_or(0);
    if report.records != expected {
        report.bad.push(VerifyError::RecordCountMismatch {
            found: report.records,
            expected,
        });
    }
    let mut nt_seen = NonTheoremsSeen::default();
    for sh in &v.manifest.non_theorems {
        if let Some(records) = read_non_theorem_file(dir, sh, &mut report) {
            v.check_non_theorems(&records, &seen, &mut nt_seen, &mut report);
        }
    }
    let expected = v.manifest.counts.get("non_theorems").copied().unwrap_or(0);
    if report.non_theorems != expected {
        report.bad.push(VerifyError::NonTheoremCountMismatch {
            found: report.non_theorems,
            expected,
        });
    }
    Ok(report)
}

/// A non-theorem file's records, after its name, sha256 and count are
/// checked against the manifest (`None`, with the failure reported, when
/// it cannot be read).
fn read_non_theorem_file(
    dir: &Path,
    sh: &ShardInfo,
    report: &mut VerifyReport,
) -> Option<Vec<NonTheorem>> {
    let file = sh.file.clone();
    if !is_plain_file_name(&file) || !is_non_theorem_file(&file) {
        report.bad.push(VerifyError::ShardOutsideCorpus { file });
        return None;
    }
    let bytes = match read_limited(&dir.join(&file), MAX_SHARD_BYTES) {
        Ok(b) => b,
        Err(msg) => {
            report.bad.push(VerifyError::ShardUnreadable { file, msg });
            return None;
        }
    };
    if sha256_hex(&bytes) != sh.sha256 {
        report
            .bad
            .push(VerifyError::ShardHashMismatch { file: file.clone() });
    }
    let records = match decode_non_theorems(&bytes, &file) {
        Ok(r) => r,
        Err(e) => {
            report.bad.push(VerifyError::ShardUnreadable {
                file,
                msg: e.to_string(),
            });
            return None;
        }
    };
    if records.len() as u64 != sh.records {
        report.bad.push(VerifyError::ShardCountMismatch {
            file,
            found: records.len() as u64,
            expected: sh.records,
        });
    }
    Some(records)
}

/// What the non-theorems checked so far claimed.
#[derive(Default)]
struct NonTheoremsSeen {
    indices: FxHashSet<u64>,
    hashes: FxHashMap<u64, String>,
    last: Option<(u64, String)>,
}

impl Verifier {
    /// Checks one file's non-theorems on every thread of the current pool,
    /// then across records: ids unique and increasing, the source theorem
    /// in the corpus, no statement twice, none a theorem's.
    fn check_non_theorems(
        &self,
        records: &[NonTheorem],
        theorems: &Seen,
        seen: &mut NonTheoremsSeen,
        report: &mut VerifyReport,
    ) {
        let check = non_theorem::NonTheoremCheck {
            theory: &self.theory,
            expect: &self.expect,
            rules: &self.fo_rules,
            count: self
                .manifest
                .counts
                .get("non_theorems_all_shards")
                .copied()
                .unwrap_or(0),
        };
        let checked: Vec<_> = records
            .par_iter()
            .map_init(
                || TheoremReader::new(&self.theory),
                |reader, r| check.check(reader, r),
            )
            .collect();
        for (r, c) in records.iter().zip(checked) {
            report.non_theorems += 1;
            if let Err(e) = across_non_theorems(r, c, theorems, seen, &self.expect.id_prefix) {
                report.bad.push(e);
            }
        }
    }
}

fn across_non_theorems(
    r: &NonTheorem,
    c: Result<non_theorem::NonTheoremIdentity, VerifyError>,
    theorems: &Seen,
    seen: &mut NonTheoremsSeen,
    prefix: &str,
) -> Result<(), VerifyError> {
    let who = c?;
    if !seen.indices.insert(who.index) {
        return Err(VerifyError::DuplicateId { id: r.id.clone() });
    }
    if !theorems.indices.contains(&who.source) {
        return Err(VerifyError::NonTheoremField {
            id: r.id.clone(),
            field: "perturbed_from",
            msg: format!("{} is not a theorem of this corpus", r.perturbed_from),
        });
    }
    if let Some(first) = theorems.hashes.get(&who.hash) {
        return Err(VerifyError::DuplicateStatement {
            id: r.id.clone(),
            first: format!("{prefix}{first:06}"),
        });
    }
    if let Some(first) = seen.hashes.get(&who.hash) {
        return Err(VerifyError::DuplicateStatement {
            id: r.id.clone(),
            first: first.clone(),
        });
    }
    seen.hashes.insert(who.hash, r.id.clone());
    if let Some((index, prev)) = &seen.last {
        if who.index <= *index {
            return Err(VerifyError::OutOfOrder {
                id: r.id.clone(),
                previous: prev.clone(),
            });
        }
    }
    seen.last = Some((who.index, r.id.clone()));
    Ok(())
}
