//! Calculus problems made answer first (issue 17): every kind is generated
//! and verified, `verify` refuses a record whose problem or `nth_rewrite`
//! step was edited (with the manifest's hashes recomputed, as someone
//! hiding the edit would), and `stats` reports the quality figures and
//! writes its charts.

use proofmill_corpora::corpus::sha256_hex;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(args)
        .output()
        .expect("run proofmill")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("proofmill-problems-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn lines(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Writes `recs` as the corpus's only shard and recomputes the manifest's sha256.
fn rewrite(dir: &Path, recs: &[serde_json::Value]) {
    let text: String = recs.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(dir.join("shard-00000.jsonl"), &text).unwrap();
    let mp = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&mp).unwrap()).unwrap();
    m["shards"][0]["sha256"] = sha256_hex(text.as_bytes()).into();
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn every_problem_kind_is_generated_verified_and_edits_are_refused() {
    let base = tmp("base");
    let d = base.to_str().unwrap();
    let out = run(&[
        "generate",
        "--theory",
        "calculus",
        "--count",
        "300",
        "--seed",
        "9",
        "--problems",
        "antiderivative=1,derivative=1,ode_linear=1,ode_separable=1",
        "--out",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["verify", d]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = lines(&base.join("shard-00000.jsonl"));
    let kind = |r: &serde_json::Value| r["problem"]["kind"].as_str().unwrap_or("").to_string();
    for k in [
        "antiderivative",
        "derivative",
        "ode_linear",
        "ode_separable",
    ] {
        assert!(recs.iter().any(|r| kind(r) == k), "no {k} problem");
    }
    // Both separable families: y = exp ∘ u and y = G⁻¹.
    let question =
        |r: &serde_json::Value| r["problem"]["question"].as_str().unwrap_or("").to_string();
    let inverse = recs
        .iter()
        .position(|r| kind(r) == "ode_separable" && question(r).ends_with("* (y * y))"))
        .expect("a separable equation deriv y = -(g * (y * y))");
    assert!(recs[inverse]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["rule"] == "mul_inv"));
    assert!(recs.iter().any(|r| kind(r) == "ode_separable"
        && question(r).starts_with("find y such that F.deriv y = y * ")));
    // --steps bounds problems (the default 3..8) as it bounds walks.
    for r in &recs {
        let n = r["steps"].as_array().unwrap().len();
        assert!((3..=8).contains(&n), "{}: {n} steps", r["id"]);
    }
    let find = |k: &str| recs.iter().position(|r| kind(r) == k).unwrap();
    let nth = recs
        .iter()
        .position(|r| {
            r["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["tactic"].as_str().unwrap().starts_with("nth_rewrite"))
        })
        .expect("a trace with nth_rewrite");
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, usize, Edit)> = vec![
        (
            "kind",
            find("antiderivative"),
            Box::new(|r| r["problem"]["kind"] = "derivative".into()),
        ),
        (
            "unknown kind",
            find("derivative"),
            Box::new(|r| r["problem"]["kind"] = "integral".into()),
        ),
        (
            "derivative answer",
            find("derivative"),
            Box::new(|r| r["problem"]["answer"] = "F.sin".into()),
        ),
        (
            "ode equation",
            find("ode_linear"),
            Box::new(|r| {
                let q = r["problem"]["question"]
                    .as_str()
                    .unwrap()
                    .replace("* y", "* F.sin");
                r["problem"]["question"] = q.into();
            }),
        ),
        (
            "ode answer",
            find("ode_separable"),
            Box::new(|r| r["problem"]["answer"] = "F.exp".into()),
        ),
        (
            "inverse ode equation",
            inverse,
            Box::new(|r| {
                let q = r["problem"]["question"]
                    .as_str()
                    .unwrap()
                    .replace("(y * y)", "(y * F.sin)");
                r["problem"]["question"] = q.into();
            }),
        ),
        (
            "nth_rewrite occurrence",
            nth,
            Box::new(|r| {
                for s in r["steps"].as_array_mut().unwrap() {
                    let t = s["tactic"].as_str().unwrap().to_string();
                    if let Some(rest) = t.strip_prefix("nth_rewrite ") {
                        let (k, tail) = rest.split_once(' ').unwrap();
                        let k: usize = k.parse().unwrap();
                        s["tactic"] = format!("nth_rewrite {} {tail}", k + 1).into();
                        break;
                    }
                }
            }),
        ),
    ];
    for (name, i, edit) in cases {
        let d2 = tmp(&name.replace(' ', "-"));
        copy_dir(&base, &d2);
        let mut rs = recs.clone();
        edit(&mut rs[i]);
        rewrite(&d2, &rs);
        let out = run(&["verify", d2.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        let id = rs[i]["id"].as_str().unwrap();
        assert!(text.contains(&format!("error: {id}:")), "{name}: {text}");
        let _ = std::fs::remove_dir_all(&d2);
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn stats_reports_quality_and_plots_it() {
    let dir = tmp("stats");
    let d = dir.to_str().unwrap();
    let out = run(&[
        "generate",
        "--theory",
        "calculus",
        "--hard-steps",
        "1",
        "--count",
        "500",
        "--seed",
        "4",
        "--out",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plots = dir.join("plots");
    let out = run(&["stats", d, "--plot", plots.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let grab = |key: &str| -> f64 {
        let i = text
            .find(key)
            .unwrap_or_else(|| panic!("no `{key}` in\n{text}"));
        let rest = &text[i + key.len()..];
        let num: String = rest
            .trim_start_matches([' ', '('])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        num.parse().unwrap()
    };
    // The targets, on a small corpus.
    assert!(grab("constant answers:") <= 5.0, "{text}");
    assert!(grab("unsimplified questions:") <= 2.0, "{text}");
    assert_eq!(grab("questions with foldable constants:"), 0.0, "{text}");
    assert!(grab("mean answer size:") >= 5.0, "{text}");
    let distinct = grab("distinct answers:");
    assert!(distinct >= 450.0, "{text}");
    assert!(text.contains("rule share of steps"), "{text}");
    for f in [
        "rule_share.svg",
        "answer_size.svg",
        "question_size.svg",
        "quality.svg",
        "rule_space.svg",
    ] {
        let svg = std::fs::read_to_string(plots.join(f)).unwrap();
        assert!(svg.starts_with("<svg") || svg.contains("<svg"), "{f}");
        assert!(svg.trim_end().ends_with("</svg>"), "{f}");
    }
    // The same charts as PNG: the signature, a header, and more than a blank
    // image's bytes.
    for f in [
        "rule_share.png",
        "answer_size.png",
        "question_size.png",
        "quality.png",
        "rule_space.png",
    ] {
        let png = std::fs::read(plots.join(f)).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{f}");
        assert_eq!(&png[12..16], b"IHDR", "{f}");
        assert!(png.len() > 10_000, "{f}: {} bytes", png.len());
    }
    let space = std::fs::read_to_string(plots.join("rule_space.svg")).unwrap();
    assert!(space.contains("covered (red)"), "the legend");
    let _ = std::fs::remove_dir_all(&dir);
}
