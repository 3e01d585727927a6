//! Quotient types: `Quot`, `Quot.mk`, `Quot.lift`, `Quot.ind`, added together
//! with the kernel's own types, after checking that `Eq` is the equality type
//! they are stated with. Their computation rule (`Quot.lift f h (Quot.mk r a) ⇝
//! f a`, and likewise `Quot.ind`) is in `whnf`.

use crate::declaration::{ConstantInfo, ConstantKind, QuotKind};
use crate::env::Env;
use crate::error::KernelError;
use crate::expr::{alpha_eq, BinderInfo, ExprId, ExprStore};
use crate::instantiate::instantiate_level_params;
use crate::level::Level;
use crate::name::Name;
use std::sync::Arc;

fn nm(s: &str) -> Name {
    Name::from_dotted(s)
}

/// Checks that `Eq.{u} : {α : Sort u} → α → α → Prop` with the single
/// constructor `Eq.refl.{u} : ∀ {α : Sort u} (a : α), @Eq α a a`.
fn check_eq(env: &mut Env) -> Result<(), KernelError> {
    let eq = env
        .get(&nm("Eq"))
        .cloned()
        .ok_or_else(|| KernelError::QuotNeedsEq("there is no Eq".into()))?;
    let ctors = match &eq.kind {
        ConstantKind::Inductive { ctors, .. } => ctors.clone(),
        _ => {
            return Err(KernelError::QuotNeedsEq(
                "Eq is not an inductive type".into(),
            ))
        }
    };
    if eq.level_params.len() != 1 {
        return Err(KernelError::QuotNeedsEq(
            "Eq must have one universe parameter".into(),
        ));
    }
    if ctors.len() != 1 {
        return Err(KernelError::QuotNeedsEq(
            "Eq must have one constructor".into(),
        ));
    }
    let refl = env
        .get(&ctors[0])
        .cloned()
        .ok_or_else(|| KernelError::QuotNeedsEq("Eq's constructor is missing".into()))?;
    let u = Level::param(&nm("u"));
    let a = env.arena_mut();
    let sort_u = a.mk_sort(u.clone());
    let prop = a.mk_sort(Level::zero());
    // {α : Sort u} → α → α → Prop
    let b0 = a.mk_bvar(0);
    let b1 = a.mk_bvar(1);
    let inner = a.mk_pi(nm("b"), BinderInfo::Default, b1, prop);
    let mid = a.mk_pi(nm("a"), BinderInfo::Default, b0, inner);
    let expected_eq = a.mk_pi(nm("α"), BinderInfo::Implicit, sort_u, mid);
    // ∀ {α : Sort u} (a : α), @Eq α a a
    let eq_c = a.mk_const(nm("Eq"), Arc::from(vec![u.clone()]));
    let app = a.mk_apps(eq_c, &[b1, b0, b0]);
    let body = a.mk_pi(nm("a"), BinderInfo::Default, b0, app);
    let expected_refl = a.mk_pi(nm("α"), BinderInfo::Implicit, sort_u, body);
    let eq_ty = instantiate_level_params(a, eq.ty, &eq.level_params, std::slice::from_ref(&u));
    if !alpha_eq(a, eq_ty, a, expected_eq) {
        return Err(KernelError::QuotNeedsEq("Eq has an unexpected type".into()));
    }
    if refl.level_params.len() != 1 {
        return Err(KernelError::QuotNeedsEq(
            "Eq.refl must have one universe parameter".into(),
        ));
    }
    let refl_ty =
        instantiate_level_params(a, refl.ty, &refl.level_params, std::slice::from_ref(&u));
    if !alpha_eq(a, refl_ty, a, expected_refl) {
        return Err(KernelError::QuotNeedsEq(
            "Eq's constructor has an unexpected type".into(),
        ));
    }
    Ok(())
}

/// `α → α → Prop` where `α` is bvar `k`.
fn relation_type<S: ExprStore>(a: &mut S, k: u32) -> ExprId {
    let prop = a.mk_sort(Level::zero());
    let x = a.mk_bvar(k);
    let y = a.mk_bvar(k + 1);
    let inner = a.mk_pi(nm("b"), BinderInfo::Default, y, prop);
    a.mk_pi(nm("a"), BinderInfo::Default, x, inner)
}

