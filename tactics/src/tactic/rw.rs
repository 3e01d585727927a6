//! `rw [h, ← h', h a b] (at h)`, `nth_rewrite k [h]` and `simp only [rules]`.
//!
//! A rewrite elaborates the rule, instantiates its ∀s with metavariables,
//! finds the first instance of its left side in the target (pre-order, as
//! Lean's `kabstract`), abstracts every occurrence of that instance into a
//! motive, and proves the old target from the new one with
//! `Eq.mpr (congrArg motive h)`. Afterwards it tries to close the goal with
//! `rfl` (syntactic equality), as Lean's `rw` does.
//!
//! A goal `l = r` whose instances are all in `l` is proved the way a chain
//! of equations is: `Eq.trans (congrArg (fun x => l[x]) h) ?new` (`h` alone
//! when `l` is the instance), and a last rewrite that makes `l` into `r`
//! is the proof itself, with no `Eq.refl` after it. A script of such steps
//! builds `Eq.trans s₁ (Eq.trans s₂ … sₙ)`, the very term the generator
//! writes as a record's proof, so `verify` checks one term, not two.

use super::eq::app;
use super::{EqParts, Goal, MAX_SIMP_STEPS};
use crate::elab::{err, Assignment, EResult, Elab};
use crate::syntax::{Pos, RwRule};
use proofmill_kernel::{BinderInfo, ExprId, ExprKind, ExprStore, Name};

/// What one rule's rewrite left.
enum Rewritten {
    /// The goal, rewritten.
    Goal(Goal),
    /// Nothing: the rewrite proved the goal.
    Closed,
}

