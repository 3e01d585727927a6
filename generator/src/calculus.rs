//! Answers first, for a theory of real functions (`calculus`): an answer
//! grammar, differentiation to a normal form, and the problems built from
//! them (DESIGN §6, issue 17).
//!
//! The answer `F` is sampled first, from a grammar like Lample and
//! Charton's backward data: random operator trees over `+ * - ∘ ⁻¹`, the
//! elementary functions, `id` and small constants. Answers whose derivative
//! is constant (`F` affine in `id`), that are a constant plus a simpler
//! answer, or that hold a constant part other than a `const n` leaf (`sin ∘
//! const 2`), are refused, so every problem has something to integrate.
//!
//! `deriv F` is then taken apart by the easy inverses of the theory's hard
//! rules, always the first `deriv` in pre-order by the most specific rule,
//! and the result is rewritten to a normal form by the theory's
//! simplification rules (`const 0 * f = const 0`, `- -f = f`, …), one
//! instance at a time, outermost first. Read forwards, the trace first undoes
//! the simplification (`nth_rewrite k [← zero_mul f]` where more than one
//! instance is about, so the other copies are left alone) and then
//! integrates: that is what a solver must find.
//!
//! Constants are folded as part of the normal form: the theory's ground
//! folds (`const_add_1_1 : const 1 + const 1 = const 2`, …) are
//! simplification rules like the others, and a pair of constants a fold
//! cannot reach as it stands is first brought together by one `add_comm` /
//! `mul_comm` (smaller numeral first) or `add_assoc` / `mul_assoc` step
//! (`const 2 * (const 3 * f)` → `const 2 * const 3 * f`). A question that
//! still holds a foldable pair (a fold the theory does not state, such as
//! `const 6 * const 4`) is refused (`WalkFailure::Unfolded`).
//!
//! Everything here is deterministic given the attempt's random stream.

use crate::rng::Rng;
use crate::rules::{Cost, RuleSet};
use crate::term::Term;
use crate::walk::{Chain, Step, WalkFailure, Walker};
use std::collections::HashMap;
use std::sync::Arc;

/// The simplification rules, by name, in the order they are tried at a
/// position (each read forwards: the right side is simpler).
pub const SIMPLIFICATION: &[&str] = &[
    "mul_zero",
    "zero_mul",
    "const_comp",
    "add_neg_cancel",
    "neg_zero",
    "neg_neg",
    "mul_one",
    "one_mul",
    "add_zero",
    "zero_add",
    "comp_id",
    "id_comp",
    "neg_mul",
    "mul_neg",
    "neg_comp",
    "comp_assoc",
];

