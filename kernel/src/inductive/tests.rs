//! Tests for inductive declarations: accepted blocks (with their generated
//! recursors compared against Lean's), and one rejection per failure class.

use crate::declaration::{ConstantKind, Constructor, Declaration, InductiveDecl, InductiveType};
use crate::env::Env;
use crate::error::{InductiveFailure, KernelError};
use crate::expr::{alpha_eq, BinderInfo, ExprId, ExprStore};
use crate::level::Level;
use crate::name::Name;
use std::sync::Arc;

fn n(s: &str) -> Name {
    Name::from_dotted(s)
}

/// A small term builder over the environment's arena (de Bruijn indices by hand).
struct B<'a>(&'a mut Env);

impl B<'_> {
    fn c(&mut self, s: &str) -> ExprId {
        self.0.arena_mut().mk_const(n(s), Arc::from(Vec::new()))
    }
    fn cl(&mut self, s: &str, ls: &[Level]) -> ExprId {
        self.0.arena_mut().mk_const(n(s), Arc::from(ls.to_vec()))
    }
    fn v(&mut self, i: u32) -> ExprId {
        self.0.arena_mut().mk_bvar(i)
    }
    fn sort(&mut self, l: Level) -> ExprId {
        self.0.arena_mut().mk_sort(l)
    }
    fn app(&mut self, f: ExprId, args: &[ExprId]) -> ExprId {
        self.0.arena_mut().mk_apps(f, args)
    }
    fn pi(&mut self, x: &str, ty: ExprId, body: ExprId) -> ExprId {
        self.0
            .arena_mut()
            .mk_pi(n(x), BinderInfo::Default, ty, body)
    }
    fn lam(&mut self, x: &str, ty: ExprId, body: ExprId) -> ExprId {
        self.0
            .arena_mut()
            .mk_lam(n(x), BinderInfo::Default, ty, body)
    }
}

fn u() -> Level {
    Level::param(&n("u"))
}

