//! A fast path for the records that make up almost all of an export: names,
//! levels and the common expression nodes, in their plain shape.
//!
//! [`parse_fast`] reads such a line straight from its bytes, without building
//! a JSON tree. It accepts only lines whose meaning is beyond doubt: exactly
//! the index key and one known form, each field once and no other field,
//! numbers as plain decimal digits that fit, strings without escapes. For
//! anything else it answers `None` and the caller parses the line the general
//! way (`records::parse_general`), which also produces every error. So on a
//! line it accepts, it returns exactly the record the general parser returns
//! (a test checks this on every arena line and on mutations of them).

use super::records::{ExprRec, LevelRec, NameRec, Record};
use proofmill_kernel::BinderInfo;

/// The record on `line`, if it has one of the plain shapes; `None` otherwise
/// (which says nothing about whether the line is well formed).
pub(crate) fn parse_fast(line: &str) -> Option<Record> {
    let mut c = Cur { s: line, i: 0 };
    // (index key, index)
    let mut index: Option<(Family, u64)> = None;
    let mut form: Option<Form> = None;
    c.object(|c, key| {
        match key {
            "in" | "il" | "ie" => {
                let family = match key {
                    "in" => Family::Name,
                    "il" => Family::Level,
                    _ => Family::Expr,
                };
                if index.is_some() {
                    return None;
                }
                index = Some((family, c.num()?));
            }
            _ => {
                if form.is_some() {
                    return None;
                }
                form = Some(c.form(key)?);
            }
        }
        Some(())
    })?;
    c.ws();
    if c.i != line.len() {
        return None;
    }
    let (family, idx) = index?;
    Some(match (family, form?) {
        (Family::Name, Form::Name(node)) => Record::Name { idx, node },
        (Family::Level, Form::Level(node)) => Record::Level { idx, node },
        (Family::Expr, Form::Expr(node)) => Record::Expr { idx, node },
        _ => return None,
    })
}

#[derive(Copy, Clone)]
enum Family {
    Name,
    Level,
    Expr,
}

enum Form {
    Name(NameRec),
    Level(LevelRec),
    Expr(ExprRec),
}

/// The fields of a nested object, by position in the list of expected keys.
struct Fields<'a, const N: usize> {
    nums: [Option<u64>; N],
    strs: [Option<&'a str>; N],
    arrays: Option<Vec<u64>>,
}

