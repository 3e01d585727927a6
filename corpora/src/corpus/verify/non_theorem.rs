//! One non-theorem record, checked against its own text and its
//! counter-model (`corpus::model`):
//! - identity: `theory` and `seed` are the manifest's, `id` is
//!   `{theory}/s{seed}/nonthm-{index:06}` with an index below the run's
//!   count of non-theorems, `status` is `non-theorem`, and `perturbed_from`
//!   is the id of a theorem of the corpus (checked across records);
//! - the statement binds exactly `vars`, is in printed form, and is
//!   parsed and elaborated by the theory language (then checked to be a
//!   type by the kernel), as a theorem's statement is;
//! - `canonical_hash` and `difficulty.size`/`depth` are recomputed from it;
//! - the counter-model is a model of every rule of the theory (all
//!   assignments) and its assignment makes the two sides differ.
//!
//! No proof is checked: there is none. What is shown instead is that no
//! proof can exist from the rules.

use super::error::VerifyError;
use super::record::{hyps, Expect, Reader};
use crate::corpus::canon;
use crate::corpus::first_order::Plain;
use crate::corpus::model::{syntax_term, FoRule, ModelError};
use crate::corpus::non_theorem::{NonTheorem, NON_THEOREM_STATUS};
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::syntax::{Arg, TermKind};
use proofmill_tactics::theory::Theory;

/// What checking a non-theorem needs from the verifier.
pub(super) struct NonTheoremCheck<'a> {
    pub theory: &'a Theory,
    pub expect: &'a Expect,
    /// The theory's rules in first-order form, or why they are not.
    pub rules: &'a Result<Vec<FoRule>, ModelError>,
    /// Non-theorems the whole run made (ids are below it).
    pub count: u64,
}

/// What the checks across records need: the id's index, the source
/// theorem's index and the canonical hash.
pub(super) struct NonTheoremIdentity {
    pub index: u64,
    pub source: u64,
    pub hash: u64,
}

impl NonTheoremCheck<'_> {
    pub fn check(
        &self,
        reader: &mut TheoremReader<'_>,
        r: &NonTheorem,
    ) -> Result<NonTheoremIdentity, VerifyError> {
        let id = || r.id.clone();
        let x = self.expect;
        let field = |field: &'static str, msg: String| VerifyError::NonTheoremField {
            id: id(),
            field,
            msg,
        };
        if r.theory != x.theory {
            return Err(VerifyError::TheoryMismatch {
                id: id(),
                found: r.theory.clone(),
                expected: x.theory.clone(),
            });
        }
        if r.seed != x.seed {
            return Err(VerifyError::SeedMismatch {
                id: id(),
                found: r.seed.clone(),
                expected: x.seed.clone(),
            });
        }
        let prefix = format!("{}nonthm-", x.id_prefix);
        let Some(index) = six_digits(&r.id, &prefix).filter(|&n| n < self.count) else {
            return Err(VerifyError::MalformedId {
                id: id(),
                expected_form: format!("{prefix}NNNNNN with an index below {}", self.count),
            });
        };
        if r.status != NON_THEOREM_STATUS {
            return Err(field(
                "status",
                format!("`{}`, expected `{NON_THEOREM_STATUS}`", r.status),
            ));
        }
        let Some(source) = six_digits(&r.perturbed_from, &x.id_prefix).filter(|&n| n < x.accepted)
        else {
            return Err(field(
                "perturbed_from",
                format!(
                    "`{}` is not a theorem id of this run ({}NNNNNN below {})",
                    r.perturbed_from, x.id_prefix, x.accepted
                ),
            ));
        };
        // The statement, as a theorem's: bound variables, printed form.
        let (_, binders) = hyps(&r.vars);
        let prefix = if r.vars.is_empty() {
            String::new()
        } else {
            format!("∀ {binders}, ")
        };
        let Some(body) = r.statement.strip_prefix(&prefix) else {
            return Err(VerifyError::StatementUnbound {
                id: id(),
                expected: prefix,
            });
        };
        let rd = Reader {
            theory: self.theory,
            vars: r.vars.iter().map(|v| v.name.as_str()).collect(),
            id: &r.id,
        };
        let t = rd.syntax("statement", body)?;
        let sides = match &t.kind {
            TermKind::App(f, args) => match (&f.kind, &args[..]) {
                (TermKind::Ident(rel), [Arg::Pos(l), Arg::Pos(r)])
                    if rel == "Eq" || rel == "Iff" =>
                {
                    Some((l, r))
                }
                _ => None,
            },
            _ => None,
        };
        let Some((l, rr)) = sides else {
            return Err(rd.not_fo("statement", "not an equation"));
        };
        let lhs = syntax_term(l, &rd.vars).map_err(|m| rd.not_fo("statement", m))?;
        let rhs = syntax_term(rr, &rd.vars).map_err(|m| rd.not_fo("statement", m))?;
        // It means something in the theory: elaborated, and a type to the kernel.
        reader
            .read_statement(&r.statement, |tc, ty| {
                tc.check_type(ty).map(|_| ()).map_err(|e| e.to_string())
            })
            .map_err(|e| e.to_string())
            .and_then(|kernel| kernel)
            .map_err(|msg| VerifyError::StatementRejected { id: id(), msg })?;
        let hash = canon::hash(&canon::canonical(&lhs, &rhs, &Plain));
        let text = canon::hash_text(hash);
        if r.canonical_hash != text {
            return Err(VerifyError::CanonicalHashMismatch {
                id: id(),
                found: r.canonical_hash.clone(),
                expected: text,
            });
        }
        let d = &r.difficulty;
        let size = lhs.size().max(rhs.size()) as u32;
        let depth = lhs.depth().max(rhs.depth()) as u32;
        for (name, found, expected) in [("size", d.size, size), ("depth", d.depth, depth)] {
            if found != expected {
                return Err(VerifyError::DifficultyMismatch {
                    id: id(),
                    field: name,
                    found: found.to_string(),
                    expected: expected.to_string(),
                });
            }
        }
        if d.source_steps == 0 {
            return Err(field(
                "difficulty.source_steps",
                "0 (a theorem has at least one step)".into(),
            ));
        }
        // The counter-model: a model of the rules in which the statement fails.
        let rules = self.rules.as_ref().map_err(|e| VerifyError::CounterModel {
            id: id(),
            msg: e.to_string(),
        })?;
        r.counter_model
            .refutes(rules, &rd.vars, &lhs, &rhs)
            .map_err(|e| VerifyError::CounterModel {
                id: id(),
                msg: e.to_string(),
            })?;
        Ok(NonTheoremIdentity {
            index,
            source,
            hash,
        })
    }
}

/// The index `n` of `{prefix}{n:06}`.
fn six_digits(id: &str, prefix: &str) -> Option<u64> {
    id.strip_prefix(prefix)
        .filter(|d| d.len() >= 6 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u64>().ok().filter(|n| format!("{n:06}") == d))
}
