//! Applications elaborated arguments first.
//!
//! A corpus proof is a spine of `Eq.trans`, `congrArg`, `Eq.symm`,
//! `propext` and `Iff.of_eq` over rule instances, and every implicit
//! argument of those constants is fixed by the types of their explicit
//! arguments: `Eq.trans h₁ h₂`'s `α a b c` are read off `h₁ : a = b` and
//! `h₂ : b = c`. The general path ([`Elab::app_core_typed`]) makes a
//! metavariable of each implicit argument (and of each explicit argument
//! whose type mentions one), unifies the application's type with the
//! expected type, elaborates the arguments against their metavariable
//! types, and instantiates the metavariables again at every level of the
//! spine: most of the cost of reading a proof back.
//!
//! Here, when every argument of such an application can be elaborated on
//! its own (a name, an application, a numeral, an ascription or a lambda
//! whose binders have types: nothing that needs the expected type to mean
//! something), the arguments are elaborated first, without an expected
//! type, and the constant's binder types are *matched* against their types:
//! a binder's variable met for the first time takes the subterm in front of
//! it, met again it must be the very same term, and each universe
//! parameter is read off the same way. The implicit arguments' own types
//! are matched against their binder types too, as the general path's
//! assignment checks them. The application and its type are then built
//! directly, with no metavariable; the type is the constant's, instantiated
//! as the general path's instantiation leaves it (a metavariable head `?f a`
//! that stood for a lambda is β-reduced, so `congrArg f h : f a₁ = f a₂`
//! reads `C[a₁] = C[a₂]`). The expected type is then unified with that type
//! by the caller, as it is with the general path's.
//!
//! When anything does not match as the very same term (two types equal only
//! up to reduction, a metavariable left in an argument, a universe
//! metavariable), the general path takes over with the arguments already
//! elaborated, so no argument is elaborated twice. An explicit argument then
//! stays as written: the general path alone would make it a metavariable,
//! assign it from the expected type first and keep that (`Eq.refl 1`
//! against `Nat.succ 0 = 1` became `Eq.refl (Nat.succ 0)`); here it is
//! `Eq.refl 1`, as Lean 4 elaborates it. The generator's read-back compares
//! what this builds with the terms the kernel checked, and a unit test
//! compares it with the general path's terms on generated proofs of every
//! shipped theory.

use super::app::EArg;
use super::{EResult, Elab, FVarInfo};
use crate::syntax::{Arg, Pos, Term, TermKind};
use proofmill_kernel::{
    instantiate_level_params, BinderInfo, ExprId, ExprKind, ExprStore, Level, LevelKind, Name,
};
use std::sync::Arc;

/// A constant's type `Π (x₁ : A₁) … (xₙ : Aₙ), B` read for matching.
#[derive(Debug)]
pub(crate) struct ArgsFirstType {
    /// Each binder: whether it is explicit, its type (with loose bound
    /// variables for the binders before it), and whether the general path
    /// makes a metavariable of it (an implicit binder, or an explicit one
    /// whose type mentions a universe parameter or such a binder).
    binders: Vec<(bool, ExprId, bool)>,
    /// `B`, with loose bound variables for all the binders.
    cod: ExprId,
    /// The constant's universe parameters.
    params: Arc<[Name]>,
    explicit: usize,
}

/// Kept while one term is elaborated.
#[derive(Default)]
pub(crate) struct Scratch {
    /// How many applications being elaborated arguments first enclose the
    /// term being elaborated now: inside one, every term stands alone (it
    /// was checked with all it holds), and is not checked again.
    inside: u32,
    /// Constants' types after their binders, at the universe levels met
    /// (a proof meets `Eq.trans` and `congrArg` at one level, many times).
    cods: Vec<(ExprId, Arc<[Level]>, ExprId)>,
}

/// What matching has fixed so far: a value per binder, a level per
/// universe parameter.
struct Solution {
    vals: Vec<Option<ExprId>>,
    levels: Vec<Option<Level>>,
}

