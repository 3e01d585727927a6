//! Type inference and checking (`infer`, `check_*`), the local context, and
//! the per-check state shared with `whnf` and `def_eq`.
//!
//! A `TypeChecker` borrows the environment read-only and owns everything it
//! makes: a scratch arena layered over the environment's, the free variables
//! of its local context, and its caches. Dropping it drops them all.

use crate::declaration::{ConstantInfo, ConstantKind, DefinitionSafety};
use crate::env::Env;
use crate::error::KernelError;
use crate::expr::{BinderInfo, ExprId, ExprKind, ExprStore, FVarId, LocalStore};
use crate::instantiate::{abstract_fvars, instantiate1, instantiate_level_params, instantiate_rev};
use crate::level::Level;
use crate::name::Name;
use crate::stack::MAX_DEPTH;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;

pub(crate) type Res<T> = Result<T, KernelError>;

/// A local hypothesis `name : ty` (or a local definition `name : ty := val`).
#[derive(Clone, Debug)]
pub struct LocalDecl {
    pub name: Name,
    pub info: BinderInfo,
    pub ty: ExprId,
    pub value: Option<ExprId>,
}

/// Union-find over expression ids: terms already shown definitionally equal.
#[derive(Default)]
pub(crate) struct EquivManager {
    parent: FxHashMap<ExprId, ExprId>,
}

impl EquivManager {
    fn find(&mut self, e: ExprId) -> ExprId {
        let mut root = e;
        while let Some(&p) = self.parent.get(&root) {
            if p == root {
                break;
            }
            root = p;
        }
        // Path compression.
        let mut cur = e;
        while let Some(&p) = self.parent.get(&cur) {
            if p == root {
                break;
            }
            self.parent.insert(cur, root);
            cur = p;
        }
        root
    }
    pub(crate) fn is_equiv(&mut self, a: ExprId, b: ExprId) -> bool {
        a == b || self.find(a) == self.find(b)
    }
    pub(crate) fn merge(&mut self, a: ExprId, b: ExprId) {
        let ra = self.find(a);
        let rb = self.find(b);
        if ra != rb {
            self.parent.insert(ra, rb);
        }
    }
}

pub struct TypeChecker<'e> {
    pub(crate) env: &'e Env,
    pub(crate) st: LocalStore<'e>,
    pub(crate) lctx: Vec<LocalDecl>,
    pub(crate) level_params: Arc<[Name]>,
    pub(crate) safety: DefinitionSafety,
    pub(crate) decl_name: Name,
    pub(crate) infer_cache_check: FxHashMap<ExprId, ExprId>,
    pub(crate) infer_cache_only: FxHashMap<ExprId, ExprId>,
    pub(crate) whnf_core_cache: FxHashMap<ExprId, ExprId>,
    pub(crate) whnf_cache: FxHashMap<ExprId, ExprId>,
    pub(crate) eqv: EquivManager,
    pub(crate) failures: FxHashSet<(ExprId, ExprId)>,
    pub(crate) depth: u32,
    /// Constants with an index at or above this are invisible (parallel batches).
    pub(crate) visible_below: u32,
    /// Set by another worker of a parallel batch that found an error.
    pub(crate) abort: Option<&'e AtomicBool>,
    calls: u32,
}

/// Unwinds the recursion counter on every exit path.
macro_rules! guarded {
    ($self:ident, $body:expr) => {{
        $self.enter()?;
        let r = (|| $body)();
        $self.depth -= 1;
        r
    }};
}
pub(crate) use guarded;

impl<'e> TypeChecker<'e> {
    pub fn new(
        env: &'e Env,
        level_params: Arc<[Name]>,
        safety: DefinitionSafety,
        decl_name: Name,
    ) -> Self {
        TypeChecker {
            env,
            st: LocalStore::new(env.arena()),
            lctx: Vec::new(),
            level_params,
            safety,
            decl_name,
            infer_cache_check: FxHashMap::default(),
            infer_cache_only: FxHashMap::default(),
            whnf_core_cache: FxHashMap::default(),
            whnf_cache: FxHashMap::default(),
            eqv: EquivManager::default(),
            failures: FxHashSet::default(),
            depth: 0,
            visible_below: u32::MAX,
            abort: None,
            calls: 0,
        }
    }

