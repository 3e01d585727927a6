//! What `verify` found wrong: one variant per check, named after what
//! failed, carrying the record id (or the file) and the offending values,
//! so that a user can filter and count failures. `Display` is the one line
//! the CLI prints after `error: `.

/// A corpus that cannot be verified at all (`verify` exits 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    #[error("{file}: {msg}")]
    ManifestUnreadable { file: String, msg: String },
    #[error(
        "{file}: format version {found}, this proofmill reads {oldest} to {newest} (regenerate the corpus)"
    )]
    FormatVersion {
        file: String,
        found: u32,
        oldest: u32,
        newest: u32,
    },
    #[error("theory {theory}: {msg}")]
    TheoryUnavailable { theory: String, msg: String },
    #[error("theory {theory}: its source hash is {found}, the manifest says {expected}")]
    TheoryHashMismatch {
        theory: String,
        found: String,
        expected: String,
    },
    #[error("cannot start the checking threads: {0}")]
    Threads(String),
}

/// A file or a record that failed a check (`verify` exits 1 and prints each).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    // The files of the corpus.
    #[error("{file}: a file the manifest does not list")]
    UnlistedFile { file: String },
    #[error("{file}: a shard outside the corpus directory")]
    ShardOutsideCorpus { file: String },
    #[error("{file}: {msg}")]
    ShardUnreadable { file: String, msg: String },
    #[error("{file}: sha256 differs from the manifest")]
    ShardHashMismatch { file: String },
    #[error("{file}: {found} records, the manifest says {expected}")]
    ShardCountMismatch {
        file: String,
        found: u64,
        expected: u64,
    },
    #[error("{file}: record {index} differs from the same record in {other}")]
    FormatsDisagree {
        file: String,
        other: String,
        index: u64,
    },
    #[error("manifest.json: {found} records in the shards, the manifest's count is {expected}")]
    RecordCountMismatch { found: u64, expected: u64 },
    #[error("manifest.json: the corpus is incomplete (an interrupted run: finish it with `generate --resume`)")]
    Incomplete,

    // A record's identity.
    #[error("{id}: the id is not {expected_form}")]
    MalformedId { id: String, expected_form: String },
    #[error("{id}: a second record with this id")]
    DuplicateId { id: String },
    #[error("{id}: not after the record before it ({previous}) in id and attempt order")]
    OutOfOrder { id: String, previous: String },
    #[error("{id}: seed {found}, the manifest says {expected}")]
    SeedMismatch {
        id: String,
        found: String,
        expected: String,
    },
    #[error("{id}: attempt `{found}` is not an attempt of this run (a decimal below {attempts})")]
    MalformedAttempt {
        id: String,
        found: String,
        attempts: u64,
    },
    #[error("{id}: theory {found}, the manifest says {expected}")]
    TheoryMismatch {
        id: String,
        found: String,
        expected: String,
    },

    // A record's statement and what follows from it.
    #[error("{id}: the statement does not bind its vars as `{expected}…`")]
    StatementUnbound { id: String, expected: String },
    #[error("{id}: {field}: {msg}")]
    NotFirstOrder {
        id: String,
        field: String,
        msg: String,
    },
    #[error("{id}: {field} is not in printed form (expected `{expected}`)")]
    NotPrinted {
        id: String,
        field: String,
        expected: String,
    },
    #[error("{id}: canonical_hash {found}, the statement's is {expected}")]
    CanonicalHashMismatch {
        id: String,
        found: String,
        expected: String,
    },
    #[error("{id}: states the same theorem as {first}")]
    DuplicateStatement { id: String, first: String },
    #[error("{id}: difficulty.{field} is {found}, the trace gives {expected}")]
    DifficultyMismatch {
        id: String,
        field: &'static str,
        found: String,
        expected: String,
    },
    #[error("{id}: problem: {msg}")]
    ProblemMismatch { id: String, msg: String },

    // The trace.
    #[error("{id}: no steps")]
    NoSteps { id: String },
    #[error("{id}: intro `{found}` does not introduce the vars (`{expected}`)")]
    IntroMismatch {
        id: String,
        found: String,
        expected: String,
    },
    #[error("{id}: step {step}: state_before is not the previous goal")]
    StateMismatch { id: String, step: usize },
    #[error("{id}: step {step}: {which} is not a goal over the vars")]
    NotAGoal {
        id: String,
        step: usize,
        which: &'static str,
    },
    #[error("{id}: step {step}: the last step must close the goal")]
    NotClosed { id: String, step: usize },
    #[error("{id}: step {step}: the tactic `{tactic}` is not one rewrite by a rule of the theory{detail}")]
    NotARuleRewrite {
        id: String,
        step: usize,
        tactic: String,
        detail: String,
    },
    #[error("{id}: step {step}: {field} is {found}, the tactic gives {expected}")]
    StepLabelMismatch {
        id: String,
        step: usize,
        field: &'static str,
        found: String,
        expected: String,
    },
    #[error("{id}: step {step} ({tactic}): {msg}")]
    StepDiverges {
        id: String,
        step: usize,
        tactic: String,
        msg: String,
    },
    #[error("{id}: proof term: {msg}")]
    ProofRejected { id: String, msg: String },
    #[error("{id}: trace: {msg}")]
    TraceRejected { id: String, msg: String },

    // A non-theorem.
    #[error(
        "manifest.json: {found} non-theorems in the files, the manifest's count is {expected}"
    )]
    NonTheoremCountMismatch { found: u64, expected: u64 },
    #[error("{id}: {field}: {msg}")]
    NonTheoremField {
        id: String,
        field: &'static str,
        msg: String,
    },
    #[error("{id}: the statement does not elaborate: {msg}")]
    StatementRejected { id: String, msg: String },
    #[error("{id}: counter_model: {msg}")]
    CounterModel { id: String, msg: String },
}

impl VerifyError {
    /// The record id, or the file, the failure is about.
    pub fn id(&self) -> &str {
        use VerifyError::*;
        match self {
            UnlistedFile { file }
            | ShardOutsideCorpus { file }
            | ShardUnreadable { file, .. }
            | ShardHashMismatch { file }
            | ShardCountMismatch { file, .. }
            | FormatsDisagree { file, .. } => file,
            Incomplete | RecordCountMismatch { .. } | NonTheoremCountMismatch { .. } => {
                "manifest.json"
            }
            MalformedId { id, .. }
            | DuplicateId { id }
            | OutOfOrder { id, .. }
            | SeedMismatch { id, .. }
            | MalformedAttempt { id, .. }
            | TheoryMismatch { id, .. }
            | StatementUnbound { id, .. }
            | NotFirstOrder { id, .. }
            | NotPrinted { id, .. }
            | CanonicalHashMismatch { id, .. }
            | DuplicateStatement { id, .. }
            | DifficultyMismatch { id, .. }
            | ProblemMismatch { id, .. }
            | NoSteps { id }
            | IntroMismatch { id, .. }
            | StateMismatch { id, .. }
            | NotAGoal { id, .. }
            | NotClosed { id, .. }
            | NotARuleRewrite { id, .. }
            | StepLabelMismatch { id, .. }
            | StepDiverges { id, .. }
            | ProofRejected { id, .. }
            | TraceRejected { id, .. }
            | NonTheoremField { id, .. }
            | StatementRejected { id, .. }
            | CounterModel { id, .. } => id,
        }
    }
}
