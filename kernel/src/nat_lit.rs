//! Lean's Nat literal extension: closed arithmetic on literals is computed
//! with big naturals instead of unfolding `Nat.add` & co. on unary numerals.
//! Which functions are accelerated, and the exponent cap of `Nat.pow`, follow
//! Lean 4's kernel.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

/// Largest exponent (and shift) computed; beyond it the term is left alone.
pub const MAX_POW_EXPONENT: u64 = 1 << 24;

/// Binary operations on naturals that the kernel computes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum NatBinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Gcd,
    Beq,
    Ble,
    Land,
    Lor,
    Xor,
    ShiftLeft,
    ShiftRight,
    Pow,
}

impl NatBinOp {
    pub fn from_name(s: &str) -> Option<NatBinOp> {
        Some(match s {
            "Nat.add" => NatBinOp::Add,
            "Nat.sub" => NatBinOp::Sub,
            "Nat.mul" => NatBinOp::Mul,
            "Nat.div" => NatBinOp::Div,
            "Nat.mod" => NatBinOp::Mod,
            "Nat.gcd" => NatBinOp::Gcd,
            "Nat.beq" => NatBinOp::Beq,
            "Nat.ble" => NatBinOp::Ble,
            "Nat.land" => NatBinOp::Land,
            "Nat.lor" => NatBinOp::Lor,
            "Nat.xor" => NatBinOp::Xor,
            "Nat.shiftLeft" => NatBinOp::ShiftLeft,
            "Nat.shiftRight" => NatBinOp::ShiftRight,
            "Nat.pow" => NatBinOp::Pow,
            _ => return None,
        })
    }
}

/// The result of an operation: a number or a boolean (for `beq`, `ble`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NatValue {
    Num(BigUint),
    Bool(bool),
}

/// Computes `op a b`, or `None` when the result is too large to compute.
pub fn compute(op: NatBinOp, a: &BigUint, b: &BigUint) -> Option<NatValue> {
    use NatValue::*;
    Some(match op {
        NatBinOp::Add => Num(a + b),
        NatBinOp::Sub => Num(if a >= b { a - b } else { BigUint::zero() }),
        NatBinOp::Mul => Num(a * b),
        NatBinOp::Div => Num(if b.is_zero() { BigUint::zero() } else { a / b }),
        NatBinOp::Mod => Num(if b.is_zero() { a.clone() } else { a % b }),
        NatBinOp::Gcd => Num(a.gcd(b)),
        NatBinOp::Beq => Bool(a == b),
        NatBinOp::Ble => Bool(a <= b),
        NatBinOp::Land => Num(a & b),
        NatBinOp::Lor => Num(a | b),
        NatBinOp::Xor => Num(a ^ b),
        NatBinOp::ShiftLeft => {
            let k = b.to_u64().filter(|k| *k <= MAX_POW_EXPONENT)?;
            Num(a << k)
        }
        NatBinOp::ShiftRight => match b.to_u64() {
            Some(k) => Num(a >> k),
            None => Num(BigUint::zero()),
        },
        NatBinOp::Pow => {
            let k = b.to_u64().filter(|k| *k <= MAX_POW_EXPONENT)?;
            Num(a.pow(k as u32))
        }
    })
}

/// `Nat.log2 n` (0 for 0).
pub fn log2(a: &BigUint) -> BigUint {
    if a.is_zero() {
        BigUint::zero()
    } else {
        BigUint::from(a.bits() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: u64) -> BigUint {
        BigUint::from(x)
    }

    #[test]
    fn arithmetic_matches_lean() {
        assert_eq!(
            compute(NatBinOp::Sub, &n(3), &n(5)),
            Some(NatValue::Num(n(0)))
        );
        assert_eq!(
            compute(NatBinOp::Div, &n(7), &n(0)),
            Some(NatValue::Num(n(0)))
        );
        assert_eq!(
            compute(NatBinOp::Mod, &n(7), &n(0)),
            Some(NatValue::Num(n(7)))
        );
        assert_eq!(
            compute(NatBinOp::Gcd, &n(12), &n(18)),
            Some(NatValue::Num(n(6)))
        );
        assert_eq!(
            compute(NatBinOp::Ble, &n(2), &n(2)),
            Some(NatValue::Bool(true))
        );
        assert_eq!(
            compute(NatBinOp::Pow, &n(2), &n(10)),
            Some(NatValue::Num(n(1024)))
        );
        assert_eq!(
            compute(NatBinOp::Pow, &n(2), &n(MAX_POW_EXPONENT + 1)),
            None
        );
        assert_eq!(log2(&n(1024)), n(10));
        assert_eq!(log2(&n(0)), n(0));
    }
}
