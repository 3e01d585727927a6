//! Properties of the printer and the elaborator:
//! - `parse_term(print_term(t)) == t` for generated surface terms;
//! - printing a checked kernel term and elaborating the text gives back the
//!   same kernel term.

use proofmill_kernel::{alpha_eq, ExprStore, Name};
use proofmill_tactics::notation::{Mixfix, MixfixItem, Notation, NotationTable, MAX_PREC};
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::print::print_term;
use proofmill_tactics::syntax::{
    Arg, Binder, BinderKind, LevelSyn, NotationKind, Pos, Term, TermKind,
};
use proofmill_tactics::theory::Theory;
use proptest::prelude::*;

fn t(kind: TermKind) -> Term {
    Term {
        pos: Pos::default(),
        kind,
    }
}

fn table() -> NotationTable {
    let mut nt = NotationTable::new();
    for (kind, prec, tok, target) in [
        (NotationKind::Infix, 50, "=", "Eq"),
        (NotationKind::Infixl, 65, "+", "HAdd"),
        (NotationKind::Infixl, 70, "*", "HMul"),
        (NotationKind::Infixr, 35, "∧", "And"),
        (NotationKind::Infix, 20, "↔", "Iff"),
        (NotationKind::Prefix, 40, "¬", "Not"),
        (NotationKind::Postfix, 1024, "⁻¹", "Inv"),
    ] {
        nt.add(Notation {
            kind,
            prec,
            token: tok.into(),
            target: target.into(),
        });
    }
    for m in general_notations() {
        nt.add_mixfix(m);
    }
    nt
}

/// General notations: `(notation precedence, items, target, argument order)`,
/// where an item is a quoted token or a variable's precedence.
fn general_notations() -> Vec<Mixfix> {
    enum I {
        T(&'static str),
        V(u32),
    }
    use I::{T, V};
    let specs: Vec<(u32, Vec<I>, &str, Vec<usize>)> = vec![
        // notation:50 a:51 " ≈ " b:51 => Equiv a b
        (50, vec![V(51), T(" ≈ "), V(51)], "Equiv", vec![0, 1]),
        // notation "‖" x "‖" => norm x
        (MAX_PREC, vec![T("‖"), V(0), T("‖")], "norm", vec![0]),
        // notation "⌊" x "⌋" => floor x (an argument: `f ⌊x⌋`)
        (MAX_PREC, vec![T("⌊"), V(0), T("⌋")], "floor", vec![0]),
        // notation:65 "d/dx " f => deriv f
        (65, vec![T("d/dx "), V(0)], "deriv", vec![0]),
        // notation:55 s " ∋ " x => Mem x s (arguments swapped)
        (55, vec![V(0), T(" ∋ "), V(0)], "Mem", vec![1, 0]),
        // notation:max x:max "⟦" i "⟧" => Get x i
        (
            MAX_PREC,
            vec![V(MAX_PREC), T("⟦"), V(0), T("⟧")],
            "Get",
            vec![0, 1],
        ),
        // notation:28 c:29 " ⁇ " a " ⦂ " b:28 => Ite c a b
        (
            28,
            vec![V(29), T(" ⁇ "), V(0), T(" ⦂ "), V(28)],
            "Ite",
            vec![0, 1, 2],
        ),
    ];
    specs
        .into_iter()
        .map(|(prec, items, target, args)| Mixfix {
            prec,
            items: items
                .into_iter()
                .map(|i| match i {
                    T(s) => MixfixItem::Token {
                        token: s.trim().into(),
                        text: s.into(),
                    },
                    V(q) => MixfixItem::Var(q),
                })
                .collect(),
            target: target.into(),
            args,
        })
        .collect()
}

fn ident() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "x", "f", "g", "Nat.succ", "h₁", "y'"])
        .prop_map(String::from)
}

fn binder() -> impl Strategy<Value = (String, BinderKind)> {
    (
        prop::sample::select(vec!["x", "y", "z"]).prop_map(String::from),
        prop::sample::select(vec![BinderKind::Explicit, BinderKind::Implicit]),
    )
}

