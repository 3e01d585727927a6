//! Term sampling, forward random walks and backward construction of hard
//! steps (DESIGN §6), and the simulation of the `rw` trace.
//!
//! A step instantiates a direction fully (σ for every variable of its rule)
//! and, as `rw [rule args]` does, replaces every occurrence of the instance of
//! its source by the instance of its target. A walk is accepted only when
//! replaying the steps as `rw` on the goal `t₀ = tₙ` rewrites the left side
//! along the chain and leaves the right side alone, so the tactic trace and
//! the kernel proof describe the same rewriting.

use crate::rng::Rng;
use crate::rules::{Cost, RuleSet};
use crate::space::RuleSpace;
use crate::term::{Signature, SortId, Term};
use std::sync::Arc;

/// The variables a walk may use: index → (name, sort).
#[derive(Clone, Debug)]
pub struct VarPool {
    pub vars: Vec<(String, SortId)>,
}

impl VarPool {
    /// `per_sort` variables of every sort, named after the rules' binders.
    pub fn new(rs: &RuleSet, per_sort: usize) -> VarPool {
        let mut vars: Vec<(String, SortId)> = Vec::new();
        let taken = |vars: &Vec<(String, SortId)>, n: &str| vars.iter().any(|(m, _)| m == n);
        for s in 0..rs.sig.sorts.len() as SortId {
            let mut names: Vec<String> = Vec::new();
            for r in &rs.rules {
                for (n, rs_) in &r.vars {
                    if *rs_ == s && !names.contains(n) {
                        names.push(n.clone());
                    }
                }
            }
            for extra in ["x", "y", "z", "w", "u", "v", "s", "t"] {
                names.push(extra.to_string());
            }
            let mut k = 0;
            for n in names {
                if k == per_sort {
                    break;
                }
                if !taken(&vars, &n) {
                    vars.push((n, s));
                    k += 1;
                }
            }
        }
        VarPool { vars }
    }
    pub fn names(&self) -> Vec<String> {
        self.vars.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// Limits of a walk.
#[derive(Clone, Debug)]
pub struct WalkLimits {
    pub min_steps: usize,
    pub max_steps: usize,
    pub max_size: usize,
    pub start_size: (usize, usize),
    pub max_depth: usize,
}

/// One rewriting step: direction, the rule's instantiation, the instance
/// rewritten (`from` → `to`, every occurrence) and its first position.
#[derive(Clone, Debug)]
pub struct Step {
    pub dir: usize,
    pub sigma: Vec<Term>,
    pub from: Term,
    pub to: Term,
    pub position: Vec<usize>,
    /// `Some(k)`: only the k-th occurrence of `from` (pre-order, from 1) is
    /// rewritten, the one at `position` (`nth_rewrite k [...]`); `None`: every
    /// occurrence (`rw [...]`).
    pub occ: Option<usize>,
}

impl Step {
    /// `t` rewritten by this step: every occurrence, or the one at `position`.
    pub fn rewrite(&self, t: &Term) -> Term {
        match self.occ {
            None => t.replace_all(&self.from, &self.to),
            Some(_) => t.replace_at(&self.position, &self.to),
        }
    }
}

/// A chain t₀ → … → tₙ.
#[derive(Clone, Debug)]
pub struct Chain {
    pub sort: SortId,
    pub terms: Vec<Term>,
    pub steps: Vec<Step>,
    /// The problem the chain states, when it was made answer first.
    pub problem: Option<crate::calculus::Problem>,
}

/// Why a walk produced nothing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum WalkFailure {
    /// Fewer steps than the minimum could be taken (dead end or size limit).
    TooShort,
    /// An answers-first problem whose trace is longer than `--steps` allows.
    TooLong,
    /// An answers-first problem whose question still holds two constants
    /// the theory states no fold for (`const 6 * const 4`).
    Unfolded,
    /// Replaying the steps as `rw` would also rewrite the right side.
    TraceConflict,
    /// Both sides are equal, or the statement has no variable.
    Trivial,
    /// Backward search found no source meeting the constraints within its limits.
    NotFound,
}

pub struct Walker<'a> {
    pub rs: &'a RuleSet,
    pub space: &'a RuleSpace,
    pub pool: &'a VarPool,
    pub limits: &'a WalkLimits,
    /// Corpus coverage of each direction so far (a snapshot; biases choices).
    pub coverage: &'a [u64],
    /// The sort theorems are about.
    pub sort: SortId,
    /// Directions indexed by the head symbol of their source (`usize::MAX`: a variable).
    by_head: Vec<Vec<usize>>,
    var_source: Vec<usize>,
    /// The mean of `coverage`: a direction used at most this often is favoured.
    mean_coverage: u64,
    /// The sum of `coverage`: the corpus's steps so far.
    total_coverage: u64,
    /// For each direction that only reorders the operands of one operator
    /// (commutativity, associativity), that operator.
    reorders: Vec<Option<u32>>,
    /// For each direction, the factor its weight is multiplied by
    /// (`generate --favor`; 1 for every direction by default).
    favor: Vec<u64>,
}

