//! `generate`, `verify` and `stats`: every shipped theory with rules gives a
//! corpus that `verify` accepts (the kernel re-checks every proof term, the
//! tactic engine replays every trace and every step); tampering is caught and
//! named; the output does not depend on the number of threads; shards are
//! disjoint and their union is the single run.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
}

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
    for theory in ["ring", "group", "nat", "logic", "calculus"] {
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
        assert!(
            out.contains("verified 50 records: 0 bad"),
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
