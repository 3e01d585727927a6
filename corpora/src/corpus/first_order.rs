//! First-order terms read back from a record: what `verify` recomputes a
//! record's metadata from (positions, sizes, the canonical form).
//!
//! A generated statement, goal or rule instance is a first-order term:
//! symbols applied to explicit arguments, variables and `Nat` literals. It is
//! read here from the surface syntax the theory language parses (notation
//! already resolved to the symbols it stands for), or from a kernel
//! expression (a rule's statement); anything else is refused.

use super::canon::{Node, View};
use proofmill_kernel::{ExprId, ExprKind, ExprStore};
use proofmill_tactics::syntax::{Arg, Term as Syn, TermKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FoTerm {
    /// The `k`-th variable of the statement (or of the rule).
    Var(u32),
    Lit(u32),
    /// A symbol, by its full name, applied to its arguments.
    App(String, Vec<FoTerm>),
}

/// Reads first-order terms as they are (`FoTerm` names its symbols itself).
pub struct Plain;

impl View<FoTerm> for Plain {
    fn node<'a>(&'a self, t: &'a FoTerm) -> Node<'a, FoTerm> {
        match t {
            FoTerm::Var(v) => Node::Var(*v),
            FoTerm::Lit(n) => Node::Lit(*n),
            FoTerm::App(f, xs) => Node::App(f, xs),
        }
    }
}

impl FoTerm {
    /// A surface term over the variables `vars` (identifiers that are not
    /// variables are symbols).
    pub fn from_syntax(t: &Syn, vars: &[&str]) -> Result<FoTerm, String> {
        match &t.kind {
            TermKind::Ident(x) => Ok(match vars.iter().position(|v| v == x) {
                Some(k) => FoTerm::Var(k as u32),
                None => FoTerm::App(x.clone(), Vec::new()),
            }),
            TermKind::Num(n) => u32::try_from(n)
                .map(FoTerm::Lit)
                .map_err(|_| format!("the literal {n} is too large")),
            TermKind::App(f, args) => {
                let TermKind::Ident(name) = &f.kind else {
                    return Err("an application whose head is not a symbol".into());
                };
                if vars.contains(&name.as_str()) {
                    return Err(format!("the variable {name} is applied"));
                }
                let xs = args
                    .iter()
                    .map(|a| match a {
                        Arg::Pos(x) => FoTerm::from_syntax(x, vars),
                        Arg::Named(n, _) => Err(format!("a named argument ({n} := …)")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FoTerm::App(name.clone(), xs))
            }
            _ => Err("not a first-order term".into()),
        }
    }

    /// A kernel expression under `nvars` binders (bound variable `i` is
    /// variable `nvars - 1 - i`).
    pub fn from_expr(store: &impl ExprStore, e: ExprId, nvars: u32) -> Result<FoTerm, String> {
        let (head, args) = store.app_args(e);
        match store.kind(head).clone() {
            ExprKind::BVar(i) if args.is_empty() && i < nvars => Ok(FoTerm::Var(nvars - 1 - i)),
            ExprKind::NatLit(n) if args.is_empty() => u32::try_from(&*n)
                .map(FoTerm::Lit)
                .map_err(|_| "a literal too large".to_string()),
            ExprKind::Const(n, _) => {
                let xs = args
                    .iter()
                    .map(|&a| FoTerm::from_expr(store, a, nvars))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FoTerm::App(n.to_string(), xs))
            }
            _ => Err("not a first-order term".into()),
        }
    }

    pub fn size(&self) -> usize {
        match self {
            FoTerm::App(_, xs) => 1 + xs.iter().map(FoTerm::size).sum::<usize>(),
            _ => 1,
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            FoTerm::App(_, xs) => 1 + xs.iter().map(FoTerm::depth).max().unwrap_or(0),
            _ => 1,
        }
    }

    /// The variables, each once, in order of first occurrence.
    pub fn vars(&self, out: &mut Vec<u32>) {
        match self {
            FoTerm::Var(v) if !out.contains(v) => out.push(*v),
            FoTerm::App(_, xs) => xs.iter().for_each(|x| x.vars(out)),
            _ => {}
        }
    }

    /// The first position of `p` in pre-order (the order `rw` searches in).
    pub fn find(&self, p: &FoTerm) -> Option<Vec<u32>> {
        if self == p {
            return Some(Vec::new());
        }
        if let FoTerm::App(_, xs) = self {
            for (i, x) in xs.iter().enumerate() {
                if let Some(mut r) = x.find(p) {
                    r.insert(0, i as u32);
                    return Some(r);
                }
            }
        }
        None
    }

    /// Every variable `k` replaced by `s[k]` (`None` when `s` is too short).
    pub fn instantiate(&self, s: &[FoTerm]) -> Option<FoTerm> {
        Some(match self {
            FoTerm::Var(v) => s.get(*v as usize)?.clone(),
            FoTerm::Lit(n) => FoTerm::Lit(*n),
            FoTerm::App(f, xs) => FoTerm::App(
                f.clone(),
                xs.iter().map(|x| x.instantiate(s)).collect::<Option<_>>()?,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proofmill_tactics::parse::parse_term;
    use proofmill_tactics::theory::Theory;

    #[test]
    fn reads_notation_as_symbols() {
        let t = Theory::shipped("ring").unwrap();
        let s = parse_term("a * (b + R.zero) + 2", t.notations()).unwrap();
        let f = FoTerm::from_syntax(&s, &["a", "b"]).unwrap();
        let FoTerm::App(add, xs) = &f else {
            panic!("{f:?}")
        };
        assert_eq!(xs[1], FoTerm::Lit(2));
        assert!(t.notations().for_target(add).is_some());
        assert_eq!(f.size(), 7);
        assert_eq!(f.depth(), 4);
        assert_eq!(f.find(&FoTerm::Var(1)), Some(vec![0, 1, 0]));
        let lam = parse_term("fun (x : R) => x", t.notations()).unwrap();
        assert!(FoTerm::from_syntax(&lam, &[]).is_err());
    }
}
