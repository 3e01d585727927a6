//! Universe levels: `zero | succ | max | imax | param`.
//!
//! Two decisions here carry soundness:
//! - `leq` is a *complete* decision procedure for `l₁ ≤ l₂` under every
//!   assignment of naturals to parameters. `imax u v` is eliminated by splitting
//!   on whether `v` is zero (`v := 0`) or not (`v := v' + 1`), after which a
//!   level is a `max` of `param + k` and constants, where `≤` is syntactic.
//!   Equivalence is `≤` both ways. This avoids the incomplete rewriting
//!   heuristics that have let other checkers accept `imax u v + 1 ≤ imax u v`.
//! - `normalize` only ever applies identities that hold under every
//!   assignment (tested against `eval` by proptest); it is used for display and
//!   as a cheap first comparison, never as the judge of `≤`.

use crate::name::Name;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A universe level. Cheap to clone; compares structurally with a cached hash.
#[derive(Clone)]
pub struct Level(Arc<LevelNode>);

#[derive(PartialEq, Eq)]
pub enum LevelKind {
    Zero,
    Succ(Level),
    Max(Level, Level),
    IMax(Level, Level),
    Param(Name),
}

pub struct LevelNode {
    kind: LevelKind,
    hash: u64,
    depth: u32,
    has_param: bool,
}

fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(7) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Level {
    fn mk(kind: LevelKind) -> Level {
        let (hash, depth, has_param) = match &kind {
            LevelKind::Zero => (17, 0, false),
            LevelKind::Succ(l) => (mix(l.0.hash, 3), l.0.depth + 1, l.0.has_param),
            LevelKind::Max(a, b) => (
                mix(mix(a.0.hash, b.0.hash), 5),
                a.0.depth.max(b.0.depth) + 1,
                a.0.has_param || b.0.has_param,
            ),
            LevelKind::IMax(a, b) => (
                mix(mix(a.0.hash, b.0.hash), 7),
                a.0.depth.max(b.0.depth) + 1,
                a.0.has_param || b.0.has_param,
            ),
            LevelKind::Param(n) => (mix(n.hash_value(), 11), 0, true),
        };
        Level(Arc::new(LevelNode {
            kind,
            hash,
            depth,
            has_param,
        }))
    }

    pub fn zero() -> Level {
        Level::mk(LevelKind::Zero)
    }
    pub fn one() -> Level {
        Level::succ(&Level::zero())
    }
    pub fn succ(l: &Level) -> Level {
        Level::mk(LevelKind::Succ(l.clone()))
    }
    pub fn max(a: &Level, b: &Level) -> Level {
        Level::mk(LevelKind::Max(a.clone(), b.clone()))
    }
    pub fn imax(a: &Level, b: &Level) -> Level {
        Level::mk(LevelKind::IMax(a.clone(), b.clone()))
    }
    pub fn param(n: &Name) -> Level {
        Level::mk(LevelKind::Param(n.clone()))
    }

    pub fn kind(&self) -> &LevelKind {
        &self.0.kind
    }
    pub fn depth(&self) -> u32 {
        self.0.depth
    }
    pub fn has_param(&self) -> bool {
        self.0.has_param
    }
    pub fn hash_value(&self) -> u64 {
        self.0.hash
    }
    pub fn is_zero(&self) -> bool {
        matches!(self.0.kind, LevelKind::Zero)
    }

    /// `max` that folds the obvious cases (used when building levels).
    pub fn mk_max(a: &Level, b: &Level) -> Level {
        if a == b || b.is_zero() {
            a.clone()
        } else if a.is_zero() {
            b.clone()
        } else {
            Level::max(a, b)
        }
    }

    /// `imax` that folds the obvious cases (used when building levels).
    pub fn mk_imax(a: &Level, b: &Level) -> Level {
        if b.is_never_zero() {
            Level::mk_max(a, b)
        } else if b.is_zero() || a.is_zero() || a == b || *a == Level::one() {
            b.clone()
        } else {
            Level::imax(a, b)
        }
    }

    /// True when the level is ≥ 1 under every assignment.
    pub fn is_never_zero(&self) -> bool {
        match &self.0.kind {
            LevelKind::Zero | LevelKind::Param(_) => false,
            LevelKind::Succ(_) => true,
            LevelKind::Max(a, b) => a.is_never_zero() || b.is_never_zero(),
            LevelKind::IMax(_, b) => b.is_never_zero(),
        }
    }

    /// Splits `succ^k l` into `(l, k)`.
    pub fn to_offset(&self) -> (&Level, u32) {
        let mut l = self;
        let mut k = 0;
        while let LevelKind::Succ(inner) = &l.0.kind {
            l = inner;
            k += 1;
        }
        (l, k)
    }

    fn add_offset(&self, k: u32) -> Level {
        let mut l = self.clone();
        for _ in 0..k {
            l = Level::succ(&l);
        }
        l
    }

    /// Value under an assignment of parameters (for tests and diagnostics).
    pub fn eval(&self, assign: &dyn Fn(&Name) -> u64) -> u64 {
        match &self.0.kind {
            LevelKind::Zero => 0,
            LevelKind::Succ(l) => l.eval(assign) + 1,
            LevelKind::Max(a, b) => a.eval(assign).max(b.eval(assign)),
            LevelKind::IMax(a, b) => {
                let vb = b.eval(assign);
                if vb == 0 {
                    0
                } else {
                    a.eval(assign).max(vb)
                }
            }
            LevelKind::Param(n) => assign(n),
        }
    }

    /// Calls `f` on every parameter name occurring in the level.
    pub fn for_each_param(&self, f: &mut dyn FnMut(&Name)) {
        if !self.has_param() {
            return;
        }
        match &self.0.kind {
            LevelKind::Zero => {}
            LevelKind::Succ(l) => l.for_each_param(f),
            LevelKind::Max(a, b) | LevelKind::IMax(a, b) => {
                a.for_each_param(f);
                b.for_each_param(f);
            }
            LevelKind::Param(n) => f(n),
        }
    }

    /// Replaces parameters `ps[i]` by `ls[i]`.
    pub fn instantiate(&self, ps: &[Name], ls: &[Level]) -> Level {
        if !self.has_param() {
            return self.clone();
        }
        match &self.0.kind {
            LevelKind::Zero => self.clone(),
            LevelKind::Succ(l) => Level::succ(&l.instantiate(ps, ls)),
            LevelKind::Max(a, b) => Level::mk_max(&a.instantiate(ps, ls), &b.instantiate(ps, ls)),
            LevelKind::IMax(a, b) => Level::mk_imax(&a.instantiate(ps, ls), &b.instantiate(ps, ls)),
            LevelKind::Param(n) => match ps.iter().position(|p| p == n) {
                Some(i) if i < ls.len() => ls[i].clone(),
                _ => self.clone(),
            },
        }
    }

    /// A simplified level equal to `self` under every assignment.
    pub fn normalize(&self) -> Level {
        let (r, k) = self.to_offset();
        match &r.0.kind {
            LevelKind::Zero | LevelKind::Param(_) | LevelKind::Succ(_) => self.clone(),
            LevelKind::IMax(a, b) => {
                let na = a.normalize();
                let nb = b.normalize();
                let inner = if nb.is_never_zero() {
                    Level::max(&na, &nb).normalize()
                } else {
                    Level::mk_imax(&na, &nb)
                };
                inner.add_offset(k)
            }
            LevelKind::Max(_, _) => {
                let mut args = Vec::new();
                push_max_args(r, &mut args);
                let mut flat = Vec::new();
                for a in args {
                    push_max_args(&a.normalize(), &mut flat);
                }
                // Keep, per base, the largest offset; the largest constant
                // only when no other argument already dominates it.
                let mut best: Vec<(Level, u32)> = Vec::new();
                let mut max_const: Option<u32> = None;
                for a in &flat {
                    let (base, off) = a.to_offset();
                    if base.is_zero() {
                        max_const = Some(max_const.map_or(off, |m| m.max(off)));
                        continue;
                    }
                    match best.iter_mut().find(|(b, _)| b == base) {
                        Some(entry) => entry.1 = entry.1.max(off),
                        None => best.push((base.clone(), off)),
                    }
                }
                best.sort_by(|x, y| norm_cmp(&x.0, &y.0).then(x.1.cmp(&y.1)));
                let mut parts: Vec<Level> = Vec::new();
                if let Some(c) = max_const {
                    let dominated = best.iter().any(|(_, off)| *off >= c);
                    if !dominated || best.is_empty() {
                        parts.push(Level::zero().add_offset(c));
                    }
                }
                for (b, off) in best {
                    parts.push(b.add_offset(off));
                }
                let mut it = parts.into_iter();
                let first = it.next().unwrap_or_else(Level::zero);
                let m = it.fold(first, |acc, p| Level::max(&acc, &p));
                m.add_offset(k)
            }
        }
    }

    /// `self ≤ other` under every assignment of naturals to parameters.
    pub fn leq(&self, other: &Level) -> bool {
        if self == other {
            return true;
        }
        leq_split(self, other)
    }

    /// `self = other` under every assignment.
    pub fn equiv(&self, other: &Level) -> bool {
        self == other || (self.leq(other) && other.leq(self))
    }
}

fn push_max_args(l: &Level, out: &mut Vec<Level>) {
    if let LevelKind::Max(a, b) = &l.0.kind {
        push_max_args(a, out);
        push_max_args(b, out);
    } else {
        out.push(l.clone());
    }
}

