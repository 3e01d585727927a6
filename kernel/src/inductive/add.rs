//! Checking a mutual block (already free of nested occurrences) and
//! generating its recursors: Lean's `add_inductive_fn`.
//!
//! The type formers are checked first ([`check_inductive_types`]) against the
//! environment without them. [`generate`] runs with the type formers in the
//! environment: it checks the constructors (parameters, field universes,
//! strict positivity, result type), decides the elimination universe and rule
//! K, and builds each recursor's type and computation rules in the checker's
//! scratch layer, following Lean's layout exactly:
//! `I.rec : Π params motives minors indices (t : I params indices), motive indices t`,
//! with rule right-hand sides `λ params motives minors fields, minor fields ihs`.

use super::nested::{param_ids, Elim};
use super::{append_after, is_zero_level, mentions_any, rec_name, replace_prefix, safety, Res};
use crate::declaration::InductiveDecl;
use crate::env::Env;
use crate::error::{InductiveFailure, KernelError};
use crate::expr::{Arena, BinderInfo, ExprId, ExprKind, ExprStore};
use crate::instantiate::{abstract_fvars, has_loose_bvar, instantiate1, instantiate_rev};
use crate::level::Level;
use crate::name::Name;
use crate::stack::MAX_DEPTH;
use crate::type_checker::TypeChecker;
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// What checking the type formers established.
pub(super) struct TypesInfo {
    pub nindices: Vec<usize>,
    pub result_level: Level,
}

/// One generated recursor (terms in the checker's scratch layer).
pub(super) struct RecGen {
    pub ty: ExprId,
    /// Per constructor: the rule's right-hand side and the number of fields.
    pub rules: Vec<(ExprId, u32)>,
    pub num_indices: usize,
}

pub(super) struct Generated {
    pub num_params: usize,
    /// Per type, per constructor.
    pub num_fields: Vec<Vec<u32>>,
    /// The motive's universe parameter, when the recursors eliminate into any sort.
    pub elim_level: Option<Name>,
    pub k: bool,
    pub num_motives: u32,
    pub num_minors: u32,
    pub recs: Vec<RecGen>,
}

fn fail(name: &Name, failure: InductiveFailure) -> KernelError {
    KernelError::Inductive {
        name: name.clone(),
        failure,
    }
}

/// Lean's `check_inductive_types`: each type is a well-typed telescope
/// `Π params indices, Sort u` (reduced as it is walked), all share the first
/// type's parameters (up to definitional equality) and the same result level.
pub(super) fn check_inductive_types(
    env: &Env,
    decl: &InductiveDecl,
    lps: &Arc<[Name]>,
) -> Res<TypesInfo> {
    let block = &decl.types[0].name;
    let np = decl.num_params as usize;
    let mut tc = TypeChecker::new(env, lps.clone(), safety(decl.is_unsafe), block.clone());
    let mut params: Vec<ExprId> = Vec::with_capacity(np);
    let mut nindices = Vec::with_capacity(decl.types.len());
    let mut result_level: Option<Level> = None;
    for (k, it) in decl.types.iter().enumerate() {
        tc.infer(it.ty)?;
        let mut t = tc.whnf(it.ty)?;
        let mut i = 0usize;
        let mut nidx = 0usize;
        while let ExprKind::Pi(n, bi, dom, body) = tc.store_ref().kind(t).clone() {
            if i < np {
                if k == 0 {
                    let p = local_for(&mut tc, n, bi, dom);
                    params.push(p);
                    t = instantiate1(tc.store(), body, p);
                } else {
                    let pty = local_type(&tc, params[i]);
                    if !tc.is_def_eq(dom, pty)? {
                        return Err(fail(
                            &it.name,
                            InductiveFailure::MalformedBlock("the types' parameters differ".into()),
                        ));
                    }
                    t = instantiate1(tc.store(), body, params[i]);
                }
                i += 1;
            } else {
                let x = local_for(&mut tc, n, bi, dom);
                t = instantiate1(tc.store(), body, x);
                nidx += 1;
            }
            if i + nidx > MAX_DEPTH as usize {
                return Err(KernelError::TooDeep { limit: MAX_DEPTH });
            }
            t = tc.whnf(t)?;
        }
        if i != np {
            return Err(fail(
                &it.name,
                InductiveFailure::MalformedBlock(format!(
                    "the type has {i} parameters, the block {np}"
                )),
            ));
        }
        let lvl = match tc.store_ref().kind(t) {
            ExprKind::Sort(l) => l.clone(),
            _ => return Err(fail(&it.name, InductiveFailure::NotASortTelescope)),
        };
        match &result_level {
            None => result_level = Some(lvl),
            Some(r) => {
                if !lvl.equiv(r) {
                    return Err(fail(
                        &it.name,
                        InductiveFailure::MalformedBlock(
                            "the types live in different universes".into(),
                        ),
                    ));
                }
            }
        }
        nindices.push(nidx);
    }
    Ok(TypesInfo {
        nindices,
        result_level: result_level.unwrap_or_else(Level::zero),
    })
}

