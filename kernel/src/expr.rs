//! Hash-consed expressions addressed by `u32` ids.
//!
//! Every node is stored once per store: building a node that already exists
//! returns the existing id, so `a == b` on ids is structural equality and
//! caches keyed by id are exact. Each node caches its hash, its loose
//! bound-variable range (`0` = closed), whether it mentions free variables or
//! universe parameters, and its depth, so that instantiation can skip closed
//! subterms and deep input is recognised without walking it.
//!
//! There are two layers. The environment's [`Arena`] holds declarations and is
//! read-only while declarations are checked; a checker's [`LocalStore`] puts
//! the terms it makes (whnf results, instantiations, free variables) in a
//! scratch arena of its own, whose ids carry the top bit. So one immutable
//! environment can be shared by many threads, each with its own scratch.

use crate::level::Level;
use crate::name::Name;
use hashbrown::hash_table::{Entry, HashTable};
use num_bigint::BigUint;
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// An expression id. Ids with the top bit set live in a checker's scratch
/// layer; the others in the environment's arena.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ExprId(u32);

const LOCAL_BIT: u32 = 1 << 31;

impl ExprId {
    pub fn is_local(self) -> bool {
        self.0 & LOCAL_BIT != 0
    }
    pub fn raw(self) -> u32 {
        self.0
    }
}

/// A free variable of a checker's local context.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FVarId(pub u32);

#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum BinderInfo {
    Default,
    Implicit,
    StrictImplicit,
    InstImplicit,
}

/// What a node is. Children are ids in the same store.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExprKind {
    BVar(u32),
    FVar(FVarId),
    Sort(Level),
    Const(Name, Arc<[Level]>),
    App(ExprId, ExprId),
    Lam(Name, BinderInfo, ExprId, ExprId),
    Pi(Name, BinderInfo, ExprId, ExprId),
    /// `let name : ty := val; body`
    Let(Name, ExprId, ExprId, ExprId),
    NatLit(Arc<BigUint>),
    StrLit(Arc<str>),
    /// `proj struct_name field_index value`
    Proj(Name, u32, ExprId),
}

impl Hash for ExprKind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            ExprKind::BVar(i) => i.hash(state),
            ExprKind::FVar(f) => f.hash(state),
            ExprKind::Sort(l) => l.hash(state),
            ExprKind::Const(n, ls) => {
                n.hash(state);
                ls.hash(state);
            }
            ExprKind::App(f, a) => {
                f.hash(state);
                a.hash(state);
            }
            ExprKind::Lam(n, bi, t, b) | ExprKind::Pi(n, bi, t, b) => {
                n.hash(state);
                bi.hash(state);
                t.hash(state);
                b.hash(state);
            }
            ExprKind::Let(n, t, v, b) => {
                n.hash(state);
                t.hash(state);
                v.hash(state);
                b.hash(state);
            }
            ExprKind::NatLit(n) => n.hash(state),
            ExprKind::StrLit(s) => s.hash(state),
            ExprKind::Proj(n, i, e) => {
                n.hash(state);
                i.hash(state);
                e.hash(state);
            }
        }
    }
}

/// A stored node with its cached facts.
#[derive(Debug)]
pub struct Node {
    pub kind: ExprKind,
    /// Structural hash (ignores binder names), stable across layers.
    pub hash: u64,
    /// One more than the largest loose bound variable index; 0 when closed.
    pub bvar_range: u32,
    pub has_fvar: bool,
    pub has_level_param: bool,
    /// Longest path to a leaf.
    pub depth: u32,
}

/// Read and build access to expressions, whichever layer they live in.
pub trait ExprStore {
    fn node(&self, e: ExprId) -> &Node;
    /// Interns a node, returning the id of an equal node if there is one.
    fn mk(&mut self, kind: ExprKind) -> ExprId;

    fn kind(&self, e: ExprId) -> &ExprKind {
        &self.node(e).kind
    }
    fn bvar_range(&self, e: ExprId) -> u32 {
        self.node(e).bvar_range
    }
    fn has_fvar(&self, e: ExprId) -> bool {
        self.node(e).has_fvar
    }
    fn has_level_param(&self, e: ExprId) -> bool {
        self.node(e).has_level_param
    }

