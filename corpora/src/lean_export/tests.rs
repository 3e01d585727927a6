//! End-to-end tests of the importer on small hand-written exports.

use super::*;
use proofmill_kernel::{ConstantKind, Env, Name};

const META_31: &str =
    r#"{"meta":{"exporter":{"name":"test","version":"0"},"format":{"version":"3.1.0"}}}"#;
const META_30: &str =
    r#"{"meta":{"exporter":{"name":"test","version":"0"},"format":{"version":"3.0.0"}}}"#;

/// `axiom p : Prop` and `def idp : Prop → Prop := fun x => x`, with the
/// declaration payloads bare (3.1.0) or wrapped in arrays (3.0.0).
fn small_export(meta: &str, wrap: bool) -> String {
    let w = |s: &str| if wrap { format!("[{s}]") } else { s.to_owned() };
    [
        meta.to_owned(),
        r#"{"in":1,"str":{"pre":0,"str":"p"}}"#.into(),
        r#"{"in":2,"str":{"pre":0,"str":"idp"}}"#.into(),
        r#"{"in":3,"str":{"pre":0,"str":"x"}}"#.into(),
        r#"{"ie":0,"sort":0}"#.into(),
        r#"{"ie":1,"bvar":0}"#.into(),
        r#"{"ie":2,"forallE":{"name":3,"type":0,"body":0,"binderInfo":"default"}}"#.into(),
        r#"{"ie":3,"lam":{"name":3,"type":0,"body":1,"binderInfo":"default"}}"#.into(),
        format!(
            r#"{{"axiom":{}}}"#,
            w(r#"{"name":1,"levelParams":[],"type":0,"isUnsafe":false}"#)
        ),
        format!(
            r#"{{"def":{}}}"#,
            w(r#"{"name":2,"levelParams":[],"type":2,"value":3,"hints":{"regular":1},"safety":"safe","all":[2]}"#)
        ),
    ]
    .join("\n")
}

fn import(text: &str, options: ImportOptions) -> (Env, Result<ImportReport, ImportError>) {
    let mut env = Env::new();
    let mut importer = Importer::new(&mut env, options);
    let r = importer
        .read_all(text.as_bytes())
        .map(|()| importer.report());
    (env, r)
}

fn import_err(text: &str) -> ImportError {
    import(text, ImportOptions::default()).1.unwrap_err()
}

#[test]
fn formats_3_0_0_and_3_1_0_import_alike() {
    for (meta, wrap) in [
        (META_31, false),
        (META_30, true),
        (META_31, true),
        (META_30, false),
    ] {
        let (env, r) = import(&small_export(meta, wrap), ImportOptions::default());
        let report = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.declarations, 2);
        assert_eq!(report.lines, 10);
        assert_eq!(
            report.format_version.as_deref(),
            Some(&meta[meta.len() - 9..meta.len() - 4])
        );
        let idp = env.get(&Name::from_dotted("idp")).unwrap();
        assert!(matches!(idp.kind, ConstantKind::Definition { .. }));
    }
}

#[test]
fn blank_lines_and_crlf_are_tolerated() {
    let text = small_export(META_31, false).replace('\n', "\r\n\n");
    let (_, r) = import(&text, ImportOptions::default());
    assert_eq!(r.unwrap().declarations, 2);
}

#[test]
fn bad_json_is_declined_with_its_line_number() {
    let text = format!("{META_31}\n{{\"in\":1,\"str\":{{\"pre\":0\n");
    let e = import_err(&text);
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::BadJson(_)
            }
        ),
        "{e}"
    );
    assert_eq!(e.verdict(), Verdict::Decline);
    assert!(e.to_string().starts_with("line 2: invalid JSON"), "{e}");
}

#[test]
fn unknown_record_kinds_are_declined() {
    let text = format!(
        "{META_31}\n{{\"in\":1,\"str\":{{\"pre\":0,\"str\":\"a\"}}}}\n{{\"lemma\":{{\"name\":1}}}}"
    );
    let e = import_err(&text);
    assert!(
        matches!(&e, ImportError::Malformed { line: 3, what: Malformed::UnknownRecord { keys } } if keys == "lemma"),
        "{e}"
    );
    assert_eq!(e.verdict(), Verdict::Decline);
}

