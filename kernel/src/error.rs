//! Why the kernel refused a declaration.
//!
//! Errors are data: each variant is named after what failed and carries the
//! offending names and terms. Terms are rendered to text when the error is
//! made, because the scratch arena they live in does not outlive the check.

use crate::name::Name;
use std::fmt;

/// Why an inductive declaration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InductiveFailure {
    /// The declared type is not a telescope ending in a sort.
    NotASortTelescope,
    /// The block is empty, or its types disagree on parameters or levels.
    MalformedBlock(String),
    /// A constructor's type does not start with the block's parameters.
    WrongConstructorParams { ctor: Name },
    /// A constructor's result is not the inductive applied to its parameters and indices.
    WrongConstructorResult { ctor: Name },
    /// A constructor argument mentions the types being defined in a non-positive position.
    NonPositive { ctor: Name, arg: usize },
    /// A recursive occurrence is not a valid application (e.g. the type occurs in an index).
    InvalidOccurrence { ctor: Name, arg: usize },
    /// A constructor field lives in a universe above the inductive's.
    FieldUniverseTooHigh { ctor: Name, arg: usize },
    /// A constructor is not of the expected form.
    BadConstructor { ctor: Name, reason: String },
    /// A nested occurrence could not be turned into an auxiliary type.
    BadNesting(String),
}

/// Why the kernel refused a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KernelError {
    AlreadyDeclared(Name),
    UnknownConstant(Name),
    DuplicateLevelParam(Name),
    UndeclaredLevelParam {
        decl: Name,
        param: Name,
    },
    WrongNumLevels {
        constant: Name,
        expected: usize,
        got: usize,
    },
    /// A declaration's expressions must be closed and free of free variables.
    NotClosed(Name),
    /// A term of the form `x : T` where a type was needed and `T` is not a sort.
    TypeExpected {
        term: String,
        its_type: String,
    },
    FunctionExpected {
        term: String,
        its_type: String,
    },
    AppTypeMismatch {
        function: String,
        expected: String,
        argument: String,
        argument_type: String,
    },
    LetTypeMismatch {
        name: Name,
        expected: String,
        got: String,
    },
    DeclTypeMismatch {
        decl: Name,
        expected: String,
        got: String,
    },
    TheoremNotProp {
        decl: Name,
        ty: String,
    },
    LooseBVar(u32),
    InvalidProjection {
        term: String,
        reason: String,
    },
    Inductive {
        name: Name,
        failure: InductiveFailure,
    },
    /// A recursor, constructor or quotient supplied by the input disagrees with
    /// the one the kernel generated.
    GeneratedMismatch {
        name: Name,
        what: String,
    },
    QuotNeedsEq(String),
    UnsafeReference {
        decl: Name,
        constant: Name,
    },
    /// Input nested deeper than the kernel's stated limit.
    TooDeep {
        limit: u32,
    },
    /// The checker ran into a resource limit (e.g. a literal too large to compute).
    LimitExceeded(String),
    /// A feature the kernel does not support (declined, not refuted).
    Unsupported(String),
}

impl KernelError {
    /// True when the input was declined (not shown wrong) — arena exit code 2.
    pub fn is_decline(&self) -> bool {
        matches!(
            self,
            KernelError::TooDeep { .. }
                | KernelError::LimitExceeded(_)
                | KernelError::Unsupported(_)
        )
    }
}

impl fmt::Display for InductiveFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InductiveFailure::NotASortTelescope => {
                write!(f, "its type is not of the form Π params indices, Sort u")
            }
            InductiveFailure::MalformedBlock(s) => write!(f, "malformed block: {s}"),
            InductiveFailure::WrongConstructorParams { ctor } => {
                write!(f, "constructor {ctor} does not take the block's parameters")
            }
            InductiveFailure::WrongConstructorResult { ctor } => write!(
                f,
                "constructor {ctor} does not return the inductive type applied to its parameters"
            ),
            InductiveFailure::NonPositive { ctor, arg } => {
                write!(
                    f,
                    "non-positive occurrence in argument {arg} of constructor {ctor}"
                )
            }
            InductiveFailure::InvalidOccurrence { ctor, arg } => {
                write!(
                    f,
                    "invalid occurrence of the inductive in argument {arg} of constructor {ctor}"
                )
            }
            InductiveFailure::FieldUniverseTooHigh { ctor, arg } => write!(
                f,
                "argument {arg} of constructor {ctor} is in a universe too large for the inductive"
            ),
            InductiveFailure::BadConstructor { ctor, reason } => {
                write!(f, "constructor {ctor}: {reason}")
            }
            InductiveFailure::BadNesting(s) => write!(f, "invalid nested inductive: {s}"),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::AlreadyDeclared(n) => write!(f, "{n} is already declared"),
            KernelError::UnknownConstant(n) => write!(f, "unknown constant {n}"),
            KernelError::DuplicateLevelParam(n) => write!(f, "duplicate universe parameter {n}"),
            KernelError::UndeclaredLevelParam { decl, param } => {
                write!(f, "{decl} uses undeclared universe parameter {param}")
            }
            KernelError::WrongNumLevels {
                constant,
                expected,
                got,
            } => write!(
                f,
                "{constant} expects {expected} universe levels, got {got}"
            ),
            KernelError::NotClosed(n) => write!(f, "{n} has loose bound or free variables"),
            KernelError::TypeExpected { term, its_type } => {
                write!(f, "type expected: {term} has type {its_type}")
            }
            KernelError::FunctionExpected { term, its_type } => {
                write!(f, "function expected: {term} has type {its_type}")
            }
            KernelError::AppTypeMismatch {
                function,
                expected,
                argument,
                argument_type,
            } => write!(
                f,
                "application type mismatch: {function} expects an argument of type {expected}, \
                 but {argument} has type {argument_type}"
            ),
            KernelError::LetTypeMismatch {
                name,
                expected,
                got,
            } => {
                write!(f, "let {name}: value has type {got}, expected {expected}")
            }
            KernelError::DeclTypeMismatch {
                decl,
                expected,
                got,
            } => {
                write!(
                    f,
                    "{decl}: value has type {got}, but it is declared to have type {expected}"
                )
            }
            KernelError::TheoremNotProp { decl, ty } => {
                write!(f, "theorem {decl}: its type {ty} is not a proposition")
            }
            KernelError::LooseBVar(i) => write!(f, "loose bound variable #{i}"),
            KernelError::InvalidProjection { term, reason } => {
                write!(f, "invalid projection {term}: {reason}")
            }
            KernelError::Inductive { name, failure } => write!(f, "inductive {name}: {failure}"),
            KernelError::GeneratedMismatch { name, what } => {
                write!(f, "{name} disagrees with the kernel's own: {what}")
            }
            KernelError::QuotNeedsEq(s) => write!(f, "quotient types need Eq: {s}"),
            KernelError::UnsafeReference { decl, constant } => {
                write!(f, "safe declaration {decl} refers to unsafe {constant}")
            }
            KernelError::TooDeep { limit } => {
                write!(f, "input nested deeper than the limit of {limit}")
            }
            KernelError::LimitExceeded(s) => write!(f, "limit exceeded: {s}"),
            KernelError::Unsupported(s) => write!(f, "unsupported: {s}"),
        }
    }
}

impl std::error::Error for KernelError {}
