//! Printing generator terms with the theory's notation, directly.
//!
//! A record prints every goal of its trace, its tactics' arguments and its
//! proof, so printing runs a few dozen times per theorem. The tactics printer
//! works on surface syntax trees; building one per goal and looking each
//! operator up by name at every node cost more than the kernel's check.
//! `TermPrinter` looks each symbol's notation up once and prints a `Term`
//! as the tactics printer prints its surface form, character for character
//! (a proptest below compares the two on random terms of every shipped
//! theory). General (`notation`) mixfix forms are left to the tactics
//! printer: a signature with one is printed through it.

use crate::term::{Relation, Signature, Term};
use proofmill_tactics::notation::{Notation, NotationTable, MAX_PREC};
use proofmill_tactics::print::prefix_operand_needs_space;
use proofmill_tactics::syntax::NotationKind;

/// A node as the printer sees it.
enum View<'t> {
    /// A variable, a constant or a literal.
    Atom,
    /// A motive's bound variable, where the rewritten instance stood.
    Hole(&'t str),
    /// An operator and its operands (the second for binary ones).
    Op(&'t Notation, &'t Term, Option<&'t Term>),
    /// A function applied to arguments, printed `f a b`.
    Apply(&'t str, &'t [Term]),
}

/// What one printing call needs at every node.
struct Cx<'t> {
    ops: &'t [Option<Notation>],
    names: &'t [String],
    /// Occurrences of this term print as this name (a motive's body).
    hole: Option<(&'t Term, &'t str)>,
}

/// Prints terms of one signature with one notation table.
pub struct TermPrinter<'a> {
    sig: &'a Signature,
    nt: &'a NotationTable,
    /// Per symbol, its operator notation; `None` for the whole table when a
    /// symbol (or `Eq`) has a general notation (then the tactics printer runs).
    ops: Option<Vec<Option<Notation>>>,
    eq: Option<Notation>,
    iff: Option<Notation>,
}

