//! Tokens, read on demand from the current position: the set of operator
//! tokens grows as notation is declared, so the source is not tokenized
//! ahead of time. A token is a kind and a slice of the source (no copy);
//! the longest operator or symbol wins, and an identifier wins over an
//! operator no longer than itself.
//!
//! Performance contract: reading a token does not allocate (the parser
//! keeps the tokens it has read in one vector, sized up front for typical
//! text, so that it rarely grows). Operators and
//! the language's symbols are found through one index by first character
//! (`notation::Operators`), which also tells the parser what a symbol
//! stands for, identifiers and numerals by a byte loop with a
//! character-by-character path only for non-ASCII text.

use crate::notation::{NotationTable, SymId};
use crate::syntax::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok<'s> {
    /// An identifier, dotted (`Nat.add`), or a keyword.
    Ident(&'s str),
    Num(&'s str),
    /// A string literal's contents (without the quotes).
    Str(&'s str),
    Sym(&'s str),
    Eof,
}

impl Tok<'_> {
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

/// Whether `s` is a word that is never an identifier (a `match`, which
/// compiles to a comparison by length and bytes).
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "fun"
            | "forall"
            | "exists"
            | "by"
            | "calc"
            | "show"
            | "from"
            | "have"
            | "at"
            | "with"
            | "where"
            | "def"
            | "theorem"
            | "lemma"
            | "axiom"
            | "inductive"
            | "structure"
            | "end"
            | "section"
            | "namespace"
            | "variable"
            | "open"
            | "universe"
            | "import"
            | "prelude"
            | "infix"
            | "infixl"
            | "infixr"
            | "prefix"
            | "postfix"
            | "notation"
            | "Type"
            | "Sort"
            | "Prop"
            | "let"
            | "in"
            | "match"
    )
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

/// The ASCII bytes that continue an identifier: `[A-Za-z0-9_'!?]`.
static ID_REST: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'!' | b'?');
        c += 1;
    }
    t
};

/// The length of the identifier segment at the start of `s` (0 if none).
#[inline]
fn segment_len(s: &str) -> usize {
    let b = s.as_bytes();
    // ASCII fast path: `[A-Za-z_][A-Za-z0-9_'!?]*`.
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {}
        Some(c) if c.is_ascii() => return 0,
        None => return 0,
        Some(_) => return segment_len_slow(s),
    }
    let mut i = 1;
    while i < b.len() {
        let c = b[i];
        if ID_REST[c as usize] {
            i += 1;
        } else if c.is_ascii() {
            return i;
        } else {
            // A non-ASCII character: letters and subscripts continue it.
            return i + rest_len_slow(&s[i..]);
        }
    }
    i
}

fn segment_len_slow(s: &str) -> usize {
    let mut it = s.chars();
    match it.next() {
        Some(c) if is_id_start(c) => c.len_utf8() + rest_len_slow(it.as_str()),
        _ => 0,
    }
}

fn rest_len_slow(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_id_rest(c))
        .map_or(s.len(), |(i, _)| i)
}

/// `a.b.c`: segments joined by dots; a dot followed by a digit ends it
/// (`h.1` is a projection). Returns the identifier's length (0 if none).
fn ident_len(s: &str) -> usize {
    let mut n = segment_len(s);
    if n == 0 {
        return 0;
    }
    while s.as_bytes().get(n) == Some(&b'.') {
        let k = segment_len(&s[n + 1..]);
        if k == 0 {
            break;
        }
        n += 1 + k;
    }
    n
}

/// The length of the identifier at the start of `s` (0 if none).
pub fn ident_prefix_len(s: &str) -> usize {
    ident_len(s)
}

