//! proofmill's trusted kernel: Lean 4's type theory.
//!
//! Everything that decides whether a declaration is accepted lives here, and
//! nothing else can make a checked declaration: the only way in is
//! [`Env::add`]. The crate has no parser, no serialization and no unsafe code;
//! `TRUSTED.md` lists its files.
//!
//! ```
//! use proofmill_kernel::{Env, Declaration, Name, Level, ExprStore, BinderInfo};
//! let mut env = Env::new();
//! let (prop, ty) = {
//!     let a = env.arena_mut();
//!     let prop = a.mk_sort(Level::zero());
//!     let ty = a.mk_pi(Name::from_dotted("p"), BinderInfo::Default, prop, prop);
//!     (prop, ty)
//! };
//! // axiom id_prop : Prop → Prop
//! env.add(Declaration::Axiom { name: Name::from_dotted("id_prop"), level_params: vec![], ty, is_unsafe: false }).unwrap();
//! // def bad : Prop := Prop   is refused (Prop : Type, not Prop)
//! let bad = Declaration::Definition {
//!     name: Name::from_dotted("bad"), level_params: vec![], ty: prop, value: prop,
//!     hints: proofmill_kernel::ReducibilityHints::Abbrev, safety: proofmill_kernel::DefinitionSafety::Safe,
//! };
//! assert!(env.add(bad).is_err());
//! ```
#![forbid(unsafe_code)]
// `guarded!` runs a body as an immediately called closure so that a `?` inside
// it cannot skip the recursion counter's decrement.
#![allow(clippy::redundant_closure_call)]

mod batch;
mod declaration;
mod def_eq;
mod env;
mod error;
mod expr;
mod inductive;
mod infer;
mod instantiate;
mod known;
mod level;
mod name;
mod nat_lit;
mod pretty;
mod quot;
mod stack;
mod type_checker;
mod whnf;

pub use batch::BatchError;
pub use declaration::{
    ConstantInfo, ConstantKind, Constructor, Declaration, DefinitionSafety, InductiveDecl,
    InductiveType, QuotKind, RecursorRule, ReducibilityHints,
};
pub use env::Env;
pub use error::{InductiveFailure, KernelError};
pub use expr::{
    alpha_eq, child_ids, Arena, BinderInfo, ExprId, ExprKind, ExprStore, FVarId, LocalStore, Node,
};
pub use instantiate::{
    abstract_fvars, for_each_const, for_each_level, has_loose_bvar, instantiate, instantiate1,
    instantiate_level_params, instantiate_rev, lift_loose_bvars, lower_loose_bvars,
};
pub use level::{Level, LevelKind};
pub use name::Name;
pub use pretty::expr_to_string;
pub use stack::{on_kernel_stack, with_kernel_stack, KERNEL_STACK_BYTES, MAX_DEPTH, MAX_STEPS};
pub use type_checker::TypeChecker;
