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
use proofmill_tactics::notation::{Notation, NotationTable, MAX_PREC};
use proofmill_tactics::print::prefix_operand_needs_space;
use proofmill_tactics::syntax::{Arg, NotationKind, Term as Syn, TermKind};
use std::borrow::Borrow;
use std::fmt::Write;

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
                // (A loop, not a `collect` into a `Result`: this reads every
                // rule argument `verify` checks.)
                let mut xs = Vec::with_capacity(args.len());
                for a in args {
                    match a {
                        Arg::Pos(x) => xs.push(FoTerm::from_syntax(x, vars)?),
                        Arg::Named(n, _) => return Err(format!("a named argument ({n} := …)")),
                    }
                }
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

    /// The first position of a subterm that `is` (in pre-order: the order
    /// `rw` searches in).
    pub fn find(&self, is: &impl Fn(&FoTerm) -> bool) -> Option<Vec<u32>> {
        if is(self) {
            return Some(Vec::new());
        }
        if let FoTerm::App(_, xs) = self {
            for (i, x) in xs.iter().enumerate() {
                if let Some(mut r) = x.find(is) {
                    r.insert(0, i as u32);
                    return Some(r);
                }
            }
        }
        None
    }

    /// The position of the `k`-th subterm that `is` (from 1, in pre-order:
    /// the order `nth_rewrite` counts in).
    pub fn find_nth(&self, is: &impl Fn(&FoTerm) -> bool, k: usize) -> Option<Vec<u32>> {
        fn go(
            t: &FoTerm,
            is: &impl Fn(&FoTerm) -> bool,
            k: usize,
            seen: &mut usize,
            pos: &mut Vec<u32>,
        ) -> bool {
            if is(t) {
                *seen += 1;
                return *seen == k;
            }
            if let FoTerm::App(_, xs) = t {
                for (i, x) in xs.iter().enumerate() {
                    pos.push(i as u32);
                    if go(x, is, k, seen, pos) {
                        return true;
                    }
                    pos.pop();
                }
            }
            false
        }
        let mut pos = Vec::new();
        go(self, is, k, &mut 0, &mut pos).then_some(pos)
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

    /// Whether this term is `pattern` with every variable `k` replaced by
    /// `s[k]` (`pattern.instantiate(s) == Some(self)`), without building
    /// that instance.
    pub fn is_instance(&self, pattern: &FoTerm, s: &[FoTerm]) -> bool {
        match (pattern, self) {
            (FoTerm::Var(v), _) => s.get(*v as usize) == Some(self),
            (FoTerm::Lit(n), FoTerm::Lit(m)) => n == m,
            (FoTerm::App(f, ps), FoTerm::App(g, xs)) => {
                f == g
                    && ps.len() == xs.len()
                    && ps.iter().zip(xs).all(|(p, x)| x.is_instance(p, s))
            }
            _ => false,
        }
    }

    /// Every variable `k` replaced by `s[k]` (`None` when `s` is too short).
    pub fn instantiate(&self, s: &[FoTerm]) -> Option<FoTerm> {
        Some(match self {
            FoTerm::Var(v) => s.get(*v as usize)?.clone(),
            FoTerm::Lit(n) => FoTerm::Lit(*n),
            FoTerm::App(f, xs) => {
                let mut ys = Vec::with_capacity(xs.len());
                for x in xs {
                    ys.push(x.instantiate(s)?);
                }
                FoTerm::App(f.clone(), ys)
            }
        })
    }
}

/// Writes first-order terms in printed form straight from the terms:
/// the text `print_term` gives for the surface term
/// [`FoTerm::to_syntax`] reads as them, without building that term.
/// `verify` prints every goal a trace passes through and every rule
/// argument (a text is accepted only in printed form, so that two texts
/// meaning one thing cannot both pass); building and printing surface
/// terms was most of its cost.
///
/// Only the shapes a first-order term prints in are written here: a
/// symbol by an operator notation (prefix, postfix, infix) of its arity,
/// or applied as a function; a variable, a constant or a literal. A
/// symbol with a general (mixfix) notation of its arity is left to
/// `print_term`: [`Printer::term`] refuses the term.
pub struct Printer<'a> {
    notations: &'a NotationTable,
    vars: &'a [&'a str],
}

