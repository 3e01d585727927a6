//! One NDJSON line → one raw record, indices still unresolved.
//!
//! Both format versions are read by shape: 3.0.0 wraps declaration payloads
//! in one-element arrays and calls the parts of an inductive record
//! `inductiveVals`/`constructorVals`/`recursorVals`; 3.1.0 uses bare objects
//! and `types`/`ctors`/`recs`. Unknown extra keys are ignored (later minor
//! versions may add fields); unknown record kinds are errors.

use super::error::Malformed;
use super::json::{Obj, Res};
use num_bigint::BigUint;
use proofmill_kernel::{BinderInfo, DefinitionSafety, QuotKind, ReducibilityHints};
use serde_json::Value;

/// A name node: `pre.str` or `pre.i`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NameRec {
    Str { pre: u64, s: String },
    Num { pre: u64, i: u64 },
}

/// A level node; the operands are level indices (`Param`: a name index).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LevelRec {
    Succ(u64),
    Max(u64, u64),
    IMax(u64, u64),
    Param(u64),
}

/// An expression node; operands are indices of the matching kind.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExprRec {
    BVar(u32),
    Sort(u64),
    Const {
        name: u64,
        levels: Vec<u64>,
    },
    App(u64, u64),
    Lam {
        name: u64,
        info: BinderInfo,
        ty: u64,
        body: u64,
    },
    Pi {
        name: u64,
        info: BinderInfo,
        ty: u64,
        body: u64,
    },
    Let {
        name: u64,
        ty: u64,
        value: u64,
        body: u64,
    },
    Proj {
        struct_name: u64,
        idx: u32,
        expr: u64,
    },
    Nat(BigUint),
    Str(String),
    /// Metadata is dropped: the record stands for the expression it wraps.
    MData(u64),
}

