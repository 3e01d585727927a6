//! Helpers for building declarations in code.
#![allow(dead_code)]

use proofmill_kernel::*;
use std::sync::Arc;

pub fn n(s: &str) -> Name {
    Name::from_dotted(s)
}

pub fn cnst(env: &mut Env, s: &str) -> ExprId {
    env.arena_mut().mk_const(n(s), Arc::from(Vec::new()))
}

pub fn cnst_l(env: &mut Env, s: &str, ls: &[Level]) -> ExprId {
    env.arena_mut().mk_const(n(s), Arc::from(ls.to_vec()))
}

pub fn sort(env: &mut Env, l: Level) -> ExprId {
    env.arena_mut().mk_sort(l)
}

pub fn prop(env: &mut Env) -> ExprId {
    sort(env, Level::zero())
}

pub fn type0(env: &mut Env) -> ExprId {
    sort(env, Level::one())
}

pub fn arrow(env: &mut Env, a: ExprId, b: ExprId) -> ExprId {
    // b is closed, so it needs no lifting under the binder
    env.arena_mut().mk_pi(n("x"), BinderInfo::Default, a, b)
}

pub fn axiom(env: &mut Env, name: &str, ty: ExprId) -> Result<(), KernelError> {
    env.add(Declaration::Axiom {
        name: n(name),
        level_params: vec![],
        ty,
        is_unsafe: false,
    })
}

pub fn def(env: &mut Env, name: &str, ty: ExprId, value: ExprId) -> Result<(), KernelError> {
    env.add(Declaration::Definition {
        name: n(name),
        level_params: vec![],
        ty,
        value,
        hints: ReducibilityHints::Regular(1),
        safety: DefinitionSafety::Safe,
    })
}

pub fn thm(env: &mut Env, name: &str, ty: ExprId, value: ExprId) -> Result<(), KernelError> {
    env.add(Declaration::Theorem {
        name: n(name),
        level_params: vec![],
        ty,
        value,
    })
}

/// `A : Type`, `a : A`, `f : A → A`
pub fn base_env() -> Env {
    let mut env = Env::new();
    let t = type0(&mut env);
    axiom(&mut env, "A", t).unwrap();
    let a = cnst(&mut env, "A");
    axiom(&mut env, "a", a).unwrap();
    let aa = arrow(&mut env, a, a);
    axiom(&mut env, "f", aa).unwrap();
    env
}
