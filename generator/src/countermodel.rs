//! Finding finite counter-models for perturbed statements.
//!
//! Candidate structures come from a few families of small algebras, each an
//! interpretation of every symbol the rules use by one of the family's
//! operations of the same arity:
//! - integers mod n (n = 2..7): `+`, `*` for binary symbols, `-x`, `x + 1`
//!   and `x` for unary ones, 0 and 1 for constants (a `Nat` literal k is
//!   k mod n);
//! - the Booleans: `∧`, `∨`, `→`, xor, `↔`; `¬`, `x`; false, true;
//! - the symmetric group S3 (permutations of three points, composed):
//!   composition, inverse and `x`, the identity.
//!
//! Every interpretation of a family (up to [`MAX_INTERPRETATIONS`], in a
//! fixed order) is checked against the theory's rules with
//! `CounterModel::check_rules`, the very check `verify` runs on a recorded
//! model, and kept only when every rule holds for every assignment. Nothing
//! here knows which theory it is: integers mod n turn out to be models of
//! `ring` and `nat` (and, with `+` for the product, cyclic groups), S3 a
//! non-commutative model of `group`, and the Booleans the truth tables of
//! `logic`. A theory none of whose candidates pass (`calculus`) has no
//! non-theorems.
//!
//! A statement is refuted by the first kept model (smallest carrier first)
//! and the first assignment of its variables (in counting order) under
//! which its two sides differ; the search is bounded
//! ([`MAX_ASSIGNMENTS`]), and a statement it does not refute is dropped.

use crate::term::{Signature, SymId, Term};
use proofmill_corpora::corpus::{
    first_order_rules, rule_symbols, CounterModel, FoRule, ModelError, Table,
};
use proofmill_tactics::theory::Theory;
use std::collections::BTreeMap;

/// Interpretations of one family at one carrier size tried at most.
pub const MAX_INTERPRETATIONS: usize = 4096;
/// Assignments of a statement's variables tried at most, over all models.
pub const MAX_ASSIGNMENTS: u64 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Integers,
    Booleans,
    S3,
}

/// The multiplication table of S3: permutations of {0, 1, 2} in
/// lexicographic order, `compose[a][b] = a ∘ b`.
fn s3() -> (Vec<Vec<u32>>, Vec<u32>) {
    let perms: [[usize; 3]; 6] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let index = |p: [usize; 3]| perms.iter().position(|q| *q == p).expect("a permutation") as u32;
    let compose = perms
        .iter()
        .map(|a| {
            perms
                .iter()
                .map(|b| index([a[b[0]], a[b[1]], a[b[2]]]))
                .collect()
        })
        .collect();
    let inverse = perms
        .iter()
        .map(|a| {
            let mut inv = [0usize; 3];
            for (i, &ai) in a.iter().enumerate() {
                inv[ai] = i;
            }
            index(inv)
        })
        .collect();
    (compose, inverse)
}

impl Family {
    fn name(self, n: u32) -> String {
        match self {
            Family::Integers => format!("integers mod {n}"),
            Family::Booleans => "the Booleans (truth tables)".into(),
            Family::S3 => "the symmetric group S3".into(),
        }
    }

    fn sizes(self) -> Vec<u32> {
        match self {
            Family::Integers => (2..=7).collect(),
            Family::Booleans => vec![2],
            Family::S3 => vec![6],
        }
    }

