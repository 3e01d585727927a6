//! First-order terms over a theory's signature: what walks rewrite.
//!
//! Rules of the shipped theories are first-order equations between
//! applications of constants, so the generator works on this small tree
//! (cheap to clone, hash and compare) and turns a term into a kernel
//! expression or a surface term of the theory language only when it builds
//! a proof or prints a record.

use proofmill_kernel::{ExprId, Name};
use proofmill_tactics::notation::NotationTable;
use proofmill_tactics::print::print_term;
use proofmill_tactics::syntax::{Arg, Pos, Term as Syn, TermKind};
use std::sync::Arc;

/// A sort of the signature (`R`, `Nat`, `Prop`, …), by index.
pub type SortId = u32;
/// A function symbol of the signature, by index.
pub type SymId = u32;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// A variable (of a walk: the theorem's; of a pattern: the rule's binder).
    Var(u32),
    /// A `Nat` literal.
    Lit(u32),
    /// A symbol applied to its arguments. The arguments are shared: cloning
    /// a term, or rewriting one subterm of it, copies no untouched subtree.
    App(SymId, Arc<[Term]>),
}

/// What a theorem states between its two sides: equality, or, between
/// propositions, `↔` (as a Lean user states it; the proof goes through `=`
/// with `propext` and ends in `Iff.of_eq`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Iff,
}

