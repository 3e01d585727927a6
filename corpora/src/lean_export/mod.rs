//! Import of Lean 4 exports (lean4export's NDJSON, formats 3.0.0 and 3.1.0),
//! and export of checked environments in the same format (3.1.0).
//!
//! An export is one JSON object per line: a `meta` header, then numbered
//! names (`in`), universe levels (`il`) and expressions (`ie`), each defined
//! before it is used, and declarations (`axiom`, `def`, `thm`, `opaque`,
//! `quot`, `inductive`) referring to them by number.
//!
//! The import streams: [`Importer`] reads one line at a time from any
//! `BufRead` (a file or stdin), builds each expression straight into the
//! kernel environment's hash-consing arena, and submits each declaration to
//! `Env::add` as soon as its line is read. Memory is what the export defines
//! (index tables and the arena), never the file's text.
//!
//! The kernel is authoritative for everything it generates. An `inductive`
//! record submits only the block's types and constructors; the recursors,
//! constructor numbering, `isRec`, `numNested`, `k` and so on that the record
//! lists are then compared with the kernel's, and any disagreement rejects
//! the file. Likewise the four `quot` records are checked against the
//! quotient constants the kernel adds on the first of them.
//!
//! Files, by what they do:
//! - `lines`: bounded, numbered line reading;
//! - `json`, `records`: a line → a raw record (both format versions);
//! - `fast`: the same for the plain name, level and expression lines,
//!   without a JSON tree (anything else goes the general way);
//! - `tables`: index tables, building names, levels and expressions;
//! - `declarations`: records → kernel declarations and the input's claims;
//! - `compare`: the input's claims against the kernel's constants;
//! - `import`: the driver, options and report;
//! - `error`: what can go wrong, and the arena verdict it means;
//! - `write`: the way back, a checked environment → NDJSON ([`write_env`]),
//!   or an environment and then theorems checked over it, one at a time
//!   ([`StreamWriter`]).

mod compare;
mod declarations;
mod error;
mod fast;
mod import;
mod json;
mod lines;
mod records;
mod tables;
#[cfg(test)]
mod tests;
mod write;

pub use error::{ImportError, IndexKind, Malformed, Verdict, WriteError};
pub use import::{
    check_export, AxiomPolicy, GeneratedCheck, ImportLimits, ImportOptions, ImportReport, Importer,
};
pub use write::{write_env, StreamWriter, WriteSummary, FORMAT_VERSION};
