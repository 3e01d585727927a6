//! Failures of CLI commands, each with the exit code the contract gives it.

use proofmill_corpora::lean_export::{ImportError, Verdict};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input file cannot be opened (exit 2).
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A Lean export was rejected (exit 1) or declined (exit 2).
    #[error("{0}")]
    Import(#[from] ImportError),
}

impl CliError {
    /// The Lean Kernel Arena's verdict for this failure.
    pub fn verdict(&self) -> Verdict {
        match self {
            CliError::Open { .. } => Verdict::Decline,
            CliError::Import(e) => e.verdict(),
        }
    }
}
