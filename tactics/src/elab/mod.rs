//! The elaborator: surface terms to kernel terms.
//!
//! It works in a kernel [`TypeChecker`]'s local context. Local variables are
//! free variables of that context; so are metavariables (holes, implicit
//! arguments, goals), which this module tracks on the side and assigns by
//! first-order unification ([`unify`]). Universe metavariables are universe
//! parameters named `?u.N`. Nothing here is trusted: the final terms go to
//! `Env::add`.

mod app;
mod args_first;
mod delab;
mod first_order;
mod inst;
mod term;
mod unify;

pub use delab::delab;
pub use term::OpenProof;

use crate::notation::NotationTable;
use crate::syntax::Pos;
use proofmill_kernel::{
    BinderInfo, Env, ExprId, ExprKind, ExprStore, FVarId, KernelError, Level, LevelKind, Name,
    TypeChecker,
};
use std::collections::HashMap;
use std::fmt;

/// Why elaboration failed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElabError {
    pub pos: Pos,
    pub msg: String,
}

impl fmt::Display for ElabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.msg)
    }
}

pub type EResult<T> = Result<T, ElabError>;

pub fn err<T>(pos: Pos, msg: impl Into<String>) -> EResult<T> {
    Err(ElabError {
        pos,
        msg: msg.into(),
    })
}

/// A structure: its constructor and field names (for `p.field` and `⟨…⟩`).
#[derive(Clone, Debug)]
pub struct StructInfo {
    pub ctor: Name,
    pub fields: Vec<String>,
}

/// What the elaborator needs from the file being checked.
#[derive(Clone)]
pub struct Globals<'e> {
    pub env: &'e Env,
    /// The current namespace and its parents, innermost first (root excluded).
    pub namespaces: Vec<Name>,
    pub opens: Vec<Name>,
    /// Declared universe names in scope.
    pub universes: Vec<String>,
    pub structures: &'e HashMap<Name, StructInfo>,
    pub notations: &'e NotationTable,
}

impl Globals<'_> {
    /// Resolves a (dotted) name against namespaces and `open`s.
    pub fn resolve(&self, s: &str) -> Option<Name> {
        let n = Name::from_dotted(s);
        for ns in &self.namespaces {
            let c = join(ns, s);
            if self.env.contains(&c) {
                return Some(c);
            }
        }
        if self.env.contains(&n) {
            return Some(n);
        }
        for o in &self.opens {
            let c = join(o, s);
            if self.env.contains(&c) {
                return Some(c);
            }
        }
        None
    }
}

pub fn join(ns: &Name, s: &str) -> Name {
    let mut n = ns.clone();
    for part in s.split('.') {
        n = Name::str(&n, part);
    }
    n
}

/// How a metavariable came to be (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MVarKind {
    Hole,
    Implicit(String),
    Goal,
}

#[derive(Clone, Debug)]
pub(crate) enum Assignment {
    Term(ExprId),
    /// `(fun xs => body) args`, built once `body` is fully assigned.
    Delayed {
        xs: Vec<ExprId>,
        body: ExprId,
        args: Vec<ExprId>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct MVar {
    pub ty: ExprId,
    pub val: Option<Assignment>,
    pub pos: Pos,
    pub kind: MVarKind,
}

/// Where unification may need to roll back to: the length of the trail of
/// assignments made since, and how many metavariables existed then.
#[derive(Clone, Copy)]
pub(crate) struct Snapshot {
    trail: usize,
    mvars: usize,
    lmvars: usize,
}

/// The free variables of a term, summarized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FVarInfo {
    /// Some metavariable (assigned or not) occurs in it.
    pub has_mvar: bool,
    /// The newest local (a free variable that is not a metavariable) in it.
    pub newest_local: Option<FVarId>,
}

impl FVarInfo {
    fn join(self, o: FVarInfo) -> FVarInfo {
        FVarInfo {
            has_mvar: self.has_mvar || o.has_mvar,
            newest_local: match (self.newest_local, o.newest_local) {
                (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
                (a, b) => a.or(b),
            },
        }
    }
}

/// [`FVarInfo`]s, packed: the newest local plus one (0 for none) in the low
/// bits, whether a metavariable occurs in the top bit. Scratch-layer terms
/// (nearly all terms with free variables) are looked up by index, each
/// entry stamped with the elaboration that made it (what is a metavariable
/// changes from one elaboration to the next, and a checker's scratch terms
/// may outlive an elaboration: see `reader`); the few terms in the
/// environment's arena (open terms it imported) by id.
#[derive(Default)]
struct FVarInfos {
    local: Vec<(u32, u32)>,
    base: rustc_hash::FxHashMap<ExprId, u32>,
    stamp: u32,
}

impl FVarInfos {
    const MVAR: u32 = 1 << 31;

