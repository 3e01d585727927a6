//! Elaboration of each kind of term.

use super::app::EArg;
use super::{err, EResult, Elab, MVarKind};
use crate::syntax::{Arg, Binder, BinderKind, LevelSyn, Pos, Term, TermKind};
use proofmill_kernel::{
    instantiate1, BinderInfo, ConstantKind, ExprId, ExprKind, ExprStore, Level, Name,
};
use std::sync::Arc;

pub fn binder_info(k: BinderKind) -> BinderInfo {
    match k {
        BinderKind::Explicit => BinderInfo::Default,
        BinderKind::Implicit => BinderInfo::Implicit,
        BinderKind::StrictImplicit => BinderInfo::StrictImplicit,
        BinderKind::Inst => BinderInfo::InstImplicit,
    }
}

/// A lambda elaborated up to its closing: its binders (locals of the
/// context) and its body over them.
struct OpenLam {
    xs: Vec<ExprId>,
    body: ExprId,
    body_ty: Option<ExprId>,
}

/// A proof as [`Elab::elab_proof_open`] leaves it.
pub enum OpenProof {
    /// The proof term itself.
    Closed(ExprId),
    /// `fun locals => body`, not built: `locals` are locals of the
    /// elaborator's context (their declared types hold no metavariable)
    /// and `body` (no metavariable either) mentions them as free variables.
    Open { locals: Vec<ExprId>, body: ExprId },
}

impl<'e> Elab<'e> {
    /// Elaborates `t`, checking it against `expected` when given.
    pub fn elab(&mut self, t: &Term, expected: Option<ExprId>) -> EResult<ExprId> {
        Ok(self.elab_typed(t, expected)?.0)
    }

    /// [`Elab::elab`], and the term's type when it is the very term the
    /// kernel's `infer_only` gives (see [`Elab::app_core_typed`]).
    pub(crate) fn elab_typed(
        &mut self,
        t: &Term,
        expected: Option<ExprId>,
    ) -> EResult<(ExprId, Option<ExprId>)> {
        let (e, ty) = self.elab_core_typed(t, expected)?;
        if let Some(x) = expected {
            let ty = match ty {
                Some(ty) => ty,
                None => self.infer(e, t.pos)?,
            };
            self.ensure_has_type(e, ty, x, t.pos)?;
        }
        Ok((e, ty))
    }

    /// [`Elab::elab`] with no expected type, and the term's type: the one
    /// `elab_typed` knows, or else the kernel's inference (errors at `pos`).
    pub(crate) fn elab_with_type(&mut self, t: &Term, pos: Pos) -> EResult<(ExprId, ExprId)> {
        let (e, ty) = self.elab_typed(t, None)?;
        let ty = match ty {
            Some(ty) => ty,
            None => self.infer(e, pos)?,
        };
        Ok((e, ty))
    }

    /// Elaborates a type (something whose type is a sort).
    pub fn elab_type(&mut self, t: &Term) -> EResult<ExprId> {
        let (e, ty) = self.elab_core_typed(t, None)?;
        let ty = match ty {
            Some(ty) => ty,
            None => self.infer(e, t.pos)?,
        };
        let ty = self.whnf(ty, t.pos)?;
        match self.kind(ty) {
            ExprKind::Sort(_) => Ok(e),
            _ => {
                if self.is_unassigned_mvar(ty) {
                    let l = self.new_level_mvar();
                    let s = self.store().mk_sort(l);
                    if self.unify(ty, s) {
                        return Ok(e);
                    }
                }
                let (se, st) = (self.show(e), self.show(ty));
                err(t.pos, format!("type expected, got\n  ({se} : {st})"))
            }
        }
    }

    pub fn elab_level(&mut self, l: &LevelSyn) -> Level {
        match l {
            LevelSyn::Num(n) => {
                let mut r = Level::zero();
                for _ in 0..*n {
                    r = Level::succ(&r);
                }
                r
            }
            LevelSyn::Param(u) => {
                if !self.g.universes.contains(u) && !self.auto_levels.contains(u) {
                    self.auto_levels.push(u.clone());
                }
                Level::param(&Name::str(&Name::anon(), u))
            }
            LevelSyn::Add(l, k) => {
                let mut r = self.elab_level(l);
                for _ in 0..*k {
                    r = Level::succ(&r);
                }
                r
            }
            LevelSyn::Max(a, b) => Level::max(&self.elab_level(a), &self.elab_level(b)),
            LevelSyn::IMax(a, b) => Level::imax(&self.elab_level(a), &self.elab_level(b)),
        }
    }