/// The kinds of problem a calculus corpus holds (`problem.kind`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Find an antiderivative of f; the trace integrates (hard steps).
    Antiderivative,
    /// Differentiate F; the trace differentiates and simplifies (easy steps).
    Derivative,
    /// Find y with `deriv y + p * y = q` (first order, linear).
    OdeLinear,
    /// Find y with `deriv y = y * g` (y = exp ∘ u) or `deriv y = -(g * (y *
    /// y))` (y = G⁻¹): first order, separable.
    OdeSeparable,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 4] = [
        ProblemKind::Antiderivative,
        ProblemKind::Derivative,
        ProblemKind::OdeLinear,
        ProblemKind::OdeSeparable,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Antiderivative => "antiderivative",
            ProblemKind::Derivative => "derivative",
            ProblemKind::OdeLinear => "ode_linear",
            ProblemKind::OdeSeparable => "ode_separable",
        }
    }
    pub fn parse(s: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The symbols and rules of a theory of real functions, found by name.
#[derive(Clone, Debug)]
pub struct Calculus {
    pub add: u32,
    pub mul: u32,
    pub neg: u32,
    pub comp: u32,
    pub inv: u32,
    pub cnst: u32,
    pub id: u32,
    pub deriv: u32,
    /// `sin`, `cos`, `exp`, `log`.
    pub elementary: Vec<u32>,
    /// The forward direction of each simplification rule the theory has,
    /// the constant folds last.
    pub simp: Vec<usize>,
    /// The theory's constant folds, `(op, a, b)` for `const a op const b =
    /// const c` (op `add` or `mul`), each with its forward direction.
    pub folds: HashMap<(u32, u32, u32), usize>,
    /// For `add` and `mul`: the forward directions of the operator's
    /// commutativity and associativity rules (`add_comm`, `add_assoc`), which
    /// bring two constants together for a fold.
    pub regroup: Vec<(u32, usize, usize)>,
    /// The forward direction of `mul_inv` (`(f * g)⁻¹ = f⁻¹ * g⁻¹`), which
    /// states the separable equation of `y = G⁻¹`.
    pub mul_inv: Option<usize>,
}

impl Calculus {
    /// The calculus symbols of `rs`, when it has every one of them
    /// (`F.add`, …, `F.deriv`) and at least one hard rule.
    pub fn new(rs: &RuleSet) -> Option<Calculus> {
        let sym = |n: &str| {
            rs.sig
                .syms
                .iter()
                .position(|s| s.name.to_string() == format!("F.{n}"))
                .map(|i| i as u32)
        };
        if !rs.rules.iter().any(|r| r.fwd_hard) {
            return None;
        }
        let rule = |n: &str| rs.rules.iter().position(|r| r.name.to_string() == n);
        let mut simp: Vec<usize> = SIMPLIFICATION
            .iter()
            .filter_map(|n| rule(n))
            .map(|r| rs.forward_dir(r))
            .collect();
        let (add, mul, cnst) = (sym("add")?, sym("mul")?, sym("const")?);
        let numeral = |t: &Term| numeral(cnst, t);
        // A fold: a rule without variables `const a op const b = const c`.
        let mut folds = HashMap::new();
        for (i, r) in rs.rules.iter().enumerate() {
            let Term::App(op, xs) = &r.lhs else { continue };
            if !r.vars.is_empty() || (*op != add && *op != mul) || numeral(&r.rhs).is_none() {
                continue;
            }
            if let (Some(a), Some(b)) = (numeral(&xs[0]), numeral(&xs[1])) {
                let d = rs.forward_dir(i);
                folds.insert((*op, a, b), d);
                simp.push(d);
            }
        }
        let regroup = [
            (add, "add_comm", "add_assoc"),
            (mul, "mul_comm", "mul_assoc"),
        ]
        .iter()
        .filter_map(|(op, comm, assoc)| {
            Some((
                *op,
                rs.forward_dir(rule(comm)?),
                rs.forward_dir(rule(assoc)?),
            ))
        })
        .collect();
        Some(Calculus {
            add,
            mul,
            neg: sym("neg")?,
            comp: sym("comp")?,
            inv: sym("inv")?,
            cnst,
            id: sym("id")?,
            deriv: sym("deriv")?,
            elementary: ["sin", "cos", "exp", "log"]
                .iter()
                .map(|n| sym(n))
                .collect::<Option<Vec<u32>>>()?,
            simp,
            folds,
            regroup,
            mul_inv: rule("mul_inv").map(|r| rs.forward_dir(r)),
        })
    }

    /// `n` when `t` is `const n`.
    fn numeral(&self, t: &Term) -> Option<u32> {
        numeral(self.cnst, t)
    }

    /// Whether `t` holds two constants under one `+` or `*` (`const 1 +
    /// const 1`), or one regrouping apart (`const 2 * (const 3 * f)`,
    /// `f + const 1 + const 1`): a sum or product of constants a fold could
    /// make one constant, were the theory to state it.
    pub fn foldable(&self, t: &Term) -> bool {
        let Term::App(f, xs) = t else {
            return false;
        };
        let here = (*f == self.add || *f == self.mul)
            && {
                let k = |x: &Term| self.numeral(x).is_some();
                let under = |x: &Term, i: usize| matches!(x, Term::App(g, ys) if g == f && ys.len() == 2 && k(&ys[i]));
                (k(&xs[0]) && (k(&xs[1]) || under(&xs[1], 0))) || (under(&xs[0], 1) && k(&xs[1]))
            };
        here || xs.iter().any(|x| self.foldable(x))
    }

    fn app(&self, f: u32, xs: Vec<Term>) -> Term {
        Term::App(f, xs.into())
    }
    fn leaf(&self, f: u32) -> Term {
        Term::App(f, Arc::from([]))
    }
    fn konst(&self, n: u32) -> Term {
        Term::App(self.cnst, Arc::from([Term::Lit(n)]))
    }
    pub fn deriv_of(&self, t: Term) -> Term {
        self.app(self.deriv, vec![t])
    }

    /// A random operator tree of about `size` nodes: leaves `sin`, `cos`,
    /// `exp`, `log`, `id`; `f + g`, `f * g`, `const n * g` (n = 2…5), `f ∘ g`,
    /// `-f`, `f⁻¹`.
    fn tree(&self, rng: &mut Rng, size: usize) -> Term {
        if size <= 1 {
            // `id` as often as the four elementary functions together.
            return if rng.chance(1, 2) {
                self.leaf(self.id)
            } else {
                self.leaf(self.elementary[rng.below(self.elementary.len())])
            };
        }
        if size == 2 {
            let g = self.tree(rng, 1);
            return match rng.below(3) {
                0 => self.app(self.neg, vec![g]),
                1 => self.app(self.inv, vec![g]),
                _ => {
                    let e = self.elementary[rng.below(self.elementary.len())];
                    self.app(self.comp, vec![self.leaf(e), g])
                }
            };
        }
        // Binary operators three times as often as unary ones.
        match rng.weighted(&[3, 3, 3, 1, 1, 2]) {
            op @ 0..=2 => {
                let f = [self.add, self.mul, self.comp][op];
                let l = rng.range(1, size - 2);
                let a = self.tree(rng, l);
                let b = self.tree(rng, size - 1 - l);
                self.app(f, vec![a, b])
            }
            3 => self.app(self.neg, vec![self.tree(rng, size - 1)]),
            4 => self.app(self.inv, vec![self.tree(rng, size - 1)]),
            _ => {
                let n = rng.range(2, 5) as u32;
                let g = self.tree(rng, size.saturating_sub(3).max(1));
                self.app(self.mul, vec![self.konst(n), g])
            }
        }
    }

    /// Whether `t` is a constant function.
    pub fn is_constant(&self, t: &Term) -> bool {
        match t {
            Term::App(f, _) if *f == self.cnst => true,
            Term::App(f, xs) if *f == self.comp => {
                self.is_constant(&xs[0]) || self.is_constant(&xs[1])
            }
            Term::App(f, xs) if *f == self.add || *f == self.mul => {
                self.is_constant(&xs[0]) && self.is_constant(&xs[1])
            }
            Term::App(f, xs) if *f == self.neg || *f == self.inv => self.is_constant(&xs[0]),
            _ => false,
        }
    }

    /// Whether `t` is affine in `id` (`c * id + d`): its derivative is constant.
    pub fn is_affine(&self, t: &Term) -> bool {
        if self.is_constant(t) {
            return true;
        }
        match t {
            Term::App(f, xs) if xs.is_empty() => *f == self.id,
            Term::App(f, xs) if *f == self.add => self.is_affine(&xs[0]) && self.is_affine(&xs[1]),
            Term::App(f, xs) if *f == self.mul => {
                (self.is_constant(&xs[0]) && self.is_affine(&xs[1]))
                    || (self.is_affine(&xs[0]) && self.is_constant(&xs[1]))
            }
            Term::App(f, xs) if *f == self.neg => self.is_affine(&xs[0]),
            Term::App(f, xs) if *f == self.comp => self.is_affine(&xs[0]) && self.is_affine(&xs[1]),
            _ => false,
        }
    }

    /// Whether `t` is a sum with a constant summand (a constant plus a simpler answer).
    fn has_constant_summand(&self, t: &Term) -> bool {
        match t {
            Term::App(f, xs) if *f == self.add => xs
                .iter()
                .any(|x| self.is_constant(x) || self.has_constant_summand(x)),
            Term::App(f, xs) if *f == self.neg => self.has_constant_summand(&xs[0]),
            _ => false,
        }
    }

    /// Whether some subterm is a redundant form: a constant part other than a
    /// `const n` leaf, `f ∘ id`, `id ∘ f`, `- -f`, `f⁻¹⁻¹`, `(f ∘ g) ∘ h`,
    /// `-f * g`, `f * -g`, `(-f) ∘ g`, two foldable constants.
    fn redundant(&self, t: &Term) -> bool {
        let Term::App(f, xs) = t else {
            return false;
        };
        if *f == self.cnst {
            return false;
        }
        let is = |x: &Term, g: u32| matches!(x, Term::App(h, _) if *h == g);
        let bad = self.is_constant(t)
            || self.foldable(t)
            || (*f == self.comp
                && (is(&xs[0], self.id)
                    || is(&xs[1], self.id)
                    || is(&xs[0], self.comp)
                    || is(&xs[0], self.neg)))
            || (*f == self.neg && is(&xs[0], self.neg))
            || (*f == self.inv && is(&xs[0], self.inv))
            || (*f == self.mul && (is(&xs[0], self.neg) || is(&xs[1], self.neg)));
        bad || xs.iter().any(|x| self.redundant(x))
    }

    /// An answer of `size.0..=size.1` nodes with something to integrate:
    /// not affine, not a constant plus a simpler answer, no redundant part
    /// (up to 32 draws; `None` when every one was refused).
    pub fn answer(&self, rng: &mut Rng, size: (usize, usize)) -> Option<Term> {
        for _ in 0..32 {
            let n = rng.range(size.0, size.1);
            let t = self.tree(rng, n);
            if t.size() < size.0
                || self.is_affine(&t)
                || self.has_constant_summand(&t)
                || self.redundant(&t)
            {
                continue;
            }
            return Some(t);
        }
        None
    }

    /// Whether `t` holds a form the normal form has no place for: `∘ id`,
    /// `id ∘`, `* const 1`, `const 1 *`, `+ const 0`, `const 0 +`, `const 0 *`,
    /// `* const 0`, `∘ const n`, `const n ∘`, `- -`, `-const 0`.
    pub fn unsimplified(&self, t: &Term) -> bool {
        let Term::App(f, xs) = t else {
            return false;
        };
        let is = |x: &Term, g: u32| matches!(x, Term::App(h, _) if *h == g);
        let k = |x: &Term, n: u32| matches!(x, Term::App(h, a) if *h == self.cnst && a[0] == Term::Lit(n));
        let bad = (*f == self.comp
            && (is(&xs[0], self.id)
                || is(&xs[1], self.id)
                || is(&xs[0], self.cnst)
                || is(&xs[1], self.cnst)))
            || (*f == self.mul && (k(&xs[0], 1) || k(&xs[1], 1) || k(&xs[0], 0) || k(&xs[1], 0)))
            || (*f == self.add && (k(&xs[0], 0) || k(&xs[1], 0)))
            || (*f == self.neg && (is(&xs[0], self.neg) || k(&xs[0], 0)));
        bad || xs.iter().any(|x| self.unsimplified(x))
    }
}

impl Walker<'_> {
    /// The first (pre-order) instance in `t` of a direction `allowed`
    /// accepts, trying the directions in `order` at each position; its
    /// direction, position and instantiation.
    fn first_redex(&self, t: &Term, order: &[usize]) -> Option<(usize, Vec<usize>, Vec<Term>)> {
        let mut ps = Vec::new();
        t.positions(&mut Vec::new(), &mut ps);
        for p in ps {
            let sub = t.at(&p).expect("a position");
            for &d in order {
                let dir = &self.rs.dirs[d];
                let r = &self.rs.rules[dir.rule];
                let mut s = vec![None; r.vars.len()];
                if dir.source.matches_ref(sub, &mut s) {
                    let sigma: Vec<Term> = s
                        .into_iter()
                        .map(|x| x.expect("a simplification binds its variables").clone())
                        .collect();
                    return Some((d, p, sigma));
                }
            }
        }
        None
    }

    /// The first (pre-order) step that brings two constants together for a
    /// fold the theory has: `const 3 + const 1` → `const 1 + const 3` by
    /// `add_comm`, `const 2 * (const 3 * f)` → `const 2 * const 3 * f` by `←
    /// mul_assoc`, `f + const 1 + const 1` → `f + (const 1 + const 1)` by
    /// `add_assoc`; its direction, position and instantiation.
    fn first_regroup(&self, c: &Calculus, t: &Term) -> Option<(usize, Vec<usize>, Vec<Term>)> {
        let mut ps = Vec::new();
        t.positions(&mut Vec::new(), &mut ps);
        for p in ps {
            let sub = t.at(&p).expect("a position");
            let Term::App(op, xs) = sub else { continue };
            let Some(&(_, comm, assoc)) = c.regroup.iter().find(|(o, _, _)| o == op) else {
                continue;
            };
            let num = |x: &Term| c.numeral(x);
            let pair = |x: &Term, i: usize| match x {
                Term::App(g, ys) if g == op && ys.len() == 2 => num(&ys[i]),
                _ => None,
            };
            let fold = |a: u32, b: u32| c.folds.contains_key(&(*op, a.min(b), a.max(b)));
            let d = match (num(&xs[0]), num(&xs[1])) {
                // const a op const b, a > b: commute, then fold.
                (Some(a), Some(b)) if a > b && fold(a, b) => comm,
                (Some(a), None) if pair(&xs[1], 0).is_some_and(|b| fold(a, b)) => assoc ^ 1,
                (None, Some(b)) if pair(&xs[0], 1).is_some_and(|a| fold(a, b)) => assoc,
                _ => continue,
            };
            let r = &self.rs.rules[self.rs.dirs[d].rule];
            let mut s = vec![None; r.vars.len()];
            if self.rs.dirs[d].source.matches_ref(sub, &mut s) {
                let sigma = s.into_iter().map(|x| x.expect("bound").clone()).collect();
                return Some((d, p, sigma));
            }
        }
        None
    }

    /// Differentiates every `deriv` of `t` away (the first in pre-order, by
    /// the most specific easy inverse of a hard rule), then simplifies to a
    /// normal form, each step rewriting one instance. Returns the chain of terms and steps, as taken
    /// (backwards for an antiderivative), or `None` when a `deriv` is left.
    pub(crate) fn differentiate_and_simplify(
        &self,
        c: &Calculus,
        t: Term,
        max_size: usize,
    ) -> Option<(Vec<Term>, Vec<Step>)> {
        // Easy inverses of the hard rules, most specific (largest source) first.
        let mut diff: Vec<usize> = (0..self.rs.dirs.len())
            .filter(|&d| self.rs.dirs[d ^ 1].cost == Cost::Hard)
            .collect();
        diff.sort_by_key(|&d| std::cmp::Reverse(self.rs.dirs[d].source.size()));
        let mut terms = vec![t];
        let mut steps = Vec::new();
        for _ in 0..256 {
            let t = terms.last().expect("start");
            let differentiating = t.contains_sym(c.deriv);
            let order = if differentiating { &diff } else { &c.simp };
            let found = self.first_redex(t, order).or_else(|| {
                (!differentiating)
                    .then(|| self.first_regroup(c, t))
                    .flatten()
            });
            let Some((d, pos, sigma)) = found else {
                if differentiating {
                    return None;
                }
                break;
            };
            let dir = &self.rs.dirs[d];
            let from = dir.source.instantiate(&sigma);
            let to = dir.target.instantiate(&sigma);
            // One instance at a time: the trace names it (`nth_rewrite`)
            // when the goal holds other copies.
            let next = t.replace_at(&pos, &to);
            if next.size() > max_size || terms.contains(&next) {
                return None;
            }
            steps.push(Step {
                dir: d,
                sigma,
                from,
                to,
                position: pos,
                occ: Some(1),
            });
            terms.push(next);
        }
        Some((terms, steps))
    }

    /// A problem of `kind`, answer first (the answer from the grammar).
    pub fn problem(
        &self,
        rng: &mut Rng,
        c: &Calculus,
        kind: ProblemKind,
        min_hard: usize,
        answer_size: (usize, usize),
    ) -> Result<Chain, WalkFailure> {
        let y = c.answer(rng, answer_size).ok_or(WalkFailure::TooShort)?;
        let max = self.limits.max_size * 4;
        let simplify = |t: Term| {
            self.differentiate_and_simplify(c, t, max)
                .ok_or(WalkFailure::TooShort)
        };
        let (chain, problem) = match kind {
            ProblemKind::Antiderivative | ProblemKind::Derivative => {
                let (terms, steps) = simplify(c.deriv_of(y.clone()))?;
                let f = terms.last().expect("start").clone();
                if c.is_constant(&f) {
                    return Err(WalkFailure::Trivial);
                }
                if c.foldable(&f) {
                    return Err(WalkFailure::Unfolded);
                }
                if kind == ProblemKind::Antiderivative {
                    // f = deriv F, integrating.
                    let chain = orient(terms, steps, self.sort, true)?;
                    (
                        chain,
                        Problem {
                            kind,
                            subject: f,
                            answer: y,
                            equation: None,
                        },
                    )
                } else {
                    // deriv F = f, differentiating.
                    let chain = orient(terms, steps, self.sort, false)?;
                    (
                        chain,
                        Problem {
                            kind,
                            subject: y,
                            answer: f,
                            equation: None,
                        },
                    )
                }
            }
            ProblemKind::OdeLinear => {
                // deriv y + p * y = q, q the normal form of the left side.
                let p = c.coefficient(rng);
                let lhs = |y: Term| {
                    c.app(
                        c.add,
                        vec![c.deriv_of(y.clone()), c.app(c.mul, vec![p.clone(), y])],
                    )
                };
                let (terms, steps) = simplify(lhs(y.clone()))?;
                let q = terms.last().expect("start").clone();
                if c.foldable(&q) {
                    return Err(WalkFailure::Unfolded);
                }
                let chain = orient(terms, steps, self.sort, false)?;
                let marker = Term::Var(Y_MARKER);
                (
                    chain,
                    Problem {
                        kind,
                        subject: q.clone(),
                        answer: y,
                        equation: Some((lhs(marker), q)),
                    },
                )
            }
            ProblemKind::OdeSeparable if c.mul_inv.is_some() && rng.chance(1, 2) => {
                self.separable_inverse(c, y, max)?
            }
            ProblemKind::OdeSeparable => {
                // y = exp ∘ u solves deriv y = y * g with g the normal form of deriv u.
                let y = c.app(c.comp, vec![c.leaf(c.elementary[2]), y]);
                let (terms, steps) = simplify(c.deriv_of(y.clone()))?;
                let rhs = terms.last().expect("start").clone();
                if c.foldable(&rhs) {
                    return Err(WalkFailure::Unfolded);
                }
                let g = match &rhs {
                    Term::App(m, xs) if *m == c.mul && xs[0] == y && !xs[1].contains(&y) => {
                        xs[1].clone()
                    }
                    _ => return Err(WalkFailure::Trivial),
                };
                let chain = orient(terms, steps, self.sort, false)?;
                let marker = Term::Var(Y_MARKER);
                let eq = (c.deriv_of(marker.clone()), c.app(c.mul, vec![marker, g]));
                (
                    chain,
                    Problem {
                        kind,
                        subject: rhs,
                        answer: y,
                        equation: Some(eq),
                    },
                )
            }
        };
        let hard = chain
            .steps
            .iter()
            .filter(|s| self.rs.dirs[s.dir].cost == Cost::Hard)
            .count();
        if hard < min_hard || chain.steps.len() < self.limits.min_steps {
            return Err(WalkFailure::TooShort);
        }
        // `--steps A..B` bounds problems as it bounds walks.
        if chain.steps.len() > self.limits.max_steps {
            return Err(WalkFailure::TooLong);
        }
        let mut chain = chain;
        chain.problem = Some(problem);
        crate::walk::finish(&self.rs.sig, chain)
    }
}

