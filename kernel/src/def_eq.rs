//! Definitional equality.
use crate::expr::ExprId;
use crate::type_checker::{Res, TypeChecker};

impl TypeChecker<'_> {
    pub fn is_def_eq(&mut self, a: ExprId, b: ExprId) -> Res<bool> {
        Ok(a == b)
    }
}