/// What every declaration record has: a name, universe parameters and a type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Header {
    pub(crate) name: u64,
    pub(crate) level_params: Vec<u64>,
    pub(crate) ty: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct InductiveTypeRec {
    pub(crate) header: Header,
    pub(crate) num_params: u32,
    pub(crate) num_indices: u32,
    pub(crate) all: Vec<u64>,
    pub(crate) ctors: Vec<u64>,
    pub(crate) num_nested: u32,
    pub(crate) is_rec: bool,
    pub(crate) is_unsafe: bool,
    pub(crate) is_reflexive: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CtorRec {
    pub(crate) header: Header,
    pub(crate) induct: u64,
    pub(crate) cidx: u32,
    pub(crate) num_params: u32,
    pub(crate) num_fields: u32,
    pub(crate) is_unsafe: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RuleRec {
    pub(crate) ctor: u64,
    pub(crate) num_fields: u32,
    pub(crate) rhs: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RecursorRec {
    pub(crate) header: Header,
    pub(crate) all: Vec<u64>,
    pub(crate) num_params: u32,
    pub(crate) num_indices: u32,
    pub(crate) num_motives: u32,
    pub(crate) num_minors: u32,
    pub(crate) rules: Vec<RuleRec>,
    pub(crate) k: bool,
    pub(crate) is_unsafe: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DeclRec {
    Axiom {
        header: Header,
        is_unsafe: bool,
    },
    Def {
        header: Header,
        value: u64,
        hints: ReducibilityHints,
        safety: DefinitionSafety,
        /// The declarations defined together with this one (it among them).
        all: Option<Vec<u64>>,
    },
    Thm {
        header: Header,
        value: u64,
        all: Option<Vec<u64>>,
    },
    Opaque {
        header: Header,
        value: u64,
        is_unsafe: bool,
        all: Option<Vec<u64>>,
    },
    Quot {
        header: Header,
        kind: QuotKind,
    },
    Inductive {
        types: Vec<InductiveTypeRec>,
        ctors: Vec<CtorRec>,
        recs: Vec<RecursorRec>,
    },
}

/// One line of an export.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Record {
    /// The header; carries the format version.
    Meta {
        version: String,
    },
    Name {
        idx: u64,
        node: NameRec,
    },
    Level {
        idx: u64,
        node: LevelRec,
    },
    Expr {
        idx: u64,
        node: ExprRec,
    },
    Decl(Box<DeclRec>),
}

/// Parses one non-empty line.
pub(crate) fn parse_record(line: &str, max_nat_digits: usize) -> Res<Record> {
    match super::fast::parse_fast(line) {
        Some(record) => Ok(record),
        None => parse_general(line, max_nat_digits),
    }
}

/// Parses one non-empty line through a JSON tree: every record kind, and
/// every error.
pub(crate) fn parse_general(line: &str, max_nat_digits: usize) -> Res<Record> {
    let value: Value = serde_json::from_str(line).map_err(|e| Malformed::BadJson(e.to_string()))?;
    let Value::Object(map) = &value else {
        return Err(Malformed::NotAnObject);
    };
    let o = Obj {
        map,
        record: "record",
    };
    if o.has("meta") {
        let meta = o.obj("meta", "meta")?;
        let format = meta.obj("format", "meta")?;
        return Ok(Record::Meta {
            version: format.str("version")?.to_owned(),
        });
    }
    if o.has("in") {
        let o = Obj {
            map,
            record: "name",
        };
        return Ok(Record::Name {
            idx: o.u64("in")?,
            node: parse_name(o)?,
        });
    }
    if o.has("il") {
        let o = Obj {
            map,
            record: "level",
        };
        return Ok(Record::Level {
            idx: o.u64("il")?,
            node: parse_level(o)?,
        });
    }
    if o.has("ie") {
        let o = Obj {
            map,
            record: "expression",
        };
        return Ok(Record::Expr {
            idx: o.u64("ie")?,
            node: parse_expr(o, max_nat_digits)?,
        });
    }
    for kind in ["axiom", "def", "thm", "opaque", "quot", "inductive"] {
        if let Some(payload) = map.get(kind) {
            return Ok(Record::Decl(Box::new(parse_decl(kind, payload)?)));
        }
    }
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    Err(Malformed::UnknownRecord {
        keys: keys.join(", "),
    })
}

fn parse_name(o: Obj<'_>) -> Res<NameRec> {
    if o.has("str") {
        let s = o.obj("str", "name")?;
        Ok(NameRec::Str {
            pre: s.u64("pre")?,
            s: s.str("str")?.to_owned(),
        })
    } else if o.has("num") {
        let n = o.obj("num", "name")?;
        Ok(NameRec::Num {
            pre: n.u64("pre")?,
            i: n.u64("i")?,
        })
    } else {
        Err(Malformed::UnknownForm {
            record: "name",
            expected: "str, num",
        })
    }
}

fn parse_level(o: Obj<'_>) -> Res<LevelRec> {
    if o.has("succ") {
        Ok(LevelRec::Succ(o.u64("succ")?))
    } else if o.has("max") {
        let (a, b) = o.u64_pair("max")?;
        Ok(LevelRec::Max(a, b))
    } else if o.has("imax") {
        let (a, b) = o.u64_pair("imax")?;
        Ok(LevelRec::IMax(a, b))
    } else if o.has("param") {
        Ok(LevelRec::Param(o.u64("param")?))
    } else {
        Err(Malformed::UnknownForm {
            record: "level",
            expected: "succ, max, imax, param",
        })
    }
}

fn binder_info(o: Obj<'_>) -> Res<BinderInfo> {
    if !o.has("binderInfo") {
        return Ok(BinderInfo::Default);
    }
    match o.str("binderInfo")? {
        "default" => Ok(BinderInfo::Default),
        "implicit" => Ok(BinderInfo::Implicit),
        "strictImplicit" => Ok(BinderInfo::StrictImplicit),
        "instImplicit" => Ok(BinderInfo::InstImplicit),
        other => Err(Malformed::BadValue {
            record: o.record,
            field: "binderInfo",
            value: format!("{other:?}"),
        }),
    }
}

fn parse_nat(v: &Value, max_digits: usize) -> Res<BigUint> {
    let wrong = || Malformed::WrongType {
        record: "natVal",
        field: "natVal",
        expected: "a string of decimal digits",
    };
    match v {
        // Older exporters wrote small literals as JSON numbers.
        Value::Number(n) => n.as_u64().map(BigUint::from).ok_or_else(wrong),
        Value::String(s) => {
            if s.len() > max_digits {
                return Err(Malformed::TooLarge {
                    what: "natural-number literal (digits)",
                    value: s.len().to_string(),
                    limit: max_digits.to_string(),
                });
            }
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(wrong());
            }
            BigUint::parse_bytes(s.as_bytes(), 10).ok_or_else(wrong)
        }
        _ => Err(wrong()),
    }
}

fn parse_expr(o: Obj<'_>, max_nat_digits: usize) -> Res<ExprRec> {
    if o.has("bvar") {
        return Ok(ExprRec::BVar(o.u32("bvar")?));
    }
    if o.has("sort") {
        return Ok(ExprRec::Sort(o.u64("sort")?));
    }
    if o.has("const") {
        let c = o.obj("const", "const")?;
        return Ok(ExprRec::Const {
            name: c.u64("name")?,
            levels: c.u64_list("us")?,
        });
    }
    if o.has("app") {
        let a = o.obj("app", "app")?;
        return Ok(ExprRec::App(a.u64("fn")?, a.u64("arg")?));
    }
    if o.has("lam") || o.has("forallE") {
        let is_lam = o.has("lam");
        let b = if is_lam {
            o.obj("lam", "lam")?
        } else {
            o.obj("forallE", "forallE")?
        };
        let (name, info, ty, body) = (
            b.u64("name")?,
            binder_info(b)?,
            b.u64("type")?,
            b.u64("body")?,
        );
        return Ok(if is_lam {
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
        });
    }
    if o.has("letE") {
        let l = o.obj("letE", "letE")?;
        return Ok(ExprRec::Let {
            name: l.u64("name")?,
            ty: l.u64("type")?,
            value: l.u64("value")?,
            body: l.u64("body")?,
        });
    }
    if o.has("proj") {
        let p = o.obj("proj", "proj")?;
        return Ok(ExprRec::Proj {
            struct_name: p.u64("typeName")?,
            idx: p.u32("idx")?,
            expr: p.u64("struct")?,
        });
    }
    if o.has("natVal") {
        return Ok(ExprRec::Nat(parse_nat(o.field("natVal")?, max_nat_digits)?));
    }
    if o.has("strVal") {
        return Ok(ExprRec::Str(o.str("strVal")?.to_owned()));
    }
    if o.has("mdata") {
        let m = o.obj("mdata", "mdata")?;
        return Ok(ExprRec::MData(m.u64("expr")?));
    }
    Err(Malformed::UnknownForm {
        record: "expression",
        expected: "bvar, sort, const, app, lam, forallE, letE, proj, natVal, strVal, mdata",
    })
}

/// 3.0.0 wraps a declaration's payload in a one-element array.
fn unwrap_payload<'a>(kind: &'static str, v: &'a Value) -> Res<Obj<'a>> {
    match v {
        Value::Array(items) => match items.as_slice() {
            [one] => Obj::of(one, kind, kind),
            _ => Err(Malformed::WrongType {
                record: kind,
                field: kind,
                expected: "an object or a one-element array",
            }),
        },
        _ => Obj::of(v, kind, kind),
    }
}

fn header(o: Obj<'_>) -> Res<Header> {
    Ok(Header {
        name: o.u64("name")?,
        level_params: o.u64_list("levelParams")?,
        ty: o.u64("type")?,
    })
}

fn hints(o: Obj<'_>) -> Res<ReducibilityHints> {
    let v = o.field("hints")?;
    match v {
        Value::String(s) if s == "abbrev" => Ok(ReducibilityHints::Abbrev),
        Value::String(s) if s == "opaque" => Ok(ReducibilityHints::Opaque),
        Value::Object(m) if m.contains_key("regular") => {
            let r = Obj {
                map: m,
                record: "hints",
            };
            Ok(ReducibilityHints::Regular(r.u32("regular")?))
        }
        other => Err(Malformed::BadValue {
            record: o.record,
            field: "hints",
            value: other.to_string(),
        }),
    }
}

fn safety(o: Obj<'_>) -> Res<DefinitionSafety> {
    match o.str("safety")? {
        "safe" => Ok(DefinitionSafety::Safe),
        "unsafe" => Ok(DefinitionSafety::Unsafe),
        "partial" => Ok(DefinitionSafety::Partial),
        other => Err(Malformed::BadValue {
            record: o.record,
            field: "safety",
            value: format!("{other:?}"),
        }),
    }
}

fn quot_kind(o: Obj<'_>) -> Res<QuotKind> {
    match o.str("kind")? {
        "type" => Ok(QuotKind::Type),
        "ctor" => Ok(QuotKind::Ctor),
        "lift" => Ok(QuotKind::Lift),
        "ind" => Ok(QuotKind::Ind),
        other => Err(Malformed::BadValue {
            record: o.record,
            field: "kind",
            value: format!("{other:?}"),
        }),
    }
}

fn parse_decl(kind: &'static str, payload: &Value) -> Res<DeclRec> {
    if kind == "inductive" {
        return parse_inductive(Obj::of(payload, "inductive", "inductive")?);
    }
    let o = unwrap_payload(kind, payload)?;
    let header = header(o)?;
    let all = if o.has("all") {
        Some(o.u64_list("all")?)
    } else {
        None
    };
    Ok(match kind {
        "axiom" => DeclRec::Axiom {
            header,
            is_unsafe: o.bool_or("isUnsafe", false)?,
        },
        "def" => DeclRec::Def {
            header,
            value: o.u64("value")?,
            hints: hints(o)?,
            safety: safety(o)?,
            all,
        },
        "thm" => DeclRec::Thm {
            header,
            value: o.u64("value")?,
            all,
        },
        "opaque" => DeclRec::Opaque {
            header,
            value: o.u64("value")?,
            is_unsafe: o.bool_or("isUnsafe", false)?,
            all,
        },
        _ => DeclRec::Quot {
            header,
            kind: quot_kind(o)?,
        },
    })
}

/// The part of an inductive record named `new` (3.1.0) or `old` (3.0.0).
fn part<'a>(
    o: Obj<'a>,
    new: &'static str,
    old: &'static str,
    record: &'static str,
) -> Res<Vec<Obj<'a>>> {
    if o.has(new) || !o.has(old) {
        o.objs(new, record)
    } else {
        o.objs(old, record)
    }
}