#[test]
fn dangling_indices_are_declined() {
    // An expression refers to an undefined expression.
    let e = import_err(&format!(
        "{META_31}\n{{\"ie\":5,\"app\":{{\"fn\":1,\"arg\":2}}}}"
    ));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::UndefinedIndex {
                    kind: IndexKind::Expr,
                    index: 1
                }
            }
        ),
        "{e}"
    );
    // A declaration names an undefined name.
    let e = import_err(&format!(
        "{META_31}\n{{\"ie\":0,\"sort\":0}}\n{{\"axiom\":{{\"name\":9,\"levelParams\":[],\"type\":0,\"isUnsafe\":false}}}}"
    ));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 3,
                what: Malformed::UndefinedIndex {
                    kind: IndexKind::Name,
                    index: 9
                }
            }
        ),
        "{e}"
    );
    // A level refers to an undefined level.
    let e = import_err(&format!("{META_31}\n{{\"il\":1,\"max\":[0,3]}}"));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::UndefinedIndex { .. }
            }
        ),
        "{e}"
    );
}

#[test]
fn redefinitions_are_declined() {
    let e = import_err(&format!(
        "{META_31}\n{{\"ie\":0,\"sort\":0}}\n{{\"ie\":0,\"bvar\":0}}"
    ));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 3,
                what: Malformed::Redefinition {
                    kind: IndexKind::Expr,
                    index: 0
                }
            }
        ),
        "{e}"
    );
}

#[test]
fn missing_fields_are_named() {
    let e = import_err(&format!(
        "{META_31}\n{{\"ie\":0,\"sort\":0}}\n{{\"thm\":{{\"name\":0,\"levelParams\":[],\"type\":0}}}}"
    ));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 3,
                what: Malformed::MissingField {
                    record: "thm",
                    field: "value"
                }
            }
        ),
        "{e}"
    );
    assert_eq!(e.to_string(), "line 3: thm record: missing field `value`");
}

#[test]
fn the_meta_record_comes_first_and_names_a_supported_version() {
    let e = import_err(&format!("{{\"ie\":0,\"sort\":0}}\n{META_31}"));
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::MisplacedMeta
            }
        ),
        "{e}"
    );
    let e = import_err(r#"{"meta":{"format":{"version":"2.0.0"}}}"#);
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 1,
                what: Malformed::UnsupportedFormat(_)
            }
        ),
        "{e}"
    );
    // No meta record at all is fine.
    let text = small_export(META_31, false);
    let without_meta = text.split_once('\n').unwrap().1;
    assert_eq!(
        import(without_meta, ImportOptions::default())
            .1
            .unwrap()
            .declarations,
        2
    );
}

#[test]
fn kernel_rejections_name_the_declaration() {
    // def bad : Prop := Prop   (Prop : Type, not Prop)
    let text = format!(
        "{META_31}\n{{\"in\":1,\"str\":{{\"pre\":0,\"str\":\"bad\"}}}}\n{{\"ie\":0,\"sort\":0}}\n\
         {{\"def\":{{\"name\":1,\"levelParams\":[],\"type\":0,\"value\":0,\"hints\":\"abbrev\",\"safety\":\"safe\",\"all\":[1]}}}}"
    );
    let e = import_err(&text);
    assert!(
        matches!(&e, ImportError::Kernel { line: 4, decl, .. } if decl.to_string() == "bad"),
        "{e}"
    );
    assert_eq!(e.verdict(), Verdict::Reject);
    assert_eq!(e.decl().map(ToString::to_string).as_deref(), Some("bad"));
}

#[test]
fn axioms_outside_the_permitted_list_are_rejected() {
    let text = small_export(META_31, false);
    let only = |names: &[&str]| {
        ImportOptions::default().with_axioms(AxiomPolicy::PermitOnly(
            names.iter().map(|s| s.to_string()).collect(),
        ))
    };
    let (_, r) = import(&text, only(&["p"]));
    assert_eq!(r.unwrap().declarations, 2);
    let (env, r) = import(&text, only(&["q"]));
    let e = r.unwrap_err();
    assert!(
        matches!(&e, ImportError::AxiomNotPermitted { line: 9, decl } if decl.to_string() == "p"),
        "{e}"
    );
    assert_eq!(e.verdict(), Verdict::Reject);
    assert!(env.is_empty());
    let (_, r) = import(
        &text,
        ImportOptions::default().with_axioms(AxiomPolicy::none()),
    );
    assert!(matches!(r, Err(ImportError::AxiomNotPermitted { .. })));
}

#[test]
fn absurd_sizes_are_declined() {
    let options =
        ImportOptions::default().with_limits(ImportLimits::default().with_max_line_bytes(40));
    let (_, r) = import(&small_export(META_31, false), options);
    let e = r.unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 1,
                what: Malformed::LineTooLong { limit: 40 }
            }
        ),
        "{e}"
    );
    let big = format!("{META_31}\n{{\"ie\":0,\"natVal\":\"{}\"}}", "1".repeat(30));
    let options =
        ImportOptions::default().with_limits(ImportLimits::default().with_max_nat_digits(20));
    let e = import(&big, options).1.unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::Malformed {
                line: 2,
                what: Malformed::TooLarge { .. }
            }
        ),
        "{e}"
    );
}