/// A type of a block: its name, its type, its constructors' names and types.
type TypeSpec<'a> = (&'a str, ExprId, Vec<(&'a str, ExprId)>);

fn ind(level_params: &[&str], num_params: u32, types: Vec<TypeSpec<'_>>) -> Declaration {
    Declaration::Inductive(InductiveDecl {
        level_params: level_params.iter().map(|s| n(s)).collect(),
        num_params,
        types: types
            .into_iter()
            .map(|(name, ty, ctors)| InductiveType {
                name: n(name),
                ty,
                ctors: ctors
                    .into_iter()
                    .map(|(c, ty)| Constructor { name: n(c), ty })
                    .collect(),
            })
            .collect(),
        is_unsafe: false,
    })
}

fn add_nat(env: &mut Env) {
    let mut b = B(env);
    let ty = b.sort(Level::one());
    let nat = b.c("Nat");
    let succ = b.pi("n", nat, nat);
    env.add(ind(
        &[],
        0,
        vec![("Nat", ty, vec![("Nat.zero", nat), ("Nat.succ", succ)])],
    ))
    .unwrap();
}

/// `List.{u} (α : Type u) : Type u`
fn add_list(env: &mut Env) {
    let mut b = B(env);
    let tu = b.sort(Level::succ(&u()));
    let list_ty = b.pi("α", tu, tu);
    let list = b.cl("List", &[u()]);
    let v0 = b.v(0);
    let list_a = b.app(list, &[v0]);
    let nil = b.pi("α", tu, list_a);
    // Π α, Π (head : α), Π (tail : List α), List α
    let v1 = b.v(1);
    let v2 = b.v(2);
    let list_v1 = b.app(list, &[v1]);
    let list_v2 = b.app(list, &[v2]);
    let inner = b.pi("tail", list_v1, list_v2);
    let inner = b.pi("head", v0, inner);
    let cons = b.pi("α", tu, inner);
    env.add(ind(
        &["u"],
        1,
        vec![(
            "List",
            list_ty,
            vec![("List.nil", nil), ("List.cons", cons)],
        )],
    ))
    .unwrap();
}

fn rec_info(env: &Env, name: &str) -> (Arc<[Name]>, ExprId, ConstantKind) {
    let info = env
        .get(&n(name))
        .unwrap_or_else(|| panic!("{name} missing"));
    (info.level_params.clone(), info.ty, info.kind.clone())
}

#[test]
fn nat_recursor_is_leans() {
    let mut env = Env::new();
    add_nat(&mut env);
    let (lps, ty, kind) = rec_info(&env, "Nat.rec");
    assert_eq!(&*lps, &[n("u")]);
    let mut b = B(&mut env);
    // Π (motive : Nat → Sort u) (zero : motive Nat.zero)
    //   (succ : Π (n : Nat), motive n → motive (Nat.succ n)) (t : Nat), motive t
    let nat = b.c("Nat");
    let zero = b.c("Nat.zero");
    let succ = b.c("Nat.succ");
    let su = b.sort(u());
    let motive_ty = b.pi("t", nat, su);
    let v0 = b.v(0);
    let zero_ty = b.app(v0, &[zero]);
    let (v1, v2, v3) = (b.v(1), b.v(2), b.v(3));
    let m_n = b.app(v2, &[v0]);
    let succ_n = b.app(succ, &[v1]);
    let m_succ = b.app(v3, &[succ_n]);
    let ih = b.pi("n_ih", m_n, m_succ);
    let succ_ty = b.pi("n", nat, ih);
    let m_t = b.app(v3, &[v0]);
    let major = b.pi("t", nat, m_t);
    let t = b.pi("succ", succ_ty, major);
    let t = b.pi("zero", zero_ty, t);
    let expected = b.pi("motive", motive_ty, t);
    assert!(
        alpha_eq(env.arena(), ty, env.arena(), expected),
        "Nat.rec type differs"
    );

    let ConstantKind::Recursor {
        rules,
        k,
        num_params,
        num_indices,
        num_motives,
        num_minors,
        major_induct,
        all,
    } = kind
    else {
        panic!("not a recursor")
    };
    assert!(!k);
    assert_eq!(
        (num_params, num_indices, num_motives, num_minors),
        (0, 0, 1, 2)
    );
    assert_eq!(major_induct, n("Nat"));
    assert_eq!(&*all, &[n("Nat")]);
    assert_eq!(rules.len(), 2);
    assert_eq!(
        (rules[0].ctor.clone(), rules[0].num_fields),
        (n("Nat.zero"), 0)
    );
    assert_eq!(
        (rules[1].ctor.clone(), rules[1].num_fields),
        (n("Nat.succ"), 1)
    );
    let mut b = B(&mut env);
    // zero: λ motive zero succ, zero
    let v1 = b.v(1);
    let r0 = b.lam("succ", succ_ty, v1);
    let r0 = b.lam("zero", zero_ty, r0);
    let r0 = b.lam("motive", motive_ty, r0);
    assert!(
        alpha_eq(env.arena(), rules[0].rhs, env.arena(), r0),
        "Nat.zero rule differs"
    );
    // succ: λ motive zero succ n, succ n (Nat.rec.{u} motive zero succ n)
    let mut b = B(&mut env);
    let rec = b.cl("Nat.rec", &[u()]);
    let (v0, v1, v2, v3) = (b.v(0), b.v(1), b.v(2), b.v(3));
    let ih = b.app(rec, &[v3, v2, v1, v0]);
    let body = b.app(v1, &[v0, ih]);
    let r1 = b.lam("n", nat, body);
    let r1 = b.lam("succ", succ_ty, r1);
    let r1 = b.lam("zero", zero_ty, r1);
    let r1 = b.lam("motive", motive_ty, r1);
    assert!(
        alpha_eq(env.arena(), rules[1].rhs, env.arena(), r1),
        "Nat.succ rule differs"
    );

    match &env.get(&n("Nat")).unwrap().kind {
        ConstantKind::Inductive {
            is_rec,
            is_reflexive,
            num_nested,
            ctors,
            ..
        } => {
            assert!(*is_rec && !*is_reflexive);
            assert_eq!(*num_nested, 0);
            assert_eq!(&**ctors, &[n("Nat.zero"), n("Nat.succ")]);
        }
        _ => panic!("Nat is not an inductive"),
    }
    match &env.get(&n("Nat.succ")).unwrap().kind {
        ConstantKind::Constructor {
            induct,
            cidx,
            num_params,
            num_fields,
        } => assert_eq!(
            (induct.clone(), *cidx, *num_params, *num_fields),
            (n("Nat"), 1, 0, 1)
        ),
        _ => panic!("Nat.succ is not a constructor"),
    }
    assert_eq!(
        env.names(),
        &[n("Nat"), n("Nat.zero"), n("Nat.succ"), n("Nat.rec")],
        "Lean's order of constants"
    );
}

#[test]
fn nat_rec_computes() {
    let mut env = Env::new();
    add_nat(&mut env);
    // double := Nat.rec.{1} (fun _ => Nat) zero (fun _ ih => succ (succ ih))
    let mut b = B(&mut env);
    let nat = b.c("Nat");
    let zero = b.c("Nat.zero");
    let succ = b.c("Nat.succ");
    let rec = b.cl("Nat.rec", &[Level::one()]);
    let motive = b.lam("_", nat, nat);
    let v0 = b.v(0);
    let s1 = b.app(succ, &[v0]);
    let s2 = b.app(succ, &[s1]);
    let step = b.lam("ih", nat, s2);
    let step = b.lam("n", nat, step);
    let double = b.app(rec, &[motive, zero, step]);
    let one = b.app(succ, &[zero]);
    let two = b.app(succ, &[one]);
    let double_one = b.app(double, &[one]);
    let mut tc = env.checker(&[]);
    assert!(tc.is_def_eq(double_one, two).unwrap());
    assert!(!tc.is_def_eq(double_one, one).unwrap());
}

#[test]
fn list_recursor_levels_and_shape() {
    let mut env = Env::new();
    add_list(&mut env);
    let (lps, _, kind) = rec_info(&env, "List.rec");
    assert_eq!(&*lps, &[n("u_1"), n("u")], "motive universe is u_1, first");
    let ConstantKind::Recursor {
        num_params,
        num_minors,
        rules,
        ..
    } = kind
    else {
        panic!()
    };
    assert_eq!((num_params, num_minors), (1, 2));
    assert_eq!(rules[1].num_fields, 2);
    let mut tc = env.checker(&[n("u_1"), n("u")]);
    tc.check_type(env.get(&n("List.rec")).unwrap().ty).unwrap();
    for r in rules.iter() {
        tc.infer(r.rhs).unwrap();
    }
}

/// `Eq.{u} {α : Sort u} (a : α) : α → Prop`, `Eq.refl : Eq a a`.
fn add_eq(env: &mut Env) {
    let mut b = B(env);
    let su = b.sort(u());
    let prop = b.sort(Level::zero());
    let (v0, v1) = (b.v(0), b.v(1));
    let eq_ty = b.pi("x", v1, prop);
    let eq_ty = b.pi("a", v0, eq_ty);
    let eq_ty = b.pi("α", su, eq_ty);
    let eq = b.cl("Eq", &[u()]);
    let refl = b.app(eq, &[v1, v0, v0]);
    let refl = b.pi("a", v0, refl);
    let refl = b.pi("α", su, refl);
    env.add(ind(&["u"], 2, vec![("Eq", eq_ty, vec![("Eq.refl", refl)])]))
        .unwrap();
}

#[test]
fn eq_is_k_and_large() {
    let mut env = Env::new();
    add_eq(&mut env);
    let (lps, ty, kind) = rec_info(&env, "Eq.rec");
    assert_eq!(&*lps, &[n("u_1"), n("u")]);
    let ConstantKind::Recursor {
        k,
        num_indices,
        num_params,
        ..
    } = kind
    else {
        panic!()
    };
    assert!(k);
    assert_eq!((num_params, num_indices), (2, 1));
    // Π {α} {a} {motive : Π (x : α), Eq a x → Sort u_1} (refl : motive a (Eq.refl a)) {x} (t : Eq a x), motive x t
    let mut b = B(&mut env);
    let su = b.sort(u());
    let su1 = b.sort(Level::param(&n("u_1")));
    let eq = b.cl("Eq", &[u()]);
    let refl = b.cl("Eq.refl", &[u()]);
    let (v0, v1, v2, v3, v4) = (b.v(0), b.v(1), b.v(2), b.v(3), b.v(4));
    // motive type, under α a: Π (x : #1), Π (t : Eq #2 #1 #0), Sort u_1
    let eq_ax = b.app(eq, &[v2, v1, v0]);
    let mt = b.pi("t", eq_ax, su1);
    let mt = b.pi("x", v1, mt);
    // refl type, under α a motive: motive a (Eq.refl α a) = #0 #1 (Eq.refl #2 #1)
    let rfl = b.app(refl, &[v2, v1]);
    let refl_ty = b.app(v0, &[v1, rfl]);
    // under α a motive refl: Π (x : #3), Π (t : Eq #4 #3 #0), #3 #1 #0
    let eq_t = b.app(eq, &[v4, v3, v0]);
    let res = b.app(v3, &[v1, v0]);
    let major = b.pi("t", eq_t, res);
    let idx = b.pi("x", v3, major);
    let t = b.pi("refl", refl_ty, idx);
    let t = b.pi("motive", mt, t);
    let t = b.pi("a", v0, t);
    let expected = b.pi("α", su, t);
    assert!(
        alpha_eq(env.arena(), ty, env.arena(), expected),
        "Eq.rec type differs"
    );
}

#[test]
fn mutual_even_odd_in_prop_eliminates_into_prop_only() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let nat = b.c("Nat");
    let zero = b.c("Nat.zero");
    let succ = b.c("Nat.succ");
    let prop = b.sort(Level::zero());
    let pred = b.pi("n", nat, prop);
    let even = b.c("Even");
    let odd = b.c("Odd");
    let even_zero = b.app(even, &[zero]);
    let (v0, v1) = (b.v(0), b.v(1));
    let succ1 = b.app(succ, &[v1]);
    let even_s = b.app(even, &[succ1]);
    let odd_s = b.app(odd, &[succ1]);
    let odd0 = b.app(odd, &[v0]);
    let even0 = b.app(even, &[v0]);
    let es = b.pi("h", odd0, even_s);
    let es = b.pi("n", nat, es);
    let os = b.pi("h", even0, odd_s);
    let os = b.pi("n", nat, os);
    env.add(ind(
        &[],
        0,
        vec![
            (
                "Even",
                pred,
                vec![("Even.zero", even_zero), ("Even.succ", es)],
            ),
            ("Odd", pred, vec![("Odd.succ", os)]),
        ],
    ))
    .unwrap();
    for r in ["Even.rec", "Odd.rec"] {
        let (lps, ty, kind) = rec_info(&env, r);
        assert!(lps.is_empty(), "{r} eliminates into Prop only");
        let ConstantKind::Recursor {
            num_motives,
            num_minors,
            num_indices,
            k,
            ..
        } = kind
        else {
            panic!()
        };
        assert_eq!((num_motives, num_minors, num_indices, k), (2, 3, 1, false));
        env.checker(&[]).check_type(ty).unwrap();
    }
}

