//! A corpus opened for export: its manifest, its theory (checked again from
//! the sources the manifest records, and compared with the manifest's
//! theory hash), and its records, streamed shard by shard.
//!
//! Nothing unverified reaches an exporter: each shard file's bytes are read
//! whole and compared with the manifest's sha256 *before* any record of it
//! is decoded, so a tampered shard stops the export with an error naming the
//! file. Memory is bounded by one shard (the generator writes 1,000 records
//! a shard file), whatever the corpus size. A shard written in two formats
//! (`shard-00000.jsonl` and `.bin`) is read once, from its first file; the
//! other file's sha256 is checked too, so tampering with either is noticed.

use crate::error::ExportError;
use proofmill_corpora::corpus::{
    decode_bin, decode_jsonl, decode_non_theorems, is_plain_file_name, read_limited, read_manifest,
    sha256_hex, theory_hash, theory_label, CorpusError, Manifest, NonTheorem, Record,
    MAX_SHARD_BYTES,
};
use proofmill_tactics::theory::Theory;
use std::path::{Path, PathBuf};

/// A verified corpus directory, ready to stream.
pub struct CorpusSource {
    dir: PathBuf,
    manifest: Manifest,
    manifest_sha256: String,
    theory: Theory,
    theory_name: String,
    /// Per shard stem, the files that hold it, in manifest order.
    groups: Vec<Vec<usize>>,
}

impl std::fmt::Debug for CorpusSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorpusSource")
            .field("dir", &self.dir)
            .field("theory", &self.theory_name)
            .field("records", &self.len())
            .finish()
    }
}

fn stem(file: &str) -> &str {
    file.strip_suffix(".bin")
        .or_else(|| file.strip_suffix(".jsonl"))
        .unwrap_or(file)
}