impl Elab<'_> {
    /// `head args` elaborated arguments first, when `head` names a constant
    /// whose implicit arguments its explicit ones determine and every
    /// argument can be elaborated on its own; `None`, having done nothing,
    /// otherwise. The application and its type (mvar-free when built here;
    /// the general path's otherwise).
    pub(super) fn args_first(
        &mut self,
        head: &Term,
        args: &[Arg],
        expected: Option<ExprId>,
        pos: Pos,
    ) -> EResult<Option<(ExprId, Option<ExprId>)>> {
        #[cfg(test)]
        if super::first_order::tests::GENERAL_PATH_ONLY.with(|g| g.get())
            || super::first_order::tests::ARGS_FIRST_OFF.with(|g| g.get())
        {
            return Ok(None);
        }
        let (name, explicit) = match &head.kind {
            TermKind::Ident(name) => (name, false),
            TermKind::Explicit(name) => (name, true),
            _ => return Ok(None),
        };
        let alone = |a: &Arg| matches!(a, Arg::Pos(x) if stands_alone(x));
        if self.args_first.inside == 0 && !args.iter().all(alone) {
            return Ok(None);
        }
        let Some((c, sig)) = self.args_first_head(name, explicit) else {
            return Ok(None);
        };
        if sig.explicit != args.len() {
            return Ok(None);
        }
        self.args_first.inside += 1;
        let typed = self.elab_alone(args);
        self.args_first.inside -= 1;
        let typed = typed?;
        if let Some(r) = self.build_args_first(&c, &sig, &typed, pos)? {
            return Ok(Some(r));
        }
        let done = typed
            .iter()
            .zip(args)
            .map(|(&(v, _), a)| EArg::Done(v, arg_pos(a)))
            .collect();
        let f = self.mk_const_fresh(&c);
        self.app_core_typed(f, explicit, done, Vec::new(), expected, pos)
            .map(Some)
    }

    /// Each argument elaborated on its own, with its type.
    fn elab_alone(&mut self, args: &[Arg]) -> EResult<Vec<(ExprId, ExprId)>> {
        let mut typed = Vec::with_capacity(args.len());
        for a in args {
            let Arg::Pos(a) = a else {
                unreachable!("only positional arguments stand alone")
            };
            let (v, ty) = self.elab_with_type(a, a.pos)?;
            typed.push((self.inst_unless_free(v), self.inst_unless_free(ty)));
        }
        Ok(typed)
    }

    /// `inst` of `e`, found to be `e` itself without a walk when `e` holds
    /// no metavariable (which `build_args_first` asks of every argument
    /// and type anyway, and which is remembered).
    fn inst_unless_free(&mut self, e: ExprId) -> ExprId {
        if !self.tc.store_ref().node(e).has_level_param && self.is_mvar_free(e) {
            e
        } else {
            self.inst(e)
        }
    }

    /// The application of `c` to `typed` (each argument with its type) and
    /// its type, when matching fixes every binder and universe parameter.
    fn build_args_first(
        &mut self,
        c: &Name,
        sig: &ArgsFirstType,
        typed: &[(ExprId, ExprId)],
        pos: Pos,
    ) -> EResult<Option<(ExprId, Option<ExprId>)>> {
        for &(v, ty) in typed {
            let st = self.tc.store_ref();
            if st.node(v).has_level_param || st.node(ty).has_level_param {
                return Ok(None);
            }
            if !self.is_mvar_free(v) || !self.is_mvar_free(ty) {
                return Ok(None);
            }
        }
        let mut sol = Solution {
            vals: vec![None; sig.binders.len()],
            levels: vec![None; sig.params.len()],
        };
        let mut next = typed.iter();
        for (k, &(explicit, dom, _)) in sig.binders.iter().enumerate() {
            if explicit {
                let &(v, ty) = next.next().expect("as many arguments as explicit binders");
                if !self.match_type(sig, &mut sol, k, dom, ty, 0) {
                    return Ok(None);
                }
                sol.vals[k] = Some(v);
            }
        }
        // Each implicit argument's type against its binder's, as assigning
        // its metavariable checks it (and fixes universe parameters).
        for (k, &(explicit, dom, _)) in sig.binders.iter().enumerate() {
            if explicit {
                continue;
            }
            let Some(v) = sol.vals[k] else {
                return Ok(None);
            };
            let ty = self.infer(v, pos)?;
            if !self.match_type(sig, &mut sol, k, dom, ty, 0) {
                return Ok(None);
            }
        }
        let Some(levels) = sol.levels.iter().cloned().collect::<Option<Vec<Level>>>() else {
            return Ok(None);
        };
        let vals: Vec<ExprId> = sol.vals.iter().map(|v| v.expect("every binder")).collect();
        let levels: Arc<[Level]> = levels.into();
        let f = self.store().mk_const(c.clone(), levels.clone());
        let e = self.store().mk_apps(f, &vals);
        // What `e` holds is what its arguments hold, all summarized already.
        if self.tc.store_ref().node(e).has_fvar {
            let info = vals
                .iter()
                .fold(FVarInfo::default(), |i, &v| i.join(self.fvar_info(v)));
            self.fvar_infos.set(e, info);
        }
        let cached = self
            .args_first
            .cods
            .iter()
            .find(|(cod, ls, _)| *cod == sig.cod && *ls == levels)
            .map(|&(_, _, r)| r);
        let cod = match cached {
            Some(r) => r,
            None => {
                let r = instantiate_level_params(self.store(), sig.cod, &sig.params, &levels);
                self.args_first.cods.push((sig.cod, levels, r));
                r
            }
        };
        let ty = self.instantiate_cod(sig, cod, &vals, 0);
        Ok(Some((e, Some(ty))))
    }

    /// Matches binder `k`'s type (or a part of it, under `depth` binders of
    /// its own) against `ty`, fixing what it meets for the first time.
    fn match_type(
        &mut self,
        sig: &ArgsFirstType,
        sol: &mut Solution,
        k: usize,
        pat: ExprId,
        ty: ExprId,
        depth: u32,
    ) -> bool {
        let st = self.tc.store_ref();
        let pn = st.node(pat);
        if pn.bvar_range <= depth && !pn.has_level_param {
            return pat == ty;
        }
        match (st.kind(pat), st.kind(ty)) {
            (&ExprKind::BVar(i), _) if i >= depth => {
                let Some(j) = (k as u32).checked_sub(1 + i - depth) else {
                    return false;
                };
                let j = j as usize;
                match sol.vals[j] {
                    Some(v) => v == ty,
                    None => {
                        if st.node(ty).bvar_range > 0 {
                            return false;
                        }
                        sol.vals[j] = Some(ty);
                        true
                    }
                }
            }
            (ExprKind::Const(n, ls), ExprKind::Const(m, ms)) => {
                n == m
                    && ls.len() == ms.len()
                    && ls
                        .iter()
                        .zip(ms.iter())
                        .all(|(l, m)| match_level(sig, sol, l, m))
            }
            (ExprKind::Sort(l), ExprKind::Sort(m)) => match_level(sig, sol, l, m),
            (&ExprKind::App(f, a), &ExprKind::App(g, b)) => {
                if is_unfixed_head(st, sol, k, f, depth) {
                    return false;
                }
                self.match_type(sig, sol, k, f, g, depth)
                    && self.match_type(sig, sol, k, a, b, depth)
            }
            (&ExprKind::Pi(_, bi, d, b), &ExprKind::Pi(_, bj, e, c))
            | (&ExprKind::Lam(_, bi, d, b), &ExprKind::Lam(_, bj, e, c)) => {
                bi == bj
                    && self.match_type(sig, sol, k, d, e, depth)
                    && self.match_type(sig, sol, k, b, c, depth + 1)
            }
            _ => false,
        }
    }

    /// `cod` (loose bound variables for every binder) with the binders'
    /// values put in, an application whose head was a metavariable
    /// standing for a lambda β-reduced, as instantiating the general
    /// path's metavariables leaves it.
    fn instantiate_cod(
        &mut self,
        sig: &ArgsFirstType,
        e: ExprId,
        vals: &[ExprId],
        depth: u32,
    ) -> ExprId {
        let n = vals.len() as u32;
        if self.tc.store_ref().node(e).bvar_range <= depth {
            return e;
        }
        match self.kind(e) {
            ExprKind::BVar(i) => {
                if i < depth {
                    e
                } else if i - depth < n {
                    vals[(n - 1 - (i - depth)) as usize]
                } else {
                    self.store().mk_bvar(i - n)
                }
            }
            ExprKind::App(..) => {
                let (head, args) = self.tc.store_ref().app_args(e);
                let args: Vec<ExprId> = args
                    .iter()
                    .map(|&a| self.instantiate_cod(sig, a, vals, depth))
                    .collect();
                let beta = match *self.tc.store_ref().kind(head) {
                    ExprKind::BVar(i) if i >= depth && i - depth < n => {
                        let k = (n - 1 - (i - depth)) as usize;
                        sig.binders[k].2
                    }
                    _ => false,
                };
                let head = self.instantiate_cod(sig, head, vals, depth);
                if beta {
                    self.head_beta(head, &args)
                } else {
                    self.store().mk_apps(head, &args)
                }
            }
            ExprKind::Lam(nm, bi, d, b) => {
                let d = self.instantiate_cod(sig, d, vals, depth);
                let b = self.instantiate_cod(sig, b, vals, depth + 1);
                self.store().mk_lam(nm, bi, d, b)
            }
            ExprKind::Pi(nm, bi, d, b) => {
                let d = self.instantiate_cod(sig, d, vals, depth);
                let b = self.instantiate_cod(sig, b, vals, depth + 1);
                self.store().mk_pi(nm, bi, d, b)
            }
            _ => {
                // Let and projections do not occur in the constants' types
                // this path takes (see `args_first_type`).
                unreachable!("only applications, binders and variables have loose variables here")
            }
        }
    }

    /// The head of an application, resolved as [`Elab::resolve_head`]
    /// would resolve it to a constant, with its type read for matching
    /// (every binder taken as explicit when the head is written `@c`).
    fn args_first_head(
        &mut self,
        name: &str,
        explicit: bool,
    ) -> Option<(Name, Arc<ArgsFirstType>)> {
        if self.lookup_local(name).is_some() {
            return None;
        }
        let (c, _) = self.global_head(name)?;
        let key = (c, explicit);
        let sig = match self.names.args_first.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = self.args_first_type(&key.0, explicit).map(Arc::new);
                self.names.args_first.insert(key.clone(), s.clone());
                s
            }
        }?;
        let (c, _) = key;
        Some((c, sig))
    }

    /// Constant `c`'s type read for matching (`all_explicit`: as `@c`
    /// takes it, every binder explicit), when its binders are explicit or
    /// implicit (or `all_explicit`), every
    /// implicit binder's variable occurs in a later explicit binder's type,
    /// and its type after the binders is not itself a Π (so the general path
    /// would stop there too) and holds only applications, constants, sorts,
    /// binders and variables.
    fn args_first_type(&self, c: &Name, all_explicit: bool) -> Option<ArgsFirstType> {
        let info = self.g.env.get(c)?;
        let st = self.tc.store_ref();
        let mut ty = info.ty;
        let mut binders: Vec<(bool, ExprId, bool)> = Vec::new();
        while let ExprKind::Pi(_, bi, dom, body) = *st.kind(ty) {
            let explicit = match bi {
                _ if all_explicit => true,
                BinderInfo::Default => true,
                BinderInfo::Implicit => false,
                _ => return None,
            };
            if !plain(st, dom) {
                return None;
            }
            let k = binders.len() as u32;
            // Made a metavariable by the general path: implicit, or its type
            // mentions a universe parameter or such a binder.
            let mvar = !explicit
                || st.node(dom).has_level_param
                || (0..k).any(|j| binders[j as usize].2 && mentions(st, dom, k - 1 - j));
            binders.push((explicit, dom, mvar));
            ty = body;
        }
        if matches!(st.kind(ty), ExprKind::Pi(..)) || !plain(st, ty) {
            return None;
        }
        let n = binders.len() as u32;
        let determined = (0..n).all(|j| {
            binders[j as usize].0
                || (j + 1..n).any(|k| {
                    let (explicit, dom, _) = binders[k as usize];
                    explicit && mentions(st, dom, k - 1 - j)
                })
        });
        let explicit = binders.iter().filter(|b| b.0).count();
        determined.then(|| ArgsFirstType {
            binders,
            cod: ty,
            params: info.level_params.clone(),
            explicit,
        })
    }
}

