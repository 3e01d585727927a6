//! A fast path for the records that make up almost all of an export: names,
//! levels and the common expression nodes, in their plain shape.
//!
//! [`parse_fast`] deserializes such a line straight into typed structs
//! (serde's derive), without building a JSON tree. It accepts only lines
//! whose meaning is beyond doubt: exactly the index key and one known form,
//! each field once and no other field (`deny_unknown_fields`; serde refuses
//! duplicates), integers that fit their type, strings without escapes
//! (borrowed). For anything else it answers `None` and the caller parses the
//! line the general way (`records::parse_general`), which also produces every
//! error. So on a line it accepts, it returns exactly the record the general
//! parser returns (a test checks this on every arena line and on mutations
//! of them).

use super::records::{ExprRec, LevelRec, NameRec, Record};
use proofmill_kernel::BinderInfo;
use serde::Deserialize;

/// A line of one of the plain shapes: one index key and one form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plain<'a> {
    #[serde(rename = "in")]
    name_index: Option<u64>,
    #[serde(rename = "il")]
    level_index: Option<u64>,
    #[serde(rename = "ie")]
    expr_index: Option<u64>,
    #[serde(borrow)]
    str: Option<StrName<'a>>,
    num: Option<NumName>,
    succ: Option<u64>,
    param: Option<u64>,
    max: Option<[u64; 2]>,
    imax: Option<[u64; 2]>,
    bvar: Option<u32>,
    sort: Option<u64>,
    #[serde(rename = "const")]
    constant: Option<Const>,
    app: Option<App>,
    #[serde(borrow)]
    lam: Option<Binder<'a>>,
    #[serde(rename = "forallE", borrow)]
    forall: Option<Binder<'a>>,
    proj: Option<Proj>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrName<'a> {
    pre: u64,
    str: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumName {
    pre: u64,
    i: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Const {
    name: u64,
    us: Vec<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct App {
    #[serde(rename = "fn")]
    fun: u64,
    arg: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Binder<'a> {
    name: u64,
    #[serde(rename = "type")]
    ty: u64,
    body: u64,
    #[serde(rename = "binderInfo")]
    info: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Proj {
    #[serde(rename = "typeName")]
    type_name: u64,
    idx: u32,
    #[serde(rename = "struct")]
    value: u64,
}

fn binder_info(s: Option<&str>) -> Option<BinderInfo> {
    Some(match s {
        None | Some("default") => BinderInfo::Default,
        Some("implicit") => BinderInfo::Implicit,
        Some("strictImplicit") => BinderInfo::StrictImplicit,
        Some("instImplicit") => BinderInfo::InstImplicit,
        Some(_) => return None,
    })
}

/// The record on `line`, if it has one of the plain shapes; `None` otherwise
/// (which says nothing about whether the line is well formed).
pub(crate) fn parse_fast(line: &str) -> Option<Record> {
    let p: Plain = serde_json::from_str(line).ok()?;
    let mut forms = Vec::with_capacity(1);
    if let Some(n) = p.str {
        forms.push(Form::Name(NameRec::Str {
            pre: n.pre,
            s: n.str.to_owned(),
        }));
    }
    if let Some(n) = p.num {
        forms.push(Form::Name(NameRec::Num { pre: n.pre, i: n.i }));
    }
    if let Some(a) = p.succ {
        forms.push(Form::Level(LevelRec::Succ(a)));
    }
    if let Some(a) = p.param {
        forms.push(Form::Level(LevelRec::Param(a)));
    }
    if let Some([a, b]) = p.max {
        forms.push(Form::Level(LevelRec::Max(a, b)));
    }
    if let Some([a, b]) = p.imax {
        forms.push(Form::Level(LevelRec::IMax(a, b)));
    }
    if let Some(i) = p.bvar {
        forms.push(Form::Expr(ExprRec::BVar(i)));
    }
    if let Some(l) = p.sort {
        forms.push(Form::Expr(ExprRec::Sort(l)));
    }
    if let Some(c) = p.constant {
        forms.push(Form::Expr(ExprRec::Const {
            name: c.name,
            levels: c.us,
        }));
    }
    if let Some(a) = p.app {
        forms.push(Form::Expr(ExprRec::App(a.fun, a.arg)));
    }
    if let Some(b) = p.lam {
        forms.push(Form::Expr(ExprRec::Lam {
            name: b.name,
            info: binder_info(b.info)?,
            ty: b.ty,
            body: b.body,
        }));
    }
    if let Some(b) = p.forall {
        forms.push(Form::Expr(ExprRec::Pi {
            name: b.name,
            info: binder_info(b.info)?,
            ty: b.ty,
            body: b.body,
        }));
    }
    if let Some(x) = p.proj {
        forms.push(Form::Expr(ExprRec::Proj {
            struct_name: x.type_name,
            idx: x.idx,
            expr: x.value,
        }));
    }
    let [form] = <[Form; 1]>::try_from(forms).ok()?;
    Some(match (p.name_index, p.level_index, p.expr_index, form) {
        (Some(idx), None, None, Form::Name(node)) => Record::Name { idx, node },
        (None, Some(idx), None, Form::Level(node)) => Record::Level { idx, node },
        (None, None, Some(idx), Form::Expr(node)) => Record::Expr { idx, node },
        _ => return None,
    })
}

enum Form {
    Name(NameRec),
    Level(LevelRec),
    Expr(ExprRec),
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
