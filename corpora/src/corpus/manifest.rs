//! `manifest.json`: what a corpus is and how it was made.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The corpus format this code writes and reads.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub file: String,
    pub records: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub proofmill_version: String,
    /// A shipped theory name or the path given.
    pub theory: String,
    /// sha256 of the theory's source text.
    pub theory_hash: String,
    /// The generation options, as given (seeds as strings).
    pub options: BTreeMap<String, String>,
    pub seed: String,
    /// Counts: records, attempts, duplicates, rejections, …
    pub counts: BTreeMap<String, u64>,
    pub shards: Vec<ShardInfo>,
    /// Rule-space coverage and other figures.
    #[serde(default)]
    pub coverage: serde_json::Value,
}