/// `Tree := node : List Tree → Tree`, nested in `List`.
#[test]
fn nested_rose_tree() {
    let mut env = Env::new();
    add_list(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let tree = b.c("Tree");
    let list0 = b.cl("List", &[Level::zero()]);
    let list_tree = b.app(list0, &[tree]);
    let node = b.pi("children", list_tree, tree);
    env.add(ind(&[], 0, vec![("Tree", ty, vec![("Tree.node", node)])]))
        .unwrap();
    assert_eq!(
        env.names().iter().skip(4).cloned().collect::<Vec<_>>(),
        vec![n("Tree"), n("Tree.node"), n("Tree.rec"), n("Tree.rec_1")]
    );
    match &env.get(&n("Tree")).unwrap().kind {
        ConstantKind::Inductive {
            num_nested,
            is_rec,
            all,
            ..
        } => {
            assert_eq!(*num_nested, 1);
            assert!(*is_rec);
            assert_eq!(&**all, &[n("Tree")]);
        }
        _ => panic!(),
    }
    // The constructor's type is restored to the submitted one.
    assert_eq!(env.get(&n("Tree.node")).unwrap().ty, node);
    let (lps, ty1, kind) = rec_info(&env, "Tree.rec_1");
    assert_eq!(&*lps, &[n("u")]);
    let ConstantKind::Recursor {
        rules,
        major_induct,
        num_motives,
        num_minors,
        all,
        ..
    } = kind
    else {
        panic!()
    };
    assert_eq!(major_induct, n("List"));
    assert_eq!((num_motives, num_minors), (2, 3));
    assert_eq!(&*all, &[n("Tree")]);
    let ctors: Vec<Name> = rules.iter().map(|r| r.ctor.clone()).collect();
    assert_eq!(ctors, vec![n("List.nil"), n("List.cons")]);
    // No auxiliary name survives.
    let shown = crate::pretty::expr_to_string(env.arena(), ty1, &|_| None);
    assert!(!shown.contains("_nested"), "{shown}");
    for r in rules.iter() {
        let s = crate::pretty::expr_to_string(env.arena(), r.rhs, &|_| None);
        assert!(!s.contains("_nested"), "{s}");
    }
    // Tree.rec's rule for node calls Tree.rec_1 on the children.
    let (_, _, kind) = rec_info(&env, "Tree.rec");
    let ConstantKind::Recursor { rules, .. } = kind else {
        panic!()
    };
    let s = crate::pretty::expr_to_string(env.arena(), rules[0].rhs, &|_| None);
    assert!(s.contains("Tree.rec_1"), "{s}");
}

/// `Pair (α β : Type) : Type`, `mk : α → β → Pair α β`.
#[test]
fn structure_pair() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let pair_ty = b.pi("β", ty, ty);
    let pair_ty = b.pi("α", ty, pair_ty);
    let pair = b.c("Pair");
    let (v1, v2, v3) = (b.v(1), b.v(2), b.v(3));
    let res = b.app(pair, &[v3, v2]);
    let mk = b.pi("snd", v1, res);
    let mk = b.pi("fst", v1, mk);
    let mk = b.pi("β", ty, mk);
    let mk = b.pi("α", ty, mk);
    env.add(ind(&[], 2, vec![("Pair", pair_ty, vec![("Pair.mk", mk)])]))
        .unwrap();
    let (lps, ty, kind) = rec_info(&env, "Pair.rec");
    assert_eq!(&*lps, &[n("u")]);
    let ConstantKind::Recursor { rules, k, .. } = kind else {
        panic!()
    };
    assert!(!k);
    assert_eq!(rules[0].num_fields, 2);
    let mut tc = env.checker(&[n("u")]);
    tc.check_type(ty).unwrap();
    tc.infer(rules[0].rhs).unwrap();
}