impl CorpusSource {
    /// Reads `dir/manifest.json`, checks the theory it records against its
    /// hash, and lists the shards (read later, by `records`).
    pub fn open(dir: &Path) -> Result<CorpusSource, ExportError> {
        let manifest = read_manifest(dir)?;
        if !manifest.complete {
            return Err(ExportError::Incomplete {
                dir: dir.display().to_string(),
            });
        }
        let mpath = dir.join("manifest.json");
        let bytes =
            read_limited(&mpath, proofmill_corpora::corpus::MAX_MANIFEST_BYTES).map_err(|msg| {
                CorpusError::ManifestUnreadable {
                    file: mpath.display().to_string(),
                    msg,
                }
            })?;
        let manifest_sha256 = sha256_hex(&bytes);
        let files: Vec<(String, String)> = manifest
            .theory_sources
            .iter()
            .map(|s| (s.origin.clone(), s.text.clone()))
            .collect();
        let theory = Theory::load_recorded(&files).map_err(|e| CorpusError::TheoryUnavailable {
            theory: manifest.theory.clone(),
            msg: e.to_string(),
        })?;
        let h = theory_hash(&theory);
        if h != manifest.theory_hash {
            return Err(CorpusError::TheoryHashMismatch {
                theory: manifest.theory.clone(),
                found: h,
                expected: manifest.theory_hash.clone(),
            }
            .into());
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut stems: Vec<&str> = Vec::new();
        for (i, sh) in manifest.shards.iter().enumerate() {
            if !is_plain_file_name(&sh.file) {
                return Err(ExportError::ShardUnreadable {
                    file: sh.file.clone(),
                    msg: "a shard outside the corpus directory".into(),
                });
            }
            match stems.iter().position(|s| *s == stem(&sh.file)) {
                Some(k) => groups[k].push(i),
                None => {
                    stems.push(stem(&sh.file));
                    groups.push(vec![i]);
                }
            }
        }
        Ok(CorpusSource {
            dir: dir.to_path_buf(),
            theory_name: theory_label(&manifest.theory),
            manifest_sha256,
            theory,
            manifest,
            groups,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The sha256 of `manifest.json` as read (hex).
    pub fn manifest_sha256(&self) -> &str {
        &self.manifest_sha256
    }

    /// The theory file's own text (the first recorded source).
    pub fn theory_text(&self) -> &str {
        self.manifest
            .theory_sources
            .first()
            .map(|s| s.text.as_str())
            .unwrap_or("")
    }

    /// The theory, elaborated and checked by the kernel.
    pub fn theory(&self) -> &Theory {
        &self.theory
    }

    /// The theory's label: a shipped theory's name or a path's file stem.
    pub fn theory_name(&self) -> &str {
        &self.theory_name
    }

    /// Records in the corpus, as the manifest counts them.
    pub fn len(&self) -> u64 {
        self.manifest.counts.get("records").copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every record, in corpus order, shard by shard. The first error ends
    /// the stream (it is the last item).
    pub fn records(&self) -> impl Iterator<Item = Result<Record, ExportError>> + '_ {
        Records {
            source: self,
            group: 0,
            current: Vec::new().into_iter(),
            failed: false,
        }
    }

    /// Every non-theorem (`generate --non-theorems`), file by file, each
    /// file hash-checked before it is decoded. They are few (K per 1,000
    /// theorems), so they are read whole.
    pub fn non_theorems(&self) -> Result<Vec<NonTheorem>, ExportError> {
        let mut out = Vec::new();
        for sh in &self.manifest.non_theorems {
            if !is_plain_file_name(&sh.file) {
                return Err(ExportError::ShardUnreadable {
                    file: sh.file.clone(),
                    msg: "a file outside the corpus directory".into(),
                });
            }
            let bytes = read_limited(&self.dir.join(&sh.file), MAX_SHARD_BYTES).map_err(|msg| {
                ExportError::ShardUnreadable {
                    file: sh.file.clone(),
                    msg,
                }
            })?;
            if sha256_hex(&bytes) != sh.sha256 {
                return Err(ExportError::ShardHashMismatch {
                    file: sh.file.clone(),
                });
            }
            let decoded = decode_non_theorems(&bytes, &sh.file).map_err(|e| {
                ExportError::ShardUnreadable {
                    file: sh.file.clone(),
                    msg: e.to_string(),
                }
            })?;
            if decoded.len() as u64 != sh.records {
                return Err(ExportError::ShardCountMismatch {
                    file: sh.file.clone(),
                    found: decoded.len() as u64,
                    expected: sh.records,
                });
            }
            out.extend(decoded);
        }
        Ok(out)
    }

    /// How many shards (record files, whatever the formats) the corpus has.
    pub fn shard_count(&self) -> usize {
        self.groups.len()
    }

    /// The records of shard `g` (below `shard_count`), hash-checked as
    /// `records` checks them: for readers that hold their own place (the
    /// Python bindings' iterator).
    pub fn read_shard(&self, g: usize) -> Result<Vec<Record>, ExportError> {
        self.read_group(g)
    }

    /// Reads, hash-checks and decodes one shard (all of its files are
    /// hash-checked; the records come from the first).
    fn read_group(&self, g: usize) -> Result<Vec<Record>, ExportError> {
        let mut records = None;
        for &i in &self.groups[g] {
            let sh = &self.manifest.shards[i];
            let path = self.dir.join(&sh.file);
            let bytes = read_limited(&path, MAX_SHARD_BYTES).map_err(|msg| {
                ExportError::ShardUnreadable {
                    file: sh.file.clone(),
                    msg,
                }
            })?;
            if sha256_hex(&bytes) != sh.sha256 {
                return Err(ExportError::ShardHashMismatch {
                    file: sh.file.clone(),
                });
            }
            if records.is_some() {
                continue;
            }
            let decoded = if sh.file.ends_with(".bin") {
                decode_bin(&bytes, &sh.file)
            } else {
                decode_jsonl(&bytes, &sh.file)
            }
            .map_err(|e| ExportError::ShardUnreadable {
                file: sh.file.clone(),
                msg: e.to_string(),
            })?;
            if decoded.len() as u64 != sh.records {
                return Err(ExportError::ShardCountMismatch {
                    file: sh.file.clone(),
                    found: decoded.len() as u64,
                    expected: sh.records,
                });
            }
            records = Some(decoded);
        }
        Ok(records.unwrap_or_default())
    }
}

struct Records<'a> {
    source: &'a CorpusSource,
    group: usize,
    current: std::vec::IntoIter<Record>,
    failed: bool,
}

impl Iterator for Records<'_> {
    type Item = Result<Record, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.failed {
                return None;
            }
            if let Some(r) = self.current.next() {
                return Some(Ok(r));
            }
            if self.group >= self.source.groups.len() {
                return None;
            }
            let g = self.group;
            self.group += 1;
            match self.source.read_group(g) {
                Ok(records) => self.current = records.into_iter(),
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::small_corpus;

    #[test]
    fn streams_every_record_in_order() {
        let dir = small_corpus("source-ok", "ring", 40);
        let src = CorpusSource::open(&dir).unwrap();
        assert_eq!(src.theory_name(), "ring");
        assert_eq!(src.manifest_sha256().len(), 64);
        assert!(src.theory_text().contains("axiom R : Type"));
        let ids: Vec<String> = src.records().map(|r| r.unwrap().id).collect();
        assert_eq!(ids.len() as u64, src.len());
        assert_eq!(ids.len(), 40);
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_tampered_shard_is_named_and_nothing_of_it_is_yielded() {
        let dir = small_corpus("source-tampered", "ring", 40);
        let src = CorpusSource::open(&dir).unwrap();
        let file = src.manifest().shards[0].file.clone();
        let path = dir.join(&file);
        let mut bytes = std::fs::read(&path).unwrap();
        // Change one letter of a statement: still valid JSON, still decodes.
        let at = bytes
            .windows(3)
            .position(|w| w == b"one")
            .expect("a statement with `one`");
        bytes[at] = b'0';
        std::fs::write(&path, bytes).unwrap();
        let items: Vec<_> = src.records().collect();
        assert_eq!(items.len(), 1, "no record of a tampered shard is yielded");
        let e = items.into_iter().next().unwrap().unwrap_err();
        assert!(matches!(&e, ExportError::ShardHashMismatch { file: f } if *f == file));
        assert!(e.to_string().contains(&file), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_missing_shard_and_a_changed_theory_are_refused() {
        let dir = small_corpus("source-missing", "ring", 10);
        let file = {
            let src = CorpusSource::open(&dir).unwrap();
            src.manifest().shards[0].file.clone()
        };
        std::fs::remove_file(dir.join(&file)).unwrap();
        let src = CorpusSource::open(&dir).unwrap();
        let e = src.records().last().unwrap().unwrap_err();
        assert!(e.to_string().contains(&file), "{e}");

        let m = dir.join("manifest.json");
        let text = std::fs::read_to_string(&m).unwrap();
        std::fs::write(&m, text.replace("axiom R : Type", "axiom R : Type 1")).unwrap();
        assert!(CorpusSource::open(&dir).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