/// Where an argument is written.
fn arg_pos(a: &Arg) -> Pos {
    match a {
        Arg::Pos(t) | Arg::Named(_, t) => t.pos,
    }
}

/// A term that elaborates to the same thing whatever type is expected of
/// it: a name, an application of a name (or `@name`) to such terms, a
/// numeral, such a term ascribed a type, or a lambda whose binders all have
/// such terms as types and whose body is such a term. (Everything inside is checked: an
/// application inside one is not checked again.)
fn stands_alone(t: &Term) -> bool {
    match &t.kind {
        TermKind::Ident(_) | TermKind::Num(_) => true,
        TermKind::Ascribe(e, _) => stands_alone(e),
        TermKind::App(head, args) => {
            matches!(head.kind, TermKind::Ident(_) | TermKind::Explicit(_))
                && args
                    .iter()
                    .all(|a| matches!(a, Arg::Pos(x) if stands_alone(x)))
        }
        TermKind::Lam(binders, body) => {
            binders
                .iter()
                .all(|b| b.ty.as_ref().is_some_and(stands_alone))
                && stands_alone(body)
        }
        _ => false,
    }
}

/// Whether loose bound variable `i` (at the top) occurs in `e`.
fn mentions<S: ExprStore>(st: &S, e: ExprId, i: u32) -> bool {
    fn go<S: ExprStore>(st: &S, e: ExprId, i: u32) -> bool {
        if st.node(e).bvar_range <= i {
            return false;
        }
        match *st.kind(e) {
            ExprKind::BVar(j) => j == i,
            ExprKind::App(f, a) => go(st, f, i) || go(st, a, i),
            ExprKind::Lam(_, _, d, b) | ExprKind::Pi(_, _, d, b) => {
                go(st, d, i) || go(st, b, i + 1)
            }
            ExprKind::Let(_, t, v, b) => go(st, t, i) || go(st, v, i) || go(st, b, i + 1),
            ExprKind::Proj(_, _, x) => go(st, x, i),
            _ => false,
        }
    }
    go(st, e, i)
}

