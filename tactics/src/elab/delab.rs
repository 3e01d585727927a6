//! Kernel terms back to surface syntax (for goals, messages and the
//! printer): implicit arguments are hidden, bound variables get readable
//! unique names, `Exists (fun x => p)` becomes `∃ x, p`.

use super::Elab;
use crate::syntax::{Arg, Binder, BinderKind, LevelSyn, Pos, Term, TermKind};
use proofmill_kernel::{has_loose_bvar, BinderInfo, ExprId, ExprKind, ExprStore, Level, LevelKind};

fn t(kind: TermKind) -> Term {
    Term {
        pos: Pos::default(),
        kind,
    }
}

pub fn delab(el: &mut Elab<'_>, e: ExprId) -> Term {
    let mut names = Vec::new();
    go(el, e, &mut names)
}

pub fn level_syn(l: &Level) -> LevelSyn {
    let (base, k) = l.to_offset();
    let b = match base.kind() {
        LevelKind::Zero => return LevelSyn::Num(k),
        LevelKind::Param(n) => LevelSyn::Param(n.to_string()),
        LevelKind::Max(a, b) => LevelSyn::Max(Box::new(level_syn(a)), Box::new(level_syn(b))),
        LevelKind::IMax(a, b) => LevelSyn::IMax(Box::new(level_syn(a)), Box::new(level_syn(b))),
        LevelKind::Succ(_) => unreachable!("to_offset strips succ"),
    };
    if k == 0 {
        b
    } else {
        LevelSyn::Add(Box::new(b), k)
    }
}

fn fresh(el: &Elab<'_>, base: &str, names: &[String]) -> String {
    let base = if base.is_empty() || base.starts_with('?') {
        "x"
    } else {
        base
    };
    let taken = |s: &str| names.iter().any(|n| n == s) || el.lookup_local(s).is_some();
    if !taken(base) {
        return base.to_string();
    }
    (1..)
        .map(|i| format!("{base}_{i}"))
        .find(|s| !taken(s))
        .unwrap_or_default()
}

/// Binder infos of `f`'s parameters (as far as its type shows them).
fn binder_infos(el: &mut Elab<'_>, f: ExprId) -> Vec<BinderInfo> {
    let ty = match el.kind(f) {
        ExprKind::Const(n, _) => el.g.env.get(&n).map(|i| i.ty),
        ExprKind::FVar(_) => el.tc.local_decl(f).map(|d| d.ty),
        _ => None,
    };
    let mut out = Vec::new();
    let Some(mut ty) = ty else { return out };
    while let ExprKind::Pi(_, bi, _, b) = el.kind(ty) {
        out.push(bi);
        ty = b;
    }
    out
}