struct Cur<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => self.i += 1,
            }
        }
        let s = &self.s[start..self.i];
        self.i += 1;
        Some(s)
    }

    /// A natural number written as plain decimal digits (no sign, fraction,
    /// exponent or leading zero) that fits in a `u64`.
    fn num(&mut self) -> Option<u64> {
        self.ws();
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.i += 1;
        }
        let len = self.i - start;
        if len == 0 || (len > 1 && self.s.as_bytes()[start] == b'0') {
            return None;
        }
        // What follows must end the number.
        match self.peek() {
            Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') => Some(n),
            _ => None,
        }
    }

    fn num_u32(&mut self) -> Option<u64> {
        let n = self.num()?;
        (n <= u64::from(u32::MAX)).then_some(n)
    }

    /// An array of natural numbers.
    fn nums(&mut self) -> Option<Vec<u64>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(out);
        }
        loop {
            out.push(self.num()?);
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// An object; `field` reads the value of each key.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            field(self, key)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A nested object with keys from `keys` only, each at most once, the
    /// first `required` of them present; `kinds` says what each key's value
    /// must be (at most one of them an array).
    fn fields<const N: usize>(
        &mut self,
        keys: [&str; N],
        required: usize,
        kinds: [Kind; N],
    ) -> Option<Fields<'a, N>> {
        let mut f = Fields {
            nums: [None; N],
            strs: [None; N],
            arrays: None,
        };
        let mut seen = [false; N];
        self.object(|c, key| {
            let k = keys.iter().position(|&x| x == key)?;
            if std::mem::replace(&mut seen[k], true) {
                return None;
            }
            match kinds[k] {
                Kind::Num => f.nums[k] = Some(c.num()?),
                Kind::U32 => f.nums[k] = Some(c.num_u32()?),
                Kind::Str => f.strs[k] = Some(c.string()?),
                Kind::Nums => f.arrays = Some(c.nums()?),
            }
            Some(())
        })?;
        seen[..required].iter().all(|&s| s).then_some(f)
    }

    /// The value of the form key `key`.
    fn form(&mut self, key: &str) -> Option<Form> {
        use Kind::{Num, Nums, Str, U32};
        Some(match key {
            "str" => {
                let f = self.fields(["pre", "str"], 2, [Num, Str])?;
                Form::Name(NameRec::Str {
                    pre: f.nums[0]?,
                    s: f.strs[1]?.to_owned(),
                })
            }
            "num" => {
                let f = self.fields(["pre", "i"], 2, [Num, Num])?;
                Form::Name(NameRec::Num {
                    pre: f.nums[0]?,
                    i: f.nums[1]?,
                })
            }
            "succ" => Form::Level(LevelRec::Succ(self.num()?)),
            "param" => Form::Level(LevelRec::Param(self.num()?)),
            "max" | "imax" => {
                let [a, b] = self.nums()?[..] else {
                    return None;
                };
                Form::Level(if key == "max" {
                    LevelRec::Max(a, b)
                } else {
                    LevelRec::IMax(a, b)
                })
            }
            "bvar" => Form::Expr(ExprRec::BVar(u32::try_from(self.num_u32()?).ok()?)),
            "sort" => Form::Expr(ExprRec::Sort(self.num()?)),
            "const" => {
                let f = self.fields(["name", "us"], 2, [Num, Nums])?;
                Form::Expr(ExprRec::Const {
                    name: f.nums[0]?,
                    levels: f.arrays?,
                })
            }
            "app" => {
                let f = self.fields(["fn", "arg"], 2, [Num, Num])?;
                Form::Expr(ExprRec::App(f.nums[0]?, f.nums[1]?))
            }
            "lam" | "forallE" => {
                let f = self.fields(
                    ["name", "type", "body", "binderInfo"],
                    3,
                    [Num, Num, Num, Str],
                )?;
                let info = match f.strs[3] {
                    None | Some("default") => BinderInfo::Default,
                    Some("implicit") => BinderInfo::Implicit,
                    Some("strictImplicit") => BinderInfo::StrictImplicit,
                    Some("instImplicit") => BinderInfo::InstImplicit,
                    Some(_) => return None,
                };
                let (name, ty, body) = (f.nums[0]?, f.nums[1]?, f.nums[2]?);
                Form::Expr(if key == "lam" {
                    ExprRec::Lam {
                        name,
                        info,
                        ty,
                        body,
                    }
                } else {
                    ExprRec::Pi {
                        name,
                        info,
                        ty,
                        body,
                    }
                })
            }
            "proj" => {
                let f = self.fields(["typeName", "idx", "struct"], 3, [Num, U32, Num])?;
                Form::Expr(ExprRec::Proj {
                    struct_name: f.nums[0]?,
                    idx: u32::try_from(f.nums[1]?).ok()?,
                    expr: f.nums[2]?,
                })
            }
            _ => return None,
        })
    }
}

#[derive(Copy, Clone)]
enum Kind {
    Num,
    U32,
    Str,
    Nums,
}

#[cfg(test)]
mod tests {
    use super::super::records::parse_general;
    use super::*;

    /// Whenever the fast path answers, the general parser gives the same record.
    fn agrees(line: &str) -> bool {
        match parse_fast(line) {
            None => true,
            Some(fast) => parse_general(line, 1_000_000).as_ref() == Ok(&fast),
        }
    }