impl<'a> Printer<'a> {
    /// Prints terms over the variables `vars` with the notation `notations`.
    pub fn new(notations: &'a NotationTable, vars: &'a [&'a str]) -> Printer<'a> {
        Printer { notations, vars }
    }

    /// Appends `print_term(t.to_syntax(vars))`. `false`, with `out` left as
    /// it was, when `to_syntax` gives no surface term or a symbol of `t`
    /// prints by a general notation.
    pub fn term(&self, t: &FoTerm, out: &mut String) -> bool {
        all_or_nothing(out, |out| self.go(t, 0, None, out))
    }

    /// Appends `print_term` of the application of the symbol `f` (as
    /// written, even if it names a variable) to `args` (an equation `l = r`
    /// is `Eq` applied to its sides); `false` as [`Printer::term`].
    pub fn app(&self, f: &str, args: &[&FoTerm], out: &mut String) -> bool {
        all_or_nothing(out, |out| self.app_in(f, args, 0, None, out))
    }

    /// `t` where a term of precedence `ctx` is wanted, followed by an
    /// operator of precedence `follow` (as the printer's `go`).
    fn go(&self, t: &FoTerm, ctx: u32, follow: Option<u32>, out: &mut String) -> Option<()> {
        match t {
            FoTerm::Var(k) => atom(ctx, out, |out| {
                out.push_str(self.vars.get(*k as usize)?);
                Some(())
            }),
            FoTerm::Lit(n) => atom(ctx, out, |out| write!(out, "{n}").ok()),
            FoTerm::App(f, _) if self.vars.contains(&f.as_str()) => None,
            FoTerm::App(f, xs) if xs.is_empty() => atom(ctx, out, |out| {
                out.push_str(f);
                Some(())
            }),
            FoTerm::App(f, xs) => self.app_in(f, xs, ctx, follow, out),
        }
    }

    /// `f` applied to `xs` (at least one), by its operator notation if it
    /// has one of that arity.
    fn app_in<T: Borrow<FoTerm>>(
        &self,
        f: &str,
        xs: &[T],
        ctx: u32,
        follow: Option<u32>,
        out: &mut String,
    ) -> Option<()> {
        let nt = self.notations;
        if nt
            .mixfix_for_target(f)
            .is_some_and(|m| m.arity() == xs.len())
        {
            return None;
        }
        match nt.for_target(f).filter(|n| n.arity() == xs.len()) {
            Some(n) => {
                let p = n.prec_as_operand();
                let absorbs = follow.is_some_and(|r| n.absorbs(r));
                // (`print_term` also parenthesizes when `p == 0 < ctx`,
                // which `p < ctx` says already.)
                if p < ctx || absorbs {
                    parenthesized(true, out, |out| self.operator(n, xs, None, out))
                } else {
                    self.operator(n, xs, follow, out)
                }
            }
            // An application has precedence `max - 1` and absorbs nothing.
            None => parenthesized(MAX_PREC - 1 < ctx, out, |out| {
                out.push_str(f);
                for x in xs {
                    out.push(' ');
                    self.go(x.borrow(), MAX_PREC, None, out)?;
                }
                Some(())
            }),
        }
    }

    /// The operands `xs` around the operator of `n`, unparenthesized.
    fn operator<T: Borrow<FoTerm>>(
        &self,
        n: &Notation,
        xs: &[T],
        follow: Option<u32>,
        out: &mut String,
    ) -> Option<()> {
        match n.kind {
            NotationKind::Prefix => {
                out.push_str(&n.token);
                let operand = out.len();
                self.go(xs[0].borrow(), n.prec.max(1), follow, out)?;
                // `- -a`, not `--a` (as `push_prefix`).
                if out[operand..]
                    .chars()
                    .next()
                    .is_some_and(prefix_operand_needs_space)
                {
                    out.insert(operand, ' ');
                }
            }
            NotationKind::Postfix => {
                self.go(xs[0].borrow(), n.prec.max(1), Some(n.prec), out)?;
                out.push_str(&n.token);
            }
            NotationKind::Infixl | NotationKind::Infixr | NotationKind::Infix => {
                let (l, r) = n.operand_precs();
                self.go(xs[0].borrow(), l, Some(n.prec), out)?;
                out.push(' ');
                out.push_str(&n.token);
                out.push(' ');
                self.go(xs[1].borrow(), r, follow, out)?;
            }
        }
        Some(())
    }
}

/// Runs `write`, undoing what it wrote when it gives up; whether it did not.
fn all_or_nothing(out: &mut String, write: impl FnOnce(&mut String) -> Option<()>) -> bool {
    let start = out.len();
    let done = write(out).is_some();
    if !done {
        out.truncate(start);
    }
    done
}

/// An identifier or a literal where a term of precedence `ctx` is wanted:
/// of precedence `max`, it absorbs nothing.
fn atom(ctx: u32, out: &mut String, write: impl FnOnce(&mut String) -> Option<()>) -> Option<()> {
    parenthesized(MAX_PREC < ctx, out, write)
}

/// `write` between parentheses when `parens`.
fn parenthesized(
    parens: bool,
    out: &mut String,
    write: impl FnOnce(&mut String) -> Option<()>,
) -> Option<()> {
    if parens {
        out.push('(');
    }
    write(out)?;
    if parens {
        out.push(')');
    }
    Some(())
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
    use proofmill_tactics::print::print_term;
    use proofmill_tactics::theory::{Theory, SHIPPED};
    use std::sync::OnceLock;

    /// The variables the printer tests print terms over.
    const VARS: [&str; 3] = ["a", "b", "x"];

    /// A shipped theory and the symbols to build terms of: every constant
    /// its rules apply, at the arity they apply it (so at its operator
    /// notation's arity), the prelude's operators, each symbol also at one
    /// argument more (printed as an application), and a symbol named as a
    /// variable (no surface term reads as it).
    struct Signature {
        theory: Theory,
        symbols: Vec<(String, usize)>,
    }

    fn signatures() -> &'static [Signature] {
        static ALL: OnceLock<Vec<Signature>> = OnceLock::new();
        ALL.get_or_init(|| {
            SHIPPED
                .iter()
                .map(|(name, _)| {
                    let theory = Theory::shipped(name).unwrap();
                    let store = theory.env().arena();
                    let mut symbols = Vec::new();
                    fn walk(store: &impl ExprStore, e: ExprId, out: &mut Vec<(String, usize)>) {
                        match store.kind(e) {
                            ExprKind::App(..) => {
                                let (head, args) = store.app_args(e);
                                if let ExprKind::Const(n, _) = store.kind(head) {
                                    out.push((n.to_string(), args.len()));
                                }
                                args.iter().for_each(|&a| walk(store, a, out));
                            }
                            ExprKind::Const(n, _) => out.push((n.to_string(), 0)),
                            ExprKind::Pi(_, _, ty, body) | ExprKind::Lam(_, _, ty, body) => {
                                walk(store, *ty, out);
                                walk(store, *body, out);
                            }
                            _ => {}
                        }
                    }
                    for r in theory.rules() {
                        walk(store, r.statement, &mut symbols);
                    }
                    for op in ["Eq", "Iff", "And", "Or", "Nat.add", "Nat.mul"] {
                        symbols.push((op.into(), 2));
                    }
                    symbols.push(("Not".into(), 1));
                    let more: Vec<_> = symbols.iter().map(|(f, k)| (f.clone(), k + 1)).collect();
                    symbols.extend(more);
                    symbols.push((VARS[1].into(), 1));
                    symbols.sort();
                    symbols.dedup();
                    Signature { theory, symbols }
                })
                .collect()
        })
    }

    /// What the printer writes of `f xs…` (the whole term when `f` is
    /// `None`), after a text already there, against `print_term` of the
    /// surface term: the same text, or nothing from either.
    fn assert_prints_as_print_term(nt: &NotationTable, f: Option<&str>, xs: &[&FoTerm]) {
        let printer = Printer::new(nt, &VARS);
        let mut out = "⊢ ".to_string();
        let (printed, syntax) = match f {
            None => (printer.term(xs[0], &mut out), xs[0].to_syntax(&VARS)),
            Some(f) => {
                let args: Option<Vec<Arg>> = xs
                    .iter()
                    .map(|x| x.to_syntax(&VARS).map(Arg::Pos))
                    .collect();
                let head = Syn {
                    pos: Default::default(),
                    kind: TermKind::Ident(f.into()),
                };
                let syntax = args.map(|args| Syn {
                    pos: Default::default(),
                    kind: TermKind::App(Box::new(head), args),
                });
                (printer.app(f, xs, &mut out), syntax)
            }
        };
        let expected = syntax.map(|s| format!("⊢ {}", print_term(&s, nt)));
        assert_eq!(printed.then_some(&out), expected.as_ref(), "{f:?} {xs:?}");
        if !printed {
            assert_eq!(out, "⊢ ");
        }
    }

    /// A xorshift64 stream from `state` (not 0): the random tests' draws.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// A term of at most `depth` levels of `symbols`, drawn by `next`.
    fn random_term(
        symbols: &[(String, usize)],
        depth: u32,
        next: &mut impl FnMut() -> u64,
    ) -> FoTerm {
        let leaf = depth == 0 || next().is_multiple_of(4);
        let choices: Vec<&(String, usize)> =
            symbols.iter().filter(|(_, k)| (*k == 0) == leaf).collect();
        if leaf {
            match next() % 100 {
                0 => FoTerm::Var(3),
                1..=49 => FoTerm::Var((next() % 3) as u32),
                50..=59 => FoTerm::Lit((next() % 12) as u32),
                _ if choices.is_empty() => FoTerm::Lit(0),
                _ => FoTerm::App(choices[next() as usize % choices.len()].0.clone(), vec![]),
            }
        } else {
            let (f, k) = choices[next() as usize % choices.len()];
            let xs = (0..*k)
                .map(|_| random_term(symbols, depth - 1, next))
                .collect();
            FoTerm::App(f.clone(), xs)
        }
    }

    /// The printer writes what `print_term` prints of the surface term,
    /// over thousands of terms of every shipped theory, alone and as the
    /// sides of an equation (and of other applications); and that text
    /// reads back as the term.
    #[test]
    fn printer_writes_what_print_term_prints_in_every_shipped_theory() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut texts = std::collections::HashSet::new();
        for sig in signatures() {
            let nt = sig.theory.notations();
            for _ in 0..3000 {
                let t = random_term(&sig.symbols, 5, &mut next);
                assert_prints_as_print_term(nt, None, &[&t]);
                let u = random_term(&sig.symbols, 3, &mut next);
                let (f, _) = &sig.symbols[next() as usize % sig.symbols.len()];
                for rel in ["Eq", "Iff", f] {
                    assert_prints_as_print_term(nt, Some(rel), &[&t, &u]);
                }
                // What `verify` relies on besides: the printed text parses
                // back to the surface term, which reads as the term.
                if let Some(s) = t.to_syntax(&VARS) {
                    let text = print_term(&s, nt);
                    let back = parse_term(&text, nt).unwrap();
                    assert_eq!(back, s, "{text}");
                    assert_eq!(FoTerm::from_syntax(&back, &VARS).as_ref(), Ok(&t));
                    texts.insert(text);
                }
            }
        }
        // Every way of printing was met: each notation kind, parentheses
        // by precedence and by what follows, `- -a`.
        for part in [
            " + ", " * ", " ∘ ", "⁻¹", " ∧ ", " ∨ ", "¬", " = ", "(-", "- -", ")⁻¹",
        ] {
            assert!(texts.iter().any(|t| t.contains(part)), "{part}");
        }
        assert!(texts.len() > 5_000, "{} texts", texts.len());
    }