/// `Foo : Type`, `mk : (Nat → Foo) → Foo`.
#[test]
fn reflexive_type() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let nat = b.c("Nat");
    let foo = b.c("Foo");
    let f = b.pi("n", nat, foo);
    let mk = b.pi("f", f, foo);
    env.add(ind(&[], 0, vec![("Foo", ty, vec![("Foo.mk", mk)])]))
        .unwrap();
    match &env.get(&n("Foo")).unwrap().kind {
        ConstantKind::Inductive {
            is_reflexive,
            is_rec,
            ..
        } => assert!(*is_reflexive && *is_rec),
        _ => panic!(),
    }
    let (_, ty, kind) = rec_info(&env, "Foo.rec");
    let ConstantKind::Recursor { rules, .. } = kind else {
        panic!()
    };
    let mut tc = env.checker(&[n("u")]);
    tc.check_type(ty).unwrap();
    tc.infer(rules[0].rhs).unwrap();
}

// ----- rejections ------------------------------------------------------------

fn expect_failure(env: &mut Env, d: Declaration, pred: impl Fn(&KernelError) -> bool) {
    let before = env.len();
    let r = env.add(d);
    match r {
        Err(e) => assert!(pred(&e), "unexpected error {e:?}"),
        Ok(()) => panic!("accepted"),
    }
    assert_eq!(env.len(), before, "a refused block leaves nothing behind");
}

