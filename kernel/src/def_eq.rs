//! Definitional equality, as Lean 4's kernel decides it.
//!
//! Order of attempts: identical ids and the union-find of proven equalities;
//! sorts, binders and literals structurally; `whnf_core` on both sides; proof
//! irrelevance; lazy delta reduction (unfold the side with the greater
//! definitional height first, comparing arguments when both heads are the same
//! definition) interleaved with Nat literal arithmetic and `n+1 ≡ Nat.succ n`;
//! then constants, free variables and projections; applications argument-wise;
//! eta for functions, eta for structures, string literal expansion, and
//! unit-like types. Successes are merged into the union-find, failures of the
//! argument-wise shortcut remembered.

use crate::declaration::ConstantKind;
use crate::expr::{ExprId, ExprKind, ExprStore};
use crate::instantiate::instantiate_rev;
use crate::known::known;
use crate::level::Level;
use crate::type_checker::{guarded, Res, TypeChecker};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use std::cmp::Ordering;

/// A three-valued answer: `Some(true|false)` decided, `None` unknown.
type Tri = Option<bool>;

impl TypeChecker<'_> {
    /// Whether `a` and `b` are definitionally equal.
    pub fn is_def_eq(&mut self, a: ExprId, b: ExprId) -> Res<bool> {
        if a == b {
            return Ok(true);
        }
        let r = guarded!(self, self.is_def_eq_core(a, b))?;
        if r {
            self.eqv.merge(a, b);
        }
        Ok(r)
    }

    fn quick_is_def_eq(&mut self, a: ExprId, b: ExprId) -> Res<Tri> {
        if self.eqv.is_equiv(a, b) {
            return Ok(Some(true));
        }
        match (self.st.kind(a), self.st.kind(b)) {
            (ExprKind::Lam(..), ExprKind::Lam(..)) | (ExprKind::Pi(..), ExprKind::Pi(..)) => {}
            (ExprKind::Sort(l1), ExprKind::Sort(l2)) => return Ok(Some(l1.equiv(l2))),
            (ExprKind::NatLit(x), ExprKind::NatLit(y)) => return Ok(Some(x == y)),
            (ExprKind::StrLit(x), ExprKind::StrLit(y)) => return Ok(Some(x == y)),
            _ => return Ok(None),
        }
        Ok(Some(self.is_def_eq_binding(a, b)?))
    }

    fn is_def_eq_core(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        if let Some(r) = self.quick_is_def_eq(t, s)? {
            return Ok(r);
        }
        let t_n = self.whnf_core_with(t, true)?;
        let s_n = self.whnf_core_with(s, true)?;
        if t_n != t || s_n != s {
            if let Some(r) = self.quick_is_def_eq(t_n, s_n)? {
                return Ok(r);
            }
        }
        if let Some(r) = self.is_def_eq_proof_irrel(t_n, s_n)? {
            return Ok(r);
        }
        let (t_n, s_n, r) = self.lazy_delta_reduction(t_n, s_n)?;
        if let Some(r) = r {
            return Ok(r);
        }
        let same_proj = match (self.st.kind(t_n), self.st.kind(s_n)) {
            (ExprKind::Const(n1, l1), ExprKind::Const(n2, l2))
                if n1 == n2 && levels_equiv(l1, l2) =>
            {
                return Ok(true);
            }
            (ExprKind::FVar(f1), ExprKind::FVar(f2)) if f1 == f2 => return Ok(true),
            (ExprKind::Proj(_, i1, x1), ExprKind::Proj(_, i2, x2)) if i1 == i2 => Some((*x1, *x2)),
            _ => None,
        };
        if let Some((x1, x2)) = same_proj {
            if self.is_def_eq(x1, x2)? {
                return Ok(true);
            }
        }
        // Full projection reduction now that the cheap attempts failed.
        let t_w = self.whnf_core(t_n)?;
        let s_w = self.whnf_core(s_n)?;
        if t_w != t_n || s_w != s_n {
            return self.is_def_eq(t_w, s_w);
        }
        if self.is_def_eq_app(t_n, s_n)? {
            return Ok(true);
        }
        if self.try_eta_expansion(t_n, s_n)? {
            return Ok(true);
        }
        if self.try_eta_struct(t_n, s_n)? {
            return Ok(true);
        }
        if let Some(r) = self.try_string_lit_expansion(t_n, s_n)? {
            return Ok(r);
        }
        if self.is_def_eq_unit_like(t_n, s_n)? {
            return Ok(true);
        }
        Ok(false)
    }

    /// Compares two binder telescopes of the same kind.
    fn is_def_eq_binding(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        let mut fvars: Vec<ExprId> = Vec::new();
        let (mut t, mut s) = (t, s);
        while let Some((n, bi, d1, b1, d2, b2)) = match (self.st.kind(t), self.st.kind(s)) {
            (ExprKind::Lam(n, bi, d1, b1), ExprKind::Lam(_, _, d2, b2))
            | (ExprKind::Pi(n, bi, d1, b1), ExprKind::Pi(_, _, d2, b2)) => {
                Some((n.clone(), *bi, *d1, *b1, *d2, *b2))
            }
            _ => None,
        } {
            let d1i = instantiate_rev(&mut self.st, d1, &fvars);
            if d1 != d2 {
                let d2i = instantiate_rev(&mut self.st, d2, &fvars);
                if !self.is_def_eq(d1i, d2i)? {
                    return Ok(false);
                }
            }
            fvars.push(self.mk_local(n, bi, d1i));
            t = b1;
            s = b2;
        }
        let ti = instantiate_rev(&mut self.st, t, &fvars);
        let si = instantiate_rev(&mut self.st, s, &fvars);
        self.is_def_eq(ti, si)
    }

    fn is_def_eq_proof_irrel(&mut self, t: ExprId, s: ExprId) -> Res<Tri> {
        let t_ty = self.infer_only(t)?;
        if !self.is_prop(t_ty)? {
            return Ok(None);
        }
        let s_ty = self.infer_only(s)?;
        Ok(Some(self.is_def_eq(t_ty, s_ty)?))
    }

    /// `n ≡ m` for literals, `succ x ≡ succ y` (a literal `k+1` counts as `succ k`).
    fn is_def_eq_offset_nat(&mut self, t: ExprId, s: ExprId) -> Res<Tri> {
        if let (Some(a), Some(b)) = (self.nat_lit_value(t), self.nat_lit_value(s)) {
            return Ok(Some(a == b));
        }
        match (self.nat_pred(t), self.nat_pred(s)) {
            (Some(a), Some(b)) => Ok(Some(self.is_def_eq(a, b)?)),
            _ => Ok(None),
        }
    }

    /// `x` when `e` is `Nat.succ x` or a literal `x+1`.
    fn nat_pred(&mut self, e: ExprId) -> Option<ExprId> {
        match self.st.kind(e) {
            ExprKind::NatLit(n) if !n.is_zero() => {
                let pred = (**n).clone() - BigUint::one();
                Some(self.st.mk_nat(pred))
            }
            ExprKind::App(f, a) if self.st.is_const_named(*f, &known().nat_succ) => Some(*a),
            _ => None,
        }
    }

    /// Unfolds definitions on either side, guided by their heights, until the
    /// two sides are decided equal or different, or neither can be unfolded.
    fn lazy_delta_reduction(&mut self, mut t: ExprId, mut s: ExprId) -> Res<(ExprId, ExprId, Tri)> {
        loop {
            self.enter()?;
            self.depth -= 1;
            if let Some(r) = self.is_def_eq_offset_nat(t, s)? {
                return Ok((t, s, Some(r)));
            }
            if !self.st.has_fvar(t) && !self.st.has_fvar(s) {
                if let Some(tv) = self.reduce_nat(t)? {
                    return Ok((t, s, Some(self.is_def_eq(tv, s)?)));
                }
                if let Some(sv) = self.reduce_nat(s)? {
                    return Ok((t, s, Some(self.is_def_eq(t, sv)?)));
                }
            }
            let dt = self.delta_info(t).map(|i| (i.name.clone(), i.hints()));
            let ds = self.delta_info(s).map(|i| (i.name.clone(), i.hints()));
            match (dt, ds) {
                (None, None) => return Ok((t, s, None)),
                (Some(_), None) => {
                    let u = self
                        .unfold_definition(t)
                        .expect("delta_info said unfoldable");
                    t = self.whnf_core_with(u, true)?;
                }
                (None, Some(_)) => {
                    let u = self
                        .unfold_definition(s)
                        .expect("delta_info said unfoldable");
                    s = self.whnf_core_with(u, true)?;
                }
                (Some((nt, ht)), Some((ns, hs))) => match ht.compare(hs) {
                    Ordering::Greater => {
                        let u = self.unfold_definition(t).expect("unfoldable");
                        t = self.whnf_core_with(u, true)?;
                    }
                    Ordering::Less => {
                        let u = self.unfold_definition(s).expect("unfoldable");
                        s = self.whnf_core_with(u, true)?;
                    }
                    Ordering::Equal => {
                        if nt == ns
                            && matches!(self.st.kind(t), ExprKind::App(..))
                            && matches!(self.st.kind(s), ExprKind::App(..))
                            && matches!(ht, crate::declaration::ReducibilityHints::Regular(_))
                            && !self.failures.contains(&(t, s))
                        {
                            let lt = self.st.head_const(t).map(|(_, l)| l.clone());
                            let ls = self.st.head_const(s).map(|(_, l)| l.clone());
                            let same_levels = match (lt, ls) {
                                (Some(a), Some(b)) => levels_equiv(&a, &b),
                                _ => false,
                            };
                            if same_levels && self.is_def_eq_args(t, s)? {
                                return Ok((t, s, Some(true)));
                            }
                            self.failures.insert((t, s));
                        }
                        let u = self.unfold_definition(t).expect("unfoldable");
                        t = self.whnf_core_with(u, true)?;
                        let u = self.unfold_definition(s).expect("unfoldable");
                        s = self.whnf_core_with(u, true)?;
                    }
                },
            }
            if let Some(r) = self.quick_is_def_eq(t, s)? {
                return Ok((t, s, Some(r)));
            }
        }
    }

    /// Same number of arguments, pairwise definitionally equal.
    fn is_def_eq_args(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        let (_, ta) = self.st.app_args(t);
        let (_, sa) = self.st.app_args(s);
        if ta.len() != sa.len() {
            return Ok(false);
        }
        for (a, b) in ta.into_iter().zip(sa) {
            if !self.is_def_eq(a, b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn is_def_eq_app(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        if !matches!(self.st.kind(t), ExprKind::App(..))
            || !matches!(self.st.kind(s), ExprKind::App(..))
        {
            return Ok(false);
        }
        let (tf, ta) = self.st.app_args(t);
        let (sf, sa) = self.st.app_args(s);
        if ta.len() != sa.len() || !self.is_def_eq(tf, sf)? {
            return Ok(false);
        }
        for (a, b) in ta.into_iter().zip(sa) {
            if !self.is_def_eq(a, b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `(λ x, f x) ≡ f` for `f` of function type.
    fn try_eta_expansion(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        Ok(self.try_eta_expansion_core(t, s)? || self.try_eta_expansion_core(s, t)?)
    }

    fn try_eta_expansion_core(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        if !matches!(self.st.kind(t), ExprKind::Lam(..))
            || matches!(self.st.kind(s), ExprKind::Lam(..))
        {
            return Ok(false);
        }
        let s_ty = self.infer_only(s)?;
        let s_ty = self.whnf(s_ty)?;
        match self.st.kind(s_ty).clone() {
            ExprKind::Pi(n, bi, d, _) => {
                let b0 = self.st.mk_bvar(0);
                let s_lifted = crate::instantiate::lift_loose_bvars(&mut self.st, s, 1);
                let body = self.st.mk_app(s_lifted, b0);
                let lam = self.st.mk_lam(n, bi, d, body);
                self.is_def_eq(t, lam)
            }
            _ => Ok(false),
        }
    }

    fn try_eta_struct(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        Ok(self.try_eta_struct_core(t, s)? || self.try_eta_struct_core(s, t)?)
    }

    /// `t ≡ S.mk params a₁ … aₙ` when `t.i ≡ aᵢ` for every field.
    fn try_eta_struct_core(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        let (f, args) = self.st.app_args(s);
        let ctor = match self.st.kind(f) {
            ExprKind::Const(n, _) => n.clone(),
            _ => return Ok(false),
        };
        let Some(ConstantKind::Constructor {
            induct,
            num_params,
            num_fields,
            ..
        }) = self.lookup(&ctor).map(|i| i.kind.clone())
        else {
            return Ok(false);
        };
        if args.len() != (num_params + num_fields) as usize || !self.is_structure_like(&induct) {
            return Ok(false);
        }
        let t_ty = self.infer_only(t)?;
        let s_ty = self.infer_only(s)?;
        if !self.is_def_eq(t_ty, s_ty)? {
            return Ok(false);
        }
        for i in 0..num_fields {
            let p = self.st.mk_proj(induct.clone(), i, t);
            if !self.is_def_eq(p, args[(num_params + i) as usize])? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn try_string_lit_expansion(&mut self, t: ExprId, s: ExprId) -> Res<Tri> {
        let is_lit = |tc: &Self, e: ExprId| matches!(tc.st.kind(e), ExprKind::StrLit(_));
        let is_ctor_app = |tc: &Self, e: ExprId| {
            matches!(tc.st.kind(tc.st.app_fn(e)), ExprKind::Const(n, _)
                if *n == known().string_of_list || *n == known().string_mk)
        };
        if is_lit(self, t) && is_ctor_app(self, s) {
            let te = self.string_lit_to_ctor(t);
            return Ok(Some(self.is_def_eq(te, s)?));
        }
        if is_lit(self, s) && is_ctor_app(self, t) {
            let se = self.string_lit_to_ctor(s);
            return Ok(Some(self.is_def_eq(t, se)?));
        }
        Ok(None)
    }

    /// Any two inhabitants of a type with one field-less constructor are equal.
    fn is_def_eq_unit_like(&mut self, t: ExprId, s: ExprId) -> Res<bool> {
        let t_ty = self.infer_only(t)?;
        let t_ty = self.whnf(t_ty)?;
        let induct = match self.st.head_const(t_ty) {
            Some((n, _)) => n.clone(),
            None => return Ok(false),
        };
        let Some(ConstantKind::Inductive { ctors, is_rec, .. }) =
            self.lookup(&induct).map(|i| &i.kind)
        else {
            return Ok(false);
        };
        if ctors.len() != 1 || *is_rec {
            return Ok(false);
        }
        let fields = match self.lookup(&ctors[0]).map(|i| &i.kind) {
            Some(ConstantKind::Constructor { num_fields, .. }) => *num_fields,
            _ => return Ok(false),
        };
        if fields != 0 {
            return Ok(false);
        }
        let s_ty = self.infer_only(s)?;
        self.is_def_eq(t_ty, s_ty)
    }
}

fn levels_equiv(a: &[Level], b: &[Level]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equiv(y))
}