    fn mk_bvar(&mut self, i: u32) -> ExprId {
        self.mk(ExprKind::BVar(i))
    }
    fn mk_fvar(&mut self, f: FVarId) -> ExprId {
        self.mk(ExprKind::FVar(f))
    }
    fn mk_sort(&mut self, l: Level) -> ExprId {
        self.mk(ExprKind::Sort(l))
    }
    fn mk_const(&mut self, n: Name, ls: Arc<[Level]>) -> ExprId {
        self.mk(ExprKind::Const(n, ls))
    }
    fn mk_app(&mut self, f: ExprId, a: ExprId) -> ExprId {
        self.mk(ExprKind::App(f, a))
    }
    fn mk_apps(&mut self, f: ExprId, args: &[ExprId]) -> ExprId {
        let mut r = f;
        for &a in args {
            r = self.mk_app(r, a);
        }
        r
    }
    fn mk_lam(&mut self, n: Name, bi: BinderInfo, ty: ExprId, body: ExprId) -> ExprId {
        self.mk(ExprKind::Lam(n, bi, ty, body))
    }
    fn mk_pi(&mut self, n: Name, bi: BinderInfo, ty: ExprId, body: ExprId) -> ExprId {
        self.mk(ExprKind::Pi(n, bi, ty, body))
    }
    fn mk_let(&mut self, n: Name, ty: ExprId, val: ExprId, body: ExprId) -> ExprId {
        self.mk(ExprKind::Let(n, ty, val, body))
    }
    fn mk_nat(&mut self, n: BigUint) -> ExprId {
        self.mk(ExprKind::NatLit(Arc::new(n)))
    }
    fn mk_str(&mut self, s: &str) -> ExprId {
        self.mk(ExprKind::StrLit(s.into()))
    }
    fn mk_proj(&mut self, s: Name, i: u32, e: ExprId) -> ExprId {
        self.mk(ExprKind::Proj(s, i, e))
    }

    /// The head of an application spine.
    fn app_fn(&self, mut e: ExprId) -> ExprId {
        while let ExprKind::App(f, _) = self.kind(e) {
            e = *f;
        }
        e
    }
    /// The head and the arguments of an application spine.
    fn app_args(&self, mut e: ExprId) -> (ExprId, Vec<ExprId>) {
        let mut args = Vec::new();
        while let ExprKind::App(f, a) = self.kind(e) {
            args.push(*a);
            e = *f;
        }
        args.reverse();
        (e, args)
    }
    fn app_num_args(&self, mut e: ExprId) -> usize {
        let mut n = 0;
        while let ExprKind::App(f, _) = self.kind(e) {
            n += 1;
            e = *f;
        }
        n
    }
    /// The constant at the head of `e`, if any.
    fn head_const(&self, e: ExprId) -> Option<(&Name, &Arc<[Level]>)> {
        match self.kind(self.app_fn(e)) {
            ExprKind::Const(n, ls) => Some((n, ls)),
            _ => None,
        }
    }
    fn is_const_named(&self, e: ExprId, name: &Name) -> bool {
        matches!(self.kind(e), ExprKind::Const(n, _) if n == name)
    }
}

fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(9) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The node for `kind`, its facts computed from its children's (`node`
/// looks a child up, in whichever layer it lives).
fn make_node<'n>(node: impl Fn(ExprId) -> &'n Node, kind: ExprKind) -> Node {
    let (hash, bvar_range, has_fvar, has_level_param, depth) = match &kind {
        ExprKind::BVar(i) => (mix(1, u64::from(*i)), i.saturating_add(1), false, false, 0),
        ExprKind::FVar(f) => (mix(2, u64::from(f.0)), 0, true, false, 0),
        ExprKind::Sort(l) => (mix(3, l.hash_value()), 0, false, l.has_param(), 0),
        ExprKind::Const(n, ls) => {
            let mut h = mix(4, n.hash_value());
            for l in ls.iter() {
                h = mix(h, l.hash_value());
            }
            (h, 0, false, ls.iter().any(Level::has_param), 0)
        }
        ExprKind::App(f, a) => {
            let (nf, na) = (node(*f), node(*a));
            (
                mix(mix(5, nf.hash), na.hash),
                nf.bvar_range.max(na.bvar_range),
                nf.has_fvar || na.has_fvar,
                nf.has_level_param || na.has_level_param,
                nf.depth.max(na.depth).saturating_add(1),
            )
        }
        ExprKind::Lam(_, _, t, b) | ExprKind::Pi(_, _, t, b) => {
            let tag = if matches!(kind, ExprKind::Lam(..)) {
                6
            } else {
                7
            };
            let (nt, nb) = (node(*t), node(*b));
            (
                mix(mix(tag, nt.hash), nb.hash),
                nt.bvar_range.max(nb.bvar_range.saturating_sub(1)),
                nt.has_fvar || nb.has_fvar,
                nt.has_level_param || nb.has_level_param,
                nt.depth.max(nb.depth).saturating_add(1),
            )
        }
        ExprKind::Let(_, t, v, b) => {
            let (nt, nv, nb) = (node(*t), node(*v), node(*b));
            (
                mix(mix(mix(8, nt.hash), nv.hash), nb.hash),
                nt.bvar_range
                    .max(nv.bvar_range)
                    .max(nb.bvar_range.saturating_sub(1)),
                nt.has_fvar || nv.has_fvar || nb.has_fvar,
                nt.has_level_param || nv.has_level_param || nb.has_level_param,
                nt.depth.max(nv.depth).max(nb.depth).saturating_add(1),
            )
        }
        ExprKind::NatLit(n) => {
            let mut h = 9u64;
            for d in n.iter_u64_digits() {
                h = mix(h, d);
            }
            (h, 0, false, false, 0)
        }
        ExprKind::StrLit(st) => {
            let mut h = 10u64;
            for b in st.bytes() {
                h = mix(h, u64::from(b));
            }
            (h, 0, false, false, 0)
        }
        ExprKind::Proj(n, i, e) => {
            let ne = node(*e);
            (
                mix(mix(mix(11, n.hash_value()), u64::from(*i)), ne.hash),
                ne.bvar_range,
                ne.has_fvar,
                ne.has_level_param,
                ne.depth.saturating_add(1),
            )
        }
    };
    Node {
        kind,
        hash,
        bvar_range,
        has_fvar,
        has_level_param,
        depth,
    }
}

/// A hash-consing arena: the environment's store, or a scratch layer.
///
/// The index is a hash table of node ids keyed by the node's key hash and
/// compared by kind, so finding a node or the slot for a new one is one probe
/// and an entry costs 4 bytes beside the node. (The key hash is recomputed
/// from the node when the table grows, not stored.)
#[derive(Default)]
pub struct Arena {
    nodes: Vec<Node>,
    index: HashTable<u32>,
}

/// The most nodes one arena holds (ids are 31 bits).
pub const MAX_NODES: usize = (LOCAL_BIT - 1) as usize;

/// The hash a node is indexed by: of its kind, children by id (so it is
/// cheap), finished with a strong mixer (so the index's buckets spread).
fn key_hash(kind: &ExprKind) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    kind.hash(&mut h);
    let mut x = h.finish();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Arena {
    pub fn new() -> Arena {
        Arena::default()
    }
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    fn lookup(&self, h: u64, kind: &ExprKind) -> Option<u32> {
        let nodes = &self.nodes;
        self.index
            .find(h, |&i| nodes[i as usize].kind == *kind)
            .copied()
    }
    /// The id of the node of `kind` (key hash `h`), made by `make` if there
    /// is none yet: one probe of the index either way.
    fn intern(
        &mut self,
        h: u64,
        kind: ExprKind,
        make: impl FnOnce(&[Node], ExprKind) -> Node,
    ) -> u32 {
        let nodes = &self.nodes;
        let entry = self.index.entry(
            h,
            |&i| nodes[i as usize].kind == kind,
            |&i| key_hash(&nodes[i as usize].kind),
        );
        match entry {
            Entry::Occupied(o) => *o.get(),
            Entry::Vacant(v) => {
                assert!(self.nodes.len() < MAX_NODES, "expression arena full");
                let i = self.nodes.len() as u32;
                let node = make(&self.nodes, kind);
                self.nodes.push(node);
                v.insert(i);
                i
            }
        }
    }
    /// Whether `e` is an id of this (base) arena.
    pub fn contains(&self, e: ExprId) -> bool {
        !e.is_local() && (e.0 as usize) < self.nodes.len()
    }
}

