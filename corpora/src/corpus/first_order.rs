//! First-order terms read back from a record: what `verify` recomputes a
//! record's metadata from (positions, sizes, the canonical form).
//!
//! A generated statement, goal or rule instance is a first-order term:
//! symbols applied to explicit arguments, variables and `Nat` literals. It is
//! read here from the surface syntax the theory language parses (notation
//! already resolved to the symbols it stands for), or from a kernel
//! expression (a rule's statement); anything else is refused.

use super::canon::{Node, View};
use proofmill_kernel::{ExprId, ExprKind, ExprStore, Name};
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

    /// The surface term [`FoTerm::from_syntax`] reads as this one over the
    /// variables `vars` (positions left at their default): what the printer
    /// turns into this term's printed form. `None` when no surface term
    /// reads as it (a symbol named as a variable, a variable out of range).
    pub fn to_syntax(&self, vars: &[&str]) -> Option<Syn> {
        let kind = match self {
            FoTerm::Var(k) => TermKind::Ident(vars.get(*k as usize)?.to_string()),
            FoTerm::Lit(n) => TermKind::Num((*n).into()),
            FoTerm::App(f, _) if vars.contains(&f.as_str()) => return None,
            FoTerm::App(f, xs) if xs.is_empty() => TermKind::Ident(f.clone()),
            FoTerm::App(f, xs) => TermKind::App(
                Box::new(Syn {
                    pos: Default::default(),
                    kind: TermKind::Ident(f.clone()),
                }),
                xs.iter()
                    .map(|x| x.to_syntax(vars).map(Arg::Pos))
                    .collect::<Option<_>>()?,
            ),
        };
        Some(Syn {
            pos: Default::default(),
            kind,
        })
    }

    /// A kernel expression under `nvars` binders (bound variable `i` is
    /// variable `nvars - 1 - i`).
    pub fn from_expr(store: &impl ExprStore, e: ExprId, nvars: u32) -> Result<FoTerm, String> {
        FoTerm::from_expr_with(store, e, &|x| match store.kind(x) {
            ExprKind::BVar(i) if *i < nvars => Some(nvars - 1 - i),
            _ => None,
        })
    }

    /// A kernel expression whose variables are the leaves `var` numbers
    /// (bound variables of a rule, or the locals of a goal).
    pub fn from_expr_with(
        store: &impl ExprStore,
        e: ExprId,
        var: &impl Fn(ExprId) -> Option<u32>,
    ) -> Result<FoTerm, String> {
        let (head, args) = store.app_args(e);
        if args.is_empty() {
            if let Some(v) = var(head) {
                return Ok(FoTerm::Var(v));
            }
        }
        match store.kind(head) {
            ExprKind::NatLit(n) if args.is_empty() => u32::try_from(&**n)
                .map(FoTerm::Lit)
                .map_err(|_| "a literal too large".to_string()),
            ExprKind::Const(n, _) => {
                let n = n.to_string();
                let xs = args
                    .iter()
                    .map(|&a| FoTerm::from_expr_with(store, a, var))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(FoTerm::App(n, xs))
            }
            _ => Err("not a first-order term".into()),
        }
    }

    /// Whether the kernel expression `e` is this term, its variables the
    /// leaves `var` numbers (as [`FoTerm::from_expr_with`] would read it,
    /// without building the term).
    pub fn is_expr(
        &self,
        store: &impl ExprStore,
        e: ExprId,
        var: &impl Fn(ExprId) -> Option<u32>,
    ) -> bool {
        match self {
            FoTerm::Var(v) => !matches!(store.kind(e), ExprKind::App(..)) && var(e) == Some(*v),
            FoTerm::Lit(n) => matches!(store.kind(e), ExprKind::NatLit(m) if **m == (*n).into()),
            FoTerm::App(f, xs) => {
                // The spine is walked in place (this runs for every node of
                // every goal `verify` replays): the head first, then the
                // arguments from the last.
                let mut head = e;
                for _ in 0..xs.len() {
                    match store.kind(head) {
                        ExprKind::App(g, _) => head = *g,
                        _ => return false,
                    }
                }
                let ExprKind::Const(name, _) = store.kind(head) else {
                    return false;
                };
                if !((!xs.is_empty() || var(head).is_none()) && name_is(name, f)) {
                    return false;
                }
                let mut spine = e;
                xs.iter().rev().all(|x| match store.kind(spine) {
                    ExprKind::App(g, a) => {
                        spine = *g;
                        x.is_expr(store, *a, var)
                    }
                    _ => false,
                })
            }
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

    /// The position of the `k`-th occurrence of `p` (from 1, in pre-order:
    /// the order `nth_rewrite` counts in).
    pub fn find_nth(&self, p: &FoTerm, k: usize) -> Option<Vec<u32>> {
        fn go(t: &FoTerm, p: &FoTerm, k: usize, seen: &mut usize, pos: &mut Vec<u32>) -> bool {
            if t == p {
                *seen += 1;
                return *seen == k;
            }
            if let FoTerm::App(_, xs) = t {
                for (i, x) in xs.iter().enumerate() {
                    pos.push(i as u32);
                    if go(x, p, k, seen, pos) {
                        return true;
                    }
                    pos.pop();
                }
            }
            false
        }
        let mut pos = Vec::new();
        go(self, p, k, &mut 0, &mut pos).then_some(pos)
    }

    /// The subterm at `pos` replaced by `q`.
    pub fn replace_at(&self, pos: &[u32], q: &FoTerm) -> FoTerm {
        match (pos.split_first(), self) {
            (None, _) => q.clone(),
            (Some((&i, rest)), FoTerm::App(f, xs)) if (i as usize) < xs.len() => {
                let mut v = xs.clone();
                v[i as usize] = xs[i as usize].replace_at(rest, q);
                FoTerm::App(f.clone(), v)
            }
            _ => self.clone(),
        }
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

/// Whether `n` prints as the dotted name `s`.
fn name_is(n: &Name, s: &str) -> bool {
    let Some(last) = n.last_str() else {
        return false;
    };
    let pre = n.prefix();
    if pre.is_anon() {
        return s == last;
    }
    match s.strip_suffix(last).and_then(|p| p.strip_suffix('.')) {
        Some(p) => name_is(&pre, p),
        None => false,
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
        // Back to syntax: the very term the text parses to, and none when a
        // symbol bears a variable's name.
        assert_eq!(f.to_syntax(&["a", "b"]), Some(s));
        assert_eq!(FoTerm::App("a".into(), vec![]).to_syntax(&["a"]), None);
        assert_eq!(FoTerm::Var(2).to_syntax(&["a", "b"]), None);
        let lam = parse_term("fun (x : R) => x", t.notations()).unwrap();
        assert!(FoTerm::from_syntax(&lam, &[]).is_err());
    }

    /// `is_expr` says of every kernel expression exactly what reading it
    /// (`from_expr_with`) and comparing would: over all terms of a few
    /// symbols, variables and literals up to depth 3, each against each.
    #[test]
    fn is_expr_agrees_with_reading_the_expression() {
        use proofmill_kernel::{Arena, FVarId, Level};
        use std::sync::Arc;
        let mut store = Arena::new();
        let no_levels: Arc<[Level]> = Arc::from(Vec::new());
        let var_ids: Vec<ExprId> = (0..2).map(|i| store.mk_fvar(FVarId(i))).collect();
        let var = |e: ExprId| var_ids.iter().position(|&v| v == e).map(|k| k as u32);
        // Terms as (first-order term, kernel expression), built together,
        // plus expressions no term reads as (a symbol applied to too few or
        // too many arguments).
        let mut layer: Vec<(FoTerm, ExprId)> = vec![
            (FoTerm::Var(0), var_ids[0]),
            (FoTerm::Var(1), var_ids[1]),
            (FoTerm::Lit(2), store.mk_nat(2u32.into())),
            (
                FoTerm::App("R.zero".into(), vec![]),
                store.mk_const(Name::from_dotted("R.zero"), no_levels.clone()),
            ),
        ];
        let mut all = layer.clone();
        for _ in 0..2 {
            let mut next = Vec::new();
            for (i, (a, ea)) in layer.iter().enumerate() {
                for f in ["R.neg", "R.inv"] {
                    let c = store.mk_const(Name::from_dotted(f), no_levels.clone());
                    next.push((FoTerm::App(f.into(), vec![a.clone()]), store.mk_app(c, *ea)));
                }
                for (b, eb) in layer.iter().skip(i % 3).step_by(3) {
                    let add = store.mk_const(Name::from_dotted("R.add"), no_levels.clone());
                    let e = store.mk_apps(add, &[*ea, *eb]);
                    next.push((FoTerm::App("R.add".into(), vec![a.clone(), b.clone()]), e));
                    let bad = store.mk_app(e, *eb);
                    all.push((FoTerm::Var(7), bad));
                }
            }
            all.extend(next.iter().cloned());
            layer = next;
        }
        let add = store.mk_const(Name::from_dotted("R.add"), no_levels.clone());
        let partial = store.mk_app(add, var_ids[0]);
        all.push((FoTerm::Var(7), partial));
        let mut agree = 0;
        for (t, _) in all.iter().filter(|(t, _)| *t != FoTerm::Var(7)) {
            for (_, e) in &all {
                let read = FoTerm::from_expr_with(&store, *e, &var);
                assert_eq!(t.is_expr(&store, *e, &var), read.as_ref() == Ok(t), "{t:?}");
                agree += 1;
            }
        }
        assert!(agree > 10_000, "{agree} comparisons");
        assert!(all.iter().filter(|(t, _)| t.size() == 7).count() > 10);
    }
}
