//! What is written is what was checked.
//!
//! The kernel checks the statement and proof the generator built in memory
//! (`proof::assemble`), but a corpus holds their printed text, and anyone
//! re-checking a record (`proofmill verify`, a user's `check`) elaborates that
//! text. The two can part: a printer that drops a needed parenthesis, or an
//! elaborator that solves an implicit argument differently from how the
//! generator filled it, gives a record whose text means something else, or
//! nothing. So before a record is written, its printed `statement` and
//! `proof_term` are parsed and elaborated by the theory language, exactly as
//! `verify` does, and the resulting terms must be the very terms the kernel
//! checked (equal up to the names of bound variables). A record that does not
//! read back is a generator bug: it is reported and never written.
//!
//! Cost contract: one parse and one elaboration of the statement and proof
//! per record, on the worker that rendered it (measured in the README).

use crate::proof::KernelTheorem;
use proofmill_kernel::{alpha_eq, ExprId, ExprKind, ExprStore, FVarId, TypeChecker};
use proofmill_tactics::reader::{ReadProof, TheoremReader};
use proofmill_tactics::theory::TheoryError;
use rustc_hash::FxHashSet;
use std::fmt;

/// Why a record's text does not stand for the terms that were checked.
#[derive(Clone, Debug)]
pub enum ReadBackError {
    /// The text does not parse or elaborate.
    Unreadable(TheoryError),
    /// The statement elaborates to another proposition than the one checked.
    StatementDiffers,
    /// The proof term elaborates to another proof than the one checked.
    ProofDiffers,
}

impl fmt::Display for ReadBackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadBackError::Unreadable(e) => write!(f, "the printed text does not elaborate: {e}"),
            ReadBackError::StatementDiffers => write!(
                f,
                "the printed statement elaborates to another proposition than the one checked"
            ),
            ReadBackError::ProofDiffers => write!(
                f,
                "the printed proof term elaborates to another proof than the one checked"
            ),
        }
    }
}

impl std::error::Error for ReadBackError {}

/// Elaborates `statement` and `proof` with `reader` and compares them with
/// `checked`, which lives in `tc`'s store.
///
/// A proof `fun xs => body` is compared open (see
/// [`TheoremReader::read_open`]): its body, over the reader's locals, with
/// the checked lambda's body, over its bound variables. That is the
/// comparison of the closed terms, without closing the body first.
pub fn read_back(
    reader: &mut TheoremReader<'_>,
    statement: &str,
    proof: &str,
    tc: &TypeChecker<'_>,
    checked: &KernelTheorem,
) -> Result<(), ReadBackError> {
    let ours = tc.store_ref();
    let (same_statement, same_proof) = reader
        .read_open(statement, proof, |tc, s, p| {
            let same_proof = match p {
                ReadProof::Closed(p) => alpha_eq(tc.store_ref(), p, ours, checked.proof),
                ReadProof::Open { locals, body } => {
                    let binders: Vec<(FVarId, ExprId)> = locals
                        .iter()
                        .map(|&x| {
                            let ExprKind::FVar(f) = *tc.store_ref().kind(x) else {
                                unreachable!("a local is a free variable")
                            };
                            (f, tc.local_decl(x).expect("a local").ty)
                        })
                        .collect();
                    same_lambda(tc.store_ref(), &binders, body, ours, checked.proof)
                }
            };
            (
                alpha_eq(tc.store_ref(), s, ours, checked.statement),
                same_proof,
            )
        })
        .map_err(ReadBackError::Unreadable)?;
    if !same_statement {
        return Err(ReadBackError::StatementDiffers);
    }
    if !same_proof {
        return Err(ReadBackError::ProofDiffers);
    }
    Ok(())
}

/// Subterms this deep or deeper are remembered once compared.
const SHARED_MIN_DEPTH: u32 = 3;

/// Whether `fun (x₁ : T₁) … (xₙ : Tₙ) => body` (`binders` the `(xᵢ, Tᵢ)`,
/// in `sa`) is `lam` (in `sb`) up to the names of bound variables.
fn same_lambda<A: ExprStore + ?Sized, B: ExprStore + ?Sized>(
    sa: &A,
    binders: &[(FVarId, ExprId)],
    body: ExprId,
    sb: &B,
    mut lam: ExprId,
) -> bool {
    let xs: Vec<FVarId> = binders.iter().map(|&(x, _)| x).collect();
    // One memo for the whole lambda, sized for a generated proof's shared
    // subterms so that it rarely grows.
    let mut seen = FxHashSet::with_capacity_and_hasher(1024, Default::default());
    for (i, &(_, ty)) in binders.iter().enumerate() {
        let ExprKind::Lam(_, _, t, b) = *sb.kind(lam) else {
            return false;
        };
        seen.clear();
        if !alpha_eq_under(sa, ty, &xs[..i], sb, t, &mut seen) {
            return false;
        }
        lam = b;
    }
    seen.clear();
    alpha_eq_under(sa, body, &xs, sb, lam, &mut seen)
}

