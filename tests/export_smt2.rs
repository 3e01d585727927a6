//! `export --to smt2`, checked by z3 and cvc5 (Debian's), on every shipped
//! theory: each answers `unsat` on at least 95% of 100 short-walk problems
//! per theory within 2 s and never `sat`; every file says
//! `(set-info :status unsat)`; an unprovable statement put in one's place is
//! never `unsat` (so the check can fail).

use crate::export_common::*;
use std::path::Path;
use std::process::Command;

fn solve(tool: &str, file: &Path) -> String {
    let mut c = Command::new(tool);
    match tool {
        "z3" => c.arg("-T:2"),
        _ => c.arg("--tlimit=2000"),
    };
    let o = c.arg(file).output().expect("run the solver");
    let out = text(&o);
    out.lines().next().unwrap_or("").trim().to_string()
}

#[test]
fn z3_and_cvc5_answer_unsat_on_every_theory() {
    require("z3", "z3");
    require("cvc5", "cvc5");
    for theory in shipped_theories() {
        let dir = tmp(&format!("smt2-{theory}"));
        let out = tmp(&format!("smt2-{theory}-out"));
        generate(&dir, &theory, 100, 12, "1..4");
        export_ok(&dir, "smt2", &out);
        let problems = files(&out.join("smt2"), ".smt2");
        assert_eq!(problems.len(), 100, "{theory}");
        let first = std::fs::read_to_string(&problems[0]).unwrap();
        assert!(first.contains("(set-info :status unsat)"), "{first}");
        assert!(first.contains("(check-sat)"), "{first}");
        assert!(first.contains("corpus manifest sha256 "), "{first}");
        for tool in ["z3", "cvc5"] {
            let answers = par_map(&problems, |p| solve(tool, p));
            let mut unsat = 0;
            for (p, a) in problems.iter().zip(&answers) {
                assert!(
                    a == "unsat" || a == "unknown" || a == "timeout",
                    "{theory}: {tool}: {}: {a}",
                    p.display()
                );
                unsat += usize::from(a == "unsat");
            }
            assert!(
                unsat * 100 >= problems.len() * 95,
                "{theory}: {tool} answered unsat on {unsat} of {}",
                problems.len()
            );
        }

        // An unprovable statement (two fresh constants are equal) in place
        // of the record's: never `unsat`.
        let text = std::fs::read_to_string(&problems[0]).unwrap();
        let at = text.find("(assert (not ").unwrap();
        let line_end = at + text[at..].find('\n').unwrap();
        let sort = text
            .lines()
            .find_map(|l| l.strip_prefix("(declare-sort "))
            .and_then(|r| r.split_whitespace().next())
            .unwrap();
        let wrong = format!(
            "{}(declare-fun fresh_a () {sort})\n(declare-fun fresh_b () {sort})\n(assert (not (= fresh_a fresh_b))){}",
            &text[..at],
            &text[line_end..]
        )
        .replace("(set-info :status unsat)", "(set-info :status sat)");
        let bad = out.join("wrong.smt2");
        std::fs::write(&bad, wrong).unwrap();
        for tool in ["z3", "cvc5"] {
            let a = solve(tool, &bad);
            assert_ne!(
                a, "unsat",
                "{theory}: {tool} refuted a false statement's negation"
            );
            assert!(!a.contains("error"), "{theory}: {tool}: {a}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}
