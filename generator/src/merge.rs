//! `proofmill merge OUT SHARD_DIR…`: the N corpora of a run split with
//! `generate --shard K/N` (on N machines, or as N Ray tasks) joined into
//! the one corpus the unsplit run writes.
//!
//! Why this is possible: every shard walks all the attempts, so every
//! shard knows the whole run's acceptance order; a theorem's id carries
//! its index in that order, and shard K keeps the theorems whose canonical
//! hash falls in K (`canon::shard_of`). Interleaving the shards' records by
//! id index therefore gives the single run's record sequence, and every
//! count but the written ones is the same in every shard's manifest.
//! Written in files of `PER_FILE` records named as the single run names
//! them, with the manifest the single run writes, the merged directory is
//! the single run's byte for byte (tested), and `verify` accepts it.
//!
//! Nothing is trusted: each input's manifest must say the run completed,
//! and all must be of the same run (format, proofmill version, theory and
//! its sources, seed, options but `shard`, counts, coverage), with
//! distinct K of one N, all N present. Every file's sha256 and record count
//! is checked against its manifest before its records are used, the JSONL
//! and bincode files of one shard must hold the same records, and every
//! record must have an id of the run, increasing within its shard, and a
//! canonical hash that falls in its shard. The records' proofs are not
//! re-checked here: `verify` does that on the result.
//!
//! Memory: the inputs are read one shard file at a time each (a k-way
//! merge), so it is bounded by N files of 1,000 records.

use crate::canon::shard_of;
use crate::driver::PER_FILE;
use proofmill_corpora::corpus::{
    self, bin_entry, decode_bin, decode_jsonl, jsonl_line, read_limited, sha256_hex, theory_label,
    write_bin_entries, write_jsonl_lines, CorpusError, Manifest, Record, ShardInfo,
    MAX_SHARD_BYTES,
};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Why shard directories could not be merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    #[error("no shard directories to merge")]
    NoInputs,
    #[error("{}: {source}", dir.display())]
    Manifest { dir: PathBuf, source: CorpusError },
    #[error("{}: the run did not complete (finish it with `generate --resume`)", dir.display())]
    Incomplete { dir: PathBuf },
    #[error("{}: option shard is {found:?}, expected K/N", dir.display())]
    NotAShard { dir: PathBuf, found: String },
    #[error("{}: made with other {what} than {} ({theirs}, there {ours})", dir.display(), first.display())]
    OtherRun {
        dir: PathBuf,
        first: PathBuf,
        what: String,
        ours: String,
        theirs: String,
    },
    #[error("{} and {} are both shard {k} of {n}", dir.display(), other.display())]
    SameShard {
        dir: PathBuf,
        other: PathBuf,
        k: u64,
        n: u64,
    },
    #[error("shard {k} of {n} is missing (got {got} of {n} shard directories)")]
    MissingShard { k: u64, n: u64, got: usize },
    #[error("{}: a shard entry without a plain file name: {file:?}", dir.display())]
    BadFileName { dir: PathBuf, file: String },
    #[error("{}: {msg}", file.display())]
    Unreadable { file: PathBuf, msg: String },
    #[error("{}: sha256 differs from the manifest", file.display())]
    HashMismatch { file: PathBuf },
    #[error("{}: {found} records, the manifest says {expected}", file.display())]
    CountMismatch {
        file: PathBuf,
        found: u64,
        expected: u64,
    },
    #[error("{}: record {index} differs from the same record in {}", file.display(), other.display())]
    FormatsDisagree {
        file: PathBuf,
        other: PathBuf,
        index: u64,
    },
    #[error("{}: {id}: not an id of this run (expected {prefix}N)", file.display())]
    ForeignId {
        file: PathBuf,
        id: String,
        prefix: String,
    },
    #[error("{}: {id}: canonical hash {hash} is shard {belongs} of {n}, not {k}", file.display())]
    WrongShard {
        file: PathBuf,
        id: String,
        hash: String,
        belongs: u64,
        k: u64,
        n: u64,
    },
    #[error("{}: {id} comes after {previous}", file.display())]
    OutOfOrder {
        file: PathBuf,
        id: String,
        previous: String,
    },
    #[error("{id} is in shard {a} and in shard {b}")]
    DuplicateId { id: String, a: u64, b: u64 },
    #[error("{}: the records add up to {found}, the manifests' count is {expected}", out.display())]
    RecordCount {
        out: PathBuf,
        found: u64,
        expected: u64,
    },
    #[error("{} is not empty; merge into an empty or new directory", out.display())]
    OutNotEmpty { out: PathBuf },
    #[error("{}: {msg}", path.display())]
    Write { path: PathBuf, msg: String },
}

