//! The difficulty-calibrated benchmark, small (`scripts/hard-benchmark.sh`
//! in miniature): walks biased to distributivity (`generate --favor`), E's
//! calibration (`bench-provers --calibrate`), a cut into 4 buckets by
//! measured difficulty (`select`) that `verify` accepts, whose hardest
//! bucket holds problems E fails at 1 s and whose easiest E solved; the
//! same cut twice is the same bytes; `stats` and `bench-provers` read the
//! ratings; `export --axioms base` withholds the derived rules, and refuses
//! a theory whose rules are not proven from its axioms alone. `nilgroup`,
//! the group theory E feels, gets the same cut in miniature.

use crate::export_common::bin;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-hard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], paths: &[&Path]) -> Output {
    let mut c = bin();
    c.args(args);
    for p in paths {
        c.arg(p);
    }
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A theory's walk options in `scripts/hard-benchmark.sh` (the recipe).
fn recipe_options(theory: &str) -> &'static [&'static str] {
    match theory {
        "ring" => &[
            "--steps",
            "16..30",
            "--max-size",
            "96",
            "--favor",
            "mul_add=32,add_mul=32,add_comm=8,mul_comm=8,add_assoc=8,mul_assoc=8",
        ],
        "nilgroup" => &[
            "--steps",
            "12..20",
            "--max-size",
            "64",
            "--favor",
            "comm_mul_left=32,comm_mul_right=32,comm_central=8,mul_assoc=8,comm_def=4",
        ],
        _ => panic!("no recipe for {theory}"),
    }
}

/// The recipe's pool of `count` theorems of `theory`.
fn recipe_pool(dir: &Path, theory: &str, count: &str) -> PathBuf {
    let out = dir.join("pool");
    let mut args = vec![
        "generate", "--theory", theory, "--count", count, "--seed", "16",
    ];
    args.extend(recipe_options(theory));
    args.push("--out");
    ok(&run(&args, &[&out]));
    out
}

/// E's calibration of `pool` at 1 s (`ratings.json` in `dir`): the ratings
/// file and the canonical hashes of the theorems E failed.
fn calibrate_with_e(dir: &Path, pool: &Path, count: usize) -> (PathBuf, Vec<String>) {
    assert!(
        Command::new("sh")
            .args(["-c", "command -v eprover"])
            .output()
            .is_ok_and(|o| o.status.success()),
        "eprover is not installed (./scripts/test.sh installs it)"
    );
    let ratings = dir.join("ratings.json");
    // Exit 0: E answered CounterSatisfiable on none of these theorems.
    let out = ok(&run(
        &[
            "bench-provers",
            "--prover",
            "eprover",
            "--timeout",
            "1",
            "--jobs",
            "2",
            "--calibrate",
        ],
        &[&ratings, Path::new("--out"), &dir.join("calibration"), pool],
    ));
    assert!(
        out.contains(&format!("ratings of {count} theorems")),
        "{out}"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&ratings).unwrap()).unwrap();
    assert_eq!(r["format"], "proofmill-ratings/1");
    let problems = r["problems"].as_array().unwrap();
    assert_eq!(problems.len(), count);
    // One prover: a rating is 0 (E solved it, with its time) or 1 (it did not).
    let failed: Vec<String> = problems
        .iter()
        .filter(|p| {
            let t = &p["times_s"]["eprover"];
            assert_eq!(p["rating"].as_f64() == Some(1.0), t.is_null(), "{p}");
            t.is_null()
        })
        .map(|p| p["canonical_hash"].as_str().unwrap().to_string())
        .collect();
    assert!(!failed.is_empty(), "E solved every problem at 1 s");
    (ratings, failed)
}

/// `select` of `pool`'s theorems, cut into `buckets` on E's scale by
/// `ratings`, into `out`: the buckets `keep` (all without it). What it printed.
fn select(pool: &Path, ratings: &Path, buckets: &str, keep: Option<&str>, out: &Path) -> String {
    let mut args = vec!["select", "--buckets", buckets, "--reference", "eprover"];
    if let Some(k) = keep {
        args.extend(["--keep", k]);
    }
    args.push("--rating-from");
    ok(&run(&args, &[ratings, Path::new("--out"), out, pool]))
}

/// The canonical hashes of a corpus's records.
fn hashes(corpus: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(corpus).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                let v: Value = serde_json::from_str(l).unwrap();
                out.push(v["canonical_hash"].as_str().unwrap().to_string());
            }
        }
    }
    out
}