    /// The family's operations of `arity` at size `n`, each with its name;
    /// `lit`: the symbol is the `Nat` literal of this value.
    fn ops(self, n: u32, arity: usize, lit: Option<u32>) -> Vec<(String, Table)> {
        let bin = |f: &dyn Fn(u32, u32) -> u32| {
            Table::Binary((0..n).map(|a| (0..n).map(|b| f(a, b)).collect()).collect())
        };
        let un = |f: &dyn Fn(u32) -> u32| Table::Unary((0..n).map(f).collect());
        let named = |v: Vec<(&str, Table)>| {
            v.into_iter()
                .map(|(s, t)| (s.to_string(), t))
                .collect::<Vec<_>>()
        };
        match (self, arity) {
            (Family::Integers, 0) => match lit {
                Some(k) => vec![(k.to_string(), Table::Const(k % n))],
                None => named(vec![("0", Table::Const(0)), ("1", Table::Const(1))]),
            },
            (Family::Integers, 1) => named(vec![
                ("-x", un(&|a| (n - a) % n)),
                ("x+1", un(&|a| (a + 1) % n)),
                ("x", un(&|a| a)),
            ]),
            (Family::Integers, 2) => named(vec![
                ("+", bin(&|a, b| (a + b) % n)),
                ("*", bin(&|a, b| (a * b) % n)),
            ]),
            (Family::Booleans, 0) => match lit {
                Some(_) => Vec::new(),
                None => named(vec![("false", Table::Const(0)), ("true", Table::Const(1))]),
            },
            (Family::Booleans, 1) => named(vec![("¬", un(&|a| 1 - a)), ("x", un(&|a| a))]),
            (Family::Booleans, 2) => named(vec![
                ("∧", bin(&|a, b| a & b)),
                ("∨", bin(&|a, b| a | b)),
                ("→", bin(&|a, b| (1 - a) | b)),
                ("xor", bin(&|a, b| a ^ b)),
                ("↔", bin(&|a, b| 1 - (a ^ b))),
            ]),
            (Family::S3, 0) => match lit {
                Some(_) => Vec::new(),
                None => named(vec![("id", Table::Const(0))]),
            },
            (Family::S3, 1) => {
                let (_, inverse) = s3();
                named(vec![("inverse", Table::Unary(inverse)), ("x", un(&|a| a))])
            }
            (Family::S3, 2) => named(vec![("∘", Table::Binary(s3().0))]),
            _ => Vec::new(),
        }
    }
}

/// A structure that passed the rule check, with its tables by generator
/// symbol for fast evaluation.
struct Model {
    model: CounterModel,
    family: Family,
    by_sym: Vec<Option<Table>>,
    lits: BTreeMap<u32, u32>,
}

/// The theory's rules and the models of them found among the candidates.
pub struct CounterModels {
    rules: Vec<FoRule>,
    models: Vec<Model>,
    /// How many interpretations were checked.
    pub tried: usize,
}

/// Why a theory has no counter-models.
#[derive(Debug, thiserror::Error)]
pub enum NoModels {
    #[error(transparent)]
    Rules(#[from] ModelError),
    #[error("none of the {tried} candidate finite structures (integers mod 2..7, the Booleans, S3, with every interpretation of the symbols) satisfies every rule of the theory, so no statement can be shown false")]
    NoneSatisfies { tried: usize },
}

impl CounterModels {
    /// Checks every candidate interpretation against the rules of `theory`.
    /// `sig`: the generator's signature (its symbols are looked up by name).
    pub fn find(theory: &Theory, sig: &Signature) -> Result<CounterModels, NoModels> {
        let rules = first_order_rules(theory)?;
        let symbols = rule_symbols(&rules)?;
        let mut models: Vec<Model> = Vec::new();
        let mut tried = 0usize;
        for family in [Family::Booleans, Family::Integers, Family::S3] {
            for n in family.sizes() {
                let choices: Vec<Vec<(String, Table)>> = symbols
                    .iter()
                    .map(|(s, arity)| family.ops(n, *arity, s.parse::<u32>().ok()))
                    .collect();
                if choices.iter().any(Vec::is_empty) {
                    continue;
                }
                let mut digits = vec![0usize; symbols.len()];
                for _ in 0..MAX_INTERPRETATIONS {
                    tried += 1;
                    let functions: BTreeMap<String, Table> = symbols
                        .iter()
                        .zip(&digits)
                        .zip(&choices)
                        .map(|(((s, _), &d), c)| (s.clone(), c[d].1.clone()))
                        .collect();
                    let ops: Vec<String> = symbols
                        .iter()
                        .zip(&digits)
                        .zip(&choices)
                        .map(|(((s, _), &d), c)| format!("{s} ↦ {}", c[d].0))
                        .collect();
                    let model = CounterModel {
                        name: format!("{}: {}", family.name(n), ops.join(", ")),
                        size: n,
                        functions,
                        assignment: BTreeMap::new(),
                    };
                    let same = models
                        .iter()
                        .any(|m| m.model.size == n && m.model.functions == model.functions);
                    if !same && model.check_rules(&rules, &[]).is_ok() {
                        models.push(Model::new(model, family, sig));
                    }
                    // The next interpretation, in mixed radix.
                    let mut k = 0;
                    while k < digits.len() {
                        digits[k] += 1;
                        if digits[k] < choices[k].len() {
                            break;
                        }
                        digits[k] = 0;
                        k += 1;
                    }
                    if k == digits.len() {
                        break;
                    }
                }
            }
        }
        if models.is_empty() {
            return Err(NoModels::NoneSatisfies { tried });
        }
        models.sort_by_key(|m| m.model.size);
        Ok(CounterModels {
            rules,
            models,
            tried,
        })
    }