impl MergeError {
    /// The CLI's exit code: 2 when an input cannot be read or the output
    /// cannot be written (as `verify` and `generate` do), 1 when the inputs
    /// were read and do not make one run.
    pub fn exit_code(&self) -> u8 {
        match self {
            MergeError::NoInputs
            | MergeError::Manifest { .. }
            | MergeError::Unreadable { .. }
            | MergeError::OutNotEmpty { .. }
            | MergeError::Write { .. } => 2,
            _ => 1,
        }
    }
}

/// What a merge wrote.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MergeReport {
    /// The split's N.
    pub shards: u64,
    pub records: u64,
    /// Files written besides the manifest.
    pub files: usize,
}

/// One input: a shard directory, its manifest and its K.
struct Input {
    dir: PathBuf,
    manifest: Manifest,
    k: u64,
}

/// `K/N` from a manifest's `shard` option.
fn parse_shard(s: &str) -> Option<(u64, u64)> {
    let (k, n) = s.split_once('/')?;
    let (k, n): (u64, u64) = (k.parse().ok()?, n.parse().ok()?);
    (n >= 1 && k < n).then_some((k, n))
}

/// The fields of a manifest that every shard of one N-way split run
/// shares, by name.
fn identity(m: &Manifest, n: u64) -> Vec<(&'static str, String)> {
    let mut options = m.options.clone();
    options.remove("shard");
    let mut counts = m.counts.clone();
    for per_shard in PER_SHARD_COUNTS {
        counts.remove(per_shard);
    }
    let sources = serde_json::to_vec(&m.theory_sources).unwrap_or_default();
    vec![
        ("format version", m.format_version.to_string()),
        ("proofmill version", m.proofmill_version.clone()),
        ("theory", m.theory.clone()),
        ("theory sources (hash)", m.theory_hash.clone()),
        ("recorded theory sources", sha256_hex(&sources)),
        ("seed", m.seed.clone()),
        ("split", format!("N = {n}")),
        ("options", format!("{options:?}")),
        ("counts", format!("{counts:?}")),
        ("rule-space coverage", m.coverage.to_string()),
    ]
}

/// The counts each shard has of its own (summed by the merge); every other
/// count is the whole run's, the same in every shard.
const PER_SHARD_COUNTS: [&str; 3] = ["records", "kernel_rejections", "readback_failures"];

/// Reads and cross-checks the inputs' manifests; returns them by K, and N.
fn open_inputs(dirs: &[PathBuf]) -> Result<(Vec<Input>, u64), MergeError> {
    let mut inputs: Vec<Input> = Vec::new();
    let mut first_n = None;
    for dir in dirs {
        let manifest = corpus::read_manifest(dir).map_err(|source| MergeError::Manifest {
            dir: dir.clone(),
            source,
        })?;
        if !manifest.complete {
            return Err(MergeError::Incomplete { dir: dir.clone() });
        }
        let found = manifest.options.get("shard").cloned().unwrap_or_default();
        let Some((k, n)) = parse_shard(&found) else {
            return Err(MergeError::NotAShard {
                dir: dir.clone(),
                found,
            });
        };
        if let (Some(first), Some(first_n)) = (inputs.first(), first_n) {
            let theirs = identity(&first.manifest, first_n);
            let ours = identity(&manifest, n);
            if let Some(((what, t), (_, o))) = theirs.iter().zip(&ours).find(|(a, b)| a != b) {
                return Err(MergeError::OtherRun {
                    dir: dir.clone(),
                    first: first.dir.clone(),
                    what: what.to_string(),
                    ours: o.clone(),
                    theirs: t.clone(),
                });
            }
            if let Some(other) = inputs.iter().find(|i| i.k == k) {
                return Err(MergeError::SameShard {
                    dir: dir.clone(),
                    other: other.dir.clone(),
                    k,
                    n,
                });
            }
        } else {
            first_n = Some(n);
        }
        inputs.push(Input {
            dir: dir.clone(),
            manifest,
            k,
        });
    }
    let n = first_n.ok_or(MergeError::NoInputs)?;
    if let Some(k) = (0..n).find(|k| !inputs.iter().any(|i| i.k == *k)) {
        return Err(MergeError::MissingShard {
            k,
            n,
            got: inputs.len(),
        });
    }
    inputs.sort_by_key(|i| i.k);
    Ok((inputs, n))
}

