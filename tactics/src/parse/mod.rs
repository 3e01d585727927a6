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

pub use lexer::{is_keyword, Tok, SYMBOLS};

use crate::notation::{NotationTable, SymId, SymInfo};
use crate::syntax::{Command, Pos, Term};
use lexer::LineIndex;
use std::borrow::Cow;
use std::cell::RefCell;
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

/// A token read: the token, its position, where it ends, and which symbol
/// it is (`lexer::NO_SYM` for other tokens).
type Lexed<'s> = (Tok<'s>, Pos, usize, SymId);

pub struct Parser<'s> {
    src: &'s str,
    off: usize,
    lines: LineIndex,
    /// The operators in force; change them with [`Parser::notations_mut`]
    /// or [`Parser::set_notations`], which forget the tokens read ahead.
    /// Borrowed by [`parse_term`] and friends, which read one term or
    /// tactic with a fixed table (`verify` calls them for every step), so
    /// that they neither copy nor drop it; owned by the theory driver's
    /// parser, which adds notation as the file declares it.
    notations: Cow<'s, NotationTable>,
    /// The tokens read so far, in order; the next token is `toks[tok]` once
    /// read. A term's parser peeks at the same token several times and
    /// backtracks over a few (`save`/`restore` move `tok` with `off`), so
    /// every token is read once; tokens past `tok` are forgotten when the
    /// operators change.
    toks: RefCell<Vec<Lexed<'s>>>,
    /// The index in `toks` of the token at `off`.
    tok: usize,
    /// Tokens that start a line at or left of this column end the current term.
    stop_col: u32,
    depth: u32,
    /// The token that closes the notation variable being read (`‖` in
    /// `‖x‖`): it ends the term even where it is also an operator.
    closing: Option<String>,
    /// The precedence of the term the last `leading` branch read (an
    /// application is `arg`, an atom `max`, `(x : A) → B` that of `→`).
    pub(crate) lead_prec: u32,
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str, notations: NotationTable) -> Parser<'s> {
        Parser::with_table(src, Cow::Owned(notations))
    }

    /// A parser that borrows the operators in force until they change.
    fn with_table(src: &'s str, notations: Cow<'s, NotationTable>) -> Parser<'s> {
        Parser {
            src,
            off: 0,
            lines: LineIndex::new(),
            notations,
            // Sized for the tokens of a term or tactic (two bytes a token
            // is typical of generated proofs), so that it rarely grows.
            toks: RefCell::new(Vec::with_capacity((src.len() / 2 + 1).min(1 << 12))),
            tok: 0,
            stop_col: 0,
            depth: 0,
            closing: None,
            lead_prec: crate::notation::MAX_PREC,
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

    /// The operators in force.
    pub fn notations(&self) -> &NotationTable {
        &self.notations
    }

    /// The operators in force, to change (between commands).
    pub fn notations_mut(&mut self) -> &mut NotationTable {
        self.forget_peeked();
        self.notations.to_mut()
    }

    /// Replaces the operators in force (between commands).
    pub fn set_notations(&mut self, notations: NotationTable) {
        self.forget_peeked();
        self.notations = Cow::Owned(notations);
    }

    /// Whether the first command is `prelude`.
    pub fn starts_with_prelude(&self) -> bool {
        self.is_word("prelude")
    }

    #[inline]
    pub fn pos_of(&self, off: usize) -> Pos {
        self.lines.pos(self.src, off)
    }

    /// The next token (without consuming it): the token, its position and
    /// where it ends. A token cut off by the layout reads as `Eof`.
    #[inline]
    pub(crate) fn peek(&self) -> PResult<(Tok<'s>, Pos, usize)> {
        let (tok, pos, end) = self.peek_raw()?;
        if tok != Tok::Eof && pos.col <= self.stop_col {
            return Ok((Tok::Eof, pos, end));
        }
        Ok((tok, pos, end))
    }

    /// The next token, ignoring the layout.
    #[inline]
    pub(crate) fn peek_raw(&self) -> PResult<(Tok<'s>, Pos, usize)> {
        let (tok, pos, end, _) = self.peek_lexed()?;
        Ok((tok, pos, end))
    }

    /// The next token, ignoring the layout, and which symbol it is.
    #[inline]
    fn peek_lexed(&self) -> PResult<Lexed<'s>> {
        if let Some(&t) = self.toks.borrow().get(self.tok) {
            return Ok(t);
        }
        self.peek_new()
    }

    /// The next token if it is a symbol (and not cut off by the layout),
    /// with what it stands for: what an operand's parser looks at next.
    #[inline]
    pub(crate) fn peek_op(&self) -> PResult<Option<(&'s str, Pos, &SymInfo)>> {
        let (tok, pos, _, sym) = self.peek_lexed()?;
        Ok(match tok {
            Tok::Sym(s) if pos.col > self.stop_col => {
                let info = self.notations.operators().info(sym);
                Some((s, pos, info.unwrap_or(&SymInfo::NONE)))
            }
            _ => None,
        })
    }

    /// `peek_raw` past the tokens read so far: reads the next token into
    /// the vector (errors, which end the parse, out of line).
    #[inline(never)]
    fn peek_new(&self) -> PResult<Lexed<'s>> {
        let start = match lexer::skip_trivia(self.src, self.off) {
            Ok(start) => start,
            Err(at) => return Err(self.unterminated_comment(at)),
        };
        let pos = self.pos_of(start);
        let Some((tok, end, sym)) = lexer::lex(self.src, start, &self.notations) else {
            return Err(self.unexpected_char(start, pos));
        };
        let mut toks = self.toks.borrow_mut();
        debug_assert_eq!(toks.len(), self.tok);
        toks.push((tok, pos, end, sym));
        Ok((tok, pos, end, sym))
    }

    #[cold]
    fn unterminated_comment(&self, at: usize) -> ParseError {
        ParseError {
            pos: self.pos_of(at),
            msg: "unterminated comment".into(),
        }
    }

    #[cold]
    fn unexpected_char(&self, start: usize, pos: Pos) -> ParseError {
        let c = self.src[start..].chars().next().unwrap_or(' ');
        ParseError {
            pos,
            msg: format!("unexpected character '{c}'"),
        }
    }

    /// What the token just peeked at stands for, if it is a symbol (the
    /// notation table's answers for it, looked up when it was read).
    pub(crate) fn peeked_sym(&self) -> Option<&SymInfo> {
        let id = self
            .toks
            .borrow()
            .get(self.tok)
            .map_or(lexer::NO_SYM, |t| t.3);
        self.notations.operators().info(id)
    }

    /// Forgets the tokens read ahead (read with the operators then in force).
    fn forget_peeked(&mut self) {
        self.toks.get_mut().truncate(self.tok);
    }

    pub(crate) fn bump(&mut self) -> PResult<(Tok<'s>, Pos)> {
        let (tok, pos, end) = self.peek_raw()?;
        self.off = end;
        self.tok += 1;
        Ok((tok, pos))
    }

    /// `: T` if the next token is `:`, else nothing (a declaration's or a
    /// binder's optional type).
    pub(crate) fn optional_type(&mut self) -> PResult<Option<Term>> {
        if self.is_sym(":") {
            self.bump()?;
            Ok(Some(self.term()?))
        } else {
            Ok(None)
        }
    }

    // Inlined, so that comparing with a literal compares a few bytes in place.
    #[inline]
    pub(crate) fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Ok((Tok::Sym(t), _, _)) if t == s)
    }
    #[inline]
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

    #[inline]
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
            (Tok::Ident(s), pos, _) if !is_keyword(s) => {
                self.bump()?;
                Ok((s.to_string(), pos))
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

    /// Runs `f` with tokens at or left of `col` (starting a line) ending
    /// terms, in a new context (brackets, a tactic block): no notation token
    /// closes a term there.
    pub(crate) fn with_stop_col<T>(
        &mut self,
        col: u32,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = self.stop_col;
        let saved_closing = self.closing.take();
        self.stop_col = col;
        let r = f(self);
        self.stop_col = saved;
        self.closing = saved_closing;
        r
    }

    /// Runs `f` with `tok` closing terms (a notation variable followed by `tok`).
    pub(crate) fn with_closing<T>(
        &mut self,
        tok: &str,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = self.closing.replace(tok.to_string());
        let r = f(self);
        self.closing = saved;
        r
    }

    pub(crate) fn is_closing(&self, tok: &str) -> bool {
        self.closing.as_deref() == Some(tok)
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
    pub(crate) fn save(&self) -> Saved {
        Saved {
            off: self.off,
            tok: self.tok,
            depth: self.depth,
        }
    }
    pub(crate) fn restore(&mut self, s: Saved) {
        self.off = s.off;
        self.tok = s.tok;
        self.depth = s.depth;
    }
}

/// Where the parser was, to backtrack to.
#[derive(Clone, Copy)]
pub(crate) struct Saved {
    off: usize,
    tok: usize,
    depth: u32,
}

/// Parses a single term (for tests, the printer's round trip, and the CLI).
pub fn parse_term(src: &str, notations: &NotationTable) -> PResult<Term> {
    let mut p = Parser::with_table(src, Cow::Borrowed(notations));
    let t = p.term()?;
    match p.peek()? {
        (Tok::Eof, _, _) => Ok(t),
        _ => p.error_here("end of input"),
    }
}

/// Parses a single tactic (a corpus record's trace step, which `verify`
/// replays one at a time).
pub fn parse_tactic(src: &str, notations: &NotationTable) -> PResult<crate::syntax::Tactic> {
    let mut p = Parser::with_table(src, Cow::Borrowed(notations));
    let t = p.tactic()?;
    match p.peek()? {
        (Tok::Eof, _, _) => Ok(t),
        _ => p.error_here("end of input"),
    }
}

/// Parses every command of a file with a fixed notation table (for tests).
pub fn parse_commands(src: &str, notations: &NotationTable) -> PResult<Vec<Command>> {
    let mut p = Parser::with_table(src, Cow::Borrowed(notations));
    let mut out = Vec::new();
    while let Some(c) = p.next_command()? {
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notation::Notation;
    use crate::syntax::{Arg, CommandKind, NotationKind, TacticKind, TermKind};

    fn plus() -> NotationTable {
        let mut nt = NotationTable::new();
        nt.add(Notation {
            kind: NotationKind::Infixl,
            prec: 65,
            token: "+".into(),
            target: "add".into(),
        });
        nt
    }

    #[test]
    fn infixl_associates_left_and_application_binds_tighter() {
        let t = parse_term("f a + b + c", &plus()).unwrap();
        let TermKind::App(f, args) = &t.kind else {
            panic!("{t:?}")
        };
        assert_eq!(f.kind, TermKind::Ident("add".into()));
        let Arg::Pos(lhs) = &args[0] else { panic!() };
        assert!(
            matches!(&lhs.kind, TermKind::App(g, _) if g.kind == TermKind::Ident("add".into()))
        );
    }

    #[test]
    fn notation_changes_how_later_commands_parse() {
        let src = "axiom add : Nat\ninfixl:65 \" +++ \" => add\naxiom x : a +++ b";
        // Without the table the third command fails at `+++`…
        assert!(parse_commands(src, &NotationTable::new()).is_err());
        // …with the driver adding it after the second command, it parses.
        let mut p = Parser::new(src, NotationTable::new());
        p.next_command().unwrap();
        let c = p.next_command().unwrap().unwrap();
        let CommandKind::Notation { token, .. } = c.kind else {
            panic!()
        };
        p.notations_mut().add(Notation {
            kind: NotationKind::Infixl,
            prec: 65,
            token,
            target: "add".into(),
        });
        assert!(p.next_command().unwrap().is_some());
    }

    #[test]
    fn errors_point_at_the_token_and_say_what_was_expected() {
        let e = parse_commands("theorem t : True :=\n  (True.intro", &NotationTable::new())
            .unwrap_err();
        assert_eq!(e.pos, Pos::new(2, 14));
        assert_eq!(e.msg, "expected ')', found end of file");
    }

    #[test]
    fn tactic_blocks_follow_the_layout() {
        let src = "theorem t : p := by\n  intro h\n  induction n with\n  | zero => rfl\n  | succ n ih =>\n    rw [h, ← ih] at h\n    exact h\naxiom z : p";
        let cs = parse_commands(src, &NotationTable::new()).unwrap();
        assert_eq!(cs.len(), 2);
        let CommandKind::Theorem { value, .. } = &cs[0].kind else {
            panic!()
        };
        let TermKind::By(tacs) = &value.kind else {
            panic!()
        };
        assert_eq!(tacs.len(), 2);
        let TacticKind::Induction {
            alts: Some(alts), ..
        } = &tacs[1].kind
        else {
            panic!()
        };
        assert_eq!(alts[1].names, vec!["n", "ih"]);
        assert_eq!(alts[1].tactics.len(), 2);
        assert!(
            matches!(&alts[1].tactics[0].kind, TacticKind::Rw { rules, at: Some(h), .. } if rules[1].reverse && h == "h")
        );
    }

    #[test]
    fn a_chain_of_fields_after_parentheses_is_one_projection_each() {
        let nt = NotationTable::new();
        let a = parse_term("(f a).g.h", &nt).unwrap();
        let b = parse_term("((f a).g).h", &nt).unwrap();
        assert_eq!(a, b);
        let TermKind::ProjField(inner, h) = &a.kind else {
            panic!("{a:?}")
        };
        assert_eq!(h, "h");
        assert!(matches!(&inner.kind, TermKind::ProjField(_, g) if g == "g"));
    }

    #[test]
    fn ascii_and_unicode_spellings_agree() {
        let nt = NotationTable::new();
        let a = parse_term("∀ x, λ y => x → y", &nt).unwrap();
        let b = parse_term("forall x, fun y => x -> y", &nt).unwrap();
        assert_eq!(a, b);
    }

    /// `plus()` and `=` (infix 50) with the general notations of `decls`
    /// added one by one, as the driver does (targets as written).
    fn with_general(decls: &str) -> NotationTable {
        let mut nt = plus();
        nt.add(Notation {
            kind: NotationKind::Infix,
            prec: 50,
            token: "=".into(),
            target: "Eq".into(),
        });
        let mut p = Parser::new(decls, nt);
        while let Some(c) = p.next_command().unwrap() {
            let m = crate::notation::Mixfix::from_command(&c.kind).expect("a notation");
            p.notations_mut().add_mixfix(m);
        }
        p.notations.into_owned()
    }

    fn app(t: &Term) -> (String, Vec<Term>) {
        let TermKind::App(f, args) = &t.kind else {
            panic!("not an application: {t:?}")
        };
        let TermKind::Ident(f) = &f.kind else {
            panic!("{f:?}")
        };
        let args = args
            .iter()
            .map(|a| match a {
                Arg::Pos(x) => x.clone(),
                Arg::Named(..) => panic!("named"),
            })
            .collect();
        (f.clone(), args)
    }

    #[test]
    fn a_notation_declaration_parses_with_its_precedences() {
        let cs = parse_commands(
            "notation:50 a:51 \" ≈ \" b:max => Equiv a b\nnotation \"‖\" x \"‖\" => norm x\nnotation:55 s \" ∋ \" x => Mem x s",
            &NotationTable::new(),
        )
        .unwrap();
        let CommandKind::Mixfix {
            prec,
            items,
            target,
            target_pos,
            args,
        } = &cs[0].kind
        else {
            panic!("{:?}", cs[0])
        };
        assert_eq!(*prec, Some(50));
        assert_eq!(target, "Equiv");
        assert_eq!(*target_pos, Pos::new(1, 33));
        assert_eq!(*args, vec![0, 1]);
        assert!(
            matches!(&items[0], crate::syntax::NotationItem::Var { name, prec: Some(51), .. } if name == "a")
        );
        assert!(
            matches!(&items[1], crate::syntax::NotationItem::Token { text, .. } if text == " ≈ ")
        );
        assert!(
            matches!(&items[2], crate::syntax::NotationItem::Var { prec: Some(MAX), .. } if true)
        );
        let norm = crate::notation::Mixfix::from_command(&cs[1].kind).unwrap();
        assert_eq!(norm.prec, crate::notation::MAX_PREC);
        assert_eq!(norm.key(), "‖");
        let mem = crate::notation::Mixfix::from_command(&cs[2].kind).unwrap();
        assert_eq!(mem.args, vec![1, 0]);
        assert!(!mem.is_leading());
    }
    const MAX: u32 = crate::notation::MAX_PREC;

    #[test]
    fn uses_of_general_notation_parse_to_applications() {
        let nt = with_general(
            "notation:50 a:51 \" ≈ \" b:51 => Equiv a b\nnotation \"‖\" x \"‖\" => norm x\nnotation:65 \"d/dx \" f => deriv f\nnotation:55 s \" ∋ \" x => Mem x s\nnotation \"⌊\" x \"⌋\" => floor x",
        );
        // Closed: `‖…‖` reads anything inside, operators included.
        let (f, args) = app(&parse_term("‖a + b‖", &nt).unwrap());
        assert_eq!(f, "norm");
        assert_eq!(app(&args[0]).0, "add");
        // Nested, and inside an operator.
        let t = parse_term("‖‖a‖‖ + ‖b‖", &nt).unwrap();
        let (f, args) = app(&t);
        assert_eq!(f, "add");
        assert_eq!(app(&app(&args[0]).1[0]).0, "norm");
        // Arguments are permuted as the right side says.
        let (f, args) = app(&parse_term("s ∋ x", &nt).unwrap());
        assert_eq!(f, "Mem");
        assert_eq!(args[0].kind, TermKind::Ident("x".into()));
        assert_eq!(args[1].kind, TermKind::Ident("s".into()));
        // `⌊x⌋` closes on a token of its own, so it is an argument; `‖x‖` is not.
        let (f, args) = app(&parse_term("f ⌊x⌋ y", &nt).unwrap());
        assert_eq!((f.as_str(), args.len()), ("f", 2));
        assert!(parse_term("f ‖x‖", &nt).is_err());
        assert_eq!(
            parse_term("f (‖x‖)", &nt).unwrap(),
            parse_term("f (norm x)", &nt).unwrap()
        );
        // The leading token with a letter in it reads as one token.
        let (f, args) = app(&parse_term("d/dx g", &nt).unwrap());
        assert_eq!(f, "deriv");
        assert_eq!(args[0].kind, TermKind::Ident("g".into()));
    }

    #[test]
    fn general_notation_and_infix_precedences_interact_as_in_lean() {
        let nt = with_general(
            "notation:50 a:51 \" ≈ \" b:51 => Equiv a b\nnotation:65 \"d/dx \" f => deriv f\nnotation:65 \"d/dx' \" f:66 => deriv' f\nnotation:40 a \" ⊑ \" b => Le a b",
        );
        let p = |s: &str| parse_term(s, &nt).unwrap();
        // `+` (65) binds tighter than `≈` (50) on both sides.
        assert_eq!(p("a + b ≈ c + d"), p("Equiv (add a b) (add c d)"));
        // `≈` is non-associative: `a:51` refuses `a ≈ b` (50) on its left.
        let e = parse_term("a ≈ b ≈ c", &nt).unwrap_err();
        assert_eq!(e.pos, Pos::new(1, 7));
        assert_eq!(p("(a ≈ b) ≈ c"), p("Equiv (Equiv a b) c"));
        // `=` (50) and `≈` do not nest without parentheses either way.
        assert!(parse_term("a = b ≈ c", &nt).is_err());
        // A last variable of precedence 0 takes in everything after it…
        assert_eq!(p("d/dx f + g"), p("deriv (add f g)"));
        // …one of precedence 66 stops at `+` (65).
        assert_eq!(p("d/dx' f + g"), p("add (deriv' f) g"));
        // Variables without precedences: `⊑` (40) with operands at 0 is
        // right-leaning, and its left side takes `+` and `≈`.
        assert_eq!(p("a ⊑ b ⊑ c"), p("Le a (Le b c)"));
        assert_eq!(p("a + b ⊑ c ≈ d"), p("Le (add a b) (Equiv c d)"));
        // An application binds tighter than any notation.
        assert_eq!(p("f a ≈ g b"), p("Equiv (f a) (g b)"));
    }

    #[test]
    fn a_closing_token_ends_the_variable_even_when_it_is_an_operator() {
        // `|||` is also an infix operator; inside `⟪ … |||` it closes.
        let mut nt = with_general("notation \"⟪\" x \"|||\" => wrap x");
        nt.add(Notation {
            kind: NotationKind::Infixl,
            prec: 10,
            token: "|||".into(),
            target: "or3".into(),
        });
        let t = parse_term("⟪a + b||| ||| c", &nt).unwrap();
        assert_eq!(t, parse_term("or3 (wrap (add a b)) c", &nt).unwrap());
        // In parentheses the operator is an operator again.
        let t = parse_term("⟪(a ||| b)|||", &nt).unwrap();
        assert_eq!(t, parse_term("wrap (or3 a b)", &nt).unwrap());
    }

    #[test]
    fn malformed_notation_declarations_are_refused_where_they_go_wrong() {
        let err = |s: &str| parse_commands(s, &NotationTable::new()).unwrap_err();
        let e = err("notation:50 a \" ≈ \" b => Equiv a c");
        assert_eq!(e.pos, Pos::new(1, 34));
        assert!(
            e.msg.contains("'c' on the right side is not a variable"),
            "{}",
            e.msg
        );
        let e = err("notation:50 a b \" ≈ \" => Equiv a b");
        assert_eq!(
            (e.pos, e.msg.as_str()),
            (
                Pos::new(1, 15),
                "notation variables must be separated by a quoted token"
            )
        );
        let e = err("notation:50 a \" ≈ \" b => Equiv a");
        assert_eq!(e.pos, Pos::new(1, 21));
        assert!(
            e.msg.contains("'b' of the notation is not used"),
            "{}",
            e.msg
        );
        let e = err("notation a \" ≈ \" a => Equiv a a");
        assert!(e.msg.contains("appears twice"), "{}", e.msg);
        let e = err("notation x => f x");
        assert_eq!(e.msg, "a notation needs at least one quoted token");
        let e = err("notation \"foo\" x => f x");
        assert_eq!(
            (e.pos, e.msg.as_str()),
            (Pos::new(1, 10), "'foo' cannot be a notation token")
        );
        let e = err("notation \"‖\" x \"‖\" => f (g x)");
        assert!(e.msg.contains("must be one of its variables"), "{}", e.msg);
        let e = err("notation:2000 \"‖\" x \"‖\" => f x");
        assert!(e.msg.contains("at most 1024"), "{}", e.msg);
        let e = err("notation:50 a \" ≈ \" b Equiv a b");
        assert!(e.msg.contains("separated by a quoted token"), "{}", e.msg);
    }

    #[test]
    fn a_use_that_does_not_match_says_which_token_was_expected() {
        let nt = with_general("notation \"‖\" x \"‖\" => norm x");
        let e = parse_term("‖a + b", &nt).unwrap_err();
        assert_eq!(e.pos, Pos::new(1, 7));
        assert_eq!(e.msg, "expected '‖' (notation for norm), found end of file");
    }
}