    /// The scratch-layer index of a scratch term (its id without the layer bit).
    fn slot(e: ExprId) -> usize {
        (e.raw() & !(1 << 31)) as usize
    }
    /// Forgets every summary (a new elaboration).
    fn forget(&mut self) {
        self.base.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.local.clear();
            self.stamp = 1;
        }
    }
    fn get(&self, e: ExprId) -> Option<FVarInfo> {
        let v = if e.is_local() {
            match self.local.get(Self::slot(e)) {
                Some(&(stamp, v)) if stamp == self.stamp => v,
                _ => return None,
            }
        } else {
            *self.base.get(&e)?
        };
        Some(FVarInfo {
            has_mvar: v & Self::MVAR != 0,
            newest_local: match v & !Self::MVAR {
                0 => None,
                n => Some(FVarId(n - 1)),
            },
        })
    }
    fn set(&mut self, e: ExprId, i: FVarInfo) {
        let local = i.newest_local.map_or(0, |f| f.0 + 1);
        debug_assert!(local < Self::MVAR, "free variable index out of range");
        let v = local | if i.has_mvar { Self::MVAR } else { 0 };
        if !e.is_local() {
            self.base.insert(e, v);
            return;
        }
        let k = Self::slot(e);
        if self.local.len() <= k {
            self.local.resize((k + 1).next_power_of_two(), (0, 0));
        }
        self.local[k] = (self.stamp, v);
    }
}

/// Visit marks for walks over scratch terms, by scratch-layer index: a
/// term is visited in the walk with stamp `s` when its mark is `s`, so a new
/// walk costs no clearing. Terms of the environment's arena are not marked
/// (a walk may meet one twice).
#[derive(Default)]
struct Visited {
    marks: Vec<u32>,
    stamp: u32,
}

impl Visited {
    fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }
    /// Marks `e` visited in walk `stamp`; false if it already was.
    fn visit(&mut self, e: ExprId, stamp: u32) -> bool {
        if !e.is_local() {
            return true;
        }
        let k = FVarInfos::slot(e);
        if self.marks.len() <= k {
            self.marks.resize((k + 1).next_power_of_two(), 0);
        }
        std::mem::replace(&mut self.marks[k], stamp) != stamp
    }
}

/// An undo entry: a metavariable (or universe metavariable) and the value it
/// had before an assignment.
#[derive(Clone, Debug)]
pub(crate) enum Undo {
    Term(usize, Option<Assignment>),
    Level(usize, Option<Level>),
}

