//! Instantiating metavariables: `inst(e)` replaces every assigned
//! metavariable and universe metavariable in `e` by its value.
//!
//! The elaborator instantiates the same terms over and over (an expected
//! type `lhs = ?b` at every level of an `Eq.trans` chain, a type it checks
//! twice), and assigns metavariables all along. So every answer is kept
//! with what can make it wrong: the metavariables still unassigned in it
//! (up to [`DEPS`] of them; an answer with more is kept only until the next
//! assignment). An answer stays right while those stay unassigned: the
//! assignments it read are never undone but by a rollback, which forgets
//! every answer, as does a new elaboration. Answers are kept by
//! scratch-layer index (the terms with metavariables are scratch terms), so
//! finding one costs an array access and a look at its metavariables.

use super::{lmvar_name_index, Assignment, Elab};
use proofmill_kernel::{ExprId, ExprKind, ExprStore, Level};
use rustc_hash::FxHashMap;

/// How many unassigned metavariables an answer lists.
const DEPS: usize = 3;
/// `Deps::len` of an answer that lists none because it has more.
const MANY: u8 = u8::MAX;
/// Marks a universe metavariable in a list (term metavariables are plain
/// indices).
const LEVEL: u32 = 1 << 31;

/// The unassigned metavariables in an answer.
#[derive(Clone, Copy, Debug, Default)]
struct Deps {
    len: u8,
    ids: [u32; DEPS],
}

impl Deps {
    const NONE: Deps = Deps {
        len: 0,
        ids: [0; DEPS],
    };
    const MANY: Deps = Deps {
        len: MANY,
        ids: [0; DEPS],
    };

    fn one(id: u32) -> Deps {
        let mut d = Deps::NONE;
        d.add(id);
        d
    }

    fn add(&mut self, id: u32) {
        if self.len == MANY || self.ids[..self.len as usize].contains(&id) {
            return;
        }
        if self.len as usize == DEPS {
            *self = Deps::MANY;
        } else {
            self.ids[self.len as usize] = id;
            self.len += 1;
        }
    }

    fn join(mut self, o: Deps) -> Deps {
        if o.len == MANY {
            return Deps::MANY;
        }
        for &id in &o.ids[..o.len as usize] {
            self.add(id);
        }
        self
    }
}

/// An answer for a scratch term: `inst` of it is `r`, in generation `gen`,
/// given `deps` (or, when they are too many, while the epoch is `epoch`).
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    r: Option<ExprId>,
    gen: u32,
    epoch: u64,
    deps: Deps,
}

/// `inst`'s answers (see the module documentation).
#[derive(Default)]
pub(crate) struct InstCache {
    slots: Vec<Slot>,
    /// Answers for terms of the environment's arena (rare), kept for one
    /// epoch.
    base: FxHashMap<ExprId, (ExprId, u64)>,
    /// Answers of another generation are not read.
    gen: u32,
}

impl InstCache {
    /// Forgets every answer (a rollback, or a new elaboration).
    pub(crate) fn forget(&mut self) {
        self.gen = self.gen.wrapping_add(1);
        self.base.clear();
        if self.gen == 0 {
            // Generations wrapped around: no old slot may look current.
            self.slots.clear();
            self.gen = 1;
        }
    }

    fn slot(e: ExprId) -> usize {
        (e.raw() & !(1 << 31)) as usize
    }
}

