//! The pretty printer: surface terms to text, with the notation in force,
//! parenthesized by precedence so that the output parses back to the same
//! term (`parse_term(print_term(t)) == t`, tested by proptest).
//!
//! Besides the precedence a position requires (`ctx`), a term is printed
//! knowing the precedence of the operator that will follow it (`follow`),
//! if any: a term that ends with an operand read at precedence `q` (`¬a`,
//! `a + b`, `d/dx f`, `fun x => b`) would take in a following operator of
//! precedence at least `q`, so it is parenthesized there.

use crate::notation::{Mixfix, MixfixItem, NotationTable, ARROW_PREC, MAX_PREC};
use crate::syntax::{Arg, Binder, BinderKind, LevelSyn, NotationKind, Term, TermKind};

pub fn print_term(t: &Term, nt: &NotationTable) -> String {
    let mut out = String::new();
    go(t, nt, 0, None, &mut out);
    out
}

pub fn print_level(l: &LevelSyn) -> String {
    match l {
        LevelSyn::Num(n) => n.to_string(),
        LevelSyn::Param(u) => u.clone(),
        LevelSyn::Add(b, k) => format!("{}+{k}", level_atom(b)),
        LevelSyn::Max(a, b) => format!("max {} {}", level_atom(a), level_atom(b)),
        LevelSyn::IMax(a, b) => format!("imax {} {}", level_atom(a), level_atom(b)),
    }
}

fn level_atom(l: &LevelSyn) -> String {
    match l {
        LevelSyn::Num(_) | LevelSyn::Param(_) => print_level(l),
        _ => format!("({})", print_level(l)),
    }
}

fn as_notation<'t, 'n>(
    t: &'t Term,
    nt: &'n NotationTable,
) -> Option<(&'n crate::notation::Notation, Vec<&'t Term>)> {
    let TermKind::App(f, args) = &t.kind else {
        return None;
    };
    let TermKind::Ident(name) = &f.kind else {
        return None;
    };
    let n = nt.for_target(name)?;
    let pos: Vec<&Term> = args
        .iter()
        .map(|a| match a {
            Arg::Pos(x) => Some(x),
            Arg::Named(..) => None,
        })
        .collect::<Option<_>>()?;
    (pos.len() == n.arity()).then_some((n, pos))
}

/// `f a b` where `f` has a general notation: the notation and the terms its
/// variables stand for, left to right.
fn as_mixfix<'t, 'n>(t: &'t Term, nt: &'n NotationTable) -> Option<(&'n Mixfix, Vec<&'t Term>)> {
    let TermKind::App(f, args) = &t.kind else {
        return None;
    };
    let TermKind::Ident(name) = &f.kind else {
        return None;
    };
    let m = nt.mixfix_for_target(name)?;
    if args.len() != m.arity() {
        return None;
    }
    let mut vars: Vec<Option<&Term>> = vec![None; m.arity()];
    for (a, &k) in args.iter().zip(&m.args) {
        let Arg::Pos(x) = a else { return None };
        vars[k] = Some(x);
    }
    Some((m, vars.into_iter().collect::<Option<_>>()?))
}

/// How a term prints: by a general notation, by an operator notation, or
/// as itself. Worked out once per term printed (each asks the notation
/// table and gathers the operands).
enum Shape<'t, 'n> {
    Mixfix(&'n Mixfix, Vec<&'t Term>),
    Notation(&'n crate::notation::Notation, Vec<&'t Term>),
    Plain,
}

fn shape<'t, 'n>(t: &'t Term, nt: &'n NotationTable) -> Shape<'t, 'n> {
    if let Some((m, vars)) = as_mixfix(t, nt) {
        return Shape::Mixfix(m, vars);
    }
    if let Some((n, args)) = as_notation(t, nt) {
        return Shape::Notation(n, args);
    }
    Shape::Plain
}

