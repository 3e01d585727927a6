//! proofmill's factory (DESIGN §5–§6): the rule space, random walks,
//! backward construction of hard steps, proof assembly checked by the kernel,
//! canonical forms and dedup, and the parallel deterministic driver that
//! writes verified corpora (`proofmill_corpora::corpus`).
#![forbid(unsafe_code)]

pub mod args;
pub mod calculus;
pub mod canon;
pub mod countermodel;
pub mod driver;
mod manifest;
pub mod merge;
pub mod nonthm;
pub mod perturb;
pub mod print;
pub mod proof;
pub mod prove;
pub mod readback;
mod render;
pub mod rng;
pub mod rules;
pub mod search;
pub mod sink;
pub mod space;
pub mod term;
pub mod walk;

pub use driver::{Generator, Options, Report};
pub use merge::{merge, MergeError, MergeReport};
