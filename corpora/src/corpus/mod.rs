//! Corpora of generated theorems (DESIGN §7): the record schema, JSONL and
//! bincode shards, the manifest, `verify`, which re-checks a corpus with
//! the kernel and the tactic engine independently of the generator, and
//! `regress`, which replays its traces against a changed theory.
//!
//! Everything read here is untrusted: a malformed or tampered file is an
//! error value naming the file and record, never a panic.

pub mod canon;
mod first_order;
mod manifest;
mod model;
mod non_theorem;
mod record;
pub mod regress;
mod shard;
mod verify;

pub use first_order::FoTerm;
pub use manifest::{
    corpus_files, is_plain_file_name, Manifest, ShardInfo, TheorySource, FORMAT_VERSION,
};
pub use model::{
    first_order_rules, rule_symbols, syntax_term, CounterModel, FoRule, ModelError, Table, IMPLIES,
    MAX_CARRIER, MAX_RULE_VARS,
};
pub use non_theorem::{
    decode_non_theorems, is_non_theorem_file, non_theorem_line, NonTheorem, NonTheoremDifficulty,
    NON_THEOREM_FILE_PREFIX, NON_THEOREM_STATUS,
};
pub use record::{Difficulty, Problem, Record, Step, Var};
pub use shard::{
    bin_entry, decode_bin, decode_jsonl, jsonl_line, read_bin, read_jsonl, read_limited,
    sha256_hex, write_bin, write_bin_entries, write_jsonl, write_jsonl_lines, ShardError,
    BIN_MAGIC, BIN_VERSION, MAX_SHARD_BYTES,
};
pub use verify::{
    read_manifest, theory_hash, theory_label, theory_source, verify_dir, verify_dir_on,
    CorpusError, RecordChecker, Verifier, VerifyError, VerifyReport, MAX_MANIFEST_BYTES,
};
