//! `generate --non-theorems K`: every non-theorem of ring, group, logic and
//! nat corpora over several seeds is refuted by its recorded counter-model,
//! re-evaluated here from the JSON by an evaluator of this test's own (the
//! rules read by the exporters' signature, the statement parsed by the
//! theory language): every rule holds in the model for all assignments, the
//! sides differ under the recorded one. `verify` refuses a tampered table,
//! assignment or statement, naming the record; the non-theorems do not
//! depend on the thread count and the shards' union is the single run's;
//! `calculus` is refused; the TPTP and SMT-LIB exports mark them
//! `CounterSatisfiable` / `sat`, E never proves one and z3 and cvc5 never
//! answer `unsat`; the proof formats leave them out.

use crate::export_common::*;
use proofmill_corpora::corpus::{sha256_hex, FoTerm};
use proofmill_export::signature::Signature;
use proofmill_tactics::parse::parse_term;
use proofmill_tactics::syntax::{Arg, Term as Syn, TermKind};
use proofmill_tactics::theory::Theory;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn gen(dir: &Path, theory: &str, count: u64, seed: u64, extra: &[&str]) -> String {
    let _ = std::fs::remove_dir_all(dir);
    let o = bin()
        .args(["generate", "--theory", theory, "--count"])
        .arg(count.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--out")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run proofmill generate");
    assert!(o.status.success(), "generate {theory}: {}", text(&o));
    text(&o)
}

fn verify(dir: &Path) -> (i32, String) {
    let o = bin().arg("verify").arg(dir).output().expect("run verify");
    (o.status.code().unwrap_or(-1), text(&o))
}

/// The non-theorem records of the corpus in `dir`, from the files its
/// manifest lists.
fn non_theorems(dir: &Path) -> Vec<Value> {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for f in m["non_theorems"].as_array().into_iter().flatten() {
        let text = std::fs::read_to_string(dir.join(f["file"].as_str().unwrap())).unwrap();
        out.extend(
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap()),
        );
    }
    out
}

/// A table from the JSON: a constant's value, or a row, or rows.
fn apply(table: &Value, args: &[u64]) -> u64 {
    match args {
        [] => table.as_u64().expect("a constant"),
        [a] => table[*a as usize].as_u64().expect("a unary entry"),
        [a, b] => table[*a as usize][*b as usize]
            .as_u64()
            .expect("a binary entry"),
        _ => panic!("a table of more than two arguments"),
    }
}

/// A first-order term in the model (`env[k]`: variable k).
fn eval_fo(t: &FoTerm, funs: &Value, env: &[u64]) -> u64 {
    match t {
        FoTerm::Var(v) => env[*v as usize],
        FoTerm::Lit(k) => apply(&funs[k.to_string()], &[]),
        FoTerm::App(f, xs) => {
            let args: Vec<u64> = xs.iter().map(|x| eval_fo(x, funs, env)).collect();
            apply(&funs[f.as_str()], &args)
        }
    }
}

/// A surface term (notation resolved by the parser) in the model.
fn eval_syn(t: &Syn, funs: &Value, assignment: &Value) -> u64 {
    match &t.kind {
        TermKind::Ident(x) if assignment.get(x).is_some() => assignment[x].as_u64().unwrap(),
        TermKind::Ident(x) => apply(&funs[x.as_str()], &[]),
        TermKind::Num(n) => apply(&funs[n.to_string()], &[]),
        TermKind::App(f, args) => {
            let TermKind::Ident(name) = &f.kind else {
                panic!("a head that is not a symbol")
            };
            let xs: Vec<u64> = args
                .iter()
                .map(|a| match a {
                    Arg::Pos(x) => eval_syn(x, funs, assignment),
                    Arg::Named(..) => panic!("a named argument"),
                })
                .collect();
            apply(&funs[name.as_str()], &xs)
        }
        TermKind::Arrow(a, b) => {
            let xs = [eval_syn(a, funs, assignment), eval_syn(b, funs, assignment)];
            apply(&funs["→"], &xs)
        }
        other => panic!("not first order: {other:?}"),
    }
}