/// Whether `t` (of shape `sh`), printed without parentheses, would take in
/// an operator of precedence `r` that follows it.
fn absorbs(t: &Term, sh: &Shape<'_, '_>, r: u32) -> bool {
    match sh {
        Shape::Mixfix(m, _) => m.right_open().is_some_and(|q| r >= q),
        Shape::Notation(n, _) => n.absorbs(r),
        Shape::Plain => match &t.kind {
            TermKind::Arrow(..) => r >= ARROW_PREC,
            TermKind::Lam(..) | TermKind::Pi(..) | TermKind::Exists(..) | TermKind::Show(..) => {
                true
            }
            TermKind::By(_) | TermKind::Calc(_) => true,
            _ => false,
        },
    }
}

/// The precedence a printed term (of shape `sh`) has as an operand.
fn prec_of(t: &Term, sh: &Shape<'_, '_>, nt: &NotationTable) -> u32 {
    match sh {
        // Only a closed leading notation of precedence `max` is an argument.
        Shape::Mixfix(m, _) => {
            if nt.is_argument(m) {
                MAX_PREC
            } else {
                m.prec.min(MAX_PREC - 1)
            }
        }
        Shape::Notation(n, _) => n.prec_as_operand(),
        Shape::Plain => match &t.kind {
            TermKind::Ident(_)
            | TermKind::Explicit(_)
            | TermKind::Num(_)
            | TermKind::Hole
            | TermKind::Prop
            | TermKind::Anon(_)
            | TermKind::ProjIdx(..)
            | TermKind::ProjField(..)
            | TermKind::Ascribe(..) => MAX_PREC,
            TermKind::Type(LevelSyn::Num(0)) | TermKind::Sort(LevelSyn::Num(0)) => MAX_PREC,
            TermKind::Sort(_) | TermKind::Type(_) | TermKind::App(..) => MAX_PREC - 1,
            TermKind::Arrow(..) => ARROW_PREC,
            _ => 0,
        },
    }
}

/// Appends `text` after `out`, with a space where the two would otherwise
/// read differently: two words (`d/dx f`), or symbols that would form a
/// longer token or a comment (`- -a`, `‖ -a` never `‖-a` if `‖-` is a token).
fn join(out: &mut String, text: &str, nt: &NotationTable) {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
    if let (Some(a), Some(b)) = (out.chars().last(), text.chars().next()) {
        let spans = |tok: &str| {
            tok.char_indices()
                .skip(1)
                .any(|(i, _)| out.ends_with(&tok[..i]) && text.starts_with(&tok[i..]))
        };
        let clash = (word(a) && word(b))
            || ["--", "/-", "-/"].into_iter().any(spans)
            || crate::parse::SYMBOLS.iter().copied().any(spans)
            || nt.tokens().any(spans);
        if clash && !a.is_whitespace() && !b.is_whitespace() {
            out.push(' ');
        }
    }
    out.push_str(text);
}

/// Appends a prefix operator and its printed operand: `- -a`, not `--a`
/// (a comment), so a space when the operand starts with a symbol.
pub fn push_prefix(out: &mut String, token: &str, operand: &str) {
    out.push_str(token);
    if operand
        .chars()
        .next()
        .is_some_and(prefix_operand_needs_space)
    {
        out.push(' ');
    }
    out.push_str(operand);
}

/// Whether a prefix operator's token and an operand starting with `first`
/// need a space between them (`- -a`, not `--a`).
pub fn prefix_operand_needs_space(first: char) -> bool {
    !(first.is_alphanumeric() || "_(⟨@".contains(first))
}

fn print_mixfix(
    m: &Mixfix,
    vars: &[&Term],
    nt: &NotationTable,
    follow: Option<u32>,
    out: &mut String,
) {
    let mut vars = vars.iter();
    for (k, item) in m.items.iter().enumerate() {
        match item {
            MixfixItem::Token { text, .. } => join(out, text, nt),
            MixfixItem::Var(q) => {
                let v = vars.next().expect("one term per variable");
                // The first variable of a trailing notation is followed by
                // its token; one followed by a closing token is ended by it;
                // the last one is followed by what follows the notation.
                let f = if k == 0 {
                    Some(m.prec)
                } else if k + 1 == m.items.len() {
                    follow
                } else {
                    None
                };
                let mut s = String::new();
                go(v, nt, *q, f, &mut s);
                join(out, &s, nt);
            }
        }
    }
}

