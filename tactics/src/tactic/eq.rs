//! Building proofs about equality from the prelude's lemmas: `Eq.refl`,
//! `Eq.symm`, `Eq.trans`, `congrArg`, `Eq.mpr`, `Eq.mp`, `propext`.

use crate::elab::{err, EResult, Elab};
use crate::syntax::Pos;
use proofmill_kernel::{ExprId, ExprKind, ExprStore, Level, Name};
use std::sync::{Arc, OnceLock};

/// The names `match_eq` and `match_iff` look for on every goal of every
/// step, built once.
pub(crate) struct Known {
    pub eq: Name,
    pub iff: Name,
}

pub(crate) fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| Known {
        eq: Name::from_dotted("Eq"),
        iff: Name::from_dotted("Iff"),
    })
}

/// `f a` taken apart, or `None`.
pub(crate) fn app(st: &impl ExprStore, e: ExprId) -> Option<(ExprId, ExprId)> {
    match *st.kind(e) {
        ExprKind::App(f, a) => Some((f, a)),
        _ => None,
    }
}

/// `@Eq.{u} α a b`, taken apart.
#[derive(Clone, Copy, Debug)]
pub struct EqParts {
    pub alpha: ExprId,
    pub lhs: ExprId,
    pub rhs: ExprId,
}

