//! Weak-head normalization: beta, zeta (let and let-bound locals), delta
//! (unfolding definitions and theorems), iota (recursors on constructors,
//! with rule K and structure eta for the major premise), projections,
//! quotient reduction, and Lean's Nat literal arithmetic.
//!
//! `whnf_core` does everything but delta and Nat arithmetic; `whnf` adds them.
//! Both are cached per checker by expression id.

use crate::declaration::{ConstantInfo, ConstantKind, QuotKind};
use crate::expr::{ExprId, ExprKind, ExprStore};
use crate::instantiate::{instantiate, instantiate_level_params};
use crate::known::known;
use crate::level::Level;
use crate::name::Name;
use crate::nat_lit::{self, NatBinOp, NatValue};
use crate::type_checker::{guarded, Res, TypeChecker};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use std::sync::Arc;

/// The Nat operations computed on literals, by arity.
#[derive(Copy, Clone)]
enum NatHead {
    Succ,
    Log2,
    Bin(NatBinOp),
}

impl TypeChecker<'_> {
    /// Weak-head normal form with delta reduction.
    pub fn whnf(&mut self, e: ExprId) -> Res<ExprId> {
        match self.st.kind(e) {
            ExprKind::BVar(_)
            | ExprKind::Sort(_)
            | ExprKind::Pi(..)
            | ExprKind::Lam(..)
            | ExprKind::NatLit(_)
            | ExprKind::StrLit(_) => return Ok(e),
            _ => {}
        }
        if let Some(&r) = self.whnf_cache.get(&e) {
            return Ok(r);
        }
        let r = guarded!(self, {
            let mut t = e;
            loop {
                let c = self.whnf_core(t)?;
                if let Some(v) = self.reduce_nat(c)? {
                    break Ok(v);
                }
                match self.unfold_definition(c) {
                    Some(next) => t = next,
                    None => break Ok(c),
                }
            }
        })?;
        self.whnf_cache.insert(e, r);
        Ok(r)
    }

    /// Weak-head normal form without delta reduction.
    pub fn whnf_core(&mut self, e: ExprId) -> Res<ExprId> {
        self.whnf_core_with(e, false)
    }

    /// `cheap_proj`: reduce a projection's argument with `whnf_core` only.
    pub(crate) fn whnf_core_with(&mut self, e: ExprId, cheap_proj: bool) -> Res<ExprId> {
        match self.st.kind(e) {
            ExprKind::BVar(_)
            | ExprKind::Sort(_)
            | ExprKind::Pi(..)
            | ExprKind::Lam(..)
            | ExprKind::NatLit(_)
            | ExprKind::StrLit(_)
            | ExprKind::Const(..) => return Ok(e),
            ExprKind::FVar(f) => {
                let v = self.lctx.get(f.0 as usize).and_then(|d| d.value);
                return match v {
                    Some(v) => self.whnf_core_with(v, cheap_proj),
                    None => Ok(e),
                };
            }
            _ => {}
        }
        if let Some(&r) = self.whnf_core_cache.get(&e) {
            return Ok(r);
        }
        let r = guarded!(self, {
            match *self.st.kind(e) {
                ExprKind::App(..) => {
                    let (f0, args) = self.st.app_args(e);
                    let f = self.whnf_core_with(f0, cheap_proj)?;
                    if let ExprKind::Lam(..) = self.st.kind(f) {
                        let r = self.beta_apps(f, &args);
                        self.whnf_core_with(r, cheap_proj)
                    } else if f == f0 {
                        match self.reduce_recursor(e, cheap_proj)? {
                            Some(r) => self.whnf_core_with(r, cheap_proj),
                            None => Ok(e),
                        }
                    } else {
                        let r = self.st.mk_apps(f, &args);
                        self.whnf_core_with(r, cheap_proj)
                    }
                }
                ExprKind::Let(_, _, v, b) => {
                    let r = instantiate(&mut self.st, b, &[v]);
                    self.whnf_core_with(r, cheap_proj)
                }
                ExprKind::Proj(_, idx, x) => match self.reduce_proj(idx, x, cheap_proj)? {
                    Some(r) => self.whnf_core_with(r, cheap_proj),
                    None => Ok(e),
                },
                _ => Ok(e),
            }
        })?;
        if !cheap_proj {
            self.whnf_core_cache.insert(e, r);
        }
        Ok(r)
    }

    /// The definition or theorem at the head of `e`, if it can be unfolded.
    pub(crate) fn delta_info(&self, e: ExprId) -> Option<&ConstantInfo> {
        let (n, ls) = self.st.head_const(e)?;
        let info = self.lookup(n)?;
        if info.value().is_some() && info.level_params.len() == ls.len() {
            Some(info)
        } else {
            None
        }
    }

    /// Unfolds the definition at the head of `e` once (and beta-reduces the head).
    pub(crate) fn unfold_definition(&mut self, e: ExprId) -> Option<ExprId> {
        let (f, args) = self.st.app_args(e);
        let (n, ls) = match self.st.kind(f) {
            ExprKind::Const(n, ls) => (n.clone(), ls.clone()),
            _ => return None,
        };
        let info = self.lookup(&n)?;
        let value = info.value()?;
        if info.level_params.len() != ls.len() {
            return None;
        }
        let v = instantiate_level_params(&mut self.st, value, &info.level_params, &ls);
        Some(self.beta_apps(v, &args))
    }

    /// `f a₁ … aₙ` with as many head lambdas of `f` consumed as possible.
    pub(crate) fn beta_apps(&mut self, f: ExprId, args: &[ExprId]) -> ExprId {
        let mut body = f;
        let mut m = 0;
        while m < args.len() {
            match *self.st.kind(body) {
                ExprKind::Lam(_, _, _, b) => {
                    body = b;
                    m += 1;
                }
                _ => break,
            }
        }
        let rev: Vec<ExprId> = args[..m].iter().rev().copied().collect();
        let inst = instantiate(&mut self.st, body, &rev);
        self.st.mk_apps(inst, &args[m..])
    }

    fn reduce_proj(&mut self, idx: u32, x: ExprId, cheap_proj: bool) -> Res<Option<ExprId>> {
        let mut c = if cheap_proj {
            self.whnf_core_with(x, true)?
        } else {
            self.whnf(x)?
        };
        if let ExprKind::StrLit(_) = self.st.kind(c) {
            c = self.string_lit_to_ctor(c);
        }
        let (f, args) = self.st.app_args(c);
        let num_params = match self.st.kind(f) {
            ExprKind::Const(n, _) => match self.lookup(n).map(|i| &i.kind) {
                Some(ConstantKind::Constructor { num_params, .. }) => *num_params as usize,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(args.get(num_params + idx as usize).copied())
    }

    // ----- literals ------------------------------------------------------

    pub(crate) fn nat_lit_value(&self, e: ExprId) -> Option<BigUint> {
        match self.st.kind(e) {
            ExprKind::NatLit(n) => Some((**n).clone()),
            ExprKind::Const(n, ls) if ls.is_empty() && *n == known().nat_zero => {
                Some(BigUint::zero())
            }
            _ => None,
        }
    }

    fn mk_known_const(&mut self, n: &Name) -> ExprId {
        self.st.mk_const(n.clone(), Arc::from(Vec::new()))
    }

    /// `n` as `Nat.zero` or `Nat.succ (n-1)`.
    pub(crate) fn nat_lit_to_ctor(&mut self, n: &BigUint) -> ExprId {
        let k = known();
        if n.is_zero() {
            return self.mk_known_const(&k.nat_zero);
        }
        let pred = self.st.mk_nat(n - BigUint::one());
        let succ = self.mk_known_const(&k.nat_succ);
        self.st.mk_app(succ, pred)
    }

    /// A string literal as `String.ofList [Char.ofNat c₁, …]` (or `String.mk`
    /// where the environment's `String` is built from a list).
    pub(crate) fn string_lit_to_ctor(&mut self, e: ExprId) -> ExprId {
        let s = match self.st.kind(e) {
            ExprKind::StrLit(s) => s.clone(),
            _ => return e,
        };
        let k = known();
        let zero = Arc::from(vec![Level::zero()]);
        let char_ty = self.mk_known_const(&k.char);
        let nil = self.st.mk_const(k.list_nil.clone(), Arc::clone(&zero));
        let cons = self.st.mk_const(k.list_cons.clone(), zero);
        let of_nat = self.mk_known_const(&k.char_of_nat);
        let mut list = self.st.mk_app(nil, char_ty);
        for ch in s.chars().rev() {
            let lit = self.st.mk_nat(BigUint::from(u32::from(ch)));
            let c = self.st.mk_app(of_nat, lit);
            let cons_ty = self.st.mk_app(cons, char_ty);
            let cons_c = self.st.mk_app(cons_ty, c);
            list = self.st.mk_app(cons_c, list);
        }
        let ctor = if self.lookup_exists(&k.string_of_list) {
            &k.string_of_list
        } else {
            &k.string_mk
        };
        let f = self.mk_known_const(ctor);
        self.st.mk_app(f, list)
    }

    /// Computes closed Nat arithmetic on literals (`Nat.add 2 3` ⇝ `5`).
    pub(crate) fn reduce_nat(&mut self, e: ExprId) -> Res<Option<ExprId>> {
        if self.st.has_fvar(e) {
            return Ok(None);
        }
        let nargs = self.st.app_num_args(e);
        if nargs == 0 || nargs > 2 {
            return Ok(None);
        }
        let (f, args) = self.st.app_args(e);
        let k = known();
        let head = match self.st.kind(f) {
            ExprKind::Const(n, ls) if ls.is_empty() => {
                let head = match nargs {
                    1 if *n == k.nat_succ => NatHead::Succ,
                    1 if *n == k.nat_log2 => NatHead::Log2,
                    2 => match k.nat_op(n) {
                        Some(op) => NatHead::Bin(op),
                        None => return Ok(None),
                    },
                    _ => return Ok(None),
                };
                // Only operations the environment declares are computed.
                if !self.lookup_exists(n) {
                    return Ok(None);
                }
                head
            }
            _ => return Ok(None),
        };
        let op = match head {
            NatHead::Bin(op) => op,
            unary => {
                let a = self.whnf(args[0])?;
                let Some(v) = self.nat_lit_value(a) else {
                    return Ok(None);
                };
                let r = match unary {
                    NatHead::Succ => v + BigUint::one(),
                    _ => nat_lit::log2(&v),
                };
                return Ok(Some(self.st.mk_nat(r)));
            }
        };
        let a = self.whnf(args[0])?;
        let Some(va) = self.nat_lit_value(a) else {
            return Ok(None);
        };
        let b = self.whnf(args[1])?;
        let Some(vb) = self.nat_lit_value(b) else {
            return Ok(None);
        };
        Ok(match nat_lit::compute(op, &va, &vb) {
            Some(NatValue::Num(n)) => Some(self.st.mk_nat(n)),
            Some(NatValue::Bool(b)) => {
                let n = if b { &k.bool_true } else { &k.bool_false };
                Some(self.st.mk_const(n.clone(), Arc::from(Vec::new())))
            }
            None => None,
        })
    }

    // ----- iota and quotients ---------------------------------------------

    fn reduce_recursor(&mut self, e: ExprId, cheap_proj: bool) -> Res<Option<ExprId>> {
        let (f, args) = self.st.app_args(e);
        let (n, ls) = match self.st.kind(f) {
            ExprKind::Const(n, ls) => (n.clone(), ls.clone()),
            _ => return Ok(None),
        };
        let Some(info) = self.lookup(&n) else {
            return Ok(None);
        };
        match &info.kind {
            ConstantKind::Recursor { .. } => self.reduce_rec_app(info, &ls, &args, cheap_proj),
            ConstantKind::Quot(QuotKind::Lift) => self.reduce_quot(&args, 5, 3),
            ConstantKind::Quot(QuotKind::Ind) => self.reduce_quot(&args, 4, 3),
            _ => Ok(None),
        }
    }

    fn reduce_quot(
        &mut self,
        args: &[ExprId],
        mk_pos: usize,
        arg_pos: usize,
    ) -> Res<Option<ExprId>> {
        if args.len() <= mk_pos {
            return Ok(None);
        }
        let mk = self.whnf(args[mk_pos])?;
        let (mk_f, mk_args) = self.st.app_args(mk);
        let is_mk = matches!(self.st.kind(mk_f), ExprKind::Const(n, _)
            if matches!(self.lookup(n).map(|i| &i.kind), Some(ConstantKind::Quot(QuotKind::Ctor))));
        if !is_mk || mk_args.len() != 3 {
            return Ok(None);
        }
        let r = self.st.mk_app(args[arg_pos], mk_args[2]);
        Ok(Some(self.st.mk_apps(r, &args[mk_pos + 1..])))
    }

    fn reduce_rec_app(
        &mut self,
        info: &ConstantInfo,
        ls: &Arc<[Level]>,
        args: &[ExprId],
        cheap_proj: bool,
    ) -> Res<Option<ExprId>> {
        let ConstantKind::Recursor {
            num_params,
            num_indices,
            num_motives,
            num_minors,
            rules,
            k,
            major_induct,
            ..
        } = &info.kind
        else {
            return Ok(None);
        };
        let major_idx = (num_params + num_motives + num_minors + num_indices) as usize;
        if args.len() <= major_idx || ls.len() != info.level_params.len() {
            return Ok(None);
        }
        let induct = major_induct.clone();
        let mut major = args[major_idx];
        if *k {
            major = self.ctor_for_rule_k(&induct, major, *num_params as usize)?;
        }
        major = if cheap_proj {
            self.whnf_core_with(major, true)?
        } else {
            self.whnf(major)?
        };
        if let Some(v) = self.nat_lit_value_strict(major) {
            major = self.nat_lit_to_ctor(&v);
        } else if let ExprKind::StrLit(_) = self.st.kind(major) {
            major = self.string_lit_to_ctor(major);
        } else if !self.is_ctor_app(major) {
            major = self.ctor_for_structure_eta(&induct, major)?;
        }
        let (mf, margs) = self.st.app_args(major);
        let ctor_name = match self.st.kind(mf) {
            ExprKind::Const(n, _) => n.clone(),
            _ => return Ok(None),
        };
        let Some(rule) = rules.iter().find(|r| r.ctor == ctor_name) else {
            return Ok(None);
        };
        let nfields = rule.num_fields as usize;
        if nfields > margs.len() {
            return Ok(None);
        }
        let rhs = instantiate_level_params(&mut self.st, rule.rhs, &info.level_params, ls);
        let pmm = (num_params + num_motives + num_minors) as usize;
        let mut r = self.st.mk_apps(rhs, &args[..pmm]);
        r = self.st.mk_apps(r, &margs[margs.len() - nfields..]);
        r = self.st.mk_apps(r, &args[major_idx + 1..]);
        Ok(Some(r))
    }

    fn nat_lit_value_strict(&self, e: ExprId) -> Option<BigUint> {
        match self.st.kind(e) {
            ExprKind::NatLit(n) => Some((**n).clone()),
            _ => None,
        }
    }

    pub(crate) fn is_ctor_app(&self, e: ExprId) -> bool {
        match self.st.kind(self.st.app_fn(e)) {
            ExprKind::Const(n, _) => self.lookup(n).is_some_and(|i| i.is_constructor()),
            _ => false,
        }
    }

    /// Structure-like: one constructor, no indices, not recursive.
    pub(crate) fn is_structure_like(&self, induct: &Name) -> bool {
        matches!(self.lookup(induct).map(|i| &i.kind),
            Some(ConstantKind::Inductive { ctors, num_indices, is_rec, .. })
                if ctors.len() == 1 && *num_indices == 0 && !*is_rec)
    }

    /// Rule K: a major premise of a K-like type reduces as if it were the
    /// (unique, field-less) constructor, provided the types agree.
    fn ctor_for_rule_k(&mut self, induct: &Name, e: ExprId, num_params: usize) -> Res<ExprId> {
        let ty = self.infer_only(e)?;
        let ty = self.whnf(ty)?;
        let (h, targs) = self.st.app_args(ty);
        let ls = match self.st.kind(h) {
            ExprKind::Const(n, ls) if n == induct => ls.clone(),
            _ => return Ok(e),
        };
        let Some(ConstantKind::Inductive { ctors, .. }) = self.lookup(induct).map(|i| &i.kind)
        else {
            return Ok(e);
        };
        if ctors.len() != 1 || targs.len() < num_params {
            return Ok(e);
        }
        let c = self.st.mk_const(ctors[0].clone(), ls);
        let new_e = self.st.mk_apps(c, &targs[..num_params]);
        let new_ty = self.infer_only(new_e)?;
        if self.is_def_eq(ty, new_ty)? {
            Ok(new_e)
        } else {
            Ok(e)
        }
    }

    /// Structure eta for a major premise: `e` ⇝ `S.mk params (e.1) … (e.n)`.
    fn ctor_for_structure_eta(&mut self, induct: &Name, e: ExprId) -> Res<ExprId> {
        if !self.is_structure_like(induct) {
            return Ok(e);
        }
        let ty = self.infer_only(e)?;
        let ty = self.whnf(ty)?;
        let (h, targs) = self.st.app_args(ty);
        let ls = match self.st.kind(h) {
            ExprKind::Const(n, ls) if n == induct => ls.clone(),
            _ => return Ok(e),
        };
        let ty_ty = self.infer_only(ty)?;
        let ty_ty = self.whnf(ty_ty)?;
        if matches!(self.st.kind(ty_ty), ExprKind::Sort(l) if l.is_zero()) {
            return Ok(e);
        }
        Ok(self.expand_eta_struct(induct, &ls, &targs, e))
    }

    /// `S.mk params (proj 0 e) … (proj (n-1) e)`.
    pub(crate) fn expand_eta_struct(
        &mut self,
        induct: &Name,
        ls: &Arc<[Level]>,
        params: &[ExprId],
        e: ExprId,
    ) -> ExprId {
        let Some(ConstantKind::Inductive { ctors, .. }) = self.lookup(induct).map(|i| &i.kind)
        else {
            return e;
        };
        let ctor = ctors[0].clone();
        let Some(ConstantKind::Constructor { num_fields, .. }) =
            self.lookup(&ctor).map(|i| &i.kind)
        else {
            return e;
        };
        let num_fields = *num_fields;
        let c = self.st.mk_const(ctor, ls.clone());
        let mut r = self.st.mk_apps(c, params);
        for i in 0..num_fields {
            let p = self.st.mk_proj(induct.clone(), i, e);
            r = self.st.mk_app(r, p);
        }
        r
    }
}