/// The operator a rule only reorders the operands of (`a + b = b + a`,
/// `a + b + c = a + (b + c)`): both sides hold the same variables and
/// applications of that one symbol only.
fn reorder_op(lhs: &Term, rhs: &Term) -> Option<u32> {
    fn parts(t: &Term, syms: &mut Vec<u32>, vars: &mut Vec<u32>) -> bool {
        match t {
            Term::Var(v) => {
                vars.push(*v);
                true
            }
            Term::Lit(_) => false,
            Term::App(f, xs) => {
                syms.push(*f);
                xs.iter().all(|x| parts(x, syms, vars))
            }
        }
    }
    let (mut s1, mut v1, mut s2, mut v2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if !parts(lhs, &mut s1, &mut v1) || !parts(rhs, &mut s2, &mut v2) || lhs == rhs {
        return None;
    }
    s1.sort_unstable();
    v1.sort_unstable();
    s2.sort_unstable();
    v2.sort_unstable();
    let op = *s1.first()?;
    (s1 == s2 && v1 == v2 && s1.iter().all(|&f| f == op)).then_some(op)
}

impl<'a> Walker<'a> {
    pub fn new(
        rs: &'a RuleSet,
        space: &'a RuleSpace,
        pool: &'a VarPool,
        limits: &'a WalkLimits,
        coverage: &'a [u64],
        sort: SortId,
    ) -> Walker<'a> {
        let mut by_head = vec![Vec::new(); rs.sig.syms.len() + 1];
        let mut var_source = Vec::new();
        for (i, d) in rs.dirs.iter().enumerate() {
            match &d.source {
                Term::App(f, _) => by_head[*f as usize].push(i),
                Term::Lit(_) => by_head[rs.sig.syms.len()].push(i),
                Term::Var(_) => var_source.push(i),
            }
        }
        Walker {
            rs,
            space,
            pool,
            limits,
            coverage,
            sort,
            by_head,
            var_source,
            mean_coverage: coverage.iter().sum::<u64>() / coverage.len().max(1) as u64,
            total_coverage: coverage.iter().sum::<u64>(),
            reorders: rs
                .dirs
                .iter()
                .map(|d| reorder_op(&d.source, &d.target))
                .collect(),
            favor: vec![1; rs.dirs.len()],
        }
    }

    /// The same walker drawing the directions of some rules more often:
    /// `favor[d]` multiplies direction `d`'s weight, and a favoured
    /// direction is exempt from the balancing that draws a rule family
    /// already taking a large share of the corpus's steps less often (else
    /// the favour would be undone as soon as it worked). `generate --favor
    /// mul_add,add_mul` makes walks expand products of sums.
    pub fn with_favor(mut self, favor: Vec<u64>) -> Walker<'a> {
        debug_assert_eq!(favor.len(), self.rs.dirs.len());
        self.favor = favor;
        self
    }

    fn lits_for(&self) -> Vec<u32> {
        let mut l = self.rs.sig.lits.clone();
        for n in [0, 1, 2] {
            if !l.contains(&n) {
                l.push(n);
            }
        }
        l.sort_unstable();
        l
    }

    /// A random term of `sort` of at most `size` nodes; `vars`: the variables allowed;
    /// `avoid`: symbols never used (e.g. `deriv` in an antiderivative's answer).
    pub fn sample(
        &self,
        rng: &mut Rng,
        sort: SortId,
        size: usize,
        vars: &[u32],
        avoid: &[u32],
    ) -> Term {
        let sig = &self.rs.sig;
        let leaves_vars: Vec<u32> = vars
            .iter()
            .copied()
            .filter(|&v| self.pool.vars[v as usize].1 == sort)
            .collect();
        let consts: Vec<u32> = (0..sig.syms.len() as u32)
            .filter(|&f| {
                let s = &sig.syms[f as usize];
                s.result == sort && s.args.is_empty() && !avoid.contains(&f)
            })
            .collect();
        let funs: Vec<u32> = (0..sig.syms.len() as u32)
            .filter(|&f| {
                let s = &sig.syms[f as usize];
                s.result == sort && !s.args.is_empty() && s.args.len() < size && !avoid.contains(&f)
            })
            .collect();
        let is_nat = sig.sorts[sort as usize].is_nat;
        if size <= 1 || funs.is_empty() || rng.chance(1, 6) && size < 4 {
            // A leaf: mostly variables, sometimes a constant or literal.
            if is_nat && (leaves_vars.is_empty() || rng.chance(1, 3)) {
                let l = self.lits_for();
                return Term::Lit(l[rng.below(l.len())]);
            }
            if !leaves_vars.is_empty() && (consts.is_empty() || rng.chance(3, 4)) {
                return Term::Var(leaves_vars[rng.below(leaves_vars.len())]);
            }
            if !consts.is_empty() {
                return Term::App(consts[rng.below(consts.len())], Arc::from([]));
            }
            if let Some(&f) = funs.first() {
                // No leaf of this sort: the smallest application.
                let args = sig.syms[f as usize].args.clone();
                return Term::App(
                    f,
                    args.iter()
                        .map(|&s| self.sample(rng, s, 1, vars, avoid))
                        .collect(),
                );
            }
            return Term::Lit(0);
        }
        // Unary symbols are drawn a third as often as the others: stacked
        // (`-(-(-a + b))`) they leave a walk few rewrites and many dead ends.
        let weights: Vec<u64> = funs
            .iter()
            .map(|&f| {
                if sig.syms[f as usize].args.len() == 1 {
                    1
                } else {
                    3
                }
            })
            .collect();
        let f = funs[rng.weighted(&weights)];
        let args = sig.syms[f as usize].args.clone();
        let mut budget = size - 1;
        let mut xs = Vec::with_capacity(args.len());
        for (i, &s) in args.iter().enumerate() {
            let left = args.len() - i - 1;
            let max = budget.saturating_sub(left).max(1);
            let part = if left == 0 { max } else { rng.range(1, max) };
            let x = self.sample(rng, s, part, vars, avoid);
            budget = budget.saturating_sub(x.size());
            xs.push(x);
        }
        Term::App(f, xs.into())
    }

    /// Every (direction, subterm) pair where the direction applies to `t`,
    /// positions in pre-order (the order `rw` searches in). Matching borrows
    /// subterms, so the many failed matches allocate nothing.
    pub(crate) fn candidates<'t>(
        &self,
        t: &'t Term,
        allowed: &dyn Fn(usize) -> bool,
        scratch: &mut Vec<Option<&'t Term>>,
        out: &mut Vec<(usize, &'t Term)>,
    ) {
        self.directions_at(t, allowed, scratch, &mut |d| out.push((d, t)));
        if let Term::App(_, xs) = t {
            for x in xs.iter() {
                self.candidates(x, allowed, scratch, out);
            }
        }
    }

    /// Every direction `allowed` accepts whose source matches `t` itself
    /// (not its subterms), in the order of the rule set.
    pub(crate) fn directions_at<'t>(
        &self,
        t: &'t Term,
        allowed: &dyn Fn(usize) -> bool,
        scratch: &mut Vec<Option<&'t Term>>,
        found: &mut dyn FnMut(usize),
    ) {
        let heads: &[usize] = match t {
            Term::App(f, _) => &self.by_head[*f as usize],
            Term::Lit(_) => &self.by_head[self.rs.sig.syms.len()],
            Term::Var(_) => &[],
        };
        for &d in heads.iter().chain(&self.var_source) {
            if !allowed(d) {
                continue;
            }
            let dir = &self.rs.dirs[d];
            let r = &self.rs.rules[dir.rule];
            if let Term::Var(v) = dir.source {
                if r.vars[v as usize].1 != self.sort_of(t) {
                    continue;
                }
            }
            scratch.clear();
            scratch.resize(r.vars.len(), None);
            if dir.source.matches_ref(t, scratch) {
                found(d);
            }
        }
    }

    pub(crate) fn sort_of(&self, t: &Term) -> SortId {
        match t {
            Term::Var(v) => self.pool.vars[*v as usize].1,
            Term::Lit(_) => self.rs.sig.sorts.iter().position(|s| s.is_nat).unwrap_or(0) as SortId,
            Term::App(f, _) => self.rs.sig.syms[*f as usize].result,
        }
    }

    /// One step from `t` whose result `keep` accepts, or `None` when no
    /// candidate gives one. A rejected candidate is struck out and another
    /// drawn from the same list, so a walk near its size limit or next to a
    /// loop does not recompute every candidate for each retry.
    fn step(
        &self,
        rng: &mut Rng,
        t: &Term,
        prev: Option<usize>,
        used: &[usize],
        allowed: &dyn Fn(usize) -> bool,
        keep: &dyn Fn(&Term) -> bool,
    ) -> Option<(Step, Term)> {
        let mut cands = Vec::new();
        self.candidates(t, allowed, &mut Vec::new(), &mut cands);
        let mean = self.mean_coverage;
        let mut weights: Vec<u64> = cands
            .iter()
            .map(|(d, _)| {
                let mut w: u64 = 4;
                if prev.is_some_and(|p| self.space.succ[p][*d]) {
                    w *= 2;
                }
                if !used.contains(d) {
                    w *= 2;
                }
                if self.coverage[*d] <= mean {
                    w *= 2;
                }
                // Balanced rule use: a rule family (both directions) that
                // already takes a large share of the corpus's steps is drawn
                // less often (weights from the chunk's coverage snapshot, so
                // the output does not depend on the thread count).
                let fam = self.coverage[*d] + self.coverage[*d ^ 1];
                if self.favor[*d] > 1 {
                    w *= self.favor[*d];
                } else if fam * 5 > self.total_coverage {
                    w = w.div_ceil(8);
                } else if fam * 8 > self.total_coverage {
                    w = w.div_ceil(2);
                }
                w
            })
            .collect();
        for _ in 0..cands.len() {
            let i = rng.weighted(&weights);
            let (d, sub) = cands[i];
            let (step, next) = self.apply(rng, t, d, sub);
            if keep(&next) {
                return Some((step, next));
            }
            weights[i] = 0;
            if weights.iter().all(|&w| w == 0) {
                break;
            }
        }
        None
    }

    /// Applies direction `d` to `t` at its instance `sub` (a subterm of `t`
    /// the direction's source matches), sampling invented terms, rewriting
    /// every occurrence as `rw` does.
    pub(crate) fn apply(&self, rng: &mut Rng, t: &Term, d: usize, sub: &Term) -> (Step, Term) {
        let dir = &self.rs.dirs[d];
        let r = &self.rs.rules[dir.rule];
        let mut bound = vec![None; r.vars.len()];
        let matched = dir.source.matches_ref(sub, &mut bound);
        debug_assert!(matched, "a candidate matches");
        let mut s: Vec<Option<Term>> = bound.into_iter().map(|b| b.cloned()).collect();
        if !dir.invented.is_empty() {
            let mut tvars = Vec::new();
            t.vars(&mut tvars);
            tvars.sort_unstable();
            for &v in &dir.invented {
                let size = rng.range(1, 3);
                s[v as usize] = Some(self.sample(rng, r.vars[v as usize].1, size, &tvars, &[]));
            }
        }
        let sigma: Vec<Term> = s
            .into_iter()
            .map(|x| x.expect("every variable bound"))
            .collect();
        let from = dir.source.instantiate(&sigma);
        let to = dir.target.instantiate(&sigma);
        let next = t.replace_all(&from, &to);
        let position = t.find(&from).expect("the instance occurs");
        (
            Step {
                dir: d,
                sigma,
                from,
                to,
                position,
                occ: None,
            },
            next,
        )
    }

    /// A forward random walk of `n` steps from a sampled start term, loops erased.
    pub fn forward(&self, rng: &mut Rng) -> Result<Chain, WalkFailure> {
        let l = self.limits;
        let n = rng.range(l.min_steps, l.max_steps);
        let all: Vec<u32> = (0..self.pool.vars.len() as u32).collect();
        let size = rng.range(l.start_size.0, l.start_size.1);
        let t0 = self.sample(rng, self.sort, size, &all, &[]);
        let mut terms = vec![t0];
        let mut steps: Vec<Step> = Vec::new();
        // A direction whose target contains its source (`a → zero + a`) would make
        // `rw` rewrite the right side of the goal too: not taken forwards.
        let allowed = |d: usize| {
            let dir = &self.rs.dirs[d];
            dir.cost != Cost::Hard && !matches!(dir.source, Term::Var(_))
        };
        while steps.len() < n {
            let t = terms.last().expect("t0");
            let used: Vec<usize> = steps.iter().map(|s| s.dir).collect();
            // Undoing the previous step (its inverse direction) would only
            // make a loop that is erased again: not a candidate. Nor is a
            // second reordering of the operands of the operator the previous
            // step reordered: a reordering is written once, not as a chain
            // of `add_comm` and `add_assoc` steps.
            let undo = used.last().map(|&p| p ^ 1);
            let reordered = used.last().and_then(|&p| self.reorders[p]);
            let allowed = |d: usize| {
                Some(d) != undo
                    && (reordered.is_none() || self.reorders[d] != reordered)
                    && allowed(d)
            };
            // A step that closes a loop is not taken (erasing the loop instead
            // would throw away the progress made since).
            let keep = |next: &Term| next.fits(l.max_size, l.max_depth) && !terms.contains(next);
            let Some((step, next)) =
                self.step(rng, t, used.last().copied(), &used, &allowed, &keep)
            else {
                break;
            };
            terms.push(next);
            steps.push(step);
        }
        // `rw` closes a goal whose sides are ground and equal by evaluation
        // (`0 + 0 = 0`), which the trace would not expect: keep a variable in
        // every term (the walk ends before the first ground term).
        if self.rs.sig.sorts[self.sort as usize].is_nat {
            if let Some(g) = terms.iter().position(is_ground) {
                if g == 0 {
                    return Err(WalkFailure::Trivial);
                }
                terms.truncate(g);
                steps.truncate(g - 1);
            }
        }
        if steps.len() < l.min_steps {
            return Err(WalkFailure::TooShort);
        }
        // The longest prefix (of at least `min_steps`) whose `rw` trace
        // rewrites only the left side: a later step that also touches the
        // right side cuts the walk there rather than discarding it.
        let mut k = steps.len();
        loop {
            match check_rw(&terms[..=k], &steps[..k]) {
                Ok(()) => break,
                Err(f) if k == l.min_steps => return Err(f),
                Err(_) => k -= 1,
            }
        }
        terms.truncate(k + 1);
        steps.truncate(k);
        Ok(Chain {
            sort: self.sort,
            terms,
            steps,
            problem: None,
        })
    }

    /// A random term of `sort` of at most `size` nodes built only from what
    /// the differentiation rules know (`deriv (f + g)`, `deriv sin`, …) and
    /// the variables of the theorems' sort: every `deriv` of it can be taken
    /// apart by the easy inverses of the hard directions.
    pub fn integrable(&self, rng: &mut Rng, sort: SortId, size: usize) -> Term {
        let vars: Vec<u32> = (0..self.pool.vars.len() as u32)
            .filter(|&v| self.pool.vars[v as usize].1 == self.sort)
            .collect();
        let mut known = Vec::new();
        for r in self.rs.rules.iter().filter(|r| r.fwd_hard) {
            if let Term::App(_, xs) = &r.rhs {
                if let Some(Term::App(g, _)) = xs.first() {
                    known.push(*g);
                }
            }
        }
        let avoid: Vec<u32> = (0..self.rs.sig.syms.len() as u32)
            .filter(|g| !known.contains(g))
            .collect();
        self.sample(rng, sort, size, &vars, &avoid)
    }

    /// Backward construction of hard steps (DESIGN §6): choose the result
    /// `deriv F` first, apply the easy inverses of the hard directions (and
    /// easy algebra) until no `deriv` is left, then read the chain forwards:
    /// `f = … = deriv F`, whose hard steps integrate.
    pub fn antiderivative(
        &self,
        rng: &mut Rng,
        deriv: u32,
        min_hard: usize,
    ) -> Result<Chain, WalkFailure> {
        let l = self.limits;
        let size = rng.range(l.start_size.0.max(2), l.start_size.1.max(3));
        let big_f = self.integrable(rng, self.sort, size);
        let start = Term::App(deriv, Arc::from([big_f.clone()]));
        let mut terms = vec![start];
        let mut steps: Vec<Step> = Vec::new();
        let inverse_hard = |d: usize| self.rs.dirs[d ^ 1].cost == Cost::Hard;
        let has_deriv = |t: &Term| t.contains_sym(deriv);
        let mut tries = 0;
        while tries < 64 {
            tries += 1;
            let t = terms.last().expect("start");
            let differentiate = has_deriv(t);
            if !differentiate && steps.len() >= l.max_steps {
                break;
            }
            let used: Vec<usize> = steps.iter().map(|s| s.dir).collect();
            // Differentiate while a `deriv` remains, then a little easy algebra.
            let allowed = |d: usize| {
                let dir = &self.rs.dirs[d];
                if differentiate {
                    inverse_hard(d)
                } else {
                    dir.cost == Cost::Easy
                        && !inverse_hard(d)
                        && self.rs.dirs[d ^ 1].cost != Cost::Hard
                }
            };
            let keep = |next: &Term| next.size() <= l.max_size * 2 && !terms.contains(next);
            let Some((step, next)) =
                self.step(rng, t, used.last().copied(), &used, &allowed, &keep)
            else {
                break;
            };
            terms.push(next);
            steps.push(step);
            if !has_deriv(terms.last().expect("pushed"))
                && steps.len() >= l.min_steps
                && rng.chance(1, 2)
            {
                break;
            }
        }
        let f = terms.last().expect("start").clone();
        if has_deriv(&f) {
            return Err(WalkFailure::TooShort);
        }
        // Read forwards: f → … → deriv F, each step by the inverse direction.
        terms.reverse();
        steps.reverse();
        let steps: Vec<Step> = steps
            .into_iter()
            .map(|s| {
                let from = s.to.clone();
                let to = s.from.clone();
                Step {
                    dir: s.dir ^ 1,
                    sigma: s.sigma,
                    from,
                    to,
                    position: Vec::new(),
                    occ: None,
                }
            })
            .collect();
        let hard = steps
            .iter()
            .filter(|s| self.rs.dirs[s.dir].cost == Cost::Hard)
            .count();
        if hard < min_hard.max(1) || steps.len() < l.min_steps {
            return Err(WalkFailure::TooShort);
        }
        let mut chain = Chain {
            sort: self.sort,
            terms,
            steps,
            problem: Some(crate::calculus::Problem {
                kind: crate::calculus::ProblemKind::Antiderivative,
                subject: f,
                answer: big_f,
                equation: None,
            }),
        };
        // Positions in the forward reading; a reversed step must undo exactly.
        for i in 0..chain.steps.len() {
            let (a, b) = (&chain.terms[i], &chain.terms[i + 1]);
            let s = &chain.steps[i];
            if a.replace_all(&s.from, &s.to) != *b {
                return Err(WalkFailure::TraceConflict);
            }
            chain.steps[i].position = a.find(&s.from).ok_or(WalkFailure::TraceConflict)?;
        }
        finish(&self.rs.sig, chain)
    }
}