#[test]
fn calibrated_buckets_span_what_e_solves() {
    let dir = tmp("recipe");
    let pool = recipe_pool(&dir, "ring", "60");
    let (ratings, failed) = calibrate_with_e(&dir, &pool, 60);

    let cut = |out: &Path, keep: Option<&str>| select(&pool, &ratings, "55,25,10,10", keep, out);
    let all = dir.join("benchmark");
    let table = cut(&all, None);
    assert!(
        table.contains("| bucket | records | rating | eprover |"),
        "{table}"
    );
    assert_eq!(table.lines().filter(|l| l.starts_with("| 4 |")).count(), 1);
    ok(&run(&["verify"], &[&all]));
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(all.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["records"], 60);
    assert!(m["options"]["selected"]
        .as_str()
        .unwrap()
        .contains("55,25,10,10"));
    // The same cut again: the same bytes.
    let again = dir.join("again");
    cut(&again, None);
    for f in ["manifest.json", "shard-00000.jsonl"] {
        assert_eq!(
            std::fs::read(all.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    // The hardest bucket holds problems E failed at 1 s; E solved the easiest.
    let hardest = dir.join("hardest");
    cut(&hardest, Some("4"));
    ok(&run(&["verify"], &[&hardest]));
    let h = hashes(&hardest);
    assert_eq!(h.len(), 6);
    assert!(h.iter().any(|x| failed.contains(x)), "{h:?}");
    let easiest = dir.join("easiest");
    cut(&easiest, Some("1"));
    let e = hashes(&easiest);
    assert_eq!(e.len(), 33);
    assert!(e.iter().all(|x| !failed.contains(x)));

    let stats = ok(&run(
        &[
            "stats",
            "--buckets",
            "55,25,10,10",
            "--reference",
            "eprover",
            "--rating-from",
        ],
        &[&ratings, &all],
    ));
    assert!(stats.contains("difficulty bucket (1 = easiest)"), "{stats}");
    assert!(stats.contains("60 of 60 records rated"), "{stats}");

    // Refused: ratings of another corpus, bad buckets, unrated problems.
    let other = dir.join("other");
    ok(&run(
        &[
            "generate", "--theory", "ring", "--count", "5", "--seed", "2", "--out",
        ],
        &[&other],
    ));
    let o = run(
        &["select", "--rating-from"],
        &[&ratings, Path::new("--out"), &dir.join("x"), &other],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rates another corpus"));
    let o = run(
        &["select", "--buckets", "1", "--rating-from"],
        &[&ratings, Path::new("--out"), &dir.join("y"), &pool],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["bench-provers", "--prover", "eprover", "--rating-from"],
        &[&ratings, Path::new("--out"), &dir.join("z"), &other],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not rated"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The group-theory half of the recipe in miniature: `group` gives E
/// nothing hard (its identities are decided by normal forms), `nilgroup`
/// does. 50 of its theorems, E at 1 s: the hardest of 4 buckets holds a
/// problem E failed, the easiest none, and `verify` accepts the cut.
#[test]
fn nilgroup_buckets_span_what_e_solves() {
    let dir = tmp("nilgroup");
    let pool = recipe_pool(&dir, "nilgroup", "50");
    let (ratings, failed) = calibrate_with_e(&dir, &pool, 50);
    let cut = |out: &Path, keep: &str| {
        select(&pool, &ratings, "50,20,15,15", Some(keep), out);
        ok(&run(&["verify"], &[out]));
        hashes(out)
    };
    let hardest = cut(&dir.join("hardest"), "4");
    assert!(!hardest.is_empty());
    assert!(hardest.iter().any(|x| failed.contains(x)), "{hardest:?}");
    let easiest = cut(&dir.join("easiest"), "1");
    assert_eq!(easiest.len(), 25);
    assert!(easiest.iter().all(|x| !failed.contains(x)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn base_axioms_withhold_the_derived_rules() {
    let dir = tmp("base");
    let group = dir.join("group");
    ok(&run(
        &[
            "generate", "--theory", "group", "--count", "20", "--seed", "4", "--out",
        ],
        &[&group],
    ));
    let x = dir.join("x");
    ok(&run(
        &["export", "--to", "tptp,smt2", "--axioms", "base", "--out"],
        &[&x, &group],
    ));
    let mut n = 0;
    let mut stack = vec![x.join("tptp")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let t = std::fs::read_to_string(&p).unwrap();
                assert!(t.contains("% Axioms   : base; withheld: inv_inv, mul_inv_rev, inv_one"));
                assert!(t.contains("fof(mul_assoc, axiom"));
                for w in ["inv_inv", "mul_inv_rev", "inv_one"] {
                    assert!(!t.contains(&format!("fof({w},")), "{w} stated");
                }
                n += 1;
            }
        }
    }
    assert_eq!(n, 20);
    // logic's rules need Classical.em and the connectives' constructors.
    let logic = dir.join("logic");
    ok(&run(
        &[
            "generate", "--theory", "logic", "--count", "5", "--seed", "4", "--out",
        ],
        &[&logic],
    ));
    let o = run(
        &["export", "--to", "tptp", "--axioms", "base", "--out"],
        &[&dir.join("l"), &logic],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be withheld"));
    // Proof formats rewrite with the derived rules: refused.
    let o = run(
        &["export", "--to", "coq", "--axioms", "base", "--out"],
        &[&dir.join("c"), &group],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["export", "--to", "tptp", "--axioms", "some", "--out"],
        &[&dir.join("s"), &group],
    );
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