    /// A symbol with a general notation of its arity is left to
    /// `print_term` (refused whole, nothing written); at another arity it is
    /// an application as any.
    #[test]
    fn printer_leaves_general_notations_to_print_term() {
        use proofmill_tactics::notation::Mixfix;
        use proofmill_tactics::parse::parse_commands;
        let t = Theory::shipped("ring").unwrap();
        let mut nt = t.notations().clone();
        for c in parse_commands("notation \"‖\" x \"‖\" => R.norm x", &nt).unwrap() {
            nt.add_mixfix(Mixfix::from_command(&c.kind).unwrap());
        }
        let a = FoTerm::Var(0);
        let norm = |xs: Vec<FoTerm>| FoTerm::App("R.norm".into(), xs);
        let inside = FoTerm::App("R.add".into(), vec![a.clone(), norm(vec![a.clone()])]);
        let mut out = "⊢ ".to_string();
        assert!(!Printer::new(&nt, &VARS).term(&inside, &mut out));
        assert!(!Printer::new(&nt, &VARS).app("Eq", &[&a, &inside], &mut out));
        assert!(!Printer::new(&nt, &VARS).app("R.norm", &[&a], &mut out));
        assert_eq!(out, "⊢ ");
        let other = FoTerm::App("R.add".into(), vec![a.clone(), norm(vec![a.clone(), a])]);
        assert_prints_as_print_term(&nt, None, &[&other]);
    }

