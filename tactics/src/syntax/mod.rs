//! The surface syntax of the theory language: terms, tactics and commands as
//! the parser produces them. Every node carries the `line:col` where it
//! starts, so that every later error can point at its source.
//!
//! Notation is already resolved here: `a + b` is stored as the application
//! of the function the notation names (`App(Ident "Nat.add", [a, b])`), and
//! the printer (`print.rs`) turns such applications back into notation.

mod command;
mod term;

pub use command::{Attribute, Command, CommandKind, Ctor, Field, NotationItem, NotationKind};
pub use term::{
    Arg, Binder, BinderKind, CalcStep, InductionAlt, LevelSyn, RwRule, Tactic, TacticKind, Term,
    TermKind,
};

use std::fmt;

/// A position in a source file, both 1-based.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}
