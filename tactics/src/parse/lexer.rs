//! Tokens, read on demand from the current position: the set of operator
//! tokens grows as notation is declared, so the source is not tokenized
//! ahead of time. nom recognises the pieces (identifiers, numerals, strings,
//! comments); the longest operator or symbol wins.

use crate::notation::NotationTable;
use crate::syntax::Pos;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::recognize;
use nom::sequence::pair;
use nom::IResult;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An identifier, dotted (`Nat.add`), or a keyword.
    Ident(String),
    Num(String),
    Str(String),
    Sym(String),
    Eof,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Num(s) | Tok::Sym(s) => format!("'{s}'"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Eof => "end of file".into(),
        }
    }
}

/// Symbols of the language itself (operators come from the notation table).
pub const SYMBOLS: &[&str] = &[
    "(", ")", "{", "}", "[", "]", "⦃", "⦄", "⟨", "⟩", ",", ":=", ":", "=>", "↦", "→", "->", "←",
    "<-", "∀", "∃", "λ", "@[", "@", "|", ".", ";", "·",
];

/// Words that are never identifiers.
pub const KEYWORDS: &[&str] = &[
    "fun",
    "forall",
    "exists",
    "by",
    "calc",
    "show",
    "from",
    "have",
    "at",
    "with",
    "where",
    "def",
    "theorem",
    "lemma",
    "axiom",
    "inductive",
    "structure",
    "end",
    "section",
    "namespace",
    "variable",
    "open",
    "universe",
    "import",
    "prelude",
    "infix",
    "infixl",
    "infixr",
    "prefix",
    "postfix",
    "notation",
    "Type",
    "Sort",
    "Prop",
    "let",
    "in",
    "match",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

fn is_id_start(c: char) -> bool {
    (c.is_alphabetic() && !matches!(c, 'λ' | 'Π' | 'Σ')) || c == '_'
}

fn is_id_rest(c: char) -> bool {
    is_id_start(c)
        || c.is_ascii_digit()
        || c == '\''
        || c == '!'
        || c == '?'
        || ('₀'..='₉').contains(&c)
        || ('ₐ'..='ₜ').contains(&c)
        || ('ᵢ'..='ᵪ').contains(&c)
}

/// One identifier segment.
fn segment(i: &str) -> IResult<&str, &str> {
    recognize(pair(take_while1(is_id_start_str), take_while(is_id_rest)))(i)
}

fn is_id_start_str(c: char) -> bool {
    is_id_start(c)
}

/// `a.b.c`: segments joined by dots; a dot followed by a digit ends it
/// (`h.1` is a projection).
fn ident(i: &str) -> IResult<&str, &str> {
    let (mut rest, _) = segment(i)?;
    while let Ok((r, _)) = pair(char('.'), segment)(rest) {
        rest = r;
    }
    Ok((rest, &i[..i.len() - rest.len()]))
}

/// The length of the identifier at the start of `s` (0 if none).
pub fn ident_prefix_len(s: &str) -> usize {
    ident(s).map_or(0, |(_, id)| id.len())
}

fn string_lit(i: &str) -> IResult<&str, &str> {
    let (r, _) = tag("\"")(i)?;
    let (r, body) = take_while(|c| c != '"' && c != '\n')(r)?;
    let (r, _) = tag("\"")(r)?;
    Ok((r, body))
}

/// Skips whitespace and comments (`--` to the end of the line, nested `/- -/`).
/// Returns the bytes skipped, or an error offset for an unterminated comment.
pub fn skip_trivia(src: &str, mut off: usize) -> Result<usize, usize> {
    loop {
        let rest = &src[off..];
        let trimmed = rest.trim_start();
        off += rest.len() - trimmed.len();
        if trimmed.starts_with("--") {
            off += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/-") {
            let start = off;
            let mut depth = 0usize;
            let bytes = src.as_bytes();
            loop {
                if off + 1 >= bytes.len() {
                    return Err(start);
                }
                if bytes[off] == b'/' && bytes[off + 1] == b'-' {
                    depth += 1;
                    off += 2;
                } else if bytes[off] == b'-' && bytes[off + 1] == b'/' {
                    depth -= 1;
                    off += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    off += 1;
                }
            }
        } else {
            return Ok(off);
        }
    }
}

/// Reads the token at `off` (after trivia). Returns it and its end offset,
/// or `None` when no token starts here.
pub fn lex(src: &str, off: usize, notations: &NotationTable) -> Option<(Tok, usize)> {
    let rest = &src[off..];
    if rest.is_empty() {
        return Some((Tok::Eof, off));
    }
    // Operators and symbols: the longest match.
    let mut best: Option<&str> = notations.operators().longest_prefix_of(rest);
    for s in SYMBOLS.iter().copied() {
        if rest.starts_with(s) && best.is_none_or(|b| s.len() > b.len()) {
            best = Some(s);
        }
    }
    let id = ident(rest).ok().map(|(_, s)| s);
    if let Some(id) = id {
        // An operator spelled with letters would not win over a longer identifier.
        if best.is_none_or(|b| id.len() >= b.len()) {
            return Some((Tok::Ident(id.to_string()), off + id.len()));
        }
    }
    if let Some(b) = best {
        return Some((Tok::Sym(b.to_string()), off + b.len()));
    }
    if let Ok((r, d)) = digit1::<&str, nom::error::Error<&str>>(rest) {
        return Some((Tok::Num(d.to_string()), off + (rest.len() - r.len())));
    }
    if let Ok((r, s)) = string_lit(rest) {
        return Some((Tok::Str(s.to_string()), off + (rest.len() - r.len())));
    }
    None
}

/// Line and column of byte offsets, remembering the last answer so that a
/// forward scan of a long line stays linear.
pub struct LineIndex {
    line_starts: Vec<usize>,
    cache: std::cell::Cell<(usize, u32)>,
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        LineIndex {
            line_starts,
            cache: std::cell::Cell::new((0, 1)),
        }
    }

    pub fn pos(&self, src: &str, off: usize) -> Pos {
        let off = off.min(src.len());
        let line = match self.line_starts.binary_search(&off) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let (c_off, c_col) = self.cache.get();
        let col = if c_off >= start && c_off <= off && src.is_char_boundary(c_off) {
            c_col + src[c_off..off].chars().count() as u32
        } else {
            1 + src[start..off].chars().count() as u32
        };
        self.cache.set((off, col));
        Pos::new(line as u32 + 1, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_dotted_names_and_projections() {
        let t = NotationTable::new();
        assert_eq!(
            lex("Nat.add x", 0, &t),
            Some((Tok::Ident("Nat.add".into()), 7))
        );
        assert_eq!(lex("h.1", 0, &t), Some((Tok::Ident("h".into()), 1)));
        assert_eq!(lex(":= x", 0, &t), Some((Tok::Sym(":=".into()), 2)));
        assert_eq!(lex("α₁", 0, &t), Some((Tok::Ident("α₁".into()), 5)));
    }

    #[test]
    fn skips_nested_comments() {
        assert_eq!(skip_trivia("/- a /- b -/ c -/x", 0), Ok(17));
        assert_eq!(skip_trivia("-- hi\n x", 0), Ok(7));
        assert_eq!(skip_trivia("/- open", 0), Err(0));
    }

    #[test]
    fn columns_count_characters() {
        let src = "ab\n∀ x";
        let li = LineIndex::new(src);
        assert_eq!(li.pos(src, 3), Pos::new(2, 1));
        assert_eq!(li.pos(src, 6), Pos::new(2, 2));
    }
}
