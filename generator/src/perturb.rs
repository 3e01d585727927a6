//! Perturbations: a theorem's chain changed in one place, the kind of slip
//! a prover (or a person) makes. Each keeps the statement well sorted; most
//! make it false, and the ones that do not are caught later (no
//! counter-model refutes them) and dropped.
//!
//! - `wrong-step`: one rewriting step applied with two arguments of its
//!   rule's instance swapped (`mul_add a b c` used as if it were
//!   `mul_add a c b`); the statement is the chain's first term equal to
//!   the wrongly rewritten term;
//! - `swap-args`: the two arguments of a binary symbol swapped in one side;
//! - `replace-op`: a symbol replaced by another of the same argument and
//!   result sorts (`+` for `*`, `∨` for `∧`, `R.zero` for `R.one`);
//! - `replace-var`: one occurrence of a variable replaced by another
//!   variable of its sort;
//! - `drop-op`: an application replaced by one of its arguments of the
//!   same sort (`-x` by `x`, `x * y` by `y`).

use crate::rng::Rng;
use crate::rules::RuleSet;
use crate::term::{SortId, Term};
use crate::walk::{Chain, VarPool};

/// A perturbed statement `lhs = rhs` and what was changed.
pub struct Perturbed {
    pub lhs: Term,
    pub rhs: Term,
    pub what: String,
}

/// The kinds, in the order a draw picks from.
pub const KINDS: [&str; 5] = [
    "wrong-step",
    "swap-args",
    "replace-op",
    "replace-var",
    "drop-op",
];

/// What a perturbation needs to know of the theory.
pub struct Perturber<'a> {
    pub rs: &'a RuleSet,
    pub pool: &'a VarPool,
    pub names: &'a [String],
    pub nt: &'a proofmill_tactics::notation::NotationTable,
}

