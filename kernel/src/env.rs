//! The environment: checked constants and the arena their terms live in.
//!
//! `Env::add` is the one door. It checks a declaration completely before
//! anything is recorded; a refused declaration leaves no constant behind
//! (its terms may stay in the arena, where they are inert data).
//! Once built, an `Env` is read-only and `Send + Sync`: threads share it and
//! check terms against it, each with a scratch arena of its own.

use crate::declaration::{ConstantInfo, ConstantKind, Declaration, DefinitionSafety};
use crate::error::KernelError;
use crate::expr::{Arena, ExprId, ExprStore};
use crate::instantiate::{for_each_level, instantiate_level_params};
use crate::level::Level;
use crate::name::Name;
use crate::stack::{on_kernel_stack, with_kernel_stack, MAX_DEPTH};
use crate::type_checker::TypeChecker;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

#[derive(Default)]
pub struct Env {
    arena: Arena,
    /// Each constant with its position in declaration order.
    consts: FxHashMap<Name, (ConstantInfo, u32)>,
    /// Declaration order, for reporting.
    order: Vec<Name>,
    quot_initialized: bool,
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    /// The arena declarations' terms are built in. Building terms is not
    /// trusted; only `add` makes constants.
    pub fn arena_mut(&mut self) -> &mut Arena {
        &mut self.arena
    }
    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    pub fn get(&self, n: &Name) -> Option<&ConstantInfo> {
        self.consts.get(n).map(|(i, _)| i)
    }
    /// A constant with its position in declaration order.
    pub(crate) fn get_indexed(&self, n: &Name) -> Option<(&ConstantInfo, u32)> {
        self.consts.get(n).map(|(i, k)| (i, *k))
    }
    pub fn contains(&self, n: &Name) -> bool {
        self.consts.contains_key(n)
    }
    pub fn len(&self) -> usize {
        self.consts.len()
    }
    pub fn is_empty(&self) -> bool {
        self.consts.is_empty()
    }
    /// Constant names in the order they were added.
    pub fn names(&self) -> &[Name] {
        &self.order
    }
    pub fn quot_initialized(&self) -> bool {
        self.quot_initialized
    }