    /// [`Elab::elab_core`], and the term's type when it is the very term
    /// the kernel's `infer_only` gives (see [`Elab::app_core_typed`]).
    fn elab_core_typed(
        &mut self,
        t: &Term,
        expected: Option<ExprId>,
    ) -> EResult<(ExprId, Option<ExprId>)> {
        let pos = t.pos;
        if matches!(t.kind, TermKind::Ident(_) | TermKind::App(..)) {
            if let Some((v, ty, _)) = self.first_order(t, expected)? {
                return Ok((v, Some(ty)));
            }
        }
        match &t.kind {
            TermKind::Ident(name) => {
                let (f, _) = self.resolve_head(name, pos)?;
                self.app_core_typed(f, false, Vec::new(), Vec::new(), expected, pos)
            }
            TermKind::App(head, args) => {
                if let Some(r) = self.args_first(head, args, expected, pos)? {
                    return Ok(r);
                }
                let mut pos_args = Vec::new();
                let mut named = Vec::new();
                for a in args {
                    match a {
                        Arg::Pos(x) => pos_args.push(EArg::Syn(x)),
                        Arg::Named(n, x) => named.push((n.clone(), x)),
                    }
                }
                let (f, explicit) = match &head.kind {
                    TermKind::Ident(n) => self.resolve_head(n, head.pos)?,
                    TermKind::Explicit(n) => (self.resolve_head(n, head.pos)?.0, true),
                    _ => (self.elab(head, None)?, false),
                };
                self.app_core_typed(f, explicit, pos_args, named, expected, pos)
            }
            TermKind::Lam(binders, body) => self.elab_lam_typed(binders, body, expected),
            _ => Ok((self.elab_core(t, expected)?, None)),
        }
    }

    fn elab_core(&mut self, t: &Term, expected: Option<ExprId>) -> EResult<ExprId> {
        let pos = t.pos;
        match &t.kind {
            TermKind::Ident(_) | TermKind::App(..) => Ok(self.elab_core_typed(t, expected)?.0),
            TermKind::Explicit(name) => Ok(self.resolve_head(name, pos)?.0),
            TermKind::Num(n) => {
                let nat = Name::from_dotted("Nat");
                if !self.g.env.contains(&nat) {
                    return err(
                        pos,
                        "numerals need the type Nat, which this theory does not have",
                    );
                }
                Ok(self.store().mk_nat(n.clone()))
            }
            TermKind::Sort(l) => {
                let l = self.elab_level(l);
                Ok(self.store().mk_sort(l))
            }
            TermKind::Type(l) => {
                let l = Level::succ(&self.elab_level(l));
                Ok(self.store().mk_sort(l))
            }
            TermKind::Prop => Ok(self.store().mk_sort(Level::zero())),
            TermKind::Hole => {
                let ty = match expected {
                    Some(x) => x,
                    None => self.new_type_mvar(pos),
                };
                Ok(self.new_mvar(ty, pos, MVarKind::Hole))
            }
            TermKind::Lam(binders, body) => self.elab_lam(binders, body, expected),
            TermKind::Pi(binders, body) => self.elab_pi(binders, body),
            TermKind::Arrow(a, b) => {
                let dom = self.elab_type(a)?;
                let cod = self.elab_type(b)?;
                Ok(self
                    .store()
                    .mk_pi(Name::str(&Name::anon(), "a"), BinderInfo::Default, dom, cod))
            }
            TermKind::Exists(binders, body) => {
                let desugared = exists_syntax(binders, body, pos);
                self.elab_core(&desugared, expected)
            }
            TermKind::Ascribe(e, ty) => {
                let ty = self.elab_type(ty)?;
                self.elab(e, Some(ty))
            }
            TermKind::Show(ty, e) => {
                let ty = self.elab_type(ty)?;
                self.elab(e, Some(ty))
            }
            TermKind::Anon(items) => self.elab_anon(items, expected, pos),
            TermKind::ProjIdx(e, i) => {
                let v = self.elab(e, None)?;
                self.proj_index(v, *i, pos)
            }
            TermKind::ProjField(e, f) => {
                let v = self.elab(e, None)?;
                self.field_access(v, f, pos, expected)
            }
            TermKind::By(tacs) => {
                let Some(goal) = expected else {
                    return err(pos, "cannot run tactics: the expected type is not known");
                };
                let goal = self.inst(goal);
                if self.has_unassigned(goal) {
                    let s = self.show(goal);
                    return err(
                        pos,
                        format!("cannot run tactics: the expected type has holes\n  {s}"),
                    );
                }
                self.run_tactics(tacs, goal, pos)
            }
            TermKind::Calc(steps) => Ok(self.elab_calc(steps, pos)?.0),
        }
    }

