//! `proofmill regress`: a ring and a logic corpus replayed against their
//! shipped theories edited the ways theory authors edit them (a rule
//! renamed, its arguments swapped, a hypothesis added, a rule deleted, a
//! notation changed). The report must name exactly the records the change
//! touches, computed here from the records themselves (those whose steps
//! use the rule, or whose texts hold the notation's token), blame the
//! right rule or token with the right kind, and exit 1; unchanged, every
//! record replays and it exits 0. A tampered corpus or a theory that does
//! not parse exits 2, and `--format github` prints workflow commands.

use crate::export_common::bin;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("proofmill-regress-{}-{name}", std::process::id()))
}

/// A generated corpus and its records, read as plain JSON.
struct Corpus {
    dir: PathBuf,
    records: Vec<Value>,
}

fn generate(theory: &str, count: u32) -> Corpus {
    let dir = tmp(&format!("regress-{theory}"));
    let _ = std::fs::remove_dir_all(&dir);
    let out = bin()
        .args(["generate", "--theory", theory, "--seed", "7", "--count"])
        .arg(count.to_string())
        .arg("--out")
        .arg(&dir)
        .output()
        .expect("run proofmill");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut shards: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    shards.sort();
    let records = shards
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .expect("a shard")
                .lines()
                .map(|l| serde_json::from_str(l).expect("a record"))
                .collect::<Vec<Value>>()
        })
        .collect();
    Corpus { dir, records }
}

fn ring() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| generate("ring", 300))
}

fn logic() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| generate("logic", 200))
}

/// The shipped theory `name` with each `(from, to)` edit made (each `from`
/// must occur), written to a file of its own.
fn edited(name: &str, tag: &str, edits: &[(&str, &str)]) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("theories/{name}.theory"));
    let mut text = std::fs::read_to_string(src).expect("the shipped theory");
    for (from, to) in edits {
        assert!(text.contains(from), "{name}.theory has no `{from}`");
        text = text.replace(from, to);
    }
    let dir = tmp(&format!("regress-theories-{tag}"));
    std::fs::create_dir_all(&dir).expect("a directory");
    let path = dir.join(format!("{name}.theory"));
    std::fs::write(&path, text).expect("write the theory");
    path
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    report: Value,
}

