//! Substitution on de Bruijn terms: instantiate bound variables, abstract free
//! ones, shift loose indices, and instantiate universe parameters.
//!
//! Each walk stops at subterms that cannot change (cached loose-bvar range,
//! has-fvar and has-level-param flags) and memoises on `(node, binder depth)`,
//! so shared subterms of a DAG are visited once per depth.

use crate::expr::{ExprId, ExprKind, ExprStore, FVarId};
use crate::level::Level;
use crate::name::Name;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Nodes shallower than this are rebuilt rather than memoised.
const MEMO_MIN_DEPTH: u32 = 3;
/// A walk memoises only after visiting this many nodes: most substitutions
/// (a rule's type at its arguments) touch a few dozen nodes and are cheaper
/// without a table, while a walk over a shared DAG soon passes the mark and
/// then visits each shared subterm once per binder depth.
const MEMO_AFTER_VISITS: u32 = 128;

/// The memo of one walk.
#[derive(Default)]
struct Memo {
    map: FxHashMap<(ExprId, u32), ExprId>,
    visits: u32,
}

/// Rebuilds `e` bottom-up, calling `leaf(store, e, offset)` first at every node
/// (`Some(r)` replaces the node), where `offset` counts binders passed.
/// `skip(store, e, offset)` says a subterm is left unchanged.
fn replace<S: ExprStore>(
    s: &mut S,
    e: ExprId,
    offset: u32,
    skip: &dyn Fn(&S, ExprId, u32) -> bool,
    leaf: &mut dyn FnMut(&mut S, ExprId, u32) -> Option<ExprId>,
    memo: &mut Memo,
) -> ExprId {
    if skip(s, e, offset) {
        return e;
    }
    // Small nodes are cheaper to rebuild (hash-consing finds them again) than
    // to remember; the memo is for shared subterms of real size.
    memo.visits = memo.visits.saturating_add(1);
    let memoize = memo.visits > MEMO_AFTER_VISITS && s.node(e).depth >= MEMO_MIN_DEPTH;
    if memoize {
        if let Some(&r) = memo.map.get(&(e, offset)) {
            return r;
        }
    }
    if let Some(r) = leaf(s, e, offset) {
        return r;
    }
    let kind = s.kind(e).clone();
    let r = match kind {
        ExprKind::App(f, a) => {
            let f2 = replace(s, f, offset, skip, leaf, memo);
            let a2 = replace(s, a, offset, skip, leaf, memo);
            if f2 == f && a2 == a {
                e
            } else {
                s.mk_app(f2, a2)
            }
        }
        ExprKind::Lam(n, bi, t, b) => {
            let t2 = replace(s, t, offset, skip, leaf, memo);
            let b2 = replace(s, b, offset + 1, skip, leaf, memo);
            if t2 == t && b2 == b {
                e
            } else {
                s.mk_lam(n, bi, t2, b2)
            }
        }
        ExprKind::Pi(n, bi, t, b) => {
            let t2 = replace(s, t, offset, skip, leaf, memo);
            let b2 = replace(s, b, offset + 1, skip, leaf, memo);
            if t2 == t && b2 == b {
                e
            } else {
                s.mk_pi(n, bi, t2, b2)
            }
        }
        ExprKind::Let(n, t, v, b) => {
            let t2 = replace(s, t, offset, skip, leaf, memo);
            let v2 = replace(s, v, offset, skip, leaf, memo);
            let b2 = replace(s, b, offset + 1, skip, leaf, memo);
            if t2 == t && v2 == v && b2 == b {
                e
            } else {
                s.mk_let(n, t2, v2, b2)
            }
        }
        ExprKind::Proj(n, i, x) => {
            let x2 = replace(s, x, offset, skip, leaf, memo);
            if x2 == x {
                e
            } else {
                s.mk_proj(n, i, x2)
            }
        }
        _ => e,
    };
    if memoize {
        memo.map.insert((e, offset), r);
    }
    r
}

