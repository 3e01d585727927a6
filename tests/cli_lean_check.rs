//! The `proofmill lean-check` contract: input from a file, `-` or standard
//! input; exit 0 accept, 1 reject, 2 decline; one summary line on stdout and
//! one `error: …` line on stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/lean-arena")
        .join(rel)
}

/// Runs `proofmill lean-check ARGS`, with `stdin` on standard input.
fn lean_check(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .arg("lean-check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the proofmill binary starts");
    let mut input = child.stdin.take().expect("stdin");
    // The checker may stop reading early (e.g. on a usage error): ignore EPIPE.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("proofmill runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A one-axiom export: `axiom foo : Prop`.
fn sparse() -> Vec<u8> {
    std::fs::read(data("SparseNameIndex.ndjson")).expect("test data")
}

fn assert_summary(out: &Output, n: u64) {
    let stdout = text(&out.stdout);
    let prefix = format!("checked {n} declarations in ");
    assert!(
        stdout.starts_with(&prefix)
            && stdout.trim_end().ends_with('s')
            && stdout.lines().count() == 1,
        "unexpected summary: {stdout:?}"
    );
}

#[test]
fn reads_standard_input_when_no_file_is_given() {
    let out = lean_check(&[], &sparse());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_summary(&out, 1);
    assert!(out.stderr.is_empty());
}

#[test]
fn reads_standard_input_for_a_dash() {
    let out = lean_check(&["-"], &sparse());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_summary(&out, 1);
}

#[test]
fn reads_a_file_argument() {
    let path = data("SparseNameIndex.ndjson");
    let out = lean_check(&[path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_summary(&out, 1);
}

#[test]
fn a_missing_file_declines_with_a_message() {
    let out = lean_check(&["/nonexistent/proofmill/export.ndjson"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot open /nonexistent/proofmill/export.ndjson"),
        "{stderr}"
    );
}

#[test]
fn malformed_input_declines_naming_the_line() {
    let mut input = sparse();
    input.extend_from_slice(b"{\"ie\":9,\"app\":{\"fn\":1,\"arg\":\n");
    let out = lean_check(&[], &input);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: line 5: invalid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("declining"), "{stderr}");
}

#[test]
fn an_unknown_record_declines() {
    let out = lean_check(&[], b"{\"lemma\":{}}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 1: unknown record kind"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn axioms_can_be_restricted() {
    let out = lean_check(&["--no-axioms"], &sparse());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: foo: axiom not permitted"),
        "{stderr}"
    );
    assert_summary(&out, 0);

    let out = lean_check(&["--permit-axioms", "bar,baz"], &sparse());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: foo: axiom not permitted"));

    let out = lean_check(&["--permit-axioms", "propext,foo"], &sparse());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
}

#[test]
fn a_kernel_rejection_names_the_declaration() {
    // def bad : Prop := Prop   (Prop : Type, not Prop)
    let input = b"{\"meta\":{\"format\":{\"version\":\"3.1.0\"}}}\n\
{\"in\":1,\"str\":{\"pre\":0,\"str\":\"bad\"}}\n\
{\"ie\":0,\"sort\":0}\n\
{\"def\":{\"name\":1,\"levelParams\":[],\"type\":0,\"value\":0,\"hints\":\"abbrev\",\"safety\":\"safe\",\"all\":[1]}}\n";
    for threads in ["1", "2"] {
        let out = lean_check(&["--threads", threads], input);
        assert_eq!(out.status.code(), Some(1), "threads {threads}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error: bad: "), "{stderr}");
        assert!(stderr.trim_end().ends_with("(line 4)"), "{stderr}");
        assert_summary(&out, 0);
    }
}

#[test]
fn threads_are_accepted_and_validated() {
    let out = lean_check(&["--threads", "2"], &sparse());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_summary(&out, 1);
    // 0 means one thread per core, as for `generate`.
    let out = lean_check(&["--threads", "0"], &sparse());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let out = lean_check(&["--no-axioms", "--permit-axioms", "foo"], &sparse());
    assert_eq!(
        out.status.code(),
        Some(2),
        "conflicting options are a usage error"
    );
}