impl Relation {
    /// The constant the relation is.
    pub fn constant(self) -> &'static str {
        match self {
            Relation::Eq => "Eq",
            Relation::Iff => "Iff",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Sort {
    /// How the sort is written (`R`, `Nat`, `Prop`).
    pub name: String,
    /// The type, in the environment's arena.
    pub expr: ExprId,
    /// Whether `Nat` literals denote its elements.
    pub is_nat: bool,
}

#[derive(Clone, Debug)]
pub struct Sym {
    pub name: Name,
    /// `name` as the printer writes it (built once: printing is hot).
    pub text: String,
    pub args: Vec<SortId>,
    pub result: SortId,
}

/// The constants and sorts the rules mention.
#[derive(Clone, Debug, Default)]
pub struct Signature {
    pub sorts: Vec<Sort>,
    pub syms: Vec<Sym>,
    /// Literals that occur in rules, by sort (leaves the sampler may use).
    pub lits: Vec<u32>,
}

impl Term {
    pub fn size(&self) -> usize {
        match self {
            Term::App(_, xs) => 1 + xs.iter().map(Term::size).sum::<usize>(),
            _ => 1,
        }
    }
    pub fn depth(&self) -> usize {
        match self {
            Term::App(_, xs) => 1 + xs.iter().map(Term::depth).max().unwrap_or(0),
            _ => 1,
        }
    }
    /// Whether the term has at most `size` nodes and `depth` levels, in one
    /// walk that stops as soon as either bound is passed.
    pub fn fits(&self, size: usize, depth: usize) -> bool {
        fn go(t: &Term, budget: &mut usize, depth: usize) -> bool {
            if *budget == 0 || depth == 0 {
                return false;
            }
            *budget -= 1;
            match t {
                Term::App(_, xs) => xs.iter().all(|x| go(x, budget, depth - 1)),
                _ => true,
            }
        }
        let mut budget = size;
        go(self, &mut budget, depth)
    }
    pub fn vars(&self, out: &mut Vec<u32>) {
        match self {
            Term::Var(v) => {
                if !out.contains(v) {
                    out.push(*v)
                }
            }
            Term::Lit(_) => {}
            Term::App(_, xs) => xs.iter().for_each(|x| x.vars(out)),
        }
    }
    /// The literals, each once, in order of first occurrence.
    pub fn lits(&self, out: &mut Vec<u32>) {
        match self {
            Term::Lit(k) if !out.contains(k) => out.push(*k),
            Term::App(_, xs) => xs.iter().for_each(|x| x.lits(out)),
            _ => {}
        }
    }
    /// Whether symbol `f` occurs in the term.
    pub fn contains_sym(&self, f: u32) -> bool {
        match self {
            Term::App(g, xs) => *g == f || xs.iter().any(|x| x.contains_sym(f)),
            _ => false,
        }
    }
    pub fn contains(&self, p: &Term) -> bool {
        self == p
            || match self {
                Term::App(_, xs) => xs.iter().any(|x| x.contains(p)),
                _ => false,
            }
    }
    pub fn at(&self, pos: &[usize]) -> Option<&Term> {
        match pos.split_first() {
            None => Some(self),
            Some((&i, rest)) => match self {
                Term::App(_, xs) => xs.get(i)?.at(rest),
                _ => None,
            },
        }
    }
    /// How many applications (not variables or literals) `keep` accepts.
    pub fn count_apps(&self, keep: &dyn Fn(&Term) -> bool) -> usize {
        match self {
            Term::App(_, xs) => {
                usize::from(keep(self)) + xs.iter().map(|x| x.count_apps(keep)).sum::<usize>()
            }
            _ => 0,
        }
    }
    /// Every position, in pre-order (the order `rw` searches in).
    pub fn positions(&self, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(prefix.clone());
        if let Term::App(_, xs) = self {
            for (i, x) in xs.iter().enumerate() {
                prefix.push(i);
                x.positions(prefix, out);
                prefix.pop();
            }
        }
    }
    /// The first position of `p` in pre-order.
    pub fn find(&self, p: &Term) -> Option<Vec<usize>> {
        if self == p {
            return Some(vec![]);
        }
        if let Term::App(_, xs) = self {
            for (i, x) in xs.iter().enumerate() {
                if let Some(mut r) = x.find(p) {
                    r.insert(0, i);
                    return Some(r);
                }
            }
        }
        None
    }
    /// The positions of every occurrence of `p`, in pre-order (the order
    /// `rw` and `nth_rewrite` count in).
    pub fn occurrences(&self, p: &Term) -> Vec<Vec<usize>> {
        fn go(t: &Term, p: &Term, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            if t == p {
                out.push(prefix.clone());
                return;
            }
            if let Term::App(_, xs) = t {
                for (i, x) in xs.iter().enumerate() {
                    prefix.push(i);
                    go(x, p, prefix, out);
                    prefix.pop();
                }
            }
        }
        let mut out = Vec::new();
        go(self, p, &mut Vec::new(), &mut out);
        out
    }
    /// The subterm at `pos` replaced by `q` (`self` when `pos` is not a position).
    pub fn replace_at(&self, pos: &[usize], q: &Term) -> Term {
        match (pos.split_first(), self) {
            (None, _) => q.clone(),
            (Some((&i, rest)), Term::App(f, xs)) if i < xs.len() => {
                let mut v = xs.to_vec();
                v[i] = xs[i].replace_at(rest, q);
                Term::App(*f, v.into())
            }
            _ => self.clone(),
        }
    }
    /// Every occurrence of `p` replaced by `q` (as `rw` abstracts them all).
    pub fn replace_all(&self, p: &Term, q: &Term) -> Term {
        self.replaced(p, q).unwrap_or_else(|| self.clone())
    }
    /// `replace_all`, or `None` when nothing changes (untouched subtrees are shared).
    fn replaced(&self, p: &Term, q: &Term) -> Option<Term> {
        if self == p {
            return Some(q.clone());
        }
        let Term::App(f, xs) = self else {
            return None;
        };
        let mut out: Option<Vec<Term>> = None;
        for (i, x) in xs.iter().enumerate() {
            match (x.replaced(p, q), &mut out) {
                (Some(y), Some(v)) => v.push(y),
                (Some(y), None) => {
                    let mut v = Vec::with_capacity(xs.len());
                    v.extend_from_slice(&xs[..i]);
                    v.push(y);
                    out = Some(v);
                }
                (None, Some(v)) => v.push(x.clone()),
                (None, None) => {}
            }
        }
        out.map(|v| Term::App(*f, v.into()))
    }
    /// Substitutes pattern variables.
    pub fn subst(&self, s: &[Option<Term>]) -> Term {
        match self {
            Term::Var(v) => s
                .get(*v as usize)
                .and_then(|x| x.clone())
                .unwrap_or(Term::Var(*v)),
            Term::Lit(n) => Term::Lit(*n),
            Term::App(f, xs) => Term::App(*f, xs.iter().map(|x| x.subst(s)).collect()),
        }
    }
    /// Substitutes pattern variables by a full instantiation.
    pub fn instantiate(&self, s: &[Term]) -> Term {
        match self {
            Term::Var(v) => s[*v as usize].clone(),
            Term::Lit(n) => Term::Lit(*n),
            Term::App(f, xs) => Term::App(*f, xs.iter().map(|x| x.instantiate(s)).collect()),
        }
    }
    /// One-way matching of a pattern (`self`) against `t`, extending `s` with
    /// borrowed subterms of `t` (no allocation; most matches fail).
    pub fn matches_ref<'t>(&self, t: &'t Term, s: &mut [Option<&'t Term>]) -> bool {
        match (self, t) {
            (Term::Var(v), _) => match s[*v as usize] {
                Some(b) => b == t,
                None => {
                    s[*v as usize] = Some(t);
                    true
                }
            },
            (Term::Lit(a), Term::Lit(b)) => a == b,
            (Term::App(f, xs), Term::App(g, ys)) => {
                f == g
                    && xs.len() == ys.len()
                    && xs.iter().zip(ys.iter()).all(|(x, y)| x.matches_ref(y, s))
            }
            _ => false,
        }
    }
    /// One-way matching of a pattern (`self`) against `t`, extending `s`.
    pub fn matches(&self, t: &Term, s: &mut [Option<Term>]) -> bool {
        match (self, t) {
            (Term::Var(v), _) => match &s[*v as usize] {
                Some(b) => b == t,
                None => {
                    s[*v as usize] = Some(t.clone());
                    true
                }
            },
            (Term::Lit(a), Term::Lit(b)) => a == b,
            (Term::App(f, xs), Term::App(g, ys)) => {
                f == g
                    && xs.len() == ys.len()
                    && xs.iter().zip(ys.iter()).all(|(x, y)| x.matches(y, s))
            }
            _ => false,
        }
    }
}

fn syn(kind: TermKind) -> Syn {
    Syn {
        pos: Pos::new(1, 1),
        kind,
    }
}

fn ident(s: &str) -> Syn {
    syn(TermKind::Ident(s.to_string()))
}

impl Signature {
    /// The relation a theorem about terms of `sort` states: `↔` between
    /// propositions, `=` otherwise.
    pub fn relation(&self, sort: SortId) -> Relation {
        if self.sorts[sort as usize].name == "Prop" {
            Relation::Iff
        } else {
            Relation::Eq
        }
    }

    /// The term as a surface term of the theory language (`names[v]` for variables).
    pub fn to_syntax(&self, t: &Term, names: &[String]) -> Syn {
        match t {
            Term::Var(v) => ident(&names[*v as usize]),
            Term::Lit(n) => syn(TermKind::Num((*n).into())),
            Term::App(f, xs) => {
                let head = ident(&self.syms[*f as usize].text);
                if xs.is_empty() {
                    return head;
                }
                let args = xs
                    .iter()
                    .map(|x| Arg::Pos(self.to_syntax(x, names)))
                    .collect();
                syn(TermKind::App(Box::new(head), args))
            }
        }
    }
    /// The term printed with the theory's notation.
    pub fn print(&self, t: &Term, names: &[String], nt: &NotationTable) -> String {
        print_term(&self.to_syntax(t, names), nt)
    }
    /// `lhs = rhs` printed with the theory's notation.
    pub fn print_rel(
        &self,
        rel: Relation,
        l: &Term,
        r: &Term,
        names: &[String],
        nt: &NotationTable,
    ) -> String {
        let e = syn(TermKind::App(
            Box::new(ident(rel.constant())),
            vec![
                Arg::Pos(self.to_syntax(l, names)),
                Arg::Pos(self.to_syntax(r, names)),
            ],
        ));
        print_term(&e, nt)
    }
    /// A term as an argument: parenthesized unless it is an atom.
    pub fn print_arg(&self, t: &Term, names: &[String], nt: &NotationTable) -> String {
        let s = self.print(t, names, nt);
        match t {
            Term::App(_, xs) if !xs.is_empty() => format!("({s})"),
            _ => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn term() -> impl Strategy<Value = Term> {
        let leaf = prop_oneof![(0u32..3).prop_map(Term::Var), (0u32..3).prop_map(Term::Lit)];
        leaf.prop_recursive(6, 40, 3, |inner| {
            (0u32..4, prop::collection::vec(inner, 0..3))
                .prop_map(|(f, xs)| Term::App(f, xs.into()))
        })
    }

    proptest! {
        #[test]
        fn fits_is_size_and_depth_within_bounds(t in term(), size in 0usize..30, depth in 0usize..8) {
            prop_assert_eq!(t.fits(size, depth), t.size() <= size && t.depth() <= depth);
        }
    }
}
