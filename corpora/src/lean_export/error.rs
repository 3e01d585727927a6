//! What can go wrong while importing a Lean 4 export, and what each failure
//! means for the Lean Kernel Arena's contract (accept / reject / decline);
//! and, at the end, what can go wrong while writing one ([`WriteError`]).
//!
//! Two families, kept apart on purpose:
//! - [`Malformed`]: the input is not a well-formed lean4export file (bad JSON,
//!   unknown record, missing field, dangling or redefined index, absurd size).
//!   Nothing was shown about the logic, so the checker *declines*.
//! - everything else names a declaration the checker refused: the kernel
//!   rejected it, the input's recursors/constructors/quotients disagree with
//!   the ones the kernel generated, or an axiom is not permitted. These
//!   *reject* (unless the kernel itself declined, e.g. a resource limit).

use proofmill_kernel::{KernelError, Name};
use std::fmt;

/// The three answers of the Lean Kernel Arena's contract.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Verdict {
    /// Every declaration was checked and accepted (exit 0).
    Accept,
    /// A declaration was shown to be wrong (exit 1).
    Reject,
    /// The checker cannot decide: unsupported or malformed input, or a resource limit (exit 2).
    Decline,
}

impl Verdict {
    /// The arena's exit code for this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Accept => 0,
            Verdict::Reject => 1,
            Verdict::Decline => 2,
        }
    }
}

/// The three kinds of numbered objects an export defines.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum IndexKind {
    /// `in`: names.
    Name,
    /// `il`: universe levels.
    Level,
    /// `ie`: expressions.
    Expr,
}

impl fmt::Display for IndexKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IndexKind::Name => "name",
            IndexKind::Level => "level",
            IndexKind::Expr => "expression",
        })
    }
}

/// Why a line is not a well-formed lean4export record.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    #[error("invalid JSON: {0}")]
    BadJson(String),
    #[error("the line is not valid UTF-8")]
    NotUtf8,
    #[error("the line is longer than the limit of {limit} bytes")]
    LineTooLong { limit: usize },
    #[error("a record must be a JSON object")]
    NotAnObject,
    #[error("unknown record kind (keys: {keys})")]
    UnknownRecord { keys: String },
    #[error("{record} record has none of the known forms ({expected})")]
    UnknownForm {
        record: &'static str,
        expected: &'static str,
    },
    #[error("{record} record: missing field `{field}`")]
    MissingField {
        record: &'static str,
        field: &'static str,
    },
    #[error("{record} record: field `{field}` should be {expected}")]
    WrongType {
        record: &'static str,
        field: &'static str,
        expected: &'static str,
    },
    #[error("{record} record: field `{field}` has the unknown value {value}")]
    BadValue {
        record: &'static str,
        field: &'static str,
        value: String,
    },
    #[error("the `all` field of {name} does not list {name}")]
    AllOmitsSelf { name: String },
    #[error("{what} is too large: {value} (limit {limit})")]
    TooLarge {
        what: &'static str,
        value: String,
        limit: String,
    },
    #[error("reference to undefined {kind} index {index}")]
    UndefinedIndex { kind: IndexKind, index: u64 },
    #[error("{kind} index {index} is defined twice")]
    Redefinition { kind: IndexKind, index: u64 },
    #[error("{kind} index 0 is predefined ({predefined}) and cannot be redefined")]
    PredefinedIndex {
        kind: IndexKind,
        predefined: &'static str,
    },
    #[error("unsupported export format version {0} (supported: 3.0.0, 3.1.0)")]
    UnsupportedFormat(String),
    #[error("the meta record must come first, and only once")]
    MisplacedMeta,
    #[error("inductive record with no types")]
    EmptyInductive,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input could not be read at all.
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not a well-formed record.
    #[error("line {line}: {what}")]
    Malformed { line: u64, what: Malformed },
    /// The kernel refused (or declined) a declaration.
    #[error("{decl}: {} (line {line})", kernel_message(decl, error))]
    Kernel {
        line: u64,
        decl: Name,
        error: KernelError,
    },
    /// A constructor, recursor, inductive or quotient constant supplied by the
    /// input disagrees with what the kernel generated (the kernel's is authoritative).
    #[error("{decl}: disagrees with the kernel's own: {what} (line {line})")]
    GeneratedMismatch { line: u64, decl: Name, what: String },
    /// An axiom outside the permitted list.
    #[error("{decl}: axiom not permitted (line {line})")]
    AxiomNotPermitted { line: u64, decl: Name },
}

/// The kernel's message, without the declaration's name when the message
/// starts with it (the error line names the declaration already).
fn kernel_message(decl: &Name, error: &KernelError) -> String {
    let msg = error.to_string();
    match msg.strip_prefix(&format!("{decl}: ")) {
        Some(rest) => rest.to_owned(),
        None => msg,
    }
}

impl ImportError {
    pub(crate) fn malformed(line: u64, what: Malformed) -> ImportError {
        ImportError::Malformed { line, what }
    }

    /// What this failure means for the arena's contract.
    pub fn verdict(&self) -> Verdict {
        match self {
            ImportError::Io(_) | ImportError::Malformed { .. } => Verdict::Decline,
            ImportError::Kernel { error, .. } if error.is_decline() => Verdict::Decline,
            ImportError::Kernel { .. }
            | ImportError::GeneratedMismatch { .. }
            | ImportError::AxiomNotPermitted { .. } => Verdict::Reject,
        }
    }

    /// The input line the failure is about (none for I/O errors).
    pub fn line(&self) -> Option<u64> {
        match self {
            ImportError::Io(_) => None,
            ImportError::Malformed { line, .. }
            | ImportError::Kernel { line, .. }
            | ImportError::GeneratedMismatch { line, .. }
            | ImportError::AxiomNotPermitted { line, .. } => Some(*line),
        }
    }

    /// The declaration refused, when the failure is about one.
    pub fn decl(&self) -> Option<&Name> {
        match self {
            ImportError::Kernel { decl, .. }
            | ImportError::GeneratedMismatch { decl, .. }
            | ImportError::AxiomNotPermitted { decl, .. } => Some(decl),
            ImportError::Io(_) | ImportError::Malformed { .. } => None,
        }
    }
}

/// Why an environment could not be written as a Lean 4 export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output could not be written.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// A constant breaks something every environment built by `Env::add`
    /// satisfies (closed terms in the environment's arena, constructors and
    /// recursors with their inductive type): a kernel bug, not bad input.
    #[error("{decl}: cannot be exported: {reason}")]
    NotExportable { decl: Name, reason: &'static str },
}
