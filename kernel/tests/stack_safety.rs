//! Deep terms are checked without overflowing the stack.
mod common;
use common::*;
use proofmill_kernel::*;

#[test]
fn hundred_thousand_nested_applications_are_accepted() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let f = cnst(&mut env, "f");
    let mut t = cnst(&mut env, "a");
    for _ in 0..100_000 {
        t = env.arena_mut().mk_app(f, t);
    }
    def(&mut env, "deep", a, t).unwrap();
    assert!(env.contains(&n("deep")));
}

#[test]
fn hundred_thousand_nested_lambdas_where_a_value_is_expected_are_refused() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let mut t = cnst(&mut env, "a");
    for _ in 0..100_000 {
        t = env.arena_mut().mk_lam(n("x"), BinderInfo::Default, a, t);
    }
    let err = def(&mut env, "deepLam", a, t).unwrap_err();
    assert!(matches!(err, KernelError::DeclTypeMismatch { .. }), "{err}");
}
