//! Non-theorems: false statements made by perturbing a theorem of the
//! corpus, each with the finite counter-model that shows it false
//! (`model.rs`). They are kept out of the theorem shards (everything there
//! was checked by the kernel) in files of their own,
//! `non-theorems-00000.jsonl`, which the manifest lists under
//! `non_theorems` with their record counts and sha256.
//!
//! They exist so that provers can be benchmarked for soundness: a prover
//! that claims one has proved something that does not follow from the
//! rules.

use super::model::CounterModel;
use super::record::Var;
use super::shard::ShardError;
use serde::{Deserialize, Serialize};

/// What a non-theorem record's `status` says.
pub const NON_THEOREM_STATUS: &str = "non-theorem";
/// How non-theorem files are named (`non-theorems-00000.jsonl`, or
/// `non-theorems-1-of-4-00000.jsonl` for a shard of a split run).
pub const NON_THEOREM_FILE_PREFIX: &str = "non-theorems";

/// What can be measured of a non-theorem: its sides' size and depth (the
/// larger of the two, as a theorem's), and the steps of the theorem it was
/// made from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonTheoremDifficulty {
    pub size: u32,
    pub depth: u32,
    pub source_steps: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonTheorem {
    /// `{theory}/s{seed}/nonthm-{index:06}`.
    pub id: String,
    pub theory: String,
    pub seed: String,
    /// `∀ (a b : R), lhs = rhs`, in the theory language, as a theorem's.
    pub statement: String,
    pub vars: Vec<Var>,
    /// Always [`NON_THEOREM_STATUS`].
    pub status: String,
    /// The id of the theorem it was made from.
    pub perturbed_from: String,
    /// What was changed, in a few words (`swap-args: …`).
    pub perturbation: String,
    pub canonical_hash: String,
    pub difficulty: NonTheoremDifficulty,
    pub counter_model: CounterModel,
}

/// Whether `file` (a plain name) is a non-theorem file.
pub fn is_non_theorem_file(file: &str) -> bool {
    file.starts_with(NON_THEOREM_FILE_PREFIX) && file.ends_with(".jsonl")
}

/// One JSONL line (with its newline).
pub fn non_theorem_line(r: &NonTheorem) -> Result<Vec<u8>, serde_json::Error> {
    let mut v = serde_json::to_vec(r)?;
    v.push(b'\n');
    Ok(v)
}

/// The records of a non-theorem file's bytes.
pub fn decode_non_theorems(bytes: &[u8], file: &str) -> Result<Vec<NonTheorem>, ShardError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ShardError::BadFile {
        file: file.to_string(),
        msg: format!("not UTF-8: {e}"),
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ShardError::BadRecord {
                file: file.to_string(),
                index: i as u64,
                msg: e.to_string(),
            })
        })
        .collect()
}
