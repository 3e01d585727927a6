//! `proofmill prove`: the baseline prover finds proofs of generated
//! theorems, its scripts are accepted by `proofmill check` as written (and
//! refused with a step dropped), false statements are not proved, and bad
//! input exits 2 with the position.

use crate::export_common::bin;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run proofmill")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-prove-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `theorem NAME : statement := by` with `script`, importing the theory
/// file copied beside it, is accepted by `proofmill check` (exit 0).
fn check_script(dir: &Path, theory: &str, statement: &str, script: &[String]) -> Output {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("theories/{theory}.theory"));
    std::fs::copy(&src, dir.join(format!("{theory}.theory"))).unwrap();
    let body: String = script.iter().map(|t| format!("  {t}\n")).collect();
    let text = format!("import \"{theory}.theory\"\n\ntheorem proved : {statement} := by\n{body}");
    let file = dir.join("Proved.theory");
    std::fs::write(&file, text).unwrap();
    run(&["check", file.to_str().unwrap()])
}

#[test]
fn proves_generated_ring_theorems_and_the_scripts_check() {
    let dir = tmp("ring");
    let corpus = dir.join("corpus");
    let g = run(&[
        "generate",
        "--theory",
        "ring",
        "--steps",
        "3..6",
        "--count",
        "120",
        "--seed",
        "11",
        "--out",
        corpus.to_str().unwrap(),
    ]);
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let shard = corpus.join("shard-00000.jsonl");
    let results = dir.join("results.jsonl");
    let p = run(&[
        "prove",
        "--theory",
        "ring",
        "--batch",
        shard.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
        "--timeout",
        "5",
    ]);
    assert!(
        matches!(p.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&p.stderr)
    );
    let inputs: Vec<Value> = std::fs::read_to_string(&shard)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rows: Vec<Value> = std::fs::read_to_string(&results)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), inputs.len());
    let mut proved = 0;
    for (row, rec) in rows.iter().zip(&inputs) {
        // In input order, one result each.
        assert_eq!(row["id"], rec["id"]);
        assert_eq!(row["statement"], rec["statement"]);
        match row["status"].as_str().unwrap() {
            "proved" => proved += 1,
            "not_proved" => assert!(row["stop"].is_string(), "{row}"),
            other => panic!("status {other}: {row}"),
        }
    }
    assert!(
        proved * 100 >= rows.len() * 95,
        "proved {proved} of {}",
        rows.len()
    );
    // A few scripts, checked by `proofmill check` as a user's file; a
    // multi-step one with a step dropped is refused.
    let multi: Vec<&Value> = rows
        .iter()
        .filter(|r| r["status"] == "proved" && r["steps"].as_u64() >= Some(2))
        .take(5)
        .collect();
    assert!(!multi.is_empty());
    for row in multi {
        let statement = row["statement"].as_str().unwrap();
        let script: Vec<String> = row["tactics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        let ok = check_script(&dir, "ring", statement, &script);
        assert!(
            ok.status.success(),
            "{statement}\n{script:?}\n{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let mut short = script.clone();
        short.remove(1);
        let bad = check_script(&dir, "ring", statement, &short);
        assert_eq!(bad.status.code(), Some(1), "{short:?}");
    }
}

#[test]
fn one_statement_prints_a_script_and_exit_codes_follow_the_contract() {
    let p = run(&[
        "prove",
        "--theory",
        "logic",
        "∀ (p q : Prop), ¬(p ∧ q) ↔ ¬q ∨ ¬p",
    ]);
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    let script: Vec<String> = String::from_utf8(p.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(script[0], "intro p q");
    let dir = tmp("logic");
    let c = check_script(&dir, "logic", "∀ (p q : Prop), ¬(p ∧ q) ↔ ¬q ∨ ¬p", &script);
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));

    // Not a theorem: no proof within the limits, the stop reason named.
    let p = run(&["prove", "∀ (a b : R), a * b = a + b", "--max-nodes", "5000"]);
    assert_eq!(p.status.code(), Some(1));
    let err = String::from_utf8_lossy(&p.stderr);
    assert!(
        err.contains("no proof found: node limit 5000 reached"),
        "{err}"
    );

    // Bad input: the position in the statement; an unknown symbol; no theory.
    let p = run(&["prove", "∀ (a b : R), a + * b = b"]);
    assert_eq!(p.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&p.stderr).contains("<statement>:1:"));
    let p = run(&["prove", "--theory", "nosuch", "∀ (a : R), a = a + R.zero"]);
    assert_eq!(p.status.code(), Some(2));
    let p = run(&["prove", "∀ (a : R), a = a"]);
    assert_eq!(p.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&p.stderr).contains("rfl"));
    let p = run(&["prove", "∀ (a : R), a = a + R.zero", "--timeout", "0"]);
    assert_eq!(p.status.code(), Some(2));
}

#[test]
fn a_malformed_batch_line_is_named() {
    let dir = tmp("batch");
    let f = dir.join("in.jsonl");
    std::fs::write(
        &f,
        "{\"statement\":\"∀ (a b : R), a + b = b + a\"}\n{\"id\":3}\n",
    )
    .unwrap();
    let p = run(&["prove", "--batch", f.to_str().unwrap()]);
    assert_eq!(p.status.code(), Some(2));
    let err = String::from_utf8_lossy(&p.stderr);
    assert!(err.contains("in.jsonl:2: no \"statement\""), "{err}");
    // Errors in a statement are a row of their own, not a failed run.
    std::fs::write(
        &f,
        "{\"statement\":\"∀ (a b : R), a + b = b + a\"}\n{\"statement\":\"a +\"}\n",
    )
    .unwrap();
    let p = run(&["prove", "--batch", f.to_str().unwrap()]);
    assert_eq!(p.status.code(), Some(1));
    let rows: Vec<Value> = String::from_utf8(p.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["status"], "proved");
    assert_eq!(rows[0]["tactics"][1], "rw [add_comm a b]");
    assert_eq!(rows[1]["status"], "error");
    assert!(rows[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("<statement>:1:"));
}