    pub fn rules(&self) -> &[FoRule] {
        &self.rules
    }

    /// The models found, each described.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.models.iter().map(|m| m.model.name.as_str())
    }

    /// A model of the rules and an assignment of `vars` (the statement's
    /// variables, generator indices) under which `l` and `r` differ: the
    /// counter-model, its assignment keyed by `names[v]`.
    pub fn refute(
        &self,
        l: &Term,
        r: &Term,
        vars: &[u32],
        names: &[String],
    ) -> Option<CounterModel> {
        let mut budget = MAX_ASSIGNMENTS;
        let slots = vars.iter().map(|&v| v as usize).max().map_or(0, |m| m + 1);
        for m in &self.models {
            let n = m.model.size;
            let total = (n as u64).checked_pow(vars.len() as u32)?;
            if total > budget {
                continue;
            }
            budget -= total;
            let mut env = vec![0u32; slots];
            let mut digits = vec![0u32; vars.len()];
            loop {
                for (&v, &d) in vars.iter().zip(&digits) {
                    env[v as usize] = d;
                }
                match (m.eval(l, &env), m.eval(r, &env)) {
                    (Some(a), Some(b)) if a != b => {
                        let mut found = m.model.clone();
                        // Literals of the statement that no rule mentions get their tables.
                        let mut ks = Vec::new();
                        l.lits(&mut ks);
                        r.lits(&mut ks);
                        for k in ks {
                            if let Some(v) = m.lit(k) {
                                found
                                    .functions
                                    .entry(k.to_string())
                                    .or_insert(Table::Const(v));
                            }
                        }
                        found.assignment = vars
                            .iter()
                            .zip(&digits)
                            .map(|(&v, &d)| (names[v as usize].clone(), d))
                            .collect();
                        return Some(found);
                    }
                    (Some(_), Some(_)) => {}
                    // A symbol without a table: no model of this family fits.
                    _ => break,
                }
                let mut k = 0;
                while k < digits.len() {
                    digits[k] += 1;
                    if digits[k] < n {
                        break;
                    }
                    digits[k] = 0;
                    k += 1;
                }
                if k == digits.len() {
                    break;
                }
            }
        }
        None
    }
}

impl Model {
    fn new(model: CounterModel, family: Family, sig: &Signature) -> Model {
        let by_sym = sig
            .syms
            .iter()
            .map(|s| model.functions.get(&s.name.to_string()).cloned())
            .collect();
        let lits = model
            .functions
            .iter()
            .filter_map(|(k, t)| match (k.parse::<u32>(), t) {
                (Ok(k), Table::Const(v)) => Some((k, *v)),
                _ => None,
            })
            .collect();
        Model {
            model,
            family,
            by_sym,
            lits,
        }
    }

