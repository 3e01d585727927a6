//! The corpus directory a run writes: one corpus per directory, its
//! manifest (written before the first shard, rewritten as files are begun
//! and finished, completed at the end), and the shard files of an earlier
//! run that `--resume` keeps.
//!
//! While a run goes on, its manifest lists every file before the file is
//! created, so that `--overwrite` and `--resume` know the directory's files
//! as the run's own whenever it is interrupted. Rewriting the whole manifest
//! for every file begun and finished would cost time and disk quadratic in
//! the number of files (a 10-million-record run has 10,000 and a 1.6 MB
//! manifest), so a file begun that is not yet listed is listed together
//! with the next names of its series (a quarter as many as are listed, up
//! to the first name a foreign file has), and finished files are written
//! out at most once a second. An interrupted
//! run's manifest may therefore list, as begun, names reserved but never
//! created, and miss the finish of the files of its last second, which
//! `--resume` writes again.
//!
//! Before anything is written, the directory is inspected. An empty (or
//! new) directory is used as it is. A directory that holds anything else is
//! refused unless the run is told what to do with it: `--overwrite` removes
//! the earlier corpus's files (its manifest and the files that manifest
//! lists, with their temporary names) and never any other file; `--resume`
//! keeps a shard file only when the earlier manifest, read before anything
//! changed, is of a run with the same identity (format, proofmill version,
//! theory and its sources, options), lists the file as finished with this
//! many records, and the file's bytes still have the sha256 it lists (and
//! read back as the ids and canonical hashes this run expects). A kept
//! file's hash in the new manifest is the one the earlier run wrote.

use crate::driver::{Candidate, Generator, Options, Report};
use crate::space::Coverage;
use proofmill_corpora::corpus::{self, Manifest, ShardInfo, TheorySource};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the directory holds before the run, as far as the run is concerned.
#[derive(Default)]
pub(crate) struct Prepared {
    /// `--resume`: the earlier run's finished files, by name.
    pub keep: HashMap<String, ShardInfo>,
    /// `--resume`: every file the earlier manifest lists (kept in the
    /// manifest until this run has redone or kept it).
    pub carried: Vec<ShardInfo>,
    /// Files in the directory that are no corpus's, left alone.
    pub foreign: Vec<String>,
}

/// The shortest time between two rewrites for files finished (see the
/// module doc).
const FINISHED_WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// The manifest file of a run in progress: what is rewritten as files are
/// begun and finished (on the sink's thread).
pub struct ManifestFile {
    dir: PathBuf,
    base: Manifest,
    entries: Vec<ShardInfo>,
    /// Where each listed file is in `entries`.
    index: HashMap<String, usize>,
    /// When the manifest was last written, how many entries it listed
    /// (entries are only ever appended), and whether any has changed since.
    written_at: Instant,
    written_len: usize,
    unwritten: bool,
    /// The shortest time between two rewrites for files finished.
    finished_interval: Duration,
    /// Rewrites so far (for the tests).
    writes: u64,
    /// Files in the directory that are no corpus's: never reserved, so
    /// that an interrupted run's manifest never claims one the run has not
    /// reached.
    foreign: HashSet<String>,
}

impl ManifestFile {
    fn new(
        dir: PathBuf,
        base: Manifest,
        entries: Vec<ShardInfo>,
        foreign: &[String],
    ) -> ManifestFile {
        let mut file = ManifestFile {
            dir,
            base,
            entries: Vec::new(),
            index: HashMap::new(),
            written_at: Instant::now(),
            written_len: 0,
            unwritten: true,
            finished_interval: FINISHED_WRITE_INTERVAL,
            writes: 0,
            foreign: foreign.iter().cloned().collect(),
        };
        for e in entries {
            file.put(e);
        }
        file
    }

