//! The notation table: which tokens are operators, with which precedence,
//! for which function. It changes as a file is read (`infixl:65 " + " => f`
//! affects every later command), so the parser consults it at run time, and
//! the printer uses it to turn applications back into operators.

use crate::syntax::NotationKind;
use std::collections::HashMap;

/// The precedence of function application and atoms (Lean's `max`).
pub const MAX_PREC: u32 = 1024;
/// The precedence of `→` (right associative).
pub const ARROW_PREC: u32 = 25;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notation {
    pub kind: NotationKind,
    pub prec: u32,
    /// The operator token, without surrounding spaces (`+`).
    pub token: String,
    /// The full name of the function it stands for.
    pub target: String,
}

impl Notation {
    /// For binary operators: the minimum precedence of the left and right operands.
    pub fn operand_precs(&self) -> (u32, u32) {
        match self.kind {
            NotationKind::Infixl => (self.prec, self.prec + 1),
            NotationKind::Infixr => (self.prec + 1, self.prec),
            NotationKind::Infix => (self.prec + 1, self.prec + 1),
            NotationKind::Prefix | NotationKind::Postfix => (self.prec, self.prec),
        }
    }
}

/// Operators by token (for parsing) and by target (for printing).
#[derive(Clone, Debug, Default)]
pub struct NotationTable {
    infix: HashMap<String, Notation>,
    prefix: HashMap<String, Notation>,
    postfix: HashMap<String, Notation>,
    by_target: HashMap<String, Notation>,
}

impl NotationTable {
    pub fn new() -> NotationTable {
        NotationTable::default()
    }

    /// Adds a notation; a later notation for the same token replaces the earlier one.
    pub fn add(&mut self, n: Notation) {
        let map = match n.kind {
            NotationKind::Prefix => &mut self.prefix,
            NotationKind::Postfix => &mut self.postfix,
            _ => &mut self.infix,
        };
        if let Some(old) = map.insert(n.token.clone(), n.clone()) {
            if self.by_target.get(&old.target) == Some(&old) {
                self.by_target.remove(&old.target);
            }
        }
        self.by_target.insert(n.target.clone(), n);
    }

    pub fn infix(&self, tok: &str) -> Option<&Notation> {
        self.infix.get(tok)
    }
    pub fn prefix(&self, tok: &str) -> Option<&Notation> {
        self.prefix.get(tok)
    }
    pub fn postfix(&self, tok: &str) -> Option<&Notation> {
        self.postfix.get(tok)
    }
    /// The notation a function is printed with, if any.
    pub fn for_target(&self, target: &str) -> Option<&Notation> {
        self.by_target.get(target)
    }
    /// Every operator token (the lexer matches the longest).
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.infix
            .keys()
            .chain(self.prefix.keys())
            .chain(self.postfix.keys())
            .map(String::as_str)
    }
}
