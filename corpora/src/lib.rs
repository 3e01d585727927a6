//! proofmill's corpora: the formats proofmill reads and writes.
//!
//! For now this is the Lean 4 export importer ([`lean_export`]): it reads
//! lean4export's NDJSON and feeds every declaration to the kernel through
//! `Env::add`, the one door. Corpus records, shard writers and readers, and
//! exporters to other provers will live here too (see `DESIGN.md`).
//!
//! Everything read here is untrusted: malformed input is an error value that
//! names the line and what was wrong, never a panic.
#![forbid(unsafe_code)]

pub mod corpus;
pub mod lean_export;
