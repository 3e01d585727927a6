//! Type inference (`infer`, `infer_only`) under a de Bruijn context.
//!
//! Inference does not substitute a free variable into a binder's body when it
//! goes under the binder. It keeps the body as it is and carries a *context*,
//! an interned list of the free variables standing for the loose bound
//! variables (`#0` is the innermost). A term is turned into a closed one
//! ("materialized") only where a closed term is really needed: a binder's
//! type, a dependent function's argument that its result type mentions, a
//! projected value a field type mentions, an error message. Results are
//! cached by `(term, context)`, and closed terms by the term alone.
//!
//! Eager substitution copies a binder's whole body for every binder opened, so
//! `n` nested binders over a shared body cost `O(n²)` new nodes; here they
//! cost `O(n)`. Everything else (whnf, definitional equality) works on closed
//! terms, as in Lean's kernel.

use crate::declaration::{ConstantKind, DefinitionSafety};
use crate::error::KernelError;
use crate::expr::{BinderInfo, ExprId, ExprKind, ExprStore, FVarId};
use crate::instantiate::{abstract_fvars, instantiate, instantiate1, instantiate_level_params};
use crate::known::known;
use crate::level::Level;
use crate::name::Name;
use crate::type_checker::{guarded, Res, TypeChecker};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// An interned context: `CtxId::EMPTY`, or a free variable on top of a context.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub(crate) struct CtxId(u32);

impl CtxId {
    pub(crate) const EMPTY: CtxId = CtxId(0);
}

/// The interned contexts of one checker.
#[derive(Default)]
pub(crate) struct Contexts {
    cells: Vec<(FVarId, CtxId)>,
    map: FxHashMap<(FVarId, CtxId), CtxId>,
}

impl Contexts {
    pub(crate) fn clear(&mut self) {
        self.cells.clear();
        self.map.clear();
    }

    fn push(&mut self, f: FVarId, tail: CtxId) -> CtxId {
        if let Some(&c) = self.map.get(&(f, tail)) {
            return c;
        }
        self.cells.push((f, tail));
        let c = CtxId(self.cells.len() as u32);
        self.map.insert((f, tail), c);
        c
    }

    /// The free variables standing for `#0 … #(n-1)`, in one walk.
    fn top(&self, mut c: CtxId, n: u32) -> Option<Vec<FVarId>> {
        let mut out = Vec::with_capacity(n as usize);
        while out.len() < n as usize {
            if c == CtxId::EMPTY {
                return None;
            }
            let (f, tail) = self.cells[(c.0 - 1) as usize];
            out.push(f);
            c = tail;
        }
        Some(out)
    }

    /// The free variable standing for `#i`.
    fn lookup(&self, mut c: CtxId, mut i: u32) -> Option<FVarId> {
        loop {
            if c == CtxId::EMPTY {
                return None;
            }
            let (f, tail) = self.cells[(c.0 - 1) as usize];
            if i == 0 {
                return Some(f);
            }
            i -= 1;
            c = tail;
        }
    }
}

/// Applications at most this deep are materialized part by part (a bound
/// on that recursion); deeper ones in one walk.
const MATERIALIZE_BY_PARTS_DEPTH: u32 = 64;