fn term() -> impl Strategy<Value = Term> {
    let leaf = prop_oneof![
        ident().prop_map(|s| t(TermKind::Ident(s))),
        (0u32..1000).prop_map(|n| t(TermKind::Num(n.into()))),
        Just(t(TermKind::Hole)),
        Just(t(TermKind::Prop)),
        Just(t(TermKind::Type(LevelSyn::Num(0)))),
        Just(t(TermKind::Sort(LevelSyn::Param("u".into())))),
        Just(t(TermKind::Type(LevelSyn::Add(
            Box::new(LevelSyn::Param("u".into())),
            1
        )))),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (ident(), prop::collection::vec(inner.clone(), 1..3)).prop_map(|(f, args)| t(
                TermKind::App(
                    Box::new(t(TermKind::Ident(f))),
                    args.into_iter().map(Arg::Pos).collect()
                )
            )),
            (
                prop::sample::select(vec!["Eq", "HAdd", "HMul", "And", "Iff"]),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| t(TermKind::App(
                    Box::new(t(TermKind::Ident(op.into()))),
                    vec![Arg::Pos(a), Arg::Pos(b)]
                ))),
            (prop::sample::select(vec!["Not", "Inv"]), inner.clone()).prop_map(|(op, a)| t(
                TermKind::App(Box::new(t(TermKind::Ident(op.into()))), vec![Arg::Pos(a)])
            )),
            (
                prop::sample::select(vec![
                    ("Equiv", 2),
                    ("norm", 1),
                    ("floor", 1),
                    ("deriv", 1),
                    ("Mem", 2),
                    ("Get", 2),
                    ("Ite", 3),
                ]),
                prop::collection::vec(inner.clone(), 3)
            )
                .prop_map(|((f, arity), args)| t(TermKind::App(
                    Box::new(t(TermKind::Ident(f.into()))),
                    args.into_iter().take(arity).map(Arg::Pos).collect()
                ))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| t(TermKind::Arrow(Box::new(a), Box::new(b)))),
            (binder(), inner.clone(), inner.clone()).prop_map(|((x, k), ty, body)| t(
                TermKind::Lam(
                    vec![Binder {
                        pos: Pos::default(),
                        names: vec![(x, Pos::default())],
                        ty: Some(ty),
                        kind: k
                    }],
                    Box::new(body)
                )
            )),
            (binder(), inner.clone(), inner.clone()).prop_map(|((x, k), ty, body)| t(
                TermKind::Pi(
                    vec![Binder {
                        pos: Pos::default(),
                        names: vec![(x, Pos::default())],
                        ty: Some(ty),
                        kind: k
                    }],
                    Box::new(body)
                )
            )),
            (binder(), inner.clone(), inner.clone()).prop_map(|((x, _), ty, body)| t(
                TermKind::Exists(
                    vec![Binder {
                        pos: Pos::default(),
                        names: vec![(x, Pos::default())],
                        ty: Some(ty),
                        kind: BinderKind::Explicit
                    }],
                    Box::new(body)
                )
            )),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| t(TermKind::Ascribe(Box::new(a), Box::new(b)))),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|xs| t(TermKind::Anon(xs))),
            (inner.clone(), 1u32..3).prop_map(|(a, i)| t(TermKind::ProjIdx(Box::new(a), i))),
            (ident(), inner.clone()).prop_map(|(f, a)| t(TermKind::App(
                Box::new(t(TermKind::Ident(f))),
                vec![Arg::Named("motive".into(), a)]
            ))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_the_identity(term in term()) {
        let nt = table();
        let text = print_term(&term, &nt);
        let back = parse_term(&text, &nt);
        prop_assert!(back.is_ok(), "{text}: {:?}", back);
        prop_assert_eq!(back.unwrap(), term, "{}", text);
    }
}

/// Ring expressions over the variables `a b c`.
fn ring_expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec!["a", "b", "c", "R.zero", "R.one"]).prop_map(String::from);
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} + {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} * {y})")),
            inner.clone().prop_map(|x| format!("(-{x})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn elaborating_a_printed_term_gives_it_back(lhs in ring_expr(), rhs in ring_expr()) {
        let src = format!("import ring\naxiom stmt : ∀ (a b c : R), {lhs} = {rhs}\n");
        let mut th = Theory::load_source("gen.theory", &src, None).expect("elaborates");
        let ty = th.env().get(&Name::from_dotted("stmt")).expect("declared").ty;
        let printed = th.print_expr(ty);
        th.add_source("again.theory", &format!("axiom again : {printed}\n"), None)
            .unwrap_or_else(|e| panic!("{printed}: {e}"));
        let ty2 = th.env().get(&Name::from_dotted("again")).expect("declared").ty;
        let a = th.env().arena();
        prop_assert!(alpha_eq(a, ty, a, ty2), "{printed}");
        prop_assert!(a.node(ty).hash == a.node(ty2).hash);
    }
}

#[test]
fn prints_goals_with_notation() {
    let th = Theory::shipped("nat").expect("nat checks");
    let ty = th
        .env()
        .get(&Name::from_dotted("Nat.add_comm"))
        .expect("declared")
        .ty;
    assert_eq!(th.print_expr(ty), "∀ (n : Nat) (m : Nat), n + m = m + n");
}
