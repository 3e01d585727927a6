//! What changed between the corpus's theory and the new one, read off the
//! two checked theories alone (never off a replay's error messages), so
//! that a broken record can be blamed on a kind of change.
//!
//! A rule of the corpus's theory (by name) is, in the new theory:
//! - **rule missing**: no declaration of that name;
//! - **argument order or arity changed**: both statements, stripped of
//!   every leading binder (`∀` and hypothesis alike), leave the same
//!   conclusion up to a renaming of the stripped variables, their types
//!   agree under that renaming, and either the binders are as many (a
//!   permutation, or a change between explicit and implicit: the
//!   variables no occurrence in the conclusion pairs up are paired in
//!   order and must have equal types) or their number differs (a variable
//!   or hypothesis added or removed);
//! - **statement changed**: any other difference;
//! - unchanged: the same statement (names of bound variables aside).
//!
//! Notation is compared token by token: what each operator or general
//! notation token parses to, and how the functions it stands for print.
//! A rule whose statement is unchanged is blamed on **notation or printing
//! changed** when any notation differs (its tactic text may no longer
//! parse, or its goals print otherwise), and on nothing in the theory
//! (`other`) when none does (the tactic engine, or a declaration that is
//! not a rule, changed).

use proofmill_kernel::{Arena, BinderInfo, ExprId, ExprKind, ExprStore};
use proofmill_tactics::notation::{Mixfix, MixfixItem, Notation, NotationTable};
use proofmill_tactics::syntax::NotationKind;
use proofmill_tactics::theory::Theory;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The kind of change a broken or changed record is blamed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ChangeKind {
    #[serde(rename = "rule missing")]
    RuleMissing,
    #[serde(rename = "statement changed")]
    StatementChanged,
    #[serde(rename = "argument order or arity changed")]
    ArgumentsChanged,
    #[serde(rename = "notation or printing changed")]
    NotationChanged,
    /// Nothing in the two theories explains it.
    #[serde(rename = "other")]
    Other,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::RuleMissing => "rule missing",
            ChangeKind::StatementChanged => "statement changed",
            ChangeKind::ArgumentsChanged => "argument order or arity changed",
            ChangeKind::NotationChanged => "notation or printing changed",
            ChangeKind::Other => "other",
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where something is declared: a file as the theory names it, and a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

/// A rule of the corpus's theory whose statement is not the same in the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub rule: String,
    pub kind: ChangeKind,
    /// The statement in the corpus's theory and in the new one (printed).
    pub old: String,
    pub new: Option<String>,
}

/// A notation token that parses or prints differently in the new theory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotationChange {
    pub token: String,
    /// What the token meant in the corpus's theory and in the new one.
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// The differences between two theories that matter to a replay.
#[derive(Clone, Debug, Default)]
pub struct TheoryDiff {
    /// The rules that changed, in the corpus theory's order.
    pub rules: Vec<RuleChange>,
    /// The notation tokens that changed, in token order.
    pub notations: Vec<NotationChange>,
    /// Each rule's declaration in the new theory, else in the corpus's.
    rule_at: HashMap<String, Location>,
    /// Each changed token's last declaration in the new theory, else in
    /// the corpus's.
    notation_at: HashMap<String, Location>,
}

impl TheoryDiff {
    /// Compares the corpus's theory `old` with `new`. Declarations are
    /// located in the file `new_main` where the corpus's theory (read from
    /// `old_main`) declared them, when the new theory no longer has them.
    pub fn between(old: &Theory, new: &Theory, old_main: &str, new_main: &str) -> TheoryDiff {
        let mut d = TheoryDiff::default();
        let moved = |file: &str| {
            if file == old_main {
                new_main.to_string()
            } else {
                file.to_string()
            }
        };
        for r in old.rules() {
            let name = r.name.to_string();
            let at = new
                .rules()
                .iter()
                .find(|n| n.name == r.name)
                .map(|n| Location {
                    file: n.file.clone(),
                    line: n.pos.line,
                })
                .unwrap_or_else(|| Location {
                    file: moved(&r.file),
                    line: r.pos.line,
                });
            d.rule_at.insert(name.clone(), at);
            let kind = match new.env().get(&r.name) {
                None => Some(ChangeKind::RuleMissing),
                Some(c) => {
                    compare_statements(old.env().arena(), r.statement, new.env().arena(), c.ty)
                }
            };
            if let Some(kind) = kind {
                d.rules.push(RuleChange {
                    rule: name,
                    kind,
                    old: old.print_expr(r.statement),
                    new: new.env().get(&r.name).map(|c| new.print_expr(c.ty)),
                });
            }
        }
        let tokens: BTreeSet<&str> = old
            .notations()
            .tokens()
            .chain(new.notations().tokens())
            .collect();
        for token in tokens {
            let (o, n) = (
                meaning(old.notations(), token),
                meaning(new.notations(), token),
            );
            if o == n {
                continue;
            }
            // The declaration that made the difference: the last one read
            // of the token, or of a token its functions now print with.
            let mut tokens = vec![token.to_string()];
            tokens.extend(printing_tokens(new.notations(), token));
            let decl = |t: &Theory, tokens: &[String]| {
                t.notation_decls()
                    .iter()
                    .rev()
                    .find(|x| tokens.contains(&x.token))
                    .map(|x| (x.file.clone(), x.pos.line))
            };
            let at = match (decl(new, &tokens), decl(old, &tokens[..1])) {
                (Some((file, line)), _) => Some(Location { file, line }),
                (None, Some((file, line))) => Some(Location {
                    file: moved(&file),
                    line,
                }),
                (None, None) => None,
            };
            if let Some(at) = at {
                d.notation_at.insert(token.to_string(), at);
            }
            d.notations.push(NotationChange {
                token: token.to_string(),
                old: o,
                new: n,
            });
        }
        d
    }