/// Replaces loose bvar `offset + k` (for `k < subst.len()`) by `subst[k]`, and
/// lowers the loose bvars above them by `subst.len()`.
pub fn instantiate<S: ExprStore>(s: &mut S, e: ExprId, subst: &[ExprId]) -> ExprId {
    if subst.is_empty() || s.bvar_range(e) == 0 {
        return e;
    }
    let n = subst.len() as u32;
    let mut memo = Memo::default();
    replace(
        s,
        e,
        0,
        &|s, e, off| s.bvar_range(e) <= off,
        &mut |s, e, off| match *s.kind(e) {
            ExprKind::BVar(i) if i >= off => {
                if i < off + n {
                    Some(lift_loose_bvars(s, subst[(i - off) as usize], off))
                } else {
                    Some(s.mk_bvar(i - n))
                }
            }
            _ => None,
        },
        &mut memo,
    )
}

/// `instantiate` with the substitution reversed: bvar `k` ↦ `subst[n-1-k]`.
pub fn instantiate_rev<S: ExprStore>(s: &mut S, e: ExprId, subst: &[ExprId]) -> ExprId {
    if subst.is_empty() || s.bvar_range(e) == 0 {
        return e;
    }
    let rev: Vec<ExprId> = subst.iter().rev().copied().collect();
    instantiate(s, e, &rev)
}

/// Instantiates bvar 0 with `v` (the body of a binder).
pub fn instantiate1<S: ExprStore>(s: &mut S, body: ExprId, v: ExprId) -> ExprId {
    instantiate(s, body, &[v])
}

/// Adds `d` to every loose bvar with index ≥ `offset`... at depth 0, i.e. to
/// every loose bvar.
pub fn lift_loose_bvars<S: ExprStore>(s: &mut S, e: ExprId, d: u32) -> ExprId {
    if d == 0 || s.bvar_range(e) == 0 {
        return e;
    }
    let mut memo = Memo::default();
    replace(
        s,
        e,
        0,
        &|s, e, off| s.bvar_range(e) <= off,
        &mut |s, e, off| match *s.kind(e) {
            ExprKind::BVar(i) if i >= off => Some(s.mk_bvar(i + d)),
            _ => None,
        },
        &mut memo,
    )
}

/// Subtracts `d` from loose bvars with index ≥ `start` (those below `start`
/// must not occur... the caller guarantees it).
pub fn lower_loose_bvars<S: ExprStore>(s: &mut S, e: ExprId, start: u32, d: u32) -> ExprId {
    if d == 0 || s.bvar_range(e) <= start {
        return e;
    }
    let mut memo = Memo::default();
    replace(
        s,
        e,
        0,
        &|s, e, off| s.bvar_range(e) <= start + off,
        &mut |s, e, off| match *s.kind(e) {
            ExprKind::BVar(i) if i >= start + off => Some(s.mk_bvar(i - d)),
            _ => None,
        },
        &mut memo,
    )
}

/// Whether loose bvar `i` occurs in `e`.
pub fn has_loose_bvar<S: ExprStore>(s: &S, e: ExprId, i: u32) -> bool {
    fn go<S: ExprStore>(s: &S, e: ExprId, i: u32, seen: &mut FxHashMap<(ExprId, u32), ()>) -> bool {
        if s.bvar_range(e) <= i || seen.contains_key(&(e, i)) {
            return false;
        }
        seen.insert((e, i), ());
        match *s.kind(e) {
            ExprKind::BVar(j) => j == i,
            ExprKind::App(f, a) => go(s, f, i, seen) || go(s, a, i, seen),
            ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => {
                go(s, t, i, seen) || go(s, b, i + 1, seen)
            }
            ExprKind::Let(_, t, v, b) => {
                go(s, t, i, seen) || go(s, v, i, seen) || go(s, b, i + 1, seen)
            }
            ExprKind::Proj(_, _, x) => go(s, x, i, seen),
            _ => false,
        }
    }
    go(s, e, i, &mut FxHashMap::default())
}

/// Replaces free variable `fvars[k]` by bvar `offset + n - 1 - k`, so the last
/// one becomes the innermost binder.
pub fn abstract_fvars<S: ExprStore>(s: &mut S, e: ExprId, fvars: &[FVarId]) -> ExprId {
    if fvars.is_empty() || !s.has_fvar(e) {
        return e;
    }
    let n = fvars.len() as u32;
    let mut memo = Memo::default();
    replace(
        s,
        e,
        0,
        &|s, e, _| !s.has_fvar(e),
        &mut |s, e, off| match *s.kind(e) {
            ExprKind::FVar(f) => fvars
                .iter()
                .rposition(|g| *g == f)
                .map(|k| s.mk_bvar(off + n - 1 - k as u32)),
            _ => None,
        },
        &mut memo,
    )
}