    /// Hears of a file begun (`sha256` empty) or finished. A file begun is
    /// listed on disk before this returns; a file finished is written out
    /// within a second, or by the complete manifest at the end.
    pub fn set(&mut self, entry: ShardInfo) -> Result<(), String> {
        let begun = entry.sha256.is_empty();
        let on_disk = self
            .index
            .get(&entry.file)
            .is_some_and(|&i| i < self.written_len);
        let name = entry.file.clone();
        self.put(entry);
        if begun && !on_disk {
            let reserve = self.entries.len() / 4 + 1;
            let mut next = name;
            for _ in 0..reserve {
                let Some(n) = successor(&next).filter(|n| !self.foreign.contains(n)) else {
                    break;
                };
                if !self.index.contains_key(&n) {
                    self.put(ShardInfo {
                        file: n.clone(),
                        records: 0,
                        sha256: String::new(),
                    });
                }
                next = n;
            }
            return self.write();
        }
        if self.unwritten && self.written_at.elapsed() >= self.finished_interval {
            return self.write();
        }
        Ok(())
    }

    /// Lists `entry`, replacing the entry of its file.
    fn put(&mut self, entry: ShardInfo) {
        match self.index.get(&entry.file) {
            Some(&i) if self.entries[i] == entry => {}
            Some(&i) => {
                self.entries[i] = entry;
                self.unwritten = true;
            }
            None => {
                self.index.insert(entry.file.clone(), self.entries.len());
                self.entries.push(entry);
                self.unwritten = true;
            }
        }
    }

    fn write(&mut self) -> Result<(), String> {
        let mut m = self.base.clone();
        (m.non_theorems, m.shards) = split_files(self.entries.clone());
        write_manifest_file(&self.dir, &m)?;
        self.written_at = Instant::now();
        self.written_len = self.entries.len();
        self.unwritten = false;
        self.writes += 1;
        Ok(())
    }
}

/// The next name of a file's series: its number (the digits that end the
/// name before its extension) plus one, as wide (`shard-00041.bin` →
/// `shard-00042.bin`); `None` for a name without a number.
fn successor(file: &str) -> Option<String> {
    let dot = file.find('.').unwrap_or(file.len());
    let (stem, ext) = file.split_at(dot);
    let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (head, number) = stem.split_at(stem.len() - digits);
    let n: u64 = number.parse().ok()?;
    Some(format!("{head}{:0digits$}{ext}", n.checked_add(1)?))
}

/// The non-theorem files and the theorem shards, each in order.
fn split_files(files: Vec<ShardInfo>) -> (Vec<ShardInfo>, Vec<ShardInfo>) {
    files
        .into_iter()
        .partition(|s| corpus::is_non_theorem_file(&s.file))
}

fn write_manifest_file(dir: &Path, m: &Manifest) -> Result<(), String> {
    let text = serde_json::to_string_pretty(m).map_err(|e| e.to_string())?;
    let path = dir.join("manifest.json");
    let tmp = dir.join("manifest.json.tmp");
    std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
}

/// At most this many names in a message.
fn some_names(names: &[String]) -> String {
    let mut s = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        s.push_str(&format!(" and {} more", names.len() - 5));
    }
    s
}

impl Generator {
    /// The manifest of a run of `opts` before anything is written: what
    /// identifies the run, `complete: false`, no counts.
    pub(crate) fn base_manifest(&self, opts: &Options) -> Manifest {
        Manifest {
            format_version: corpus::FORMAT_VERSION,
            proofmill_version: env!("CARGO_PKG_VERSION").to_string(),
            theory: opts.theory.clone(),
            theory_hash: corpus::theory_hash(&self.theory),
            complete: false,
            options: opts.as_map(),
            seed: opts.seed.to_string(),
            counts: BTreeMap::new(),
            shards: Vec::new(),
            non_theorems: Vec::new(),
            coverage: serde_json::Value::Null,
            theory_sources: self
                .theory
                .source_files()
                .map(|(origin, text)| TheorySource {
                    origin: origin.to_string(),
                    text: text.to_string(),
                })
                .collect(),
        }
    }