fn failure(e: &KernelError) -> Option<&InductiveFailure> {
    match e {
        KernelError::Inductive { failure, .. } => Some(failure),
        _ => None,
    }
}

#[test]
fn rejects_non_positive() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let bad = b.c("Bad");
    let nat = b.c("Nat");
    let f = b.pi("x", bad, nat);
    let mk = b.pi("f", f, bad);
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("Bad", ty, vec![("Bad.mk", mk)])]),
        |e| matches!(failure(e), Some(InductiveFailure::NonPositive { .. })),
    );
}

#[test]
fn rejects_wrong_constructor_params() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let prop = b.sort(Level::zero());
    let t_ty = b.pi("α", ty, ty);
    let t = b.c("T");
    let v0 = b.v(0);
    // mk : Prop — no parameters at all
    expect_failure(
        &mut env,
        ind(&[], 1, vec![("T", t_ty, vec![("T.mk", prop)])]),
        |e| {
            matches!(
                failure(e),
                Some(InductiveFailure::WrongConstructorParams { .. })
            )
        },
    );
    // mk : Π (α : Prop), T α — the parameter's type differs (so `T α` is ill-typed too)
    let res = b_app(&mut env, t, v0);
    let mk = env
        .arena_mut()
        .mk_pi(n("α"), BinderInfo::Default, prop, res);
    expect_failure(
        &mut env,
        ind(&[], 1, vec![("T", t_ty, vec![("T.mk", mk)])]),
        |e| {
            matches!(
                failure(e),
                Some(InductiveFailure::WrongConstructorParams { .. })
            ) || matches!(e, KernelError::AppTypeMismatch { .. })
        },
    );
}

fn b_app(env: &mut Env, f: ExprId, a: ExprId) -> ExprId {
    env.arena_mut().mk_app(f, a)
}

#[test]
fn rejects_field_universe_too_high() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let t = b.c("T");
    // mk : Type → T, with T : Type
    let mk = b.pi("α", ty, t);
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", ty, vec![("T.mk", mk)])]),
        |e| {
            matches!(
                failure(e),
                Some(InductiveFailure::FieldUniverseTooHigh { .. })
            )
        },
    );
}

#[test]
fn rejects_occurrence_in_index() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let prop = b.sort(Level::zero());
    // T : Prop → Prop, mk : T (T ⊤') → T ⊤'  with ⊤' := Π p : Prop, p
    let t_ty = b.pi("p", prop, prop);
    let t = b.c("T");
    let v0 = b.v(0);
    let top = b.pi("p", prop, v0);
    let t_top = b.app(t, &[top]);
    let t_t_top = b.app(t, &[t_top]);
    let mk = b.pi("h", t_t_top, t_top);
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", t_ty, vec![("T.mk", mk)])]),
        |e| matches!(failure(e), Some(InductiveFailure::InvalidOccurrence { .. })),
    );
    // ... and in the constructor's result.
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", t_ty, vec![("T.mk", t_t_top)])]),
        |e| {
            matches!(
                failure(e),
                Some(InductiveFailure::WrongConstructorResult { .. })
            )
        },
    );
}