    /// A checker over this environment for terms with the given universe
    /// parameters (e.g. to check a generated proof before adding it).
    pub fn checker(&self, level_params: &[Name]) -> TypeChecker<'_> {
        TypeChecker::new(
            self,
            level_params.into(),
            DefinitionSafety::Safe,
            Name::anon(),
        )
    }

    /// The one door: checks `decl` and, if it is well formed, adds what it
    /// declares (for inductive types, their constructors and the recursors the
    /// kernel generates).
    pub fn add(&mut self, decl: Declaration) -> Result<(), KernelError> {
        if on_kernel_stack() {
            self.add_core(decl)
        } else {
            with_kernel_stack(|| self.add_core(decl))
        }
    }

    fn add_core(&mut self, decl: Declaration) -> Result<(), KernelError> {
        match decl {
            Declaration::Quot => crate::quot::add_quot(self),
            Declaration::Inductive(d) => crate::inductive::add_inductive(self, d),
            other => {
                let info = self.check_simple_header(&other)?;
                self.check_simple_body(&other, &info.level_params, u32::MAX, None)?;
                self.insert(info);
                Ok(())
            }
        }
    }

    /// For an axiom, definition, theorem or opaque: the header checks, and
    /// the constant it will become.
    pub(crate) fn check_simple_header(
        &self,
        decl: &Declaration,
    ) -> Result<ConstantInfo, KernelError> {
        Ok(match decl {
            Declaration::Axiom {
                name,
                level_params,
                ty,
                is_unsafe,
            } => ConstantInfo {
                name: name.clone(),
                level_params: self.check_header(name, level_params, &[*ty])?,
                ty: *ty,
                kind: ConstantKind::Axiom,
                is_unsafe: *is_unsafe,
            },
            Declaration::Definition {
                name,
                level_params,
                ty,
                value,
                hints,
                safety,
            } => ConstantInfo {
                name: name.clone(),
                level_params: self.check_header(name, level_params, &[*ty, *value])?,
                ty: *ty,
                kind: ConstantKind::Definition {
                    value: *value,
                    hints: *hints,
                },
                is_unsafe: *safety == DefinitionSafety::Unsafe,
            },
            Declaration::Theorem {
                name,
                level_params,
                ty,
                value,
            } => ConstantInfo {
                name: name.clone(),
                level_params: self.check_header(name, level_params, &[*ty, *value])?,
                ty: *ty,
                kind: ConstantKind::Theorem { value: *value },
                is_unsafe: false,
            },
            Declaration::Opaque {
                name,
                level_params,
                ty,
                value,
                is_unsafe,
            } => ConstantInfo {
                name: name.clone(),
                level_params: self.check_header(name, level_params, &[*ty, *value])?,
                ty: *ty,
                kind: ConstantKind::Opaque { value: *value },
                is_unsafe: *is_unsafe,
            },
            Declaration::Quot | Declaration::Inductive(_) => {
                return Err(KernelError::Unsupported("not a simple declaration".into()))
            }
        })
    }

    /// Type-checks an axiom, definition, theorem or opaque against the
    /// constants added before position `visible_below`.
    pub(crate) fn check_simple_body(
        &self,
        decl: &Declaration,
        lps: &Arc<[Name]>,
        visible_below: u32,
        abort: Option<&std::sync::atomic::AtomicBool>,
    ) -> Result<(), KernelError> {
        let (name, ty, value, safety, is_thm) = match decl {
            Declaration::Axiom {
                name,
                ty,
                is_unsafe,
                ..
            } => (name, *ty, None, unsafe_if(*is_unsafe), false),
            Declaration::Definition {
                name,
                ty,
                value,
                safety,
                ..
            } => (name, *ty, Some(*value), *safety, false),
            Declaration::Theorem {
                name, ty, value, ..
            } => (name, *ty, Some(*value), DefinitionSafety::Safe, true),
            Declaration::Opaque {
                name,
                ty,
                value,
                is_unsafe,
                ..
            } => (name, *ty, Some(*value), unsafe_if(*is_unsafe), false),
            Declaration::Quot | Declaration::Inductive(_) => return Ok(()),
        };
        // The walk over the terms' levels is left to here, so that a parallel
        // batch does it on the worker threads.
        self.check_term_levels(name, lps, ty)?;
        if let Some(v) = value {
            self.check_term_levels(name, lps, v)?;
        }
        let mut tc = TypeChecker::new(self, lps.clone(), safety, name.clone());
        tc.visible_below = visible_below;
        tc.abort = abort;
        tc.check_type(ty)?;
        if is_thm && !tc.is_prop(ty)? {
            let shown = tc.show(ty);
            return Err(KernelError::TheoremNotProp {
                decl: name.clone(),
                ty: shown,
            });
        }
        if let Some(v) = value {
            tc.check_value(name, v, ty)?;
        }
        Ok(())
    }

    /// The header checks that need no walk over the terms: a fresh name,
    /// distinct universe parameters, closed terms within the depth limit.
    /// (Each term's levels are checked by `check_term_levels`, for simple
    /// declarations in `check_simple_body`, so a parallel batch walks them on
    /// its workers.)
    pub(crate) fn check_header(
        &self,
        name: &Name,
        level_params: &[Name],
        terms: &[ExprId],
    ) -> Result<Arc<[Name]>, KernelError> {
        if self.consts.contains_key(name) {
            return Err(KernelError::AlreadyDeclared(name.clone()));
        }
        let mut seen = FxHashSet::default();
        for p in level_params {
            if !seen.insert(p.clone()) {
                return Err(KernelError::DuplicateLevelParam(p.clone()));
            }
        }
        for &t in terms {
            self.check_term_shape(name, t)?;
        }
        Ok(level_params.into())
    }

    /// A submitted term must exist, be closed, and be within the depth limit;
    /// its universe parameters must be declared.
    pub(crate) fn check_term(
        &self,
        name: &Name,
        level_params: &[Name],
        t: ExprId,
    ) -> Result<(), KernelError> {
        self.check_term_shape(name, t)?;
        self.check_term_levels(name, level_params, t)
    }

    fn check_term_shape(&self, name: &Name, t: ExprId) -> Result<(), KernelError> {
        if !self.arena.contains(t) {
            return Err(KernelError::NotClosed(name.clone()));
        }
        let node = self.arena.node(t);
        if node.bvar_range != 0 || node.has_fvar {
            return Err(KernelError::NotClosed(name.clone()));
        }
        if node.depth > MAX_DEPTH {
            return Err(KernelError::TooDeep { limit: MAX_DEPTH });
        }
        Ok(())
    }

    /// Every level in `t` is within the depth limit and uses only `level_params`.
    fn check_term_levels(
        &self,
        name: &Name,
        level_params: &[Name],
        t: ExprId,
    ) -> Result<(), KernelError> {
        let mut bad = None;
        let mut too_deep = false;
        for_each_level(&self.arena, t, &mut |l: &Level| {
            if l.depth() > MAX_DEPTH / 16 {
                too_deep = true;
            }
            l.for_each_param(&mut |p| {
                if bad.is_none() && !level_params.contains(p) {
                    bad = Some(p.clone());
                }
            })
        });
        if too_deep {
            return Err(KernelError::TooDeep {
                limit: MAX_DEPTH / 16,
            });
        }
        if let Some(param) = bad {
            return Err(KernelError::UndeclaredLevelParam {
                decl: name.clone(),
                param,
            });
        }
        Ok(())
    }

    /// Records a checked constant. Only the kernel's own `add_*` paths call this.
    pub(crate) fn insert(&mut self, info: ConstantInfo) {
        let index = self.order.len() as u32;
        self.order.push(info.name.clone());
        self.consts.insert(info.name.clone(), (info, index));
    }

    /// Removes the constants added after the first `keep` (undoing a batch).
    pub(crate) fn truncate(&mut self, keep: usize) {
        for n in self.order.drain(keep..) {
            self.consts.remove(&n);
        }
    }

    pub(crate) fn set_quot_initialized(&mut self) {
        self.quot_initialized = true;
    }

    /// The type of constant `n` instantiated at levels `ls` (built in `store`).
    pub fn instantiate_type<S: ExprStore>(
        &self,
        store: &mut S,
        info: &ConstantInfo,
        ls: &[Level],
    ) -> ExprId {
        instantiate_level_params(store, info.ty, &info.level_params, ls)
    }
}

fn unsafe_if(is_unsafe: bool) -> DefinitionSafety {
    if is_unsafe {
        DefinitionSafety::Unsafe
    } else {
        DefinitionSafety::Safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn env_is_shareable_between_threads() {
        assert_send_sync::<Env>();
    }
}