/// A file of a shard directory, its manifest entry checked.
fn read_checked(dir: &Path, info: &ShardInfo) -> Result<(PathBuf, Vec<Record>), MergeError> {
    if !corpus::is_plain_file_name(&info.file) {
        return Err(MergeError::BadFileName {
            dir: dir.to_path_buf(),
            file: info.file.clone(),
        });
    }
    let path = dir.join(&info.file);
    let bytes = read_limited(&path, MAX_SHARD_BYTES).map_err(|msg| MergeError::Unreadable {
        file: path.clone(),
        msg,
    })?;
    if sha256_hex(&bytes) != info.sha256 {
        return Err(MergeError::HashMismatch { file: path });
    }
    let name = path.display().to_string();
    let decoded = if info.file.ends_with(".bin") {
        decode_bin(&bytes, &name)
    } else {
        decode_jsonl(&bytes, &name)
    };
    let records = decoded.map_err(|e| MergeError::Unreadable {
        file: path.clone(),
        msg: e.to_string(),
    })?;
    if records.len() as u64 != info.records {
        return Err(MergeError::CountMismatch {
            file: path,
            found: records.len() as u64,
            expected: info.records,
        });
    }
    Ok((path, records))
}

/// The files of a shard directory grouped by stem (`shard-0-of-2-00000`),
/// in manifest order: each group is one file's records in every format.
fn stems(files: &[ShardInfo]) -> Vec<Vec<ShardInfo>> {
    let stem = |f: &str| -> String {
        f.strip_suffix(".bin")
            .or_else(|| f.strip_suffix(".jsonl"))
            .unwrap_or(f)
            .to_string()
    };
    let mut out: Vec<(String, Vec<ShardInfo>)> = Vec::new();
    for f in files {
        let s = stem(&f.file);
        match out.iter_mut().find(|(t, _)| *t == s) {
            Some((_, group)) => group.push(f.clone()),
            None => out.push((s, vec![f.clone()])),
        }
    }
    out.into_iter().map(|(_, g)| g).collect()
}

/// One input's records in order, read a file at a time and checked.
struct Stream<'a> {
    input: &'a Input,
    n: u64,
    prefix: &'a str,
    files: VecDeque<Vec<ShardInfo>>,
    /// The current file's records with their id index, and the file.
    records: VecDeque<(u64, Record)>,
    file: PathBuf,
    last: Option<(u64, String)>,
}

