//! Quotient types.
use crate::env::Env;
use crate::error::KernelError;

pub(crate) fn add_quot(_env: &mut Env) -> Result<(), KernelError> {
    Err(KernelError::Unsupported("quotients are not implemented yet".into()))
}
