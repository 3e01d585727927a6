//! Corpora of generated theorems (DESIGN §7): the record schema, JSONL and
//! bincode shards, the manifest, and `verify`, which re-checks a corpus with
//! the kernel and the tactic engine independently of the generator.
//!
//! Everything read here is untrusted: a malformed or tampered file is an
//! error value naming the file and record, never a panic.

mod manifest;
mod record;
mod shard;
mod verify;

pub use manifest::{Manifest, ShardInfo, FORMAT_VERSION};
pub use record::{Difficulty, Problem, Record, Step, Var};
pub use shard::{
    bin_entry, jsonl_line, read_bin, read_jsonl, sha256_hex, write_bin, write_bin_entries,
    write_jsonl, write_jsonl_lines, ShardError, BIN_MAGIC, BIN_VERSION,
};
pub use verify::{theory_hash, theory_source, verify_dir, BadRecord, VerifyReport};