impl Walker<'_> {
    /// A separable equation solved by `y = G⁻¹` (G the drawn answer):
    /// `deriv y` differentiates and simplifies to `-(g * (G * G)⁻¹)` (or `g
    /// * (G * G)⁻¹` when g's sign cancels), g the normal form of `deriv G`,
    /// and one more step by `mul_inv` splits `(G * G)⁻¹` into `y * y`: the
    /// equation is `deriv y = -(g * (y * y))` (`y' = -g y²`, whose
    /// solutions are `1 / (G + C)`).
    fn separable_inverse(
        &self,
        c: &Calculus,
        big_g: Term,
        max: usize,
    ) -> Result<(Chain, Problem), WalkFailure> {
        let mul_inv = c.mul_inv.ok_or(WalkFailure::Trivial)?;
        if matches!(&big_g, Term::App(f, _) if *f == c.inv) {
            // y = G⁻¹⁻¹ is G in disguise.
            return Err(WalkFailure::Trivial);
        }
        let y = c.app(c.inv, vec![big_g.clone()]);
        let (mut terms, mut steps) = self
            .differentiate_and_simplify(c, c.deriv_of(y.clone()), max)
            .ok_or(WalkFailure::TooShort)?;
        let rhs = terms.last().expect("start").clone();
        let square = c.app(c.mul, vec![big_g.clone(), big_g.clone()]);
        let inv_square = c.app(c.inv, vec![square.clone()]);
        let (negated, g) = match &rhs {
            Term::App(n, xs) if *n == c.neg => match &xs[0] {
                Term::App(m, ys) if *m == c.mul && ys[1] == inv_square => (true, ys[0].clone()),
                _ => return Err(WalkFailure::Trivial),
            },
            Term::App(m, ys) if *m == c.mul && ys[1] == inv_square => (false, ys[0].clone()),
            _ => return Err(WalkFailure::Trivial),
        };
        if g.contains(&y) || c.is_constant(&g) || c.foldable(&g) {
            return Err(WalkFailure::Trivial);
        }
        let position = if negated { vec![0, 1] } else { vec![1] };
        let y_y = c.app(c.mul, vec![y.clone(), y.clone()]);
        let next = rhs.replace_at(&position, &y_y);
        steps.push(Step {
            dir: mul_inv,
            sigma: vec![big_g.clone(), big_g],
            from: inv_square,
            to: y_y,
            position,
            occ: Some(1),
        });
        terms.push(next.clone());
        let chain = orient(terms, steps, self.sort, false)?;
        let marker = Term::Var(Y_MARKER);
        let m_m = c.app(c.mul, vec![marker.clone(), marker.clone()]);
        let r = c.app(c.mul, vec![g, m_m]);
        let r = if negated { c.app(c.neg, vec![r]) } else { r };
        Ok((
            chain,
            Problem {
                kind: ProblemKind::OdeSeparable,
                subject: next,
                answer: y,
                equation: Some((c.deriv_of(marker), r)),
            },
        ))
    }
}