pub struct Elab<'e> {
    pub tc: TypeChecker<'e>,
    pub g: Globals<'e>,
    pub(crate) mvars: Vec<MVar>,
    /// The metavariable each free variable is, by free variable index
    /// (`NOT_MVAR` for a local).
    mvar_of: Vec<u32>,
    pub(crate) lmvars: Vec<Option<Level>>,
    /// Local names in scope, innermost last.
    pub scope: Vec<(String, ExprId)>,
    /// Universe parameters bound automatically (`Sort u` with `u` undeclared).
    pub auto_levels: Vec<String>,
    /// While set, unification does not unfold definitions (used to find
    /// instances of a rewrite rule's left side, as Lean's `kabstract` does).
    pub(crate) syntactic: bool,
    /// Every assignment since the oldest live snapshot, to undo on rollback
    /// (a snapshot costs nothing, whatever the number of metavariables).
    pub(crate) trail: Vec<Undo>,
    /// What a term with free variables holds: whether a metavariable, and
    /// its newest local. A term never gains or loses a free variable (a new
    /// metavariable is a new free variable), so answers stay true; this
    /// keeps `inst`, `unassigned_in` and assignment checks from re-walking
    /// terms over locals.
    fvar_infos: FVarInfos,
    /// `fvar_info`'s work list, kept for its memory.
    fvar_stack: Vec<(ExprId, bool)>,
    /// `find_mvar`'s work list and visit marks, kept for their memory.
    walk_stack: Vec<ExprId>,
    visited: Visited,
    pub(crate) names: Names,
    /// Counts the changes to what metavariables stand for (assignments and
    /// rollbacks; path compression is none): a term instantiated at one
    /// count is its own instantiation while the count stays.
    pub(crate) epoch: u64,
    /// `inst`'s answers, each kept while what can make it wrong does not
    /// happen ([`inst`]).
    inst_cache: inst::InstCache,
    /// What elaborating applications arguments first keeps while a term
    /// is elaborated ([`args_first`]).
    args_first: args_first::Scratch,
    /// Locals a caller offers `intro` for the binders of a closed goal
    /// ([`Elab::offer_locals`]).
    pub(crate) offered_locals: Vec<ExprId>,
}

/// `mvar_of`'s entry for a free variable that is not a metavariable.
const NOT_MVAR: u32 = u32::MAX;

/// An elaborator's tables, kept from one elaboration to the next for their
/// memory ([`Elab::into_parts`], [`Elab::with_memory`]), and for the names
/// it made and the identifiers it resolved, which stay right as long as the
/// globals name the same constants the same way.
#[derive(Default)]
pub struct ElabMemory {
    mvars: Vec<MVar>,
    mvar_of: Vec<u32>,
    lmvars: Vec<Option<Level>>,
    scope: Vec<(String, ExprId)>,
    trail: Vec<Undo>,
    fvar_infos: FVarInfos,
    fvar_stack: Vec<(ExprId, bool)>,
    walk_stack: Vec<ExprId>,
    visited: Visited,
    inst_cache: inst::InstCache,
    names: Names,
}

/// What identifiers resolve against: the environment (by address and
/// size) and the namespaces and `open`s in force.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct GlobalsKey {
    env: usize,
    consts: usize,
    namespaces: Vec<Name>,
    opens: Vec<Name>,
}

impl GlobalsKey {
    fn of(g: &Globals<'_>) -> GlobalsKey {
        GlobalsKey {
            env: g.env as *const Env as usize,
            consts: g.env.len(),
            namespaces: g.namespaces.clone(),
            opens: g.opens.clone(),
        }
    }
}

/// Names and levels the elaborator makes over and over, made once:
/// metavariables' display names, universe metavariables `?u.i`, and the
/// constants identifiers resolve to.
#[derive(Default)]
pub(crate) struct Names {
    /// `?m`, the name of holes and goals.
    hole: Option<Name>,
    /// `?x` by binder name `x`, for implicit arguments.
    implicit: rustc_hash::FxHashMap<String, Name>,
    /// `?u`, and the universe metavariable `?u.i` at `i`.
    lmvar_prefix: Option<Name>,
    lmvars: Vec<Level>,
    /// What `Globals::resolve` answers for an identifier, with the number of
    /// universe parameters of the constant (the globals do not change while
    /// an elaborator lives).
    pub(crate) resolved: rustc_hash::FxHashMap<String, Option<(Name, usize)>>,
    /// A prelude constant the tactics build proofs with (`Eq.mpr`,
    /// `congrArg`, …), by its dotted name: its name and the names of its
    /// universe parameters (`None`: not declared).
    pub(crate) prelude: rustc_hash::FxHashMap<String, Option<(Name, Vec<String>)>>,
    /// The first-order types of constants (`None`: not first-order), by
    /// name ([`first_order`]).
    pub(crate) first_order: rustc_hash::FxHashMap<Name, Option<first_order::FirstOrderType>>,
    /// Constants' types read for elaborating their applications arguments
    /// first (`None`: not such a type), by name and whether every binder
    /// is taken as explicit (`@c`) ([`args_first`]).
    pub(crate) args_first:
        rustc_hash::FxHashMap<(Name, bool), Option<std::sync::Arc<args_first::ArgsFirstType>>>,
    /// No universe levels (a constant without universe parameters).
    pub(crate) no_levels: Option<std::sync::Arc<[Level]>>,
    /// The globals `resolved` answers for.
    globals: Option<GlobalsKey>,
}