fn go(el: &mut Elab<'_>, e: ExprId, names: &mut Vec<String>) -> Term {
    match el.kind(e) {
        ExprKind::BVar(i) => {
            let i = i as usize;
            match names.len().checked_sub(i + 1) {
                Some(k) => t(TermKind::Ident(names[k].clone())),
                None => t(TermKind::Ident(format!("#{i}"))),
            }
        }
        ExprKind::FVar(_) => {
            if let Some(i) = el.mvar_index(e) {
                return t(TermKind::Ident(format!("?m.{i}")));
            }
            let n = el
                .tc
                .local_decl(e)
                .map(|d| d.name.to_string())
                .unwrap_or_else(|| "?".into());
            t(TermKind::Ident(n))
        }
        ExprKind::Sort(l) => {
            if l.is_zero() {
                t(TermKind::Prop)
            } else if let LevelKind::Succ(p) = l.kind() {
                t(TermKind::Type(level_syn(p)))
            } else {
                t(TermKind::Sort(level_syn(&l)))
            }
        }
        ExprKind::Const(n, _) => t(TermKind::Ident(n.to_string())),
        ExprKind::App(..) => {
            let (f, args) = el.tc.store_ref().app_args(e);
            if el
                .tc
                .store_ref()
                .is_const_named(f, &proofmill_kernel::Name::from_dotted("Exists"))
                && args.len() == 2
            {
                if let ExprKind::Lam(n, _, ty, body) = el.kind(args[1]) {
                    let name = fresh(el, &n.to_string(), names);
                    let tyt = go(el, ty, names);
                    names.push(name.clone());
                    let bt = go(el, body, names);
                    names.pop();
                    return t(TermKind::Exists(
                        vec![Binder {
                            pos: Pos::default(),
                            names: vec![(name, Pos::default())],
                            ty: Some(tyt),
                            kind: BinderKind::Explicit,
                        }],
                        Box::new(bt),
                    ));
                }
            }
            let infos = binder_infos(el, f);
            let head = go(el, f, names);
            let mut out = Vec::new();
            for (i, &a) in args.iter().enumerate() {
                let explicit = infos.get(i).is_none_or(|bi| *bi == BinderInfo::Default);
                if explicit {
                    out.push(Arg::Pos(go(el, a, names)));
                }
            }
            if out.is_empty() {
                head
            } else {
                t(TermKind::App(Box::new(head), out))
            }
        }
        ExprKind::Lam(..) | ExprKind::Pi(..) => {
            let is_lam = matches!(el.kind(e), ExprKind::Lam(..));
            let (ExprKind::Lam(n, bi, ty, body) | ExprKind::Pi(n, bi, ty, body)) = el.kind(e)
            else {
                unreachable!()
            };
            let tyt = go(el, ty, names);
            if !is_lam && bi == BinderInfo::Default && !has_loose_bvar(el.tc.store_ref(), body, 0) {
                names.push("_".into());
                let bt = go(el, body, names);
                names.pop();
                return t(TermKind::Arrow(Box::new(tyt), Box::new(bt)));
            }
            let name = fresh(el, &n.to_string(), names);
            names.push(name.clone());
            let bt = go(el, body, names);
            names.pop();
            let kind = match bi {
                BinderInfo::Default => BinderKind::Explicit,
                BinderInfo::Implicit => BinderKind::Implicit,
                BinderInfo::StrictImplicit => BinderKind::StrictImplicit,
                BinderInfo::InstImplicit => BinderKind::Inst,
            };
            let b = Binder {
                pos: Pos::default(),
                names: vec![(name, Pos::default())],
                ty: Some(tyt),
                kind,
            };
            // Merge with a directly nested binder of the same shape.
            let kind = if is_lam {
                match bt.kind {
                    TermKind::Lam(mut bs, inner) => {
                        bs.insert(0, b);
                        TermKind::Lam(bs, inner)
                    }
                    other => TermKind::Lam(vec![b], Box::new(t(other))),
                }
            } else {
                match bt.kind {
                    TermKind::Pi(mut bs, inner) => {
                        bs.insert(0, b);
                        TermKind::Pi(bs, inner)
                    }
                    other => TermKind::Pi(vec![b], Box::new(t(other))),
                }
            };
            t(kind)
        }
        ExprKind::Let(n, ty, v, body) => {
            let name = fresh(el, &n.to_string(), names);
            let tyt = go(el, ty, names);
            let vt = go(el, v, names);
            names.push(name.clone());
            let bt = go(el, body, names);
            names.pop();
            let lam = t(TermKind::Lam(
                vec![Binder {
                    pos: Pos::default(),
                    names: vec![(name, Pos::default())],
                    ty: Some(tyt),
                    kind: BinderKind::Explicit,
                }],
                Box::new(bt),
            ));
            t(TermKind::App(Box::new(lam), vec![Arg::Pos(vt)]))
        }
        ExprKind::NatLit(n) => t(TermKind::Num((*n).clone())),
        ExprKind::StrLit(s) => t(TermKind::Ident(format!("{s:?}"))),
        ExprKind::Proj(_, i, x) => {
            let xt = go(el, x, names);
            t(TermKind::ProjIdx(Box::new(xt), i + 1))
        }
    }
}
