//! What is written is what was checked.
//!
//! The kernel checks the statement and proof the generator built in memory
//! (`proof::assemble`), but a corpus holds their printed text, and anyone
//! re-checking a record (`proofmill verify`, a user's `check`) elaborates that
//! text. The two can part: a printer that drops a needed parenthesis, or an
//! elaborator that solves an implicit argument differently from how the
//! generator filled it, gives a record whose text means something else, or
//! nothing. So before a record is written, its printed `statement` and
//! `proof_term` are parsed and elaborated by the theory language, exactly as
//! `verify` does, and the resulting terms must be the very terms the kernel
//! checked (equal up to the names of bound variables). A record that does not
//! read back is a generator bug: it is reported and never written.
//!
//! Cost contract: one parse and one elaboration of the statement and proof
//! per record, on the worker that rendered it (measured in the README).

use crate::proof::KernelTheorem;
use proofmill_kernel::{alpha_eq, TypeChecker};
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::theory::TheoryError;
use std::fmt;

/// Why a record's text does not stand for the terms that were checked.
#[derive(Clone, Debug)]
pub enum ReadBackError {
    /// The text does not parse or elaborate.
    Unreadable(TheoryError),
    /// The statement elaborates to another proposition than the one checked.
    StatementDiffers,
    /// The proof term elaborates to another proof than the one checked.
    ProofDiffers,
}

impl fmt::Display for ReadBackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadBackError::Unreadable(e) => write!(f, "the printed text does not elaborate: {e}"),
            ReadBackError::StatementDiffers => write!(
                f,
                "the printed statement elaborates to another proposition than the one checked"
            ),
            ReadBackError::ProofDiffers => write!(
                f,
                "the printed proof term elaborates to another proof than the one checked"
            ),
        }
    }
}

impl std::error::Error for ReadBackError {}

/// Elaborates `statement` and `proof` with `reader` and compares them with
/// `checked`, which lives in `tc`'s store.
pub fn read_back(
    reader: &mut TheoremReader<'_>,
    statement: &str,
    proof: &str,
    tc: &TypeChecker<'_>,
    checked: &KernelTheorem,
) -> Result<(), ReadBackError> {
    let ours = tc.store_ref();
    let (same_statement, same_proof) = reader
        .read(statement, proof, |theirs, s, p| {
            let theirs = theirs.store_ref();
            (
                alpha_eq(theirs, s, ours, checked.statement),
                alpha_eq(theirs, p, ours, checked.proof),
            )
        })
        .map_err(ReadBackError::Unreadable)?;
    if !same_statement {
        return Err(ReadBackError::StatementDiffers);
    }
    if !same_proof {
        return Err(ReadBackError::ProofDiffers);
    }
    Ok(())
}