fn parse_inductive(o: Obj<'_>) -> Res<DeclRec> {
    let types = part(o, "types", "inductiveVals", "inductive type")?
        .into_iter()
        .map(|t| {
            Ok(InductiveTypeRec {
                header: header(t)?,
                num_params: t.u32("numParams")?,
                num_indices: t.u32("numIndices")?,
                all: t.u64_list("all")?,
                ctors: t.u64_list("ctors")?,
                num_nested: t.u32("numNested")?,
                is_rec: t.bool("isRec")?,
                is_unsafe: t.bool_or("isUnsafe", false)?,
                is_reflexive: t.bool("isReflexive")?,
            })
        })
        .collect::<Res<Vec<_>>>()?;
    let ctors = part(o, "ctors", "constructorVals", "constructor")?
        .into_iter()
        .map(|c| {
            Ok(CtorRec {
                header: header(c)?,
                induct: c.u64("induct")?,
                cidx: c.u32("cidx")?,
                num_params: c.u32("numParams")?,
                num_fields: c.u32("numFields")?,
                is_unsafe: c.bool_or("isUnsafe", false)?,
            })
        })
        .collect::<Res<Vec<_>>>()?;
    let recs = part(o, "recs", "recursorVals", "recursor")?
        .into_iter()
        .map(|r| {
            let rules = r
                .objs("rules", "recursor rule")?
                .into_iter()
                .map(|x| {
                    Ok(RuleRec {
                        ctor: x.u64("ctor")?,
                        num_fields: x.u32("nfields")?,
                        rhs: x.u64("rhs")?,
                    })
                })
                .collect::<Res<Vec<_>>>()?;
            Ok(RecursorRec {
                header: header(r)?,
                all: r.u64_list("all")?,
                num_params: r.u32("numParams")?,
                num_indices: r.u32("numIndices")?,
                num_motives: r.u32("numMotives")?,
                num_minors: r.u32("numMinors")?,
                rules,
                k: r.bool("k")?,
                is_unsafe: r.bool_or("isUnsafe", false)?,
            })
        })
        .collect::<Res<Vec<_>>>()?;
    if types.is_empty() {
        return Err(Malformed::EmptyInductive);
    }
    Ok(DeclRec::Inductive { types, ctors, recs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Res<Record> {
        parse_record(line, 1000)
    }

    #[test]
    fn names_levels_and_exprs_parse() {
        assert_eq!(
            parse(r#"{"in":2,"str":{"pre":0,"str":"foo"}}"#),
            Ok(Record::Name {
                idx: 2,
                node: NameRec::Str {
                    pre: 0,
                    s: "foo".into()
                }
            })
        );
        assert_eq!(
            parse(r#"{"il":1,"imax":[2,3]}"#),
            Ok(Record::Level {
                idx: 1,
                node: LevelRec::IMax(2, 3)
            })
        );
        assert_eq!(
            parse(r#"{"ie":7,"natVal":"123456789012345678901234567890"}"#),
            Ok(Record::Expr {
                idx: 7,
                node: ExprRec::Nat("123456789012345678901234567890".parse().unwrap())
            })
        );
    }

    #[test]
    fn declaration_payloads_may_be_wrapped_in_one_element_arrays() {
        let bare = r#"{"thm":{"all":[1],"levelParams":[],"name":1,"type":2,"value":3}}"#;
        let wrapped = r#"{"thm":[{"all":[1],"levelParams":[],"name":1,"type":2,"value":3}]}"#;
        assert_eq!(parse(bare), parse(wrapped));
        assert!(parse(bare).is_ok());
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        assert!(matches!(parse("{not json"), Err(Malformed::BadJson(_))));
        assert_eq!(parse("[1,2]"), Err(Malformed::NotAnObject));
        assert_eq!(
            parse(r#"{"widget":3}"#),
            Err(Malformed::UnknownRecord {
                keys: "widget".into()
            })
        );
        assert_eq!(
            parse(r#"{"ie":3,"app":{"fn":1}}"#),
            Err(Malformed::MissingField {
                record: "app",
                field: "arg"
            })
        );
        assert_eq!(
            parse(r#"{"ie":3,"bvar":-1}"#),
            Err(Malformed::WrongType {
                record: "expression",
                field: "bvar",
                expected: "a natural number"
            })
        );
        assert!(matches!(
            parse(r#"{"ie":3,"bvar":99999999999}"#),
            Err(Malformed::TooLarge { .. })
        ));
        assert!(matches!(
            parse(r#"{"ie":3,"natVal":"12a"}"#),
            Err(Malformed::WrongType { .. })
        ));
        let long = format!(r#"{{"ie":3,"natVal":"{}"}}"#, "9".repeat(1001));
        assert!(matches!(parse(&long), Err(Malformed::TooLarge { .. })));
        assert!(matches!(
            parse(r#"{"ie":3,"lam":{"name":1,"type":2,"body":3,"binderInfo":"sideways"}}"#),
            Err(Malformed::BadValue { .. })
        ));
        assert_eq!(
            parse(r#"{"inductive":{"types":[],"ctors":[],"recs":[]}}"#),
            Err(Malformed::EmptyInductive)
        );
    }
}