    /// A name in head position: a local, a constant, or `x.field` chains.
    /// Returns the term (constants with fresh universe metavariables).
    pub fn resolve_head(&mut self, name: &str, pos: Pos) -> EResult<(ExprId, bool)> {
        if let Some(x) = self.lookup_local(name) {
            return Ok((x, false));
        }
        let dotted = name.contains('.');
        if dotted {
            let mut parts = name.split('.');
            let first = parts.next().unwrap_or(name);
            if let Some(x) = self.lookup_local(first) {
                let mut v = x;
                for f in parts {
                    v = self.field_access(v, f, pos, None)?;
                }
                return Ok((v, false));
            }
        }
        if let Some((c, n)) = self.resolve_global(name) {
            return Ok((self.mk_const_levels(c, n), false));
        }
        if !dotted {
            return err(pos, format!("unknown identifier '{name}'"));
        }
        let parts: Vec<&str> = name.split('.').collect();
        for k in (1..parts.len()).rev() {
            let prefix = parts[..k].join(".");
            if let Some(c) = self.g.resolve(&prefix) {
                let mut v = self.mk_const_fresh(&c);
                for f in &parts[k..] {
                    v = match self.field_access(v, f, pos, None) {
                        Ok(v) => v,
                        Err(_) => return err(pos, format!("unknown identifier '{name}'")),
                    };
                }
                return Ok((v, false));
            }
        }
        err(pos, format!("unknown identifier '{name}'"))
    }