/// Checks a chain built backwards (antiderivatives, backward search)
/// against `rw`'s semantics on the goal `t₀ = tₙ`, and, as the forward walk
/// does, refuses a `Nat` chain with a ground term: `rw` closes a goal whose
/// sides are ground and equal by evaluation (`1 * 2 + 0 = 2`) before the
/// trace's last step.
pub(crate) fn finish(sig: &Signature, chain: Chain) -> Result<Chain, WalkFailure> {
    if sig.sorts[chain.sort as usize].is_nat && chain.terms.iter().any(is_ground) {
        return Err(WalkFailure::Trivial);
    }
    check_rw(&chain.terms, &chain.steps)?;
    Ok(chain)
}

/// A term without variables.
fn is_ground(t: &Term) -> bool {
    let mut v = Vec::new();
    t.vars(&mut v);
    v.is_empty()
}

/// Whether replaying `steps` as `rw` on the goal `t₀ = tₙ` (`terms` = t₀ … tₙ)
/// rewrites the left side along the chain, leaves the right side alone and
/// does not close the goal early.
fn check_rw(terms: &[Term], steps: &[Step]) -> Result<(), WalkFailure> {
    let t0 = terms.first().expect("t0");
    let tn = terms.last().expect("tn");
    if t0 == tn || steps.is_empty() {
        return Err(WalkFailure::Trivial);
    }
    let mut rhs = tn.clone();
    for (i, s) in steps.iter().enumerate() {
        let l = &terms[i];
        if let Some(k) = s.occ {
            // `nth_rewrite k`: the k-th instance, which must be the one at
            // `position` in the left side; the right side is left alone.
            let occs = l.occurrences(&s.from);
            if occs.get(k.wrapping_sub(1)) != Some(&s.position)
                || l.replace_at(&s.position, &s.to) != terms[i + 1]
            {
                return Err(WalkFailure::TraceConflict);
            }
        } else {
            if !l.contains(&s.from) && !rhs.contains(&s.from) {
                return Err(WalkFailure::TraceConflict);
            }
            rhs = rhs.replace_all(&s.from, &s.to);
        }
        let after = &terms[i + 1];
        // `rw` closes the goal by `rfl` as soon as both sides agree.
        if i + 1 < steps.len() && *after == rhs {
            return Err(WalkFailure::TraceConflict);
        }
    }
    if rhs != *tn {
        return Err(WalkFailure::TraceConflict);
    }
    Ok(())
}
