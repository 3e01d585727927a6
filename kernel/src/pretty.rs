//! A small printer for error messages: Lean-like, bounded in size, not meant
//! to be parsed back (the theory language's printer lives in `tactics`).

use crate::expr::{ExprId, ExprKind, ExprStore, FVarId};

const MAX_CHARS: usize = 2_000;

/// Renders `e`, naming free variables with `fvar_name` (or `_fvar.N`).
pub fn expr_to_string<S: ExprStore + ?Sized>(
    s: &S,
    e: ExprId,
    fvar_name: &dyn Fn(FVarId) -> Option<String>,
) -> String {
    let mut out = String::new();
    let mut binders: Vec<String> = Vec::new();
    go(s, e, fvar_name, &mut binders, &mut out, 0);
    if out.len() > MAX_CHARS {
        let mut cut = MAX_CHARS;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn go<S: ExprStore + ?Sized>(
    s: &S,
    e: ExprId,
    fvar_name: &dyn Fn(FVarId) -> Option<String>,
    binders: &mut Vec<String>,
    out: &mut String,
    depth: u32,
) {
    use std::fmt::Write;
    if out.len() > MAX_CHARS || depth > 64 {
        out.push('…');
        return;
    }
    match s.kind(e) {
        ExprKind::BVar(i) => {
            let i = *i as usize;
            match binders.len().checked_sub(i + 1) {
                Some(k) => out.push_str(&binders[k]),
                None => {
                    let _ = write!(out, "#{i}");
                }
            }
        }
        ExprKind::FVar(f) => match fvar_name(*f) {
            Some(n) => out.push_str(&n),
            None => {
                let _ = write!(out, "_fvar.{}", f.0);
            }
        },
        ExprKind::Sort(l) => {
            if l.is_zero() {
                out.push_str("Prop");
            } else {
                let _ = write!(out, "Sort {l}");
            }
        }
        ExprKind::Const(n, ls) => {
            let _ = write!(out, "{n}");
            if !ls.is_empty() {
                let parts: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
                let _ = write!(out, ".{{{}}}", parts.join(", "));
            }
        }
        ExprKind::App(..) => {
            let (f, args) = s.app_args(e);
            out.push('(');
            go(s, f, fvar_name, binders, out, depth + 1);
            for a in args {
                out.push(' ');
                go(s, a, fvar_name, binders, out, depth + 1);
            }
            out.push(')');
        }
        ExprKind::Lam(n, _, t, b) | ExprKind::Pi(n, _, t, b) => {
            let is_lam = matches!(s.kind(e), ExprKind::Lam(..));
            let name = if n.is_anon() {
                "x".to_string()
            } else {
                n.to_string()
            };
            out.push_str(if is_lam { "(fun (" } else { "((" });
            out.push_str(&name);
            out.push_str(" : ");
            go(s, *t, fvar_name, binders, out, depth + 1);
            out.push_str(if is_lam { ") => " } else { ") → " });
            binders.push(name);
            go(s, *b, fvar_name, binders, out, depth + 1);
            binders.pop();
            out.push(')');
        }
        ExprKind::Let(n, t, v, b) => {
            let name = n.to_string();
            let _ = write!(out, "(let {name} : ");
            go(s, *t, fvar_name, binders, out, depth + 1);
            out.push_str(" := ");
            go(s, *v, fvar_name, binders, out, depth + 1);
            out.push_str("; ");
            binders.push(name);
            go(s, *b, fvar_name, binders, out, depth + 1);
            binders.pop();
            out.push(')');
        }
        ExprKind::NatLit(n) => {
            let _ = write!(out, "{n}");
        }
        ExprKind::StrLit(st) => {
            let _ = write!(out, "{st:?}");
        }
        ExprKind::Proj(n, i, x) => {
            go(s, *x, fvar_name, binders, out, depth + 1);
            let _ = write!(out, ".{}[{n}]", i + 1);
        }
    }
}