/// A local for a binder `(n : d)`, with `d`'s outer type annotations
/// (`optParam`, `autoParam`, `outParam`, `semiOutParam`) removed, as Lean's
/// `mk_local_decl_for` does. Generated recursors show the unannotated types.
fn local_for(tc: &mut TypeChecker<'_>, n: Name, bi: BinderInfo, d: ExprId) -> ExprId {
    let d = consume_type_annotations(tc.store_ref(), d);
    tc.mk_local(n, bi, d)
}

/// Lean's `Expr.consumeTypeAnnotations`.
fn consume_type_annotations<S: ExprStore>(s: &S, mut e: ExprId) -> ExprId {
    loop {
        let (head, args) = s.app_args(e);
        let keep_first = match s.kind(head) {
            ExprKind::Const(c, _) if c.prefix().is_anon() => match c.last_str() {
                Some("optParam" | "autoParam") => args.len() == 2,
                Some("outParam" | "semiOutParam") => args.len() == 1,
                _ => false,
            },
            _ => false,
        };
        if !keep_first {
            return e;
        }
        e = args[0];
    }
}

fn local_type(tc: &TypeChecker<'_>, x: ExprId) -> ExprId {
    tc.local_decl(x).map_or(x, |d| d.ty)
}

/// Lean's `is_rec` and `is_reflexive`, read off the constructor types: some
/// field's type mentions a type of the block; some field is a function
/// returning one.
pub(super) fn rec_and_reflexive(arena: &Arena, decl: &InductiveDecl) -> (bool, bool) {
    let names: FxHashSet<Name> = decl.types.iter().map(|t| t.name.clone()).collect();
    let mut is_rec = false;
    let mut is_reflexive = false;
    for t in &decl.types {
        for c in &t.ctors {
            let mut cur = c.ty;
            while let ExprKind::Pi(_, _, d, b) = arena.kind(cur) {
                if mentions_any(arena, *d, &names) {
                    is_rec = true;
                    if matches!(arena.kind(*d), ExprKind::Pi(..)) {
                        is_reflexive = true;
                    }
                }
                cur = *b;
            }
        }
    }
    (is_rec, is_reflexive)
}