/// `n` when `t` is `cnst n` (`const n`, a numeral).
fn numeral(cnst: u32, t: &Term) -> Option<u32> {
    match t {
        Term::App(f, xs) if *f == cnst => match xs[..] {
            [Term::Lit(n)] => Some(n),
            _ => None,
        },
        _ => None,
    }
}

/// The variable `y` of a differential equation's question, while it is a term.
pub const Y_MARKER: u32 = u32::MAX;

/// A problem made answer first: what its question is about (the integrand,
/// the function to differentiate, the equation's right side), the answer,
/// and for a differential equation the equation with `y` as `Var(Y_MARKER)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub subject: Term,
    pub answer: Term,
    pub equation: Option<(Term, Term)>,
}

impl Calculus {
    /// A coefficient `p` for `deriv y + p * y = q`: a constant, `id`, an
    /// elementary function or a small product.
    fn coefficient(&self, rng: &mut Rng) -> Term {
        match rng.below(4) {
            0 => self.konst(rng.range(1, 3) as u32),
            1 => self.leaf(self.id),
            2 => self.leaf(self.elementary[rng.below(self.elementary.len())]),
            _ => {
                let e = self.leaf(self.elementary[rng.below(self.elementary.len())]);
                self.app(self.mul, vec![self.konst(rng.range(2, 3) as u32), e])
            }
        }
    }
}

