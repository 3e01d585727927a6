//! proofmill's theory language: the parser, the printer, the elaborator and
//! the tactic engine. Whatever it produces goes through the kernel's one door,
//! `Env::add`; a bug here may produce an error, never a false theorem.

pub mod elab;
pub mod notation;
pub mod parse;
pub mod print;
pub mod reader;
pub mod syntax;
pub mod tactic;
#[cfg(test)]
mod test_data;
pub mod theory;