impl TypeChecker<'_> {
    /// Infers the type of `e`, checking it fully.
    pub fn infer(&mut self, e: ExprId) -> Res<ExprId> {
        self.infer_core(e, false)
    }

    /// Infers the type of `e`, assuming `e` is well typed.
    pub fn infer_only(&mut self, e: ExprId) -> Res<ExprId> {
        self.infer_core(e, true)
    }

    pub(crate) fn infer_core(&mut self, e: ExprId, infer_only: bool) -> Res<ExprId> {
        self.infer_in(e, CtxId::EMPTY, infer_only)
    }

    fn push_ctx(&mut self, x: ExprId, c: CtxId) -> CtxId {
        match self.st.kind(x) {
            ExprKind::FVar(f) => self.contexts.push(*f, c),
            _ => unreachable!("contexts hold free variables"),
        }
    }

    /// The free variable standing for a binder `(n : t)` opened in context
    /// `c`. It stands for an arbitrary element of `t` there and nothing else
    /// (it has no value), so every binder with the same name, info and type in
    /// the same context may share one: results cached under it stay true.
    fn binder_local(&mut self, n: Name, bi: BinderInfo, t: ExprId, c: CtxId) -> ExprId {
        let key = (c, n, bi, t);
        if let Some(&x) = self.binder_locals.get(&key) {
            return x;
        }
        let x = self.mk_local(key.1.clone(), bi, t);
        self.binder_locals.insert(key, x);
        x
    }

    /// `e` with its loose bound variables replaced by the context's free variables.
    pub(crate) fn materialize(&mut self, e: ExprId, c: CtxId) -> Res<ExprId> {
        let r = self.st.bvar_range(e);
        if r == 0 {
            return Ok(e);
        }
        if let Some(&m) = self.materialized.get(&(e, c)) {
            return Ok(m);
        }
        let m = match *self.st.kind(e) {
            // An application's parts are materialized (and remembered) one by
            // one, so terms that share parts share the work: the terms of a
            // rewriting chain differ in one path. (A part's loose bound
            // variables are among the whole's, so the part's free variables
            // are the same.) Deeper terms go through one stack-safe walk.
            ExprKind::App(f, a) if self.st.node(e).depth <= MATERIALIZE_BY_PARTS_DEPTH => {
                let f = self.materialize(f, c)?;
                let a = self.materialize(a, c)?;
                self.st.mk_app(f, a)
            }
            _ => {
                let fvars = self
                    .contexts
                    .top(c, r)
                    .ok_or(KernelError::LooseBVar(r - 1))?;
                let subst: Vec<ExprId> = fvars.into_iter().map(|f| self.st.mk_fvar(f)).collect();
                instantiate(&mut self.st, e, &subst)
            }
        };
        self.materialized.insert((e, c), m);
        Ok(m)
    }

    /// Renders a possibly open term of context `c` for an error message.
    fn show_in(&mut self, e: ExprId, c: CtxId) -> String {
        match self.materialize(e, c) {
            Ok(m) => self.show(m),
            Err(_) => self.show(e),
        }
    }

    /// Infers the type of `e`, whose loose bound variables are given by `c`.
    /// The type is closed (it mentions free variables, not bound ones).
    pub(crate) fn infer_in(&mut self, e: ExprId, c: CtxId, infer_only: bool) -> Res<ExprId> {
        let c = if self.st.bvar_range(e) == 0 {
            CtxId::EMPTY
        } else {
            c
        };
        if let Some(&t) = self.infer_cache_check.get(&(e, c)) {
            return Ok(t);
        }
        if infer_only {
            if let Some(&t) = self.infer_cache_only.get(&(e, c)) {
                return Ok(t);
            }
        }
        let r = guarded!(self, {
            match *self.st.kind(e) {
                ExprKind::BVar(i) => match self.contexts.lookup(c, i) {
                    Some(f) => Ok(self.lctx[f.0 as usize].ty),
                    None => Err(KernelError::LooseBVar(i)),
                },
                ExprKind::FVar(f) => match self.lctx.get(f.0 as usize) {
                    Some(d) => Ok(d.ty),
                    None => Err(KernelError::Unsupported("unknown free variable".into())),
                },
                ExprKind::Sort(ref l) => {
                    let l = l.clone();
                    if !infer_only {
                        self.check_level(&l)?;
                    }
                    Ok(self.st.mk_sort(Level::succ(&l)))
                }
                ExprKind::Const(ref n, ref ls) => {
                    let (n, ls) = (n.clone(), ls.clone());
                    self.infer_const(&n, &ls, infer_only)
                }
                ExprKind::App(..) => self.infer_app(e, c, infer_only),
                ExprKind::Lam(..) => self.infer_lambda(e, c, infer_only),
                ExprKind::Pi(..) => self.infer_pi(e, c, infer_only),
                ExprKind::Let(..) => self.infer_let(e, c, infer_only),
                ExprKind::NatLit(_) => self.lit_type(&known().nat),
                ExprKind::StrLit(_) => self.lit_type(&known().string),
                ExprKind::Proj(ref s, i, x) => {
                    let s = s.clone();
                    self.infer_proj(e, &s, i, x, c, infer_only)
                }
            }
        })?;
        if infer_only {
            self.infer_cache_only.insert((e, c), r);
        } else {
            self.infer_cache_check.insert((e, c), r);
        }
        Ok(r)
    }

    fn lit_type(&mut self, n: &Name) -> Res<ExprId> {
        if self.get_const(n).is_none() {
            return Err(KernelError::UnknownConstant(n.clone()));
        }
        Ok(self.st.mk_const(n.clone(), Arc::from(Vec::new())))
    }

    /// The universe parameters of `l` must be the declaration's.
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

    /// `t` (with loose bvars standing for `args`, last argument innermost)
    /// instantiated with the arguments, materialized only when mentioned.
    fn instantiate_args(&mut self, t: ExprId, args: &[ExprId], c: CtxId) -> Res<ExprId> {
        if args.is_empty() || self.st.bvar_range(t) == 0 {
            return Ok(t);
        }
        let mut subst = Vec::with_capacity(args.len());
        for &a in args.iter().rev() {
            subst.push(self.materialize(a, c)?);
        }
        Ok(instantiate(&mut self.st, t, &subst))
    }

    fn infer_app(&mut self, e: ExprId, c: CtxId, infer_only: bool) -> Res<ExprId> {
        let (f, args) = self.st.app_args(e);
        let mut f_ty = self.infer_in(f, c, infer_only)?;
        if infer_only {
            let mut j = 0;
            for i in 0..args.len() {
                if let ExprKind::Pi(_, _, _, b) = *self.st.kind(f_ty) {
                    f_ty = b;
                } else {
                    let t = self.instantiate_args(f_ty, &args[j..i], c)?;
                    let t = self.whnf(t)?;
                    match *self.st.kind(t) {
                        ExprKind::Pi(_, _, _, b) => {
                            f_ty = b;
                            j = i;
                        }
                        _ => {
                            return Err(KernelError::FunctionExpected {
                                term: self.show_in(e, c),
                                its_type: self.show(t),
                            })
                        }
                    }
                }
            }
            return self.instantiate_args(f_ty, &args[j..], c);
        }
        for (k, &a) in args.iter().enumerate() {
            let pi = match *self.st.kind(f_ty) {
                ExprKind::Pi(..) => f_ty,
                _ => {
                    let w = self.whnf(f_ty)?;
                    if !matches!(self.st.kind(w), ExprKind::Pi(..)) {
                        let head = self.st.mk_apps(f, &args[..k]);
                        return Err(KernelError::FunctionExpected {
                            term: self.show_in(head, c),
                            its_type: self.show(f_ty),
                        });
                    }
                    w
                }
            };
            let (dom, body) = match *self.st.kind(pi) {
                ExprKind::Pi(_, _, d, b) => (d, b),
                _ => unreachable!("checked to be a Π"),
            };
            let a_ty = self.infer_in(a, c, false)?;
            if !self.is_def_eq(a_ty, dom)? {
                let head = self.st.mk_apps(f, &args[..k]);
                return Err(KernelError::AppTypeMismatch {
                    function: self.show_in(head, c),
                    expected: self.show(dom),
                    argument: self.show_in(a, c),
                    argument_type: self.show(a_ty),
                });
            }
            f_ty = if self.st.bvar_range(body) == 0 {
                body
            } else {
                let am = self.materialize(a, c)?;
                match self.app_inst_cache.get(&(body, am)) {
                    Some(&t) => t,
                    None => {
                        let t = instantiate1(&mut self.st, body, am);
                        self.app_inst_cache.insert((body, am), t);
                        t
                    }
                }
            };
        }
        Ok(f_ty)
    }

    fn infer_lambda(&mut self, e: ExprId, c: CtxId, infer_only: bool) -> Res<ExprId> {
        let mut fvars = Vec::new();
        let mut ctx = c;
        let mut cur = e;
        while let ExprKind::Lam(n, bi, t, b) = self.st.kind(cur).clone() {
            let t = self.materialize(t, ctx)?;
            if !infer_only {
                let s = self.infer_core(t, false)?;
                self.ensure_sort(s, t)?;
            }
            let x = self.binder_local(n, bi, t, ctx);
            fvars.push(x);
            ctx = self.push_ctx(x, ctx);
            cur = b;
        }
        let r = self.infer_in(cur, ctx, infer_only)?;
        Ok(self.mk_pi_over(&fvars, r))
    }

    fn infer_pi(&mut self, e: ExprId, c: CtxId, infer_only: bool) -> Res<ExprId> {
        let mut us = Vec::new();
        let mut ctx = c;
        let mut cur = e;
        while let ExprKind::Pi(n, bi, t, b) = self.st.kind(cur).clone() {
            let t = self.materialize(t, ctx)?;
            let s = self.infer_core(t, infer_only)?;
            us.push(self.ensure_sort(s, t)?);
            let x = self.binder_local(n, bi, t, ctx);
            ctx = self.push_ctx(x, ctx);
            cur = b;
        }
        let s = self.infer_in(cur, ctx, infer_only)?;
        let body_level = match self.st.kind(s) {
            ExprKind::Sort(l) => l.clone(),
            _ => {
                let w = self.whnf(s)?;
                match self.st.kind(w) {
                    ExprKind::Sort(l) => l.clone(),
                    _ => {
                        return Err(KernelError::TypeExpected {
                            term: self.show_in(cur, ctx),
                            its_type: self.show(s),
                        })
                    }
                }
            }
        };
        let mut r = body_level;
        for u in us.iter().rev() {
            r = Level::mk_imax(u, &r);
        }
        Ok(self.st.mk_sort(r))
    }

    fn infer_let(&mut self, e: ExprId, c: CtxId, infer_only: bool) -> Res<ExprId> {
        let mut fvars = Vec::new();
        let mut ctx = c;
        let mut cur = e;
        while let ExprKind::Let(n, t, v, b) = self.st.kind(cur).clone() {
            let t = self.materialize(t, ctx)?;
            let v = self.materialize(v, ctx)?;
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
            let x = self.mk_let_local(n, t, v);
            fvars.push(x);
            ctx = self.push_ctx(x, ctx);
            cur = b;
        }
        let mut r = self.infer_in(cur, ctx, infer_only)?;
        // Replace the let-variables in the type by their values, innermost first.
        for &x in fvars.iter().rev() {
            if self.st.has_fvar(r) {
                let FVarId(id) = match self.st.kind(x) {
                    ExprKind::FVar(f) => *f,
                    _ => unreachable!("a let local is a free variable"),
                };
                let v = self.lctx[id as usize].value.expect("let local has a value");
                let abs = abstract_fvars(&mut self.st, r, &[FVarId(id)]);
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
        c: CtxId,
        infer_only: bool,
    ) -> Res<ExprId> {
        let bad = |tc: &mut Self, reason: &str| KernelError::InvalidProjection {
            term: tc.show_in(e, c),
            reason: reason.to_string(),
        };
        let xt = self.infer_in(x, c, infer_only)?;
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
        let Some(info) = self.get_const(&iname) else {
            return Err(KernelError::UnknownConstant(iname));
        };
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
        let Some(ctor) = self.get_const(&ctors[0]) else {
            return Err(KernelError::UnknownConstant(ctors[0].clone()));
        };
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
                        let xm = self.materialize(x, c)?;
                        let p = self.st.mk_proj(s.clone(), i, xm);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::expr::ExprStore;

    /// A term over `#0 … #2` of about `depth` levels, with a binder inside
    /// now and then (so some bound variables are not loose).
    fn open_term(s: &mut impl ExprStore, f: ExprId, depth: u32, seed: u32) -> ExprId {
        if depth == 0 {
            return s.mk_bvar(seed % 3);
        }
        let a = open_term(s, f, depth - 1, seed.wrapping_mul(7).wrapping_add(1));
        let b = open_term(s, f, depth / 2, seed.wrapping_mul(13).wrapping_add(5));
        let app = s.mk_apps(f, &[a, b]);
        if seed.is_multiple_of(5) {
            let ty = s.mk_sort(Level::zero());
            s.mk_lam(Name::from_dotted("y"), BinderInfo::Default, ty, app)
        } else {
            app
        }
    }

    #[test]
    fn materializing_by_parts_is_instantiating_with_the_context() {
        let env = Env::new();
        let mut tc = env.checker(&[]);
        let ty = tc.store().mk_sort(Level::zero());
        let f = tc
            .store()
            .mk_const(Name::from_dotted("f"), Arc::from(vec![]));
        let mut c = CtxId::EMPTY;
        let mut xs = Vec::new();
        for n in ["a", "b", "c"] {
            let x = tc.mk_local(Name::from_dotted(n), BinderInfo::Default, ty);
            c = tc.push_ctx(x, c);
            xs.push(x);
        }
        // `#0` is the innermost binder, the last pushed.
        xs.reverse();
        // Shallow terms go part by part, the deepest through one walk; terms
        // built later share parts with earlier ones (and their memo entries).
        for (depth, seed) in [(1, 1), (3, 2), (6, 3), (6, 4), (12, 5), (70, 6), (80, 6)] {
            let e = open_term(tc.store(), f, depth, seed);
            let by_parts = tc.materialize(e, c).unwrap();
            let whole = instantiate(tc.store(), e, &xs);
            assert_eq!(by_parts, whole, "depth {depth}, seed {seed}");
            assert_eq!(tc.store().bvar_range(by_parts), 0);
        }
    }
}
