//! Quotients, structure eta, unit-like types and Nat literals, built in code.
mod common;
use common::*;
use proofmill_kernel::*;

fn ind(
    level_params: &[&str],
    num_params: u32,
    name: &str,
    ty: ExprId,
    ctors: Vec<(&str, ExprId)>,
) -> Declaration {
    Declaration::Inductive(InductiveDecl {
        level_params: level_params.iter().map(|s| n(s)).collect(),
        num_params,
        types: vec![InductiveType {
            name: n(name),
            ty,
            ctors: ctors
                .into_iter()
                .map(|(c, ty)| Constructor { name: n(c), ty })
                .collect(),
        }],
        is_unsafe: false,
    })
}

fn pi(env: &mut Env, x: &str, bi: BinderInfo, t: ExprId, b: ExprId) -> ExprId {
    env.arena_mut().mk_pi(n(x), bi, t, b)
}

/// `Eq.{u} {α : Sort u} (a : α) : α → Prop` with `Eq.refl`.
fn add_eq(env: &mut Env) {
    let u = Level::param(&n("u"));
    let sort_u = sort(env, u.clone());
    let p = prop(env);
    let (b0, b1) = {
        let a = env.arena_mut();
        (a.mk_bvar(0), a.mk_bvar(1))
    };
    // Π {α : Sort u} (a : α), α → Prop
    let t = pi(env, "b", BinderInfo::Default, b1, p);
    let t = pi(env, "a", BinderInfo::Default, b0, t);
    let eq_ty = pi(env, "α", BinderInfo::Implicit, sort_u, t);
    // Π {α : Sort u} (a : α), @Eq α a a
    let eq_c = cnst_l(env, "Eq", &[u]);
    let app = env.arena_mut().mk_apps(eq_c, &[b1, b0, b0]);
    let t = pi(env, "a", BinderInfo::Default, b0, app);
    let refl_ty = pi(env, "α", BinderInfo::Implicit, sort_u, t);
    env.add(ind(&["u"], 2, "Eq", eq_ty, vec![("Eq.refl", refl_ty)]))
        .unwrap();
}

#[test]
fn quotients_need_eq_and_compute() {
    let mut env = base_env();
    assert!(matches!(
        env.add(Declaration::Quot),
        Err(KernelError::QuotNeedsEq(_))
    ));
    add_eq(&mut env);
    env.add(Declaration::Quot).unwrap();
    assert!(env.quot_initialized());
    for c in ["Quot", "Quot.mk", "Quot.lift", "Quot.ind"] {
        assert!(env.contains(&n(c)), "{c}");
    }
    // r := fun _ _ => True-ish: use an axiom R : A → A → Prop
    let a_ty = cnst(&mut env, "A");
    let p = prop(&mut env);
    let r_ty = {
        let inner = arrow(&mut env, a_ty, p);
        arrow(&mut env, a_ty, inner)
    };
    axiom(&mut env, "R", r_ty).unwrap();
    // h : ∀ a b, R a b → f a = f b  (as an axiom, its statement is all we need)
    let one = Level::one();
    let (b0, b1, b2) = {
        let a = env.arena_mut();
        (a.mk_bvar(0), a.mk_bvar(1), a.mk_bvar(2))
    };
    let f = cnst(&mut env, "f");
    let r = cnst(&mut env, "R");
    let eq1 = cnst_l(&mut env, "Eq", std::slice::from_ref(&one));
    let fa = env.arena_mut().mk_app(f, b2);
    let fb = env.arena_mut().mk_app(f, b1);
    let eq_app = env.arena_mut().mk_apps(eq1, &[a_ty, fa, fb]);
    let rab = env.arena_mut().mk_apps(r, &[b1, b0]);
    let t = pi(&mut env, "h", BinderInfo::Default, rab, eq_app);
    let t = pi(&mut env, "b", BinderInfo::Default, a_ty, t);
    let h_ty = pi(&mut env, "a", BinderInfo::Default, a_ty, t);
    axiom(&mut env, "h", h_ty).unwrap();
    // Quot.lift.{1,1} f h (Quot.mk.{1} R a) ≡ f a
    let lift = cnst_l(&mut env, "Quot.lift", &[one.clone(), one.clone()]);
    let mk = cnst_l(&mut env, "Quot.mk", std::slice::from_ref(&one));
    let a = cnst(&mut env, "a");
    let h = cnst(&mut env, "h");
    let q = env.arena_mut().mk_apps(mk, &[a_ty, r, a]);
    let lhs = env.arena_mut().mk_apps(lift, &[a_ty, r, a_ty, f, h, q]);
    let rhs = env.arena_mut().mk_app(f, a);
    // Checked as a definition: def lifted : A := lhs, and lhs ≡ f a.
    def(&mut env, "lifted", a_ty, lhs).unwrap();
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(lhs, rhs).unwrap());
    let w = tc.whnf(lhs).unwrap();
    assert_eq!(w, rhs);
}