/// A chain as taken (`t₀` → … → `tₙ`), read forwards (`reverse = false`)
/// or backwards (`reverse`: `tₙ` → … → `t₀`, each step by its inverse
/// direction). A step that rewrote one instance is written `nth_rewrite k`
/// when the goal holds other copies of what it rewrites (k: its rank among
/// them, left side first); a step that rewrote every copy is written `rw`
/// and must, read in the chain's direction, rewrite exactly the copies it
/// made.
pub(crate) fn orient(
    mut terms: Vec<Term>,
    steps: Vec<Step>,
    sort: crate::term::SortId,
    reverse: bool,
) -> Result<Chain, WalkFailure> {
    let steps: Vec<Step> = if reverse {
        terms.reverse();
        steps
            .into_iter()
            .rev()
            .map(|s| Step {
                dir: s.dir ^ 1,
                sigma: s.sigma,
                from: s.to,
                to: s.from,
                position: s.position,
                occ: s.occ,
            })
            .collect()
    } else {
        steps
    };
    let tn = terms.last().expect("a term").clone();
    let mut fwd = Vec::with_capacity(steps.len());
    for (i, mut s) in steps.into_iter().enumerate() {
        let a = &terms[i];
        let b = &terms[i + 1];
        if s.occ.is_some() {
            let occs = a.occurrences(&s.from);
            let k = occs
                .iter()
                .position(|p| *p == s.position)
                .ok_or(WalkFailure::TraceConflict)?;
            let alone = occs.len() == 1 && !tn.contains(&s.from);
            s.occ = if alone { None } else { Some(k + 1) };
        } else {
            s.position = a.find(&s.from).ok_or(WalkFailure::TraceConflict)?;
        }
        if s.rewrite(a) != *b {
            return Err(WalkFailure::TraceConflict);
        }
        fwd.push(s);
    }
    Ok(Chain {
        sort,
        terms,
        steps: fwd,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{Generator, Options};
    use crate::walk::Walker;

    fn gen() -> Generator {
        Generator::load("calculus").unwrap()
    }

    #[test]
    fn affine_and_constant_answers_are_recognised() {
        let g = gen();
        let c = g.calculus.as_ref().expect("calculus symbols");
        let id = c.leaf(c.id);
        let sin = c.leaf(c.elementary[0]);
        let two_id = c.app(c.mul, vec![c.konst(2), id.clone()]);
        assert!(c.is_affine(&two_id));
        assert!(c.is_affine(&c.app(c.add, vec![two_id.clone(), c.konst(3)])));
        assert!(!c.is_affine(&c.app(c.mul, vec![id.clone(), id.clone()])));
        assert!(c.is_constant(&c.app(c.comp, vec![sin.clone(), c.konst(2)])));
        assert!(!c.is_constant(&c.app(c.comp, vec![sin.clone(), id.clone()])));
        assert!(c.unsimplified(&c.app(c.comp, vec![sin.clone(), id.clone()])));
        assert!(c.unsimplified(&c.app(c.mul, vec![c.konst(0), sin.clone()])));
        assert!(!c.unsimplified(&c.app(c.mul, vec![c.konst(2), sin])));
    }

    #[test]
    fn answers_have_something_to_integrate() {
        let g = gen();
        let c = g.calculus.as_ref().unwrap();
        let mut rng = Rng::new(7);
        for _ in 0..500 {
            let Some(a) = c.answer(&mut rng, (4, 10)) else {
                continue;
            };
            assert!(!c.is_affine(&a) && !c.has_constant_summand(&a) && !c.redundant(&a));
            assert!(!c.foldable(&a));
            assert!(a.size() >= 4);
        }
    }

    #[test]
    fn every_kind_makes_a_chain_that_rewrites_as_its_trace_says() {
        let g = gen();
        let c = g.calculus.as_ref().unwrap();
        let opts = Options::new("calculus", "unused".into());
        let limits = opts.limits();
        let coverage = vec![0u64; g.rs.dirs.len()];
        let w: Walker<'_> = g.walker(&limits, &coverage);
        for kind in ProblemKind::ALL {
            let mut made = 0;
            for seed in 0..200 {
                let mut rng = Rng::new(seed);
                let Ok(ch) = w.problem(&mut rng, c, kind, 0, (4, 10)) else {
                    continue;
                };
                made += 1;
                for (i, s) in ch.steps.iter().enumerate() {
                    assert_eq!(s.rewrite(&ch.terms[i]), ch.terms[i + 1], "{kind:?}");
                }
                let p = ch.problem.as_ref().unwrap();
                assert_eq!(p.kind, kind);
                assert!(!c.unsimplified(&p.subject) || kind != ProblemKind::Antiderivative);
                assert!(!c.foldable(&p.subject), "{kind:?}");
                assert!((limits.min_steps..=limits.max_steps).contains(&ch.steps.len()));
            }
            assert!(made >= 30, "{kind:?}: {made} of 200");
        }
    }

    #[test]
    fn constants_are_folded_in_the_normal_form() {
        let g = gen();
        let c = g.calculus.as_ref().unwrap();
        let opts = Options::new("calculus", "unused".into());
        let limits = opts.limits();
        let coverage = vec![0u64; g.rs.dirs.len()];
        let w: Walker<'_> = g.walker(&limits, &coverage);
        let (id, sin, cos) = (
            c.leaf(c.id),
            c.leaf(c.elementary[0]),
            c.leaf(c.elementary[1]),
        );
        let add = |a: Term, b: Term| c.app(c.add, vec![a, b]);
        let mul = |a: Term, b: Term| c.app(c.mul, vec![a, b]);
        let rules = |steps: &[Step]| -> Vec<String> {
            steps
                .iter()
                .map(|s| g.rs.dirs[s.dir].label(&g.rs.rules))
                .collect()
        };
        // deriv (id + id + sin): const 1 + const 1 + cos, folded.
        let (ts, steps) = w
            .differentiate_and_simplify(
                c,
                c.deriv_of(add(add(id.clone(), id.clone()), sin.clone())),
                200,
            )
            .unwrap();
        assert_eq!(*ts.last().unwrap(), add(c.konst(2), cos.clone()));
        assert!(rules(&steps).contains(&"const_add_1_1".to_string()));
        // deriv (const 2 * (const 3 * sin)): regrouped by ← mul_assoc, folded.
        let (ts, steps) = w
            .differentiate_and_simplify(c, c.deriv_of(mul(c.konst(2), mul(c.konst(3), sin))), 200)
            .unwrap();
        assert_eq!(*ts.last().unwrap(), mul(c.konst(6), cos));
        let r = rules(&steps);
        assert!(
            r.contains(&"mul_assoc←".to_string()) && r.contains(&"const_mul_2_3".to_string()),
            "{r:?}"
        );
        // deriv (const 3 * id + id): const 3 + const 1, commuted, folded.
        let (ts, steps) = w
            .differentiate_and_simplify(c, c.deriv_of(add(mul(c.konst(3), id.clone()), id)), 200)
            .unwrap();
        assert_eq!(*ts.last().unwrap(), c.konst(4));
        let r = rules(&steps);
        assert!(
            r.contains(&"add_comm".to_string()) && r.contains(&"const_add_1_3".to_string()),
            "{r:?}"
        );
        // Two constants the theory has no fold for are still found.
        assert!(c.foldable(&mul(c.konst(6), c.konst(4))));
        assert!(c.foldable(&add(c.leaf(c.elementary[0]), add(c.konst(1), c.konst(2)))));
        assert!(!c.foldable(&mul(c.konst(6), c.leaf(c.elementary[0]))));
    }
}
