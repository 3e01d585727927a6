//! Nested inductive types (Lean's `elim_nested_inductive_fn` and
//! `restore_nested`).
//!
//! A constructor field such as `List Tree` mentions the block's own type
//! inside the parameters of an existing inductive type. The kernel's checks
//! and recursor construction only understand plain mutual blocks, so each such
//! occurrence `J Ds is` (`Ds` the parameters, mentioning the block's types;
//! `is` the indices) is replaced by an auxiliary type `_nested.J_k As is`
//! added to the block, whose constructors are `J`'s with `Ds` substituted
//! (and so may contain further nested occurrences, handled in turn). Every
//! type of `J`'s own mutual block gets an auxiliary copy. After the extended
//! block has been checked and its recursors generated, [`Elim::restore`]
//! translates the auxiliary types back into the nested occurrences they stand
//! for, and their constructors into `J`'s.
//!
//! The work happens directly in the environment's arena (terms there are
//! inert data until a constant refers to them). The block's parameters are
//! represented by free variables with reserved ids ([`param_ids`]); submitted
//! terms are closed, so they cannot clash.

use super::{
    append_after, concat, mentions_any, nested_prefix, replace_prefix, Res, MAX_AUX_TYPES,
};
use crate::declaration::{ConstantKind, Constructor, InductiveDecl, InductiveType};
use crate::env::Env;
use crate::error::{InductiveFailure, KernelError};
use crate::expr::{Arena, BinderInfo, ExprId, ExprKind, ExprStore, FVarId};
use crate::instantiate::{abstract_fvars, instantiate1, instantiate_level_params, instantiate_rev};
use crate::level::Level;
use crate::name::Name;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

/// The free variables that stand for the block's parameters while nested
/// occurrences are eliminated and restored.
pub(super) fn param_ids(n: usize) -> Vec<FVarId> {
    (0..n).map(|i| FVarId(u32::MAX - i as u32)).collect()
}

/// Runs `f` with the environment's arena taken out of it, so that terms can
/// be built while constants are looked up. The arena is put back afterwards.
pub(super) fn with_arena<R>(env: &mut Env, f: impl FnOnce(&Env, &mut Arena) -> R) -> R {
    let mut arena = std::mem::take(env.arena_mut());
    let r = f(env, &mut arena);
    *env.arena_mut() = arena;
    r
}

/// The block with its nested occurrences eliminated.
pub(super) struct Elim {
    /// The submitted types (constructors rewritten) followed by the auxiliary types.
    pub decl: InductiveDecl,
    pub num_params: usize,
    /// For each auxiliary type, in order: its name and the nested occurrence
    /// `J Ds` it stands for (over the parameter variables [`param_ids`]).
    pub aux: Vec<(Name, ExprId)>,
    aux_map: FxHashMap<Name, ExprId>,
    /// Auxiliary constructor ↦ (the nested type's constructor, the auxiliary type).
    pub aux_ctors: FxHashMap<Name, (Name, Name)>,
}

pub(super) fn elim_nested(env: &mut Env, decl: &InductiveDecl) -> Res<Elim> {
    with_arena(env, |env, arena| {
        let np = decl.num_params as usize;
        let pids = param_ids(np);
        let pvars = pids.iter().map(|&f| arena.mk_fvar(f)).collect();
        let e = Elimination {
            env,
            arena,
            block: decl.types[0].name.clone(),
            np,
            lvls: decl.level_params.iter().map(Level::param).collect(),
            pids,
            pvars,
            types: decl.types.clone(),
            type_names: decl.types.iter().map(|t| t.name.clone()).collect(),
            nested_aux: Vec::new(),
            aux_ctors: FxHashMap::default(),
            next_idx: 1,
        };
        e.run(decl)
    })
}

#[derive(Clone)]
struct Binder {
    name: Name,
    info: BinderInfo,
    ty: ExprId,
}