/// Checks one record's counter-model from its JSON alone.
fn refuted(theory: &Theory, sig: &Signature, r: &Value) {
    let id = r["id"].as_str().unwrap();
    let m = &r["counter_model"];
    let n = m["size"].as_u64().unwrap();
    let funs = &m["functions"];
    assert!((1..=8).contains(&n), "{id}");
    for (name, t) in funs.as_object().unwrap() {
        let flat: Vec<u64> = match t {
            Value::Number(v) => vec![v.as_u64().unwrap()],
            Value::Array(rows) => rows
                .iter()
                .flat_map(|x| match x {
                    Value::Array(r) => r.iter().map(|v| v.as_u64().unwrap()).collect(),
                    v => vec![v.as_u64().unwrap()],
                })
                .collect(),
            _ => panic!("{id}: {name}: not a table"),
        };
        assert!(
            flat.iter().all(|&v| v < n),
            "{id}: {name} leaves the carrier"
        );
    }
    // Every rule, for every assignment of its variables.
    for rule in &sig.rules {
        let k = rule.vars.len() as u32;
        for code in 0..n.pow(k) {
            let env: Vec<u64> = (0..k).map(|i| code / n.pow(i) % n).collect();
            assert_eq!(
                eval_fo(&rule.lhs, funs, &env),
                eval_fo(&rule.rhs, funs, &env),
                "{id}: rule {} fails in the model at {env:?}",
                rule.name
            );
        }
    }
    // The statement's sides differ under the recorded assignment.
    let statement = r["statement"].as_str().unwrap();
    let body = statement.split_once(", ").map_or(statement, |(_, b)| b);
    let body = if statement.starts_with('∀') {
        body
    } else {
        statement
    };
    let t = parse_term(body, theory.notations()).unwrap();
    let TermKind::App(_, sides) = &t.kind else {
        panic!("{id}: not an equation")
    };
    let [Arg::Pos(l), Arg::Pos(rr)] = &sides[..] else {
        panic!("{id}: not an equation")
    };
    let a = &m["assignment"];
    let vars: Vec<&str> = r["vars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(a.as_object().unwrap().len(), vars.len(), "{id}");
    assert_ne!(
        eval_syn(l, funs, a),
        eval_syn(rr, funs, a),
        "{id}: the sides agree: {statement}"
    );
}

#[test]
fn every_non_theorem_is_refuted_by_its_recorded_model_over_many_seeds() {
    let mut total = 0;
    for theory in ["ring", "group", "logic", "nat"] {
        let t = Theory::shipped(theory).unwrap();
        let sig = Signature::of(&t).unwrap();
        assert!(sig.skipped.is_empty(), "{theory}: {:?}", sig.skipped);
        for seed in 0..3 {
            let dir = tmp(&format!("nt-{theory}-{seed}"));
            gen(&dir, theory, 150, seed, &["--non-theorems", "200"]);
            let recs = non_theorems(&dir);
            // 30 sources; a few may have no refuted perturbation.
            assert!(recs.len() >= 20, "{theory} seed {seed}: {}", recs.len());
            for r in &recs {
                assert_eq!(r["status"], "non-theorem");
                refuted(&t, &sig, r);
            }
            total += recs.len();
            let (code, out) = verify(&dir);
            assert_eq!(code, 0, "{theory} seed {seed}: {out}");
            assert!(
                out.contains(&format!("checked {} non-theorems", recs.len())),
                "{out}"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
    assert!(total >= 240, "{total}");
}

/// Rewrites the non-theorem file with `edit` applied to record `i`, and
/// the manifest's sha256 for it, so only the record's own checks can fail.
fn tamper(dir: &Path, i: usize, edit: impl Fn(&mut Value)) -> String {
    let mpath = dir.join("manifest.json");
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&mpath).unwrap()).unwrap();
    let file = m["non_theorems"][0]["file"].as_str().unwrap().to_string();
    let mut recs: Vec<Value> = std::fs::read_to_string(dir.join(&file))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    edit(&mut recs[i]);
    let text: String = recs
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    std::fs::write(dir.join(&file), &text).unwrap();
    m["non_theorems"][0]["sha256"] = sha256_hex(text.as_bytes()).into();
    std::fs::write(&mpath, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    recs[i]["id"].as_str().unwrap().to_string()
}

#[test]
fn verify_refuses_a_tampered_model_or_statement_naming_the_record() {
    let dir = tmp("nt-tamper");
    let pristine = tmp("nt-tamper-pristine");
    gen(&pristine, "ring", 100, 3, &["--non-theorems", "100"]);
    let recs = non_theorems(&pristine);
    assert!(recs.len() >= 5);
    let copy = || {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&pristine).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    };
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            // A binary table with one entry changed: some rule fails.
            "rule",
            Box::new(|r: &mut Value| {
                let t = &mut r["counter_model"]["functions"]["R.add"];
                let n = t.as_array().unwrap().len() as u64;
                let v = t[1][1].as_u64().unwrap();
                t[1][1] = ((v + 1) % n).into();
            }),
        ),
        (
            "not an element",
            Box::new(|r: &mut Value| {
                r["counter_model"]["functions"]["R.neg"][0] = 9.into();
            }),
        ),
        (
            "no table for R.mul",
            Box::new(|r: &mut Value| {
                r["counter_model"]["functions"]
                    .as_object_mut()
                    .unwrap()
                    .remove("R.mul");
            }),
        ),
        (
            "carrier has 9 elements",
            Box::new(|r: &mut Value| r["counter_model"]["size"] = 9.into()),
        ),
        (
            "the assignment gives values to",
            Box::new(|r: &mut Value| {
                r["counter_model"]["assignment"]["zz"] = 0.into();
            }),
        ),
        (
            // The statement of the theorem it came from: true, and not this record's.
            "canonical_hash",
            Box::new(|r: &mut Value| {
                r["statement"] = r["statement"]
                    .as_str()
                    .unwrap()
                    .replacen(" = ", " = R.zero + ", 1)
                    .into();
            }),
        ),
        (
            "status",
            Box::new(|r: &mut Value| r["status"] = "theorem".into()),
        ),
    ];
    for (want, edit) in cases {
        copy();
        let id = tamper(&dir, 2, edit);
        let (code, out) = verify(&dir);
        assert_eq!(code, 1, "{want}: {out}");
        let line = out
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_else(|| panic!("{want}: {out}"));
        assert!(line.contains(&id), "{want}: {line}");
        assert!(line.contains(want), "{want}: {line}");
        assert_eq!(
            out.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{out}"
        );
    }
    // The pristine corpus verifies.
    assert_eq!(verify(&pristine).0, 0);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&pristine);
}