/// Checks the constructors and generates the recursors of `elim.decl`, whose
/// type formers must be in `env`. Returns the checker's scratch arena, which
/// the generated terms live in (or in `env`'s arena).
pub(super) fn generate(
    env: &Env,
    elim: &Elim,
    lps: &Arc<[Name]>,
    types: &TypesInfo,
) -> Res<(Arena, Generated)> {
    let decl = &elim.decl;
    let block = decl.types[0].name.clone();
    let np = decl.num_params as usize;
    let mut tc = TypeChecker::new(env, lps.clone(), safety(decl.is_unsafe), block.clone());
    let levels: Arc<[Level]> = lps.iter().map(Level::param).collect();
    // The parameters, from the first type.
    let mut params = Vec::with_capacity(np);
    let mut t = tc.whnf(decl.types[0].ty)?;
    for _ in 0..np {
        match tc.store_ref().kind(t).clone() {
            ExprKind::Pi(n, bi, d, b) => {
                let p = local_for(&mut tc, n, bi, d);
                params.push(p);
                let body = instantiate1(tc.store(), b, p);
                t = tc.whnf(body)?;
            }
            _ => return Err(fail(&block, InductiveFailure::NotASortTelescope)),
        }
    }
    let ind_consts = decl
        .types
        .iter()
        .map(|it| tc.store().mk_const(it.name.clone(), levels.clone()))
        .collect();
    let mut g = Gen {
        tc,
        decl,
        np,
        names: decl.types.iter().map(|t| t.name.clone()).collect(),
        ind_consts,
        nindices: types.nindices.clone(),
        result_level: types.result_level.clone(),
        levels,
        params,
    };
    let num_fields = g.check_constructors()?;
    g.check_nested_params(elim)?;
    let elim_level = if g.elim_only_at_universe_zero()? {
        None
    } else {
        let base = Name::str(&Name::anon(), "u");
        let mut u = base.clone();
        let mut i = 1;
        while lps.contains(&u) {
            u = append_after(&base, &format!("_{i}"));
            i += 1;
        }
        Some(u)
    };
    let k = decl.types.len() == 1
        && is_zero_level(&g.result_level)
        && decl.types[0].ctors.len() == 1
        && num_fields[0][0] == 0;
    let recs = g.mk_recursors(elim_level.as_ref())?;
    let num_minors = decl.types.iter().map(|t| t.ctors.len() as u32).sum();
    let scratch = g.tc.into_local();
    Ok((
        scratch,
        Generated {
            num_params: np,
            num_fields,
            elim_level,
            k,
            num_motives: decl.types.len() as u32,
            num_minors,
            recs,
        },
    ))
}

struct Gen<'a, 'e> {
    tc: TypeChecker<'e>,
    decl: &'a InductiveDecl,
    np: usize,
    names: FxHashSet<Name>,
    /// `I.{lps}` for each type of the block.
    ind_consts: Vec<ExprId>,
    nindices: Vec<usize>,
    result_level: Level,
    levels: Arc<[Level]>,
    /// The block's parameters, as free variables.
    params: Vec<ExprId>,
}

/// The free variables a recursor abstracts over, and what each type contributes.
struct RecInfo {
    motive: ExprId,
    minors: Vec<ExprId>,
    indices: Vec<ExprId>,
    major: ExprId,
}