struct Elimination<'a> {
    env: &'a Env,
    arena: &'a mut Arena,
    block: Name,
    np: usize,
    lvls: Arc<[Level]>,
    pids: Vec<FVarId>,
    pvars: Vec<ExprId>,
    types: Vec<InductiveType>,
    type_names: FxHashSet<Name>,
    /// `(J Ds, auxiliary type)`, one per auxiliary type, in order.
    nested_aux: Vec<(ExprId, Name)>,
    aux_ctors: FxHashMap<Name, (Name, Name)>,
    next_idx: u64,
}

impl Elimination<'_> {
    fn fail(&self, failure: InductiveFailure) -> KernelError {
        KernelError::Inductive {
            name: self.block.clone(),
            failure,
        }
    }

    fn bad_nesting(&self, msg: String) -> KernelError {
        self.fail(InductiveFailure::BadNesting(msg))
    }

    fn run(mut self, decl: &InductiveDecl) -> Res<Elim> {
        let first = self.types[0].ty;
        self.get_params(first).ok_or_else(|| {
            self.fail(InductiveFailure::MalformedBlock(
                "the first type has fewer binders than the block has parameters".into(),
            ))
        })?;
        let mut q = 0;
        while q < self.types.len() {
            if self.types.len() > decl.types.len() + MAX_AUX_TYPES {
                return Err(KernelError::LimitExceeded(format!(
                    "more than {MAX_AUX_TYPES} auxiliary types for nested occurrences"
                )));
            }
            let ctors = self.types[q].ctors.clone();
            let mut new = Vec::with_capacity(ctors.len());
            for c in ctors {
                let (bs, body) = self.get_params(c.ty).ok_or_else(|| {
                    self.fail(InductiveFailure::WrongConstructorParams {
                        ctor: c.name.clone(),
                    })
                })?;
                let mut memo = FxHashMap::default();
                let new_body = self.replace_all(body, &bs, &mut memo)?;
                let ty = if new_body == body {
                    c.ty
                } else {
                    self.mk_pi_params(&bs, new_body)
                };
                new.push(Constructor { name: c.name, ty });
            }
            self.types[q].ctors = new;
            q += 1;
        }
        let aux: Vec<(Name, ExprId)> = self
            .nested_aux
            .iter()
            .map(|(k, n)| (n.clone(), *k))
            .collect();
        Ok(Elim {
            decl: InductiveDecl {
                level_params: decl.level_params.clone(),
                num_params: decl.num_params,
                types: self.types,
                is_unsafe: decl.is_unsafe,
            },
            num_params: self.np,
            aux_map: aux.iter().cloned().collect(),
            aux,
            aux_ctors: self.aux_ctors,
        })
    }

    /// Opens the first `np` binders of `ty` with the parameter variables.
    fn get_params(&mut self, ty: ExprId) -> Option<(Vec<Binder>, ExprId)> {
        let mut bs = Vec::with_capacity(self.np);
        let mut cur = ty;
        for i in 0..self.np {
            match self.arena.kind(cur).clone() {
                ExprKind::Pi(name, info, d, b) => {
                    bs.push(Binder { name, info, ty: d });
                    cur = instantiate1(self.arena, b, self.pvars[i]);
                }
                _ => return None,
            }
        }
        Some((bs, cur))
    }

    /// `Π (params : bs), body`, abstracting the parameter variables.
    fn mk_pi_params(&mut self, bs: &[Binder], body: ExprId) -> ExprId {
        let mut r = abstract_fvars(self.arena, body, &self.pids);
        for i in (0..bs.len()).rev() {
            let ty = abstract_fvars(self.arena, bs[i].ty, &self.pids[..i]);
            r = self.arena.mk_pi(bs[i].name.clone(), bs[i].info, ty, r);
        }
        r
    }

    /// Replaces every nested occurrence in `e` (outermost first).
    fn replace_all(
        &mut self,
        e: ExprId,
        bs: &[Binder],
        memo: &mut FxHashMap<ExprId, ExprId>,
    ) -> Res<ExprId> {
        if let Some(&r) = memo.get(&e) {
            return Ok(r);
        }
        let r = match self.replace_if_nested(e, bs)? {
            Some(r) => r,
            None => match self.arena.kind(e).clone() {
                ExprKind::App(f, a) => {
                    let f2 = self.replace_all(f, bs, memo)?;
                    let a2 = self.replace_all(a, bs, memo)?;
                    self.arena.mk_app(f2, a2)
                }
                ExprKind::Lam(n, bi, t, b) => {
                    let t2 = self.replace_all(t, bs, memo)?;
                    let b2 = self.replace_all(b, bs, memo)?;
                    self.arena.mk_lam(n, bi, t2, b2)
                }
                ExprKind::Pi(n, bi, t, b) => {
                    let t2 = self.replace_all(t, bs, memo)?;
                    let b2 = self.replace_all(b, bs, memo)?;
                    self.arena.mk_pi(n, bi, t2, b2)
                }
                ExprKind::Let(n, t, v, b) => {
                    let t2 = self.replace_all(t, bs, memo)?;
                    let v2 = self.replace_all(v, bs, memo)?;
                    let b2 = self.replace_all(b, bs, memo)?;
                    self.arena.mk_let(n, t2, v2, b2)
                }
                ExprKind::Proj(s, i, x) => {
                    let x2 = self.replace_all(x, bs, memo)?;
                    self.arena.mk_proj(s, i, x2)
                }
                _ => e,
            },
        };
        memo.insert(e, r);
        Ok(r)
    }

    /// `aux As rest`
    fn aux_app(&mut self, aux: &Name, rest: &[ExprId]) -> ExprId {
        let c = self.arena.mk_const(aux.clone(), self.lvls.clone());
        let c = self.arena.mk_apps(c, &self.pvars.clone());
        self.arena.mk_apps(c, rest)
    }

    /// Lean's `mk_unique_name`: `n_k` for the next `k` not naming a constant.
    fn mk_unique_name(&mut self, n: &Name) -> Name {
        loop {
            let r = append_after(n, &format!("_{}", self.next_idx));
            self.next_idx += 1;
            if !self.env.contains(&r) && !self.type_names.contains(&r) {
                return r;
            }
        }
    }

    /// The type `ty` (of a constant with universe parameters `lps`) at levels
    /// `ls`, with its first `args.len()` binders instantiated by `args`.
    fn instantiate_params(
        &mut self,
        constant: &Name,
        ty: ExprId,
        lps: &[Name],
        ls: &[Level],
        args: &[ExprId],
    ) -> Res<ExprId> {
        if lps.len() != ls.len() {
            return Err(KernelError::WrongNumLevels {
                constant: constant.clone(),
                expected: lps.len(),
                got: ls.len(),
            });
        }
        let mut t = instantiate_level_params(self.arena, ty, lps, ls);
        for _ in 0..args.len() {
            match self.arena.kind(t) {
                ExprKind::Pi(_, _, _, b) => t = *b,
                _ => {
                    return Err(
                        self.bad_nesting(format!("{constant} has fewer binders than parameters"))
                    )
                }
            }
        }
        Ok(instantiate_rev(self.arena, t, args))
    }

    /// If `e` is a nested occurrence `I Ds is`, returns `Iaux As is`, creating
    /// auxiliary types for `I`'s whole mutual block the first time `I Ds` is met.
    fn replace_if_nested(&mut self, e: ExprId, bs: &[Binder]) -> Res<Option<ExprId>> {
        if !matches!(self.arena.kind(e), ExprKind::App(..)) {
            return Ok(None);
        }
        let (f, args) = self.arena.app_args(e);
        let (i_name, i_lvls) = match self.arena.kind(f) {
            ExprKind::Const(n, ls) => (n.clone(), ls.clone()),
            _ => return Ok(None),
        };
        let env = self.env;
        let Some(info) = env.get(&i_name) else {
            return Ok(None);
        };
        let (inp, all) = match &info.kind {
            ConstantKind::Inductive {
                num_params, all, ..
            } => (*num_params as usize, all.clone()),
            _ => return Ok(None),
        };
        if inp > args.len() {
            return Ok(None);
        }
        let mut is_nested = false;
        let mut loose = false;
        for &a in &args[..inp] {
            if self.arena.bvar_range(a) > 0 {
                loose = true;
            }
            if mentions_any(&*self.arena, a, &self.type_names) {
                is_nested = true;
            }
        }
        if !is_nested {
            return Ok(None);
        }
        if loose {
            return Err(self.bad_nesting(format!(
                "the parameters of the nested occurrence of {i_name} cannot contain local variables"
            )));
        }
        let ias = self.arena.mk_apps(f, &args[..inp]);
        if let Some(aux) = self
            .nested_aux
            .iter()
            .find(|(k, _)| *k == ias)
            .map(|(_, n)| n.clone())
        {
            return Ok(Some(self.aux_app(&aux, &args[inp..])));
        }
        let mut result = None;
        for j_name in all.iter() {
            let j_info = match env.get(j_name) {
                Some(j) if j.is_inductive() => j,
                _ => return Err(self.bad_nesting(format!("{j_name} is not an inductive type"))),
            };
            let j_ctors = match &j_info.kind {
                ConstantKind::Inductive { ctors, .. } => ctors.clone(),
                _ => Arc::from(Vec::new()),
            };
            let j_const = self.arena.mk_const(j_name.clone(), i_lvls.clone());
            let jas = self.arena.mk_apps(j_const, &args[..inp]);
            let aux_name = self.mk_unique_name(&concat(&nested_prefix(), j_name));
            let aux_ty = self.instantiate_params(
                j_name,
                j_info.ty,
                &j_info.level_params,
                &i_lvls,
                &args[..inp],
            )?;
            let aux_ty = self.mk_pi_params(bs, aux_ty);
            self.nested_aux.push((jas, aux_name.clone()));
            if *j_name == i_name {
                result = Some(self.aux_app(&aux_name, &args[inp..]));
            }
            let mut aux_ctors = Vec::with_capacity(j_ctors.len());
            for c in j_ctors.iter() {
                let c_info = match env.get(c) {
                    Some(ci) if ci.is_constructor() => ci,
                    _ => return Err(self.bad_nesting(format!("{c} is not a constructor"))),
                };
                let aux_c = replace_prefix(c, j_name, &aux_name);
                let ty = self.instantiate_params(
                    c,
                    c_info.ty,
                    &c_info.level_params,
                    &i_lvls,
                    &args[..inp],
                )?;
                let ty = self.mk_pi_params(bs, ty);
                self.aux_ctors
                    .insert(aux_c.clone(), (c.clone(), aux_name.clone()));
                aux_ctors.push(Constructor { name: aux_c, ty });
            }
            self.type_names.insert(aux_name.clone());
            self.types.push(InductiveType {
                name: aux_name,
                ty: aux_ty,
                ctors: aux_ctors,
            });
        }
        match result {
            Some(r) => Ok(Some(r)),
            None => Err(self.bad_nesting(format!("{i_name} is not in its own mutual block"))),
        }
    }
}