    /// Inspects `opts.out` (see the module doc), removes an earlier corpus
    /// with `--overwrite`, and writes the run's first manifest.
    pub(crate) fn prepare_dir(&self, opts: &Options) -> Result<(Prepared, ManifestFile), String> {
        let dir = &opts.out;
        let shown = dir.display();
        std::fs::create_dir_all(dir).map_err(|e| format!("{shown}: {e}"))?;
        let mut present = Vec::new();
        for e in std::fs::read_dir(dir).map_err(|e| format!("{shown}: {e}"))? {
            let e = e.map_err(|e| format!("{shown}: {e}"))?;
            present.push(e.file_name().to_string_lossy().into_owned());
        }
        present.sort();
        let ours = corpus::corpus_files(dir, corpus::MAX_MANIFEST_BYTES).map_err(|e| {
            format!("{e}: the directory holds a manifest that cannot be read; remove the directory yourself or choose another")
        })?;
        let old: Vec<String> = ours.clone().unwrap_or_default();
        let foreign: Vec<String> = present
            .iter()
            .filter(|n| !old.contains(n))
            .cloned()
            .collect();
        let base = self.base_manifest(opts);
        let mut prepared = Prepared {
            foreign,
            ..Prepared::default()
        };
        if !present.is_empty() && !opts.resume && !opts.overwrite {
            return Err(match ours {
                Some(_) => format!(
                    "{shown} holds a corpus; --resume finishes it, --overwrite replaces it (only its own files are removed)"
                ),
                None => format!(
                    "{shown} is not empty ({}); choose an empty or new directory, or --overwrite",
                    some_names(&present)
                ),
            });
        }
        if opts.resume && ours.is_some() {
            let m = corpus::read_manifest(dir)
                .map_err(|e| format!("--resume: {e}; --overwrite replaces the corpus"))?;
            let same = [
                (
                    "format version",
                    m.format_version.to_string(),
                    base.format_version.to_string(),
                ),
                (
                    "proofmill version",
                    m.proofmill_version.clone(),
                    base.proofmill_version.clone(),
                ),
                ("theory", m.theory.clone(), base.theory.clone()),
                (
                    "theory sources (hash)",
                    m.theory_hash.clone(),
                    base.theory_hash.clone(),
                ),
                (
                    "options",
                    format!("{:?}", m.options),
                    format!("{:?}", base.options),
                ),
            ];
            if let Some((what, was, now)) = same.iter().find(|(_, a, b)| a != b) {
                return Err(format!(
                    "--resume: {shown} holds a corpus made with other {what} ({was}, now {now}); --overwrite replaces it"
                ));
            }
            for s in &m.shards {
                if !s.sha256.is_empty() {
                    prepared.keep.insert(s.file.clone(), s.clone());
                }
            }
            prepared.carried = m.shards;
            // Non-theorem files are always written again (they are cheap);
            // until then the manifest still lists them as the directory's own.
            prepared.carried.extend(m.non_theorems);
        } else if opts.overwrite {
            for name in &old {
                if present.contains(name) {
                    let p = dir.join(name);
                    std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                }
            }
        }
        let mut file = ManifestFile::new(
            dir.clone(),
            base,
            prepared.carried.clone(),
            &prepared.foreign,
        );
        file.write()?;
        Ok((prepared, file))
    }

