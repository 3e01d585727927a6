//! Inductive types.
use crate::declaration::InductiveDecl;
use crate::env::Env;
use crate::error::KernelError;

pub(crate) fn add_inductive(_env: &mut Env, _decl: InductiveDecl) -> Result<(), KernelError> {
    Err(KernelError::Unsupported("inductive types are not implemented yet".into()))
}