impl Elim {
    /// Translates a generated term (a recursor type or rule, a constructor
    /// type) of the extended block back: auxiliary types become the nested
    /// occurrences they stand for, auxiliary constructors `J`'s constructors,
    /// and recursor names are renamed by `rec_map`. `e` starts with the
    /// block's parameters as Π or λ binders.
    pub(super) fn restore(
        &self,
        arena: &mut Arena,
        e: ExprId,
        rec_map: &FxHashMap<Name, Name>,
    ) -> Res<ExprId> {
        let np = self.num_params;
        let pids = param_ids(np);
        let bad = |what: &str| KernelError::Inductive {
            name: self.decl.types[0].name.clone(),
            failure: InductiveFailure::BadNesting(format!(
                "cannot restore nested occurrences: {what}"
            )),
        };
        let mut binders = Vec::with_capacity(np);
        let mut cur = e;
        for &pid in &pids {
            let (is_pi, n, bi, d, b) = match arena.kind(cur).clone() {
                ExprKind::Pi(n, bi, d, b) => (true, n, bi, d, b),
                ExprKind::Lam(n, bi, d, b) => (false, n, bi, d, b),
                _ => return Err(bad("a generated term does not start with the parameters")),
            };
            binders.push((is_pi, n, bi, d));
            let v = arena.mk_fvar(pid);
            cur = instantiate1(arena, b, v);
        }
        let mut memo = FxHashMap::default();
        let body = self
            .restore_rec(arena, cur, rec_map, &mut memo)
            .ok_or_else(|| bad("malformed application"))?;
        let mut r = abstract_fvars(arena, body, &pids);
        for i in (0..np).rev() {
            let (is_pi, n, bi, d) = binders[i].clone();
            let d = abstract_fvars(arena, d, &pids[..i]);
            r = if is_pi {
                arena.mk_pi(n, bi, d, r)
            } else {
                arena.mk_lam(n, bi, d, r)
            };
        }
        if arena.has_fvar(r) || arena.bvar_range(r) != 0 {
            return Err(bad("the result is not closed"));
        }
        Ok(r)
    }

