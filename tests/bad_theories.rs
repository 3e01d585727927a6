//! Every file in `tests/data/bad-theories/` is rejected by `proofmill check`
//! with exit 1 and `FILE:LINE:COL: error: MESSAGE`, where LINE:COL and a
//! substring of MESSAGE are given by the file's sidecar `.expected` (first
//! line `line:col`, second line the substring). Nothing may panic. Three more
//! cases are generated here rather than committed: absurdly deep nesting, a
//! 10 MB file, and invalid UTF-8.

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-theories")
}

/// Runs `proofmill check FILE` in FILE's directory; returns (exit code, stderr).
fn check(path: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .arg("check")
        .arg(path.file_name().expect("a file name"))
        .current_dir(path.parent().expect("a directory"))
        .output()
        .expect("proofmill runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The problems with one case, if any.
fn verify(path: &Path, line_col: &str, substring: &str) -> Option<String> {
    let (code, stderr) = check(path);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if stderr.contains("panicked") {
        return Some(format!("{name}: panicked: {stderr}"));
    }
    if code != Some(1) {
        return Some(format!("{name}: exit {code:?}, expected 1: {stderr}"));
    }
    let prefix = format!("{name}:{line_col}: error: ");
    if !stderr.starts_with(&prefix) {
        return Some(format!("{name}: expected `{prefix}…`, got: {stderr}"));
    }
    if !stderr.contains(substring) {
        return Some(format!("{name}: message lacks `{substring}`: {stderr}"));
    }
    None
}

#[test]
fn every_bad_theory_is_rejected_where_expected() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("bad-theories/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "theory"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} bad theories", cases.len());
    let mut failures = Vec::new();
    for path in &cases {
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected", path.display()));
        let mut lines = expected.lines();
        let line_col = lines.next().expect("line:col");
        let substring = lines.next().expect("message");
        if let Some(f) = verify(path, line_col, substring) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-bad-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn absurdly_deep_nesting_is_declined_at_the_limit() {
    let depth = 100_000;
    let src = format!(
        "def x : Nat := {}0{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let p = scratch("deep.theory", src.as_bytes());
    // The parser allows 1000 levels (a parenthesis takes two: the group and
    // the term inside), so the error points at the 501st parenthesis.
    let r = verify(&p, "1:516", "nesting too deep");
    assert!(r.is_none(), "{r:?}");
    let deep_arrows = format!("axiom y : {}Prop\n", "Prop → ".repeat(depth));
    let p = scratch("deep_arrows.theory", deep_arrows.as_bytes());
    let (code, stderr) = check(&p);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("nesting too deep"), "{stderr}");
}

#[test]
fn a_ten_megabyte_file_is_read_and_rejected_at_its_end() {
    let mut src = String::with_capacity(10 << 20);
    let mut lines = 0;
    while src.len() < 10 << 20 {
        src.push_str("-- a long file: padding that the lexer must skip in linear time\n");
        lines += 1;
    }
    src.push_str("theorem bad : 0 = 1 := rfl\n");
    let p = scratch("big.theory", src.as_bytes());
    let r = verify(&p, &format!("{}:24", lines + 1), "type mismatch");
    assert!(r.is_none(), "{r:?}");
}

#[test]
fn invalid_utf8_is_reported_where_it_starts() {
    let p = scratch("utf8.theory", b"axiom x : Prop\naxiom y \xff\xfe : Prop\n");
    let r = verify(&p, "2:9", "invalid UTF-8");
    assert!(r.is_none(), "{r:?}");
}

/// Limits of work (README, "Limits"): a file over the size limit is refused
/// from its size, unread, with exit 2 (a sparse 100 GiB file: reading it
/// would not end), as an import too; and a long operator chain elaborates
/// in time linear in its length (100,000 terms: well under a second of CPU
/// on the development machine; quadratic before, when 16,000 took 23 s).
#[test]
fn an_oversized_file_is_refused_unread() {
    let p = scratch("huge.theory", b"");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(100 << 30)
        .unwrap();
    let (code, stderr) = check(&p);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("file too large"), "{stderr}");
    let importer = scratch("imports_huge.theory", b"import \"huge.theory\"\n");
    let (code, stderr) = check(&importer);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("file too large"), "{stderr}");
    std::fs::remove_file(&p).unwrap();
}

#[test]
fn a_long_operator_chain_checks_in_linear_time() {
    let terms = 100_000;
    let src = format!("def x : Nat := {}\n", vec!["1"; terms].join(" + "));
    let p = scratch("chain.theory", src.as_bytes());
    let t = std::time::Instant::now();
    let (code, stderr) = check(&p);
    assert_eq!(code, Some(0), "{stderr}");
    // Generous for a shared machine; the quadratic elaborator took minutes.
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}