impl Elab<'_> {
    /// Replaces every assigned metavariable (and universe metavariable) by its value.
    pub fn inst(&mut self, e: ExprId) -> ExprId {
        let node = self.tc.store_ref().node(e);
        if !node.has_level_param && (!node.has_fvar || self.fvar_infos_known_mvar_free(e)) {
            return e;
        }
        if let Some((r, _)) = self.cached_inst(e, &self.inst_cache) {
            return r;
        }
        let mut cache = std::mem::take(&mut self.inst_cache);
        let (r, _) = self.inst_memo(e, &mut cache);
        self.inst_cache = cache;
        r
    }

    /// The answer kept for `e`, if it is still right.
    fn cached_inst(&self, e: ExprId, cache: &InstCache) -> Option<(ExprId, Deps)> {
        if !e.is_local() {
            return match cache.base.get(&e) {
                Some(&(r, epoch)) if epoch == self.epoch => Some((r, Deps::MANY)),
                _ => None,
            };
        }
        let s = cache.slots.get(InstCache::slot(e))?;
        let r = s.r?;
        if s.gen != cache.gen {
            return None;
        }
        let d = s.deps;
        let valid = if d.len == MANY {
            s.epoch == self.epoch
        } else {
            d.ids[..d.len as usize].iter().all(|&id| {
                if id & LEVEL != 0 {
                    self.lmvars
                        .get((id & !LEVEL) as usize)
                        .is_some_and(Option::is_none)
                } else {
                    self.mvars[id as usize].val.is_none()
                }
            })
        };
        valid.then_some((r, d))
    }

    /// Keeps `inst(e) = r` (and `inst(r) = r`).
    fn remember_inst(&self, e: ExprId, r: ExprId, deps: Deps, cache: &mut InstCache) {
        let slot = Slot {
            r: Some(r),
            gen: cache.gen,
            epoch: self.epoch,
            deps,
        };
        for k in [e, r] {
            if k.is_local() {
                let i = InstCache::slot(k);
                if cache.slots.len() <= i {
                    cache
                        .slots
                        .resize((i + 1).next_power_of_two(), Slot::default());
                }
                cache.slots[i] = slot;
            } else {
                cache.base.insert(k, (r, self.epoch));
            }
        }
    }

    /// The universe metavariables left in `l` (already instantiated).
    fn level_deps(l: &Level, deps: &mut Deps) {
        if !l.has_param() {
            return;
        }
        l.for_each_param(&mut |p| {
            if let Some(i) = lmvar_name_index(p) {
                deps.add(i as u32 | LEVEL);
            }
        });
    }

    /// `inst(e)` and the unassigned metavariables in it.
    fn inst_memo(&mut self, e: ExprId, cache: &mut InstCache) -> (ExprId, Deps) {
        let node = self.tc.store_ref().node(e);
        if !node.has_level_param && !node.has_fvar {
            return (e, Deps::NONE);
        }
        if let Some(hit) = self.cached_inst(e, cache) {
            return hit;
        }
        // A term over locals only (summarized already) is its own answer.
        if !node.has_level_param && self.fvar_infos_known_mvar_free(e) {
            return (e, Deps::NONE);
        }
        // Applications, the most common, without cloning the node.
        if let ExprKind::App(f, a) = *self.tc.store_ref().kind(e) {
            let head = self.tc.store_ref().app_fn(e);
            let (r, deps) = if self.mvar_index(head).is_some() {
                self.inst_mvar_app(e, head, cache)
            } else {
                // Part by part: the spine's partial applications are
                // remembered too, and nothing is rebuilt that did not change.
                let (f2, d1) = self.inst_memo(f, cache);
                let (a2, d2) = self.inst_memo(a, cache);
                let r = if (f2, a2) == (f, a) {
                    e
                } else {
                    self.store().mk_app(f2, a2)
                };
                (r, d1.join(d2))
            };
            self.remember_inst(e, r, deps, cache);
            return (r, deps);
        }
        let (r, deps) = match self.kind(e) {
            ExprKind::FVar(f) => match self.mvar_of(f) {
                Some(i) => match self.mvars[i].val.clone() {
                    Some(Assignment::Term(v)) => {
                        let (r, deps) = self.inst_memo(v, cache);
                        if r != v {
                            self.set_mvar(i, Assignment::Term(r));
                        }
                        (r, deps)
                    }
                    Some(Assignment::Delayed { xs, body, args }) => {
                        // Resolved once the body is fully assigned: an
                        // answer either way holds only until an assignment.
                        let (b, _) = self.inst_memo(body, cache);
                        if self.has_unassigned(b) {
                            (e, Deps::MANY)
                        } else {
                            let lam = self.close_over(&xs, b, false);
                            let args: Vec<ExprId> =
                                args.iter().map(|&a| self.inst_memo(a, cache).0).collect();
                            let r = self.store().mk_apps(lam, &args);
                            self.set_mvar(i, Assignment::Term(r));
                            (r, Deps::MANY)
                        }
                    }
                    None => (e, Deps::one(i as u32)),
                },
                None => (e, Deps::NONE),
            },
            ExprKind::Sort(l) => {
                let l2 = self.inst_level(&l);
                let mut deps = Deps::NONE;
                Self::level_deps(&l2, &mut deps);
                if l2 == l {
                    (e, deps)
                } else {
                    (self.store().mk_sort(l2), deps)
                }
            }
            ExprKind::Const(n, ls) => {
                let ls2: Vec<Level> = ls.iter().map(|l| self.inst_level(l)).collect();
                let mut deps = Deps::NONE;
                for l in &ls2 {
                    Self::level_deps(l, &mut deps);
                }
                if *ls2 == *ls {
                    (e, deps)
                } else {
                    (self.store().mk_const(n, ls2.into()), deps)
                }
            }
            ExprKind::Lam(n, bi, t, b) => {
                let (t2, d1) = self.inst_memo(t, cache);
                let (b2, d2) = self.inst_memo(b, cache);
                let r = if (t2, b2) == (t, b) {
                    e
                } else {
                    self.store().mk_lam(n, bi, t2, b2)
                };
                (r, d1.join(d2))
            }
            ExprKind::Pi(n, bi, t, b) => {
                let (t2, d1) = self.inst_memo(t, cache);
                let (b2, d2) = self.inst_memo(b, cache);
                let r = if (t2, b2) == (t, b) {
                    e
                } else {
                    self.store().mk_pi(n, bi, t2, b2)
                };
                (r, d1.join(d2))
            }
            ExprKind::Let(n, t, v, b) => {
                let (t2, d1) = self.inst_memo(t, cache);
                let (v2, d2) = self.inst_memo(v, cache);
                let (b2, d3) = self.inst_memo(b, cache);
                let r = if (t2, v2, b2) == (t, v, b) {
                    e
                } else {
                    self.store().mk_let(n, t2, v2, b2)
                };
                (r, d1.join(d2).join(d3))
            }
            ExprKind::Proj(s, i, x) => {
                let (x2, deps) = self.inst_memo(x, cache);
                let r = if x2 == x {
                    e
                } else {
                    self.store().mk_proj(s, i, x2)
                };
                (r, deps)
            }
            _ => (e, Deps::NONE),
        };
        self.remember_inst(e, r, deps, cache);
        (r, deps)
    }

    /// `inst` of an application whose head is metavariable `head`: `?f a`
    /// with `?f := fun x => b` becomes `b[a/x]`, as Lean's `instantiateMVars`
    /// does (a type like `congrArg f h`'s `f a₁ = f a₂` then reads
    /// `C[a₁] = C[a₂]`, not a redex).
    fn inst_mvar_app(&mut self, e: ExprId, head: ExprId, cache: &mut InstCache) -> (ExprId, Deps) {
        let (_, args) = self.tc.store_ref().app_args(e);
        let (head2, mut deps) = self.inst_memo(head, cache);
        let args2: Vec<ExprId> = args
            .iter()
            .map(|&a| {
                let (a2, d) = self.inst_memo(a, cache);
                deps = deps.join(d);
                a2
            })
            .collect();
        if matches!(self.tc.store_ref().kind(head2), ExprKind::Lam(..)) {
            let r = self.head_beta(head2, &args2);
            self.inst_memo(r, cache)
        } else {
            (self.store().mk_apps(head2, &args2), deps)
        }
    }

    /// `f args` with as many of `f`'s leading lambdas as there are
    /// arguments instantiated.
    pub(super) fn head_beta(&mut self, mut f: ExprId, args: &[ExprId]) -> ExprId {
        let mut used = 0;
        while used < args.len() {
            let ExprKind::Lam(_, _, _, body) = *self.tc.store_ref().kind(f) else {
                break;
            };
            f = proofmill_kernel::instantiate1(self.store(), body, args[used]);
            used += 1;
        }
        self.store().mk_apps(f, &args[used..])
    }
}