impl Elab<'_> {
    pub(crate) fn tac_rw(
        &mut self,
        g: &Goal,
        rules: &[RwRule],
        at: Option<&str>,
        occ: Option<usize>,
        pos: Pos,
    ) -> EResult<Vec<Goal>> {
        let mut g = g.clone();
        for (i, r) in rules.iter().enumerate() {
            self.set_scope(&g);
            match self.rewrite_once(&g, r, at, occ, i + 1 == rules.len())? {
                Rewritten::Goal(g2) => g = g2,
                Rewritten::Closed => return Ok(vec![]),
            }
        }
        if self.try_close_rfl(&g, pos)? {
            return Ok(vec![]);
        }
        Ok(vec![g])
    }

    /// Elaborates a rule as an equation `lhs = rhs` with its ∀s as metavariables.
    fn rule_eq(&mut self, r: &RwRule) -> EResult<(ExprId, EqParts)> {
        let (mut h, mut ty) = self.elab_with_type(&r.term, r.pos)?;
        loop {
            ty = self.inst(ty);
            if self.match_eq(ty).is_some() || self.match_iff(ty).is_some() {
                break;
            }
            if !matches!(self.kind(ty), ExprKind::Pi(..)) {
                let w = self.whnf(ty, r.pos)?;
                if !matches!(self.kind(w), ExprKind::Pi(..)) {
                    break;
                }
            }
            let (h2, ty2, _) = self.apply_mvars(h, 1, r.pos)?;
            h = h2;
            ty = ty2;
        }
        if let Some((a, b)) = self.match_iff(ty) {
            h = self.mk_propext(a, b, h, r.pos)?;
            let prop = self.store().mk_sort(proofmill_kernel::Level::zero());
            ty = self.mk_eq(prop, a, b, r.pos)?;
        }
        let Some(p) = self.match_eq(ty) else {
            let s = self.show(ty);
            return err(
                r.pos,
                format!("rw: the rule is not an equation or ↔:\n  {s}"),
            );
        };
        if r.reverse {
            let h2 = self.mk_symm(p, h, r.pos)?;
            return Ok((
                h2,
                EqParts {
                    alpha: p.alpha,
                    lhs: p.rhs,
                    rhs: p.lhs,
                },
            ));
        }
        Ok((h, p))
    }

    /// One rule's rewrite (`last`: the script's last, after which `rw`
    /// tries `rfl`).
    fn rewrite_once(
        &mut self,
        g: &Goal,
        r: &RwRule,
        at: Option<&str>,
        occ: Option<usize>,
        last: bool,
    ) -> EResult<Rewritten> {
        let (h, p) = self.rule_eq(r)?;
        if self.is_unassigned_mvar(p.lhs) {
            return err(r.pos, "rw: the left side of the rule is a metavariable");
        }
        let hyp = match at {
            Some(name) => match self.lookup_local(name) {
                Some(x) => Some(x),
                None => return err(r.pos, format!("rw: unknown hypothesis '{name}'")),
            },
            None => None,
        };
        let target = match hyp {
            Some(x) => self.tc.local_decl(x).map(|d| d.ty).expect("a local"),
            None => self.goal_type(g),
        };
        let target = self.inst(target);
        let Some(body) = self.kabstract(target, p.lhs, occ) else {
            let s = self.show(p.lhs);
            let t = self.show(target);
            let which = match occ {
                Some(k) => format!("instance number {k}"),
                None => "an instance".into(),
            };
            return err(
                r.pos,
                format!("rw: did not find {which} of the pattern\n  {s}\nin\n  {t}"),
            );
        };
        let h = self.inst(h);
        if self.has_unassigned(h) {
            return err(r.pos, "rw: could not determine every argument of the rule");
        }
        let p = EqParts {
            alpha: self.inst(p.alpha),
            lhs: self.inst(p.lhs),
            rhs: self.inst(p.rhs),
        };
        if hyp.is_none() {
            if let Some((goal, left, eq_alpha)) = self.left_side_only(target, body) {
                return self.rewrite_left_side(g, (p, h), (goal, eq_alpha), left, last, r.pos);
            }
        }
        let motive = self.motive(p.alpha, body, r.pos)?;
        let new_target = proofmill_kernel::instantiate1(self.store(), body, p.rhs);
        let cong = self.mk_congr_prop(p, motive, h, r.pos)?;
        match hyp {
            None => {
                let g2 = self.new_goal(new_target, g.ctx.clone(), r.pos);
                let proof = self.mk_mpr((target, new_target), cong, g2.mvar, r.pos)?;
                self.assign(g.mvar, Assignment::Term(proof));
                Ok(Rewritten::Goal(g2))
            }
            Some(x) => {
                let name = self
                    .tc
                    .local_decl(x)
                    .map(|d| d.name.clone())
                    .expect("a local");
                let proof = self.mk_mp((target, new_target), cong, x, r.pos)?;
                let h2 = self.tc.mk_local(name, BinderInfo::Default, new_target);
                let mut ctx: Vec<ExprId> = g.ctx.iter().copied().filter(|&y| y != x).collect();
                ctx.push(h2);
                let goal_ty = self.goal_type(g);
                let g2 = self.new_goal(goal_ty, ctx, r.pos);
                self.assign(
                    g.mvar,
                    Assignment::Delayed {
                        xs: vec![h2],
                        body: g2.mvar,
                        args: vec![proof],
                    },
                );
                Ok(Rewritten::Goal(g2))
            }
        }
    }

    /// `fun (x : alpha) => body`, which must be type correct.
    fn motive(&mut self, alpha: ExprId, body: ExprId, pos: Pos) -> EResult<ExprId> {
        let motive = self.store().mk_lam(
            Name::str(&Name::anon(), "x"),
            BinderInfo::Default,
            alpha,
            body,
        );
        if self.tc.infer(motive).is_err() {
            return err(pos, "rw: motive is not type correct");
        }
        Ok(motive)
    }

    /// When the abstracted target `body` is `l[x] = r` (every instance is
    /// in the left side of the target `l = r`): the target's parts, `l[x]`,
    /// and the target's own `@Eq α`.
    fn left_side_only(
        &mut self,
        target: ExprId,
        body: ExprId,
    ) -> Option<(EqParts, ExprId, ExprId)> {
        let goal = self.match_eq(target)?;
        let st = self.tc.store_ref();
        let (eq_alpha, _) = app(st, app(st, target)?.0)?;
        let (eq_alpha_left, right) = app(st, body)?;
        let (body_eq_alpha, left) = app(st, eq_alpha_left)?;
        (body_eq_alpha == eq_alpha && right == goal.rhs).then_some((goal, left, eq_alpha))
    }

    /// Rewrites the goal `l = r` with `h : a = b`, where `left` is `l` with
    /// the instances of `a` abstracted: `Eq.trans (congrArg (fun x =>
    /// left) h) ?new` with `?new : l[b] = r`, or, on the last rule when
    /// `l[b]` is `r`, the `congrArg` alone.
    fn rewrite_left_side(
        &mut self,
        g: &Goal,
        (p, h): (EqParts, ExprId),
        (goal, eq_alpha): (EqParts, ExprId),
        left: ExprId,
        last: bool,
        pos: Pos,
    ) -> EResult<Rewritten> {
        let new_lhs = proofmill_kernel::instantiate1(self.store(), left, p.rhs);
        let step = if matches!(self.kind(left), ExprKind::BVar(0)) {
            h
        } else {
            let motive = self.motive(p.alpha, left, pos)?;
            self.mk_congr_arg(p, goal.alpha, motive, h, pos)?
        };
        let st = self.tc.store_ref();
        if last && proofmill_kernel::alpha_eq(st, new_lhs, st, goal.rhs) {
            self.assign(g.mvar, Assignment::Term(step));
            return Ok(Rewritten::Closed);
        }
        // `@Eq α l r` with `l[b]` for `l`: the target's own `@Eq α`.
        let new_target = self.store().mk_apps(eq_alpha, &[new_lhs, goal.rhs]);
        let g2 = self.new_goal(new_target, g.ctx.clone(), pos);
        let proof = self.mk_trans(
            goal.alpha,
            (goal.lhs, new_lhs, goal.rhs),
            step,
            g2.mvar,
            pos,
        )?;
        self.assign(g.mvar, Assignment::Term(proof));
        Ok(Rewritten::Goal(g2))
    }

    /// Closes `a = a` or `a ↔ a` (syntactically), `True`; returns whether it did.
    pub(crate) fn try_close_rfl(&mut self, g: &Goal, pos: Pos) -> EResult<bool> {
        let ty = self.goal_type(g);
        if let Some(p) = self.match_eq(ty) {
            let st = self.tc.store_ref();
            let ground = !st.has_fvar(p.lhs) && !st.has_fvar(p.rhs);
            // Syntactic equality, or ground terms equal by evaluation (`0 + 0 = 0`).
            if proofmill_kernel::alpha_eq(st, p.lhs, st, p.rhs)
                || (ground && self.tc.is_def_eq(p.lhs, p.rhs).unwrap_or(false))
            {
                let proof = self.mk_refl(p.alpha, p.lhs, pos)?;
                self.assign(g.mvar, Assignment::Term(proof));
                return Ok(true);
            }
        }
        if let Some((a, b)) = self.match_iff(ty) {
            if a == b && self.g.env.contains(&Name::from_dotted("Iff.refl")) {
                let c = self.mk_const_named_levels("Iff.refl", &[], pos)?;
                let proof = self.store().mk_app(c, a);
                self.assign(g.mvar, Assignment::Term(proof));
                return Ok(true);
            }
        }
        if self
            .tc
            .store_ref()
            .is_const_named(ty, &Name::from_dotted("True"))
            && self.g.env.contains(&Name::from_dotted("True.intro"))
        {
            let c = self.mk_const_named_levels("True.intro", &[], pos)?;
            self.assign(g.mvar, Assignment::Term(c));
            return Ok(true);
        }
        Ok(false)
    }

    /// `e` with every instance of `p` (with `occ = Some(k)`, only the k-th,
    /// counted in pre-order from 1, as Mathlib's `nth_rewrite`) replaced by
    /// `#0` (one level up), or `None` when there is none. The first match
    /// fixes `p`'s metavariables.
    pub(crate) fn kabstract(&mut self, e: ExprId, p: ExprId, occ: Option<usize>) -> Option<ExprId> {
        let p = self.inst(p);
        let (ph, pargs) = self.tc.store_ref().app_args(p);
        let head = self.kind(ph);
        let mut found = Found {
            occ,
            seen: 0,
            abstracted: false,
        };
        self.syntactic = true;
        let r = self.kabstract_go(e, p, &head, pargs.len(), 0, &mut found);
        self.syntactic = false;
        found.abstracted.then_some(r)
    }

    fn kabstract_go(
        &mut self,
        e: ExprId,
        p: ExprId,
        head: &ExprKind,
        nargs: usize,
        offset: u32,
        found: &mut Found,
    ) -> ExprId {
        if found.occ.is_some_and(|k| found.seen >= k) {
            return e;
        }
        let st = self.tc.store_ref();
        if st.bvar_range(e) == 0 {
            // The head and the number of arguments, read off the spine.
            let (mut eh, mut n) = (e, 0);
            while let ExprKind::App(f, _) = *st.kind(eh) {
                eh = f;
                n += 1;
            }
            let same_head = match (st.kind(eh), head) {
                (ExprKind::Const(a, _), ExprKind::Const(b, _)) => a == b,
                (a, b) => a == b,
            };
            if same_head && n == nargs && self.unify(e, p) {
                found.seen += 1;
                if found.occ.is_none_or(|k| k == found.seen) {
                    found.abstracted = true;
                    return self.store().mk_bvar(offset);
                }
            }
        }
        // A node none of whose parts changed is kept as it is.
        match *self.tc.store_ref().kind(e) {
            ExprKind::App(f, a) => {
                let f2 = self.kabstract_go(f, p, head, nargs, offset, found);
                let a2 = self.kabstract_go(a, p, head, nargs, offset, found);
                if (f2, a2) == (f, a) {
                    e
                } else {
                    self.store().mk_app(f2, a2)
                }
            }
            ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => {
                let t2 = self.kabstract_go(t, p, head, nargs, offset, found);
                let b2 = self.kabstract_go(b, p, head, nargs, offset + 1, found);
                match self.kind(e) {
                    _ if (t2, b2) == (t, b) => e,
                    ExprKind::Lam(n, bi, ..) => self.store().mk_lam(n, bi, t2, b2),
                    ExprKind::Pi(n, bi, ..) => self.store().mk_pi(n, bi, t2, b2),
                    _ => e,
                }
            }
            _ => e,
        }
    }

    pub(crate) fn tac_simp(
        &mut self,
        g: &Goal,
        rules: &[RwRule],
        at: Option<&str>,
        pos: Pos,
    ) -> EResult<Vec<Goal>> {
        let mut g = g.clone();
        let mut steps = 0;
        loop {
            if steps > 0 && at.is_none() && self.try_close_rfl(&g, pos)? {
                return Ok(vec![]);
            }
            let mut progressed = false;
            for r in rules {
                self.set_scope(&g);
                let snap = self.snapshot();
                // A rewrite that makes the goal `rfl` proves it, as the
                // next round's `rfl` would.
                match self.rewrite_once(&g, r, at, None, true) {
                    Ok(Rewritten::Goal(g2)) => {
                        g = g2;
                        progressed = true;
                        break;
                    }
                    Ok(Rewritten::Closed) => return Ok(vec![]),
                    Err(_) => self.rollback(snap),
                }
            }
            if !progressed {
                break;
            }
            steps += 1;
            if steps > MAX_SIMP_STEPS {
                return err(
                    pos,
                    format!("simp only: gave up after {MAX_SIMP_STEPS} rewriting steps (do the rules loop?)"),
                );
            }
        }
        if steps == 0 {
            return err(pos, "simp only made no progress");
        }
        if self.try_close_rfl(&g, pos)? {
            return Ok(vec![]);
        }
        Ok(vec![g])
    }
}

/// What `kabstract` has found so far: instances seen, and whether one was
/// abstracted (every one, or only number `occ`).
pub(crate) struct Found {
    occ: Option<usize>,
    seen: usize,
    abstracted: bool,
}