impl<'e> Gen<'_, 'e> {
    fn st(&mut self) -> &mut crate::expr::LocalStore<'e> {
        self.tc.store()
    }

    fn kind(&self, e: ExprId) -> ExprKind {
        self.tc.store_ref().kind(e).clone()
    }

    fn has_ind_occ(&self, e: ExprId) -> bool {
        mentions_any(self.tc.store_ref(), e, &self.names)
    }

    /// `t` is `I_i params indices` with exactly the block's parameters and
    /// indices that do not mention the block's types.
    fn is_valid_ind_app_idx(&self, t: ExprId, i: usize) -> bool {
        let st = self.tc.store_ref();
        let (head, args) = st.app_args(t);
        head == self.ind_consts[i]
            && args.len() == self.np + self.nindices[i]
            && args.iter().zip(&self.params).all(|(a, p)| a == p)
            && args[self.np..].iter().all(|&a| !self.has_ind_occ(a))
    }

    fn is_valid_ind_app(&self, t: ExprId) -> Option<usize> {
        (0..self.ind_consts.len()).find(|&i| self.is_valid_ind_app_idx(t, i))
    }

    /// Whether a field of type `t` is recursive: `Π xs, I_i params indices`
    /// after reduction; returns `i`.
    fn is_rec_argument(&mut self, t: ExprId) -> Res<Option<usize>> {
        let mut t = self.tc.whnf(t)?;
        let mut steps = 0u32;
        while let ExprKind::Pi(n, bi, d, b) = self.kind(t) {
            let x = local_for(&mut self.tc, n, bi, d);
            let body = instantiate1(self.st(), b, x);
            t = self.tc.whnf(body)?;
            steps += 1;
            if steps > MAX_DEPTH {
                return Err(KernelError::TooDeep { limit: MAX_DEPTH });
            }
        }
        Ok(self.is_valid_ind_app(t))
    }

    /// Strict positivity of field `arg` (of type `t`) of constructor `ctor`.
    fn check_positivity(&mut self, t: ExprId, type_idx: usize, ctor: &Name, arg: usize) -> Res<()> {
        let mut t = t;
        let mut steps = 0u32;
        loop {
            t = self.tc.whnf(t)?;
            if !self.has_ind_occ(t) {
                return Ok(());
            }
            match self.kind(t) {
                ExprKind::Pi(n, bi, d, b) => {
                    if self.has_ind_occ(d) {
                        return Err(fail(
                            &self.decl.types[type_idx].name,
                            InductiveFailure::NonPositive {
                                ctor: ctor.clone(),
                                arg,
                            },
                        ));
                    }
                    let x = local_for(&mut self.tc, n, bi, d);
                    t = instantiate1(self.st(), b, x);
                }
                _ => {
                    if self.is_valid_ind_app(t).is_some() {
                        return Ok(());
                    }
                    return Err(fail(
                        &self.decl.types[type_idx].name,
                        InductiveFailure::InvalidOccurrence {
                            ctor: ctor.clone(),
                            arg,
                        },
                    ));
                }
            }
            steps += 1;
            if steps > MAX_DEPTH {
                return Err(KernelError::TooDeep { limit: MAX_DEPTH });
            }
        }
    }

    /// Lean's `check_constructors`. Returns each constructor's number of fields.
    fn check_constructors(&mut self) -> Res<Vec<Vec<u32>>> {
        let decl = self.decl;
        let mut out = Vec::with_capacity(decl.types.len());
        for (idx, it) in decl.types.iter().enumerate() {
            let mut fields = Vec::with_capacity(it.ctors.len());
            for c in &it.ctors {
                let err = |failure| fail(&it.name, failure);
                self.tc.infer(c.ty)?;
                let mut t = c.ty;
                let mut i = 0usize;
                while let ExprKind::Pi(n, bi, d, b) = self.kind(t) {
                    if i < self.np {
                        let pty = local_type(&self.tc, self.params[i]);
                        if !self.tc.is_def_eq(d, pty)? {
                            return Err(err(InductiveFailure::WrongConstructorParams {
                                ctor: c.name.clone(),
                            }));
                        }
                        let p = self.params[i];
                        t = instantiate1(self.st(), b, p);
                    } else {
                        let s = self.tc.infer_only(d)?;
                        let lvl = self.tc.ensure_sort(s, d)?;
                        if !(lvl.leq(&self.result_level) || is_zero_level(&self.result_level)) {
                            return Err(err(InductiveFailure::FieldUniverseTooHigh {
                                ctor: c.name.clone(),
                                arg: i,
                            }));
                        }
                        if !decl.is_unsafe {
                            self.check_positivity(d, idx, &c.name, i)?;
                        }
                        let x = local_for(&mut self.tc, n, bi, d);
                        t = instantiate1(self.st(), b, x);
                    }
                    i += 1;
                }
                if i < self.np {
                    return Err(err(InductiveFailure::WrongConstructorParams {
                        ctor: c.name.clone(),
                    }));
                }
                if !self.is_valid_ind_app_idx(t, idx) {
                    return Err(err(InductiveFailure::WrongConstructorResult {
                        ctor: c.name.clone(),
                    }));
                }
                fields.push((i - self.np) as u32);
            }
            out.push(fields);
        }
        Ok(out)
    }

    /// The parameters `Ds` of each nested occurrence `J Ds` are dropped from
    /// the auxiliary types, so they are type-checked here, in the context of
    /// the block's parameters, with the block's types available (Lean 4 #14577).
    fn check_nested_params(&mut self, elim: &Elim) -> Res<()> {
        let pids = param_ids(self.np);
        let params = self.params.clone();
        for &(_, occ) in &elim.aux {
            let abs = abstract_fvars(self.st(), occ, &pids);
            let e = instantiate_rev(self.st(), abs, &params);
            self.tc.infer(e)?;
        }
        Ok(())
    }

    /// Lean's `elim_only_at_universe_zero`: an inductive that may live in
    /// `Prop` eliminates only into `Prop` unless it is a single type with no
    /// constructor, or one constructor whose fields are all proofs or appear
    /// in its result's arguments. A result level that is a universe
    /// parameter may be zero, so it counts as possibly `Prop`.
    fn elim_only_at_universe_zero(&mut self) -> Res<bool> {
        if self.result_level.is_never_zero() {
            return Ok(false);
        }
        let decl = self.decl;
        if decl.types.len() > 1 {
            return Ok(true);
        }
        match decl.types[0].ctors.len() {
            0 => return Ok(false),
            1 => {}
            _ => return Ok(true),
        }
        let mut t = decl.types[0].ctors[0].ty;
        let mut i = 0usize;
        let mut to_check = Vec::new();
        while let ExprKind::Pi(n, bi, d, b) = self.kind(t) {
            let x = local_for(&mut self.tc, n, bi, d);
            if i >= self.np {
                let s = self.tc.infer_only(d)?;
                let lvl = self.tc.ensure_sort(s, d)?;
                if !is_zero_level(&lvl) {
                    to_check.push(x);
                }
            }
            t = instantiate1(self.st(), b, x);
            i += 1;
        }
        let (_, args) = self.tc.store_ref().app_args(t);
        Ok(to_check.iter().any(|x| !args.contains(x)))
    }

    /// Opens a constructor type over the block's parameters: its result, its
    /// fields, and the recursive fields among them.
    fn ctor_args(&mut self, ty: ExprId) -> Res<(ExprId, Vec<ExprId>, Vec<ExprId>)> {
        let mut t = ty;
        let mut i = 0usize;
        let mut fields = Vec::new();
        let mut rec = Vec::new();
        while let ExprKind::Pi(n, bi, d, b) = self.kind(t) {
            if i < self.np {
                let p = self.params[i];
                t = instantiate1(self.st(), b, p);
            } else {
                let x = local_for(&mut self.tc, n, bi, d);
                fields.push(x);
                if self.is_rec_argument(d)?.is_some() {
                    rec.push(x);
                }
                t = instantiate1(self.st(), b, x);
            }
            i += 1;
        }
        Ok((t, fields, rec))
    }

    /// For `t = I_i params indices`, `i` and the indices.
    fn get_i_indices(&self, t: ExprId) -> Res<(usize, Vec<ExprId>)> {
        match self.is_valid_ind_app(t) {
            Some(i) => {
                let (_, args) = self.tc.store_ref().app_args(t);
                Ok((i, args[self.np..].to_vec()))
            }
            None => Err(fail(
                &self.decl.types[0].name,
                InductiveFailure::MalformedBlock("a recursive field lost its shape".into()),
            )),
        }
    }

    /// For a recursive field `u : Π xs, I_i params indices`: `xs`, `i`, the indices.
    fn rec_field_telescope(&mut self, u: ExprId) -> Res<(Vec<ExprId>, usize, Vec<ExprId>)> {
        let ty = self.tc.infer_only(u)?;
        let mut t = self.tc.whnf(ty)?;
        let mut xs = Vec::new();
        while let ExprKind::Pi(n, bi, d, b) = self.kind(t) {
            let x = local_for(&mut self.tc, n, bi, d);
            xs.push(x);
            let body = instantiate1(self.st(), b, x);
            t = self.tc.whnf(body)?;
        }
        let (i, indices) = self.get_i_indices(t)?;
        Ok((xs, i, indices))
    }

    fn local_name(&self, x: ExprId) -> Name {
        self.tc
            .local_decl(x)
            .map_or_else(Name::anon, |d| d.name.clone())
    }

    /// Lean's `mk_rec_infos`: motives, indices and major premises per type,
    /// then the minor premises per constructor.
    fn mk_rec_infos(&mut self, elim_sort: ExprId) -> Res<Vec<RecInfo>> {
        let decl = self.decl;
        let ntypes = decl.types.len();
        let mut infos = Vec::with_capacity(ntypes);
        for (d, it) in decl.types.iter().enumerate() {
            let mut t = self.tc.whnf(it.ty)?;
            let mut i = 0usize;
            let mut indices = Vec::new();
            while let ExprKind::Pi(n, bi, dom, b) = self.kind(t) {
                let body = if i < self.np {
                    let p = self.params[i];
                    instantiate1(self.st(), b, p)
                } else {
                    let x = local_for(&mut self.tc, n, bi, dom);
                    indices.push(x);
                    instantiate1(self.st(), b, x)
                };
                i += 1;
                t = self.tc.whnf(body)?;
            }
            let c = self.ind_consts[d];
            let params = self.params.clone();
            let major_ty = self.st().mk_apps(c, &params);
            let major_ty = self.st().mk_apps(major_ty, &indices);
            let major = self
                .tc
                .mk_local(Name::from_dotted("t"), BinderInfo::Default, major_ty);
            let mut over = indices.clone();
            over.push(major);
            let motive_ty = self.tc.mk_pi_over(&over, elim_sort);
            let motive_name = if ntypes > 1 {
                Name::str(&Name::anon(), &format!("motive_{}", d + 1))
            } else {
                Name::from_dotted("motive")
            };
            let motive = self
                .tc
                .mk_local(motive_name, BinderInfo::Default, motive_ty);
            infos.push(RecInfo {
                motive,
                minors: Vec::new(),
                indices,
                major,
            });
        }
        for (d, it) in decl.types.iter().enumerate() {
            for c in &it.ctors {
                let (res, fields, rec) = self.ctor_args(c.ty)?;
                let (ri, res_indices) = self.get_i_indices(res)?;
                let levels = self.levels.clone();
                let ctor_const = self.st().mk_const(c.name.clone(), levels);
                let params = self.params.clone();
                let ctor_app = self.st().mk_apps(ctor_const, &params);
                let ctor_app = self.st().mk_apps(ctor_app, &fields);
                let motive = infos[ri].motive;
                let c_app = self.st().mk_apps(motive, &res_indices);
                let c_app = self.st().mk_app(c_app, ctor_app);
                let mut ihs = Vec::with_capacity(rec.len());
                for &u in &rec {
                    let (xs, ui, u_indices) = self.rec_field_telescope(u)?;
                    let u_app = self.st().mk_apps(u, &xs);
                    let m = infos[ui].motive;
                    let ih_ty = self.st().mk_apps(m, &u_indices);
                    let ih_ty = self.st().mk_app(ih_ty, u_app);
                    let ih_ty = self.tc.mk_pi_over(&xs, ih_ty);
                    let ih_name = append_after(&self.local_name(u), "_ih");
                    ihs.push(self.tc.mk_local(ih_name, BinderInfo::Default, ih_ty));
                }
                let mut over = fields;
                over.extend(ihs);
                let minor_ty = self.tc.mk_pi_over(&over, c_app);
                let minor_name = replace_prefix(&c.name, &it.name, &Name::anon());
                let minor = self.tc.mk_local(minor_name, BinderInfo::Default, minor_ty);
                infos[d].minors.push(minor);
            }
        }
        Ok(infos)
    }

    /// Lean's `declare_recursors`: the recursor types and their rules.
    fn mk_recursors(&mut self, elim_level: Option<&Name>) -> Res<Vec<RecGen>> {
        let decl = self.decl;
        let elim_sort_level = elim_level.map_or_else(Level::zero, Level::param);
        let elim_sort = self.st().mk_sort(elim_sort_level.clone());
        let infos = self.mk_rec_infos(elim_sort)?;
        let motives: Vec<ExprId> = infos.iter().map(|i| i.motive).collect();
        let minors: Vec<ExprId> = infos
            .iter()
            .flat_map(|i| i.minors.iter().copied())
            .collect();
        let rec_levels: Arc<[Level]> = match elim_level {
            Some(_) => std::iter::once(elim_sort_level)
                .chain(self.levels.iter().cloned())
                .collect(),
            None => self.levels.clone(),
        };
        let mut prefix = self.params.clone();
        prefix.extend(&motives);
        prefix.extend(&minors);
        let mut out = Vec::with_capacity(decl.types.len());
        let mut minor_idx = 0usize;
        for (d, it) in decl.types.iter().enumerate() {
            let info = &infos[d];
            let c_app = self.st().mk_apps(info.motive, &info.indices);
            let c_app = self.st().mk_app(c_app, info.major);
            let mut over = prefix.clone();
            over.extend(&info.indices);
            over.push(info.major);
            let ty = self.tc.mk_pi_over(&over, c_app);
            let ty = infer_implicit(self.st(), ty);
            let mut rules = Vec::with_capacity(it.ctors.len());
            for c in &it.ctors {
                let (_, fields, rec) = self.ctor_args(c.ty)?;
                let mut ihs = Vec::with_capacity(rec.len());
                for &u in &rec {
                    let (xs, ui, u_indices) = self.rec_field_telescope(u)?;
                    let rec_const = self
                        .st()
                        .mk_const(rec_name(&decl.types[ui].name), rec_levels.clone());
                    let mut app = self.st().mk_apps(rec_const, &prefix);
                    app = self.st().mk_apps(app, &u_indices);
                    let u_app = self.st().mk_apps(u, &xs);
                    app = self.st().mk_app(app, u_app);
                    ihs.push(self.tc.mk_lam_over(&xs, app));
                }
                let minor = minors.get(minor_idx).copied().ok_or_else(|| {
                    fail(
                        &it.name,
                        InductiveFailure::MalformedBlock("minor premise count".into()),
                    )
                })?;
                let e = self.st().mk_apps(minor, &fields);
                let e = self.st().mk_apps(e, &ihs);
                let mut over = prefix.clone();
                over.extend(&fields);
                let rhs = self.tc.mk_lam_over(&over, e);
                rules.push((rhs, fields.len() as u32));
                minor_idx += 1;
            }
            out.push(RecGen {
                ty,
                rules,
                num_indices: self.nindices[d],
            });
        }
        Ok(out)
    }
}

/// Lean's `infer_implicit(t, strict = true)` over the whole telescope: an
/// explicit binder becomes implicit when its variable occurs in the type of a
/// later explicit binder. (Binder information does not affect checking.)
fn infer_implicit<S: ExprStore>(s: &mut S, t: ExprId) -> ExprId {
    let mut binders = Vec::new();
    let mut cur = t;
    while let ExprKind::Pi(n, bi, d, b) = s.kind(cur).clone() {
        binders.push((n, bi, d));
        cur = b;
    }
    let mut r = cur;
    for (n, bi, d) in binders.into_iter().rev() {
        let bi = if bi == BinderInfo::Default && occurs_in_explicit_domain(s, r, 0) {
            BinderInfo::Implicit
        } else {
            bi
        };
        r = s.mk_pi(n, bi, d, r);
    }
    r
}

fn occurs_in_explicit_domain<S: ExprStore>(s: &S, mut b: ExprId, mut i: u32) -> bool {
    while let ExprKind::Pi(_, bi, d, body) = s.kind(b) {
        if *bi == BinderInfo::Default && has_loose_bvar(s, *d, i) {
            return true;
        }
        b = *body;
        i += 1;
    }
    false
}