/// Pairs already compared (with the depth where it matters).
type Compared = FxHashSet<(ExprId, ExprId, u32)>;

/// Whether `a` (in `sa`, over the free variables `xs`) is `b` (in `sb`,
/// under as many binders, the last one bound variable 0) up to the names
/// of bound variables: [`alpha_eq`] of `a` closed over `xs` with `b` under
/// its binders. `seen` starts empty.
fn alpha_eq_under<A: ExprStore + ?Sized, B: ExprStore + ?Sized>(
    sa: &A,
    a: ExprId,
    xs: &[FVarId],
    sb: &B,
    b: ExprId,
    seen: &mut Compared,
) -> bool {
    let n = xs.len() as u32;
    // The pairs still to compare, with the number of binders passed inside
    // `a` and `b` (the same on both sides).
    let mut stack = vec![(a, b, 0u32)];
    while let Some((x, y, depth)) = stack.pop() {
        let (nx, ny) = (sa.node(x), sb.node(y));
        // Where neither side mentions the outer binders, the two are the
        // same closed pattern: structural hashes must agree.
        let plain = !nx.has_fvar && ny.bvar_range <= depth;
        if plain && nx.hash != ny.hash {
            return false;
        }
        // Shared subterms are compared once (per depth where it matters);
        // small ones are cheaper to compare again than to remember.
        if nx.depth >= SHARED_MIN_DEPTH
            && !seen.insert((x, y, if plain { u32::MAX } else { depth }))
        {
            continue;
        }
        match (&nx.kind, &ny.kind) {
            (ExprKind::FVar(f), ExprKind::BVar(i)) => {
                let outer = match i.checked_sub(depth) {
                    Some(k) if k < n => (n - 1 - k) as usize,
                    _ => return false,
                };
                if xs[outer] != *f {
                    return false;
                }
            }
            (ExprKind::App(f1, a1), ExprKind::App(f2, a2)) => {
                stack.push((*f1, *f2, depth));
                stack.push((*a1, *a2, depth));
            }
            (ExprKind::Lam(_, _, t1, b1), ExprKind::Lam(_, _, t2, b2))
            | (ExprKind::Pi(_, _, t1, b1), ExprKind::Pi(_, _, t2, b2)) => {
                stack.push((*t1, *t2, depth));
                stack.push((*b1, *b2, depth + 1));
            }
            (ExprKind::Let(_, t1, v1, b1), ExprKind::Let(_, t2, v2, b2)) => {
                stack.push((*t1, *t2, depth));
                stack.push((*v1, *v2, depth));
                stack.push((*b1, *b2, depth + 1));
            }
            (ExprKind::Proj(n1, i1, e1), ExprKind::Proj(n2, i2, e2)) => {
                if n1 != n2 || i1 != i2 {
                    return false;
                }
                stack.push((*e1, *e2, depth));
            }
            // A free variable other than the binders', or a bound one
            // beyond them, is never the same.
            (ExprKind::FVar(_), _) | (_, ExprKind::FVar(_)) => return false,
            (ExprKind::BVar(i), ExprKind::BVar(j)) => {
                if i != j || *i >= depth {
                    return false;
                }
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
    use super::{alpha_eq_under, same_lambda};
    use proofmill_kernel::{Arena, BinderInfo, ExprId, ExprStore, FVarId, Level, Name};
    use std::sync::Arc;

    fn eq_under(sa: &Arena, a: ExprId, xs: &[FVarId], sb: &Arena, b: ExprId) -> bool {
        alpha_eq_under(sa, a, xs, sb, b, &mut Default::default())
    }

    fn lam(s: &mut Arena, name: &str, ty: ExprId, body: ExprId) -> ExprId {
        s.mk_lam(Name::from_dotted(name), BinderInfo::Default, ty, body)
    }

    /// Open terms over `x₀ x₁` against the same terms under two binders.
    #[test]
    fn an_open_term_is_its_closed_form_under_the_binders() {
        let mut a = Arena::new();
        let mut b = Arena::new();
        let (x0, x1) = (FVarId(7), FVarId(3));
        let xs = [x0, x1];
        let ty_a = a.mk_const(Name::from_dotted("R"), Arc::from(Vec::<Level>::new()));
        let ty_b = b.mk_const(Name::from_dotted("R"), Arc::from(Vec::<Level>::new()));
        let f_a = a.mk_const(Name::from_dotted("f"), Arc::from(Vec::<Level>::new()));
        let f_b = b.mk_const(Name::from_dotted("f"), Arc::from(Vec::<Level>::new()));
        // f x₀ x₁ is f #1 #0 under the two binders, not f #0 #1.
        let (v0, v1) = (a.mk_fvar(x0), a.mk_fvar(x1));
        let open = a.mk_apps(f_a, &[v0, v1]);
        let (b0, b1) = (b.mk_bvar(0), b.mk_bvar(1));
        let good = b.mk_apps(f_b, &[b1, b0]);
        let swapped = b.mk_apps(f_b, &[b0, b1]);
        assert!(eq_under(&a, open, &xs, &b, good));
        assert!(!eq_under(&a, open, &xs, &b, swapped));
        // Under one more binder (fun y => f x₀ y) the indices shift by one.
        let y = a.mk_bvar(0);
        let inner = a.mk_apps(f_a, &[v0, y]);
        let open_lam = lam(&mut a, "y", ty_a, inner);
        let (b0, b2) = (b.mk_bvar(0), b.mk_bvar(2));
        let inner_b = b.mk_apps(f_b, &[b2, b0]);
        let good_lam = lam(&mut b, "z", ty_b, inner_b);
        let b1 = b.mk_bvar(1);
        let inner_bad = b.mk_apps(f_b, &[b1, b0]);
        let bad_lam = lam(&mut b, "z", ty_b, inner_bad);
        assert!(eq_under(&a, open_lam, &xs, &b, good_lam));
        assert!(!eq_under(&a, open_lam, &xs, &b, bad_lam));
        // A bound variable beyond the binders, or a free variable that is
        // not one of them, is never the same.
        let b5 = b.mk_bvar(5);
        let far = b.mk_apps(f_b, &[b5, b0]);
        assert!(!eq_under(&a, open, &xs, &b, far));
        let stray = a.mk_fvar(FVarId(9));
        let open_stray = a.mk_apps(f_a, &[stray, v1]);
        assert!(!eq_under(&a, open_stray, &xs, &b, good));
        // A loose bound variable on the open side is not a binder's.
        let (loose, b1) = (a.mk_bvar(1), b.mk_bvar(1));
        assert!(!eq_under(&a, loose, &xs, &b, b1));
        // Closed parts compare as they are.
        assert!(eq_under(&a, ty_a, &xs, &b, ty_b));
        assert!(!eq_under(&a, ty_a, &xs, &b, f_b));
    }

    /// `fun (x₀ : R) (x₁ : P x₀) => body`, binder types included.
    #[test]
    fn a_lambda_is_compared_binder_by_binder() {
        let mut a = Arena::new();
        let mut b = Arena::new();
        let xs = [FVarId(0), FVarId(1)];
        let none = || Arc::from(Vec::<Level>::new());
        let (r_a, p_a) = (
            a.mk_const(Name::from_dotted("R"), none()),
            a.mk_const(Name::from_dotted("P"), none()),
        );
        let (r_b, p_b) = (
            b.mk_const(Name::from_dotted("R"), none()),
            b.mk_const(Name::from_dotted("P"), none()),
        );
        let v0 = a.mk_fvar(xs[0]);
        let v1 = a.mk_fvar(xs[1]);
        let t1 = a.mk_app(p_a, v0);
        let binders = [(xs[0], r_a), (xs[1], t1)];
        let closed = |b: &mut Arena, t1_index: u32, body_index: u32| {
            let bv = b.mk_bvar(t1_index);
            let t1 = b.mk_app(p_b, bv);
            let body = b.mk_bvar(body_index);
            let inner = lam(b, "y", t1, body);
            lam(b, "x", r_b, inner)
        };
        let good = closed(&mut b, 0, 0);
        assert!(same_lambda(&a, &binders, v1, &b, good));
        // The body is x₀, not x₁.
        let other_body = closed(&mut b, 0, 1);
        assert!(!same_lambda(&a, &binders, v1, &b, other_body));
        assert!(same_lambda(&a, &binders, v0, &b, other_body));
        // The second binder's type mentions a variable it cannot.
        let bad_type = closed(&mut b, 1, 0);
        assert!(!same_lambda(&a, &binders, v1, &b, bad_type));
        // Fewer lambdas than binders.
        let one = lam(&mut b, "x", r_b, r_b);
        assert!(!same_lambda(&a, &binders, v1, &b, one));
    }
}