#[test]
fn non_theorems_do_not_depend_on_threads_and_shards_split_them() {
    let run = |name: &str, extra: &[&str]| {
        let dir = tmp(name);
        let mut args = vec!["--non-theorems", "50"];
        args.extend_from_slice(extra);
        gen(&dir, "group", 600, 5, &args);
        dir
    };
    let one = run("nt-t1", &["--threads", "1"]);
    let two = run("nt-t2", &["--threads", "2"]);
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(
        read(&one, "non-theorems-00000.jsonl"),
        read(&two, "non-theorems-00000.jsonl")
    );
    let single: Vec<Value> = non_theorems(&one);
    assert!(single.len() >= 25, "{}", single.len());
    let mut union: Vec<Value> = Vec::new();
    for k in 0..2 {
        let d = run(&format!("nt-s{k}"), &["--shard", &format!("{k}/2")]);
        let part = non_theorems(&d);
        assert!(!part.is_empty(), "shard {k}");
        union.extend(part);
        let (code, out) = verify(&d);
        assert_eq!(code, 0, "shard {k}: {out}");
    }
    union.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_eq!(union, single);
    for d in ["nt-t1", "nt-t2", "nt-s0", "nt-s1"] {
        let _ = std::fs::remove_dir_all(tmp(d));
    }
}