pub(crate) fn add_quot(env: &mut Env) -> Result<(), KernelError> {
    for n in ["Quot", "Quot.mk", "Quot.lift", "Quot.ind"] {
        if env.contains(&nm(n)) {
            return Err(KernelError::AlreadyDeclared(nm(n)));
        }
    }
    check_eq(env)?;
    let u = Level::param(&nm("u"));
    let v = Level::param(&nm("v"));
    let lu: Arc<[Level]> = Arc::from(vec![u.clone()]);
    let a = env.arena_mut();
    let sort_u = a.mk_sort(u.clone());
    let sort_v = a.mk_sort(v.clone());
    let prop = a.mk_sort(Level::zero());
    let quot_c = a.mk_const(nm("Quot"), lu.clone());
    let mk_c = a.mk_const(nm("Quot.mk"), lu.clone());
    let bv: Vec<ExprId> = (0..6).map(|i| a.mk_bvar(i)).collect();
    let (imp, def) = (BinderInfo::Implicit, BinderInfo::Default);

    // Quot.{u} : {α : Sort u} → (α → α → Prop) → Sort u
    let r0 = relation_type(a, 0);
    let t = a.mk_pi(nm("r"), def, r0, sort_u);
    let quot_ty = a.mk_pi(nm("α"), imp, sort_u, t);

    // Quot.mk.{u} : {α : Sort u} → (r : α → α → Prop) → α → @Quot α r
    let q = a.mk_apps(quot_c, &[bv[2], bv[1]]);
    let t = a.mk_pi(nm("a"), def, bv[1], q);
    let r0 = relation_type(a, 0);
    let t = a.mk_pi(nm("r"), def, r0, t);
    let mk_ty = a.mk_pi(nm("α"), imp, sort_u, t);

    // Quot.lift.{u,v} : {α : Sort u} → {r : α → α → Prop} → {β : Sort v} → (f : α → β)
    //   → (∀ a b : α, r a b → f a = f b) → @Quot α r → β
    let eq_v = a.mk_const(nm("Eq"), Arc::from(vec![v.clone()]));
    let fa = a.mk_app(bv[3], bv[2]);
    let fb = a.mk_app(bv[3], bv[1]);
    let eq_app = a.mk_apps(eq_v, &[bv[4], fa, fb]);
    let rab = a.mk_apps(bv[4], &[bv[1], bv[0]]);
    let h3 = a.mk_pi(nm("h"), def, rab, eq_app);
    let h2 = a.mk_pi(nm("b"), def, bv[4], h3);
    let h_ty = a.mk_pi(nm("a"), def, bv[3], h2);
    let q_ty = a.mk_apps(quot_c, &[bv[4], bv[3]]);
    let t = a.mk_pi(nm("q"), def, q_ty, bv[3]);
    let t = a.mk_pi(nm("h"), def, h_ty, t);
    let f_ty = a.mk_pi(nm("a"), def, bv[2], bv[1]);
    let t = a.mk_pi(nm("f"), def, f_ty, t);
    let t = a.mk_pi(nm("β"), imp, sort_v, t);
    let r0 = relation_type(a, 0);
    let t = a.mk_pi(nm("r"), imp, r0, t);
    let lift_ty = a.mk_pi(nm("α"), imp, sort_u, t);

    // Quot.ind.{u} : ∀ {α : Sort u} {r : α → α → Prop} {β : @Quot α r → Prop},
    //   (∀ a : α, β (@Quot.mk α r a)) → ∀ q : @Quot α r, β q
    let q_ty_beta = a.mk_apps(quot_c, &[bv[1], bv[0]]);
    let beta_ty = a.mk_pi(nm("q"), def, q_ty_beta, prop);
    let mk_a = a.mk_apps(mk_c, &[bv[3], bv[2], bv[0]]);
    let beta_mk = a.mk_app(bv[1], mk_a);
    let mk_premise = a.mk_pi(nm("a"), def, bv[2], beta_mk);
    let q_ty2 = a.mk_apps(quot_c, &[bv[3], bv[2]]);
    let beta_q = a.mk_app(bv[2], bv[0]);
    let t = a.mk_pi(nm("q"), def, q_ty2, beta_q);
    let t = a.mk_pi(nm("mk"), def, mk_premise, t);
    let t = a.mk_pi(nm("β"), imp, beta_ty, t);
    let r0 = relation_type(a, 0);
    let t = a.mk_pi(nm("r"), imp, r0, t);
    let ind_ty = a.mk_pi(nm("α"), imp, sort_u, t);

    let decls = [
        ("Quot", quot_ty, QuotKind::Type, vec![nm("u")]),
        ("Quot.mk", mk_ty, QuotKind::Ctor, vec![nm("u")]),
        ("Quot.lift", lift_ty, QuotKind::Lift, vec![nm("u"), nm("v")]),
        ("Quot.ind", ind_ty, QuotKind::Ind, vec![nm("u")]),
    ];
    // The types are fixed by the kernel; check them anyway, each against the
    // environment holding the ones before it, as a guard against typos here.
    for (name, ty, kind, lps) in decls {
        {
            let mut tc = crate::type_checker::TypeChecker::new(
                env,
                Arc::from(lps.clone()),
                crate::declaration::DefinitionSafety::Safe,
                nm(name),
            );
            let s = tc.infer(ty)?;
            tc.ensure_sort(s, ty)?;
        }
        env.insert(ConstantInfo {
            name: nm(name),
            level_params: Arc::from(lps),
            ty,
            kind: ConstantKind::Quot(kind),
            is_unsafe: false,
        });
    }
    env.set_quot_initialized();
    Ok(())
}
