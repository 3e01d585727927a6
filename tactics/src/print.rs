//! The pretty printer: surface terms to text, with the notation in force,
//! parenthesized by precedence so that the output parses back to the same
//! term (`parse_term(print_term(t)) == t`, tested by proptest).

use crate::notation::{NotationTable, ARROW_PREC, MAX_PREC};
use crate::syntax::{Arg, Binder, BinderKind, LevelSyn, NotationKind, Term, TermKind};

pub fn print_term(t: &Term, nt: &NotationTable) -> String {
    let mut out = String::new();
    go(t, nt, 0, &mut out);
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
    let arity = match n.kind {
        NotationKind::Prefix | NotationKind::Postfix => 1,
        _ => 2,
    };
    (pos.len() == arity).then_some((n, pos))
}

/// The precedence a printed term has as an operand.
fn prec_of(t: &Term, nt: &NotationTable) -> u32 {
    if let Some((n, _)) = as_notation(t, nt) {
        return match n.kind {
            NotationKind::Prefix => n.prec.min(MAX_PREC - 1),
            _ => n.prec,
        };
    }
    match &t.kind {
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
    }
}

fn go(t: &Term, nt: &NotationTable, ctx: u32, out: &mut String) {
    let p = prec_of(t, nt);
    if p < ctx || (p == 0 && ctx > 0) {
        out.push('(');
        go(t, nt, 0, out);
        out.push(')');
        return;
    }
    if let Some((n, args)) = as_notation(t, nt) {
        match n.kind {
            NotationKind::Prefix => {
                out.push_str(&n.token);
                let mut arg = String::new();
                go(args[0], nt, n.prec.max(1), &mut arg);
                // `- -a`, not `--a` (a comment).
                if arg
                    .chars()
                    .next()
                    .is_some_and(|c| !(c.is_alphanumeric() || "_(⟨@".contains(c)))
                {
                    out.push(' ');
                }
                out.push_str(&arg);
            }
            NotationKind::Postfix => {
                go(args[0], nt, n.prec.max(1), out);
                out.push_str(&n.token);
            }
            _ => {
                let (l, r) = n.operand_precs();
                go(args[0], nt, l, out);
                out.push(' ');
                out.push_str(&n.token);
                out.push(' ');
                go(args[1], nt, r, out);
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
            go(f, nt, MAX_PREC - 1, out);
            for a in args {
                out.push(' ');
                match a {
                    Arg::Pos(x) => go(x, nt, MAX_PREC, out),
                    Arg::Named(n, x) => {
                        out.push('(');
                        out.push_str(n);
                        out.push_str(" := ");
                        go(x, nt, 0, out);
                        out.push(')');
                    }
                }
            }
        }
        TermKind::Lam(bs, b) => {
            out.push_str("fun");
            binders(bs, nt, out, true);
            out.push_str(" => ");
            go(b, nt, 0, out);
        }
        TermKind::Pi(bs, b) => {
            out.push('∀');
            binders(bs, nt, out, true);
            out.push_str(", ");
            go(b, nt, 0, out);
        }
        TermKind::Exists(bs, b) => {
            out.push('∃');
            binders(bs, nt, out, true);
            out.push_str(", ");
            go(b, nt, 0, out);
        }
        TermKind::Arrow(a, b) => {
            go(a, nt, ARROW_PREC + 1, out);
            out.push_str(" → ");
            go(b, nt, ARROW_PREC, out);
        }
        TermKind::Ascribe(e, ty) => {
            // `(x : A) → B` would read as a binder: print `((x : A))`.
            let binder_like = matches!(e.kind, TermKind::Ident(_) | TermKind::Hole);
            out.push_str(if binder_like { "((" } else { "(" });
            go(e, nt, 0, out);
            out.push_str(" : ");
            go(ty, nt, 0, out);
            out.push_str(if binder_like { "))" } else { ")" });
        }
        TermKind::Anon(items) => {
            out.push('⟨');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go(x, nt, 0, out);
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
                go(e, nt, 0, out);
                out.push(')');
            } else {
                go(e, nt, MAX_PREC, out);
            }
            out.push_str(&format!(".{i}"));
        }
        TermKind::ProjField(e, f) => {
            // `(e).f`: always parenthesized, so it cannot read as a dotted name.
            out.push('(');
            go(e, nt, 0, out);
            out.push_str(").");
            out.push_str(f);
        }
        TermKind::By(_) => out.push_str("by …"),
        TermKind::Calc(_) => out.push_str("calc …"),
        TermKind::Show(ty, e) => {
            out.push_str("show ");
            go(ty, nt, 0, out);
            out.push_str(" from ");
            go(e, nt, 0, out);
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
                go(ty, nt, 0, out);
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