impl ExprStore for Arena {
    fn node(&self, e: ExprId) -> &Node {
        &self.nodes[e.0 as usize]
    }
    fn mk(&mut self, kind: ExprKind) -> ExprId {
        let h = key_hash(&kind);
        ExprId(self.intern(h, kind, |nodes, kind| {
            make_node(|c| &nodes[c.0 as usize], kind)
        }))
    }
}

/// A read-only base arena with a private scratch layer on top.
pub struct LocalStore<'e> {
    base: &'e Arena,
    local: Arena,
}

impl<'e> LocalStore<'e> {
    pub fn new(base: &'e Arena) -> LocalStore<'e> {
        LocalStore {
            base,
            local: Arena::new(),
        }
    }
    pub fn base(&self) -> &'e Arena {
        self.base
    }
    /// Gives up the scratch layer (e.g. to copy its results into the base).
    pub fn into_local(self) -> Arena {
        self.local
    }
    pub fn local_len(&self) -> usize {
        self.local.len()
    }
    /// Drops every scratch node (and so every cache keyed by them must go too).
    /// The scratch layer's memory is kept for reuse.
    pub fn clear_local(&mut self) {
        self.local.nodes.clear();
        self.local.index.clear();
    }
}

fn children_all_base(kind: &ExprKind) -> bool {
    match kind {
        ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => {
            !a.is_local() && !b.is_local()
        }
        ExprKind::Let(_, a, b, c) => !a.is_local() && !b.is_local() && !c.is_local(),
        ExprKind::Proj(_, _, a) => !a.is_local(),
        ExprKind::FVar(_) => false,
        _ => true,
    }
}

impl ExprStore for LocalStore<'_> {
    fn node(&self, e: ExprId) -> &Node {
        if e.is_local() {
            &self.local.nodes[(e.0 & !LOCAL_BIT) as usize]
        } else {
            &self.base.nodes[e.0 as usize]
        }
    }
    fn mk(&mut self, kind: ExprKind) -> ExprId {
        let h = key_hash(&kind);
        if children_all_base(&kind) {
            if let Some(i) = self.base.lookup(h, &kind) {
                return ExprId(i);
            }
        }
        let base = self.base;
        let i = self.local.intern(h, kind, |local, kind| {
            make_node(
                |c| {
                    if c.is_local() {
                        &local[(c.0 & !LOCAL_BIT) as usize]
                    } else {
                        &base.nodes[c.0 as usize]
                    }
                },
                kind,
            )
        });
        ExprId(i | LOCAL_BIT)
    }
}

impl Arena {
    /// Copies `e`, which lives in `base` or in the scratch layer `local` laid
    /// over it, into `self` (which must be `base` grown by later additions).
    /// Iterative, so deep terms cannot exhaust the stack.
    pub fn import_local(
        &mut self,
        local: &Arena,
        e: ExprId,
        memo: &mut FxHashMap<u32, ExprId>,
    ) -> ExprId {
        if !e.is_local() {
            return e;
        }
        let mut stack: Vec<(ExprId, bool)> = vec![(e, false)];
        while let Some((cur, children_done)) = stack.pop() {
            if !cur.is_local() || memo.contains_key(&cur.0) {
                continue;
            }
            let node = &local.nodes[(cur.0 & !LOCAL_BIT) as usize];
            let children = child_ids(&node.kind);
            if !children_done {
                stack.push((cur, true));
                for c in children {
                    if c.is_local() && !memo.contains_key(&c.0) {
                        stack.push((c, false));
                    }
                }
                continue;
            }
            let map = |c: ExprId| if c.is_local() { memo[&c.0] } else { c };
            let kind = match &node.kind {
                ExprKind::App(f, a) => ExprKind::App(map(*f), map(*a)),
                ExprKind::Lam(n, bi, t, b) => ExprKind::Lam(n.clone(), *bi, map(*t), map(*b)),
                ExprKind::Pi(n, bi, t, b) => ExprKind::Pi(n.clone(), *bi, map(*t), map(*b)),
                ExprKind::Let(n, t, v, b) => ExprKind::Let(n.clone(), map(*t), map(*v), map(*b)),
                ExprKind::Proj(n, i, x) => ExprKind::Proj(n.clone(), *i, map(*x)),
                other => other.clone(),
            };
            let id = self.mk(kind);
            memo.insert(cur.0, id);
        }
        memo[&e.0]
    }
}