fn kind_rank(l: &Level) -> u8 {
    match l.kind() {
        LevelKind::Zero => 0,
        LevelKind::Param(_) => 1,
        LevelKind::Succ(_) => 2,
        LevelKind::Max(_, _) => 3,
        LevelKind::IMax(_, _) => 4,
    }
}

/// A total order on levels, used to sort `max` arguments canonically.
fn norm_cmp(a: &Level, b: &Level) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if a == b {
        return Ordering::Equal;
    }
    let r = kind_rank(a).cmp(&kind_rank(b));
    if r != Ordering::Equal {
        return r;
    }
    match (a.kind(), b.kind()) {
        (LevelKind::Param(x), LevelKind::Param(y)) => x.to_string().cmp(&y.to_string()),
        (LevelKind::Succ(x), LevelKind::Succ(y)) => norm_cmp(x, y),
        (LevelKind::Max(x1, x2), LevelKind::Max(y1, y2))
        | (LevelKind::IMax(x1, x2), LevelKind::IMax(y1, y2)) => {
            norm_cmp(x1, y1).then_with(|| norm_cmp(x2, y2))
        }
        _ => a.hash_value().cmp(&b.hash_value()),
    }
}

/// Rewrites `imax` away wherever its right side is known to be zero or
/// non-zero, and distributes it over `max`/`imax` on the right. The result has
/// `imax` only in the form `imax a (param p)`.
fn simplify_imax(l: &Level) -> Level {
    match l.kind() {
        LevelKind::Zero | LevelKind::Param(_) => l.clone(),
        LevelKind::Succ(a) => Level::succ(&simplify_imax(a)),
        LevelKind::Max(a, b) => Level::mk_max(&simplify_imax(a), &simplify_imax(b)),
        LevelKind::IMax(a, b) => {
            let a = simplify_imax(a);
            let b = simplify_imax(b);
            imax_core(&a, &b)
        }
    }
}

fn imax_core(a: &Level, b: &Level) -> Level {
    match b.kind() {
        LevelKind::Zero => Level::zero(),
        LevelKind::Succ(_) => Level::mk_max(a, b),
        LevelKind::Max(b1, b2) => Level::mk_max(&imax_core(a, b1), &imax_core(a, b2)),
        // imax a (imax b c) = max (imax a c) (imax b c)
        LevelKind::IMax(b1, b2) => Level::mk_max(&imax_core(a, b2), &imax_core(b1, b2)),
        LevelKind::Param(_) => {
            if a.is_zero() || a == b {
                b.clone()
            } else {
                Level::imax(a, b)
            }
        }
    }
}

fn find_imax_param(l: &Level) -> Option<Name> {
    match l.kind() {
        LevelKind::Zero | LevelKind::Param(_) => None,
        LevelKind::Succ(a) => find_imax_param(a),
        LevelKind::Max(a, b) => find_imax_param(a).or_else(|| find_imax_param(b)),
        LevelKind::IMax(a, b) => match b.kind() {
            LevelKind::Param(p) => Some(p.clone()),
            _ => find_imax_param(a).or_else(|| find_imax_param(b)),
        },
    }
}

/// Substitutes `p := r` (no simplification).
fn subst(l: &Level, p: &Name, r: &Level) -> Level {
    l.instantiate(std::slice::from_ref(p), std::slice::from_ref(r))
}

fn leq_split(a: &Level, b: &Level) -> bool {
    let a = simplify_imax(a);
    let b = simplify_imax(b);
    match find_imax_param(&a).or_else(|| find_imax_param(&b)) {
        Some(p) => {
            let zero = Level::zero();
            let succ = Level::succ(&Level::param(&p));
            leq_split(&subst(&a, &p, &zero), &subst(&b, &p, &zero))
                && leq_split(&subst(&a, &p, &succ), &subst(&b, &p, &succ))
        }
        None => leq_max_succ(&a, &b),
    }
}

/// A level without `imax`, as `max` of `(Some(param) | None, offset)` terms.
fn terms(l: &Level, k: u32, out: &mut Vec<(Option<Name>, u32)>) {
    match l.kind() {
        LevelKind::Zero => out.push((None, k)),
        LevelKind::Param(p) => out.push((Some(p.clone()), k)),
        LevelKind::Succ(a) => terms(a, k + 1, out),
        LevelKind::Max(a, b) => {
            terms(a, k, out);
            terms(b, k, out);
        }
        // Unreachable after `simplify_imax` and splitting; treated
        // conservatively as its right side's terms would be unsound, so
        // refuse instead (`leq` then answers false).
        LevelKind::IMax(_, _) => out.push((Some(Name::from_dotted("_imax_")), u32::MAX)),
    }
}