    /// The finished manifest: the run's counts, coverage and files.
    pub(crate) fn write_manifest(
        &self,
        opts: &Options,
        report: &Report,
        cov: &Coverage,
        shards: Vec<corpus::ShardInfo>,
    ) -> Result<(), String> {
        let mut counts = BTreeMap::new();
        counts.insert("records".into(), report.written);
        counts.insert("accepted_all_shards".into(), report.accepted);
        counts.insert("attempts".into(), report.attempts);
        counts.insert("duplicates".into(), report.duplicates);
        counts.insert("too_short".into(), report.too_short);
        counts.insert("too_long".into(), report.too_long);
        counts.insert("unfolded".into(), report.unfolded);
        counts.insert("trace_conflicts".into(), report.trace_conflicts);
        counts.insert("trivial".into(), report.trivial);
        counts.insert("search_not_found".into(), report.not_found);
        counts.insert("excluded".into(), report.excluded);
        counts.insert("kernel_rejections".into(), report.rejections.len() as u64);
        counts.insert(
            "readback_failures".into(),
            report.readback_failures.len() as u64,
        );
        let nodes: BTreeMap<String, serde_json::Value> = self
            .rs
            .dirs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    d.label(&self.rs.rules),
                    serde_json::json!({"cost": d.cost.as_str(), "uses": cov.nodes[i]}),
                )
            })
            .collect();
        let edges: Vec<serde_json::Value> = cov
            .edges
            .iter()
            .map(|((a, b), n)| {
                serde_json::json!([
                    self.rs.dirs[*a].label(&self.rs.rules),
                    self.rs.dirs[*b].label(&self.rs.rules),
                    n
                ])
            })
            .collect();
        if opts.non_theorems > 0 {
            counts.insert("non_theorems".into(), report.non_theorems);
            counts.insert("non_theorems_all_shards".into(), report.non_theorems_all);
            counts.insert(
                "non_theorem_sources_unrefuted".into(),
                report.non_theorem_unrefuted,
            );
        }
        let mut m = self.base_manifest(opts);
        m.complete = true;
        m.counts = counts;
        (m.non_theorems, m.shards) = split_files(shards);
        m.coverage = serde_json::json!({
            "rule_space_nodes": report.nodes, "rule_space_edges": report.edges,
            "nodes_covered": report.coverage_nodes, "edges_covered": report.coverage_edges,
            "nodes": nodes, "edges": edges,
            "skipped_rules": self.rs.skipped.iter().map(|s| format!("{}: {}", s.name, s.reason)).collect::<Vec<_>>(),
        });
        write_manifest_file(&opts.out, &m)
    }

    /// With `--resume`: the sha256 of an earlier run's shard file at `path`,
    /// when it may be kept as this run's (see the module doc).
    pub(crate) fn kept(
        &self,
        path: &Path,
        opts: &Options,
        part: &[(u64, Candidate)],
        keep: &HashMap<String, ShardInfo>,
    ) -> Option<String> {
        let name = path.file_name()?.to_string_lossy();
        let info = keep.get(name.as_ref())?;
        if info.records != part.len() as u64 {
            return None;
        }
        let bytes = corpus::read_limited(path, corpus::MAX_SHARD_BYTES).ok()?;
        if corpus::sha256_hex(&bytes) != info.sha256 {
            return None;
        }
        let records = if name.ends_with(".bin") {
            corpus::decode_bin(&bytes, &name)
        } else {
            corpus::decode_jsonl(&bytes, &name)
        }
        .ok()?;
        let expected = part
            .iter()
            .map(|(i, c)| (self.record_id(opts, *i), corpus::canon::hash_text(c.hash)));
        let same = records.len() == part.len()
            && records
                .iter()
                .zip(expected)
                .all(|(r, (id, h))| r.id == id && r.canonical_hash == h);
        same.then(|| info.sha256.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Manifest {
        Manifest {
            format_version: corpus::FORMAT_VERSION,
            proofmill_version: "test".into(),
            theory: "ring".into(),
            theory_hash: String::new(),
            complete: false,
            options: BTreeMap::new(),
            seed: "0".into(),
            counts: BTreeMap::new(),
            shards: Vec::new(),
            non_theorems: Vec::new(),
            coverage: serde_json::Value::Null,
            theory_sources: Vec::new(),
        }
    }

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("proofmill-manifest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn on_disk(d: &Path) -> Manifest {
        serde_json::from_slice(&std::fs::read(d.join("manifest.json")).unwrap()).unwrap()
    }

    fn entry(file: &str, sha256: &str) -> ShardInfo {
        ShardInfo {
            file: file.into(),
            records: 1000,
            sha256: sha256.into(),
        }
    }

    #[test]
    fn successor_counts_on_in_the_same_width() {
        for (name, next) in [
            ("shard-00041.bin", "shard-00042.bin"),
            ("shard-00099.jsonl", "shard-00100.jsonl"),
            ("shard-1-of-2-00009.jsonl", "shard-1-of-2-00010.jsonl"),
            ("non-theorems-00000.jsonl", "non-theorems-00001.jsonl"),
            ("shard-99999.bin", "shard-100000.bin"),
        ] {
            assert_eq!(successor(name).as_deref(), Some(next), "{name}");
        }
        assert_eq!(successor("manifest.json"), None);
    }

    /// Every file is listed on disk before it is begun, and a run of many
    /// files rewrites the manifest a logarithmic number of times, not two
    /// for each file.
    #[test]
    fn begun_files_are_listed_first_and_rewrites_stay_few() {
        let d = dir("few");
        let mut m = ManifestFile::new(d.clone(), base(), Vec::new(), &[]);
        m.finished_interval = Duration::MAX;
        m.write().unwrap();
        let files = 2000;
        for i in 0..files {
            for ext in ["jsonl", "bin"] {
                let name = format!("shard-{i:05}.{ext}");
                m.set(entry(&name, "")).unwrap();
                if i % 97 == 0 {
                    let listed = on_disk(&d);
                    assert!(listed.shards.iter().any(|s| s.file == name), "{name}");
                }
                m.set(entry(&name, "ab")).unwrap();
            }
        }
        assert!(
            m.writes < 80,
            "{} rewrites for {} files",
            m.writes,
            2 * files
        );
        // What is listed on disk but not yet finished there is begun or
        // reserved; every file finished in memory is there once written.
        m.write().unwrap();
        let listed = on_disk(&d);
        assert_eq!(
            listed.shards.iter().filter(|s| s.sha256 == "ab").count(),
            2 * files
        );
        assert!(listed
            .shards
            .iter()
            .all(|s| s.sha256 == "ab" || s.records == 0));
        let _ = std::fs::remove_dir_all(&d);
    }

    /// With no interval, each file finished is on disk as soon as it is.
    #[test]
    fn finished_files_are_written_once_the_interval_has_passed() {
        let d = dir("interval");
        let mut m = ManifestFile::new(d.clone(), base(), Vec::new(), &[]);
        m.finished_interval = Duration::ZERO;
        m.write().unwrap();
        for i in 0..20 {
            let name = format!("shard-{i:05}.bin");
            m.set(entry(&name, "")).unwrap();
            m.set(entry(&name, "cd")).unwrap();
            let s = on_disk(&d).shards;
            assert!(
                s.iter().any(|s| s.file == name && s.sha256 == "cd"),
                "{name}"
            );
        }
        let _ = std::fs::remove_dir_all(&d);
    }

    /// A name in the directory that is no corpus's is never reserved: it is
    /// listed only when the run begins that very file.
    #[test]
    fn foreign_files_are_not_reserved() {
        let d = dir("foreign");
        let foreign = ["shard-00003.bin".to_string()];
        let mut m = ManifestFile::new(d.clone(), base(), Vec::new(), &foreign);
        m.write().unwrap();
        for i in 0..3 {
            let name = format!("shard-{i:05}.bin");
            m.set(entry(&name, "")).unwrap();
            m.set(entry(&name, "ab")).unwrap();
            let listed = on_disk(&d).shards;
            assert!(listed.iter().all(|s| s.file != foreign[0]), "{listed:?}");
        }
        m.set(entry(&foreign[0], "")).unwrap();
        assert!(on_disk(&d).shards.iter().any(|s| s.file == foreign[0]));
        let _ = std::fs::remove_dir_all(&d);
    }
}