/// The direct children of a node.
pub fn child_ids(kind: &ExprKind) -> Vec<ExprId> {
    match kind {
        ExprKind::App(a, b) | ExprKind::Lam(_, _, a, b) | ExprKind::Pi(_, _, a, b) => vec![*a, *b],
        ExprKind::Let(_, a, b, c) => vec![*a, *b, *c],
        ExprKind::Proj(_, _, a) => vec![*a],
        _ => Vec::new(),
    }
}

/// Structural equality up to binder names and binder info (α-equivalence on
/// de Bruijn terms). `a` and `b` may live in different stores.
pub fn alpha_eq<A: ExprStore + ?Sized, B: ExprStore + ?Sized>(
    sa: &A,
    a: ExprId,
    sb: &B,
    b: ExprId,
) -> bool {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut stack = vec![(a, b)];
    while let Some((x, y)) = stack.pop() {
        let (nx, ny) = (sa.node(x), sb.node(y));
        if nx.hash != ny.hash {
            return false;
        }
        if !seen.insert((x, y)) {
            continue;
        }
        match (&nx.kind, &ny.kind) {
            (ExprKind::App(f1, a1), ExprKind::App(f2, a2)) => {
                stack.push((*f1, *f2));
                stack.push((*a1, *a2));
            }
            (ExprKind::Lam(_, _, t1, b1), ExprKind::Lam(_, _, t2, b2))
            | (ExprKind::Pi(_, _, t1, b1), ExprKind::Pi(_, _, t2, b2)) => {
                stack.push((*t1, *t2));
                stack.push((*b1, *b2));
            }
            (ExprKind::Let(_, t1, v1, b1), ExprKind::Let(_, t2, v2, b2)) => {
                stack.push((*t1, *t2));
                stack.push((*v1, *v2));
                stack.push((*b1, *b2));
            }
            (ExprKind::Proj(n1, i1, e1), ExprKind::Proj(n2, i2, e2)) => {
                if n1 != n2 || i1 != i2 {
                    return false;
                }
                stack.push((*e1, *e2));
            }
            (k1, k2) => {
                if k1 != k2 {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_consing_shares_equal_nodes() {
        let mut a = Arena::new();
        let x = a.mk_bvar(0);
        let s = a.mk_sort(Level::zero());
        let l1 = a.mk_lam(Name::from_dotted("x"), BinderInfo::Default, s, x);
        let l2 = a.mk_lam(Name::from_dotted("x"), BinderInfo::Default, s, x);
        assert_eq!(l1, l2);
        assert_eq!(a.bvar_range(x), 1);
        assert_eq!(a.bvar_range(l1), 0);
    }

    #[test]
    fn local_layer_reuses_base_nodes() {
        let mut base = Arena::new();
        let s = base.mk_sort(Level::zero());
        let app = base.mk_app(s, s);
        let mut local = LocalStore::new(&base);
        assert_eq!(local.mk_app(s, s), app);
        let f = local.mk_fvar(FVarId(0));
        let fa = local.mk_app(f, s);
        assert!(fa.is_local());
        assert!(local.has_fvar(fa));
        let t = local.mk_app(app, s);
        assert!(t.is_local());
        let scratch = local.into_local();
        let mut memo = FxHashMap::default();
        let imported = base.import_local(&scratch, t, &mut memo);
        assert!(!imported.is_local());
        assert_eq!(base.mk_app(app, s), imported);
    }
}