impl Elab<'_> {
    /// `c.{…}` with universe arguments given by parameter name.
    pub fn mk_const_named_levels(
        &mut self,
        c: &str,
        levels: &[(&str, Level)],
        pos: Pos,
    ) -> EResult<ExprId> {
        if !self.names.prelude.contains_key(c) {
            let name = Name::from_dotted(c);
            let known = self.g.env.get(&name).map(|info| {
                let params = info.level_params.iter().map(|p| p.to_string()).collect();
                (name, params)
            });
            self.names.prelude.insert(c.to_string(), known);
        }
        let Some(Some((name, params))) = self.names.prelude.get(c) else {
            return err(
                pos,
                format!("the prelude's '{c}' is needed here but is not declared"),
            );
        };
        let ls: Vec<Level> = params
            .iter()
            .map(|s| match levels.iter().find(|(n, _)| *n == s.as_str()) {
                Some((_, l)) => l.clone(),
                None => Level::zero(),
            })
            .collect();
        if params.len() != levels.len() {
            return err(
                pos,
                format!(
                    "'{c}' must have the universe parameters {:?}",
                    levels.iter().map(|(n, _)| *n).collect::<Vec<_>>()
                ),
            );
        }
        let name = name.clone();
        Ok(self.store().mk_const(name, Arc::from(ls)))
    }

    /// `a = b` (after instantiating metavariables), or `None`.
    pub fn match_eq(&mut self, ty: ExprId) -> Option<EqParts> {
        let ty = self.inst(ty);
        let st = self.tc.store_ref();
        let (eq_alpha_lhs, rhs) = app(st, ty)?;
        let (eq_alpha, lhs) = app(st, eq_alpha_lhs)?;
        let (eq, alpha) = app(st, eq_alpha)?;
        st.is_const_named(eq, &known().eq)
            .then_some(EqParts { alpha, lhs, rhs })
    }

    /// `a ↔ b`, or `None`.
    pub fn match_iff(&mut self, ty: ExprId) -> Option<(ExprId, ExprId)> {
        let ty = self.inst(ty);
        let st = self.tc.store_ref();
        let (iff_a, b) = app(st, ty)?;
        let (iff, a) = app(st, iff_a)?;
        st.is_const_named(iff, &known().iff).then_some((a, b))
    }

    pub fn eq_level(&mut self, alpha: ExprId, pos: Pos) -> EResult<Level> {
        self.sort_level(alpha, pos)
    }

    pub fn mk_eq(&mut self, alpha: ExprId, a: ExprId, b: ExprId, pos: Pos) -> EResult<ExprId> {
        let u = self.eq_level(alpha, pos)?;
        let c = self.mk_const_named_levels("Eq", &[("u", u)], pos)?;
        Ok(self.store().mk_apps(c, &[alpha, a, b]))
    }

    pub fn mk_refl(&mut self, alpha: ExprId, a: ExprId, pos: Pos) -> EResult<ExprId> {
        let u = self.eq_level(alpha, pos)?;
        let c = self.mk_const_named_levels("Eq.refl", &[("u", u)], pos)?;
        Ok(self.store().mk_apps(c, &[alpha, a]))
    }

    /// From `h : a = b`, a proof of `b = a`.
    pub fn mk_symm(&mut self, p: EqParts, h: ExprId, pos: Pos) -> EResult<ExprId> {
        let u = self.eq_level(p.alpha, pos)?;
        let c = self.mk_const_named_levels("Eq.symm", &[("u", u)], pos)?;
        Ok(self.store().mk_apps(c, &[p.alpha, p.lhs, p.rhs, h]))
    }

    /// From `h1 : a = b` and `h2 : b = c`, a proof of `a = c`.
    pub fn mk_trans(
        &mut self,
        alpha: ExprId,
        (a, b, c): (ExprId, ExprId, ExprId),
        h1: ExprId,
        h2: ExprId,
        pos: Pos,
    ) -> EResult<ExprId> {
        let u = self.eq_level(alpha, pos)?;
        let k = self.mk_const_named_levels("Eq.trans", &[("u", u)], pos)?;
        Ok(self.store().mk_apps(k, &[alpha, a, b, c, h1, h2]))
    }

    /// From `h : a₁ = a₂` and `motive : α → Prop`: `motive a₁ = motive a₂`.
    pub fn mk_congr_prop(
        &mut self,
        p: EqParts,
        motive: ExprId,
        h: ExprId,
        pos: Pos,
    ) -> EResult<ExprId> {
        let prop = self.store().mk_sort(Level::zero());
        self.mk_congr_arg(p, prop, motive, h, pos)
    }

    /// From `h : a₁ = a₂` and `f : α → β`: `f a₁ = f a₂`.
    pub fn mk_congr_arg(
        &mut self,
        p: EqParts,
        beta: ExprId,
        f: ExprId,
        h: ExprId,
        pos: Pos,
    ) -> EResult<ExprId> {
        let u = self.eq_level(p.alpha, pos)?;
        let v = self.eq_level(beta, pos)?;
        let c = self.mk_const_named_levels("congrArg", &[("u", u), ("v", v)], pos)?;
        Ok(self
            .store()
            .mk_apps(c, &[p.alpha, beta, p.lhs, p.rhs, f, h]))
    }

    /// From `h : α = β` (propositions) and `b : β`, a proof of `α`.
    pub fn mk_mpr(
        &mut self,
        (alpha, beta): (ExprId, ExprId),
        h: ExprId,
        b: ExprId,
        pos: Pos,
    ) -> EResult<ExprId> {
        let c = self.mk_const_named_levels("Eq.mpr", &[("u", Level::zero())], pos)?;
        Ok(self.store().mk_apps(c, &[alpha, beta, h, b]))
    }

    /// From `h : α = β` (propositions) and `a : α`, a proof of `β`.
    pub fn mk_mp(
        &mut self,
        (alpha, beta): (ExprId, ExprId),
        h: ExprId,
        a: ExprId,
        pos: Pos,
    ) -> EResult<ExprId> {
        let c = self.mk_const_named_levels("Eq.mp", &[("u", Level::zero())], pos)?;
        Ok(self.store().mk_apps(c, &[alpha, beta, h, a]))
    }

    /// From `h : a ↔ b`, a proof of `a = b` (`propext`).
    pub fn mk_propext(&mut self, a: ExprId, b: ExprId, h: ExprId, pos: Pos) -> EResult<ExprId> {
        let c = self.mk_const_named_levels("propext", &[], pos)?;
        Ok(self.store().mk_apps(c, &[a, b, h]))
    }

    /// Beta-reduces every redex `(fun x => b) a` in `e`.
    pub fn beta(&mut self, e: ExprId) -> ExprId {
        let mut memo = std::collections::HashMap::new();
        self.beta_memo(e, &mut memo)
    }

    fn beta_memo(
        &mut self,
        e: ExprId,
        memo: &mut std::collections::HashMap<ExprId, ExprId>,
    ) -> ExprId {
        if let Some(&r) = memo.get(&e) {
            return r;
        }
        let r = match self.kind(e) {
            ExprKind::App(..) => {
                let (f, args) = self.tc.store_ref().app_args(e);
                let mut f = self.beta_memo(f, memo);
                let mut rest: Vec<ExprId> = args.iter().map(|&a| self.beta_memo(a, memo)).collect();
                let mut reduced = false;
                while let (ExprKind::Lam(_, _, _, body), false) = (self.kind(f), rest.is_empty()) {
                    let a = rest.remove(0);
                    f = proofmill_kernel::instantiate1(self.store(), body, a);
                    reduced = true;
                }
                let out = self.store().mk_apps(f, &rest);
                if reduced {
                    self.beta_memo(out, memo)
                } else {
                    out
                }
            }
            ExprKind::Lam(n, bi, t, b) => {
                let (t, b) = (self.beta_memo(t, memo), self.beta_memo(b, memo));
                self.store().mk_lam(n, bi, t, b)
            }
            ExprKind::Pi(n, bi, t, b) => {
                let (t, b) = (self.beta_memo(t, memo), self.beta_memo(b, memo));
                self.store().mk_pi(n, bi, t, b)
            }
            _ => e,
        };
        memo.insert(e, r);
        r
    }
}