#[test]
fn a_theory_without_finite_models_is_refused() {
    let dir = tmp("nt-calculus");
    let _ = std::fs::remove_dir_all(&dir);
    let o = bin()
        .args([
            "generate",
            "--theory",
            "calculus",
            "--count",
            "5",
            "--non-theorems",
            "10",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("satisfies every rule"), "{}", text(&o));
    assert!(!dir.exists());
    let o = bin()
        .args(["generate", "--non-theorems", "1001", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn szs(o: &std::process::Output) -> String {
    let out = text(o);
    out.lines()
        .find_map(|l| l.strip_prefix("# SZS status "))
        .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
        .unwrap_or_else(|| format!("no SZS status: {out}"))
}

#[test]
fn exports_mark_non_theorems_and_no_prover_proves_one() {
    require("eprover", "eprover");
    require("z3", "z3");
    require("cvc5", "cvc5");
    for theory in ["ring", "group", "logic"] {
        let dir = tmp(&format!("nt-export-{theory}"));
        let out = tmp(&format!("nt-export-{theory}-out"));
        gen(
            &dir,
            theory,
            100,
            7,
            &["--non-theorems", "100", "--steps", "2..5"],
        );
        let n = non_theorems(&dir).len();
        assert!(n >= 8, "{theory}: {n}");
        let _ = std::fs::remove_dir_all(&out);
        let o = export(&dir, "tptp,smt2,lean", &out, &[]);
        assert!(
            text(&o).contains(&format!("{n} non-theorems")),
            "{}",
            text(&o)
        );
        assert!(o.status.success(), "{}", text(&o));
        let tptp: Vec<_> = files(&out.join("tptp"), ".p");
        let smt: Vec<_> = files(&out.join("smt2"), ".smt2");
        assert_eq!(tptp.len(), 100 + n, "{theory}");
        assert_eq!(smt.len(), 100 + n, "{theory}");
        let is_nt = |p: &&std::path::PathBuf| p.to_string_lossy().contains("nonthm");
        let nt_tptp: Vec<_> = tptp.iter().filter(is_nt).cloned().collect();
        let nt_smt: Vec<_> = smt.iter().filter(is_nt).cloned().collect();
        assert_eq!((nt_tptp.len(), nt_smt.len()), (n, n), "{theory}");
        for p in &tptp {
            let s = std::fs::read_to_string(p).unwrap();
            let want = if is_nt(&p) {
                "CounterSatisfiable"
            } else {
                "Theorem"
            };
            assert!(
                s.contains(&format!("% Status   : {want}\n")),
                "{}",
                p.display()
            );
        }
        for p in &smt {
            let s = std::fs::read_to_string(p).unwrap();
            let want = if is_nt(&p) { "sat" } else { "unsat" };
            assert!(
                s.contains(&format!("(set-info :status {want})\n")),
                "{}",
                p.display()
            );
        }
        // The proof formats leave them out.
        let lean = files(&out.join("lean"), ".lean");
        for p in &lean {
            assert!(
                !std::fs::read_to_string(p).unwrap().contains("nonthm"),
                "{}",
                p.display()
            );
        }
        // No prover may prove one (each may say sat / unknown / time out):
        // a few a theory, as each takes the provers a second or two.
        let nt_tptp = &nt_tptp[..4];
        let nt_smt = &nt_smt[..4];
        let verdicts = par_map(nt_tptp, |p| {
            szs(&Command::new("eprover")
                .args(["--auto", "--cpu-limit=1", "-s"])
                .arg(p)
                .output()
                .expect("run eprover"))
        });
        for (p, v) in nt_tptp.iter().zip(&verdicts) {
            assert!(
                !matches!(
                    v.as_str(),
                    "Theorem" | "Unsatisfiable" | "ContradictoryAxioms"
                ),
                "E claims a non-theorem: {}: {v}",
                p.display()
            );
        }
        let answers = par_map(nt_smt, |p| {
            let z3 = Command::new("z3")
                .arg("-T:1")
                .arg(p)
                .output()
                .expect("run z3");
            let cvc5 = Command::new("cvc5")
                .args(["--tlimit=1000", "--lang=smt2"])
                .arg(p)
                .output()
                .expect("run cvc5");
            (text(&z3), text(&cvc5))
        });
        for (p, (z3, cvc5)) in nt_smt.iter().zip(&answers) {
            for (tool, a) in [("z3", z3), ("cvc5", cvc5)] {
                assert!(
                    !a.lines().any(|l| l.trim() == "unsat"),
                    "{tool} claims a non-theorem: {}: {a}",
                    p.display()
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}