/// Replaces universe parameter `ps[i]` by `ls[i]` everywhere in `e`.
pub fn instantiate_level_params<S: ExprStore>(
    s: &mut S,
    e: ExprId,
    ps: &[Name],
    ls: &[Level],
) -> ExprId {
    if ps.is_empty() || !s.has_level_param(e) {
        return e;
    }
    let mut memo = Memo::default();
    replace(
        s,
        e,
        0,
        &|s, e, _| !s.has_level_param(e),
        &mut |s, e, _| match s.kind(e).clone() {
            ExprKind::Sort(l) => Some(s.mk_sort(l.instantiate(ps, ls))),
            ExprKind::Const(n, us) => {
                let us2: Arc<[Level]> = us.iter().map(|l| l.instantiate(ps, ls)).collect();
                Some(s.mk_const(n, us2))
            }
            _ => None,
        },
        &mut memo,
    )
}

/// Calls `f` on every constant name in `e` (each distinct node once).
pub fn for_each_const<S: ExprStore>(s: &S, e: ExprId, f: &mut dyn FnMut(&Name, &[Level])) {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        match s.kind(x) {
            ExprKind::Const(n, ls) => f(n, ls),
            ExprKind::Sort(_) | ExprKind::BVar(_) | ExprKind::FVar(_) => {}
            k => stack.extend(crate::expr::child_ids(k)),
        }
    }
}

/// Calls `f` on every universe level appearing in `e` (sorts and constants).
pub fn for_each_level<S: ExprStore>(s: &S, e: ExprId, f: &mut dyn FnMut(&Level)) {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        match s.kind(x) {
            ExprKind::Const(_, ls) => ls.iter().for_each(&mut *f),
            ExprKind::Sort(l) => f(l),
            ExprKind::BVar(_) | ExprKind::FVar(_) => {}
            k => stack.extend(crate::expr::child_ids(k)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Arena, BinderInfo};

    #[test]
    fn instantiate_and_abstract_are_inverse() {
        let base = Arena::new();
        let mut s = crate::expr::LocalStore::new(&base);
        let x = s.mk_fvar(FVarId(7));
        let y = s.mk_fvar(FVarId(8));
        let app = s.mk_app(x, y);
        let abs = abstract_fvars(&mut s, app, &[FVarId(7), FVarId(8)]);
        let b1 = s.mk_bvar(1);
        let b0 = s.mk_bvar(0);
        assert_eq!(abs, s.mk_app(b1, b0));
        let back = instantiate_rev(&mut s, abs, &[x, y]);
        assert_eq!(back, app);
    }

    /// `t₀ = #0`, `tₖ₊₁ = f tₖ tₖ`: 2⁶⁴ paths, 65 distinct nodes. The walk
    /// turns its memo on after a few visits, so it finishes at once.
    #[test]
    fn substitution_in_a_shared_dag_visits_each_node_once() {
        let mut a = Arena::new();
        let f = a.mk_const(Name::from_dotted("f"), Arc::from(vec![]));
        let c = a.mk_const(Name::from_dotted("c"), Arc::from(vec![]));
        let (mut t, mut u) = (a.mk_bvar(0), c);
        for _ in 0..64 {
            let ft = a.mk_app(f, t);
            t = a.mk_app(ft, t);
            let fu = a.mk_app(f, u);
            u = a.mk_app(fu, u);
        }
        assert_eq!(instantiate1(&mut a, t, c), u);
    }

    #[test]
    fn instantiate_under_binder_shifts() {
        let mut a = Arena::new();
        // λ _ : Sort 0, #1  instantiated with c gives λ _, c
        let srt = a.mk_sort(Level::zero());
        let b1 = a.mk_bvar(1);
        let lam = a.mk_lam(Name::anon(), BinderInfo::Default, srt, b1);
        let c = a.mk_const(Name::from_dotted("c"), Arc::from(vec![]));
        let r = instantiate1(&mut a, lam, c);
        assert_eq!(r, a.mk_lam(Name::anon(), BinderInfo::Default, srt, c));
        // a loose #2 outside the substitution drops to #1
        let b2 = a.mk_bvar(2);
        assert_eq!(instantiate1(&mut a, b2, c), a.mk_bvar(1));
        assert!(has_loose_bvar(&a, lam, 0));
    }
}