#[test]
fn rejects_wrong_result_type() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let nat = b.c("Nat");
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", ty, vec![("T.mk", nat)])]),
        |e| {
            matches!(
                failure(e),
                Some(InductiveFailure::WrongConstructorResult { .. })
            )
        },
    );
}

#[test]
fn rejects_duplicate_names() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let t = b.c("T");
    expect_failure(&mut env, ind(&[], 0, vec![("Nat", ty, vec![])]), |e| {
        matches!(e, KernelError::AlreadyDeclared(_))
    });
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", ty, vec![("T.mk", t), ("T.mk", t)])]),
        |e| matches!(e, KernelError::AlreadyDeclared(_)),
    );
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", ty, vec![("T.rec", t)])]),
        |e| matches!(e, KernelError::AlreadyDeclared(_)),
    );
}

/// `MyBool.{u} : Sort u` with two constructors may be a proposition, so its
/// recursor eliminates into `Prop` only.
#[test]
fn large_elim_param_is_not_surely_nonzero() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let su = b.sort(u());
    let mb = b.cl("MyBool", &[u()]);
    env.add(ind(
        &["u"],
        0,
        vec![("MyBool", su, vec![("MyBool.tt", mb), ("MyBool.ff", mb)])],
    ))
    .unwrap();
    let (lps, _, _) = rec_info(&env, "MyBool.rec");
    assert_eq!(&*lps, &[n("u")], "no motive universe");
}

#[test]
fn rejects_non_uniform_occurrence() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let t_ty = b.pi("α", ty, ty);
    let t = b.c("T");
    // mk : Π α, T (T α) → T α : the field's occurrence has a non-parameter argument.
    let v0 = b.v(0);
    let v1 = b.v(1);
    let ta = b.app(t, &[v0]);
    let tta = b.app(t, &[ta]);
    let ta1 = b.app(t, &[v1]);
    let mk = b.pi("x", tta, ta1);
    let mk = b.pi("α", ty, mk);
    expect_failure(
        &mut env,
        ind(&[], 1, vec![("T", t_ty, vec![("T.mk", mk)])]),
        |e| matches!(failure(e), Some(InductiveFailure::InvalidOccurrence { .. })),
    );
}

#[test]
fn rejects_reserved_nested_names() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let t = b.c("T");
    let aux = b.c("_nested.List_1");
    let mk = b.pi("x", aux, t);
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("T", ty, vec![("T.mk", mk)])]),
        |e| matches!(failure(e), Some(InductiveFailure::BadNesting(_))),
    );
}

#[test]
fn rejects_non_sort_type() {
    let mut env = Env::new();
    add_nat(&mut env);
    let mut b = B(&mut env);
    let nat = b.c("Nat");
    let t = b.pi("n", nat, nat);
    expect_failure(&mut env, ind(&[], 0, vec![("T", t, vec![])]), |e| {
        matches!(failure(e), Some(InductiveFailure::NotASortTelescope))
    });
}

fn add_bool(env: &mut Env) {
    let mut b = B(env);
    let ty = b.sort(Level::one());
    let bool_ = b.c("Bool");
    env.add(ind(
        &[],
        0,
        vec![(
            "Bool",
            ty,
            vec![("Bool.false", bool_), ("Bool.true", bool_)],
        )],
    ))
    .unwrap();
}

/// The parameters of a nested occurrence are dropped from the auxiliary
/// type, so they must be type-checked on their own (Lean 4 #14576).
#[test]
fn rejects_ill_typed_dropped_nested_parameter() {
    let mut env = Env::new();
    add_bool(&mut env);
    let mut b = B(&mut env);
    // L (α : Type) (b : Bool) : Type, L.mk : L α b
    let ty = b.sort(Level::one());
    let bool_ = b.c("Bool");
    let l_ty = b.pi("b", bool_, ty);
    let l_ty = b.pi("α", ty, l_ty);
    let l = b.c("L");
    let (v0, v1) = (b.v(0), b.v(1));
    let l_ab = b.app(l, &[v1, v0]);
    let mk = b.pi("b", bool_, l_ab);
    let mk = b.pi("α", ty, mk);
    env.add(ind(&[], 2, vec![("L", l_ty, vec![("L.mk", mk)])]))
        .unwrap();
    // E.mk : L E (Bool.true Bool.true) → E
    let mut b = B(&mut env);
    let e = b.c("E");
    let tt = b.c("Bool.true");
    let bad = b.app(tt, &[tt]);
    let l_e = b.app(l, &[e, bad]);
    let e_mk = b.pi("l", l_e, e);
    expect_failure(
        &mut env,
        ind(&[], 0, vec![("E", ty, vec![("E.mk", e_mk)])]),
        |e| matches!(e, KernelError::FunctionExpected { .. }),
    );
    // The same with a well-typed parameter is accepted.
    let mut b = B(&mut env);
    let l_e = b.app(l, &[e, tt]);
    let e_mk = b.pi("l", l_e, e);
    env.add(ind(&[], 0, vec![("E", ty, vec![("E.mk", e_mk)])]))
        .unwrap();
    let (_, _, kind) = rec_info(&env, "E.rec_1");
    let ConstantKind::Recursor { rules, .. } = kind else {
        panic!()
    };
    assert_eq!(rules[0].ctor, n("L.mk"));
}

