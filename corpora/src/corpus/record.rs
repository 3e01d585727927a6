//! The record schema. Field names are a contract: add fields, never rename.
//! 64-bit seeds and hashes are strings (JSON readers turn large integers into floats).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Var {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub state_before: String,
    pub tactic: String,
    pub rule: String,
    /// `fwd` or `rev`.
    pub direction: String,
    /// `easy`, `invent` or `hard`.
    pub cost: String,
    pub position: Vec<u32>,
    pub state_after: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difficulty {
    pub steps: u32,
    pub distinct_rules: u32,
    pub hard_steps: u32,
    pub invent_steps: u32,
    pub size: u32,
    pub depth: u32,
}

/// A problem the record's theorem answers (calculus, made answer first):
/// `kind` is `antiderivative` (the question asks for an antiderivative of
/// f, `answer` is F, the statement `f = deriv F`), `derivative` (for the
/// derivative of F, answer f, statement `deriv F = f`), `ode_linear` or
/// `ode_separable` (for y such that an equation in y holds; the statement is
/// the equation at y = `answer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: String,
    pub question: String,
    pub answer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub theory: String,
    /// The run's seed (decimal string).
    pub seed: String,
    /// The attempt index whose random stream produced this record (decimal string).
    pub attempt: String,
    /// `∀ (a b : R), lhs = rhs`, in the theory language.
    pub statement: String,
    pub vars: Vec<Var>,
    /// The tactic that introduces `vars` before the steps (`intro a b`).
    pub intro: String,
    pub steps: Vec<Step>,
    /// The proof in the theory language.
    pub proof_term: String,
    pub difficulty: Difficulty,
    /// 64-bit hash of the canonical form (16 hex digits).
    pub canonical_hash: String,
    #[serde(default)]
    pub problem: Option<Problem>,
}