    /// The kind of change a record broken at a step by `rule` is blamed on.
    pub fn rule_kind(&self, rule: &str) -> ChangeKind {
        match self.rules.iter().find(|c| c.rule == rule) {
            Some(c) => c.kind,
            None if !self.notations.is_empty() => ChangeKind::NotationChanged,
            None => ChangeKind::Other,
        }
    }

    /// Where `rule` is declared (in the new theory when it has it).
    pub fn rule_location(&self, rule: &str) -> Option<&Location> {
        self.rule_at.get(rule)
    }

    /// Where the notation for `token` is declared.
    pub fn notation_location(&self, token: &str) -> Option<&Location> {
        self.notation_at.get(token)
    }

    /// The changed notation tokens that occur in `text`.
    pub fn tokens_in<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.notations
            .iter()
            .map(|n| n.token.as_str())
            .filter(move |t| text.contains(t))
    }

    /// Whether nothing that matters to a replay differs.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.notations.is_empty()
    }
}

/// The functions `token` stands for in `table`.
fn targets<'a>(table: &'a NotationTable, token: &str) -> Vec<&'a str> {
    let ops = [
        table.infix(token),
        table.prefix(token),
        table.postfix(token),
    ];
    let general = [table.leading(token), table.trailing(token)];
    ops.into_iter()
        .flatten()
        .map(|n| n.target.as_str())
        .chain(general.into_iter().flatten().map(|m| m.target.as_str()))
        .collect()
}

/// The tokens the functions `token` stands for print with in `table`.
fn printing_tokens(table: &NotationTable, token: &str) -> Vec<String> {
    targets(table, token)
        .into_iter()
        .filter_map(
            |t| match (table.for_target(t), table.mixfix_for_target(t)) {
                (Some(n), _) => Some(n.token.clone()),
                (None, Some(m)) => Some(m.key().to_string()),
                (None, None) => None,
            },
        )
        .collect()
}

/// What `token` parses to in `table`, and how the functions it stands for
/// print (a token can parse as before while its function prints with
/// another one).
fn meaning(table: &NotationTable, token: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in [
        table.infix(token),
        table.prefix(token),
        table.postfix(token),
    ]
    .into_iter()
    .flatten()
    {
        out.push(describe(n));
    }
    for m in [table.leading(token), table.trailing(token)]
        .into_iter()
        .flatten()
    {
        out.push(describe_mixfix(m));
    }
    for t in targets(table, token) {
        let printed = match (table.for_target(t), table.mixfix_for_target(t)) {
            (Some(n), _) => describe(n),
            (None, Some(m)) => describe_mixfix(m),
            (None, None) => "no notation".to_string(),
        };
        out.push(format!("{t} prints with {printed}"));
    }
    out
}

fn describe(n: &Notation) -> String {
    let kind = match n.kind {
        NotationKind::Infix => "infix",
        NotationKind::Infixl => "infixl",
        NotationKind::Infixr => "infixr",
        NotationKind::Prefix => "prefix",
        NotationKind::Postfix => "postfix",
    };
    format!("{kind}:{} \"{}\" => {}", n.prec, n.token, n.target)
}

fn describe_mixfix(m: &Mixfix) -> String {
    let items: Vec<String> = m
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| match it {
            MixfixItem::Token { text, .. } => format!("\"{text}\""),
            MixfixItem::Var(p) => format!("x{i}:{p}"),
        })
        .collect();
    format!(
        "notation:{} {} => {} (arguments {:?})",
        m.prec,
        items.join(" "),
        m.target,
        m.args
    )
}