    fn restore_rec(
        &self,
        arena: &mut Arena,
        e: ExprId,
        rec_map: &FxHashMap<Name, Name>,
        memo: &mut FxHashMap<ExprId, ExprId>,
    ) -> Option<ExprId> {
        if let Some(&r) = memo.get(&e) {
            return Some(r);
        }
        let np = self.num_params;
        let mut replaced = None;
        if let ExprKind::Const(n, ls) = arena.kind(e) {
            if let Some(new) = rec_map.get(n) {
                let ls = ls.clone();
                replaced = Some(arena.mk_const(new.clone(), ls));
            }
        }
        if replaced.is_none() {
            let (f, args) = arena.app_args(e);
            if let ExprKind::Const(fname, _) = arena.kind(f) {
                if let Some(&nested) = self.aux_map.get(fname) {
                    // `auxJ As is` ↦ `J Ds is`
                    let rest = args.get(np..)?;
                    replaced = Some(arena.mk_apps(nested, rest));
                } else if let Some((j_ctor, aux)) = self.aux_ctors.get(fname) {
                    // `auxJ.c As xs` ↦ `J.c Ds xs`
                    let rest = args.get(np..)?;
                    let nested = *self.aux_map.get(aux)?;
                    let (head, ds) = arena.app_args(nested);
                    let ls = match arena.kind(head) {
                        ExprKind::Const(_, ls) => ls.clone(),
                        _ => return None,
                    };
                    let c = arena.mk_const(j_ctor.clone(), ls);
                    let c = arena.mk_apps(c, &ds);
                    replaced = Some(arena.mk_apps(c, rest));
                }
            }
        }
        let r = match replaced {
            Some(r) => r,
            None => match arena.kind(e).clone() {
                ExprKind::App(f, a) => {
                    let f2 = self.restore_rec(arena, f, rec_map, memo)?;
                    let a2 = self.restore_rec(arena, a, rec_map, memo)?;
                    arena.mk_app(f2, a2)
                }
                ExprKind::Lam(n, bi, t, b) => {
                    let t2 = self.restore_rec(arena, t, rec_map, memo)?;
                    let b2 = self.restore_rec(arena, b, rec_map, memo)?;
                    arena.mk_lam(n, bi, t2, b2)
                }
                ExprKind::Pi(n, bi, t, b) => {
                    let t2 = self.restore_rec(arena, t, rec_map, memo)?;
                    let b2 = self.restore_rec(arena, b, rec_map, memo)?;
                    arena.mk_pi(n, bi, t2, b2)
                }
                ExprKind::Let(n, t, v, b) => {
                    let t2 = self.restore_rec(arena, t, rec_map, memo)?;
                    let v2 = self.restore_rec(arena, v, rec_map, memo)?;
                    let b2 = self.restore_rec(arena, b, rec_map, memo)?;
                    arena.mk_let(n, t2, v2, b2)
                }
                ExprKind::Proj(s, i, x) => {
                    let x2 = self.restore_rec(arena, x, rec_map, memo)?;
                    arena.mk_proj(s, i, x2)
                }
                _ => e,
            },
        };
        memo.insert(e, r);
        Some(r)
    }
}
