//! The input's claims about generated constants against the kernel's own.
//!
//! An export lists, with every inductive declaration, the constructors,
//! recursors and informational fields (`isRec`, `numNested`, `k`, …) that
//! Lean's kernel derived. proofmill's kernel derives them itself and is
//! authoritative; the import then insists that the input agrees with it, so
//! that a file claiming a rule the kernel would never generate (a recursor
//! that says it is K-like, a wrong reduction rule) is rejected rather than
//! silently replaced.
//!
//! Terms are compared structurally up to binder names and binder info, and
//! universe levels up to equivalence after renaming the input's universe
//! parameters positionally to the kernel's (a generated recursor's fresh
//! motive universe may be named differently).

use super::declarations::{Supplied, SuppliedCtor, SuppliedInductive, SuppliedRec, SuppliedType};
use proofmill_kernel::{
    expr_to_string, Arena, ConstantInfo, ConstantKind, Env, ExprId, ExprKind, ExprStore, Level,
    Name, QuotKind,
};
use std::collections::HashSet;

/// A disagreement: the constant concerned and what differs.
pub(crate) type Mismatch = (Name, String);

type Res = Result<(), Mismatch>;

fn fail(name: &Name, what: String) -> Res {
    Err((name.clone(), what))
}

/// `what` must agree: the input's value first, the kernel's second.
fn same<T: PartialEq + std::fmt::Debug>(name: &Name, what: &str, input: T, kernel: T) -> Res {
    if input == kernel {
        Ok(())
    } else {
        fail(
            name,
            format!("{what} is {input:?} in the input but {kernel:?} in the kernel"),
        )
    }
}

/// Universe parameters renamed positionally from the input's to the kernel's.
struct Renaming<'a> {
    from: &'a [Name],
    to: Vec<Level>,
    identity: bool,
}

impl<'a> Renaming<'a> {
    fn new(name: &Name, input: &'a [Name], kernel: &[Name]) -> Result<Renaming<'a>, Mismatch> {
        if input.len() != kernel.len() {
            return Err((
                name.clone(),
                format!(
                    "it has {} universe parameters in the input but {} in the kernel",
                    input.len(),
                    kernel.len()
                ),
            ));
        }
        Ok(Renaming {
            from: input,
            to: kernel.iter().map(Level::param).collect(),
            identity: input == kernel,
        })
    }

    fn level_matches(&self, input: &Level, kernel: &Level) -> bool {
        let renamed = if self.identity {
            input.clone()
        } else {
            input.instantiate(self.from, &self.to)
        };
        renamed == *kernel || renamed.equiv(kernel)
    }

    fn levels_match(&self, input: &[Level], kernel: &[Level]) -> bool {
        input.len() == kernel.len()
            && input
                .iter()
                .zip(kernel)
                .all(|(a, b)| self.level_matches(a, b))
    }
}

/// The first pair of subterms where `input` and `kernel` (both in `arena`)
/// differ, if any: structural comparison up to binder names and info, with
/// universe levels compared after renaming. Iterative, and each pair of
/// shared subterms is visited once.
fn first_difference(
    arena: &Arena,
    r: &Renaming<'_>,
    input: ExprId,
    kernel: ExprId,
) -> Option<(ExprId, ExprId)> {
    let mut seen = HashSet::new();
    let mut stack = vec![(input, kernel)];
    while let Some((x, y)) = stack.pop() {
        if (r.identity && x == y) || !seen.insert((x, y)) {
            continue;
        }
        let ok = match (arena.kind(x), arena.kind(y)) {
            (ExprKind::Sort(a), ExprKind::Sort(b)) => r.level_matches(a, b),
            (ExprKind::Const(m, us), ExprKind::Const(n, vs)) => m == n && r.levels_match(us, vs),
            (ExprKind::App(f, a), ExprKind::App(g, b)) => {
                stack.push((*f, *g));
                stack.push((*a, *b));
                true
            }
            (ExprKind::Lam(_, _, t, b), ExprKind::Lam(_, _, u, c))
            | (ExprKind::Pi(_, _, t, b), ExprKind::Pi(_, _, u, c)) => {
                stack.push((*t, *u));
                stack.push((*b, *c));
                true
            }
            (ExprKind::Let(_, t, v, b), ExprKind::Let(_, u, w, c)) => {
                stack.push((*t, *u));
                stack.push((*v, *w));
                stack.push((*b, *c));
                true
            }
            (ExprKind::Proj(m, i, e), ExprKind::Proj(n, j, f)) => {
                stack.push((*e, *f));
                m == n && i == j
            }
            (a, b) => a == b,
        };
        if !ok {
            return Some((x, y));
        }
    }
    None
}

/// Where two terms differ, for a message: the differing subterms, rendered.
fn describe_difference(arena: &Arena, input: ExprId, kernel: ExprId) -> String {
    let show = |e| expr_to_string(arena, e, &|_| None);
    format!(
        "the input has `{}` where the kernel has `{}`",
        show(input),
        show(kernel)
    )
}

fn kernel_const<'e>(env: &'e Env, name: &Name, kind: &str) -> Result<&'e ConstantInfo, Mismatch> {
    env.get(name).ok_or_else(|| {
        (
            name.clone(),
            format!("the kernel generated no {kind} of this name"),
        )
    })
}

