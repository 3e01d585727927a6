//! The `proofmill check` contract: every shipped theory is accepted; a bad
//! file is rejected with `file:line:col: error: …` and exit 1; a missing
//! file is a usage/IO error (exit 2).

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("proofmill runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn every_shipped_theory_checks() {
    let dir = root().join("theories");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("theories/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "theory"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "shipped theories: {files:?}");
    for f in &files {
        let out = check(&[f], &root());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{f}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(": ok ("),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn shipped_imports_work_from_any_directory() {
    let tmp = std::env::temp_dir().join(format!("proofmill-check-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let f = tmp.join("uses_nat.theory");
    std::fs::write(
        &f,
        "import nat\n\ntheorem two_comm (a b : Nat) : a + b = b + a := by\n  rw [Nat.add_comm]\n",
    )
    .unwrap();
    let g = tmp.join("uses_file.theory");
    std::fs::write(
        &g,
        "import \"uses_nat.theory\"\n\ntheorem again (a : Nat) : a + 0 = a := two_comm a 0 ▸ rfl\n",
    )
    .unwrap();
    let out = check(&["uses_nat.theory"], &tmp);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = check(&["uses_file.theory"], &tmp);
    // `▸` is not part of the language: a syntax error at its position.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("uses_file.theory:3:53: error:"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn missing_file_is_an_io_error() {
    let out = check(&["no/such/file.theory"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot open"));
}

#[test]
fn no_file_is_a_usage_error() {
    let out = check(&[], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_shipped_theory_round_trips_through_lean_check() {
    let tmp = std::env::temp_dir().join(format!("proofmill-emit-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for name in [
        "prelude", "nat", "ring", "group", "nilgroup", "logic", "calculus",
    ] {
        let src = root().join("theories").join(format!("{name}.theory"));
        let out = tmp.join(format!("{name}.ndjson"));
        let o = check(
            &[
                src.to_str().unwrap(),
                "--emit-ndjson",
                out.to_str().unwrap(),
            ],
            &root(),
        );
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let lc = Command::new(env!("CARGO_BIN_EXE_proofmill"))
            .arg("lean-check")
            .arg(&out)
            .output()
            .expect("proofmill runs");
        assert_eq!(
            lc.status.code(),
            Some(0),
            "{name}: lean-check: {}{}",
            text(&lc.stdout),
            text(&lc.stderr)
        );
    }
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn emit_ndjson_needs_one_file() {
    let a = root().join("theories/nat.theory");
    let a = a.to_str().unwrap();
    let out = check(&[a, a, "--emit-ndjson", "/dev/null"], &root());
    assert_eq!(out.status.code(), Some(2));
}
