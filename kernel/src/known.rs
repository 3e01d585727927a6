//! Names the kernel itself refers to (Nat and String literals, quotients),
//! built once so that hot paths compare names instead of allocating them.

use crate::name::Name;
use crate::nat_lit::NatBinOp;
use std::sync::OnceLock;

pub(crate) struct Known {
    pub nat: Name,
    pub nat_zero: Name,
    pub nat_succ: Name,
    pub nat_log2: Name,
    pub bool_true: Name,
    pub bool_false: Name,
    pub string: Name,
    pub string_of_list: Name,
    pub string_mk: Name,
    pub char: Name,
    pub char_of_nat: Name,
    pub list_nil: Name,
    pub list_cons: Name,
    /// `Nat.add` & co., with the operation each denotes.
    pub nat_ops: Vec<(Name, NatBinOp)>,
}

pub(crate) fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let n = Name::from_dotted;
        let ops = [
            "Nat.add",
            "Nat.sub",
            "Nat.mul",
            "Nat.div",
            "Nat.mod",
            "Nat.gcd",
            "Nat.beq",
            "Nat.ble",
            "Nat.land",
            "Nat.lor",
            "Nat.xor",
            "Nat.shiftLeft",
            "Nat.shiftRight",
            "Nat.pow",
        ];
        Known {
            nat: n("Nat"),
            nat_zero: n("Nat.zero"),
            nat_succ: n("Nat.succ"),
            nat_log2: n("Nat.log2"),
            bool_true: n("Bool.true"),
            bool_false: n("Bool.false"),
            string: n("String"),
            string_of_list: n("String.ofList"),
            string_mk: n("String.mk"),
            char: n("Char"),
            char_of_nat: n("Char.ofNat"),
            list_nil: n("List.nil"),
            list_cons: n("List.cons"),
            nat_ops: ops
                .iter()
                .filter_map(|s| NatBinOp::from_name(s).map(|op| (n(s), op)))
                .collect(),
        }
    })
}

impl Known {
    pub fn nat_op(&self, name: &Name) -> Option<NatBinOp> {
        if !name.has_prefix(&self.nat) {
            return None;
        }
        self.nat_ops
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, op)| *op)
    }
}