impl<'a> Stream<'a> {
    fn new(input: &'a Input, n: u64, prefix: &'a str) -> Stream<'a> {
        Stream {
            input,
            n,
            prefix,
            files: stems(&input.manifest.shards).into(),
            records: VecDeque::new(),
            file: PathBuf::new(),
            last: None,
        }
    }

    /// The next record's index, reading the next file when needed.
    fn peek(&mut self) -> Result<Option<u64>, MergeError> {
        while self.records.is_empty() {
            let Some(group) = self.files.pop_front() else {
                return Ok(None);
            };
            let mut first: Option<(PathBuf, Vec<Record>)> = None;
            for info in &group {
                let (path, records) = read_checked(&self.input.dir, info)?;
                match &first {
                    None => first = Some((path, records)),
                    Some((other, theirs)) => {
                        let len = records.len().max(theirs.len());
                        if let Some(i) = (0..len).find(|&i| records.get(i) != theirs.get(i)) {
                            return Err(MergeError::FormatsDisagree {
                                file: path,
                                other: other.clone(),
                                index: i as u64,
                            });
                        }
                    }
                }
            }
            let Some((path, records)) = first else {
                continue;
            };
            self.file = path;
            for r in records {
                let index = self.check(&r)?;
                self.records.push_back((index, r));
            }
        }
        Ok(self.records.front().map(|(i, _)| *i))
    }

    /// A record's id index, after the checks that need no other shard.
    fn check(&mut self, r: &Record) -> Result<u64, MergeError> {
        let index =
            r.id.strip_prefix(self.prefix)
                .filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|i| i.parse::<u64>().ok())
                .ok_or_else(|| MergeError::ForeignId {
                    file: self.file.clone(),
                    id: r.id.clone(),
                    prefix: self.prefix.to_string(),
                })?;
        let belongs = u64::from_str_radix(&r.canonical_hash, 16)
            .ok()
            .filter(|_| r.canonical_hash.len() == 16)
            .map(|h| shard_of(h, self.n));
        if belongs != Some(self.input.k) {
            return Err(MergeError::WrongShard {
                file: self.file.clone(),
                id: r.id.clone(),
                hash: r.canonical_hash.clone(),
                belongs: belongs.unwrap_or(u64::MAX),
                k: self.input.k,
                n: self.n,
            });
        }
        if let Some((last, previous)) = &self.last {
            if index <= *last {
                return Err(MergeError::OutOfOrder {
                    file: self.file.clone(),
                    id: r.id.clone(),
                    previous: previous.clone(),
                });
            }
        }
        self.last = Some((index, r.id.clone()));
        Ok(index)
    }
}

/// The merged corpus's files as they are written.
struct Output<'a> {
    out: &'a Path,
    jsonl: bool,
    bin: bool,
    pending: Vec<Record>,
    shards: Vec<ShardInfo>,
    files: usize,
}

impl Output<'_> {
    fn push(&mut self, r: Record) -> Result<(), MergeError> {
        self.pending.push(r);
        if self.pending.len() == PER_FILE {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending records as the single run's next file.
    fn flush(&mut self) -> Result<(), MergeError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let fi = self.files;
        self.files += 1;
        let records = std::mem::take(&mut self.pending);
        let count = records.len() as u64;
        let failed = |path: &Path, e: &dyn std::fmt::Display| MergeError::Write {
            path: path.to_path_buf(),
            msg: e.to_string(),
        };
        if self.jsonl {
            let path = self.out.join(format!("shard-{fi:05}.jsonl"));
            let lines = records
                .iter()
                .map(jsonl_line)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| failed(&path, &e))?;
            let sha256 = write_jsonl_lines(&path, &lines).map_err(|e| failed(&path, &e))?;
            self.shards.push(ShardInfo {
                file: format!("shard-{fi:05}.jsonl"),
                records: count,
                sha256,
            });
        }
        if self.bin {
            let path = self.out.join(format!("shard-{fi:05}.bin"));
            let entries = records
                .iter()
                .map(bin_entry)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| failed(&path, &e))?;
            let sha256 = write_bin_entries(&path, &entries).map_err(|e| failed(&path, &e))?;
            self.shards.push(ShardInfo {
                file: format!("shard-{fi:05}.bin"),
                records: count,
                sha256,
            });
        }
        Ok(())
    }
}

