//! Bounded work and options that cannot apply (README, "Limits"): every
//! limit is hit with one clear `error: …` line and exit 2, options that
//! cannot apply to the theory are refused the same way, `--threads 0`
//! means one thread per core in every command, and a closed standard output
//! ends a command quietly with its usual exit status.

use crate::export_common::bin;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn generate(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("generate")
        .arg("--out")
        .arg(dir)
        .args(args)
        .output()
        .expect("run proofmill")
}

fn refused(args: &[&str], needle: &str) {
    let d = tmp("refused");
    let out = generate(&d, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(needle),
        "{args:?}: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(!d.exists(), "{args:?}: nothing is written");
}

#[test]
fn generation_limits_are_usage_errors() {
    refused(&["--count", "3", "--steps", "1..100000"], "1 ≤ A ≤ B ≤ 100");
    refused(&["--max-size", "100000"], "--max-size 100000");
    refused(&["--count", "10000001"], "at most 10000000");
    refused(&["--min-size", "30", "--max-size", "20"], "--min-size 30");
    refused(
        &[
            "--theory",
            "calculus",
            "--hard-steps",
            "9",
            "--steps",
            "2..4",
        ],
        "--hard-steps 9",
    );
    // Answers must fit the walk's terms where there are answers (calculus);
    // elsewhere --answer-size is idle and a small --max-size is fine.
    refused(
        &["--theory", "calculus", "--max-size", "8"],
        "--answer-size 4..10",
    );
    let d = tmp("small-terms");
    let out = generate(
        &d,
        &["--theory", "ring", "--count", "20", "--max-size", "8"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_longest_walks_allowed_finish() {
    let d = tmp("longest");
    let t = std::time::Instant::now();
    let out = generate(
        &d,
        &["--count", "3", "--steps", "100..100", "--max-size", "64"],
    );
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t.elapsed().as_secs() < 120, "{:?}", t.elapsed());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn options_that_cannot_apply_are_refused() {
    refused(
        &["--theory", "ring", "--hard-steps", "1"],
        "ring has no hard rules",
    );
    refused(
        &["--theory", "foo"],
        "not a shipped theory (nat, ring, group, nilgroup, logic, calculus)",
    );
    refused(&["--theory", "prelude"], "the prelude has no rules");
}

#[test]
fn threads_zero_means_one_per_core() {
    let a = tmp("threads0");
    let b = tmp("threads1");
    assert!(generate(&a, &["--count", "50", "--threads", "0"])
        .status
        .success());
    assert!(generate(&b, &["--count", "50", "--threads", "1"])
        .status
        .success());
    let read = |d: &Path| std::fs::read(d.join("shard-00000.jsonl")).unwrap();
    assert!(read(&a) == read(&b));
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

/// Runs the command with a standard output whose reading end is already
/// closed: every write fails with a broken pipe.
fn with_closed_stdout(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run proofmill");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let d = tmp("pipe");
    let out = with_closed_stdout(
        bin()
            .arg("generate")
            .arg("--out")
            .arg(&d)
            .args(["--count", "1200"]),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = with_closed_stdout(bin().arg("stats").arg(&d));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = with_closed_stdout(bin().arg("verify").arg(&d));
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&d);
}

/// `--curriculum` has one bucket per step count: 60 theorems of 3 to 8
/// steps are 10 of each (they were 4 uneven buckets of 1 or 2 step counts).
#[test]
fn curriculum_buckets_are_equal() {
    let d = tmp("curriculum");
    let out = generate(
        &d,
        &[
            "--count",
            "60",
            "--steps",
            "3..8",
            "--curriculum",
            "--seed",
            "4",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut per = std::collections::BTreeMap::new();
    for l in std::fs::read_to_string(d.join("shard-00000.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        *per.entry(v["difficulty"]["steps"].as_u64().unwrap())
            .or_insert(0) += 1;
    }
    assert_eq!(
        per.into_iter().collect::<Vec<_>>(),
        [(3, 10), (4, 10), (5, 10), (6, 10), (7, 10), (8, 10)]
    );
    let _ = std::fs::remove_dir_all(&d);
}