fn regress(c: &Corpus, theory: Option<&Path>, extra: &[&str]) -> Run {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let json = tmp(&format!(
        "regress-report-{}.json",
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let mut cmd = bin();
    cmd.arg("regress").arg(&c.dir).arg("--json").arg(&json);
    if let Some(t) = theory {
        cmd.arg("--theory").arg(t);
    }
    let out = cmd.args(extra).output().expect("run proofmill");
    let report = std::fs::read_to_string(&json)
        .ok()
        .map(|s| serde_json::from_str(&s).expect("the report is JSON"))
        .unwrap_or(Value::Null);
    let _ = std::fs::remove_file(&json);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report,
    }
}

fn ids(records: impl Iterator<Item = Value>) -> BTreeSet<String> {
    records
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The records the report says broke or changed.
fn affected(run: &Run) -> BTreeSet<String> {
    let results = run.report["results"].as_array().expect("results");
    ids(results.iter().filter(|r| r["verdict"] != "ok").cloned())
}

/// The arguments a step's tactic gives its rule: `rw [← mul_add a (b + c) d]`
/// gives `a`, `(b + c)`, `d`.
fn rule_args(tactic: &str) -> Vec<String> {
    let inner = &tactic[tactic.find('[').expect("[") + 1..tactic.rfind(']').expect("]")];
    let inner = inner.trim_start_matches("← ").trim_start_matches('@');
    let mut out = vec![String::new()];
    let mut depth = 0i32;
    for ch in inner.chars() {
        match ch {
            ' ' if depth == 0 => out.push(String::new()),
            _ => {
                depth += i32::from(ch == '(') - i32::from(ch == ')');
                out.last_mut().expect("an argument").push(ch);
            }
        }
    }
    out.remove(0);
    out
}

/// Every argument list is affected by the change.
fn always(_: &[String]) -> bool {
    true
}

/// Swapping the first two arguments changes nothing when they are equal.
fn first_two_differ(args: &[String]) -> bool {
    args[0] != args[1]
}

/// The first step of `r` that uses `rule` with arguments `affects` takes.
fn first_use(r: &Value, rule: &str, affects: fn(&[String]) -> bool) -> Option<usize> {
    r["steps"].as_array().expect("steps").iter().position(|s| {
        s["rule"] == rule && affects(&rule_args(s["tactic"].as_str().expect("a tactic")))
    })
}

/// The records whose statement, tactics or goals hold `token`.
fn holding(c: &Corpus, token: &str) -> BTreeSet<String> {
    ids(c
        .records
        .iter()
        .filter(|r| {
            let s = |v: &Value| v.as_str().expect("a text").contains(token);
            s(&r["statement"])
                || r["steps"]
                    .as_array()
                    .expect("steps")
                    .iter()
                    .any(|st| s(&st["tactic"]) || s(&st["state_before"]) || s(&st["state_after"]))
        })
        .cloned())
}

/// `(subject, name, kind)` of every summary entry.
fn summary(run: &Run) -> Vec<(String, String, String)> {
    run.report["summary"]
        .as_array()
        .expect("a summary")
        .iter()
        .map(|s| {
            let f = |k: &str| s[k].as_str().unwrap_or("").to_string();
            (f("subject"), f("name"), f("kind"))
        })
        .collect()
}

/// The line of `theory` that holds `needle`.
fn line_of(theory: &Path, needle: &str) -> usize {
    std::fs::read_to_string(theory)
        .expect("the theory")
        .lines()
        .position(|l| l.contains(needle))
        .expect("the declaration")
        + 1
}

/// A change to `rule` breaks or changes exactly the records that use it
/// with arguments it `affects` (a swap of two equal arguments changes
/// nothing), each at its first step that does, and the summary blames the
/// rule alone, with `kind`.
fn check_rule_change(
    c: &Corpus,
    theory: &Path,
    rule: &str,
    affects: fn(&[String]) -> bool,
    kind: &str,
) -> Run {
    let run = regress(c, Some(theory), &[]);
    assert_eq!(run.code, 1, "{rule}: {}", run.stderr);
    let expected = ids(c
        .records
        .iter()
        .filter(|r| first_use(r, rule, affects).is_some())
        .cloned());
    assert!(!expected.is_empty(), "no record uses {rule}");
    assert!(expected.len() < c.records.len(), "every record uses {rule}");
    assert_eq!(affected(&run), expected, "{rule}: {kind}");
    assert_eq!(
        summary(&run),
        [("rule".to_string(), rule.to_string(), kind.to_string())]
    );
    let results = run.report["results"].as_array().expect("results");
    for (res, rec) in results.iter().zip(&c.records) {
        assert_eq!(res["id"], rec["id"], "records in corpus order");
        if res["verdict"] == "ok" {
            continue;
        }
        let steps = rec["steps"].as_array().expect("steps");
        let first = first_use(rec, rule, affects).expect("used");
        assert_eq!(res["at"], "step");
        assert_eq!(res["step"], first, "{}", res);
        assert_eq!(res["tactic"], steps[first]["tactic"]);
        assert_eq!(res["rule"], rule);
        match res["verdict"].as_str() {
            Some("broken") => assert!(res["error"].as_str().is_some_and(|e| !e.is_empty())),
            Some("changed") => {
                assert_eq!(res["recorded"], steps[first]["state_after"]);
                assert_ne!(res["recorded"], res["replayed"]);
            }
            v => panic!("verdict {v:?}"),
        }
    }
    let total = &run.report;
    assert_eq!(
        total["ok"].as_u64().unwrap() as usize,
        c.records.len() - expected.len()
    );
    run
}

#[test]
fn an_unchanged_theory_replays_every_record() {
    for (c, name) in [(ring(), "ring"), (logic(), "logic")] {
        let copy = edited(name, &format!("same-{name}"), &[]);
        let shipped = PathBuf::from(name);
        for theory in [None, Some(copy.as_path()), Some(shipped.as_path())] {
            let run = regress(c, theory, &[]);
            assert_eq!(run.code, 0, "{name} {theory:?}: {}", run.stdout);
            assert_eq!(run.report["records"], c.records.len());
            assert_eq!(run.report["ok"], c.records.len());
            assert!(affected(&run).is_empty());
            assert!(summary(&run).is_empty());
        }
    }
}

#[test]
fn ring_rule_changes_name_exactly_the_records_that_use_the_rule() {
    let c = ring();
    let renamed = edited(
        "ring",
        "rename",
        &[(
            "@[rule] axiom add_comm :",
            "@[rule] axiom add_comm_renamed :",
        )],
    );
    check_rule_change(c, &renamed, "add_comm", always, "rule missing");
    let swapped = edited(
        "ring",
        "swap",
        &[(
            "@[rule] axiom mul_add : a * (b + c)",
            "@[rule] axiom mul_add (b a c : R) : a * (b + c)",
        )],
    );
    check_rule_change(
        c,
        &swapped,
        "mul_add",
        first_two_differ,
        "argument order or arity changed",
    );
    let hypothesis = edited(
        "ring",
        "hypothesis",
        &[(
            "@[rule] axiom one_mul : one * a = a",
            "@[rule] axiom one_mul (h : a + zero = a) : one * a = a",
        )],
    );
    check_rule_change(
        c,
        &hypothesis,
        "one_mul",
        always,
        "argument order or arity changed",
    );
    let deleted = edited(
        "ring",
        "delete",
        &[("@[rule] axiom mul_one : a * one = a\n", "")],
    );
    check_rule_change(c, &deleted, "mul_one", always, "rule missing");
    let statement = edited(
        "ring",
        "statement",
        &[(
            "@[rule] axiom zero_add : zero + a = a",
            "@[rule] axiom zero_add : zero + a = a + zero",
        )],
    );
    check_rule_change(c, &statement, "zero_add", always, "statement changed");
}

#[test]
fn a_ring_notation_change_names_exactly_the_records_that_hold_its_token() {
    let c = ring();
    let theory = edited(
        "ring",
        "notation",
        &[
            ("prefix:75 \"-\" => R.neg", "prefix:75 \"~\" => R.neg"),
            (" -a", " ~a"),
            ("-(a", "~(a"),
        ],
    );
    let run = regress(c, Some(&theory), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = holding(c, "-");
    assert!(!expected.is_empty() && expected.len() < c.records.len());
    assert_eq!(affected(&run), expected);
    let s = summary(&run);
    assert!(s
        .iter()
        .any(|(sub, name, _)| sub == "notation" && name == "-"));
    for (sub, _, kind) in &s {
        assert!(sub == "notation" || sub == "rule", "{s:?}");
        assert_eq!(kind, "notation or printing changed");
    }
    let tokens: Vec<&str> = run.report["theory_changes"]["notations"]
        .as_array()
        .expect("notation changes")
        .iter()
        .map(|n| n["token"].as_str().expect("a token"))
        .collect();
    assert_eq!(tokens, ["-", "~"]);
    assert!(run.report["theory_changes"]["rules"]
        .as_array()
        .expect("rule changes")
        .is_empty());
}

#[test]
fn logic_changes_name_exactly_the_affected_records() {
    let c = logic();
    let renamed = edited(
        "logic",
        "l-rename",
        &[(
            "@[rule] theorem or_comm :",
            "@[rule] theorem or_comm_renamed :",
        )],
    );
    check_rule_change(c, &renamed, "or_comm", always, "rule missing");
    let swapped = edited(
        "logic",
        "l-swap",
        &[(
            "@[rule] theorem not_or : ¬(p ∨ q)",
            "@[rule] theorem not_or {q p : Prop} : ¬(p ∨ q)",
        )],
    );
    check_rule_change(
        c,
        &swapped,
        "not_or",
        first_two_differ,
        "argument order or arity changed",
    );
    let hypothesis = edited(
        "logic",
        "l-hypothesis",
        &[(
            "@[rule] theorem and_absorb : p ∧ (p ∨ q) ↔ p",
            "@[rule] theorem and_absorb (h : p ∨ q) : p ∧ (p ∨ q) ↔ p",
        )],
    );
    check_rule_change(
        c,
        &hypothesis,
        "and_absorb",
        always,
        "argument order or arity changed",
    );
    // `∧` still parses as before, but `And` now prints with `&`.
    let notation = edited(
        "logic",
        "l-notation",
        &[("section Logic", "infixr:35 \" & \" => And\n\nsection Logic")],
    );
    let run = regress(c, Some(&notation), &[]);
    assert_eq!(run.code, 1);
    let expected = holding(c, "∧");
    assert!(!expected.is_empty() && expected.len() < c.records.len());
    assert_eq!(affected(&run), expected);
    for (sub, name, kind) in summary(&run) {
        assert_eq!(kind, "notation or printing changed", "{sub} {name}");
    }
    let results = run.report["results"].as_array().expect("results");
    assert!(results.iter().all(|r| r["verdict"] != "broken"));
}

#[test]
fn the_github_format_has_one_error_line_per_change_at_its_declaration() {
    let c = ring();
    let renamed = edited(
        "ring",
        "gh-rename",
        &[(
            "@[rule] axiom add_comm :",
            "@[rule] axiom add_comm_renamed :",
        )],
    );
    let swapped = edited(
        "ring",
        "gh-swap",
        &[
            (
                "@[rule] axiom mul_comm : a * b",
                "-- swapped\n@[rule] axiom mul_comm (b a : R) : a * b",
            ),
            ("@[rule] axiom mul_one : a * one = a\n", ""),
        ],
    );
    // A missing rule is placed where the corpus's theory declared it; a
    // changed one where the new theory does.
    let cases = [
        (
            &renamed,
            vec![("add_comm", line_of(&renamed, "add_comm_renamed"))],
        ),
        (
            &swapped,
            vec![
                ("mul_comm", line_of(&swapped, "axiom mul_comm")),
                ("mul_one", line_of(&renamed, "axiom mul_one")),
            ],
        ),
    ];
    for (theory, want) in cases {
        let run = regress(c, Some(theory), &["--format", "github"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let mut got = Vec::new();
        for l in run.stdout.lines() {
            let rest = l.strip_prefix("::error file=").expect("a workflow command");
            let (props, msg) = rest.split_once("::").expect("::message");
            let (file, line) = props.split_once(",line=").expect("file and line");
            assert_eq!(file, theory.display().to_string());
            let line: usize = line.parse().expect("a line number");
            assert!(!msg.is_empty() && !msg.contains('\n'));
            let rule = msg
                .strip_prefix("rule ")
                .and_then(|m| m.split_once(' '))
                .expect("rule NAME …")
                .0;
            assert!(msg.contains("records broken"), "{msg}");
            got.push((rule.to_string(), line));
        }
        got.sort();
        let mut want: Vec<(String, usize)> =
            want.into_iter().map(|(r, l)| (r.to_string(), l)).collect();
        want.sort();
        assert_eq!(got, want);
        assert!(
            run.stderr.contains("regress: 300 records"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn the_report_does_not_depend_on_the_thread_count() {
    let c = ring();
    let swapped = edited(
        "ring",
        "threads",
        &[(
            "@[rule] axiom mul_comm : a * b",
            "@[rule] axiom mul_comm (b a : R) : a * b",
        )],
    );
    let one = regress(c, Some(&swapped), &["--threads", "1"]);
    let two = regress(c, Some(&swapped), &["--threads", "2"]);
    assert_eq!(one.code, 1);
    assert_eq!(one.report, two.report);
    assert_eq!(one.stdout.lines().count(), two.stdout.lines().count());
}

#[test]
fn unreadable_input_exits_2() {
    let c = logic();
    // A theory file that does not parse: file:line:col.
    let bad = edited(
        "logic",
        "bad",
        &[("@[rule] theorem or_comm :", "@[rule] theorem or_comm ::")],
    );
    let run = regress(c, Some(&bad), &[]);
    assert_eq!(run.code, 2);
    let at = format!("{}:{}:", bad.display(), line_of(&bad, "or_comm ::"));
    assert!(run.stderr.starts_with(&at), "{}", run.stderr);
    assert!(run.stderr.contains(": error: "), "{}", run.stderr);
    // No such theory, no such corpus.
    let run = regress(c, Some(Path::new("/nonexistent/x.theory")), &[]);
    assert_eq!(run.code, 2);
    let nothing = Corpus {
        dir: tmp("regress-nothing"),
        records: Vec::new(),
    };
    assert_eq!(regress(&nothing, None, &[]).code, 2);

    // A tampered shard, in a copy of the corpus.
    let copy = tmp("regress-tampered");
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).expect("a directory");
    for e in std::fs::read_dir(&c.dir).expect("the corpus") {
        let p = e.expect("an entry").path();
        std::fs::copy(&p, copy.join(p.file_name().expect("a name"))).expect("copy");
    }
    let shard = copy.join("shard-00000.jsonl");
    let text = std::fs::read_to_string(&shard).expect("the shard");
    assert!(text.contains("\"seed\":\"7\""));
    std::fs::write(&shard, text.replacen("\"seed\":\"7\"", "\"seed\":\"8\"", 1)).expect("write");
    let tampered = Corpus {
        dir: copy.clone(),
        records: Vec::new(),
    };
    let run = regress(&tampered, None, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("sha256"), "{}", run.stderr);
    // A tampered theory source in the manifest.
    std::fs::write(&shard, text).expect("write");
    assert_eq!(regress(&tampered, None, &[]).code, 0);
    let m = copy.join("manifest.json");
    let manifest = std::fs::read_to_string(&m).expect("the manifest");
    // The theory's text, not the coverage figures that name rules too.
    let (head, sources) = manifest.split_at(manifest.find("\"theory_sources\"").expect("sources"));
    let sources = sources.replacen("and_comm", "and_comn", 1);
    std::fs::write(&m, format!("{head}{sources}")).expect("write");
    let run = regress(&tampered, None, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&copy);
}