    /// Operators at the extremes of precedence (0, which parenthesizes an
    /// operand always, and `max`, whose operands are parenthesized even as
    /// identifiers) and operators that take in what follows them print as
    /// `print_term` prints them.
    #[test]
    fn printer_agrees_at_extreme_precedences() {
        let t = Theory::shipped("ring").unwrap();
        let mut nt = t.notations().clone();
        let ops = [
            (NotationKind::Infixr, 0, "⊕", "R.low"),
            (NotationKind::Infixl, MAX_PREC, "⊗", "R.high"),
            (NotationKind::Prefix, 0, "√", "R.root"),
            (NotationKind::Prefix, MAX_PREC, "∂", "R.diff"),
            (NotationKind::Postfix, 0, "!", "R.fact"),
            // At the precedence of `+` (infixl:65): a following `+` is
            // taken in by `~a` and `a ⊞ b`, and `?` by both.
            (NotationKind::Prefix, 65, "~", "R.tilde"),
            (NotationKind::Infixr, 65, "⊞", "R.box"),
            (NotationKind::Postfix, 65, "?", "R.opt"),
        ];
        for (kind, prec, token, target) in ops {
            nt.add(Notation {
                kind,
                prec,
                token: token.into(),
                target: target.into(),
            });
        }
        let mut symbols: Vec<(String, usize)> = ops
            .iter()
            .map(|&(kind, _, _, f)| {
                (
                    f.to_string(),
                    if matches!(kind, NotationKind::Infixr | NotationKind::Infixl) {
                        2
                    } else {
                        1
                    },
                )
            })
            .collect();
        symbols.extend([
            ("R.add".into(), 2),
            ("R.neg".into(), 1),
            ("R.one".into(), 0),
        ]);
        let mut next = xorshift(0x2545_F491_4F6C_DD1Du64);
        for _ in 0..3000 {
            let l = random_term(&symbols, 4, &mut next);
            let r = random_term(&symbols, 2, &mut next);
            assert_prints_as_print_term(&nt, None, &[&l]);
            assert_prints_as_print_term(&nt, Some("R.low"), &[&l, &r]);
        }
    }

