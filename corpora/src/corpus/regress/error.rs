//! Why `regress` could not read its input (the CLI exits 2 on each).

use super::super::verify::CorpusError;
use proofmill_tactics::theory::TheoryError;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegressError {
    /// The manifest, or the corpus's own theory, cannot be read.
    #[error("{0}")]
    Corpus(#[from] CorpusError),
    /// The theory to replay against does not check (`file:line:col: error: …`).
    #[error("{0}")]
    Theory(TheoryError),
    #[error("{file}: a shard outside the corpus directory")]
    ShardOutsideCorpus { file: String },
    #[error("{file}: {msg}")]
    ShardUnreadable { file: String, msg: String },
    #[error("{file}: sha256 differs from the manifest (the shard was changed)")]
    ShardHashMismatch { file: String },
    #[error("{file}: {found} records, the manifest says {expected}")]
    ShardCountMismatch {
        file: String,
        found: u64,
        expected: u64,
    },
}