/// Universe parameters and type agree (up to renaming).
fn check_head(env: &Env, input: &Supplied, kernel: &ConstantInfo, what: &str) -> Res {
    let r = Renaming::new(&input.name, &input.level_params, &kernel.level_params)?;
    match first_difference(env.arena(), &r, input.ty, kernel.ty) {
        None => Ok(()),
        Some((a, b)) => fail(
            &input.name,
            format!(
                "the {what}'s type differs from the kernel's: {}",
                describe_difference(env.arena(), a, b)
            ),
        ),
    }
}

fn check_type(env: &Env, t: &SuppliedType) -> Res {
    let name = &t.head.name;
    let k = kernel_const(env, name, "inductive type")?;
    let ConstantKind::Inductive {
        num_params,
        num_indices,
        all,
        ctors,
        num_nested,
        is_rec,
        is_reflexive,
        ..
    } = &k.kind
    else {
        return fail(
            name,
            format!(
                "it is an inductive type in the input, a {} in the kernel",
                k.kind_name()
            ),
        );
    };
    check_head(env, &t.head, k, "inductive type")?;
    same(name, "numParams", t.num_params, *num_params)?;
    same(name, "numIndices", t.num_indices, *num_indices)?;
    same(name, "all", t.all.as_slice(), all)?;
    same(name, "ctors", t.ctors.as_slice(), ctors)?;
    same(name, "numNested", t.num_nested, *num_nested)?;
    same(name, "isRec", t.is_rec, *is_rec)?;
    same(name, "isReflexive", t.is_reflexive, *is_reflexive)?;
    same(name, "isUnsafe", t.is_unsafe, k.is_unsafe)
}

fn check_ctor(env: &Env, c: &SuppliedCtor) -> Res {
    let name = &c.head.name;
    let k = kernel_const(env, name, "constructor")?;
    let ConstantKind::Constructor {
        induct,
        cidx,
        num_params,
        num_fields,
        ..
    } = &k.kind
    else {
        return fail(
            name,
            format!(
                "it is a constructor in the input, a {} in the kernel",
                k.kind_name()
            ),
        );
    };
    check_head(env, &c.head, k, "constructor")?;
    same(name, "induct", &c.induct, induct)?;
    same(name, "cidx", c.cidx, *cidx)?;
    same(name, "numParams", c.num_params, *num_params)?;
    same(name, "numFields", c.num_fields, *num_fields)?;
    same(name, "isUnsafe", c.is_unsafe, k.is_unsafe)
}

fn check_rec(env: &Env, rec: &SuppliedRec) -> Res {
    let name = &rec.head.name;
    let k = kernel_const(env, name, "recursor")?;
    let ConstantKind::Recursor {
        all,
        num_params,
        num_indices,
        num_motives,
        num_minors,
        rules,
        k: is_k,
        ..
    } = &k.kind
    else {
        return fail(
            name,
            format!(
                "it is a recursor in the input, a {} in the kernel",
                k.kind_name()
            ),
        );
    };
    same(name, "numParams", rec.num_params, *num_params)?;
    same(name, "numIndices", rec.num_indices, *num_indices)?;
    same(name, "numMotives", rec.num_motives, *num_motives)?;
    same(name, "numMinors", rec.num_minors, *num_minors)?;
    same(name, "k", rec.k, *is_k)?;
    same(name, "all", rec.all.as_slice(), all)?;
    same(name, "isUnsafe", rec.is_unsafe, k.is_unsafe)?;
    check_head(env, &rec.head, k, "recursor")?;
    same(name, "the number of rules", rec.rules.len(), rules.len())?;
    let r = Renaming::new(name, &rec.head.level_params, &k.level_params)?;
    for (i, (mine, theirs)) in rec.rules.iter().zip(rules.iter()).enumerate() {
        let what = format!("rule {i}");
        same(
            name,
            &format!("{what}'s constructor"),
            &mine.ctor,
            &theirs.ctor,
        )?;
        same(
            name,
            &format!("{what}'s nfields"),
            mine.num_fields,
            theirs.num_fields,
        )?;
        if let Some((a, b)) = first_difference(env.arena(), &r, mine.rhs, theirs.rhs) {
            return fail(
                name,
                format!(
                    "{what} (for {}) has a right-hand side that differs from the kernel's: {}",
                    mine.ctor,
                    describe_difference(env.arena(), a, b)
                ),
            );
        }
    }
    Ok(())
}

