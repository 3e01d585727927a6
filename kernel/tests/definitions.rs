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

/// One checker used for many values in turn, as the generator does: alike
/// binders share their free variable and results stay cached, yet every
/// verdict is the one a fresh checker gives, before and after `reset`.
#[test]
fn a_reused_checker_gives_a_fresh_checkers_verdicts() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let f = cnst(&mut env, "f");
    let ac = cnst(&mut env, "a");
    let aa = arrow(&mut env, a, a);
    let aaa = arrow(&mut env, a, aa);
    let ar = env.arena_mut();
    let (x0, x1) = (ar.mk_bvar(0), ar.mk_bvar(1));
    let fx = ar.mk_app(f, x0);
    let lam = |ar: &mut Arena, body| ar.mk_lam(n("x"), BinderInfo::Default, a, body);
    // fun x => f x ; fun x => fun x => #1 ; fun x => fun x => #0 ; fun x => (fun x => f x) x
    let f_x = lam(ar, fx);
    let inner1 = lam(ar, x1);
    let k1 = lam(ar, inner1);
    let inner0 = lam(ar, x0);
    let k0 = lam(ar, inner0);
    let redex = ar.mk_app(f_x, x0);
    let beta = lam(ar, redex);
    // fun x => f a x: `f` applied to too many arguments.
    let fa = ar.mk_app(f, ac);
    let fax = ar.mk_app(fa, x0);
    let bad = lam(ar, fax);
    let cases = [
        (f_x, aa, true),
        (k1, aaa, true),
        (k0, aaa, true),
        (beta, aa, true),
        (f_x, aaa, false),
        (bad, aa, false),
        (k1, aa, false),
    ];
    let name = n("t");
    let fresh: Vec<bool> = cases
        .iter()
        .map(|&(v, t, _)| env.checker(&[]).check_value(&name, v, t).is_ok())
        .collect();
    let expected: Vec<bool> = cases.iter().map(|c| c.2).collect();
    assert_eq!(fresh, expected);
    let mut tc = env.checker(&[]);
    for round in 0..2 {
        let reused: Vec<bool> = cases
            .iter()
            .map(|&(v, t, _)| tc.check_value(&name, v, t).is_ok())
            .collect();
        assert_eq!(reused, expected, "round {round}");
        tc.reset();
    }
}

/// `check_lambda_value` over locals answers as `check_value` of the closed
/// lambda, and refuses what would not close: a local that is not a binder,
/// a binder type mentioning a later binder, a let or repeated binder.
#[test]
fn a_lambda_checked_open_is_checked_as_the_closed_lambda() {
    let mut env = base_env();
    let a = cnst(&mut env, "A");
    let pr = prop(&mut env);
    let a_prop = arrow(&mut env, a, pr);
    axiom(&mut env, "P", a_prop).unwrap();
    let p = cnst(&mut env, "P");
    let b0 = env.arena_mut().mk_bvar(0);
    let p_b0 = env.arena_mut().mk_app(p, b0);
    let all_p = env.arena_mut().mk_pi(n("x"), BinderInfo::Default, a, p_b0);
    axiom(&mut env, "p", all_p).unwrap();
    let pc = cnst(&mut env, "p");
    let ac = cnst(&mut env, "a");
    let name = n("t");
    let mut tc = env.checker(&[]);
    let x = tc.mk_local(n("x"), BinderInfo::Default, a);
    let px = tc.store().mk_app(pc, x);
    let p_a = tc.store().mk_app(p, ac);
    let all_p_a = tc.store().mk_pi(n("x"), BinderInfo::Default, a, p_a);
    // Accepted and refused alike, and asked again, answered alike.
    let asked = [
        (all_p, true),
        (all_p_a, false),
        (all_p, true),
        (all_p, true),
    ];
    for (ty, ok) in asked.into_iter().chain([(all_p_a, false)]) {
        let closed = tc.mk_lam_over(&[x], px);
        let by_value = tc.check_value(&name, closed, ty);
        let open = tc.check_lambda_value(&name, &[x], px, ty);
        assert_eq!(by_value.is_ok(), ok);
        assert_eq!(open, by_value);
    }
    // A binder whose type is not a type.
    let z = tc.mk_local(n("z"), BinderInfo::Default, ac);
    let z_ty = tc.store().mk_pi(n("z"), BinderInfo::Default, ac, all_p);
    let closed = tc.mk_lam_over(&[z, x], px);
    assert!(tc.check_value(&name, closed, z_ty).is_err());
    assert!(tc.check_lambda_value(&name, &[z, x], px, z_ty).is_err());
    // A local the lambda does not bind (closing would leave it free).
    let y = tc.mk_local(n("y"), BinderInfo::Default, a);
    let py = tc.store().mk_app(pc, y);
    let not_closed = Err(KernelError::NotClosed(name.clone()));
    assert_eq!(tc.check_lambda_value(&name, &[x], py, all_p), not_closed);
    // Nor does `check_value` take a proof that mentions a local.
    let p_y = tc.store().mk_app(p, y);
    assert_eq!(tc.check_value(&name, py, p_y), not_closed);
    let open_lam = tc.mk_lam_over(&[x], py);
    assert_eq!(tc.check_value(&name, open_lam, all_p), not_closed);
    // Nor a statement that mentions one, even where it reduces away:
    // `∀ x, (fun z => P x) y`.
    let b1 = tc.store().mk_bvar(1);
    let p_b1 = tc.store().mk_app(p, b1);
    let k = tc.store().mk_lam(n("z"), BinderInfo::Default, a, p_b1);
    let k_y = tc.store().mk_app(k, y);
    let all_k_y = tc.store().mk_pi(n("x"), BinderInfo::Default, a, k_y);
    assert_eq!(tc.check_lambda_value(&name, &[x], px, all_k_y), not_closed);
    // A binder's type mentioning a later binder, a repeated binder, a let.
    let h = tc.mk_local(n("h"), BinderInfo::Default, px);
    let h_ty = tc.store().mk_pi(n("h"), BinderInfo::Default, p_b0, all_p);
    assert_eq!(tc.check_lambda_value(&name, &[h, x], px, h_ty), not_closed);
    let xx_ty = tc.store().mk_pi(n("x"), BinderInfo::Default, a, all_p);
    assert_eq!(tc.check_lambda_value(&name, &[x, x], px, xx_ty), not_closed);
    let l = tc.mk_let_local(n("l"), a, ac);
    let pl = tc.store().mk_app(pc, l);
    assert_eq!(tc.check_lambda_value(&name, &[l], pl, all_p), not_closed);
    // A body that is not a term of the local context at all.
    assert_eq!(tc.check_lambda_value(&name, &[x], b0, all_p), not_closed);
}
