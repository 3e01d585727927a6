//! `manifest.json`: what a corpus is and how it was made.
//!
//! A run writes its manifest before its first shard and rewrites it as each
//! shard file is begun and finished, with `complete: false`, so that an
//! interrupted run's directory still says which files are its own (for
//! `generate --resume` and `--overwrite`); the last write sets `complete`.
//! The manifest also holds the text of every theory source the corpus was
//! checked from, so a corpus is checked again wherever it is moved.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The corpus format this code writes and reads. 2: the manifest holds the
/// theory sources and says whether the run completed, canonical hashes name
/// symbols, theorems between propositions are stated with `↔`, rules go by
/// Lean 4 core's and Mathlib's names (with `@` where their arguments are
/// implicit), and a reversed self-symmetric rule is written forwards.
/// 3: a record's `problem` has a `kind` (`antiderivative`, `derivative`,
/// `ode_linear`, `ode_separable`), and a step may be `nth_rewrite k [...]`.
/// 4: a proof term nests its `Eq.trans` chain to the right
/// (`Eq.trans s₁ (Eq.trans s₂ s₃)`), as `rw` builds it.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest format this code still reads: a version 3 record differs
/// from a version 4 one only in how its proof term nests `Eq.trans`, which
/// no reader relies on (the proof is read and checked as written).
pub const OLDEST_FORMAT_READ: u32 = 3;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub file: String,
    pub records: u64,
    /// Empty while the file is being written.
    pub sha256: String,
}

/// One source a theory was checked from: its origin (`<prelude>` for a
/// shipped theory, a file's path relative to the theory file's directory)
/// and its full text (`Theory::source_files`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TheorySource {
    pub origin: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub proofmill_version: String,
    /// A shipped theory name or the path given.
    pub theory: String,
    /// sha256 of the theory's source texts (`theory_hash`).
    pub theory_hash: String,
    /// `false` while the run that writes the corpus has not finished.
    pub complete: bool,
    /// The generation options, as given (seeds as strings).
    pub options: BTreeMap<String, String>,
    pub seed: String,
    /// Counts: records, attempts, duplicates, rejections, …
    pub counts: BTreeMap<String, u64>,
    pub shards: Vec<ShardInfo>,
    /// The non-theorem files (`generate --non-theorems K`), listed as
    /// shards are; absent when the run made none, so such manifests are
    /// byte for byte what they were before non-theorems existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_theorems: Vec<ShardInfo>,
    /// Rule-space coverage and other figures.
    #[serde(default)]
    pub coverage: serde_json::Value,
    /// Every source the theory was checked from, the theory itself first.
    pub theory_sources: Vec<TheorySource>,
}

/// Whether `file` may be a file of the corpus directory (a plain name).
pub fn is_plain_file_name(file: &str) -> bool {
    !file.is_empty()
        && file != "."
        && file != ".."
        && !file.contains(['/', '\\'])
        && !file.contains('\0')
}

/// The files an earlier corpus in `dir` may have left, read from its
/// manifest of any format version: `manifest.json`, every file it lists and
/// their temporary names. `Ok(None)` when `dir` has no manifest.
pub fn corpus_files(dir: &Path, max_bytes: u64) -> Result<Option<Vec<String>>, String> {
    let p = dir.join("manifest.json");
    if !p.exists() {
        return Ok(None);
    }
    let bytes = super::shard::read_limited(&p, max_bytes)?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", p.display()))?;
    let mut out = vec!["manifest.json".to_string(), "manifest.json.tmp".to_string()];
    let listed = v["shards"].as_array().into_iter().flatten();
    for s in listed.chain(v["non_theorems"].as_array().into_iter().flatten()) {
        let Some(f) = s["file"].as_str().filter(|f| is_plain_file_name(f)) else {
            return Err(format!(
                "{}: a shard entry without a plain file name",
                p.display()
            ));
        };
        out.push(f.to_string());
        out.push(format!("{f}.tmp"));
    }
    Ok(Some(out))
}