    /// The store terms are built in (the environment's arena plus scratch).
    pub fn store(&mut self) -> &mut LocalStore<'e> {
        &mut self.st
    }
    pub fn store_ref(&self) -> &LocalStore<'e> {
        &self.st
    }
    pub fn env(&self) -> &'e Env {
        self.env
    }

    /// Gives up the scratch arena, e.g. to copy generated terms into the environment.
    pub fn into_local(self) -> crate::expr::Arena {
        self.st.into_local()
    }

    pub(crate) fn enter(&mut self) -> Res<()> {
        self.calls = self.calls.wrapping_add(1);
        if self.calls.is_multiple_of(4096) {
            if let Some(flag) = self.abort {
                if flag.load(AtomicOrdering::Relaxed) {
                    return Err(KernelError::LimitExceeded(
                        "aborted: another declaration failed".into(),
                    ));
                }
            }
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(KernelError::TooDeep { limit: MAX_DEPTH });
        }
        Ok(())
    }

    /// Renders a term for an error message.
    pub fn show(&self, e: ExprId) -> String {
        crate::pretty::expr_to_string(&self.st, e, &|f: FVarId| {
            self.lctx.get(f.0 as usize).map(|d| d.name.to_string())
        })
    }

    // ----- local context -------------------------------------------------

    /// Adds a hypothesis `name : ty` and returns it as a free variable term.
    pub fn mk_local(&mut self, name: Name, info: BinderInfo, ty: ExprId) -> ExprId {
        let id = FVarId(self.lctx.len() as u32);
        self.lctx.push(LocalDecl {
            name,
            info,
            ty,
            value: None,
        });
        self.st.mk_fvar(id)
    }

    /// Adds a local definition `name : ty := value`.
    pub fn mk_let_local(&mut self, name: Name, ty: ExprId, value: ExprId) -> ExprId {
        let id = FVarId(self.lctx.len() as u32);
        self.lctx.push(LocalDecl {
            name,
            info: BinderInfo::Default,
            ty,
            value: Some(value),
        });
        self.st.mk_fvar(id)
    }

    pub fn local_decl(&self, fvar: ExprId) -> Option<&LocalDecl> {
        match self.st.kind(fvar) {
            ExprKind::FVar(f) => self.lctx.get(f.0 as usize),
            _ => None,
        }
    }

    fn fvar_id(&self, e: ExprId) -> FVarId {
        match self.st.kind(e) {
            ExprKind::FVar(f) => *f,
            _ => panic!("fvar_id on a non-variable"),
        }
    }

    /// `Π (xs : types), body` with the locals `xs` abstracted.
    pub fn mk_pi_over(&mut self, xs: &[ExprId], body: ExprId) -> ExprId {
        self.mk_binding(xs, body, true)
    }
    /// `λ (xs : types), body` with the locals `xs` abstracted.
    pub fn mk_lam_over(&mut self, xs: &[ExprId], body: ExprId) -> ExprId {
        self.mk_binding(xs, body, false)
    }

    fn mk_binding(&mut self, xs: &[ExprId], body: ExprId, pi: bool) -> ExprId {
        let ids: Vec<FVarId> = xs.iter().map(|&x| self.fvar_id(x)).collect();
        let mut r = abstract_fvars(&mut self.st, body, &ids);
        for i in (0..ids.len()).rev() {
            let d = self.lctx[ids[i].0 as usize].clone();
            let ty = abstract_fvars(&mut self.st, d.ty, &ids[..i]);
            r = match d.value {
                Some(v) => {
                    let v = abstract_fvars(&mut self.st, v, &ids[..i]);
                    self.st.mk_let(d.name, ty, v, r)
                }
                None if pi => self.st.mk_pi(d.name, d.info, ty, r),
                None => self.st.mk_lam(d.name, d.info, ty, r),
            };
        }
        r
    }

    // ----- environment access --------------------------------------------

    /// A constant visible to this check: in a parallel batch, only those
    /// added before the declaration being checked.
    pub(crate) fn lookup(&self, n: &Name) -> Option<&'e ConstantInfo> {
        let (info, index) = self.env.get_indexed(n)?;
        (index < self.visible_below).then_some(info)
    }
    pub(crate) fn lookup_exists(&self, n: &Name) -> bool {
        self.lookup(n).is_some()
    }
    pub(crate) fn get_const(&self, n: &Name) -> Option<&'e ConstantInfo> {
        self.lookup(n)
    }

    // ----- declaration checks --------------------------------------------

    /// Checks that `ty` is a type (its type is a sort).
    pub fn check_type(&mut self, ty: ExprId) -> Res<Level> {
        let s = self.infer(ty)?;
        self.ensure_sort(s, ty)
    }

    /// Checks that `value : ty`.
    pub fn check_value(&mut self, name: &Name, value: ExprId, ty: ExprId) -> Res<()> {
        let vt = self.infer(value)?;
        if !self.is_def_eq(vt, ty)? {
            return Err(KernelError::DeclTypeMismatch {
                decl: name.clone(),
                expected: self.show(ty),
                got: self.show(vt),
            });
        }
        Ok(())
    }

    /// Whether `e`'s type is `Prop`... i.e. whether `e` is a proposition.
    pub fn is_prop(&mut self, e: ExprId) -> Res<bool> {
        let t = self.infer_only(e)?;
        let t = self.whnf(t)?;
        Ok(matches!(self.st.kind(t), ExprKind::Sort(l) if l.is_zero()))
    }

    /// Whether `e` is a proof (its type is a proposition).
    pub fn is_proof(&mut self, e: ExprId) -> Res<bool> {
        let t = self.infer_only(e)?;
        self.is_prop(t)
    }

    // ----- inference -----------------------------------------------------

    /// Infers the type of `e`, checking it fully.
    pub fn infer(&mut self, e: ExprId) -> Res<ExprId> {
        self.infer_core(e, false)
    }

    /// Infers the type of `e`, assuming `e` is well typed.
    pub fn infer_only(&mut self, e: ExprId) -> Res<ExprId> {
        self.infer_core(e, true)
    }

    pub(crate) fn infer_core(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        if let Some(&t) = self.infer_cache_check.get(&e) {
            return Ok(t);
        }
        if infer_only {
            if let Some(&t) = self.infer_cache_only.get(&e) {
                return Ok(t);
            }
        }
        let r = guarded!(self, {
            match self.st.kind(e).clone() {
                ExprKind::BVar(i) => Err(KernelError::LooseBVar(i)),
                ExprKind::FVar(f) => match self.lctx.get(f.0 as usize) {
                    Some(d) => Ok(d.ty),
                    None => Err(KernelError::Unsupported("unknown free variable".into())),
                },
                ExprKind::Sort(l) => {
                    if !infer_only {
                        self.check_level(&l)?;
                    }
                    Ok(self.st.mk_sort(Level::succ(&l)))
                }
                ExprKind::Const(n, ls) => self.infer_const(&n, &ls, infer_only),
                ExprKind::App(..) => self.infer_app(e, infer_only),
                ExprKind::Lam(..) => self.infer_lambda(e, infer_only),
                ExprKind::Pi(..) => self.infer_pi(e, infer_only),
                ExprKind::Let(..) => self.infer_let(e, infer_only),
                ExprKind::NatLit(_) => self.lit_type("Nat"),
                ExprKind::StrLit(_) => self.lit_type("String"),
                ExprKind::Proj(s, i, x) => self.infer_proj(e, &s, i, x, infer_only),
            }
        })?;
        if infer_only {
            self.infer_cache_only.insert(e, r);
        } else {
            self.infer_cache_check.insert(e, r);
        }
        Ok(r)
    }

    fn lit_type(&mut self, name: &str) -> Res<ExprId> {
        let n = Name::from_dotted(name);
        if self.get_const(&n).is_none() {
            return Err(KernelError::UnknownConstant(n));
        }
        Ok(self.st.mk_const(n, Arc::from(Vec::new())))
    }

    pub(crate) fn check_level(&self, l: &Level) -> Res<()> {
        let mut bad = None;
        l.for_each_param(&mut |p| {
            if bad.is_none() && !self.level_params.contains(p) {
                bad = Some(p.clone());
            }
        });
        match bad {
            Some(param) => Err(KernelError::UndeclaredLevelParam {
                decl: self.decl_name.clone(),
                param,
            }),
            None => Ok(()),
        }
    }

    fn infer_const(&mut self, n: &Name, ls: &Arc<[Level]>, infer_only: bool) -> Res<ExprId> {
        let info = self
            .get_const(n)
            .ok_or_else(|| KernelError::UnknownConstant(n.clone()))?;
        if info.level_params.len() != ls.len() {
            return Err(KernelError::WrongNumLevels {
                constant: n.clone(),
                expected: info.level_params.len(),
                got: ls.len(),
            });
        }
        if !infer_only {
            if info.is_unsafe && self.safety != DefinitionSafety::Unsafe {
                return Err(KernelError::UnsafeReference {
                    decl: self.decl_name.clone(),
                    constant: n.clone(),
                });
            }
            for l in ls.iter() {
                self.check_level(l)?;
            }
        }
        Ok(instantiate_level_params(
            &mut self.st,
            info.ty,
            &info.level_params,
            ls,
        ))
    }

    fn infer_app(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        let (f, args) = self.st.app_args(e);
        let mut f_ty = self.infer_core(f, infer_only)?;
        if infer_only {
            let mut j = 0;
            for i in 0..args.len() {
                if let ExprKind::Pi(_, _, _, b) = *self.st.kind(f_ty) {
                    f_ty = b;
                } else {
                    let t = instantiate_rev(&mut self.st, f_ty, &args[j..i]);
                    let t = self.whnf(t)?;
                    match *self.st.kind(t) {
                        ExprKind::Pi(_, _, _, b) => {
                            f_ty = b;
                            j = i;
                        }
                        _ => {
                            return Err(KernelError::FunctionExpected {
                                term: self.show(e),
                                its_type: self.show(t),
                            })
                        }
                    }
                }
            }
            return Ok(instantiate_rev(&mut self.st, f_ty, &args[j..]));
        }
        let mut head = f;
        for &a in &args {
            let pi = self.ensure_pi(f_ty, head)?;
            let (dom, body) = match *self.st.kind(pi) {
                ExprKind::Pi(_, _, d, b) => (d, b),
                _ => unreachable!("ensure_pi returns a Π"),
            };
            let a_ty = self.infer_core(a, false)?;
            if !self.is_def_eq(a_ty, dom)? {
                return Err(KernelError::AppTypeMismatch {
                    function: self.show(head),
                    expected: self.show(dom),
                    argument: self.show(a),
                    argument_type: self.show(a_ty),
                });
            }
            f_ty = instantiate1(&mut self.st, body, a);
            head = self.st.mk_app(head, a);
        }
        Ok(f_ty)
    }

    fn infer_lambda(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        let mut fvars = Vec::new();
        let mut cur = e;
        while let ExprKind::Lam(n, bi, t, b) = self.st.kind(cur).clone() {
            let t = instantiate_rev(&mut self.st, t, &fvars);
            if !infer_only {
                let s = self.infer_core(t, false)?;
                self.ensure_sort(s, t)?;
            }
            fvars.push(self.mk_local(n, bi, t));
            cur = b;
        }
        let body = instantiate_rev(&mut self.st, cur, &fvars);
        let r = self.infer_core(body, infer_only)?;
        Ok(self.mk_pi_over(&fvars, r))
    }

    fn infer_pi(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        let mut fvars = Vec::new();
        let mut us = Vec::new();
        let mut cur = e;
        while let ExprKind::Pi(n, bi, t, b) = self.st.kind(cur).clone() {
            let t = instantiate_rev(&mut self.st, t, &fvars);
            let s = self.infer_core(t, infer_only)?;
            us.push(self.ensure_sort(s, t)?);
            fvars.push(self.mk_local(n, bi, t));
            cur = b;
        }
        let body = instantiate_rev(&mut self.st, cur, &fvars);
        let s = self.infer_core(body, infer_only)?;
        let mut r = self.ensure_sort(s, body)?;
        for u in us.iter().rev() {
            r = Level::mk_imax(u, &r);
        }
        Ok(self.st.mk_sort(r))
    }

    fn infer_let(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        let mut fvars = Vec::new();
        let mut cur = e;
        while let ExprKind::Let(n, t, v, b) = self.st.kind(cur).clone() {
            let t = instantiate_rev(&mut self.st, t, &fvars);
            let v = instantiate_rev(&mut self.st, v, &fvars);
            if !infer_only {
                let s = self.infer_core(t, false)?;
                self.ensure_sort(s, t)?;
                let vt = self.infer_core(v, false)?;
                if !self.is_def_eq(vt, t)? {
                    return Err(KernelError::LetTypeMismatch {
                        name: n,
                        expected: self.show(t),
                        got: self.show(vt),
                    });
                }
            }
            fvars.push(self.mk_let_local(n, t, v));
            cur = b;
        }
        let body = instantiate_rev(&mut self.st, cur, &fvars);
        let r = self.infer_core(body, infer_only)?;
        // Replace the let-variables in the type by their values, innermost first.
        let ids: Vec<FVarId> = fvars.iter().map(|&x| self.fvar_id(x)).collect();
        let mut r = r;
        for i in (0..ids.len()).rev() {
            if self.st.has_fvar(r) {
                let v = self.lctx[ids[i].0 as usize]
                    .value
                    .expect("let local has a value");
                let abs = abstract_fvars(&mut self.st, r, &ids[i..=i]);
                r = instantiate1(&mut self.st, abs, v);
            }
        }
        Ok(r)
    }

    fn infer_proj(
        &mut self,
        e: ExprId,
        s: &Name,
        idx: u32,
        x: ExprId,
        infer_only: bool,
    ) -> Res<ExprId> {
        let bad = |tc: &Self, reason: &str| KernelError::InvalidProjection {
            term: tc.show(e),
            reason: reason.to_string(),
        };
        let xt = self.infer_core(x, infer_only)?;
        let xt = self.whnf(xt)?;
        let (head, args) = self.st.app_args(xt);
        let (iname, ls) = match self.st.kind(head) {
            ExprKind::Const(n, ls) => (n.clone(), ls.clone()),
            _ => return Err(bad(self, "the value's type is not an inductive type")),
        };
        if &iname != s {
            return Err(bad(
                self,
                "the value's type is not the projection's structure",
            ));
        }
        let info = self
            .get_const(&iname)
            .ok_or_else(|| KernelError::UnknownConstant(iname.clone()))?;
        let (num_params, num_indices, ctors) = match &info.kind {
            ConstantKind::Inductive {
                num_params,
                num_indices,
                ctors,
                ..
            } => (*num_params, *num_indices, ctors.clone()),
            _ => return Err(bad(self, "not an inductive type")),
        };
        if ctors.len() != 1 || num_indices != 0 {
            return Err(bad(self, "not a structure (one constructor, no indices)"));
        }
        if args.len() != num_params as usize {
            return Err(bad(
                self,
                "structure type applied to the wrong number of parameters",
            ));
        }
        let ctor = self
            .get_const(&ctors[0])
            .ok_or_else(|| KernelError::UnknownConstant(ctors[0].clone()))?;
        if ctor.level_params.len() != ls.len() {
            return Err(bad(self, "wrong number of universe levels"));
        }
        let mut r = instantiate_level_params(&mut self.st, ctor.ty, &ctor.level_params, &ls);
        for &a in args.iter() {
            r = self.whnf(r)?;
            match *self.st.kind(r) {
                ExprKind::Pi(_, _, _, b) => r = instantiate1(&mut self.st, b, a),
                _ => return Err(bad(self, "constructor type has too few parameters")),
            }
        }
        let is_prop_type = self.is_prop(xt)?;
        for i in 0..idx {
            r = self.whnf(r)?;
            match *self.st.kind(r) {
                ExprKind::Pi(_, _, d, b) => {
                    if self.st.bvar_range(b) > 0 {
                        if is_prop_type && !self.is_prop(d)? {
                            return Err(bad(self, "a proof's data field cannot be projected"));
                        }
                        let p = self.st.mk_proj(s.clone(), i, x);
                        r = instantiate1(&mut self.st, b, p);
                    } else {
                        r = b;
                    }
                }
                _ => return Err(bad(self, "field index out of range")),
            }
        }
        r = self.whnf(r)?;
        let dom = match *self.st.kind(r) {
            ExprKind::Pi(_, _, d, _) => d,
            _ => return Err(bad(self, "field index out of range")),
        };
        if is_prop_type && !self.is_prop(dom)? {
            return Err(bad(self, "a proof's data field cannot be projected"));
        }
        Ok(dom)
    }

    /// `ty` must reduce to a sort; returns its level.
    pub fn ensure_sort(&mut self, ty: ExprId, of: ExprId) -> Res<Level> {
        if let ExprKind::Sort(l) = self.st.kind(ty) {
            return Ok(l.clone());
        }
        let w = self.whnf(ty)?;
        match self.st.kind(w) {
            ExprKind::Sort(l) => Ok(l.clone()),
            _ => Err(KernelError::TypeExpected {
                term: self.show(of),
                its_type: self.show(ty),
            }),
        }
    }

    /// `ty` must reduce to a Π; returns the Π.
    pub fn ensure_pi(&mut self, ty: ExprId, of: ExprId) -> Res<ExprId> {
        if let ExprKind::Pi(..) = self.st.kind(ty) {
            return Ok(ty);
        }
        let w = self.whnf(ty)?;
        match self.st.kind(w) {
            ExprKind::Pi(..) => Ok(w),
            _ => Err(KernelError::FunctionExpected {
                term: self.show(of),
                its_type: self.show(ty),
            }),
        }
    }
}
