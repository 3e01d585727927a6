//! The corpus directory a run writes: one corpus per directory, its
//! manifest (written before the first shard, rewritten as each file is
//! begun and finished, completed at the end), and the shard files of an
//! earlier run that `--resume` keeps.
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
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

/// The manifest file of a run in progress: what is rewritten as files are
/// begun and finished (on the sink's thread).
pub struct ManifestFile {
    dir: PathBuf,
    base: Manifest,
    entries: Vec<ShardInfo>,
}

impl ManifestFile {
    /// Sets `entry` (by file name) and rewrites the manifest.
    pub fn set(&mut self, entry: ShardInfo) -> Result<(), String> {
        match self.entries.iter_mut().find(|e| e.file == entry.file) {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
        self.write()
    }

    fn write(&self) -> Result<(), String> {
        let mut m = self.base.clone();
        (m.non_theorems, m.shards) = split_files(self.entries.clone());
        write_manifest_file(&self.dir, &m)
    }
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
        let file = ManifestFile {
            dir: dir.clone(),
            base,
            entries: prepared.carried.clone(),
        };
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
