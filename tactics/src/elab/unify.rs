//! First-order unification with metavariables (and Miller patterns).
//!
//! `?m =?= t` assigns `?m := t` when `t` does not contain `?m`, mentions only
//! locals older than `?m`, and has `?m`'s type (checked by unifying the
//! types, which is how universe metavariables get solved). Applications with
//! the same head are unified argument by argument; otherwise both sides are
//! reduced by the kernel and compared again: first without unfolding
//! definitions (`whnf_core`), and only if that changes neither side, to weak
//! head normal form. Terms without metavariables go to the kernel's
//! definitional equality. A metavariable applied to distinct local
//! variables, `?f x =?= t`, is solved by abstracting them: `?f := fun x => t`.

use super::{Assignment, Elab};
use crate::syntax::Pos;
use proofmill_kernel::{instantiate1, ExprId, ExprKind, ExprStore, Level, LevelKind, Name};

const MAX_UNIFY_DEPTH: u32 = 256;

impl Elab<'_> {
    /// Whether `a` and `b` can be made definitionally equal (assigning
    /// metavariables). On failure nothing is assigned.
    pub fn unify(&mut self, a: ExprId, b: ExprId) -> bool {
        let snap = self.snapshot();
        let ok = self.unify_core(a, b, 0);
        if !ok {
            self.rollback(snap);
        }
        ok
    }

    fn unify_core(&mut self, a: ExprId, b: ExprId, depth: u32) -> bool {
        self.unify_at(a, b, depth, false)
    }

    /// [`Elab::unify_core`]; `normal` says `a` and `b` are already
    /// instantiated (subterms of terms instantiated since the last
    /// assignment), so instantiating them again would give them back.
    fn unify_at(&mut self, a: ExprId, b: ExprId, depth: u32, normal: bool) -> bool {
        if depth > MAX_UNIFY_DEPTH {
            return false;
        }
        if a == b {
            return true;
        }
        let (a, b) = if normal {
            (a, b)
        } else {
            (self.inst(a), self.inst(b))
        };
        if a == b {
            return true;
        }
        // Subterms of `a` and `b` stay instantiated until the next assignment.
        let epoch = self.epoch;
        if self.is_unassigned_mvar(a) {
            return self.assign_checked(a, b, depth);
        }
        if self.is_unassigned_mvar(b) {
            return self.assign_checked(b, a, depth);
        }
        if let Some(r) = self.unify_pattern(a, b, depth) {
            return r;
        }
        if let Some(r) = self.unify_pattern(b, a, depth) {
            return r;
        }
        if self.stuck_flex(a, b) {
            return false;
        }
        // The two nodes' kinds, cloned only where the levels are needed.
        let st = self.tc.store_ref();
        let (ka, kb) = (st.kind(a), st.kind(b));
        let both_apps = matches!((ka, kb), (ExprKind::App(..), ExprKind::App(..)));
        match (ka, kb) {
            (ExprKind::Sort(l1), ExprKind::Sort(l2)) => {
                let (l1, l2) = (l1.clone(), l2.clone());
                return self.unify_level(&l1, &l2);
            }
            (ExprKind::Const(n1, l1), ExprKind::Const(n2, l2))
                if n1 == n2 && l1.len() == l2.len() =>
            {
                let (l1, l2) = (l1.clone(), l2.clone());
                let snap = self.snapshot();
                if l1
                    .iter()
                    .zip(l2.iter())
                    .all(|(x, y)| self.unify_level(x, y))
                {
                    return true;
                }
                self.rollback(snap);
            }
            (&ExprKind::Pi(_, _, t1, b1), &ExprKind::Pi(_, _, t2, b2))
            | (&ExprKind::Lam(_, _, t1, b1), &ExprKind::Lam(_, _, t2, b2)) => {
                if !self.unify_at(t1, t2, depth + 1, self.epoch == epoch) {
                    return false;
                }
                let x = self.tc.mk_local(
                    Name::str(&Name::anon(), "x"),
                    proofmill_kernel::BinderInfo::Default,
                    t1,
                );
                let b1 = instantiate1(self.store(), b1, x);
                let b2 = instantiate1(self.store(), b2, x);
                return self.unify_at(b1, b2, depth + 1, self.epoch == epoch);
            }
            _ => {}
        }
        // Nat literals against `Nat.succ`/`Nat.zero`.
        if let Some(r) = self.unify_nat_lit(a, b, depth) {
            return r;
        }
        if let Some(r) = self.unify_nat_lit(b, a, depth) {
            return r;
        }
        let has_mvars = self.has_unassigned(a) || self.has_unassigned(b);
        if self.syntactic && !has_mvars {
            return proofmill_kernel::alpha_eq(self.tc.store_ref(), a, self.tc.store_ref(), b);
        }
        if !has_mvars && !self.has_level_mvars(a) && !self.has_level_mvars(b) {
            return self.tc.is_def_eq(a, b).unwrap_or(false);
        }
        // Same head applied to the same number of arguments: argument-wise.
        if both_apps {
            let (fa, xs) = self.tc.store_ref().app_args(a);
            let (fb, ys) = self.tc.store_ref().app_args(b);
            if xs.len() == ys.len() && !self.is_unassigned_mvar(fa) {
                let snap = self.snapshot();
                if self.unify_at(fa, fb, depth + 1, self.epoch == epoch)
                    && xs
                        .iter()
                        .zip(ys.iter())
                        .all(|(&x, &y)| self.unify_at(x, y, depth + 1, self.epoch == epoch))
                {
                    return true;
                }
                self.rollback(snap);
            }
        }
        if self.syntactic {
            return false;
        }
        // Reduce and retry: beta, iota and projections first, and only when
        // neither side changes that way, unfold definitions. Unfolding
        // first would compare the two sides' unfoldings, which can solve a
        // metavariable with a term that is only definitionally right:
        // `?a + ?b =?= (fun x => m * 2 + x) 0` must give `?b := 0`, not the
        // `?b := m` that comparing the `Nat.rec` unfoldings of `?a + ?b` and
        // `m * 2 + 0` gives.
        let a1 = match self.tc.whnf_core(a) {
            Ok(x) => x,
            Err(_) => return false,
        };
        let b1 = match self.tc.whnf_core(b) {
            Ok(x) => x,
            Err(_) => return false,
        };
        if a1 != a || b1 != b {
            return self.unify_core(a1, b1, depth + 1);
        }
        let a2 = match self.tc.whnf(a) {
            Ok(x) => x,
            Err(_) => return false,
        };
        let b2 = match self.tc.whnf(b) {
            Ok(x) => x,
            Err(_) => return false,
        };
        if a2 != a || b2 != b {
            return self.unify_core(a2, b2, depth + 1);
        }
        false
    }

    /// A higher-order pattern (Miller): `?m x₁ … xₙ =?= t` with distinct
    /// local variables `xᵢ` assigns `?m := fun x₁ … xₙ => t`, the one
    /// solution. This is how `congrFun h a` finds the codomain `β : α → Sort v`
    /// of a non-dependent `h : f = g`. `None` when `a` is not such a pattern.
    fn unify_pattern(&mut self, a: ExprId, b: ExprId, depth: u32) -> Option<bool> {
        // The head first, without collecting the arguments: most terms unified
        // are not headed by a metavariable.
        let st = self.tc.store_ref();
        if !matches!(st.kind(a), ExprKind::App(..)) || !self.is_unassigned_mvar(st.app_fn(a)) {
            return None;
        }
        let (head, args) = self.tc.store_ref().app_args(a);
        for (i, &x) in args.iter().enumerate() {
            let local = self.fvar_id(x).is_some() && self.mvar_index(x).is_none();
            if !local || args[..i].contains(&x) {
                return None;
            }
        }
        let lam = self.close_over(&args, b, false);
        Some(self.assign_checked(head, lam, depth))
    }

    /// Whether `a =?= b` is certain to fail for the reason `congrArg`'s
    /// `?f ?a₁ =?= lhs` fails against a known expected type: `a` is an
    /// unassigned metavariable applied to arguments that are not a pattern
    /// (checked before), and `b` holds no unassigned metavariable. No rule
    /// below can then succeed: `b` is not a metavariable, nor a pattern,
    /// nor does it reduce to either (reducing a term without metavariables
    /// gives one without); the argument-wise rule is not tried when `a`'s
    /// head is a metavariable (`a` on the left: no first-order
    /// approximation), the kernel's comparison needs both sides without
    /// metavariables, and `a` does not reduce (its head is a free
    /// variable). So this skips only reductions of `b` whose outcome is
    /// known, and assigns nothing either way.
    fn stuck_flex(&mut self, a: ExprId, b: ExprId) -> bool {
        if !matches!(self.tc.store_ref().kind(a), ExprKind::App(..)) {
            return false;
        }
        let head = self.tc.store_ref().app_fn(a);
        self.is_unassigned_mvar(head) && !self.has_unassigned(b)
    }

    fn unify_nat_lit(&mut self, a: ExprId, b: ExprId, depth: u32) -> Option<bool> {
        let ExprKind::NatLit(n) = self.tc.store_ref().kind(a) else {
            return None;
        };
        let n = n.clone();
        if n.bits() == 0
            && self
                .tc
                .store_ref()
                .is_const_named(b, &Name::from_dotted("Nat.zero"))
        {
            return Some(true);
        }
        let (f, args) = self.tc.store_ref().app_args(b);
        let succ = Name::from_dotted("Nat.succ");
        if self.tc.store_ref().is_const_named(f, &succ) && args.len() == 1 {
            if n.bits() == 0 {
                return Some(false);
            }
            let pred = (*n).clone() - 1u32;
            let p = self.store().mk_nat(pred);
            return Some(self.unify_core(p, args[0], depth + 1));
        }
        None
    }

    fn has_level_mvars(&self, e: ExprId) -> bool {
        self.tc.store_ref().has_level_param(e) && !self.level_mvars_in(e).is_empty()
    }

    fn assign_checked(&mut self, m: ExprId, v: ExprId, depth: u32) -> bool {
        let Some(i) = self.mvar_index(m) else {
            return false;
        };
        // Occurs check and scope check.
        let Some(mid) = self.fvar_id(m) else {
            return false;
        };
        let info = self.fvar_info(v);
        if info.has_mvar && self.mvar_occurs(i, v) {
            return false;
        }
        if info.newest_local.is_some_and(|f| f.0 > mid.0) {
            return false;
        }
        let mty = self.mvars[i].ty;
        self.assign(m, Assignment::Term(v));
        let vty = match self.tc.infer_only(v) {
            Ok(t) => t,
            Err(_) => return false,
        };
        self.unify_core(mty, vty, depth + 1)
    }

    /// Unifies universe levels, assigning universe metavariables.
    pub fn unify_level(&mut self, a: &Level, b: &Level) -> bool {
        let a = self.inst_level(a);
        let b = self.inst_level(b);
        if a == b || a.equiv(&b) {
            return true;
        }
        if let Some(i) = Self::level_mvar_index(&a) {
            if !occurs_level(&b, &a) {
                self.assign_level_mvar(i, b);
                return true;
            }
        }
        if let Some(i) = Self::level_mvar_index(&b) {
            if !occurs_level(&a, &b) {
                self.assign_level_mvar(i, a);
                return true;
            }
        }
        match (a.kind(), b.kind()) {
            (LevelKind::Succ(x), LevelKind::Succ(y)) => self.unify_level(&x.clone(), &y.clone()),
            (LevelKind::Max(x1, x2), LevelKind::Max(y1, y2))
            | (LevelKind::IMax(x1, x2), LevelKind::IMax(y1, y2)) => {
                let (x1, x2, y1, y2) = (x1.clone(), x2.clone(), y1.clone(), y2.clone());
                self.unify_level(&x1, &y1) && self.unify_level(&x2, &y2)
            }
            _ => {
                // Constraints we cannot solve first-order are left to the
                // kernel, which checks the final terms.
                let has_mvar = |l: &Level| {
                    let mut found = false;
                    l.for_each_param(&mut |p| {
                        if super::lmvar_name_index(p).is_some() {
                            found = true
                        }
                    });
                    found
                };
                has_mvar(&a) || has_mvar(&b)
            }
        }
    }

    /// Checks `e : expected`, unifying; a mismatch is reported at `pos`.
    pub fn ensure_type(&mut self, e: ExprId, expected: ExprId, pos: Pos) -> super::EResult<()> {
        let ty = self.infer(e, pos)?;
        self.ensure_has_type(e, ty, expected, pos)
    }

    /// [`Elab::ensure_type`] with `e`'s type `ty` known.
    pub(crate) fn ensure_has_type(
        &mut self,
        e: ExprId,
        ty: ExprId,
        expected: ExprId,
        pos: Pos,
    ) -> super::EResult<()> {
        if self.unify(ty, expected) {
            return Ok(());
        }
        Err(self.type_mismatch(e, ty, expected, pos))
    }

    /// The error of `e : ty` where `expected` was wanted.
    pub(crate) fn type_mismatch(
        &mut self,
        e: ExprId,
        ty: ExprId,
        expected: ExprId,
        pos: Pos,
    ) -> super::ElabError {
        let (se, st, sx) = (self.show(e), self.show(ty), self.show(expected));
        super::ElabError {
            pos,
            msg: format!(
                "type mismatch\n  {se}\nhas type\n  {st}\nbut is expected to have type\n  {sx}"
            ),
        }
    }
}

fn occurs_level(hay: &Level, needle: &Level) -> bool {
    let LevelKind::Param(n) = needle.kind() else {
        return false;
    };
    let mut found = false;
    hay.for_each_param(&mut |p| {
        if p == n {
            found = true
        }
    });
    found
}