#[test]
fn rejects_more_parameters_than_binders() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    expect_failure(&mut env, ind(&[], u32::MAX, vec![("T", ty, vec![])]), |e| {
        matches!(failure(e), Some(InductiveFailure::MalformedBlock(_)))
    });
}

/// `List (List Tree)`: nesting inside nesting gives two auxiliary types.
#[test]
fn doubly_nested() {
    let mut env = Env::new();
    add_list(&mut env);
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let tree = b.c("Tree");
    let list0 = b.cl("List", &[Level::zero()]);
    let lt = b.app(list0, &[tree]);
    let llt = b.app(list0, &[lt]);
    let node = b.pi("children", llt, tree);
    env.add(ind(&[], 0, vec![("Tree", ty, vec![("Tree.node", node)])]))
        .unwrap();
    for r in ["Tree.rec", "Tree.rec_1", "Tree.rec_2"] {
        let (lps, ty, kind) = rec_info(&env, r);
        let ConstantKind::Recursor {
            num_motives, rules, ..
        } = kind
        else {
            panic!()
        };
        assert_eq!(num_motives, 3);
        let mut tc = env.checker(&lps);
        tc.check_type(ty).unwrap();
        for rule in rules.iter() {
            tc.infer(rule.rhs).unwrap();
        }
    }
    match &env.get(&n("Tree")).unwrap().kind {
        ConstantKind::Inductive { num_nested, .. } => assert_eq!(*num_nested, 2),
        _ => panic!(),
    }
}