/// Skips whitespace and comments (`--` to the end of the line, nested `/- -/`).
/// Returns the bytes skipped, or an error offset for an unterminated comment.
#[inline]
pub fn skip_trivia(src: &str, mut off: usize) -> Result<usize, usize> {
    let bytes = src.as_bytes();
    // Most tokens follow one space or none: done when neither whitespace
    // nor a comment can start after it.
    if bytes.get(off) == Some(&b' ') {
        off += 1;
    }
    match bytes.get(off) {
        None => return Ok(off),
        Some(&c) if c.is_ascii() && !c.is_ascii_whitespace() && c != b'-' && c != b'/' => {
            return Ok(off)
        }
        _ => {}
    }
    skip_trivia_slow(src, off)
}

fn skip_trivia_slow(src: &str, mut off: usize) -> Result<usize, usize> {
    let bytes = src.as_bytes();
    loop {
        // ASCII whitespace by bytes; other whitespace by characters.
        while off < bytes.len() && bytes[off].is_ascii_whitespace() {
            off += 1;
        }
        if off < bytes.len() && !bytes[off].is_ascii() {
            let rest = &src[off..];
            let trimmed = rest.trim_start();
            if trimmed.len() != rest.len() {
                off += rest.len() - trimmed.len();
                continue;
            }
        }
        let trimmed = &src[off..];
        if trimmed.starts_with("--") {
            off += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/-") {
            let start = off;
            let mut depth = 0usize;
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

/// Which symbol a [`Tok::Sym`] is ([`notation::Operators::info`]); other
/// tokens are no symbol.
pub const NO_SYM: SymId = SymId::MAX;

/// Reads the token at `off` (after trivia). Returns it, its end offset and
/// which symbol it is ([`NO_SYM`] for other tokens), or `None` when no token
/// starts here.
pub fn lex<'s>(
    src: &'s str,
    off: usize,
    notations: &NotationTable,
) -> Option<(Tok<'s>, usize, SymId)> {
    let rest = &src[off..];
    let Some(&first) = rest.as_bytes().first() else {
        return Some((Tok::Eof, off, NO_SYM));
    };
    // Operators and symbols: the longest match.
    let best = notations.operators().longest_match(rest);
    let id = ident_len(rest);
    if id > 0 {
        // An operator spelled with letters would not win over a longer identifier.
        if best.is_none_or(|(b, _)| id >= b) {
            return Some((Tok::Ident(&rest[..id]), off + id, NO_SYM));
        }
    }
    if let Some((b, sym)) = best {
        return Some((Tok::Sym(&rest[..b]), off + b, sym));
    }
    if first.is_ascii_digit() {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        return Some((Tok::Num(&rest[..n]), off + n, NO_SYM));
    }
    if first == b'"' {
        let body = &rest[1..];
        let n = body.find(['"', '\n'])?;
        if body.as_bytes()[n] == b'"' {
            return Some((Tok::Str(&body[..n]), off + n + 2, NO_SYM));
        }
    }
    None
}

/// Line and column of byte offsets, counted from the last answer: the
/// parser asks for the position of each token as it first reads it, so the
/// offsets move forward and each byte of the source is looked at about once
/// (no table of line starts is built first). An offset before the last
/// answer (after the operators change, the tokens read ahead are read
/// again) is counted back from it.
pub struct LineIndex {
    /// The last answer: an offset, its line and its column.
    last: std::cell::Cell<(usize, u32, u32)>,
}

impl LineIndex {
    pub fn new() -> LineIndex {
        LineIndex {
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    #[inline]
    pub fn pos(&self, src: &str, off: usize) -> Pos {
        let off = off.min(src.len());
        let bytes = src.as_bytes();
        let (from, mut line, mut col) = self.last.get();
        // Characters are the bytes that do not continue a UTF-8 sequence.
        let chars = |b: &[u8]| b.iter().filter(|&&c| c & 0xC0 != 0x80).count() as u32;
        if off >= from {
            for &c in &bytes[from..off] {
                if c == b'\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += u32::from(c & 0xC0 != 0x80);
                }
            }
        } else {
            let back = &bytes[off..from];
            let newlines = back.iter().filter(|&&c| c == b'\n').count() as u32;
            if newlines == 0 {
                col -= chars(back);
            } else {
                line -= newlines;
                let start = bytes[..off]
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(0, |i| i + 1);
                col = 1 + chars(&bytes[start..off]);
            }
        }
        self.last.set((off, line, col));
        Pos::new(line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_dotted_names_and_projections() {
        let t = NotationTable::new();
        let lex = |src, off, t| lex(src, off, t).map(|(tok, end, _)| (tok, end));
        assert_eq!(lex("Nat.add x", 0, &t), Some((Tok::Ident("Nat.add"), 7)));
        assert_eq!(lex("h.1", 0, &t), Some((Tok::Ident("h"), 1)));
        assert_eq!(lex(":= x", 0, &t), Some((Tok::Sym(":="), 2)));
        assert_eq!(lex("α₁", 0, &t), Some((Tok::Ident("α₁"), 5)));
        assert_eq!(lex("x₁'.y!", 0, &t), Some((Tok::Ident("x₁'.y!"), 8)));
        assert_eq!(lex("λx", 0, &t), Some((Tok::Sym("λ"), 2)));
        assert_eq!(lex("12a", 0, &t), Some((Tok::Num("12"), 2)));
        assert_eq!(lex("\"a b\" c", 0, &t), Some((Tok::Str("a b"), 5)));
        assert_eq!(lex("\"a\nb\"", 0, &t), None);
        assert_eq!(lex("", 0, &t), Some((Tok::Eof, 0)));
    }

    #[test]
    fn keywords_are_the_listed_words() {
        const KEYWORDS: &[&str] = &[
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
        for k in KEYWORDS {
            assert!(is_keyword(k), "{k}");
        }
        for w in ["a", "x", "funs", "Fun", "R.add", "", "matchx", "Typ", "_"] {
            assert!(!is_keyword(w), "{w}");
        }
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
        let li = LineIndex::new();
        assert_eq!(li.pos(src, 3), Pos::new(2, 1));
        assert_eq!(li.pos(src, 6), Pos::new(2, 2));
        // Backwards on a line, and back across lines.
        let src = "ab\n∀ x ∀ y";
        let li = LineIndex::new();
        assert_eq!(li.pos(src, 9), Pos::new(2, 5));
        assert_eq!(li.pos(src, 7), Pos::new(2, 3));
        assert_eq!(li.pos(src, 1), Pos::new(1, 2));
        assert_eq!(li.pos(src, 13), Pos::new(2, 7));
    }

    /// Line and column counted from the start, as the definition says.
    fn pos_from_scratch(src: &str, off: usize) -> Pos {
        let before = &src[..off];
        let line = before.matches('\n').count() as u32 + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos::new(line, 1 + src[start..off].chars().count() as u32)
    }

    #[test]
    fn positions_counted_from_the_last_answer_agree_with_counting_from_the_start() {
        let src = "theorem t : ∀ x, x = x := -- a comment with ∀ and ⊢\n  /- nested /- ⟨é⟩ -/ -/\n\n  fun x₁ => ⟨x₁, h.1⟩ -- ∎\r\nλ α => α";
        let offs: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        // Forward, as the lexer reads; then backward; then hopping about.
        let li = LineIndex::new();
        for &o in &offs {
            assert_eq!(li.pos(src, o), pos_from_scratch(src, o), "forward, {o}");
        }
        for &o in offs.iter().rev() {
            assert_eq!(li.pos(src, o), pos_from_scratch(src, o), "backward, {o}");
        }
        let mut k = 7usize;
        for _ in 0..500 {
            k = (k * 31 + 17) % offs.len();
            let o = offs[k];
            assert_eq!(li.pos(src, o), pos_from_scratch(src, o), "hopping, {o}");
        }
        // Past the end clamps to the end.
        assert_eq!(li.pos(src, src.len() + 5), pos_from_scratch(src, src.len()));
    }
}