fn go(t: &Term, nt: &NotationTable, ctx: u32, follow: Option<u32>, out: &mut String) {
    let sh = shape(t, nt);
    let p = prec_of(t, &sh, nt);
    if p < ctx || (p == 0 && ctx > 0) || follow.is_some_and(|r| absorbs(t, &sh, r)) {
        out.push('(');
        go_shaped(t, sh, nt, None, out);
        out.push(')');
        return;
    }
    go_shaped(t, sh, nt, follow, out);
}

/// `go` of `t`, of shape `sh`, unparenthesized.
fn go_shaped(
    t: &Term,
    sh: Shape<'_, '_>,
    nt: &NotationTable,
    follow: Option<u32>,
    out: &mut String,
) {
    if let Shape::Mixfix(m, vars) = sh {
        print_mixfix(m, &vars, nt, follow, out);
        return;
    }
    if let Shape::Notation(n, args) = sh {
        match n.kind {
            NotationKind::Prefix => {
                let mut arg = String::new();
                go(args[0], nt, n.prec.max(1), follow, &mut arg);
                push_prefix(out, &n.token, &arg);
            }
            NotationKind::Postfix => {
                go(args[0], nt, n.prec.max(1), Some(n.prec), out);
                out.push_str(&n.token);
            }
            _ => {
                let (l, r) = n.operand_precs();
                go(args[0], nt, l, Some(n.prec), out);
                out.push(' ');
                out.push_str(&n.token);
                out.push(' ');
                go(args[1], nt, r, follow, out);
            }
        }
        return;
    }
    match &t.kind {
        TermKind::Ident(s) => out.push_str(s),
        TermKind::Explicit(s) => {
            out.push('@');
            out.push_str(s);
        }
        TermKind::Num(n) => out.push_str(&n.to_string()),
        TermKind::Hole => out.push('_'),
        TermKind::Prop => out.push_str("Prop"),
        TermKind::Type(LevelSyn::Num(0)) => out.push_str("Type"),
        TermKind::Type(l) => {
            out.push_str("Type ");
            out.push_str(&level_atom(l));
        }
        TermKind::Sort(LevelSyn::Num(0)) => out.push_str("Sort"),
        TermKind::Sort(l) => {
            out.push_str("Sort ");
            out.push_str(&level_atom(l));
        }
        TermKind::App(f, args) => {
            // A notation as the head is parenthesized: `(‖f‖) x`.
            let head_ctx = if as_mixfix(f, nt).is_some() {
                MAX_PREC + 1
            } else {
                MAX_PREC - 1
            };
            go(f, nt, head_ctx, None, out);
            for a in args {
                out.push(' ');
                match a {
                    Arg::Pos(x) => go(x, nt, MAX_PREC, None, out),
                    Arg::Named(n, x) => {
                        out.push('(');
                        out.push_str(n);
                        out.push_str(" := ");
                        go(x, nt, 0, None, out);
                        out.push(')');
                    }
                }
            }
        }
        TermKind::Lam(bs, b) => {
            out.push_str("fun");
            binders(bs, nt, out, true);
            out.push_str(" => ");
            go(b, nt, 0, None, out);
        }
        TermKind::Pi(bs, b) => {
            out.push('∀');
            binders(bs, nt, out, true);
            out.push_str(", ");
            go(b, nt, 0, None, out);
        }
        TermKind::Exists(bs, b) => {
            out.push('∃');
            binders(bs, nt, out, true);
            out.push_str(", ");
            go(b, nt, 0, None, out);
        }
        TermKind::Arrow(a, b) => {
            go(a, nt, ARROW_PREC + 1, Some(ARROW_PREC), out);
            out.push_str(" → ");
            go(b, nt, ARROW_PREC, follow, out);
        }
        TermKind::Ascribe(e, ty) => {
            // `(x : A) → B` would read as a binder: print `((x : A))`.
            let binder_like = matches!(e.kind, TermKind::Ident(_) | TermKind::Hole);
            out.push_str(if binder_like { "((" } else { "(" });
            go(e, nt, 0, None, out);
            out.push_str(" : ");
            go(ty, nt, 0, None, out);
            out.push_str(if binder_like { "))" } else { ")" });
        }
        TermKind::Anon(items) => {
            out.push('⟨');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go(x, nt, 0, None, out);
            }
            out.push('⟩');
        }
        TermKind::ProjIdx(e, i) => {
            // Only what the parser reads as an atom takes `.i` directly.
            let atomic = matches!(
                e.kind,
                TermKind::Ident(_)
                    | TermKind::Explicit(_)
                    | TermKind::Num(_)
                    | TermKind::Hole
                    | TermKind::Prop
                    | TermKind::Anon(_)
                    | TermKind::Ascribe(..)
                    | TermKind::ProjIdx(..)
            );
            if !atomic {
                out.push('(');
                go(e, nt, 0, None, out);
                out.push(')');
            } else {
                go(e, nt, MAX_PREC, None, out);
            }
            out.push_str(&format!(".{i}"));
        }
        TermKind::ProjField(e, f) => {
            // `(e).f`: always parenthesized, so it cannot read as a dotted name.
            out.push('(');
            go(e, nt, 0, None, out);
            out.push_str(").");
            out.push_str(f);
        }
        TermKind::By(_) => out.push_str("by …"),
        TermKind::Calc(_) => out.push_str("calc …"),
        TermKind::Show(ty, e) => {
            out.push_str("show ");
            go(ty, nt, 0, None, out);
            out.push_str(" from ");
            go(e, nt, 0, None, out);
        }
    }
}