fn leq_max_succ(a: &Level, b: &Level) -> bool {
    let mut ta = Vec::new();
    let mut tb = Vec::new();
    terms(a, 0, &mut ta);
    terms(b, 0, &mut tb);
    if ta.iter().chain(tb.iter()).any(|(_, k)| *k == u32::MAX) {
        return false;
    }
    let max_b = tb.iter().map(|(_, k)| *k).max().unwrap_or(0);
    ta.iter().all(|(p, k)| match p {
        None => *k <= max_b,
        Some(p) => tb.iter().any(|(q, m)| q.as_ref() == Some(p) && *m >= *k),
    })
}

impl PartialEq for Level {
    fn eq(&self, other: &Level) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.hash == other.0.hash && self.0.kind == other.0.kind)
    }
}
impl Eq for Level {}

impl Hash for Level {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base, k) = self.to_offset();
        match base.kind() {
            LevelKind::Zero => write!(f, "{k}"),
            _ => {
                match base.kind() {
                    LevelKind::Param(n) => write!(f, "{n}")?,
                    LevelKind::Max(a, b) => write!(f, "(max {a} {b})")?,
                    LevelKind::IMax(a, b) => write!(f, "(imax {a} {b})")?,
                    LevelKind::Zero | LevelKind::Succ(_) => {}
                }
                if k > 0 {
                    write!(f, "+{k}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Level {
        Level::param(&Name::from_dotted(s))
    }

    #[test]
    fn imax_succ_is_not_below_itself() {
        let l = Level::imax(&p("u"), &p("v"));
        assert!(!Level::succ(&l).leq(&l));
        assert!(l.leq(&Level::succ(&l)));
    }

    #[test]
    fn imax_facts() {
        let u = p("u");
        let v = p("v");
        // imax u v ≤ max u v, not conversely
        assert!(Level::imax(&u, &v).leq(&Level::max(&u, &v)));
        assert!(!Level::max(&u, &v).leq(&Level::imax(&u, &v)));
        // imax u (v+1) = max u (v+1)
        let sv = Level::succ(&v);
        assert!(Level::imax(&u, &sv).equiv(&Level::max(&u, &sv)));
        // imax 0 v = v ; imax u 0 = 0
        assert!(Level::imax(&Level::zero(), &v).equiv(&v));
        assert!(Level::imax(&u, &Level::zero()).equiv(&Level::zero()));
        // succ (imax 0 v) ≠ v
        assert!(!Level::succ(&Level::imax(&Level::zero(), &v)).equiv(&v));
    }

    #[test]
    fn max_laws() {
        let u = p("u");
        let v = p("v");
        assert!(Level::max(&u, &v).equiv(&Level::max(&v, &u)));
        assert!(Level::max(&u, &u).equiv(&u));
        assert!(Level::max(&Level::succ(&u), &u).equiv(&Level::succ(&u)));
        assert!(!Level::one().leq(&u));
        assert!(Level::one().leq(&Level::max(&u, &Level::one())));
    }

    fn arb_level() -> impl Strategy<Value = Level> {
        let leaf = prop_oneof![
            Just(Level::zero()),
            Just(p("u")),
            Just(p("v")),
            Just(p("w")),
        ];
        leaf.prop_recursive(5, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|l| Level::succ(&l)),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Level::max(&a, &b)),
                (inner.clone(), inner).prop_map(|(a, b)| Level::imax(&a, &b)),
            ]
        })
    }

    type Assignment<'a> = &'a dyn Fn(&Name) -> u64;

    fn all_assignments(f: &mut dyn FnMut(Assignment<'_>)) {
        for a in 0..3u64 {
            for b in 0..3u64 {
                for c in 0..3u64 {
                    let assign = move |n: &Name| match n.to_string().as_str() {
                        "u" => a,
                        "v" => b,
                        _ => c,
                    };
                    f(&assign);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn normalize_preserves_value(l in arb_level()) {
            let n = l.normalize();
            all_assignments(&mut |asg| assert_eq!(l.eval(asg), n.eval(asg)));
        }

        #[test]
        fn leq_agrees_with_evaluation(a in arb_level(), b in arb_level()) {
            // After splitting on imax parameters, a counterexample to a ≤ b
            // can always be found with each parameter 0, 1 or large.
            let mut holds = true;
            for x in [0u64, 1, 40] {
                for y in [0u64, 1, 40] {
                    for z in [0u64, 1, 40] {
                        let asg = |n: &Name| match n.to_string().as_str() { "u" => x, "v" => y, _ => z };
                        if a.eval(&asg) > b.eval(&asg) { holds = false; }
                    }
                }
            }
            prop_assert_eq!(a.leq(&b), holds, "{} ≤ {}", a, b);
        }
    }
}