/// Merges the shard directories `dirs` (all N shards of one split run, in
/// any order) into `out`, which must be empty or new. See the module doc.
pub fn merge(out: &Path, dirs: &[PathBuf]) -> Result<MergeReport, MergeError> {
    if dirs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    let (inputs, n) = open_inputs(dirs)?;
    let m = &inputs[0].manifest;
    let prefix = format!("{}/s{}/", theory_label(&m.theory), m.seed);
    let format = m.options.get("format").cloned().unwrap_or_default();
    let formats: Vec<&str> = format.split(',').collect();
    let write_err = |e: std::io::Error| MergeError::Write {
        path: out.to_path_buf(),
        msg: e.to_string(),
    };
    std::fs::create_dir_all(out).map_err(write_err)?;
    if std::fs::read_dir(out).map_err(write_err)?.next().is_some() {
        return Err(MergeError::OutNotEmpty {
            out: out.to_path_buf(),
        });
    }
    let mut streams: Vec<Stream<'_>> = inputs.iter().map(|i| Stream::new(i, n, &prefix)).collect();
    let mut output = Output {
        out,
        jsonl: formats.contains(&"jsonl"),
        bin: formats.contains(&"bin"),
        pending: Vec::new(),
        shards: Vec::new(),
        files: 0,
    };
    let mut records = 0u64;
    loop {
        // The stream whose next record comes first in the run's order.
        let mut best: Option<(u64, usize)> = None;
        for (s, stream) in streams.iter_mut().enumerate() {
            let Some(index) = stream.peek()? else {
                continue;
            };
            match best {
                Some((b, other)) if b == index => {
                    let id = format!("{prefix}{index:06}");
                    return Err(MergeError::DuplicateId {
                        id,
                        a: inputs[other].k,
                        b: inputs[s].k,
                    });
                }
                Some((b, _)) if b < index => {}
                _ => best = Some((index, s)),
            }
        }
        let Some((_, s)) = best else { break };
        let (_, r) = streams[s].records.pop_front().expect("peeked");
        output.push(r)?;
        records += 1;
    }
    output.flush()?;
    let expected: u64 = inputs
        .iter()
        .map(|i| i.manifest.counts.get("records").copied().unwrap_or(0))
        .sum();
    if records != expected {
        return Err(MergeError::RecordCount {
            out: out.to_path_buf(),
            found: records,
            expected,
        });
    }
    let mut merged = m.clone();
    merged.options.insert("shard".into(), "0/1".into());
    for per_shard in PER_SHARD_COUNTS {
        let sum: u64 = inputs
            .iter()
            .map(|i| i.manifest.counts.get(per_shard).copied().unwrap_or(0))
            .sum();
        merged.counts.insert(per_shard.into(), sum);
    }
    merged.complete = true;
    let files = output.shards.len();
    merged.shards = output.shards;
    write_manifest(out, &merged)?;
    Ok(MergeReport {
        shards: n,
        records,
        files,
    })
}

/// Writes `manifest.json` as `generate` writes it (pretty, a final newline,
/// through a temporary name).
fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), MergeError> {
    let path = dir.join("manifest.json");
    let fail = |e: &dyn std::fmt::Display| MergeError::Write {
        path: path.clone(),
        msg: e.to_string(),
    };
    let text = serde_json::to_string_pretty(m).map_err(|e| fail(&e))?;
    let tmp = dir.join("manifest.json.tmp");
    std::fs::write(&tmp, text + "\n").map_err(|e| fail(&e))?;
    std::fs::rename(&tmp, &path).map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_option_is_k_of_n() {
        assert_eq!(parse_shard("1/3"), Some((1, 3)));
        assert_eq!(parse_shard("0/1"), Some((0, 1)));
        assert_eq!(parse_shard("3/3"), None);
        assert_eq!(parse_shard("0/0"), None);
        assert_eq!(parse_shard("x"), None);
    }

    #[test]
    fn files_group_by_stem_in_manifest_order() {
        let info = |f: &str| ShardInfo {
            file: f.into(),
            records: 1,
            sha256: String::new(),
        };
        let g = stems(&[
            info("shard-1-of-2-00000.jsonl"),
            info("shard-1-of-2-00000.bin"),
            info("shard-1-of-2-00001.jsonl"),
        ]);
        let names: Vec<Vec<&str>> = g
            .iter()
            .map(|g| g.iter().map(|i| i.file.as_str()).collect())
            .collect();
        assert_eq!(
            names,
            vec![
                vec!["shard-1-of-2-00000.jsonl", "shard-1-of-2-00000.bin"],
                vec!["shard-1-of-2-00001.jsonl"]
            ]
        );
    }
}