fn binders(bs: &[Binder], nt: &NotationTable, out: &mut String, bracket: bool) {
    let _ = bracket;
    for b in bs {
        out.push(' ');
        let (open, close) = match b.kind {
            BinderKind::Explicit => ("(", ")"),
            BinderKind::Implicit => ("{", "}"),
            BinderKind::StrictImplicit => ("⦃", "⦄"),
            BinderKind::Inst => ("[", "]"),
        };
        match &b.ty {
            Some(ty) => {
                out.push_str(open);
                let names: Vec<&str> = b.names.iter().map(|(n, _)| n.as_str()).collect();
                out.push_str(&names.join(" "));
                out.push_str(" : ");
                go(ty, nt, 0, None, out);
                out.push_str(close);
            }
            None => {
                let names: Vec<&str> = b.names.iter().map(|(n, _)| n.as_str()).collect();
                if b.kind == BinderKind::Explicit {
                    out.push_str(&names.join(" "));
                } else {
                    out.push_str(open);
                    out.push_str(&names.join(" "));
                    out.push_str(close);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notation::Mixfix;
    use crate::parse::{parse_commands, parse_term};

    fn table() -> NotationTable {
        let mut nt = NotationTable::new();
        let decls = "notation:50 a:51 \" ≈ \" b:51 => Equiv a b\nnotation \"‖\" x \"‖\" => norm x\nnotation:65 \"d/dx \" f => deriv f\nnotation:55 s \" ∋ \" x => Mem x s";
        for c in parse_commands(decls, &nt.clone()).unwrap() {
            nt.add_mixfix(Mixfix::from_command(&c.kind).unwrap());
        }
        nt.add(crate::notation::Notation {
            kind: NotationKind::Infixl,
            prec: 65,
            token: "+".into(),
            target: "add".into(),
        });
        nt
    }

    #[test]
    fn applications_print_back_in_general_notation() {
        let nt = table();
        for (src, printed) in [
            ("Equiv (add a b) c", "a + b ≈ c"),
            ("Equiv (Equiv a b) c", "(a ≈ b) ≈ c"),
            ("norm (add a (norm b))", "‖a + ‖b‖‖"),
            ("f (norm x) y", "f (‖x‖) y"),
            ("Mem x s", "s ∋ x"),
            ("deriv (add f g)", "d/dx f + g"),
            ("add (deriv f) g", "(d/dx f) + g"),
            ("Equiv (deriv f) g", "(d/dx f) ≈ g"),
            ("deriv (deriv f)", "d/dx d/dx f"),
        ] {
            let t = parse_term(src, &nt).unwrap();
            let out = print_term(&t, &nt);
            assert_eq!(out, printed, "{src}");
            assert_eq!(parse_term(&out, &nt).unwrap(), t, "{out}");
        }
    }
}
