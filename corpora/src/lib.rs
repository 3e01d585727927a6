//! proofmill's corpora: the formats proofmill reads and writes.
//!
//! [`corpus`]: the record schema, JSONL and bincode shards, the manifest,
//! the canonical form shared with the generator, and `verify`, which checks
//! every field of every record of a corpus with the kernel and the tactic
//! engine. [`lean_export`]: lean4export's NDJSON, read into the kernel
//! through `Env::add` (the one door) and written back out.
//!
//! Everything read here is untrusted: malformed input is an error value that
//! names the line and what was wrong, never a panic.
#![forbid(unsafe_code)]

pub mod corpus;
pub mod lean_export;
