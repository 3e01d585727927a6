//! The parser: commands one at a time, so that notation declared by one
//! command is in force for the next (the driver adds it to
//! [`Parser::notations`] after checking its target).
//!
//! Layout matters as in Lean: a tactic block is the tactics that start at
//! its first tactic's column, and a term inside it ends at a line that starts
//! at or left of that column.

mod command;
mod lexer;
mod tactic;
mod term;

pub use lexer::{is_keyword, Tok};

use crate::notation::NotationTable;
use crate::syntax::{Command, Pos, Term};
use lexer::LineIndex;
use std::fmt;

/// How deeply terms may nest (parentheses, binders, operators) before the
/// parser declines the input.
pub const MAX_NESTING: u32 = 1_000;

/// A syntax error: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub msg: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.msg)
    }
}

pub type PResult<T> = Result<T, ParseError>;

pub struct Parser<'s> {
    src: &'s str,
    off: usize,
    lines: LineIndex,
    pub notations: NotationTable,
    /// Tokens that start a line at or left of this column end the current term.
    stop_col: u32,
    depth: u32,
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str, notations: NotationTable) -> Parser<'s> {
        Parser {
            src,
            off: 0,
            lines: LineIndex::new(src),
            notations,
            stop_col: 0,
            depth: 0,
        }
    }

    /// The next command, or `None` at the end of the file.
    pub fn next_command(&mut self) -> PResult<Option<Command>> {
        self.stop_col = 0;
        self.depth = 0;
        if self.peek()?.0 == Tok::Eof {
            return Ok(None);
        }
        self.command().map(Some)
    }

    /// Whether the first command is `prelude`.
    pub fn starts_with_prelude(&self) -> bool {
        self.is_word("prelude")
    }

    pub fn pos_of(&self, off: usize) -> Pos {
        self.lines.pos(self.src, off)
    }

    /// The next token (without consuming it): the token, its position and
    /// where it ends. A token cut off by the layout reads as `Eof`.
    pub(crate) fn peek(&self) -> PResult<(Tok, Pos, usize)> {
        let (tok, pos, end) = self.peek_raw()?;
        if tok != Tok::Eof && pos.col <= self.stop_col {
            return Ok((Tok::Eof, pos, end));
        }
        Ok((tok, pos, end))
    }

    /// The next token, ignoring the layout.
    pub(crate) fn peek_raw(&self) -> PResult<(Tok, Pos, usize)> {
        let start = lexer::skip_trivia(self.src, self.off).map_err(|at| ParseError {
            pos: self.pos_of(at),
            msg: "unterminated comment".into(),
        })?;
        let pos = self.pos_of(start);
        match lexer::lex(self.src, start, &self.notations) {
            Some((tok, end)) => Ok((tok, pos, end)),
            None => {
                let c = self.src[start..].chars().next().unwrap_or(' ');
                Err(ParseError {
                    pos,
                    msg: format!("unexpected character '{c}'"),
                })
            }
        }
    }

    pub(crate) fn bump(&mut self) -> PResult<(Tok, Pos)> {
        let (tok, pos, end) = self.peek_raw()?;
        self.off = end;
        Ok((tok, pos))
    }

    pub(crate) fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Ok((Tok::Sym(t), _, _)) if t == s)
    }
    pub(crate) fn is_word(&self, s: &str) -> bool {
        matches!(self.peek(), Ok((Tok::Ident(t), _, _)) if t == s)
    }

    pub(crate) fn error_here<T>(&self, expected: &str) -> PResult<T> {
        let (tok, pos, _) = self.peek()?;
        Err(ParseError {
            pos,
            msg: format!("expected {expected}, found {}", tok.describe()),
        })
    }

    pub(crate) fn expect_sym(&mut self, s: &str) -> PResult<Pos> {
        if self.is_sym(s) {
            Ok(self.bump()?.1)
        } else {
            self.error_here(&format!("'{s}'"))
        }
    }
    pub(crate) fn expect_word(&mut self, s: &str) -> PResult<Pos> {
        if self.is_word(s) {
            Ok(self.bump()?.1)
        } else {
            self.error_here(&format!("'{s}'"))
        }
    }

    /// A name that is not a keyword.
    pub(crate) fn ident(&mut self, what: &str) -> PResult<(String, Pos)> {
        match self.peek()? {
            (Tok::Ident(s), pos, _) if !is_keyword(&s) => {
                self.bump()?;
                Ok((s, pos))
            }
            _ => self.error_here(what),
        }
    }

    /// Runs `f` one nesting level deeper, declining absurdly deep input.
    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            let (_, pos, _) = self.peek_raw()?;
            return Err(ParseError {
                pos,
                msg: format!("nesting too deep (more than {MAX_NESTING} levels)"),
            });
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Runs `f` with tokens at or left of `col` (starting a line) ending terms.
    pub(crate) fn with_stop_col<T>(
        &mut self,
        col: u32,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = self.stop_col;
        self.stop_col = col;
        let r = f(self);
        self.stop_col = saved;
        r
    }

    pub(crate) fn stop_col(&self) -> u32 {
        self.stop_col
    }

    /// Whether nothing but trivia separates the current position from `off`'s
    /// token (used for `h.1`: no space before the dot).
    pub(crate) fn at_offset(&self) -> usize {
        self.off
    }
    pub(crate) fn src(&self) -> &'s str {
        self.src
    }
    pub(crate) fn save(&self) -> (usize, u32) {
        (self.off, self.depth)
    }
    pub(crate) fn restore(&mut self, s: (usize, u32)) {
        self.off = s.0;
        self.depth = s.1;
    }
}

/// Parses a single term (for tests, the printer's round trip, and the CLI).
pub fn parse_term(src: &str, notations: &NotationTable) -> PResult<Term> {
    let mut p = Parser::new(src, notations.clone());
    let t = p.term()?;
    match p.peek()? {
        (Tok::Eof, _, _) => Ok(t),
        _ => p.error_here("end of input"),
    }
}

/// Parses every command of a file with a fixed notation table (for tests).
pub fn parse_commands(src: &str, notations: &NotationTable) -> PResult<Vec<Command>> {
    let mut p = Parser::new(src, notations.clone());
    let mut out = Vec::new();
    while let Some(c) = p.next_command()? {
        out.push(c);
    }
    Ok(out)
}