/// A statement's leading binders (info and type) and what they bind in.
fn strip(store: &Arena, mut e: ExprId) -> (Vec<(BinderInfo, ExprId)>, ExprId) {
    let mut binders = Vec::new();
    while let ExprKind::Pi(_, bi, ty, body) = store.kind(e) {
        binders.push((*bi, *ty));
        e = *body;
    }
    (binders, e)
}

/// A renaming between the stripped variables of two statements: old
/// position ↔ new position (positions count from the outermost binder).
struct Renaming {
    old_to_new: Vec<Option<usize>>,
    new_to_old: Vec<Option<usize>>,
}

impl Renaming {
    /// Pairs `p` with `q`, unless either is paired otherwise.
    fn pair(&mut self, p: usize, q: usize) -> bool {
        match (self.old_to_new[p], self.new_to_old[q]) {
            (None, None) => {
                self.old_to_new[p] = Some(q);
                self.new_to_old[q] = Some(p);
                true
            }
            (Some(q2), _) => q2 == q,
            (None, Some(_)) => false,
        }
    }
}

/// Two terms of two arenas, each under `ctx_*` stripped variables and
/// `depth` binders of its own, are the same up to the renaming (which this
/// extends).
struct Same<'a> {
    old: &'a Arena,
    new: &'a Arena,
    map: Renaming,
}

impl Same<'_> {
    fn terms(&mut self, a: ExprId, b: ExprId, ctx: (usize, usize), depth: u32) -> bool {
        use ExprKind::*;
        match (self.old.kind(a).clone(), self.new.kind(b).clone()) {
            (BVar(i), BVar(j)) => match (i.checked_sub(depth), j.checked_sub(depth)) {
                (None, None) => i == j,
                (Some(i), Some(j)) => {
                    let (i, j) = (i as usize, j as usize);
                    if i >= ctx.0 || j >= ctx.1 {
                        return false;
                    }
                    self.map.pair(ctx.0 - 1 - i, ctx.1 - 1 - j)
                }
                _ => false,
            },
            (Sort(l), Sort(m)) => l == m,
            (Const(n, ls), Const(m, ms)) => n == m && ls == ms,
            (App(f, x), App(g, y)) => self.terms(f, g, ctx, depth) && self.terms(x, y, ctx, depth),
            (Lam(_, bi, t, e), Lam(_, bj, u, f)) | (Pi(_, bi, t, e), Pi(_, bj, u, f)) => {
                bi == bj && self.terms(t, u, ctx, depth) && self.terms(e, f, ctx, depth + 1)
            }
            (Let(_, t, v, e), Let(_, u, w, f)) => {
                self.terms(t, u, ctx, depth)
                    && self.terms(v, w, ctx, depth)
                    && self.terms(e, f, ctx, depth + 1)
            }
            (NatLit(x), NatLit(y)) => x == y,
            (StrLit(x), StrLit(y)) => x == y,
            (Proj(n, i, e), Proj(m, j, f)) => n == m && i == j && self.terms(e, f, ctx, depth),
            _ => false,
        }
    }
}