impl<'a> TermPrinter<'a> {
    pub fn new(sig: &'a Signature, nt: &'a NotationTable) -> TermPrinter<'a> {
        let op = |target: &str, arity: usize| {
            nt.for_target(target)
                .filter(|n| n.arity() == arity)
                .cloned()
        };
        let mixfix = sig
            .syms
            .iter()
            .map(|s| s.text.as_str())
            .chain(["Eq", "Iff"])
            .any(|t| nt.mixfix_for_target(t).is_some());
        let ops = (!mixfix).then(|| sig.syms.iter().map(|s| op(&s.text, s.args.len())).collect());
        TermPrinter {
            sig,
            nt,
            ops,
            eq: op("Eq", 2),
            iff: op("Iff", 2),
        }
    }

    /// The term printed with the theory's notation (`names[v]` for variables).
    pub fn print(&self, t: &Term, names: &[String]) -> String {
        let mut out = String::new();
        self.write(t, names, &mut out);
        out
    }

    /// `print`, appended to `out` (records are built without temporary strings).
    pub fn write(&self, t: &Term, names: &[String], out: &mut String) {
        let Some(ops) = &self.ops else {
            out.push_str(&self.sig.print(t, names, self.nt));
            return;
        };
        let cx = Cx {
            ops,
            names,
            hole: None,
        };
        self.go(&cx, self.view(&cx, t), t, 0, None, out);
    }

    /// `t` with every occurrence of `pat` (outermost first, as `rw`
    /// abstracts them) printed as the variable `hole`: a motive's body.
    pub fn print_with_hole(&self, t: &Term, pat: &Term, hole: &str, names: &[String]) -> String {
        let mut out = String::new();
        self.write_with_hole(t, pat, hole, names, &mut out);
        out
    }

    /// `print_with_hole`, appended to `out`.
    pub fn write_with_hole(
        &self,
        t: &Term,
        pat: &Term,
        hole: &str,
        names: &[String],
        out: &mut String,
    ) {
        let Some(ops) = &self.ops else {
            let mut names2 = names.to_vec();
            names2.push(hole.to_string());
            let body = t.replace_all(pat, &Term::Var(names.len() as u32));
            out.push_str(&self.sig.print(&body, &names2, self.nt));
            return;
        };
        let cx = Cx {
            ops,
            names,
            hole: Some((pat, hole)),
        };
        self.go(&cx, self.view(&cx, t), t, 0, None, out);
    }

    /// `lhs = rhs` (or `lhs ↔ rhs`) printed with the theory's notation.
    pub fn print_rel(&self, rel: Relation, l: &Term, r: &Term, names: &[String]) -> String {
        let mut out = String::new();
        self.write_rel(rel, l, r, names, &mut out);
        out
    }

    /// `print_rel`, appended to `out`.
    pub fn write_rel(&self, rel: Relation, l: &Term, r: &Term, names: &[String], out: &mut String) {
        let op = match rel {
            Relation::Eq => &self.eq,
            Relation::Iff => &self.iff,
        };
        let (Some(ops), Some(op)) = (&self.ops, op) else {
            out.push_str(&self.sig.print_rel(rel, l, r, names, self.nt));
            return;
        };
        let cx = Cx {
            ops,
            names,
            hole: None,
        };
        // The node itself is never an atom, so `t` is not consulted for it.
        self.go(&cx, View::Op(op, l, Some(r)), l, 0, None, out);
    }

    /// A term as an argument: parenthesized unless it is an atom.
    pub fn print_arg(&self, t: &Term, names: &[String]) -> String {
        let mut out = String::new();
        self.write_arg(t, names, &mut out);
        out
    }

    /// `print_arg`, appended to `out`.
    pub fn write_arg(&self, t: &Term, names: &[String], out: &mut String) {
        let atom = !matches!(t, Term::App(_, xs) if !xs.is_empty());
        if !atom {
            out.push('(');
        }
        self.write(t, names, out);
        if !atom {
            out.push(')');
        }
    }

    fn view<'t>(&self, cx: &Cx<'t>, t: &'t Term) -> View<'t>
    where
        'a: 't,
    {
        if let Some((pat, hole)) = cx.hole {
            if t == pat {
                return View::Hole(hole);
            }
        }
        match t {
            Term::App(f, xs) if !xs.is_empty() => match &cx.ops[*f as usize] {
                Some(op) => View::Op(op, &xs[0], xs.get(1)),
                None => View::Apply(&self.sig.syms[*f as usize].text, xs),
            },
            _ => View::Atom,
        }
    }

    fn atom(&self, t: &Term, names: &[String], out: &mut String) {
        match t {
            Term::Var(v) => out.push_str(&names[*v as usize]),
            Term::Lit(n) => out.push_str(&n.to_string()),
            Term::App(f, _) => out.push_str(&self.sig.syms[*f as usize].text),
        }
    }

    /// The tactics printer's `go` for the shapes a `Term` has: `t` is the
    /// node `view` describes (used only when it is an atom).
    fn go(
        &self,
        cx: &Cx<'_>,
        view: View<'_>,
        t: &Term,
        ctx: u32,
        follow: Option<u32>,
        out: &mut String,
    ) {
        let (p, absorbs) = match &view {
            View::Atom | View::Hole(_) => (MAX_PREC, false),
            View::Op(op, ..) => (op.prec_as_operand(), follow.is_some_and(|r| op.absorbs(r))),
            View::Apply(..) => (MAX_PREC - 1, false),
        };
        if p < ctx || (p == 0 && ctx > 0) || absorbs {
            out.push('(');
            self.go(cx, view, t, 0, None, out);
            out.push(')');
            return;
        }
        match view {
            View::Atom => self.atom(t, cx.names, out),
            View::Hole(h) => out.push_str(h),
            View::Op(op, x, y) => match op.kind {
                NotationKind::Prefix => {
                    out.push_str(&op.token);
                    let at = out.len();
                    self.go(cx, self.view(cx, x), x, op.prec.max(1), follow, out);
                    if out[at..]
                        .chars()
                        .next()
                        .is_some_and(prefix_operand_needs_space)
                    {
                        out.insert(at, ' ');
                    }
                }
                NotationKind::Postfix => {
                    let v = self.view(cx, x);
                    self.go(cx, v, x, op.prec.max(1), Some(op.prec), out);
                    out.push_str(&op.token);
                }
                _ => {
                    let (l, r) = op.operand_precs();
                    let (a, b) = (x, y.expect("a binary operator has two operands"));
                    self.go(cx, self.view(cx, a), a, l, Some(op.prec), out);
                    out.push(' ');
                    out.push_str(&op.token);
                    out.push(' ');
                    self.go(cx, self.view(cx, b), b, r, follow, out);
                }
            },
            View::Apply(head, args) => {
                out.push_str(head);
                for x in args {
                    out.push(' ');
                    self.go(cx, self.view(cx, x), x, MAX_PREC, None, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::walk::VarPool;
    use proofmill_tactics::theory::Theory;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn theories() -> &'static Vec<(Theory, RuleSet)> {
        static T: OnceLock<Vec<(Theory, RuleSet)>> = OnceLock::new();
        T.get_or_init(|| {
            ["ring", "group", "nilgroup", "nat", "logic", "calculus"]
                .iter()
                .map(|n| {
                    let (t, _) =
                        proofmill_corpora::corpus::theory_source(n, std::path::Path::new("."))
                            .expect("a shipped theory");
                    let rs = RuleSet::extract(&t);
                    (t, rs)
                })
                .collect()
        })
    }

    /// A random term over `sig` (ill-sorted is fine: only printing is tested).
    fn term(sig: &Signature, nvars: u32, seed: &[u32], i: &mut usize, depth: u32) -> Term {
        let mut next = || {
            let x = seed[*i % seed.len()];
            *i += 1;
            x
        };
        let pick = next();
        if depth == 0 || pick % 4 == 0 {
            return match next() % 3 {
                0 => Term::Lit(next() % 12),
                _ => Term::Var(next() % nvars),
            };
        }
        let f = next() % sig.syms.len() as u32;
        let n = sig.syms[f as usize].args.len();
        let args = (0..n)
            .map(|_| term(sig, nvars, seed, i, depth - 1))
            .collect();
        Term::App(f, args)
    }

    proptest! {
        #[test]
        fn prints_as_the_tactics_printer(
            which in 0usize..5,
            seed in proptest::collection::vec(any::<u32>(), 1..64),
        ) {
            let (theory, rs) = &theories()[which];
            let nt = theory.notations();
            let names = VarPool::new(rs, 3).names();
            let p = TermPrinter::new(&rs.sig, nt);
            let mut i = 0;
            let a = term(&rs.sig, names.len() as u32, &seed, &mut i, 5);
            let b = term(&rs.sig, names.len() as u32, &seed, &mut i, 5);
            prop_assert_eq!(p.print(&a, &names), rs.sig.print(&a, &names, nt));
            prop_assert_eq!(p.print_arg(&b, &names), rs.sig.print_arg(&b, &names, nt));
            for rel in [Relation::Eq, Relation::Iff] {
                prop_assert_eq!(
                    p.print_rel(rel, &a, &b, &names),
                    rs.sig.print_rel(rel, &a, &b, &names, nt)
                );
            }
            // A motive: every occurrence of a subterm of `a` as a new variable.
            let mut subs = Vec::new();
            let mut pos = Vec::new();
            a.positions(&mut Vec::new(), &mut pos);
            for p_ in &pos {
                subs.push(a.at(p_).expect("a position of a").clone());
            }
            let pat = &subs[seed[0] as usize % subs.len()];
            let mut names2 = names.clone();
            names2.push("hole".to_string());
            let body = a.replace_all(pat, &Term::Var(names.len() as u32));
            prop_assert_eq!(
                p.print_with_hole(&a, pat, "hole", &names),
                rs.sig.print(&body, &names2, nt)
            );
        }
    }
}
