//! `proofmill export --to lean,lean-ndjson`, checked by the programs that
//! read those formats: `proofmill check` accepts every Lean file unchanged,
//! and `proofmill lean-check` accepts the NDJSON file, theory and theorems,
//! and rejects it once one proof is changed. Every shipped theory with
//! rules, on a corpus of each.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn proofmill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofmill"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "proofmill-export-lean-{tag}-{}",
        std::process::id()
    ));
    std::fs::remove_dir_all(&d).ok();
    d
}

/// A corpus of `count` theorems of `theory` (5..8 steps, two shards).
fn corpus(theory: &str, count: u32, dir: &Path) {
    let o = proofmill(&[
        "generate",
        "--theory",
        theory,
        "--count",
        &count.to_string(),
        "--steps",
        "3..8",
        "--threads",
        "2",
        "--out",
        &dir.to_string_lossy(),
    ]);
    ok(&o, "generate");
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("a directory") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
    out.sort();
}

#[test]
fn lean_and_ndjson_exports_check_for_every_shipped_theory() {
    for theory in ["ring", "group", "nilgroup", "nat", "logic", "calculus"] {
        let dir = scratch(theory);
        let c = dir.join("corpus");
        let out = dir.join("out");
        // 1,200 theorems: the Lean export's files hold 1,000 each, so two files.
        corpus(theory, 1200, &c);
        let o = proofmill(&[
            "export",
            &c.to_string_lossy(),
            "--to",
            "lean,lean-ndjson",
            "--out",
            &out.to_string_lossy(),
        ]);
        ok(&o, "export");

        // Lean source: the theory file and both theorem files check unchanged.
        let mut lean = Vec::new();
        files_under(&out.join("lean"), "lean", &mut lean);
        assert_eq!(lean.len(), 3, "{theory}: {lean:?}");
        let mut args = vec!["check".to_string()];
        args.extend(lean.iter().map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = proofmill(&args);
        ok(&o, &format!("{theory}: check"));
        let theorems: usize = lean
            .iter()
            .map(|p| {
                let t = std::fs::read_to_string(p).expect("a Lean file");
                assert!(t.contains("corpus manifest sha256 "), "{}", p.display());
                t.matches("\ntheorem ").count()
            })
            .sum();
        let theory_file = lean
            .iter()
            .find(|p| p.parent() == Some(out.join("lean").as_path()))
            .expect("the theory file");
        let rules_file = std::fs::read_to_string(theory_file).expect("the theory file");
        let own = rules_file.matches("\ntheorem ").count();
        assert_eq!(theorems - own, 1200, "{theory}");

        // NDJSON: accepted, with every theorem.
        let mut nd = Vec::new();
        files_under(&out.join("lean-ndjson"), "ndjson", &mut nd);
        assert_eq!(nd.len(), 1);
        let o = proofmill(&["lean-check", &nd[0].to_string_lossy()]);
        ok(&o, &format!("{theory}: lean-check"));
        let export = std::fs::read_to_string(&nd[0]).expect("the export");
        let thms: Vec<&str> = export
            .lines()
            .filter(|l| l.starts_with(r#"{"thm":"#))
            .collect();
        assert!(thms.len() >= 1200, "{theory}: {} thm records", thms.len());
        assert!(export
            .lines()
            .next()
            .unwrap_or("")
            .contains("manifest sha256"));

        // One theorem's proof replaced by another's: rejected.
        let last = thms[thms.len() - 1];
        let other = thms[thms.len() - 2];
        let value = |l: &str| l.rsplit_once(r#""value":"#).expect("a value").1.to_string();
        let tampered_line = last.replace(&value(last), &value(other));
        assert_ne!(tampered_line, last);
        let tampered = export.replacen(last, &tampered_line, 1);
        let bad = dir.join("tampered.ndjson");
        std::fs::write(&bad, tampered).expect("writes");
        let o = proofmill(&["lean-check", &bad.to_string_lossy()]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{theory}: a changed proof is not rejected: {}",
            text(&o.stderr)
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// A Lean file whose proof is changed no longer checks: `check` is a real
/// check of the exported scripts.
#[test]
fn a_changed_lean_script_is_rejected() {
    let dir = scratch("changed");
    let c = dir.join("corpus");
    let out = dir.join("out");
    corpus("ring", 20, &c);
    let o = proofmill(&[
        "export",
        &c.to_string_lossy(),
        "--to",
        "lean",
        "--out",
        &out.to_string_lossy(),
    ]);
    ok(&o, "export");
    let file = out.join("lean/Ring/Theorems00000.lean");
    let t = std::fs::read_to_string(&file).expect("a theorem file");
    ok(&proofmill(&["check", &file.to_string_lossy()]), "check");
    // Drop the last tactic of the last theorem.
    let cut = t.trim_end().rfind('\n').expect("lines");
    std::fs::write(&file, &t[..cut]).expect("writes");
    let o = proofmill(&["check", &file.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