    /// `t` changed at one node drawn by `next`: another symbol of the same
    /// arity, one argument more, or another leaf.
    fn perturbed(
        t: &FoTerm,
        symbols: &[(String, usize)],
        next: &mut impl FnMut() -> u64,
    ) -> FoTerm {
        match t {
            FoTerm::App(f, xs) if !xs.is_empty() && !next().is_multiple_of(3) => {
                let mut xs = xs.clone();
                let i = next() as usize % xs.len();
                xs[i] = perturbed(&xs[i], symbols, next);
                FoTerm::App(f.clone(), xs)
            }
            FoTerm::App(f, xs) => {
                let same: Vec<_> = symbols
                    .iter()
                    .filter(|(g, k)| *k == xs.len() && g != f)
                    .collect();
                let mut xs = xs.clone();
                match same.get(next() as usize % same.len().max(1)) {
                    Some((g, _)) if next().is_multiple_of(2) => FoTerm::App(g.clone(), xs),
                    _ => {
                        xs.push(FoTerm::Lit(0));
                        FoTerm::App(f.clone(), xs)
                    }
                }
            }
            FoTerm::Lit(n) => FoTerm::Lit(n + 1),
            FoTerm::Var(v) => FoTerm::Var((v + 1) % 4),
        }
    }

    /// `is_instance` says what building the instance and comparing would,
    /// for instances, near misses (other arguments, a node changed) and
    /// other terms.
    #[test]
    fn is_instance_agrees_with_instantiating() {
        let mut next = xorshift(0x1234_5678_9ABC_DEF1u64);
        let (mut yes, mut no) = (0, 0);
        for k in 0..5000 {
            let sig = &signatures()[k % signatures().len()];
            let pattern = random_term(&sig.symbols, 3, &mut next);
            // (`random_term` draws variables 0 to 3.)
            let s: Vec<FoTerm> = (0..4)
                .map(|_| random_term(&sig.symbols, 2, &mut next))
                .collect();
            let instance = pattern.instantiate(&s).unwrap();
            let other = random_term(&sig.symbols, 3, &mut next);
            let mut near = s.clone();
            near[(next() % 4) as usize] = random_term(&sig.symbols, 1, &mut next);
            let near = pattern.instantiate(&near).unwrap();
            let changed = perturbed(&instance, &sig.symbols, &mut next);
            for t in [&instance, &other, &near, &pattern, &changed] {
                let is = t.is_instance(&pattern, &s);
                assert_eq!(is, *t == instance, "{pattern:?} {s:?} {t:?}");
                if is {
                    yes += 1
                } else {
                    no += 1
                }
            }
            // Too few arguments: no instance (as `instantiate` gives none).
            let mut vars = Vec::new();
            pattern.vars(&mut vars);
            if vars.contains(&3) {
                assert!(!instance.is_instance(&pattern, &s[..3]));
            }
        }
        assert!(yes > 5000 && no > 5000, "{yes} {no}");
    }

    proptest::proptest! {
        /// The printer writes what `print_term` prints, over random terms
        /// of random shipped theories.
        #[test]
        fn printer_agrees_with_print_term(
            which in 0..SHIPPED.len(),
            draws in proptest::collection::vec(proptest::num::u64::ANY, 1..64),
            depth in 0u32..6,
        ) {
            let sig = &signatures()[which];
            let mut draws = draws.into_iter().cycle();
            let mut next = || draws.next().unwrap();
            let l = random_term(&sig.symbols, depth, &mut next);
            let r = random_term(&sig.symbols, depth, &mut next);
            assert_prints_as_print_term(sig.theory.notations(), None, &[&l]);
            assert_prints_as_print_term(sig.theory.notations(), Some("Eq"), &[&l, &r]);
        }
    }

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
        assert_eq!(f.find(&|x| *x == FoTerm::Var(1)), Some(vec![0, 1, 0]));
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
