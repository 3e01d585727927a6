//! `export --axioms base|all`: which of the theory's rules a first-order
//! problem states as axioms.
//!
//! `all` (the default) states every `@[rule]`, the derived ones (`theorem`s
//! proven in the theory file) as well as the `axiom`s. `base` withholds the
//! derived rules, so a prover has to find again what the walk used for
//! free (`ring`'s `mul_zero`, `group`'s `inv_inv`, `mul_inv_rev`,
//! `inv_one`). A problem stays a theorem of what it states only if each
//! withheld rule follows from the base axioms in first-order logic with
//! equality, so each one is checked here before anything is written: the
//! kernel checked its proof when the theory was loaded, and that proof,
//! followed through every definition and theorem it uses, may mention only
//!
//! - the rule axioms the problem states,
//! - the theory's own sorts and function symbols (their declarations are
//!   the signature, not assumptions about it), and
//! - equality's own constants (`Eq`, `Eq.refl`, `Eq.rec`), which a
//!   first-order prover has built in.
//!
//! Anything else — `Classical.em`, `propext`, a constructor of `And` or
//! `Or`, `Nat.rec` — is reasoning that the problem's untyped, uninterpreted
//! symbols do not carry, and the export stops with the rule and the constant
//! named (`logic`'s rules are all of this kind, `nat`'s need induction).

use crate::error::ExportError;
use crate::signature::Signature;
use proofmill_kernel::{ConstantKind, ExprId, ExprKind, ExprStore, Name};
use proofmill_tactics::theory::Theory;
use std::collections::HashSet;

/// Which rules a problem states.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum AxiomSet {
    /// Every rule, derived ones included.
    #[default]
    All,
    /// The rules declared as `axiom`s only; the derived rules are withheld.
    Base,
}

impl AxiomSet {
    pub fn parse(s: &str) -> Result<AxiomSet, ExportError> {
        match s.trim() {
            "all" => Ok(AxiomSet::All),
            "base" => Ok(AxiomSet::Base),
            other => Err(ExportError::BadAxioms(other.to_string())),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            AxiomSet::All => "all",
            AxiomSet::Base => "base",
        }
    }
}

/// The constants of equality a first-order prover has built in.
const EQUALITY: [&str; 3] = ["Eq", "Eq.refl", "Eq.rec"];

/// For each rule of `sig`, whether a problem under `set` leaves it out.
/// Under `Base`, every derived rule is left out, after checking (module
/// doc) that its proof uses nothing but the stated axioms; the first one
/// that does not is the error.
pub fn withheld(
    theory: &Theory,
    theory_name: &str,
    sig: &Signature,
    set: AxiomSet,
) -> Result<Vec<bool>, ExportError> {
    if set == AxiomSet::All {
        return Ok(vec![false; sig.rules.len()]);
    }
    let base: HashSet<&str> = sig
        .rules
        .iter()
        .filter(|r| !r.proven)
        .map(|r| r.name.as_str())
        .collect();
    let symbols: HashSet<&str> = sig
        .sorts
        .iter()
        .map(|s| s.name.as_str())
        .chain(sig.functions.iter().map(|f| f.name.as_str()))
        .collect();
    let mut out = Vec::with_capacity(sig.rules.len());
    for r in &sig.rules {
        if !r.proven {
            out.push(false);
            continue;
        }
        let name = Name::from_dotted(&r.name);
        if let Some(bad) = foreign_constant(theory, &name, &base, &symbols) {
            return Err(ExportError::NotDerivable {
                theory: theory_name.to_string(),
                rule: r.name.clone(),
                constant: bad,
            });
        }
        out.push(true);
    }
    Ok(out)
}

/// The first constant `rule`'s proof depends on (through definitions and
/// theorems) that is not a stated axiom, a symbol of the signature or
/// equality's; `None` when there is none.
fn foreign_constant(
    theory: &Theory,
    rule: &Name,
    base: &HashSet<&str>,
    symbols: &HashSet<&str>,
) -> Option<String> {
    let env = theory.env();
    let store = env.arena();
    let mut seen_consts: HashSet<Name> = HashSet::new();
    let mut seen_exprs: HashSet<ExprId> = HashSet::new();
    let mut todo_consts: Vec<Name> = vec![rule.clone()];
    while let Some(n) = todo_consts.pop() {
        if !seen_consts.insert(n.clone()) {
            continue;
        }
        let s = n.to_string();
        if (base.contains(s.as_str())
            || symbols.contains(s.as_str())
            || EQUALITY.contains(&s.as_str()))
            && n != *rule
        {
            continue;
        }
        let Some(c) = env.get(&n) else {
            return Some(s);
        };
        let value = match &c.kind {
            ConstantKind::Theorem { value } | ConstantKind::Definition { value, .. } => *value,
            _ => return Some(s),
        };
        // The type and the value: a definition's type can name constants too.
        let mut todo: Vec<ExprId> = vec![c.ty, value];
        while let Some(e) = todo.pop() {
            if !seen_exprs.insert(e) {
                continue;
            }
            match store.kind(e) {
                ExprKind::Const(m, _) => todo_consts.push(m.clone()),
                ExprKind::App(f, a) => todo.extend([*f, *a]),
                ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => todo.extend([*t, *b]),
                ExprKind::Let(_, t, v, b) => todo.extend([*t, *v, *b]),
                ExprKind::Proj(m, _, x) => {
                    todo_consts.push(m.clone());
                    todo.push(*x);
                }
                ExprKind::BVar(_)
                | ExprKind::FVar(_)
                | ExprKind::Sort(_)
                | ExprKind::NatLit(_)
                | ExprKind::StrLit(_) => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn withheld_names(theory: &str) -> Result<Vec<String>, ExportError> {
        let t = Theory::shipped(theory).unwrap();
        let sig = Signature::of(&t).unwrap();
        let w = withheld(&t, theory, &sig, AxiomSet::Base)?;
        Ok(sig
            .rules
            .iter()
            .zip(w)
            .filter(|(_, w)| *w)
            .map(|(r, _)| r.name.clone())
            .collect())
    }

    #[test]
    fn base_withholds_the_derived_rules_proven_from_the_axioms() {
        assert_eq!(withheld_names("ring").unwrap(), ["mul_zero"]);
        assert_eq!(
            withheld_names("group").unwrap(),
            ["inv_inv", "mul_inv_rev", "inv_one"]
        );
    }

    #[test]
    fn base_refuses_rules_proven_by_more_than_equations() {
        // logic's rules are proven with `Classical.em` and the connectives'
        // constructors; nat's by induction. Neither follows from its axioms
        // stated as first-order equations.
        for theory in ["logic", "nat"] {
            match withheld_names(theory) {
                Err(ExportError::NotDerivable { rule, constant, .. }) => {
                    assert!(!rule.is_empty() && !constant.is_empty(), "{theory}")
                }
                other => panic!("{theory}: {other:?}"),
            }
        }
    }

    #[test]
    fn all_withholds_nothing_and_names_parse() {
        let t = Theory::shipped("group").unwrap();
        let sig = Signature::of(&t).unwrap();
        assert!(withheld(&t, "group", &sig, AxiomSet::All)
            .unwrap()
            .iter()
            .all(|w| !w));
        assert_eq!(AxiomSet::parse("base").unwrap(), AxiomSet::Base);
        assert!(matches!(
            AxiomSet::parse("derived"),
            Err(ExportError::BadAxioms(_))
        ));
    }
}
