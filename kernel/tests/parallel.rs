//! Parallel batches give the same verdicts as adding one by one, and a
//! verdict does not depend on how terms were hash-consed or which thread
//! checked them.
mod common;
use common::*;
use proofmill_kernel::*;
use proptest::prelude::*;

/// `d0 : A := a`, `dᵢ : A := f dᵢ₋₁` (and, if `bad` is `Some(k)`, `d_k := f`).
fn chain(env: &mut Env, count: usize, bad: Option<usize>) -> Vec<Declaration> {
    let a_ty = cnst(env, "A");
    let f = cnst(env, "f");
    let mut out = Vec::new();
    for i in 0..count {
        let value = if Some(i) == bad {
            f
        } else if i == 0 {
            cnst(env, "a")
        } else {
            let prev = cnst(env, &format!("d{}", i - 1));
            env.arena_mut().mk_app(f, prev)
        };
        out.push(Declaration::Definition {
            name: n(&format!("d{i}")),
            level_params: vec![],
            ty: a_ty,
            value,
            hints: ReducibilityHints::Regular(i as u32 + 1),
            safety: DefinitionSafety::Safe,
        });
    }
    out
}

#[test]
fn a_batch_checked_on_four_threads_matches_one_by_one() {
    for threads in [1, 4] {
        let mut env = base_env();
        let decls = chain(&mut env, 300, None);
        env.add_batch(decls, threads).unwrap();
        assert!(env.contains(&n("d299")));
        // d299 unfolds to f (f … a)
        let d = cnst(&mut env, "d299");
        let mut tc = env.checker(&[]);
        let w = tc.whnf(d).unwrap();
        assert_ne!(w, d);
    }
}

#[test]
fn a_failing_batch_reports_the_first_failure_and_leaves_nothing() {
    for threads in [1, 2, 4] {
        let mut env = base_env();
        let before = env.len();
        let decls = chain(&mut env, 200, Some(120));
        let err = env.add_batch(decls, threads).unwrap_err();
        assert_eq!(err.index, 120, "threads = {threads}");
        assert!(matches!(err.error, KernelError::DeclTypeMismatch { .. }));
        assert_eq!(env.len(), before);
    }
}

#[test]
fn a_declaration_cannot_use_a_later_one_of_its_batch() {
    let mut env = base_env();
    let a_ty = cnst(&mut env, "A");
    let later = cnst(&mut env, "later");
    let ac = cnst(&mut env, "a");
    let decls = vec![
        Declaration::Definition {
            name: n("early"),
            level_params: vec![],
            ty: a_ty,
            value: later,
            hints: ReducibilityHints::Regular(1),
            safety: DefinitionSafety::Safe,
        },
        Declaration::Definition {
            name: n("later"),
            level_params: vec![],
            ty: a_ty,
            value: ac,
            hints: ReducibilityHints::Regular(1),
            safety: DefinitionSafety::Safe,
        },
    ];
    let err = env.add_batch(decls, 2).unwrap_err();
    assert_eq!(err.index, 0);
    assert_eq!(err.error, KernelError::UnknownConstant(n("later")));
}

/// Small terms over `A`, `a`, `f`, `g : A → A → A` with bound variables.
#[derive(Clone, Debug)]
enum T {
    A,
    F(Box<T>),
    G(Box<T>, Box<T>),
    Lam(Box<T>),
    Var(u32),
    App(Box<T>, Box<T>),
}

fn arb_term() -> impl Strategy<Value = T> {
    let leaf = prop_oneof![Just(T::A), (0u32..2).prop_map(T::Var)];
    leaf.prop_recursive(5, 30, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| T::F(Box::new(t))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| T::G(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|t| T::Lam(Box::new(t))),
            (inner.clone(), inner).prop_map(|(a, b)| T::App(Box::new(a), Box::new(b))),
        ]
    })
}

fn build(env: &mut Env, t: &T) -> ExprId {
    match t {
        T::A => cnst(env, "a"),
        T::Var(i) => env.arena_mut().mk_bvar(*i),
        T::F(x) => {
            let f = cnst(env, "f");
            let x = build(env, x);
            env.arena_mut().mk_app(f, x)
        }
        T::G(x, y) => {
            let g = cnst(env, "g");
            let x = build(env, x);
            let y = build(env, y);
            env.arena_mut().mk_apps(g, &[x, y])
        }
        T::Lam(b) => {
            let a = cnst(env, "A");
            let b = build(env, b);
            env.arena_mut().mk_lam(n("x"), BinderInfo::Default, a, b)
        }
        T::App(x, y) => {
            let x = build(env, x);
            let y = build(env, y);
            env.arena_mut().mk_app(x, y)
        }
    }
}

fn env_with_g(junk: usize) -> Env {
    let mut env = Env::new();
    // Unrelated nodes first, so every later id differs between runs.
    for i in 0..junk {
        env.arena_mut().mk_nat((i as u64).into());
    }
    let t = type0(&mut env);
    axiom(&mut env, "A", t).unwrap();
    let a = cnst(&mut env, "A");
    axiom(&mut env, "a", a).unwrap();
    let aa = arrow(&mut env, a, a);
    axiom(&mut env, "f", aa).unwrap();
    let aaa = arrow(&mut env, a, aa);
    axiom(&mut env, "g", aaa).unwrap();
    env
}

fn verdict(junk: usize, threads: usize, t: &T) -> Result<(), String> {
    let mut env = env_with_g(junk);
    let value = build(&mut env, t);
    let ty = cnst(&mut env, "A");
    let d = Declaration::Definition {
        name: n("t"),
        level_params: vec![],
        ty,
        value,
        hints: ReducibilityHints::Abbrev,
        safety: DefinitionSafety::Safe,
    };
    env.add_batch(vec![d], threads)
        .map_err(|e| e.error.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn verdict_is_independent_of_hash_consing_and_thread(t in arb_term()) {
        let base = verdict(0, 1, &t);
        prop_assert_eq!(&base, &verdict(37, 1, &t));
        prop_assert_eq!(&base, &verdict(5, 2, &t));
    }
}