/// `structure Pair where (fst snd : A)` and `inductive U | star`.
fn add_pair_and_unit(env: &mut Env) {
    let t = type0(env);
    let a_ty = cnst(env, "A");
    let pair = cnst(env, "Pair");
    let snd = pi(env, "snd", BinderInfo::Default, a_ty, pair);
    let mk_ty = pi(env, "fst", BinderInfo::Default, a_ty, snd);
    env.add(ind(&[], 0, "Pair", t, vec![("Pair.mk", mk_ty)]))
        .unwrap();
    let u = cnst(env, "U");
    env.add(ind(&[], 0, "U", t, vec![("U.star", u)])).unwrap();
}

#[test]
fn structure_eta_and_unit_like_types() {
    let mut env = base_env();
    add_pair_and_unit(&mut env);
    let pair = cnst(&mut env, "Pair");
    axiom(&mut env, "p", pair).unwrap();
    let p = cnst(&mut env, "p");
    let fst = env.arena_mut().mk_proj(n("Pair"), 0, p);
    let snd = env.arena_mut().mk_proj(n("Pair"), 1, p);
    let mk = cnst(&mut env, "Pair.mk");
    let eta = env.arena_mut().mk_apps(mk, &[fst, snd]);
    let swapped = env.arena_mut().mk_apps(mk, &[snd, fst]);
    let u = cnst(&mut env, "U");
    axiom(&mut env, "x", u).unwrap();
    let x = cnst(&mut env, "x");
    let star = cnst(&mut env, "U.star");
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(p, eta).unwrap());
    assert!(tc.is_def_eq(eta, p).unwrap());
    assert!(!tc.is_def_eq(p, swapped).unwrap());
    assert!(tc.is_def_eq(x, star).unwrap());
    // projections of a constructor reduce
    let a = {
        drop(tc);
        cnst(&mut env, "a")
    };
    let fa = {
        let f = cnst(&mut env, "f");
        env.arena_mut().mk_app(f, a)
    };
    let built = env.arena_mut().mk_apps(mk, &[a, fa]);
    let second = env.arena_mut().mk_proj(n("Pair"), 1, built);
    let mut tc = env.checker(&[]);
    assert_eq!(tc.whnf(second).unwrap(), fa);
}

fn add_nat(env: &mut Env) {
    let t = type0(env);
    let nat = cnst(env, "Nat");
    let succ = pi(env, "n", BinderInfo::Default, nat, nat);
    env.add(ind(
        &[],
        0,
        "Nat",
        t,
        vec![("Nat.zero", nat), ("Nat.succ", succ)],
    ))
    .unwrap();
}

#[test]
fn nat_literals_are_successors() {
    let mut env = Env::new();
    add_nat(&mut env);
    let five = env.arena_mut().mk_nat(5u32.into());
    let four = env.arena_mut().mk_nat(4u32.into());
    let succ = cnst(&mut env, "Nat.succ");
    let s4 = env.arena_mut().mk_app(succ, four);
    let zero_lit = env.arena_mut().mk_nat(0u32.into());
    let zero = cnst(&mut env, "Nat.zero");
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(five, s4).unwrap());
    assert!(tc.is_def_eq(zero_lit, zero).unwrap());
    assert!(!tc.is_def_eq(four, s4).unwrap());
    assert_eq!(tc.whnf(s4).unwrap(), five);
    // Nat.rec on a literal: rec (motive := fun _ => Nat) 0 (fun _ ih => succ ih) 3 ≡ 3
    drop(tc);
    let nat = cnst(&mut env, "Nat");
    let one = Level::one();
    let rec = cnst_l(&mut env, "Nat.rec", &[one]);
    let motive = env
        .arena_mut()
        .mk_lam(n("x"), BinderInfo::Default, nat, nat);
    let b0 = env.arena_mut().mk_bvar(0);
    let step_body = env.arena_mut().mk_app(succ, b0);
    let step_inner = env
        .arena_mut()
        .mk_lam(n("ih"), BinderInfo::Default, nat, step_body);
    let step = env
        .arena_mut()
        .mk_lam(n("k"), BinderInfo::Default, nat, step_inner);
    let three = env.arena_mut().mk_nat(3u32.into());
    let app = env.arena_mut().mk_apps(rec, &[motive, zero, step, three]);
    def(&mut env, "three", nat, app).unwrap();
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(app, three).unwrap());
}

#[test]
fn a_billion_reduction_steps_are_declined_not_run() {
    let mut env = Env::new();
    add_nat(&mut env);
    let nat = cnst(&mut env, "Nat");
    let ty1 = type0(&mut env);
    let two = Level::succ(&Level::one());
    let rec = cnst_l(&mut env, "Nat.rec", &[two]);
    // Nat.rec (motive := fun _ => Type) Nat (fun _ ih => ih) 1000000000 : Type
    let motive = env
        .arena_mut()
        .mk_lam(n("x"), BinderInfo::Default, nat, ty1);
    let b0 = env.arena_mut().mk_bvar(0);
    let step_inner = env
        .arena_mut()
        .mk_lam(n("ih"), BinderInfo::Default, ty1, b0);
    let step = env
        .arena_mut()
        .mk_lam(n("k"), BinderInfo::Default, nat, step_inner);
    let big = env.arena_mut().mk_nat(1_000_000_000u64.into());
    let ty = env.arena_mut().mk_apps(rec, &[motive, nat, step, big]);
    let zero = cnst(&mut env, "Nat.zero");
    let err = def(&mut env, "slow", ty, zero).unwrap_err();
    assert!(err.is_decline(), "{err}");
}