// ----- no panics on arbitrary input ------------------------------------------

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    /// A term shape, built into the arena with `build`.
    #[derive(Clone, Debug)]
    enum T {
        Var(u32),
        Sort(u8),
        Const(u8),
        App(Box<T>, Box<T>),
        Pi(Box<T>, Box<T>),
        Lam(Box<T>, Box<T>),
    }

    const CONSTS: [&str; 9] = [
        "A", "B", "A.mk", "B.mk", "Nat", "Nat.zero", "Nat.succ", "List", "List.nil",
    ];

    fn term() -> impl Strategy<Value = T> {
        let leaf = prop_oneof![
            (0u32..4).prop_map(T::Var),
            (0u8..3).prop_map(T::Sort),
            (0u8..CONSTS.len() as u8).prop_map(T::Const),
        ];
        leaf.prop_recursive(5, 40, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| T::App(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| T::Pi(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| T::Lam(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn build(b: &mut B<'_>, t: &T) -> ExprId {
        match t {
            T::Var(i) => b.v(*i),
            T::Sort(0) => b.sort(Level::zero()),
            T::Sort(1) => b.sort(Level::one()),
            T::Sort(_) => b.sort(u()),
            T::Const(k) => {
                let name = CONSTS[*k as usize];
                if name.starts_with("List") || name.starts_with('A') || name.starts_with('B') {
                    b.cl(name, &[u()])
                } else {
                    b.c(name)
                }
            }
            T::App(f, a) => {
                let (f, a) = (build(b, f), build(b, a));
                b.app(f, &[a])
            }
            T::Pi(d, body) => {
                let (d, body) = (build(b, d), build(b, body));
                b.pi("x", d, body)
            }
            T::Lam(d, body) => {
                let (d, body) = (build(b, d), build(b, body));
                b.lam("x", d, body)
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn add_never_panics(
            np in 0u32..3,
            ta in term(),
            tb in term(),
            ca in proptest::collection::vec(term(), 0..3),
            cb in proptest::collection::vec(term(), 0..2),
            two in any::<bool>(),
        ) {
            let mut env = Env::new();
            add_nat(&mut env);
            add_list(&mut env);
            let mut b = B(&mut env);
            let ta = build(&mut b, &ta);
            let tb = build(&mut b, &tb);
            let ca: Vec<ExprId> = ca.iter().map(|t| build(&mut b, t)).collect();
            let cb: Vec<ExprId> = cb.iter().map(|t| build(&mut b, t)).collect();
            let mut types = vec![("A", ta, ca.iter().map(|&c| ("A.mk", c)).take(1).collect::<Vec<_>>())];
            if two {
                types.push(("B", tb, cb.iter().map(|&c| ("B.mk", c)).take(1).collect()));
            }
            let before = env.len();
            if env.add(ind(&["u"], np, types)).is_err() {
                prop_assert_eq!(env.len(), before);
            }
        }
    }

    /// Field types drawn from meaningful shapes, so that the deeper checks
    /// (positivity, universes, nesting, recursor generation) are reached.
    fn field() -> impl Strategy<Value = T> {
        let c = |k: u8| T::Const(k);
        let app = |f: T, a: T| T::App(Box::new(f), Box::new(a));
        let pi = |d: T, b: T| T::Pi(Box::new(d), Box::new(b));
        let a = c(0);
        let nat = c(4);
        let list = c(7);
        let shapes = vec![
            a.clone(),
            nat.clone(),
            pi(nat.clone(), a.clone()),
            pi(a.clone(), nat.clone()),
            pi(pi(a.clone(), nat.clone()), a.clone()),
            app(list.clone(), a.clone()),
            app(list.clone(), nat.clone()),
            app(list.clone(), app(list.clone(), a.clone())),
            app(list.clone(), pi(nat.clone(), a.clone())),
            pi(nat.clone(), app(list.clone(), a.clone())),
            T::Sort(0),
            T::Sort(1),
            T::Sort(2),
            T::Var(0),
            app(a.clone(), nat.clone()),
        ];
        prop_oneof![
            4 => proptest::sample::select(shapes),
            1 => term(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn fields_never_panic(
            fields in proptest::collection::vec(field(), 0..4),
            sort in 0u8..3,
        ) {
            let mut env = Env::new();
            add_nat(&mut env);
            add_list(&mut env);
            let mut b = B(&mut env);
            let ty = build(&mut b, &T::Sort(sort));
            let a = b.cl("A", &[u()]);
            let mut mk = a;
            for f in fields.iter().rev() {
                let d = build(&mut b, f);
                mk = b.pi("f", d, mk);
            }
            let before = env.len();
            let r = env.add(ind(&["u"], 0, vec![("A", ty, vec![("A.mk", mk)])]));
            match r {
                Ok(()) => {
                    let info = env.get(&n("A.rec")).unwrap().clone();
                    let mut tc = env.checker(&info.level_params);
                    prop_assert!(tc.check_type(info.ty).is_ok());
                    if let ConstantKind::Recursor { rules, .. } = &info.kind {
                        for rule in rules.iter() {
                            prop_assert!(tc.infer(rule.rhs).is_ok());
                        }
                    }
                }
                Err(_) => prop_assert_eq!(env.len(), before),
            }
        }
    }
}

/// `Bar.bar : Foo (idT Bar) → Bar`, where the nested parameter reduces to
/// `Bar` only after unfolding (a case that once made Lean's kernel loop).
#[test]
fn nested_behind_a_definition_terminates() {
    let mut env = Env::new();
    let mut b = B(&mut env);
    let ty = b.sort(Level::one());
    let foo_ty = b.pi("A", ty, ty);
    let foo = b.c("Foo");
    let (v0, v1) = (b.v(0), b.v(1));
    let foo_a = b.app(foo, &[v1]);
    let mk = b.pi("a", v0, foo_a);
    let mk = b.pi("A", ty, mk);
    env.add(ind(&[], 1, vec![("Foo", foo_ty, vec![("Foo.foo", mk)])]))
        .unwrap();
    let mut b = B(&mut env);
    let id_ty = b.pi("x", ty, ty);
    let v0 = b.v(0);
    let id_val = b.lam("x", ty, v0);
    env.add(Declaration::Definition {
        name: n("idT"),
        level_params: vec![],
        ty: id_ty,
        value: id_val,
        hints: crate::declaration::ReducibilityHints::Abbrev,
        safety: crate::declaration::DefinitionSafety::Safe,
    })
    .unwrap();
    let mut b = B(&mut env);
    let bar = b.c("Bar");
    let id = b.c("idT");
    let id_bar = b.app(id, &[bar]);
    let foo_id_bar = b.app(foo, &[id_bar]);
    let mk = b.pi("x", foo_id_bar, bar);
    env.add(ind(&[], 0, vec![("Bar", ty, vec![("Bar.bar", mk)])]))
        .unwrap();
    let (lps, ty, kind) = rec_info(&env, "Bar.rec_1");
    let ConstantKind::Recursor { rules, .. } = kind else {
        panic!()
    };
    let mut tc = env.checker(&lps);
    tc.check_type(ty).unwrap();
    for r in rules.iter() {
        tc.infer(r.rhs).unwrap();
    }
}
