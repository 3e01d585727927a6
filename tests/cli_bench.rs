//! `proofmill bench-provers`: the real provers (E, z3, cvc5, and proofmill's
//! own `prove`) run on a corpus's exported problems and are judged against
//! each problem's status; a prover that answers wrongly is flagged as
//! unsound; the report's files are written; the sample is deterministic;
//! bad input exits 2.

use crate::export_common::bin;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn corpus(dir: &Path, theory: &str, count: &str) -> PathBuf {
    let out = dir.join(format!("corpus-{theory}"));
    let g = bin()
        .args([
            "generate", "--theory", theory, "--steps", "1..6", "--count", count,
        ])
        .args(["--seed", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    out
}

fn bench(corpus: &Path, out: &Path, args: &[&str]) -> Output {
    bin()
        .arg("bench-provers")
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn real_provers_are_run_judged_and_reported() {
    for p in ["eprover", "z3", "cvc5"] {
        assert!(
            have(p),
            "{p} is not installed (./scripts/test.sh installs it)"
        );
    }
    let dir = tmp("real");
    let c = corpus(&dir, "ring", "60");
    let out = dir.join("report");
    let r = bench(&c, &out, &["--sample", "16", "--timeout", "2"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        stdout.contains("| steps | prover | problems | solved |"),
        "{stdout}"
    );
    for f in [
        "results.csv",
        "results.json",
        "ratings.csv",
        "summary.md",
        "solve_rate.svg",
        "solve_rate.png",
        "solve_rate_size.svg",
        "solve_rate_size.png",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let png = std::fs::read(out.join("solve_rate.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(out.join("solve_rate.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("eprover"));
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 16 * 4);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 16 * 4);
    for row in rows {
        // Every answer is a verdict: none wrong, none unreadable.
        let result = row["result"].as_str().unwrap();
        assert!(result == "solved" || result == "unsolved", "{row}");
    }
    for p in json["provers"].as_array().unwrap() {
        let solved = p["solved"].as_u64().unwrap();
        assert!(solved >= 14, "{p}: these small theorems are easy");
        assert_eq!(p["unsound"], 0);
    }
    let ratings = std::fs::read_to_string(out.join("ratings.csv")).unwrap();
    assert_eq!(ratings.lines().count(), 17);

    // The same sample again: the same problems; into a non-empty --out only with --force.
    let again = bench(&c, &out, &["--sample", "16", "--prover", "z3"]);
    assert_eq!(again.status.code(), Some(2));
    let again = bench(&c, &out, &["--sample", "16", "--prover", "z3", "--force"]);
    assert!(again.status.success());
    let ids = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        v.dedup();
        v
    };
    let csv2 = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert_eq!(ids(&csv), ids(&csv2));
}

#[test]
fn a_prover_that_answers_wrongly_is_flagged_unsound() {
    let dir = tmp("liar");
    let c = corpus(&dir, "logic", "12");
    // A "prover" that refutes every conjecture it is given.
    let liar = dir.join("liar.sh");
    std::fs::write(
        &liar,
        "#!/bin/sh\ntest -f \"$1\" || exit 3\necho '% SZS status CounterSatisfiable for problem'\n",
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&liar).status().unwrap();
    let spec = format!("liar={} {{tptp}}", liar.display());
    let out = dir.join("report");
    let r = bench(
        &c,
        &out,
        &[
            "--prover",
            &spec,
            "--prover",
            "nosuchprover=nosuchprover {smt2}",
        ],
    );
    assert_eq!(
        r.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("prover nosuchprover skipped"), "{stderr}");
    assert!(stderr.contains("liar gave 12 wrong answers"), "{stderr}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["provers"][0]["unsound"], 12);
    assert_eq!(json["skipped"][0]["prover"], "nosuchprover");
}

#[test]
fn bad_input_exits_2() {
    let dir = tmp("bad");
    let c = corpus(&dir, "ring", "5");
    let out = dir.join("report");
    for args in [
        vec!["--timeout", "0"],
        vec!["--sample", "0"],
        vec!["--prover", "nosuch"],
        vec!["--prover", "x=foo"],
        vec!["--prover", "z3,z3"],
    ] {
        let r = bench(&c, &out, &args);
        assert_eq!(r.status.code(), Some(2), "{args:?}");
    }
    let r = bench(&dir.join("missing"), &out, &[]);
    assert_eq!(r.status.code(), Some(2));
    // A tampered shard is refused before any prover runs.
    let shard = c.join("shard-00000.jsonl");
    let text =
        std::fs::read_to_string(&shard)
            .unwrap()
            .replacen("\"seed\":\"3\"", "\"seed\":\"4\"", 1);
    std::fs::write(&shard, text).unwrap();
    let r = bench(&c, &dir.join("report2"), &["--prover", "z3"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("shard-00000.jsonl"));
}
