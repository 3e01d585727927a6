//! Files written the way a Lean 4 user writes them (`tests/data/lean-style/`):
//! definitions, inductive types, theorems by term and by `rw`, using core's
//! signatures (`Eq.refl a`, `rfl`, `Eq.symm h`, `congrArg f h`,
//! `congrFun h a`, `And.intro`, `Or.inl`, `Iff.intro`, `Iff.mp`, `absurd`,
//! `False.elim`). Each must pass `proofmill check` and round-trip through
//! `--emit-ndjson` and `lean-check`. Before the prelude took core's
//! signatures, `equality.theory` failed at its first theorem
//! (`f a = f a := Eq.refl _`: "too many arguments to Eq.refl").
//!
//! Also: a generated corpus writes a rule whose arguments are implicit (as
//! `logic`'s are, like core's and Mathlib's) fully instantiated with `@`,
//! and that corpus verifies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn proofmill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("proofmill runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "proofmill-lean-style-{}-{name}",
        std::process::id()
    ))
}

fn lean_style_files() -> Vec<PathBuf> {
    let dir = root().join("tests/data/lean-style");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/lean-style/")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "theory"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_lean_style_file_checks_and_round_trips_through_lean_check() {
    let files = lean_style_files();
    assert!(files.len() >= 4, "lean-style files: {files:?}");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let ndjson = tmp(&format!("{name}.ndjson"));
        let out = proofmill(&[
            "check",
            "--emit-ndjson",
            &ndjson.display().to_string(),
            &f.display().to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
        assert!(text(&out).contains(": ok ("), "{name}: {}", text(&out));
        let out = proofmill(&["lean-check", &ndjson.display().to_string()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: lean-check: {}",
            text(&out)
        );
        let _ = std::fs::remove_file(&ndjson);
    }
}

/// The theorems the issue names, each checked on its own so that a failure
/// names the one that broke.
#[test]
fn core_signatures_a_new_user_relies_on() {
    let cases = [
        "theorem t (f : Nat → Nat) (a : Nat) : f a = f a := Eq.refl _",
        "theorem t (a : Nat) : a = a := Eq.refl a",
        "theorem t (a : Nat) : a = a := rfl",
        "theorem t (a b : Nat) (h : a = b) : b = a := Eq.symm h",
        "theorem t (f : Nat → Nat) (a b : Nat) (h : a = b) : f a = f b := congrArg f h",
        "theorem t (f g : Nat → Nat) (h : f = g) (a : Nat) : f a = g a := congrFun h a",
        "theorem t (p q : Prop) (hp : p) (hq : q) : p ∧ q := And.intro hp hq",
        "theorem t (p q : Prop) (hp : p) : p ∨ q := Or.inl hp",
        "theorem t (p : Prop) : p ↔ p := Iff.intro (fun h => h) (fun h => h)",
        "theorem t (p q : Prop) (h : p ↔ q) (hp : p) : q := Iff.mp h hp",
        "theorem t (p q : Prop) (hp : p) (hnp : ¬p) : q := absurd hp hnp",
        "def t (h : False) : Nat := False.elim h",
    ];
    let dir = tmp("cases");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("t.theory");
    for c in cases {
        std::fs::write(&f, c).unwrap();
        let out = proofmill(&["check", &f.display().to_string()]);
        assert_eq!(out.status.code(), Some(0), "{c}\n{}", text(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn records(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("shard-00000.jsonl"))
        .expect("a shard")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect()
}

#[test]
fn rules_with_implicit_arguments_are_written_with_at_and_verify() {
    let dir = tmp("logic");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.display().to_string();
    let out = proofmill(&[
        "generate", "--theory", "logic", "--count", "60", "--seed", "3", "--out", &d,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut seen = false;
    for r in records(&dir) {
        let proof = r["proof_term"].as_str().unwrap();
        for s in r["steps"].as_array().unwrap() {
            let rule = s["rule"].as_str().unwrap();
            let tactic = s["tactic"].as_str().unwrap();
            // `rw [@and_comm p q]` or `rw [← @and_comm p q]`; the rule field stays the name.
            assert!(!rule.starts_with('@'), "{rule}");
            assert!(tactic.contains(&format!("@{rule} ")), "{tactic}");
            assert!(proof.contains(&format!("@{rule} ")), "{proof}");
            seen = true;
        }
    }
    assert!(seen);
    let out = proofmill(&["verify", &d]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains(": 0 bad"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
