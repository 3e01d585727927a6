//! What an export can fail on: one variant per thing that failed, carrying
//! the file, record or format concerned, so that the CLI prints one line and
//! picks its exit code from the variant (`ExportError::exit_code`).

use proofmill_corpora::corpus::CorpusError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The manifest cannot be read, or the theory it records fails to check
    /// or to hash to the manifest's `theory_hash`.
    #[error("{0}")]
    Corpus(#[from] CorpusError),
    /// A shard file differs from the sha256 the manifest gives it: the
    /// corpus was changed after it was written.
    #[error("{file}: sha256 differs from the manifest (the corpus was changed after it was written); nothing of it is exported")]
    ShardHashMismatch { file: String },
    /// A shard file is missing, unreadable, outside the corpus or undecodable.
    #[error("{file}: {msg}")]
    ShardUnreadable { file: String, msg: String },
    #[error("{file}: {found} records, the manifest says {expected}")]
    ShardCountMismatch {
        file: String,
        found: u64,
        expected: u64,
    },
    /// The run that writes the corpus has not finished.
    #[error(
        "{dir}: the corpus is incomplete (an interrupted run: finish it with `generate --resume`)"
    )]
    Incomplete { dir: String },
    /// The theory cannot be read into the form an exporter needs.
    #[error("theory {theory}: {msg}")]
    Theory { theory: String, msg: String },
    /// A record does not parse or names a symbol the theory lacks.
    #[error("record {id}: {msg}")]
    Record { id: String, msg: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A theory or record that the format cannot express, and why.
    #[error("{format}: cannot express {why}")]
    Unsupported { format: &'static str, why: String },
    /// An external tool failed (tests and checks that run one).
    #[error("{0}")]
    Tool(String),
    /// A `--to` name that is not a format.
    #[error(
        "unknown format `{0}` (formats: lean-ndjson, lean, coq, tptp, smt2, leandojo, parquet)"
    )]
    UnknownFormat(String),
    /// A `--split` that is not three non-negative integers with a positive sum.
    #[error(
        "bad split `{0}`: expected three non-negative integers with a positive sum, as 98,1,1"
    )]
    BadSplit(String),
    /// An `--axioms` value that is neither `all` nor `base`.
    #[error("--axioms {0}: expected all or base")]
    BadAxioms(String),
    /// `--axioms base` with a format whose proofs use the derived rules.
    #[error("--axioms base: {format} writes proofs that rewrite with the derived rules; only tptp and smt2 can leave them out")]
    AxiomsNeedProblems { format: &'static str },
    /// `--axioms base` on a theory with a derived rule whose proof uses more
    /// than the base axioms as first-order equations (`axioms.rs`).
    #[error("--axioms base: theory {theory}: rule {rule} is proven with {constant}, which the first-order problem does not state, so it cannot be withheld")]
    NotDerivable {
        theory: String,
        rule: String,
        constant: String,
    },
    /// The output directory exists and holds files.
    #[error("{}: not empty (use --force to write into it anyway)", path.display())]
    OutNotEmpty { path: PathBuf },
}

impl ExportError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ExportError {
        let path = path.into();
        move |source| ExportError::Io { path, source }
    }

    /// The CLI's exit code: 2 for bad arguments, 1 for everything else (a
    /// tampered or unreadable corpus, a failed write, an inexpressible record).
    pub fn exit_code(&self) -> u8 {
        match self {
            ExportError::UnknownFormat(_)
            | ExportError::BadSplit(_)
            | ExportError::BadAxioms(_)
            | ExportError::AxiomsNeedProblems { .. }
            | ExportError::NotDerivable { .. }
            | ExportError::OutNotEmpty { .. } => 2,
            _ => 1,
        }
    }
}