    /// The value of the literal `k`: its table's, or (integers mod n, for
    /// a literal no rule mentions) `k mod n`.
    fn lit(&self, k: u32) -> Option<u32> {
        match (self.lits.get(&k), self.family) {
            (Some(v), _) => Some(*v),
            (None, Family::Integers) => Some(k % self.model.size),
            (None, _) => None,
        }
    }

    fn eval(&self, t: &Term, env: &[u32]) -> Option<u32> {
        match t {
            Term::Var(v) => env.get(*v as usize).copied(),
            Term::Lit(k) => self.lit(*k),
            Term::App(f, xs) => match (self.by_sym.get(*f as usize)?.as_ref()?, &xs[..]) {
                (Table::Const(c), []) => Some(*c),
                (Table::Unary(row), [a]) => row.get(self.eval(a, env)? as usize).copied(),
                (Table::Binary(rows), [a, b]) => {
                    let (a, b) = (self.eval(a, env)?, self.eval(b, env)?);
                    rows.get(a as usize)?.get(b as usize).copied()
                }
                _ => None,
            },
        }
    }
}

/// The generator's symbol `f` by the name a model's table has.
pub fn sym_name(sig: &Signature, f: SymId) -> String {
    sig.syms[f as usize].name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn models(theory: &str) -> Result<CounterModels, NoModels> {
        let t = Theory::shipped(theory).unwrap();
        let rs = RuleSet::extract(&t);
        CounterModels::find(&t, &rs.sig)
    }

    #[test]
    fn s3_is_a_group() {
        let (compose, inverse) = s3();
        for a in 0..6 {
            assert_eq!(compose[a][inverse[a] as usize], 0);
            assert_eq!(compose[0][a], a as u32);
        }
        // Not commutative.
        assert!((0..6).any(|a| (0..6).any(|b| compose[a][b] != compose[b][a])));
    }

    #[test]
    fn the_shipped_algebraic_theories_have_models_and_each_passes_the_rule_check() {
        for (theory, smallest) in [("ring", 2), ("group", 2), ("logic", 2), ("nat", 2)] {
            let m = models(theory).unwrap();
            assert_eq!(m.models[0].model.size, smallest, "{theory}");
            for x in &m.models {
                x.model.check_rules(m.rules(), &[]).unwrap();
            }
        }
        // A non-commutative model of group: S3.
        let g = models("group").unwrap();
        assert!(
            g.models.iter().any(|m| m.model.size == 6),
            "{:?}",
            g.names().collect::<Vec<_>>()
        );
    }

    #[test]
    fn false_statements_are_refuted_and_true_ones_never() {
        let t = Theory::shipped("ring").unwrap();
        let rs = RuleSet::extract(&t);
        let m = CounterModels::find(&t, &rs.sig).unwrap();
        let sym = |n: &str| {
            rs.sig
                .syms
                .iter()
                .position(|s| s.name.to_string() == n)
                .unwrap() as u32
        };
        let (add, mul) = (sym("R.add"), sym("R.mul"));
        let app = |f, a: Term, b: Term| Term::App(f, vec![a, b].into());
        let (a, b) = (Term::Var(0), Term::Var(1));
        let names = vec!["a".to_string(), "b".to_string()];
        // a + b = a * b is false (mod 2 at a = 1, b = 0).
        let cm = m
            .refute(
                &app(add, a.clone(), b.clone()),
                &app(mul, a.clone(), b.clone()),
                &[0, 1],
                &names,
            )
            .unwrap();
        assert_eq!(cm.size, 2);
        // a + b = b + a holds in every model.
        assert!(m
            .refute(
                &app(add, a.clone(), b.clone()),
                &app(add, b, a),
                &[0, 1],
                &names
            )
            .is_none());
    }

    #[test]
    fn calculus_has_no_model_among_the_candidates() {
        assert!(matches!(
            models("calculus"),
            Err(NoModels::NoneSatisfies { .. }) | Err(NoModels::Rules(_))
        ));
    }
}