    pub fn lookup_local(&self, name: &str) -> Option<ExprId> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, x)| *x)
    }

    /// `c.{?u…}`: a constant at fresh universe metavariables.
    pub fn mk_const_fresh(&mut self, c: &Name) -> ExprId {
        let n = self.g.env.get(c).map_or(0, |i| i.num_level_params());
        self.mk_const_levels(c.clone(), n)
    }

    /// `c.{?u…}` for a constant with `n` universe parameters.
    pub(super) fn mk_const_levels(&mut self, c: Name, n: usize) -> ExprId {
        let ls: Arc<[Level]> = if n == 0 {
            self.names
                .no_levels
                .get_or_insert_with(|| Arc::from(Vec::new()))
                .clone()
        } else {
            (0..n).map(|_| self.new_level_mvar()).collect()
        };
        self.store().mk_const(c, ls)
    }

    /// The constant [`Elab::resolve_head`] resolves `name` to, with its
    /// number of universe parameters, when `name` is not `x.field` for a
    /// local `x` (the caller has checked that `name` is not a local
    /// itself): the shortcuts resolve a head exactly as the general path
    /// does, without building the constant first.
    pub(super) fn global_head(&mut self, name: &str) -> Option<(Name, usize)> {
        // A byte search: `.` is ASCII, and `split_once` costs a char searcher.
        if let Some(dot) = name.bytes().position(|b| b == b'.') {
            if self.lookup_local(&name[..dot]).is_some() {
                return None;
            }
        }
        self.resolve_global(name)
    }

    /// [`Globals::resolve`], remembered, with the constant's number of
    /// universe parameters.
    pub(super) fn resolve_global(&mut self, name: &str) -> Option<(Name, usize)> {
        if let Some(r) = self.names.resolved.get(name) {
            return r.clone();
        }
        let r = self.g.resolve(name).map(|c| {
            let n = self.g.env.get(&c).map_or(0, |i| i.num_level_params());
            (c, n)
        });
        self.names.resolved.insert(name.to_string(), r.clone());
        r
    }

    /// The structure `ty` is an instance of (after whnf), with its arguments.
    fn struct_of(&mut self, v: ExprId, pos: Pos) -> EResult<Option<Name>> {
        let ty = self.infer(v, pos)?;
        let ty = self.whnf(ty, pos)?;
        Ok(self.tc.store_ref().head_const(ty).map(|(n, _)| n.clone()))
    }

    pub fn proj_index(&mut self, v: ExprId, i: u32, pos: Pos) -> EResult<ExprId> {
        let s = self.struct_of(v, pos)?;
        let info = s.as_ref().and_then(|s| self.g.structures.get(s).cloned());
        match (s, info) {
            (Some(s), Some(info)) if i >= 1 && (i as usize) <= info.fields.len() => {
                Ok(self.store().mk_proj(s, i - 1, v))
            }
            _ => {
                let sv = self.show(v);
                err(pos, format!("invalid projection .{i} of\n  {sv}"))
            }
        }
    }

    /// `v` applied to new metavariables for its leading implicit arguments.
    fn instantiate_implicits(&mut self, v: ExprId, pos: Pos) -> EResult<ExprId> {
        let mut v = v;
        let mut ty = self.infer(v, pos)?;
        loop {
            let t = self.whnf(ty, pos)?;
            match self.kind(t) {
                ExprKind::Pi(n, bi, dom, body) if bi != BinderInfo::Default => {
                    let name = n.last_str().unwrap_or("x").to_string();
                    let m = self.new_mvar(dom, pos, MVarKind::Implicit(name));
                    v = self.store().mk_app(v, m);
                    ty = instantiate1(self.store(), body, m);
                }
                _ => return Ok(v),
            }
        }
    }

    /// `v.field`: a structure field, or `S.field v` (generalized field notation).
    pub fn field_access(
        &mut self,
        v: ExprId,
        field: &str,
        pos: Pos,
        expected: Option<ExprId>,
    ) -> EResult<ExprId> {
        // `and_comm.mp`: implicit arguments first, as Lean 4 does.
        let v = self.instantiate_implicits(v, pos)?;
        if let Ok(i) = field.parse::<u32>() {
            return self.proj_index(v, i, pos);
        }
        let s = self.struct_of(v, pos)?;
        if let Some(s) = &s {
            if let Some(info) = self.g.structures.get(s) {
                if let Some(i) = info.fields.iter().position(|f| f == field) {
                    return Ok(self.store().mk_proj(s.clone(), i as u32, v));
                }
            }
            let f = Name::str(s, field);
            if self.g.env.contains(&f) {
                let c = self.mk_const_fresh(&f);
                return self.app_core(
                    c,
                    false,
                    vec![EArg::Done(v, pos)],
                    Vec::new(),
                    expected,
                    pos,
                );
            }
        }
        let sv = self.show(v);
        err(pos, format!("unknown field '{field}' of\n  {sv}"))
    }

    /// Elaborates binders into locals (pushed on the scope). Untyped binders
    /// take their types from `expected` Π types, or become metavariables.
    pub fn elab_binders(
        &mut self,
        binders: &[Binder],
        mut expected: Option<ExprId>,
    ) -> EResult<(Vec<ExprId>, Option<ExprId>)> {
        let mut xs = Vec::new();
        for b in binders {
            let declared = match &b.ty {
                Some(t) => Some(self.elab_type(t)?),
                None => None,
            };
            for (name, npos) in &b.names {
                let exp_pi = match expected {
                    Some(x) => {
                        let x = self.whnf(x, *npos)?;
                        match self.kind(x) {
                            ExprKind::Pi(_, _, d, body) => Some((d, body)),
                            _ => None,
                        }
                    }
                    None => None,
                };
                let dom = match (declared, exp_pi) {
                    (Some(d), Some((ed, _))) => {
                        self.unify(d, ed);
                        d
                    }
                    (Some(d), None) => d,
                    (None, Some((ed, _))) => ed,
                    (None, None) => self.new_type_mvar(*npos),
                };
                let x = self.push_local(name, binder_info(b.kind), dom);
                xs.push(x);
                expected = exp_pi.map(|(_, body)| instantiate1(self.store(), body, x));
            }
        }
        Ok((xs, expected))
    }

    pub fn pop_scope(&mut self, n: usize) {
        let k = self.scope.len().saturating_sub(n);
        self.scope.truncate(k);
    }

    fn elab_lam(
        &mut self,
        binders: &[Binder],
        body: &Term,
        expected: Option<ExprId>,
    ) -> EResult<ExprId> {
        let (xs, exp) = self.elab_binders(binders, expected)?;
        let b = self.elab(body, exp);
        self.pop_scope(xs.len());
        let b = self.inst(b?);
        Ok(self.close_over(&xs, b, false))
    }

    /// [`Elab::elab_lam`], and the lambda's type when its body's is known
    /// (see [`Elab::app_core_typed`]) and has no metavariable left: the Π
    /// over the same binders, which is what the kernel's `infer_only` of
    /// the lambda gives. A proof term `fun (a b : R) => Eq.trans …` is then
    /// checked against its statement without inferring the whole proof's
    /// type again (the unification finds the two types the same term).
    fn elab_lam_typed(
        &mut self,
        binders: &[Binder],
        body: &Term,
        expected: Option<ExprId>,
    ) -> EResult<(ExprId, Option<ExprId>)> {
        let open = self.elab_lam_open(binders, body, expected)?;
        let ty = self.open_lam_type(&open);
        Ok((self.close_lam(&open), ty))
    }

    /// A lambda's binders and body, elaborated but not yet closed over.
    fn elab_lam_open(
        &mut self,
        binders: &[Binder],
        body: &Term,
        expected: Option<ExprId>,
    ) -> EResult<OpenLam> {
        let (xs, exp) = self.elab_binders(binders, expected)?;
        let b = self.elab_typed(body, exp);
        self.pop_scope(xs.len());
        let (b, body_ty) = b?;
        let body = self.inst(b);
        Ok(OpenLam { xs, body, body_ty })
    }

    /// The lambda's type as [`Elab::elab_lam_typed`] gives it.
    fn open_lam_type(&mut self, open: &OpenLam) -> Option<ExprId> {
        let t = self.inst(open.body_ty?);
        if self.is_mvar_free(t) && self.is_mvar_free(open.body) {
            Some(self.close_over(&open.xs, t, true))
        } else {
            None
        }
    }

    /// Whether the locals' declared types hold no metavariable, assigned
    /// or not: a reader of the open proof (the kernel) sees them as they
    /// are declared.
    pub(crate) fn locals_mvar_free(&mut self, xs: &[ExprId]) -> bool {
        xs.iter().all(|&x| {
            let d = self.tc.local_decl(x).expect("a local").ty;
            self.is_mvar_free(d)
        })
    }

    fn close_lam(&mut self, open: &OpenLam) -> ExprId {
        self.close_over(&open.xs, open.body, false)
    }

    /// [`Elab::elab`] of a proof against its statement, except that a
    /// top-level `fun` is left open when nothing but its closing is left to
    /// do: its type is known, the same as `expected`, and nothing in it is a
    /// metavariable. Closing a whole proof over its variables rebuilds every
    /// node that mentions them, and a reader that only compares the proof
    /// with another term need not pay for it. Every check is
    /// `elab_typed`'s, in the same order, so the proof elaborates
    /// exactly when `elab` succeeds, and the open proof closed over its
    /// locals is `elab`'s term.
    pub fn elab_proof_open(&mut self, t: &Term, expected: ExprId) -> EResult<OpenProof> {
        let TermKind::Lam(binders, body) = &t.kind else {
            return Ok(OpenProof::Closed(self.elab(t, Some(expected))?));
        };
        let open = self.elab_lam_open(binders, body, Some(expected))?;
        let ty = self.open_lam_type(&open);
        if let Some(ty) = ty {
            if !self.unify(ty, expected) {
                let e = self.close_lam(&open);
                return Err(self.type_mismatch(e, ty, expected, t.pos));
            }
            // Universe metavariables the unification assigned; the body
            // holds no term metavariable (`open_lam_type` asked).
            let body = self.inst(open.body);
            if self.locals_mvar_free(&open.xs) {
                return Ok(OpenProof::Open {
                    locals: open.xs,
                    body,
                });
            }
            return Ok(OpenProof::Closed(self.close_lam(&open)));
        }
        let e = self.close_lam(&open);
        let ty = self.infer(e, t.pos)?;
        self.ensure_has_type(e, ty, expected, t.pos)?;
        Ok(OpenProof::Closed(e))
    }

    fn elab_pi(&mut self, binders: &[Binder], body: &Term) -> EResult<ExprId> {
        let (xs, _) = self.elab_binders(binders, None)?;
        let b = self.elab_type(body);
        self.pop_scope(xs.len());
        let b = self.inst(b?);
        Ok(self.close_over(&xs, b, true))
    }

    /// `⟨a, b⟩` against a structure-like expected type.
    fn elab_anon(&mut self, items: &[Term], expected: Option<ExprId>, pos: Pos) -> EResult<ExprId> {
        let Some(x) = expected else {
            return err(pos, "anonymous constructor: the expected type is not known");
        };
        let x = self.whnf(x, pos)?;
        let head = self.tc.store_ref().head_const(x).map(|(n, _)| n.clone());
        let ctor = head.and_then(|h| match self.g.env.get(&h).map(|i| &i.kind) {
            Some(ConstantKind::Inductive { ctors, .. }) if ctors.len() == 1 => {
                Some(ctors[0].clone())
            }
            _ => None,
        });
        let Some(ctor) = ctor else {
            let s = self.show(x);
            return err(
                pos,
                format!("anonymous constructor: the expected type is not a structure\n  {s}"),
            );
        };
        let c = self.mk_const_fresh(&ctor);
        let cty = self.infer(c, pos)?;
        let nfields = self.count_explicit(cty, pos)?;
        let grouped: Vec<Term>;
        let items: &[Term] = if nfields >= 1 && items.len() > nfields {
            let mut g: Vec<Term> = items[..nfields - 1].to_vec();
            let rest = &items[nfields - 1..];
            g.push(Term {
                pos: rest[0].pos,
                kind: TermKind::Anon(rest.to_vec()),
            });
            grouped = g;
            &grouped
        } else {
            items
        };
        let args = items.iter().map(EArg::Syn).collect();
        self.app_core(c, false, args, Vec::new(), Some(x), pos)
    }

    fn count_explicit(&mut self, ty: ExprId, pos: Pos) -> EResult<usize> {
        let mut n = 0;
        let mut t = ty;
        while let ExprKind::Pi(_, bi, d, b) = self.kind(t) {
            if bi == BinderInfo::Default {
                n += 1;
            }
            let x = self.tc.mk_local(Name::str(&Name::anon(), "x"), bi, d);
            t = instantiate1(self.store(), b, x);
        }
        let _ = pos;
        Ok(n)
    }
}

/// `∃ x y, p` is `Exists fun x => Exists fun y => p`.
fn exists_syntax(binders: &[Binder], body: &Term, pos: Pos) -> Term {
    let mut singles = Vec::new();
    for b in binders {
        for n in &b.names {
            singles.push(Binder {
                pos: b.pos,
                names: vec![n.clone()],
                ty: b.ty.clone(),
                kind: BinderKind::Explicit,
            });
        }
    }
    let mut t = body.clone();
    for b in singles.into_iter().rev() {
        let lam = Term {
            pos: b.pos,
            kind: TermKind::Lam(vec![b], Box::new(t)),
        };
        t = Term {
            pos,
            kind: TermKind::App(
                Box::new(Term {
                    pos,
                    kind: TermKind::Ident("Exists".into()),
                }),
                vec![Arg::Pos(lam)],
            ),
        };
    }
    t
}