impl Perturber<'_> {
    fn sort_of(&self, t: &Term) -> Option<SortId> {
        match t {
            Term::Var(v) => self.pool.vars.get(*v as usize).map(|(_, s)| *s),
            Term::Lit(_) => self
                .rs
                .sig
                .sorts
                .iter()
                .position(|s| s.is_nat)
                .map(|s| s as SortId),
            Term::App(f, _) => Some(self.rs.sig.syms[*f as usize].result),
        }
    }

    fn show(&self, t: &Term) -> String {
        self.rs.sig.print(t, self.names, self.nt)
    }

    fn sym(&self, f: u32) -> &str {
        &self.rs.sig.syms[f as usize].text
    }

    /// One perturbation of `chain`'s statement, of a kind drawn from `rng`
    /// (`None` when the drawn kind does not apply to it).
    pub fn perturb(&self, chain: &Chain, rng: &mut Rng) -> Option<Perturbed> {
        let t0 = &chain.terms[0];
        let tn = chain.terms.last()?;
        let kind = KINDS[rng.below(KINDS.len())];
        if kind == "wrong-step" {
            return self.wrong_step(chain, rng);
        }
        // Which side: the right one (where the chain ends) more often.
        let right = rng.chance(2, 3);
        let side = if right { tn } else { t0 };
        let mut ps = Vec::new();
        side.positions(&mut Vec::new(), &mut ps);
        let at = |p: &Vec<usize>| side.at(p).expect("a position of the side");
        let (new, what) = match kind {
            "swap-args" => {
                ps.retain(|p| {
                    matches!(at(p), Term::App(_, xs) if xs.len() == 2
                        && xs[0] != xs[1]
                        && self.sort_of(&xs[0]) == self.sort_of(&xs[1]))
                });
                let p = ps.get(rng.below(ps.len().max(1)))?;
                let Term::App(f, xs) = at(p) else {
                    return None;
                };
                let swapped = Term::App(*f, vec![xs[1].clone(), xs[0].clone()].into());
                let what = format!("swap-args: {} ↦ {}", self.show(at(p)), self.show(&swapped));
                (side.replace_at(p, &swapped), what)
            }
            "replace-op" => {
                let alternatives = |f: u32| -> Vec<u32> {
                    let s = &self.rs.sig.syms[f as usize];
                    (0..self.rs.sig.syms.len() as u32)
                        .filter(|&g| {
                            let o = &self.rs.sig.syms[g as usize];
                            g != f && o.args == s.args && o.result == s.result
                        })
                        .collect()
                };
                ps.retain(|p| matches!(at(p), Term::App(f, _) if !alternatives(*f).is_empty()));
                let p = ps.get(rng.below(ps.len().max(1)))?;
                let Term::App(f, xs) = at(p) else {
                    return None;
                };
                let alts = alternatives(*f);
                let g = alts[rng.below(alts.len())];
                let what = format!("replace-op: {} ↦ {}", self.sym(*f), self.sym(g));
                (side.replace_at(p, &Term::App(g, xs.clone())), what)
            }
            "replace-var" => {
                ps.retain(|p| matches!(at(p), Term::Var(_)));
                let p = ps.get(rng.below(ps.len().max(1)))?;
                let Term::Var(v) = at(p) else {
                    return None;
                };
                let sort = self.sort_of(at(p))?;
                let others: Vec<u32> = (0..self.pool.vars.len() as u32)
                    .filter(|&w| w != *v && self.pool.vars[w as usize].1 == sort)
                    .collect();
                let w = *others.get(rng.below(others.len().max(1)))?;
                let what = format!(
                    "replace-var: one {} ↦ {}",
                    self.names[*v as usize], self.names[w as usize]
                );
                (side.replace_at(p, &Term::Var(w)), what)
            }
            _ => {
                // drop-op
                ps.retain(|p| {
                    let t = at(p);
                    matches!(t, Term::App(_, xs) if xs.iter().any(|x| self.sort_of(x) == self.sort_of(t)))
                });
                let p = ps.get(rng.below(ps.len().max(1)))?;
                let t = at(p);
                let Term::App(_, xs) = t else {
                    return None;
                };
                let keep: Vec<&Term> = xs
                    .iter()
                    .filter(|x| self.sort_of(x) == self.sort_of(t))
                    .collect();
                let x = keep[rng.below(keep.len())];
                let what = format!("drop-op: {} ↦ {}", self.show(t), self.show(x));
                (side.replace_at(p, x), what)
            }
        };
        let side_name = if right { "right" } else { "left" };
        let what = format!("{what} (in the {side_name} side)");
        Some(if right {
            Perturbed {
                lhs: t0.clone(),
                rhs: new,
                what,
            }
        } else {
            Perturbed {
                lhs: new,
                rhs: tn.clone(),
                what,
            }
        })
    }

    /// Step j applied with two (different, same-sort) arguments of its
    /// rule instance swapped: `t₀ = t′ⱼ₊₁`.
    fn wrong_step(&self, chain: &Chain, rng: &mut Rng) -> Option<Perturbed> {
        let j = rng.below(chain.steps.len().max(1));
        let s = chain.steps.get(j)?;
        let dir = &self.rs.dirs[s.dir];
        let rule = &self.rs.rules[dir.rule];
        let mut pairs = Vec::new();
        for a in 0..s.sigma.len() {
            for b in a + 1..s.sigma.len() {
                if s.sigma[a] != s.sigma[b] && rule.vars[a].1 == rule.vars[b].1 {
                    pairs.push((a, b));
                }
            }
        }
        let &(a, b) = pairs.get(rng.below(pairs.len().max(1)))?;
        let mut sigma = s.sigma.clone();
        sigma.swap(a, b);
        let to = dir.target.instantiate(&sigma);
        if to == s.to {
            return None;
        }
        let before = &chain.terms[j];
        let wrong = match s.occ {
            None => before.replace_all(&s.from, &to),
            Some(_) => before.replace_at(&s.position, &to),
        };
        let what = format!(
            "wrong-step: step {} ({}{}) with {} and {} swapped",
            j + 1,
            if dir.reversed { "← " } else { "" },
            rule.label,
            rule.vars[a].0,
            rule.vars[b].0
        );
        Some(Perturbed {
            lhs: chain.terms[0].clone(),
            rhs: wrong,
            what,
        })
    }
}