#[test]
fn big_natural_literals_and_metadata_are_read() {
    let digits = "123456789".repeat(20);
    let text = format!("{META_31}\n{{\"ie\":0,\"natVal\":\"{digits}\"}}\n{{\"ie\":1,\"mdata\":{{\"expr\":0,\"data\":{{}}}}}}");
    let (env, r) = import(&text, ImportOptions::default());
    assert_eq!(r.unwrap().expressions, 2);
    assert!(env.arena().len() == 1, "mdata is transparent: one node");
}

#[test]
fn batched_import_gives_the_streaming_verdicts() {
    let threads = |n| ImportOptions::default().with_threads(n);
    let good = small_export(META_31, false);
    let (env, r) = import(&good, threads(2));
    assert_eq!(r.unwrap().declarations, 2);
    assert_eq!(env.len(), 2);
    // A kernel rejection, then a malformed line: the rejection comes first.
    let bad = format!(
        "{META_31}\n{{\"in\":1,\"str\":{{\"pre\":0,\"str\":\"bad\"}}}}\n{{\"ie\":0,\"sort\":0}}\n\
         {{\"def\":{{\"name\":1,\"levelParams\":[],\"type\":0,\"value\":0,\"hints\":\"abbrev\",\"safety\":\"safe\",\"all\":[1]}}}}\n{{oops"
    );
    for n in [1, 2] {
        let e = import(&bad, threads(n)).1.unwrap_err();
        assert!(
            matches!(&e, ImportError::Kernel { line: 4, .. }),
            "threads {n}: {e}"
        );
    }
    // A non-permitted axiom after a good declaration.
    let options = |n| threads(n).with_axioms(AxiomPolicy::none());
    for n in [1, 2] {
        let e = import(&good, options(n)).1.unwrap_err();
        assert!(
            matches!(&e, ImportError::AxiomNotPermitted { line: 9, .. }),
            "threads {n}: {e}"
        );
    }
}

/// Every arena export, and every arena export cut short or with a line
/// spoiled, gets the same verdict, the same error (same line) and the same
/// environment on one thread (streaming) as on two (batched, pipelined).
#[test]
fn batched_import_agrees_with_streaming_on_every_arena_export() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/lean-arena");
    let mut dirs = vec![root];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "ndjson") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 100);
    let summary = |(env, r): (Env, Result<ImportReport, ImportError>)| {
        (
            r.map(|r| (r.declarations, r.lines, r.constants))
                .map_err(|e| e.to_string()),
            env.names().to_vec(),
        )
    };
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let n = text.lines().count();
        // The file, cut after two thirds, and with line n/2 spoiled (not
        // JSON, not UTF-8, too long).
        let lines: Vec<&str> = text.lines().collect();
        let spoil = |bad: &str| {
            let mut l = lines.clone();
            l[n / 2] = bad;
            l.join("\n")
        };
        let long = "x".repeat(100);
        let mut inputs = vec![
            text.clone().into_bytes(),
            lines[..n * 2 / 3].join("\n").into_bytes(),
            spoil("{oops").into_bytes(),
            spoil(&long).into_bytes(),
        ];
        let mut not_utf8 = spoil("{\"ie\":0,\"sort\":0}").into_bytes();
        if let Some(i) = not_utf8.iter().position(|&b| b == b'"') {
            not_utf8[i] = 0xff;
        }
        inputs.push(not_utf8);
        for (k, input) in inputs.iter().enumerate() {
            let limits =
                ImportLimits::default().with_max_line_bytes(if k == 3 { 99 } else { 1 << 20 });
            let run = |threads| {
                let mut env = Env::new();
                let options = ImportOptions::default()
                    .with_threads(threads)
                    .with_limits(limits.clone());
                let mut importer = Importer::new(&mut env, options);
                let r = importer.read_all(&input[..]).map(|()| importer.report());
                (env, r)
            };
            assert_eq!(
                summary(run(1)),
                summary(run(2)),
                "{} (input {k})",
                path.display()
            );
        }
    }
}

/// A definition's `all` must list the definition itself, by names that
/// resolve; otherwise the export is declined (it was not checked at all).
#[test]
fn a_definitions_all_field_is_checked() {
    let good = small_export(META_31, false);
    assert!(import(&good, ImportOptions::default()).1.is_ok());
    for (all, what) in [("[1]", "does not list idp"), ("[9]", "9")] {
        let bad = good.replace(r#""all":[2]"#, &format!(r#""all":{all}"#));
        let e = import_err(&bad);
        assert!(e.to_string().contains(what), "{all}: {e}");
    }
}
