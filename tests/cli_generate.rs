//! `generate`, `verify` and `stats`: every shipped theory with rules gives a
//! corpus that `verify` accepts (the kernel re-checks every proof term, the
//! tactic engine replays every trace and every step); tampering is caught and
//! named; the output does not depend on the number of threads; shards are
//! disjoint and their union is the single run; `--resume` finishes an
//! interrupted run byte for byte; `--exclude` and `--curriculum` do what they
//! say; and, over random seeds (proptest), every record verifies and
//! tampering with any one record is caught.

use crate::export_common::bin;
use std::path::Path;

fn generate(dir: &Path, args: &[&str]) -> std::process::Output {
    let _ = std::fs::remove_dir_all(dir);
    let out = bin()
        .arg("generate")
        .arg("--out")
        .arg(dir)
        .args(args)
        .output()
        .expect("run proofmill");
    assert!(
        out.status.success(),
        "generate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn verify(dir: &Path) -> (i32, String) {
    let out = bin()
        .arg("verify")
        .arg(dir)
        .output()
        .expect("run proofmill");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

fn tmp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("proofmill-test-{}-{name}", std::process::id()))
}

#[test]
fn every_theory_generates_and_verifies() {
    for theory in ["ring", "group", "nilgroup", "nat", "logic", "calculus"] {
        let dir = tmp(&format!("all-{theory}"));
        generate(
            &dir,
            &[
                "--theory",
                theory,
                "--count",
                "25",
                "--seed",
                "7",
                "--format",
                "jsonl,bin",
            ],
        );
        let (code, out) = verify(&dir);
        assert_eq!(code, 0, "{theory}: {out}");
        // The JSONL and bincode shards hold the same 25 records, counted once.
        assert!(
            out.contains("verified 25 records: 0 bad"),
            "{theory}: {out}"
        );
        let stats = bin().arg("stats").arg(&dir).output().expect("stats");
        assert!(stats.status.success());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn calculus_makes_antiderivative_problems() {
    let dir = tmp("calc");
    generate(
        &dir,
        &["--theory", "calculus", "--count", "10", "--hard-steps", "1"],
    );
    let text = std::fs::read_to_string(dir.join("shard-00000.jsonl")).unwrap();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["problem"]["question"]
            .as_str()
            .unwrap()
            .starts_with("find an antiderivative of "));
        assert!(v["difficulty"]["hard_steps"].as_u64().unwrap() >= 1);
    }
    assert_eq!(verify(&dir).0, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn byte_identical_across_threads_and_shards_union() {
    let a = tmp("t1");
    let b = tmp("t2");
    generate(&a, &["--count", "120", "--threads", "1", "--seed", "3"]);
    generate(&b, &["--count", "120", "--threads", "2", "--seed", "3"]);
    let fa = std::fs::read(a.join("shard-00000.jsonl")).unwrap();
    assert_eq!(fa, std::fs::read(b.join("shard-00000.jsonl")).unwrap());
    let mut union: Vec<String> = Vec::new();
    for k in 0..3 {
        let d = tmp(&format!("s{k}"));
        generate(
            &d,
            &[
                "--count",
                "120",
                "--seed",
                "3",
                "--shard",
                &format!("{k}/3"),
            ],
        );
        let t = std::fs::read_to_string(d.join(format!("shard-{k}-of-3-00000.jsonl"))).unwrap();
        union.extend(t.lines().map(String::from));
        let _ = std::fs::remove_dir_all(&d);
    }
    let mut single: Vec<String> = String::from_utf8(fa)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    union.sort();
    single.sort();
    assert_eq!(union, single);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

/// Backward searches take their randomness from the attempt's stream only:
/// a searched corpus is byte-identical for any `--threads` too.
#[test]
fn searched_corpus_is_byte_identical_across_threads() {
    let a = tmp("search-t1");
    let b = tmp("search-t2");
    let opts = [
        "--theory",
        "calculus",
        "--count",
        "120",
        "--seed",
        "5",
        "--hard-steps",
        "2",
        "--min-size",
        "8",
    ];
    generate(&a, &[&opts[..], &["--threads", "1"]].concat());
    generate(&b, &[&opts[..], &["--threads", "2"]].concat());
    let fa = std::fs::read(a.join("shard-00000.jsonl")).unwrap();
    assert_eq!(fa, std::fs::read(b.join("shard-00000.jsonl")).unwrap());
    for r in records(&a) {
        assert!(r["difficulty"]["hard_steps"].as_u64().unwrap() >= 2, "{r}");
    }
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

type Edit = Box<dyn Fn(&mut serde_json::Value)>;

fn edit_first_record(dir: &Path, f: impl Fn(&mut serde_json::Value)) {
    let p = dir.join("shard-00000.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut v: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    f(&mut v);
    lines[0] = v.to_string();
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
}

#[test]
fn tampering_is_caught_and_named() {
    let base = tmp("tamper");
    generate(
        &base,
        &[
            "--count",
            "6",
            "--seed",
            "1",
            "--steps",
            "3..5",
            "--format",
            "jsonl,bin",
        ],
    );
    let first_id = {
        let t = std::fs::read_to_string(base.join("shard-00000.jsonl")).unwrap();
        let v: serde_json::Value = serde_json::from_str(t.lines().next().unwrap()).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    let cases: Vec<(&str, Edit)> = vec![
        (
            "proof",
            Box::new(|v| {
                let p = v["proof_term"].as_str().unwrap().replacen(
                    "Eq.trans (",
                    "Eq.trans (Eq.symm ",
                    1,
                );
                v["proof_term"] = p.into();
            }),
        ),
        (
            "statement",
            Box::new(|v| {
                let s = v["statement"].as_str().unwrap();
                let (pre, rhs) = s.rsplit_once(" = ").unwrap();
                v["statement"] = format!("{pre} = {rhs} + {rhs}").into();
            }),
        ),
        (
            "swap",
            Box::new(|v| {
                let steps = v["steps"].as_array_mut().unwrap();
                steps.swap(0, 1);
            }),
        ),
        // A goal that reads as the right one but is not in printed form,
        // and the goal before the step given as the goal after it (each
        // also as the next step's `state_before`).
        (
            "unprinted goal",
            Box::new(|v| {
                let s = v["steps"][0]["state_after"].as_str().unwrap();
                let s = s.replacen("⊢ ", "⊢ (", 1) + ")";
                v["steps"][0]["state_after"] = s.clone().into();
                v["steps"][1]["state_before"] = s.into();
            }),
        ),
        (
            "stale goal",
            Box::new(|v| {
                let s = v["steps"][0]["state_before"].clone();
                v["steps"][0]["state_after"] = s.clone();
                v["steps"][1]["state_before"] = s;
            }),
        ),
    ];
    for (name, f) in cases {
        let d = tmp(&format!("tamper-{name}"));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        for e in std::fs::read_dir(&base).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
        }
        edit_first_record(&d, f);
        let (code, out) = verify(&d);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(
            out.contains(&format!("error: {first_id}:")),
            "{name}: {out}"
        );
        let why = match name {
            "unprinted goal" => "steps[0].state_after is not in printed form",
            "stale goal" => "state_after is not the goal with every occurrence",
            _ => "",
        };
        assert!(out.contains(why), "{name}: {out}");
        let _ = std::fs::remove_dir_all(&d);
    }
    // A flipped byte and a truncated bincode shard.
    let p = base.join("shard-00000.bin");
    let mut bytes = std::fs::read(&p).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x40;
    std::fs::write(&p, &bytes).unwrap();
    let (code, out) = verify(&base);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("shard-00000.bin"), "{out}");
    bytes[n / 2] ^= 0x40;
    std::fs::write(&p, &bytes[..n - 40]).unwrap();
    let (code, out) = verify(&base);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("shard-00000.bin"), "{out}");
    let _ = std::fs::remove_dir_all(&base);
}

fn shard_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn resume_finishes_an_interrupted_run_byte_for_byte() {
    let args = [
        "--count",
        "2100",
        "--seed",
        "5",
        "--steps",
        "2..4",
        "--format",
        "jsonl,bin",
    ];
    let full = tmp("resume-full");
    generate(&full, &args);
    let want = shard_files(&full);
    assert_eq!(
        want.iter().filter(|(n, _)| n.ends_with(".jsonl")).count(),
        3,
        "three shard files (1,000, 1,000 and 100 records)"
    );
    // Interrupted while writing the last shard: the manifest (not complete)
    // lists shards 0 and 1 as finished and the last JSONL file as begun,
    // which exists only as a partial temporary file; and a record of shard 1
    // was edited since (the file still reads, with the right count).
    let cut = tmp("resume-cut");
    let _ = std::fs::remove_dir_all(&cut);
    std::fs::create_dir_all(&cut).unwrap();
    for (n, bytes) in &want {
        std::fs::write(cut.join(n), bytes).unwrap();
    }
    let mp = cut.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mp).unwrap()).unwrap();
    m["complete"] = false.into();
    m["counts"] = serde_json::json!({});
    let shards = m["shards"].as_array_mut().unwrap();
    shards.retain(|s| s["file"] != "shard-00002.bin");
    shards.last_mut().unwrap()["sha256"] = "".into();
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let last = std::fs::read(cut.join("shard-00002.jsonl")).unwrap();
    std::fs::remove_file(cut.join("shard-00002.jsonl")).unwrap();
    std::fs::remove_file(cut.join("shard-00002.bin")).unwrap();
    std::fs::write(cut.join("shard-00002.jsonl.tmp"), &last[..last.len() / 2]).unwrap();
    let s1 = std::fs::read_to_string(cut.join("shard-00001.jsonl")).unwrap();
    assert!(s1.contains("\"id\":\"ring/s5/001000\""));
    let s1 = s1.replacen("\"id\":\"ring/s5/001000\"", "\"id\":\"ring/s5/009999\"", 1);
    std::fs::write(cut.join("shard-00001.jsonl"), s1).unwrap();

    let out = bin()
        .arg("generate")
        .arg("--out")
        .arg(&cut)
        .args(args)
        .arg("--resume")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Shard 0 (both files) kept, shards 1 and 2 redone.
    assert!(
        stdout.contains("resumed: kept 2 complete shard files"),
        "{stdout}"
    );
    let got = shard_files(&cut);
    assert_eq!(
        got.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        want.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((n, a), (_, b)) in got.iter().zip(&want) {
        assert!(a == b, "{n} differs from the uninterrupted run");
    }
    let _ = std::fs::remove_dir_all(&full);
    let _ = std::fs::remove_dir_all(&cut);
}

fn records(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("shard-00000.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn exclude_keeps_held_out_statements_out() {
    let a = tmp("excl-a");
    generate(&a, &["--count", "40", "--seed", "11", "--steps", "2..5"]);
    let held: Vec<String> = records(&a)
        .iter()
        .step_by(3)
        .map(|r| r["canonical_hash"].as_str().unwrap().to_string())
        .collect();
    let list = tmp("excl-list");
    std::fs::write(&list, format!("# held out\n{}\n", held.join("\n"))).unwrap();
    let b = tmp("excl-b");
    generate(
        &b,
        &[
            "--count",
            "40",
            "--seed",
            "11",
            "--steps",
            "2..5",
            "--exclude",
            list.to_str().unwrap(),
        ],
    );
    let got = records(&b);
    assert_eq!(got.len(), 40, "still exactly --count theorems");
    for r in &got {
        let h = r["canonical_hash"].as_str().unwrap();
        assert!(!held.iter().any(|x| x == h), "held-out {h} was written");
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.join("manifest.json")).unwrap()).unwrap();
    assert!(m["counts"]["excluded"].as_u64().unwrap() >= held.len() as u64);
    assert_eq!(verify(&b).0, 0);
    // A malformed list is a usage error.
    std::fs::write(&list, "not-a-hash\n").unwrap();
    let out = bin()
        .args(["generate", "--count", "1", "--exclude"])
        .arg(&list)
        .arg("--out")
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    for p in [&a, &b] {
        let _ = std::fs::remove_dir_all(p);
    }
    let _ = std::fs::remove_file(&list);
}

#[test]
fn curriculum_fills_step_buckets_evenly() {
    let d = tmp("curriculum");
    generate(
        &d,
        &[
            "--count",
            "42",
            "--seed",
            "2",
            "--steps",
            "2..5",
            "--curriculum",
        ],
    );
    let mut per_steps = std::collections::BTreeMap::new();
    for r in records(&d) {
        *per_steps
            .entry(r["difficulty"]["steps"].as_u64().unwrap())
            .or_insert(0) += 1;
    }
    // 42 over the buckets 2, 3, 4, 5: 11, 11, 10, 10.
    assert_eq!(
        per_steps.into_iter().collect::<Vec<_>>(),
        vec![(2, 11), (3, 11), (4, 10), (5, 10)]
    );
    assert_eq!(verify(&d).0, 0);
    let _ = std::fs::remove_dir_all(&d);
}

mod seeds {
    use proofmill_corpora::corpus::verify_dir;
    use proofmill_generator::{Generator, Options};
    use proptest::prelude::*;

    fn edit(dir: &std::path::Path, index: usize, mode: u8) -> String {
        let p = dir.join("shard-00000.jsonl");
        let text = std::fs::read_to_string(&p).unwrap();
        let mut recs: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let other = recs[(index + 1) % recs.len()].clone();
        let r = &mut recs[index];
        match mode {
            // Another theorem's statement or proof term (distinct theorems
            // have distinct ones), or a different first tactic.
            0 => r["statement"] = other["statement"].clone(),
            1 => r["proof_term"] = other["proof_term"].clone(),
            _ => {
                // Another theorem's first tactic, or, when it is the same
                // text, this one with its direction flipped.
                let mine = r["steps"][0]["tactic"].as_str().unwrap().to_string();
                let theirs = other["steps"][0]["tactic"].as_str().unwrap().to_string();
                let t = if theirs != mine {
                    theirs
                } else if let Some(rest) = mine.strip_prefix("rw [← ") {
                    format!("rw [{rest}")
                } else {
                    mine.replacen("rw [", "rw [← ", 1)
                };
                r["steps"][0]["tactic"] = t.into();
            }
        }
        let id = r["id"].as_str().unwrap().to_string();
        let out: String = recs.iter().map(|r| r.to_string() + "\n").collect();
        std::fs::write(&p, out).unwrap();
        id
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]
        /// For random seeds: every record verifies (the kernel re-accepts
        /// every proof, every trace replays), and tampering with any one
        /// record makes verify fail naming it.
        #[test]
        fn every_record_verifies_and_tampering_is_caught(
            seed in any::<u64>(),
            theory in prop::sample::select(vec!["ring", "group", "nilgroup", "logic", "calculus"]),
            index in 0usize..8,
            mode in 0u8..3,
        ) {
            let dir = std::env::temp_dir()
                .join(format!("proofmill-prop-{}-{seed}-{theory}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let g = Generator::load(theory).unwrap();
            let mut opts = Options::new(theory, dir.clone());
            opts.count = 8;
            opts.seed = seed;
            opts.steps = (2, 4);
            opts.threads = 1;
            let report = g.run(&opts, &|_, _| {}).unwrap();
            prop_assert_eq!(report.written, 8);
            prop_assert!(report.rejections.is_empty());
            let d = dir.clone();
            let rep = proofmill_kernel::with_kernel_stack(move || verify_dir(&d, |_| {})).unwrap();
            prop_assert_eq!(rep.records, 8);
            prop_assert!(rep.bad.is_empty(), "{:?}", rep.bad.iter().map(|b| b.to_string()).collect::<Vec<_>>());
            let id = edit(&dir, index, mode);
            let d = dir.clone();
            let rep = proofmill_kernel::with_kernel_stack(move || verify_dir(&d, |_| {})).unwrap();
            prop_assert!(rep.bad.iter().any(|b| b.id() == id), "tampered {} (mode {}) not caught: {:?}", id, mode, rep.bad.iter().map(|b| b.to_string()).collect::<Vec<_>>());
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[test]
fn backward_search_meets_required_rule_and_size() {
    let d = tmp("search");
    generate(
        &d,
        &[
            "--count",
            "30",
            "--seed",
            "4",
            "--steps",
            "3..6",
            "--require-rule",
            "mul_comm",
            "--min-size",
            "9",
        ],
    );
    let recs = records(&d);
    assert_eq!(recs.len(), 30);
    for r in &recs {
        let steps = r["steps"].as_array().unwrap();
        assert!(steps.len() >= 3);
        assert!(steps.iter().any(|s| s["rule"] == "mul_comm"), "{r}");
        assert!(r["difficulty"]["size"].as_u64().unwrap() >= 9);
    }
    assert_eq!(verify(&d).0, 0);
    let out = bin()
        .args([
            "generate",
            "--count",
            "1",
            "--require-rule",
            "no_such_rule",
            "--out",
        ])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no_such_rule: not a rule of ring"));
    let _ = std::fs::remove_dir_all(&d);
}

/// The manifest records the text of what the theory imports, and its theory
/// hash covers it: `verify` checks the recorded sources (an edit of the file
/// on disk does not matter), and an edit of a recorded import makes it
/// refuse the corpus.
#[test]
fn an_edited_import_is_noticed_by_verify() {
    let root = tmp("import-hash");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let ring =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("theories/ring.theory"))
            .unwrap();
    let base = root.join("base.theory");
    std::fs::write(&base, &ring).unwrap();
    let main = root.join("main.theory");
    std::fs::write(&main, "import \"base.theory\"\n").unwrap();
    let dir = root.join("corpus");
    generate(
        &dir,
        &[
            "--theory",
            main.to_str().unwrap(),
            "--count",
            "5",
            "--seed",
            "3",
        ],
    );
    let (code, out) = verify(&dir);
    assert_eq!(code, 0, "{out}");
    std::fs::write(&base, format!("{ring}\n-- edited\n")).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 0, "{out}");
    let mp = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mp).unwrap()).unwrap();
    let srcs = m["theory_sources"].as_array_mut().unwrap();
    let imported = srcs
        .iter_mut()
        .find(|s| s["origin"] == "base.theory")
        .expect("the import is recorded");
    imported["text"] = format!("{ring}\n-- edited\n").into();
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let (code, out) = verify(&dir);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("source hash"), "{out}");
    let _ = std::fs::remove_dir_all(&root);
}

/// A theory too small for the count: exit 1, the theorems found are kept,
/// and the error accounts for every attempt in the words of the summary
/// line (each reason for a redraw, `unfolded constants` included).
#[test]
fn a_theory_that_runs_out_says_where_the_attempts_went() {
    let dir = tmp("ran-out");
    let _ = std::fs::remove_dir_all(&dir);
    let out = bin()
        .args(["generate", "--theory", "group", "--count", "3000"])
        .args(["--steps", "1..1", "--max-size", "10", "--out"])
        .arg(&dir)
        .output()
        .expect("run proofmill");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error: the theory ran out: "))
        .unwrap_or_else(|| panic!("no ran-out error in {err}"));
    for reason in [
        "duplicates",
        "too short",
        "too long",
        "unfolded constants",
        "trace conflicts",
        "trivial",
        "searches without result",
        "excluded",
        "kernel rejections",
        "read-back failures",
    ] {
        assert!(line.contains(reason), "{reason} missing from {line}");
    }
    let summary = String::from_utf8_lossy(&out.stdout);
    let attempts = summary
        .lines()
        .find_map(|l| l.strip_prefix("attempts "))
        .expect("the summary line");
    assert!(
        line.contains(attempts.split_once(": ").expect("attempts N: …").1),
        "the error and the summary disagree:\n{line}\n{attempts}"
    );
    assert_eq!(
        verify(&dir).0,
        0,
        "the theorems found are written and verify"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
