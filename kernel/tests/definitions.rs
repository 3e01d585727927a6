//! Definitions, theorems and their rejections, built in code.
mod common;
use common::*;
use proofmill_kernel::*;

#[test]
fn identity_function_is_accepted_and_unfolds() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let aa = arrow(&mut env, a, a);
    let b0 = env.arena_mut().mk_bvar(0);
    let id = env.arena_mut().mk_lam(n("x"), BinderInfo::Default, a, b0);
    def(&mut env, "id", aa, id).unwrap();
    // def a' : A := id a   and   theorem-free check that id a ≡ a by delta+beta
    let id_c = cnst(&mut env, "id");
    let ac = cnst(&mut env, "a");
    let app = env.arena_mut().mk_app(id_c, ac);
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(app, ac).unwrap());
}

#[test]
fn value_of_the_wrong_type_is_refused() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let aa = arrow(&mut env, a, a);
    let ac = cnst(&mut env, "a");
    let err = def(&mut env, "bad", aa, ac).unwrap_err();
    assert!(matches!(err, KernelError::DeclTypeMismatch { .. }), "{err}");
    assert!(!env.contains(&n("bad")));
}

#[test]
fn duplicate_names_are_refused() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let err = axiom(&mut env, "a", a).unwrap_err();
    assert_eq!(err, KernelError::AlreadyDeclared(n("a")));
}

#[test]
fn unknown_constants_and_bad_levels_are_refused() {
    let mut env = base_env();
    let b = cnst(&mut env, "B");
    assert_eq!(
        axiom(&mut env, "b", b).unwrap_err(),
        KernelError::UnknownConstant(n("B"))
    );
    let u = Level::param(&n("u"));
    let s = sort(&mut env, u);
    let err = axiom(&mut env, "c", s).unwrap_err();
    assert!(
        matches!(err, KernelError::UndeclaredLevelParam { .. }),
        "{err}"
    );
    let err = env
        .add(Declaration::Axiom {
            name: n("d"),
            level_params: vec![n("u"), n("u")],
            ty: s,
            is_unsafe: false,
        })
        .unwrap_err();
    assert_eq!(err, KernelError::DuplicateLevelParam(n("u")));
    let a1 = cnst_l(&mut env, "A", &[Level::zero()]);
    let err = axiom(&mut env, "e", a1).unwrap_err();
    assert!(matches!(err, KernelError::WrongNumLevels { .. }), "{err}");
}

#[test]
fn theorem_types_must_be_propositions() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let ac = cnst(&mut env, "a");
    let err = thm(&mut env, "t", a, ac).unwrap_err();
    assert!(matches!(err, KernelError::TheoremNotProp { .. }), "{err}");
}

#[test]
fn type_of_a_type_must_be_a_sort() {
    let mut env = base_env();
    let ac = cnst(&mut env, "a");
    let err = axiom(&mut env, "x", ac).unwrap_err();
    assert!(matches!(err, KernelError::TypeExpected { .. }), "{err}");
}

#[test]
fn proofs_of_a_proposition_are_equal() {
    let mut env = base_env();
    let p = prop(&mut env);
    axiom(&mut env, "P", p).unwrap();
    let pc = cnst(&mut env, "P");
    axiom(&mut env, "h1", pc).unwrap();
    axiom(&mut env, "h2", pc).unwrap();
    let h1 = cnst(&mut env, "h1");
    let h2 = cnst(&mut env, "h2");
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(h1, h2).unwrap());
    let a = cnst(&mut env, "a");
    let fa = {
        let f = cnst(&mut env, "f");
        env.arena_mut().mk_app(f, a)
    };
    let mut tc = env.checker(&[]);
    assert!(!tc.is_def_eq(a, fa).unwrap());
}

#[test]
fn functions_are_eta_equal() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let f = cnst(&mut env, "f");
    let b0 = env.arena_mut().mk_bvar(0);
    let body = env.arena_mut().mk_app(f, b0);
    let lam = env.arena_mut().mk_lam(n("x"), BinderInfo::Default, a, body);
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(lam, f).unwrap());
}

#[test]
fn let_is_checked_and_reduced() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let ac = cnst(&mut env, "a");
    let b0 = env.arena_mut().mk_bvar(0);
    let l = env.arena_mut().mk_let(n("y"), a, ac, b0);
    def(&mut env, "viaLet", a, l).unwrap();
    let aa = arrow(&mut env, a, a);
    let bad = env.arena_mut().mk_let(n("y"), aa, ac, b0);
    let err = def(&mut env, "badLet", aa, bad).unwrap_err();
    assert!(matches!(err, KernelError::LetTypeMismatch { .. }), "{err}");
}

#[test]
fn loose_bound_variables_are_refused() {
    let mut env = base_env();
    let b0 = env.arena_mut().mk_bvar(0);
    let err = axiom(&mut env, "loose", b0).unwrap_err();
    assert!(matches!(err, KernelError::NotClosed(_)), "{err}");
}
