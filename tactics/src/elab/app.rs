//! Applications: implicit arguments become metavariables, named arguments
//! go to the binder of that name, explicit arguments are elaborated against
//! their (partly solved) expected types, `by` blocks last.

use super::{err, Assignment, EResult, Elab, MVarKind};
use crate::syntax::{Pos, Term, TermKind};
use proofmill_kernel::{instantiate1, instantiate_rev, BinderInfo, ExprId, ExprKind, ExprStore};

/// An argument: still syntax, or already elaborated (`x.f` passes `x`).
pub enum EArg<'t> {
    Syn(&'t Term),
    Done(ExprId, Pos),
}

impl EArg<'_> {
    fn pos(&self) -> Pos {
        match self {
            EArg::Syn(t) => t.pos,
            EArg::Done(_, p) => *p,
        }
    }
}

/// A term applied to new metavariables: the term, its type, and the
/// metavariables with their binder infos.
pub type Applied = (ExprId, ExprId, Vec<(ExprId, BinderInfo)>);

impl<'e> Elab<'e> {
    /// Applies `f` to `args`, inserting implicit arguments unless `explicit`.
    pub fn app_core(
        &mut self,
        f: ExprId,
        explicit: bool,
        args: Vec<EArg<'_>>,
        named: Vec<(String, &Term)>,
        expected: Option<ExprId>,
        pos: Pos,
    ) -> EResult<ExprId> {
        Ok(self
            .app_core_typed(f, explicit, args, named, expected, pos)?
            .0)
    }