impl Names {
    fn mvar_name(&mut self, kind: &MVarKind) -> Name {
        match kind {
            MVarKind::Implicit(n) => {
                if let Some(x) = self.implicit.get(n.as_str()) {
                    return x.clone();
                }
                let x = Name::str(&Name::anon(), &format!("?{n}"));
                self.implicit.insert(n.clone(), x.clone());
                x
            }
            _ => self
                .hole
                .get_or_insert_with(|| Name::str(&Name::anon(), "?m"))
                .clone(),
        }
    }

    /// `?u.i`.
    fn lmvar(&mut self, i: usize) -> Level {
        while self.lmvars.len() <= i {
            let pre = self
                .lmvar_prefix
                .get_or_insert_with(|| Name::str(&Name::anon(), "?u"));
            let l = Level::param(&Name::num(pre, self.lmvars.len() as u64));
            self.lmvars.push(l);
        }
        self.lmvars[i].clone()
    }
}

/// `i` when `n` is `?u.i`, a universe metavariable's name.
fn lmvar_name_index(n: &Name) -> Option<usize> {
    let i = n.last_num()?;
    let pre = n.prefix();
    (pre.last_str() == Some("?u") && pre.prefix().is_anon()).then_some(i as usize)
}

impl<'e> Elab<'e> {
    pub fn new(g: &Globals<'e>) -> Elab<'e> {
        Elab::with_checker(g.clone(), g.env.checker(&[]))
    }

    /// An elaborator working in `tc` (a checker of `g.env` with no locals),
    /// e.g. one kept from an earlier declaration for its memory.
    pub fn with_checker(g: Globals<'e>, tc: TypeChecker<'e>) -> Elab<'e> {
        Elab::with_memory(g, tc, ElabMemory::default())
    }