/// Whether `e`'s parts with loose bound variables are applications,
/// binders and variables only (what [`Elab::instantiate_cod`] rebuilds).
fn plain<S: ExprStore>(st: &S, e: ExprId) -> bool {
    if st.node(e).bvar_range == 0 {
        return true;
    }
    match *st.kind(e) {
        ExprKind::BVar(_) => true,
        ExprKind::App(f, a) => plain(st, f) && plain(st, a),
        ExprKind::Lam(_, _, d, b) | ExprKind::Pi(_, _, d, b) => plain(st, d) && plain(st, b),
        _ => false,
    }
}

/// Whether `f`, the function of an application in a binder type, is (or is
/// applied to arguments under) a binder's variable not yet fixed: matching
/// `?m t` against a term is not first-order, so this path stops there.
fn is_unfixed_head<S: ExprStore>(st: &S, sol: &Solution, k: usize, f: ExprId, depth: u32) -> bool {
    let (head, _) = st.app_args(f);
    match *st.kind(head) {
        ExprKind::BVar(i) if i >= depth => (k as u32)
            .checked_sub(1 + i - depth)
            .is_none_or(|j| sol.vals[j as usize].is_none()),
        _ => false,
    }
}

/// Matches universe level `pat` (with the constant's parameters) against
/// `l`, fixing a parameter met for the first time.
fn match_level(sig: &ArgsFirstType, sol: &mut Solution, pat: &Level, l: &Level) -> bool {
    match (pat.kind(), l.kind()) {
        (LevelKind::Param(p), _) => match sig.params.iter().position(|q| q == p) {
            Some(i) => match &sol.levels[i] {
                Some(fixed) => fixed == l,
                None => {
                    sol.levels[i] = Some(l.clone());
                    true
                }
            },
            None => pat == l,
        },
        (LevelKind::Succ(p), LevelKind::Succ(m)) => match_level(sig, sol, p, m),
        (LevelKind::Zero, LevelKind::Zero) => true,
        _ => false,
    }
}
