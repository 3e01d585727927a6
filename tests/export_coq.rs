//! `export --to coq`, checked by `coqc` (Debian's `coq`), a second kernel:
//! on 1,000 records of every shipped theory, every `.v` file compiles,
//! every lemma proved by the rewrites of its trace; a proof with one step
//! left out is refused (so the check can fail).

use crate::export_common::*;
use std::path::Path;
use std::process::Command;

fn coqc(file: &Path) -> (bool, String) {
    let o = Command::new("coqc")
        .arg("-q")
        .arg(file.file_name().unwrap())
        .current_dir(file.parent().unwrap())
        .output()
        .expect("run coqc");
    (o.status.success(), text(&o))
}

#[test]
fn coqc_compiles_a_thousand_lemmas_of_every_theory() {
    require("coqc", "coq");
    for theory in shipped_theories() {
        let dir = tmp(&format!("coq-{theory}"));
        let out = tmp(&format!("coq-{theory}-out"));
        generate(&dir, &theory, 1000, 13, "1..6");
        // Most records in one split, so most files hold 1,000 lemmas.
        let _ = std::fs::remove_dir_all(&out);
        let o = export(&dir, "coq", &out, &["--split", "98,1,1"]);
        assert!(o.status.success(), "{}", text(&o));
        let vs = files(&out.join("coq"), ".v");
        let text_all: String = vs
            .iter()
            .map(|v| std::fs::read_to_string(v).unwrap())
            .collect();
        assert_eq!(text_all.matches("\nLemma ").count(), 1000, "{theory}");
        assert_eq!(text_all.matches("\nQed.").count(), 1000, "{theory}");
        assert!(text_all.contains("(* corpus manifest sha256 "));
        let results = par_map(&vs, |v| coqc(v));
        for (v, (ok, msg)) in vs.iter().zip(&results) {
            assert!(ok, "{theory}: coqc {}: {msg}", v.display());
        }

        // One rewrite left out of a proof with several: coqc refuses it.
        let v = &vs[0];
        let text = std::fs::read_to_string(v).unwrap();
        let proof = text
            .split("Proof.\n")
            .skip(1)
            .find(|p| {
                p.split("Qed.")
                    .next()
                    .unwrap()
                    .matches("  rewrite ")
                    .count()
                    >= 2
            })
            .expect("a proof of two steps or more");
        let step = proof.find("  rewrite ").unwrap();
        let step_end = step + proof[step..].find('\n').unwrap() + 1;
        let at = proof.as_ptr() as usize - text.as_ptr() as usize;
        let broken = format!("{}{}", &text[..at + step], &text[at + step_end..]);
        let bad = v.with_file_name("Broken.v");
        std::fs::write(&bad, broken).unwrap();
        let (ok, _) = coqc(&bad);
        assert!(!ok, "{theory}: coqc accepted a proof with a step left out");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Answers-first calculus problems simplify one instance at a time
/// (`nth_rewrite k`, where other copies of the instance are about); in Coq
/// each such step is `rewrite (…) at k`, and coqc must agree that it
/// rewrites the same copy: every lemma compiles.
#[test]
fn coqc_follows_nth_rewrite_steps() {
    require("coqc", "coq");
    let dir = tmp("coq-nth");
    let out = tmp("coq-nth-out");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
    let g = bin()
        .args(["generate", "--theory", "calculus", "--hard-steps", "1"])
        .args(["--count", "300", "--seed", "11", "--out"])
        .arg(&dir)
        .output()
        .expect("run proofmill generate");
    assert!(g.status.success(), "{}", text(&g));
    let o = export(&dir, "coq", &out, &["--split", "100,0,0"]);
    assert!(o.status.success(), "{}", text(&o));
    let vs = files(&out.join("coq"), ".v");
    let all: String = vs
        .iter()
        .map(|v| std::fs::read_to_string(v).unwrap())
        .collect();
    assert!(
        all.matches(") at ").count() >= 50,
        "the corpus has nth_rewrite steps"
    );
    for (v, (ok, msg)) in vs.iter().zip(par_map(&vs, |v| coqc(v))) {
        assert!(ok, "coqc {}: {msg}", v.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}