    #[test]
    fn plain_shapes_are_read() {
        for line in [
            r#"{"in":1,"str":{"pre":0,"str":"Nat"}}"#,
            r#"{"in":20,"num":{"i":0,"pre":19}}"#,
            r#"{"il":1,"succ":0}"#,
            r#"{"il":9,"max":[3,8]}"#,
            r#"{"il":13,"imax":[9,4]}"#,
            r#"{"il":2,"param":6}"#,
            r#"{"bvar":0,"ie":5}"#,
            r#"{"ie":0,"sort":1}"#,
            r#"{"const":{"name":1,"us":[]},"ie":1}"#,
            r#"{"const":{"name":1,"us":[2, 3]},"ie":1}"#,
            r#"{"app":{"arg":6,"fn":5},"ie":7}"#,
            r#" { "ie" : 7 , "app" : { "fn" : 5 , "arg" : 6 } } "#,
            r#"{"ie":22,"lam":{"binderInfo":"default","body":12,"name":10,"type":16}}"#,
            r#"{"ie":22,"lam":{"body":12,"name":10,"type":16}}"#,
            r#"{"forallE":{"binderInfo":"instImplicit","body":1,"name":4,"type":1},"ie":2}"#,
            r#"{"ie":68,"proj":{"idx":0,"struct":5,"typeName":12}}"#,
        ] {
            assert!(parse_fast(line).is_some(), "{line}");
            assert!(agrees(line), "{line}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_parser() {
        for line in [
            r#"{"in":1,"succ":0}"#,
            r#"{"il":1,"str":{"pre":0,"str":"x"}}"#,
            r#"{"ie":1,"ie":2,"sort":0}"#,
            r#"{"ie":1,"sort":0,"sort":1}"#,
            r#"{"ie":1,"sort":0,"extra":1}"#,
            r#"{"ie":7,"app":{"arg":6,"fn":5,"fn":4}}"#,
            r#"{"ie":7,"app":{"arg":6,"fn":5,"x":4}}"#,
            r#"{"ie":7,"app":{"arg":6}}"#,
            r#"{"ie":07,"sort":0}"#,
            r#"{"ie":-7,"sort":0}"#,
            r#"{"ie":7.0,"sort":0}"#,
            r#"{"ie":7e0,"sort":0}"#,
            r#"{"ie":18446744073709551616,"sort":0}"#,
            r#"{"ie":3,"bvar":99999999999}"#,
            r#"{"in":1,"str":{"pre":0,"str":"a\"b"}}"#,
            r#"{"in":1,"str":{"pre":0,"str":"a	b"}}"#,
            r#"{"\u0069e":1,"sort":0}"#,
            r#"{"ie":1,"sort":0}x"#,
            r#"{"ie":1,"sort":0"#,
            r#"{"ie":1,"lam":{"name":1,"type":2,"body":3,"binderInfo":"sideways"}}"#,
            r#"{"il":9,"max":[3]}"#,
            r#"{"il":9,"max":[3,4,5]}"#,
            r#"{"ie":1,"natVal":"5"}"#,
            r#"{"ie":1}"#,
            r#"{"sort":1}"#,
        ] {
            assert!(parse_fast(line).is_none(), "{line}");
        }
    }

    /// Every line of every arena export, and many single-byte changes of
    /// their record lines: where the fast path answers, it agrees.
    #[test]
    fn agrees_with_the_general_parser_on_arena_lines_and_mutations() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/lean-arena");
        let mut files = Vec::new();
        for dir in ["good", "bad", "perf", ""] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "ndjson") {
                    files.push(e.path());
                }
            }
        }
        assert!(!files.is_empty());
        let mut fast = 0usize;
        let mut shapes = std::collections::HashSet::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                assert!(agrees(line), "{}: {line}", path.display());
                if parse_fast(line).is_some() {
                    fast += 1;
                }
                // Mutate one line of each shape (its keys, in order).
                let shape: String = line.chars().filter(|c| !c.is_ascii_digit()).collect();
                if line.len() < 200 && shapes.insert(shape) {
                    for i in 0..line.len() {
                        for b in [
                            b'0', b'1', b'9', b'-', b'"', b'\\', b',', b'}', b'{', b' ', b'x',
                        ] {
                            let mut bytes = line.as_bytes().to_vec();
                            bytes[i] = b;
                            if let Ok(m) = String::from_utf8(bytes) {
                                assert!(agrees(&m), "{m}");
                            }
                            let mut bytes = line.as_bytes().to_vec();
                            bytes.insert(i, b);
                            if let Ok(m) = String::from_utf8(bytes) {
                                assert!(agrees(&m), "{m}");
                            }
                        }
                        if line.is_char_boundary(i) {
                            let mut cut = line.to_string();
                            cut.remove(i);
                            assert!(agrees(&cut), "{cut}");
                        }
                    }
                }
            }
        }
        assert!(fast > 1000);
    }
}
