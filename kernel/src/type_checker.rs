//! Type inference and checking (`infer`, `check_*`), the local context, and
//! the per-check state shared with `whnf` and `def_eq`.
//!
//! A `TypeChecker` borrows the environment read-only and owns everything it
//! makes: a scratch arena layered over the environment's, the free variables
//! of its local context, and its caches. Dropping it drops them all.

use crate::declaration::{ConstantInfo, DefinitionSafety};
use crate::env::Env;
use crate::error::KernelError;
use crate::expr::{BinderInfo, ExprId, ExprKind, ExprStore, FVarId, LocalStore};
use crate::infer::{Contexts, CtxId};
use crate::instantiate::abstract_fvars;
use crate::level::Level;
use crate::name::Name;
use crate::stack::{MAX_DEPTH, MAX_STEPS};
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
    pub(crate) infer_cache_check: FxHashMap<(ExprId, CtxId), ExprId>,
    pub(crate) infer_cache_only: FxHashMap<(ExprId, CtxId), ExprId>,
    pub(crate) contexts: Contexts,
    pub(crate) materialized: FxHashMap<(ExprId, CtxId), ExprId>,
    /// `(Π-body, argument)` → the body instantiated with it: applications
    /// of one function to the same leading arguments (`@Eq.trans α a …`)
    /// instantiate its type the same way each time.
    pub(crate) app_inst_cache: FxHashMap<(ExprId, ExprId), ExprId>,
    /// The free variable opened for a binder `(name : ty)` (with its binder
    /// info) in a context: binders alike in the same context share it, so
    /// what is inferred under one (`fun x : R => C[x]` in one `congrArg`) is
    /// found in the cache under the next.
    pub(crate) binder_locals: FxHashMap<(CtxId, Name, BinderInfo, ExprId), ExprId>,
    pub(crate) whnf_core_cache: FxHashMap<ExprId, ExprId>,
    pub(crate) whnf_cache: FxHashMap<ExprId, ExprId>,
    pub(crate) eqv: EquivManager,
    pub(crate) failures: FxHashSet<(ExprId, ExprId)>,
    pub(crate) depth: u32,
    /// Constants with an index at or above this are invisible (parallel batches).
    pub(crate) visible_below: u32,
    /// Set by another worker of a parallel batch that found an error.
    pub(crate) abort: Option<&'e AtomicBool>,
    calls: u64,
    /// `ensure_scoped`'s memo, kept (empty) between calls with its memory.
    scoped_seen: FxHashSet<ExprId>,
    /// The last `(xs, body, ty)` [`TypeChecker::check_lambda_value`]
    /// accepted. Terms and local declarations never change until
    /// [`TypeChecker::reset`], so the same question has the same answer
    /// (`verify` asks it twice when the script builds the proof term).
    last_lambda: Option<(Vec<ExprId>, ExprId, ExprId)>,
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
            contexts: Contexts::default(),
            materialized: FxHashMap::default(),
            app_inst_cache: FxHashMap::default(),
            binder_locals: FxHashMap::default(),
            whnf_core_cache: FxHashMap::default(),
            whnf_cache: FxHashMap::default(),
            eqv: EquivManager::default(),
            failures: FxHashSet::default(),
            depth: 0,
            visible_below: u32::MAX,
            abort: None,
            calls: 0,
            scoped_seen: FxHashSet::default(),
            last_lambda: None,
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

    /// Forgets every scratch term, local and cached result, as if the checker
    /// were new, but keeps the memory they used. A caller checking many
    /// small declarations in turn (the generator) saves allocating and
    /// faulting in fresh tables for each.
    pub fn reset(&mut self) {
        self.st.clear_local();
        self.lctx.clear();
        self.infer_cache_check.clear();
        self.infer_cache_only.clear();
        self.contexts.clear();
        self.materialized.clear();
        self.app_inst_cache.clear();
        self.binder_locals.clear();
        self.whnf_core_cache.clear();
        self.whnf_cache.clear();
        self.eqv.parent.clear();
        self.failures.clear();
        self.depth = 0;
        self.calls = 0;
        self.last_lambda = None;
    }

    /// Gives up the scratch arena, e.g. to copy generated terms into the environment.
    pub fn into_local(self) -> crate::expr::Arena {
        self.st.into_local()
    }

    pub(crate) fn enter(&mut self) -> Res<()> {
        self.calls += 1;
        if self.calls.is_multiple_of(4096) {
            if self.calls > MAX_STEPS {
                return Err(KernelError::LimitExceeded(format!(
                    "more than {MAX_STEPS} inference, reduction and conversion steps for one declaration"
                )));
            }
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

    /// Checks that `value : ty`, both closed terms (a local of this
    /// checker's context in either would be an assumption, not a proof).
    pub fn check_value(&mut self, name: &Name, value: ExprId, ty: ExprId) -> Res<()> {
        self.ensure_closed(name, value)?;
        self.ensure_closed(name, ty)?;
        let vt = self.infer(value)?;
        self.ensure_decl_type(name, vt, ty)
    }

    /// `e` mentions no local and no loose bound variable.
    fn ensure_closed(&self, name: &Name, e: ExprId) -> Res<()> {
        if self.st.has_fvar(e) || self.st.bvar_range(e) > 0 {
            return Err(KernelError::NotClosed(name.clone()));
        }
        Ok(())
    }

    /// The value's type `vt` must be the declared `ty`.
    fn ensure_decl_type(&mut self, name: &Name, vt: ExprId, ty: ExprId) -> Res<()> {
        if !self.is_def_eq(vt, ty)? {
            return Err(KernelError::DeclTypeMismatch {
                decl: name.clone(),
                expected: self.show(ty),
                got: self.show(vt),
            });
        }
        Ok(())
    }

    /// Checks that `fun xs => body : ty` for locals `xs` of this checker,
    /// without building the lambda: closing a large body over its
    /// variables rebuilds every node that mentions them, and a caller that
    /// elaborated the body over the locals need not pay for it. This is
    /// [`TypeChecker::check_value`] of the lambda with its binders already
    /// opened, as checking the lambda opens them: each binder is a
    /// distinct local assumption whose type is a type mentioning no local
    /// but the binders before it, the body mentions no local but the
    /// binders, and `ty`, a closed term, is the Π of the binders over the
    /// body's type.
    pub fn check_lambda_value(
        &mut self,
        name: &Name,
        xs: &[ExprId],
        body: ExprId,
        ty: ExprId,
    ) -> Res<()> {
        let asked = |(ys, b, t): &(Vec<ExprId>, ExprId, ExprId)| ys == xs && *b == body && *t == ty;
        if self.last_lambda.as_ref().is_some_and(asked) {
            return Ok(());
        }
        self.ensure_closed(name, ty)?;
        let mut ids: Vec<FVarId> = Vec::with_capacity(xs.len());
        for &x in xs {
            let ExprKind::FVar(f) = *self.st.kind(x) else {
                return Err(KernelError::NotClosed(name.clone()));
            };
            let d = match self.lctx.get(f.0 as usize) {
                Some(d) if d.value.is_none() && !ids.contains(&f) => d.ty,
                _ => return Err(KernelError::NotClosed(name.clone())),
            };
            self.ensure_scoped(name, d, &ids)?;
            self.check_type(d)?;
            ids.push(f);
        }
        self.ensure_scoped(name, body, &ids)?;
        let vt = self.infer(body)?;
        let lam_ty = self.mk_pi_over(xs, vt);
        self.ensure_decl_type(name, lam_ty, ty)?;
        self.last_lambda = Some((xs.to_vec(), body, ty));
        Ok(())
    }

    /// `e` has no loose bound variable and no free one but `ids`.
    fn ensure_scoped(&mut self, name: &Name, e: ExprId, ids: &[FVarId]) -> Res<()> {
        if self.st.bvar_range(e) > 0 {
            return Err(KernelError::NotClosed(name.clone()));
        }
        let mut seen = std::mem::take(&mut self.scoped_seen);
        let r = self.scoped_walk(name, e, ids, &mut seen);
        seen.clear();
        self.scoped_seen = seen;
        r
    }

    fn scoped_walk(
        &self,
        name: &Name,
        e: ExprId,
        ids: &[FVarId],
        seen: &mut FxHashSet<ExprId>,
    ) -> Res<()> {
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            let node = self.st.node(x);
            // Shared subterms are walked once; shallow ones are cheaper to
            // walk again than to remember.
            if !node.has_fvar || (node.depth >= 3 && !seen.insert(x)) {
                continue;
            }
            match *self.st.kind(x) {
                ExprKind::FVar(f) if !ids.contains(&f) => {
                    return Err(KernelError::NotClosed(name.clone()));
                }
                ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                ExprKind::Let(_, a, b, c) => stack.extend([a, b, c]),
                ExprKind::Proj(_, _, a) => stack.push(a),
                _ => {}
            }
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