/// How the statement `b` (of `new`) differs from `a` (of `old`): `None`
/// when it is the same up to the names of bound variables.
pub fn compare_statements(old: &Arena, a: ExprId, new: &Arena, b: ExprId) -> Option<ChangeKind> {
    let (xs, ca) = strip(old, a);
    let (ys, cb) = strip(new, b);
    let mut s = Same {
        old,
        new,
        map: Renaming {
            old_to_new: vec![None; xs.len()],
            new_to_old: vec![None; ys.len()],
        },
    };
    if !s.terms(ca, cb, (xs.len(), ys.len()), 0) {
        return Some(ChangeKind::StatementChanged);
    }
    // The types of paired variables must agree; comparing them may pair
    // more (a hypothesis's type names its variables).
    let mut checked = vec![false; xs.len()];
    let types_agree = |s: &mut Same<'_>, checked: &mut Vec<bool>| -> bool {
        loop {
            let next = (0..xs.len()).find(|&p| !checked[p] && s.map.old_to_new[p].is_some());
            let Some(p) = next else { return true };
            checked[p] = true;
            let q = s.map.old_to_new[p].expect("paired");
            if !s.terms(xs[p].1, ys[q].1, (p, q), 0) {
                return false;
            }
        }
    };
    if !types_agree(&mut s, &mut checked) {
        return Some(ChangeKind::StatementChanged);
    }
    if xs.len() != ys.len() {
        return Some(ChangeKind::ArgumentsChanged);
    }
    // As many binders: pair the rest in order; their types must agree too.
    let rest_old: Vec<usize> = (0..xs.len())
        .filter(|&p| s.map.old_to_new[p].is_none())
        .collect();
    let rest_new: Vec<usize> = (0..ys.len())
        .filter(|&q| s.map.new_to_old[q].is_none())
        .collect();
    for (&p, &q) in rest_old.iter().zip(&rest_new) {
        s.map.pair(p, q);
    }
    if !types_agree(&mut s, &mut checked) {
        return Some(ChangeKind::StatementChanged);
    }
    let same_order = (0..xs.len()).all(|p| s.map.old_to_new[p] == Some(p));
    let same_infos = (0..xs.len()).all(|p| xs[p].0 == ys[p].0);
    if same_order && same_infos {
        None
    } else {
        Some(ChangeKind::ArgumentsChanged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "axiom R : Type\naxiom add : R → R → R\naxiom zero : R\n\
                        infixl:65 \" + \" => add\n";

    fn theory(rules: &str) -> Theory {
        proofmill_kernel::with_kernel_stack(|| {
            Theory::load_source("t.theory", &format!("{BASE}{rules}"), None)
        })
        .expect("the test theory checks")
    }

    /// The kind of change from `old`'s rule `r` to `new`'s (`None`: the same).
    fn kind(old: &str, new: &str) -> Option<ChangeKind> {
        let (a, b) = (theory(old), theory(new));
        let d = TheoryDiff::between(&a, &b, "t.theory", "t.theory");
        d.rules.iter().find(|c| c.rule == "r").map(|c| c.kind)
    }

    #[test]
    fn the_same_statement_up_to_bound_names_is_no_change() {
        let old = "@[rule] axiom r (a b : R) : a + b = b + a\n";
        assert_eq!(kind(old, old), None);
        assert_eq!(
            kind(old, "@[rule] axiom r (x y : R) : x + y = y + x\n"),
            None
        );
    }

    #[test]
    fn each_kind_of_rule_change_is_told_apart() {
        let old = "@[rule] axiom r (a b : R) : a + (b + zero) = b + a\n";
        let missing = "@[rule] axiom r2 (a b : R) : a + (b + zero) = b + a\n";
        let swapped = "@[rule] axiom r (b a : R) : a + (b + zero) = b + a\n";
        let implicit = "@[rule] axiom r {a b : R} : a + (b + zero) = b + a\n";
        let hypothesis = "@[rule] axiom r (a b : R) (h : a = b) : a + (b + zero) = b + a\n";
        let statement = "@[rule] axiom r (a b : R) : a + (b + zero) = a + b\n";
        let retyped_hyp = "@[rule] axiom r (a b : R) (h : a = b) : a + b = b + a\n";
        assert_eq!(kind(old, missing), Some(ChangeKind::RuleMissing));
        assert_eq!(kind(old, swapped), Some(ChangeKind::ArgumentsChanged));
        assert_eq!(kind(old, implicit), Some(ChangeKind::ArgumentsChanged));
        assert_eq!(kind(old, hypothesis), Some(ChangeKind::ArgumentsChanged));
        assert_eq!(kind(hypothesis, old), Some(ChangeKind::ArgumentsChanged));
        assert_eq!(kind(old, statement), Some(ChangeKind::StatementChanged));
        assert_eq!(kind(old, retyped_hyp), Some(ChangeKind::StatementChanged));
        // As many binders, the conclusion the same, a hypothesis that says
        // something else: the statement changed, not the arguments.
        let h1 = "@[rule] axiom r (a b : R) (h : a = b) : a + b = b + a\n";
        let h2 = "@[rule] axiom r (a b : R) (h : b = zero) : a + b = b + a\n";
        assert_eq!(kind(h1, h2), Some(ChangeKind::StatementChanged));
    }

    #[test]
    fn notation_changes_are_found_by_token_and_located() {
        let rules = "@[rule] axiom r (a b : R) : a + b = b + a\n";
        let old = theory(rules);
        let new = theory(&format!("infixl:65 \" ⊕ \" => add\n{rules}"));
        let d = TheoryDiff::between(&old, &new, "t.theory", "new.theory");
        let tokens: Vec<&str> = d.notations.iter().map(|n| n.token.as_str()).collect();
        // `+` still parses as `add`, but `add` prints with `⊕` now.
        assert_eq!(tokens, ["+", "⊕"]);
        assert_eq!(d.rule_kind("r"), ChangeKind::NotationChanged);
        let at = d.notation_location("+").expect("located");
        assert_eq!((at.file.as_str(), at.line), ("t.theory", 5));
        assert_eq!(d.tokens_in("a + b").collect::<Vec<_>>(), ["+"]);
        let same = TheoryDiff::between(&old, &theory(rules), "t.theory", "t.theory");
        assert!(same.is_empty());
        assert_eq!(same.rule_kind("r"), ChangeKind::Other);
    }
}