/// Everything an inductive record says, against what `Env::add` made of it.
pub(crate) fn check_inductive(env: &Env, ind: &SuppliedInductive) -> Res {
    for t in &ind.types {
        check_type(env, t)?;
    }
    for c in &ind.ctors {
        check_ctor(env, c)?;
    }
    for r in &ind.recs {
        check_rec(env, r)?;
    }
    Ok(())
}

/// A quotient record against the kernel's quotient constant of that name.
pub(crate) fn check_quot(env: &Env, q: &Supplied, kind: QuotKind) -> Res {
    let k = kernel_const(env, &q.name, "quotient constant")?;
    match &k.kind {
        ConstantKind::Quot(kk) => same(&q.name, "the quotient kind", kind, *kk)?,
        _ => {
            return fail(
                &q.name,
                format!(
                    "it is a quotient constant in the input, a {} in the kernel",
                    k.kind_name()
                ),
            )
        }
    }
    check_head(env, q, k, "quotient constant")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proofmill_kernel::BinderInfo;

    fn terms_match(arena: &Arena, r: &Renaming<'_>, input: ExprId, kernel: ExprId) -> bool {
        first_difference(arena, r, input, kernel).is_none()
    }
    use std::sync::Arc;

    #[test]
    fn levels_are_compared_after_positional_renaming() {
        let mut env = Env::new();
        let (u, v, w) = (
            Name::from_dotted("u"),
            Name::from_dotted("v"),
            Name::from_dotted("w"),
        );
        let a = env.arena_mut();
        // input: Sort (max u 1) → C.{v}; kernel: Sort (max 1 w) → C.{u}
        let s1 = a.mk_sort(Level::max(&Level::param(&u), &Level::one()));
        let c1 = a.mk_const(Name::from_dotted("C"), Arc::from(vec![Level::param(&v)]));
        let t1 = a.mk_pi(Name::from_dotted("x"), BinderInfo::Default, s1, c1);
        let s2 = a.mk_sort(Level::max(&Level::one(), &Level::param(&w)));
        let c2 = a.mk_const(Name::from_dotted("C"), Arc::from(vec![Level::param(&u)]));
        let t2 = a.mk_pi(Name::from_dotted("y"), BinderInfo::Implicit, s2, c2);
        let input = [u.clone(), v.clone()];
        let kernel = [w.clone(), u.clone()];
        let r = Renaming::new(&u, &input, &kernel).unwrap();
        assert!(terms_match(env.arena(), &r, t1, t2));
        let swapped = [u.clone(), w.clone()];
        let r = Renaming::new(&u, &input, &swapped).unwrap();
        assert!(!terms_match(env.arena(), &r, t1, t2));
        assert!(Renaming::new(&u, &input, std::slice::from_ref(&u)).is_err());
    }

    #[test]
    fn bound_variables_and_literals_must_agree() {
        let mut env = Env::new();
        let a = env.arena_mut();
        let (b0, b1) = (a.mk_bvar(0), a.mk_bvar(1));
        let s = a.mk_sort(Level::zero());
        let l0 = a.mk_lam(Name::from_dotted("x"), BinderInfo::Default, s, b0);
        let l1 = a.mk_lam(Name::from_dotted("x"), BinderInfo::Default, s, b1);
        let n1 = a.mk_nat(1u32.into());
        let n2 = a.mk_nat(2u32.into());
        let r = Renaming::new(&Name::anon(), &[], &[]).unwrap();
        assert!(terms_match(env.arena(), &r, l0, l0));
        assert!(!terms_match(env.arena(), &r, l0, l1));
        assert!(!terms_match(env.arena(), &r, n1, n2));
    }
}
