//! `intro`, `exact`, `apply`, `rfl`, `symm`, `constructor`, `have`, `show`, `calc`.

use super::Goal;
use crate::elab::{err, Assignment, EResult, Elab};
use crate::syntax::{CalcStep, Pos, Term};
use proofmill_kernel::{instantiate1, BinderInfo, ConstantKind, ExprId, ExprKind, ExprStore, Name};

impl Elab<'_> {
    /// `intro x y …`: one goal for all the binders, and one delayed
    /// assignment, `fun x y … => ?g`, so that the proof is closed over the
    /// binders in one pass over it when it is instantiated, not one pass per
    /// binder (the term is the same).
    pub(crate) fn tac_intro(&mut self, g: &Goal, names: &[String], pos: Pos) -> EResult<Goal> {
        let count = names.len().max(1);
        let mut target = self.goal_type(g);
        let offered = g.ctx.is_empty() && !self.tc.store_ref().has_fvar(target);
        let mut ctx = g.ctx.clone();
        let mut xs = Vec::with_capacity(count);
        for i in 0..count {
            if i > 0 {
                target = self.inst(target);
            }
            let ty = if matches!(self.kind(target), ExprKind::Pi(..)) {
                target
            } else {
                self.whnf(target, pos)?
            };
            let ExprKind::Pi(n, bi, dom, body) = self.kind(ty) else {
                return err(pos, "intro: the goal is not a function type or ∀");
            };
            let name = match names.get(i).map(String::as_str) {
                Some("_") | None => format!("{}✝", n.last_str().unwrap_or("a")),
                Some(s) => s.to_string(),
            };
            let name = Name::str(&Name::anon(), &name);
            let reused = self.offered_locals.get(i).copied().filter(|&x| {
                offered
                    && !xs.contains(&x)
                    && self.tc.local_decl(x).is_some_and(|d| {
                        d.name == name && d.info == bi && d.ty == dom && d.value.is_none()
                    })
            });
            let x = match reused {
                Some(x) => x,
                None => self.tc.mk_local(name, bi, dom),
            };
            target = instantiate1(self.store(), body, x);
            ctx.push(x);
            xs.push(x);
        }
        let g2 = self.new_goal(target, ctx, pos);
        self.assign(
            g.mvar,
            Assignment::Delayed {
                xs,
                body: g2.mvar,
                args: vec![],
            },
        );
        Ok(g2)
    }

    pub(crate) fn tac_exact(&mut self, g: &Goal, e: &Term, pos: Pos) -> EResult<()> {
        let ty = self.goal_type(g);
        let v = self.elab(e, Some(ty))?;
        let v = self.inst(v);
        if self.has_unassigned(v) {
            let s = self.show(v);
            return err(
                pos,
                format!("exact: could not determine every part of\n  {s}"),
            );
        }
        self.assign(g.mvar, Assignment::Term(v));
        Ok(())
    }

    /// Applies `f` (already elaborated) to the goal: the new goals are its
    /// arguments that unification did not determine.
    pub(crate) fn apply_term(
        &mut self,
        g: &Goal,
        f: ExprId,
        pos: Pos,
    ) -> EResult<Option<Vec<Goal>>> {
        let target = self.goal_type(g);
        let fty = self.infer(f, pos)?;
        let nf = self.count_pis(fty, pos)?;
        let ng = self.count_pis(target, pos)?;
        let mut tries: Vec<usize> = Vec::new();
        if nf >= ng {
            tries.push(nf - ng);
        }
        tries.extend(0..=nf);
        tries.dedup();
        for k in tries {
            let snap = self.snapshot();
            let (e, ty, ms) = self.apply_mvars(f, k, pos)?;
            if self.unify(ty, target) {
                let e = self.inst(e);
                let mut explicit = Vec::new();
                let mut implicit = Vec::new();
                for (m, bi) in ms {
                    if self.is_unassigned_mvar(m) {
                        let goal = Goal {
                            mvar: m,
                            ctx: g.ctx.clone(),
                        };
                        if bi == BinderInfo::Default {
                            explicit.push(goal);
                        } else {
                            implicit.push(goal);
                        }
                    }
                }
                self.assign(g.mvar, Assignment::Term(e));
                explicit.extend(implicit);
                return Ok(Some(explicit));
            }
            self.rollback(snap);
        }
        Ok(None)
    }

    pub(crate) fn tac_apply(&mut self, g: &Goal, e: &Term, pos: Pos) -> EResult<Vec<Goal>> {
        let f = self.elab(e, None)?;
        match self.apply_term(g, f, pos)? {
            Some(goals) => Ok(goals),
            None => {
                let fty = self.infer(f, pos)?;
                let s = self.show(fty);
                err(
                    pos,
                    format!("apply failed: cannot unify the conclusion of\n  {s}\nwith the goal"),
                )
            }
        }
    }

    /// Closes `a = a` (up to definitional equality) or `a ↔ a`.
    pub(crate) fn tac_rfl(&mut self, g: &Goal, pos: Pos) -> EResult<()> {
        let mut ty = self.goal_type(g);
        for _ in 0..2 {
            if let Some(p) = self.match_eq(ty) {
                if self.unify(p.lhs, p.rhs) {
                    let proof = self.mk_refl(p.alpha, p.lhs, pos)?;
                    self.assign(g.mvar, Assignment::Term(proof));
                    return Ok(());
                }
                let (a, b) = (self.show(p.lhs), self.show(p.rhs));
                return err(
                    pos,
                    format!(
                        "rfl failed: the two sides are not definitionally equal\n  {a}\nand\n  {b}"
                    ),
                );
            }
            if let Some((a, b)) = self.match_iff(ty) {
                if self.unify(a, b) {
                    let c = self.mk_const_named_levels("Iff.refl", &[], pos)?;
                    let proof = self.store().mk_app(c, a);
                    self.assign(g.mvar, Assignment::Term(proof));
                    return Ok(());
                }
                return err(pos, "rfl failed: the two sides of ↔ differ");
            }
            ty = self.whnf(ty, pos)?;
        }
        err(pos, "rfl: the goal is not an equality or ↔")
    }

    pub(crate) fn tac_symm(&mut self, g: &Goal, pos: Pos) -> EResult<Goal> {
        let ty = self.goal_type(g);
        if let Some(p) = self.match_eq(ty) {
            let flipped = self.mk_eq(p.alpha, p.rhs, p.lhs, pos)?;
            let g2 = self.new_goal(flipped, g.ctx.clone(), pos);
            let q = super::EqParts {
                alpha: p.alpha,
                lhs: p.rhs,
                rhs: p.lhs,
            };
            let proof = self.mk_symm(q, g2.mvar, pos)?;
            self.assign(g.mvar, Assignment::Term(proof));
            return Ok(g2);
        }
        if let Some((a, b)) = self.match_iff(ty) {
            let iff = self.mk_const_named_levels("Iff", &[], pos)?;
            let flipped = self.store().mk_apps(iff, &[b, a]);
            let g2 = self.new_goal(flipped, g.ctx.clone(), pos);
            let c = self.mk_const_named_levels("Iff.symm", &[], pos)?;
            let proof = self.store().mk_apps(c, &[b, a, g2.mvar]);
            self.assign(g.mvar, Assignment::Term(proof));
            return Ok(g2);
        }
        err(pos, "symm: the goal is not an equality or ↔")
    }

    pub(crate) fn tac_constructor(&mut self, g: &Goal, pos: Pos) -> EResult<Vec<Goal>> {
        let ty = self.goal_type(g);
        let ty = self.whnf(ty, pos)?;
        let head = self.tc.store_ref().head_const(ty).map(|(n, _)| n.clone());
        let ctors = match head.and_then(|h| self.g.env.get(&h).map(|i| i.kind.clone())) {
            Some(ConstantKind::Inductive { ctors, .. }) => ctors,
            _ => return err(pos, "constructor: the goal is not an inductive type"),
        };
        for c in ctors.iter() {
            let f = self.mk_const_fresh(c);
            if let Some(goals) = self.apply_term(g, f, pos)? {
                return Ok(goals);
            }
        }
        err(pos, "constructor: no constructor applies to the goal")
    }

    pub(crate) fn tac_have(
        &mut self,
        g: &Goal,
        name: &str,
        ty: Option<&Term>,
        value: &Term,
        pos: Pos,
    ) -> EResult<Goal> {
        let ty = match ty {
            Some(t) => Some(self.elab_type(t)?),
            None => None,
        };
        let v = self.elab(value, ty)?;
        let v = self.inst(v);
        let ty = match ty {
            Some(t) => self.inst(t),
            None => self.infer(v, pos)?,
        };
        if self.has_unassigned(v) || self.has_unassigned(ty) {
            return err(pos, "have: could not determine every part of the value");
        }
        let h = self
            .tc
            .mk_local(Name::str(&Name::anon(), name), BinderInfo::Default, ty);
        let target = self.goal_type(g);
        let mut ctx = g.ctx.clone();
        ctx.push(h);
        let g2 = self.new_goal(target, ctx, pos);
        self.assign(
            g.mvar,
            Assignment::Delayed {
                xs: vec![h],
                body: g2.mvar,
                args: vec![v],
            },
        );
        Ok(g2)
    }

    pub(crate) fn tac_show(&mut self, g: &Goal, ty: &Term, pos: Pos) -> EResult<Goal> {
        let t = self.elab_type(ty)?;
        let target = self.goal_type(g);
        if !self.unify(t, target) {
            let s = self.show(t);
            return err(
                pos,
                format!("show: the type\n  {s}\nis not definitionally equal to the goal"),
            );
        }
        let t = self.inst(t);
        let g2 = self.new_goal(t, g.ctx.clone(), pos);
        self.assign(g.mvar, Assignment::Term(g2.mvar));
        Ok(g2)
    }

    pub(crate) fn tac_calc(&mut self, g: &Goal, steps: &[CalcStep], pos: Pos) -> EResult<()> {
        let (proof, ty) = self.elab_calc(steps, pos)?;
        let target = self.goal_type(g);
        if !self.unify(ty, target) {
            let s = self.show(ty);
            return err(
                pos,
                format!("calc: the chain proves\n  {s}\nwhich is not the goal"),
            );
        }
        let proof = self.inst(proof);
        self.assign(g.mvar, Assignment::Term(proof));
        Ok(())
    }

    /// `calc a = b := p  _ = c := q …`: a proof of `a = z` chained with `Eq.trans`.
    pub fn elab_calc(&mut self, steps: &[CalcStep], pos: Pos) -> EResult<(ExprId, ExprId)> {
        let mut acc: Option<(ExprId, super::EqParts)> = None;
        for s in steps {
            let rel = self.elab_type(&s.rel)?;
            let Some(p) = self.match_eq(rel) else {
                let shown = self.show(rel);
                return err(
                    s.rel.pos,
                    format!("calc: a step must be an equation, got\n  {shown}"),
                );
            };
            if let Some((_, prev)) = &acc {
                if !self.unify(p.lhs, prev.rhs) {
                    let (a, b) = (self.show(p.lhs), self.show(prev.rhs));
                    return err(
                        s.rel.pos,
                        format!("calc: this step starts at\n  {a}\nbut the previous one ended at\n  {b}"),
                    );
                }
            }
            let rel = self.inst(rel);
            let proof = self.elab(&s.proof, Some(rel))?;
            let p = self.match_eq(rel).expect("still an equation");
            acc = Some(match acc {
                None => (proof, p),
                Some((h1, prev)) => {
                    let h =
                        self.mk_trans(prev.alpha, (prev.lhs, prev.rhs, p.rhs), h1, proof, s.pos)?;
                    (
                        h,
                        super::EqParts {
                            alpha: prev.alpha,
                            lhs: prev.lhs,
                            rhs: p.rhs,
                        },
                    )
                }
            });
        }
        let Some((proof, p)) = acc else {
            return err(pos, "calc: no steps");
        };
        let ty = self.mk_eq(p.alpha, p.lhs, p.rhs, pos)?;
        Ok((self.inst(proof), ty))
    }
}