    /// An elaborator working in `tc` with the tables of an earlier one
    /// (emptied; what it learned of `g`'s names is kept when `g` names the
    /// same constants the same way).
    pub fn with_memory(g: Globals<'e>, tc: TypeChecker<'e>, mem: ElabMemory) -> Elab<'e> {
        let ElabMemory {
            mut mvars,
            mut mvar_of,
            mut lmvars,
            mut scope,
            mut trail,
            mut fvar_infos,
            fvar_stack,
            walk_stack,
            visited,
            mut inst_cache,
            mut names,
        } = mem;
        mvars.clear();
        mvar_of.clear();
        lmvars.clear();
        scope.clear();
        trail.clear();
        fvar_infos.forget();
        inst_cache.forget();
        let here = GlobalsKey::of(&g);
        if names.globals.as_ref() != Some(&here) {
            names.resolved.clear();
            names.prelude.clear();
            names.first_order.clear();
            names.args_first.clear();
            names.globals = Some(here);
        }
        Elab {
            tc,
            g,
            mvars,
            mvar_of,
            lmvars,
            scope,
            auto_levels: Vec::new(),
            syntactic: false,
            trail,
            fvar_infos,
            fvar_stack,
            walk_stack,
            visited,
            inst_cache,
            args_first: args_first::Scratch::default(),
            offered_locals: Vec::new(),
            names,
            epoch: 0,
        }
    }

    /// Gives back the checker and the tables, to reuse.
    pub fn into_parts(self) -> (TypeChecker<'e>, ElabMemory) {
        let mem = ElabMemory {
            mvars: self.mvars,
            mvar_of: self.mvar_of,
            lmvars: self.lmvars,
            scope: self.scope,
            trail: self.trail,
            fvar_infos: self.fvar_infos,
            fvar_stack: self.fvar_stack,
            walk_stack: self.walk_stack,
            visited: self.visited,
            inst_cache: self.inst_cache,
            names: self.names,
        };
        (self.tc, mem)
    }

    /// Gives back the checker, e.g. to reset and reuse it.
    pub fn into_checker(self) -> TypeChecker<'e> {
        self.into_parts().0
    }

    pub fn store(&mut self) -> &mut proofmill_kernel::LocalStore<'e> {
        self.tc.store()
    }

    pub fn kind(&mut self, e: ExprId) -> ExprKind {
        self.tc.store_ref().kind(e).clone()
    }

    pub fn kernel(&self, pos: Pos, e: KernelError) -> ElabError {
        ElabError {
            pos,
            msg: format!("kernel: {e}"),
        }
    }

    // ----- metavariables ---------------------------------------------------

    pub fn new_mvar(&mut self, ty: ExprId, pos: Pos, kind: MVarKind) -> ExprId {
        let name = self.names.mvar_name(&kind);
        let f = self.tc.mk_local(name, BinderInfo::Default, ty);
        let ExprKind::FVar(id) = self.tc.store_ref().kind(f).clone() else {
            unreachable!("mk_local makes a free variable")
        };
        let k = id.0 as usize;
        if self.mvar_of.len() <= k {
            self.mvar_of.resize(k + 1, NOT_MVAR);
        }
        self.mvar_of[k] = self.mvars.len() as u32;
        self.mvars.push(MVar {
            ty,
            val: None,
            pos,
            kind,
        });
        f
    }

    /// A new type: `?α : Sort ?u`.
    pub fn new_type_mvar(&mut self, pos: Pos) -> ExprId {
        let l = self.new_level_mvar();
        let s = self.store().mk_sort(l);
        self.new_mvar(s, pos, MVarKind::Hole)
    }

    pub fn new_level_mvar(&mut self) -> Level {
        let i = self.lmvars.len();
        self.lmvars.push(None);
        self.names.lmvar(i)
    }

    pub(crate) fn level_mvar_index(l: &Level) -> Option<usize> {
        match l.kind() {
            LevelKind::Param(n) => lmvar_name_index(n),
            _ => None,
        }
    }

    /// The metavariable free variable `f` is, if it is one.
    fn mvar_of(&self, f: FVarId) -> Option<usize> {
        match self.mvar_of.get(f.0 as usize) {
            Some(&i) if i != NOT_MVAR => Some(i as usize),
            _ => None,
        }
    }

    /// The metavariable `e` is, if it is one.
    pub fn mvar_index(&self, e: ExprId) -> Option<usize> {
        match self.tc.store_ref().kind(e) {
            ExprKind::FVar(f) => self.mvar_of(*f),
            _ => None,
        }
    }
    pub fn is_unassigned_mvar(&self, e: ExprId) -> bool {
        self.mvar_index(e)
            .is_some_and(|i| self.mvars[i].val.is_none())
    }
    pub fn fvar_id(&self, e: ExprId) -> Option<FVarId> {
        match self.tc.store_ref().kind(e) {
            ExprKind::FVar(f) => Some(*f),
            _ => None,
        }
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            trail: self.trail.len(),
            mvars: self.mvars.len(),
            lmvars: self.lmvars.len(),
        }
    }
    /// Undoes every assignment made since `s` to a metavariable that existed
    /// then (ones made later keep theirs), and forgets universe
    /// metavariables made since.
    pub(crate) fn rollback(&mut self, s: Snapshot) {
        if self.trail.len() > s.trail || self.lmvars.len() > s.lmvars {
            self.epoch += 1;
            self.inst_cache.forget();
        }
        while self.trail.len() > s.trail {
            match self.trail.pop().expect("a trail entry") {
                Undo::Term(i, old) if i < s.mvars => self.mvars[i].val = old,
                Undo::Level(i, old) if i < s.lmvars => self.lmvars[i] = old,
                _ => {}
            }
        }
        self.lmvars.truncate(s.lmvars);
    }

    /// Sets metavariable `i`, remembering the old value for rollback.
    fn set_mvar(&mut self, i: usize, v: Assignment) {
        let old = self.mvars[i].val.replace(v);
        self.trail.push(Undo::Term(i, old));
    }

    pub(crate) fn assign(&mut self, m: ExprId, v: Assignment) {
        if let Some(i) = self.mvar_index(m) {
            self.epoch += 1;
            self.set_mvar(i, v);
        }
    }

    pub fn inst_level(&self, l: &Level) -> Level {
        self.inst_level_depth(l, 0)
    }

    /// Substitutes assigned universe metavariables, following chains of
    /// assignments at most 64 deep.
    fn inst_level_depth(&self, l: &Level, depth: u32) -> Level {
        if !l.has_param() || depth > 64 {
            return l.clone();
        }
        match l.kind() {
            LevelKind::Zero => l.clone(),
            LevelKind::Succ(x) => Level::succ(&self.inst_level_depth(x, depth)),
            LevelKind::Max(a, b) => Level::mk_max(
                &self.inst_level_depth(a, depth),
                &self.inst_level_depth(b, depth),
            ),
            LevelKind::IMax(a, b) => Level::mk_imax(
                &self.inst_level_depth(a, depth),
                &self.inst_level_depth(b, depth),
            ),
            LevelKind::Param(n) => match lmvar_name_index(n).and_then(|i| self.lmvars.get(i)) {
                Some(Some(v)) => self.inst_level_depth(v, depth + 1),
                _ => l.clone(),
            },
        }
    }

    /// Whether `e` is known to have no metavariable (its free variables are
    /// summarized already and hold none).
    pub(crate) fn fvar_infos_known_mvar_free(&self, e: ExprId) -> bool {
        self.fvar_infos.get(e).is_some_and(|i| !i.has_mvar)
    }

    /// `xs` and the body metavariable of `e`'s assignment when `e` is a
    /// metavariable that `intro` assigned (`fun xs => ?body`, not yet
    /// closed over, applied to nothing).
    /// Offers `xs`, distinct locals that are no local definitions, to
    /// `intro` on a goal whose type mentions no local and whose context is
    /// empty: its `i`-th binder takes `xs[i]` when that local has the
    /// binder's name, info and type, where it would make a new one. A
    /// local stands for an arbitrary element of its type and nothing else,
    /// and nothing in such a goal's scope mentions it, so the proof is the
    /// same; but a proof built over the same locals as another (the proof
    /// term [`Elab::elab_proof_open`] read) can be the same term, which the
    /// kernel then checks once.
    pub fn offer_locals(&mut self, xs: Vec<ExprId>) {
        self.offered_locals = xs;
    }

    pub(crate) fn intro_assignment(&self, e: ExprId) -> Option<(Vec<ExprId>, ExprId)> {
        let ExprKind::FVar(f) = *self.tc.store_ref().kind(e) else {
            return None;
        };
        match &self.mvars[self.mvar_of(f)?].val {
            Some(Assignment::Delayed { xs, body, args }) if args.is_empty() => {
                Some((xs.clone(), *body))
            }
            _ => None,
        }
    }

    /// Whether `e` has no metavariable at all (assigned or not).
    pub fn is_mvar_free(&mut self, e: ExprId) -> bool {
        !self.fvar_info(e).has_mvar
    }

    /// The free variables of `e`, summarized. Every subterm's answer is
    /// remembered (by scratch-layer index: a term with free variables lives
    /// in the checker's scratch layer), so each term is walked once.
    pub(crate) fn fvar_info(&mut self, e: ExprId) -> FVarInfo {
        let st = self.tc.store_ref();
        if !st.node(e).has_fvar {
            return FVarInfo::default();
        }
        if let Some(i) = self.fvar_infos.get(e) {
            return i;
        }
        // Post-order: a node is summarized once its children are.
        let mut stack = std::mem::take(&mut self.fvar_stack);
        stack.push((e, false));
        while let Some((x, children_done)) = stack.pop() {
            if !st.node(x).has_fvar || self.fvar_infos.get(x).is_some() {
                continue;
            }
            let info = |c: ExprId| self.fvar_infos.get(c).unwrap_or_default();
            let (a, b, c) = match *st.kind(x) {
                ExprKind::FVar(f) => {
                    let is_mvar = self
                        .mvar_of
                        .get(f.0 as usize)
                        .is_some_and(|&i| i != NOT_MVAR);
                    let info = FVarInfo {
                        has_mvar: is_mvar,
                        newest_local: (!is_mvar).then_some(f),
                    };
                    self.fvar_infos.set(x, info);
                    continue;
                }
                ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => {
                    (a, Some(b), None)
                }
                ExprKind::Let(_, a, b, c) => (a, Some(b), Some(c)),
                ExprKind::Proj(_, _, a) => (a, None, None),
                _ => continue,
            };
            if children_done {
                let mut i = info(a);
                for c in [b, c].into_iter().flatten() {
                    i = i.join(info(c));
                }
                self.fvar_infos.set(x, i);
            } else {
                stack.push((x, true));
                stack.extend([Some(a), b, c].into_iter().flatten().map(|c| (c, false)));
            }
        }
        self.fvar_stack = stack;
        self.fvar_infos.get(e).unwrap_or_default()
    }

    /// Unassigned metavariables in `e` (after instantiation), first occurrence first.
    pub fn unassigned_in(&self, e: ExprId) -> Vec<usize> {
        self.fvars_in(e, true)
            .iter()
            .filter_map(|f| self.mvar_of(*f))
            .filter(|&i| self.mvars[i].val.is_none())
            .collect()
    }

    pub fn has_unassigned(&mut self, e: ExprId) -> bool {
        self.find_mvar(e, |el, i| el.mvars[i].val.is_none())
    }

    /// Whether metavariable `i` occurs in `e` (assigned ones are not looked into).
    pub(crate) fn mvar_occurs(&mut self, i: usize, e: ExprId) -> bool {
        self.find_mvar(e, |_, j| j == i)
    }

    /// Whether a metavariable `found` accepts occurs in `e`: a walk of the
    /// subterms that hold one, each visited once, stopping at the first.
    fn find_mvar(&mut self, e: ExprId, found: impl Fn(&Self, usize) -> bool) -> bool {
        if self.is_mvar_free(e) {
            return false;
        }
        let mut stack = std::mem::take(&mut self.walk_stack);
        let stamp = self.visited.next_stamp();
        stack.clear();
        stack.push(e);
        let mut hit = false;
        while let Some(x) = stack.pop() {
            if self.is_mvar_free(x) || !self.visited.visit(x, stamp) {
                continue;
            }
            let (a, b, c) = match *self.tc.store_ref().kind(x) {
                ExprKind::FVar(f) => {
                    if self.mvar_of(f).is_some_and(|i| found(self, i)) {
                        hit = true;
                        break;
                    }
                    continue;
                }
                ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => {
                    (a, Some(b), None)
                }
                ExprKind::Let(_, a, b, c) => (a, Some(b), Some(c)),
                ExprKind::Proj(_, _, a) => (a, None, None),
                _ => continue,
            };
            stack.extend([Some(a), b, c].into_iter().flatten());
        }
        self.walk_stack = stack;
        hit
    }

    /// Free variables of `e` that are not metavariables.
    pub fn local_fvars(&self, e: ExprId) -> Vec<FVarId> {
        self.fvars_in(e, false)
            .into_iter()
            .filter(|f| self.mvar_of(*f).is_none())
            .collect()
    }

    /// The distinct free variables of `e`, metavariables included, in the
    /// order a depth-first walk meets them: children left to right when
    /// `left_first`, right to left otherwise (each caller keeps the order
    /// it has always had).
    fn fvars_in(&self, e: ExprId, left_first: bool) -> Vec<FVarId> {
        let mut out = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut stack = vec![e];
        let st = self.tc.store_ref();
        while let Some(x) = stack.pop() {
            if !st.node(x).has_fvar || !seen.insert(x) {
                continue;
            }
            match st.kind(x) {
                ExprKind::FVar(f) => {
                    if !out.contains(f) {
                        out.push(*f);
                    }
                }
                k => {
                    let mut cs = proofmill_kernel::child_ids(k);
                    if left_first {
                        cs.reverse();
                    }
                    stack.extend(cs);
                }
            }
        }
        out
    }

    /// Universe metavariables left in `e`.
    pub fn level_mvars_in(&self, e: ExprId) -> Vec<usize> {
        let mut out = Vec::new();
        proofmill_kernel::for_each_level(self.tc.store_ref(), e, &mut |l: &Level| {
            l.for_each_param(&mut |p| {
                if let Some(i) = lmvar_name_index(p) {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
            })
        });
        out
    }

    /// Sets unassigned universe metavariables to `l`.
    pub fn default_level_mvars(&mut self, ids: &[usize], l: &Level) {
        for &i in ids {
            if self.lmvars[i].is_none() {
                self.assign_level_mvar(i, l.clone());
            }
        }
    }
    pub fn assign_level_mvar(&mut self, i: usize, l: Level) {
        self.epoch += 1;
        let old = self.lmvars[i].replace(l);
        self.trail.push(Undo::Level(i, old));
    }

    // ----- kernel helpers --------------------------------------------------

    pub fn infer(&mut self, e: ExprId, pos: Pos) -> EResult<ExprId> {
        self.tc.infer_only(e).map_err(|k| self.kernel(pos, k))
    }
    pub fn whnf(&mut self, e: ExprId, pos: Pos) -> EResult<ExprId> {
        let e = self.inst(e);
        self.tc.whnf(e).map_err(|k| self.kernel(pos, k))
    }
    /// The universe of a type.
    pub fn sort_level(&mut self, ty: ExprId, pos: Pos) -> EResult<Level> {
        let s = self.infer(ty, pos)?;
        let s = self.whnf(s, pos)?;
        match self.kind(s) {
            ExprKind::Sort(l) => Ok(self.inst_level(&l)),
            _ => {
                let shown = self.show(ty);
                err(pos, format!("type expected, got\n  {shown}"))
            }
        }
    }

    /// Adds a local `name : ty` to the context and the name scope.
    pub fn push_local(&mut self, name: &str, bi: BinderInfo, ty: ExprId) -> ExprId {
        let x = self.tc.mk_local(Name::str(&Name::anon(), name), bi, ty);
        self.scope.push((name.to_string(), x));
        x
    }

    /// `∀ xs, body` (or `fun xs => body`) with metavariables in the binder
    /// types instantiated first, so that nothing escapes the abstraction.
    pub fn close_over(&mut self, xs: &[ExprId], body: ExprId, pi: bool) -> ExprId {
        self.close_over_with(xs, body, pi, None)
    }

    /// Like [`Elab::close_over`], optionally forcing every binder's info.
    pub fn close_over_with(
        &mut self,
        xs: &[ExprId],
        body: ExprId,
        pi: bool,
        info: Option<BinderInfo>,
    ) -> ExprId {
        let ids: Vec<FVarId> = xs.iter().filter_map(|&x| self.fvar_id(x)).collect();
        let body = self.inst(body);
        let mut r = proofmill_kernel::abstract_fvars(self.store(), body, &ids);
        for i in (0..xs.len()).rev() {
            let d = self.tc.local_decl(xs[i]).cloned().expect("a local");
            let ty = self.inst(d.ty);
            let ty = proofmill_kernel::abstract_fvars(self.store(), ty, &ids[..i]);
            let bi = info.unwrap_or(d.info);
            r = if pi {
                self.store().mk_pi(d.name, bi, ty, r)
            } else {
                self.store().mk_lam(d.name, bi, ty, r)
            };
        }
        r
    }

    /// Renders a term with the file's notation.
    pub fn show(&mut self, e: ExprId) -> String {
        let e = self.inst(e);
        let t = delab(self, e);
        crate::print::print_term(&t, self.g.notations)
    }
}