    /// [`Elab::app_core`], and the type of the application when it is the
    /// very term the kernel's `infer_only` gives: when `f` is a constant or
    /// a local (so the kernel infers the type of `f` itself) and every
    /// binder was a Π of that type as it stands (so the kernel, too, takes
    /// the bodies without reducing, and instantiates them with the
    /// arguments at the end).
    pub(crate) fn app_core_typed(
        &mut self,
        f: ExprId,
        explicit: bool,
        args: Vec<EArg<'_>>,
        mut named: Vec<(String, &Term)>,
        expected: Option<ExprId>,
        pos: Pos,
    ) -> EResult<(ExprId, Option<ExprId>)> {
        let mut fty = self.infer(f, pos)?;
        let mut known = match self.tc.store_ref().kind(f) {
            ExprKind::Const(..) => true,
            ExprKind::FVar(_) => self.mvar_index(f).is_none(),
            _ => false,
        };
        let mut e = f;
        let mut pending: Vec<(ExprId, EArg<'_>)> = Vec::new();
        let mut args = args.into_iter().peekable();
        // `fty` is the type of `e` with its first binders' variables still
        // bound: loose bound variable `i` stands for `subst[len - 1 - i]`.
        // Only each binder's domain is instantiated as it is reached, and
        // the rest once at the end, rather than the whole remaining type
        // at every binder (the terms are the same).
        let mut subst: Vec<ExprId> = Vec::new();
        loop {
            let (n, bi, dom, body) = match self.tc.store_ref().kind(fty) {
                ExprKind::Pi(n, bi, dom, body) => (n.clone(), *bi, *dom, *body),
                _ => {
                    fty = instantiate_rev(self.store(), fty, &subst);
                    subst.clear();
                    let mut ty = self.inst(fty);
                    if !matches!(self.kind(ty), ExprKind::Pi(..)) {
                        if args.peek().is_none() && named.is_empty() {
                            break;
                        }
                        ty = self.whnf(ty, pos)?;
                    }
                    let ExprKind::Pi(n, bi, dom, body) = self.kind(ty) else {
                        break;
                    };
                    known = false;
                    (n, bi, dom, body)
                }
            };
            let dom = instantiate_rev(self.store(), dom, &subst);
            let dom = self.inst(dom);
            let bname = n.last_str().unwrap_or("");
            let m;
            if let Some(k) = named.iter().position(|(x, _)| x == bname) {
                let (_, t) = named.remove(k);
                m = self.new_mvar(dom, t.pos, MVarKind::Hole);
                pending.push((m, EArg::Syn(t)));
            } else {
                let implicit = !explicit && bi != BinderInfo::Default;
                if implicit {
                    if bi == BinderInfo::StrictImplicit && args.peek().is_none() {
                        break;
                    }
                    m = self.new_mvar(dom, pos, MVarKind::Implicit(bname.to_string()));
                } else if let Some(a) = args.next() {
                    if let Some(v) = self.elab_now(&a, dom)? {
                        e = self.store().mk_app(e, v);
                        subst.push(v);
                        fty = body;
                        continue;
                    }
                    m = self.new_mvar(dom, a.pos(), MVarKind::Hole);
                    pending.push((m, a));
                } else {
                    break;
                }
            }
            e = self.store().mk_app(e, m);
            subst.push(m);
            fty = body;
        }
        let fty = instantiate_rev(self.store(), fty, &subst);
        if let Some(a) = args.next() {
            let shown = self.show(e);
            let ty = self.show(fty);
            return err(
                a.pos(),
                format!("function expected: too many arguments to\n  {shown}\nof type\n  {ty}"),
            );
        }
        if let Some((n, t)) = named.first() {
            return err(t.pos, format!("no argument named '{n}'"));
        }
        if let Some(x) = expected {
            self.unify(fty, x);
        }
        // `by` blocks and lambdas without binder types wait for the others.
        pending.sort_by_key(|(_, a)| match a {
            EArg::Syn(t) => matches!(t.kind, TermKind::By(_)),
            _ => false,
        });
        for (m, a) in pending {
            let mty = self.mvar_type(m);
            let (v, apos) = match a {
                EArg::Syn(t) => (self.elab(t, Some(mty))?, t.pos),
                EArg::Done(v, p) => {
                    self.ensure_type(v, mty, p)?;
                    (v, p)
                }
            };
            if !self.unify_arg(m, v) {
                self.ensure_type(v, mty, apos)?;
                let sv = self.show(v);
                return err(apos, format!("cannot use\n  {sv}\nas this argument"));
            }
        }
        Ok((e, known.then_some(fty)))
    }

    /// An explicit argument elaborated at once, in place of a metavariable
    /// standing for it until the other arguments are in, when waiting could
    /// not change it: its expected type `dom` is known in full (no
    /// metavariable, no universe metavariable, nothing later arguments or
    /// the application's expected type could fill in) and it is not a `by`
    /// block (tactics wait for the other arguments). What it elaborates to
    /// is then what the metavariable would have been assigned, and the
    /// application is the same term, without the metavariable, its
    /// assignment and the instantiation that removes it again: most of the
    /// cost of a first-order term's nodes. `None` when the argument waits.
    fn elab_now(&mut self, a: &EArg<'_>, dom: ExprId) -> EResult<Option<ExprId>> {
        let EArg::Syn(t) = a else {
            return Ok(None);
        };
        if matches!(t.kind, TermKind::By(_))
            || self.tc.store_ref().has_level_param(dom)
            || self.has_unassigned(dom)
        {
            return Ok(None);
        }
        let (v, _) = self.elab_typed(t, Some(dom))?;
        Ok(Some(self.inst(v)))
    }

    /// `unify(m, v)` for an argument `v` just elaborated against the type
    /// `mty` of metavariable `m` (by `elab_typed` or `ensure_type`, which
    /// unified `v`'s type with `mty`). When `m` is still unassigned,
    /// unification would assign `m := inst(v)` after checking what
    /// [`Elab::assign_checked`] checks: that `m` does not occur in it and
    /// its locals are older than `m` (done here too), and that its type
    /// unifies with `m`'s. That last check is the one just made: it
    /// succeeded, and unifying the same two types again assigns nothing
    /// (both sides are instantiated now; what the first pass assigned
    /// makes them equal or leaves them to the same reduction), so it is
    /// skipped, with the kernel inference of `v`'s type it needs.
    /// Otherwise, or when a check fails, it unifies.
    fn unify_arg(&mut self, m: ExprId, v: ExprId) -> bool {
        if m != v && self.is_unassigned_mvar(m) {
            let v2 = self.inst(v);
            if let (Some(i), Some(mid)) = (self.mvar_index(m), self.fvar_id(m)) {
                let info = self.fvar_info(v2);
                let occurs = info.has_mvar && self.mvar_occurs(i, v2);
                let escapes = info.newest_local.is_some_and(|f| f.0 > mid.0);
                if m != v2 && !occurs && !escapes {
                    self.assign(m, Assignment::Term(v2));
                    return true;
                }
            }
        }
        self.unify(m, v)
    }

    pub fn mvar_type(&mut self, m: ExprId) -> ExprId {
        let i = self.mvar_index(m).expect("a metavariable");
        let t = self.mvars[i].ty;
        self.inst(t)
    }

    /// Instantiates the leading binders of `e`'s type with new metavariables
    /// (all of them, or until `stop` says so). Returns the term and its type.
    pub fn apply_mvars(&mut self, e: ExprId, max: usize, pos: Pos) -> EResult<Applied> {
        let mut ty = self.infer(e, pos)?;
        let mut e = e;
        let mut ms = Vec::new();
        while ms.len() < max {
            let mut t = self.inst(ty);
            if !matches!(self.kind(t), ExprKind::Pi(..)) {
                t = self.whnf(t, pos)?;
            }
            let ExprKind::Pi(n, bi, dom, body) = self.kind(t) else {
                break;
            };
            let m = self.new_mvar(
                dom,
                pos,
                MVarKind::Implicit(n.last_str().unwrap_or("x").to_string()),
            );
            ms.push((m, bi));
            e = self.store().mk_app(e, m);
            ty = instantiate1(self.store(), body, m);
        }
        let ty = self.inst(ty);
        Ok((e, ty, ms))
    }

    /// Number of leading Π binders of `ty` (after whnf).
    pub fn count_pis(&mut self, ty: ExprId, pos: Pos) -> EResult<usize> {
        let mut n = 0;
        let mut t = self.inst(ty);
        loop {
            if !matches!(self.kind(t), ExprKind::Pi(..)) {
                t = self.whnf(t, pos)?;
            }
            match self.kind(t) {
                ExprKind::Pi(_, _, dom, body) => {
                    let x = self.tc.mk_local(
                        proofmill_kernel::Name::str(&proofmill_kernel::Name::anon(), "x"),
                        BinderInfo::Default,
                        dom,
                    );
                    t = instantiate1(self.store(), body, x);
                    n += 1;
                }
                _ => return Ok(n),
            }
        }
    }
}
