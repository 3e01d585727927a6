//! `--to smt2`: one SMT-LIB 2.6 problem per theorem, for SMT solvers (z3,
//! cvc5). Every sort of the theory is an uninterpreted sort
//! (`declare-sort`; `Prop` and `Nat` too, so propositions are terms and
//! `↔` is `=`, as in the TPTP export), every symbol an uninterpreted
//! function (`declare-fun`; `Nat` literals are constants `n0`, `n1`, …),
//! every first-order rule a universally quantified assertion, and the
//! record's statement is asserted negated: the problem is `unsat` exactly
//! when the statement follows from the rules, which the kernel checked, so
//! each file says `(set-info :status unsat)`. A non-theorem of the corpus
//! (`generate --non-theorems`) is the same problem with `(set-info :status
//! sat)` (the corpus holds a finite model of the rules where the statement
//! fails) and `nonthm` in its file name. Logic `UF` (quantifiers and
//! uninterpreted functions). Files go to `smt2/<split>/<NNNNN>/<id>.smt2`.

use crate::error::ExportError;
use crate::files::{id_stem, write_file, SplitDirs};
use crate::format::{ExportContext, Exporter};
use crate::names::{lit_key, Names, Target};
use crate::signature::{Relation, Signature, SortId, Statement};
use crate::split::Split;
use proofmill_corpora::corpus::{FoTerm, NonTheorem, Record};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub struct Smt2Exporter {
    sig: Signature,
    names: Names,
    /// Sorts, functions and rule assertions (the same in every problem).
    preamble: String,
    /// Literals the rules use (declared in every problem).
    rule_lits: BTreeSet<u32>,
    nat: Option<SortId>,
    /// The sorts' symbols, by [`SortId`].
    sorts: Vec<String>,
    provenance: Vec<String>,
    theory: String,
    dirs: SplitDirs,
    out: std::path::PathBuf,
    buf: String,
    /// Non-theorems written (`sat` problems).
    non_theorems: u64,
}

/// A bound variable: `?x0` (`?` is in no readable symbol, so variables
/// never capture a function's name).
fn var(k: u32) -> String {
    format!("?x{k}")
}

fn lits(t: &FoTerm, out: &mut BTreeSet<u32>) {
    match t {
        FoTerm::Lit(n) => {
            out.insert(*n);
        }
        FoTerm::App(_, xs) => xs.iter().for_each(|x| lits(x, out)),
        FoTerm::Var(_) => {}
    }
}

fn term(out: &mut String, t: &FoTerm, names: &mut Names) {
    match t {
        FoTerm::Var(v) => out.push_str(&var(*v)),
        FoTerm::Lit(n) => out.push_str(names.name(&lit_key(*n))),
        FoTerm::App(f, xs) if xs.is_empty() => out.push_str(names.name(f)),
        FoTerm::App(f, xs) => {
            out.push('(');
            out.push_str(names.name(f));
            for x in xs {
                out.push(' ');
                term(out, x, names);
            }
            out.push(')');
        }
    }
}

/// `(forall ((?x0 R) (?x1 R)) body)`, or `body` without variables.
fn quantified(vars: &[SortId], sorts: &[String], body: &str) -> String {
    if vars.is_empty() {
        return body.to_string();
    }
    let bs: Vec<String> = vars
        .iter()
        .enumerate()
        .map(|(k, &s)| format!("({} {})", var(k as u32), sorts[s]))
        .collect();
    format!("(forall ({}) {body})", bs.join(" "))
}

/// `|text|` for `set-info` (without `|` and `\`, which a quoted symbol cannot hold).
fn quoted(text: &str) -> String {
    let t: String = text
        .chars()
        .map(|c| if c == '|' || c == '\\' { '/' } else { c })
        .collect();
    format!("|{t}|")
}

impl Smt2Exporter {
    pub fn new(cx: &ExportContext) -> Result<Smt2Exporter, ExportError> {
        let sig = Signature::of(cx.source.theory())?;
        let mut names = Names::new(Target::Smt2);
        let sorts: Vec<String> = sig
            .sorts
            .iter()
            .map(|s| names.name(&s.name).to_string())
            .collect();
        let mut p = String::new();
        for s in &sorts {
            let _ = writeln!(p, "(declare-sort {s} 0)");
        }
        for f in &sig.functions {
            let args: Vec<&str> = f.args.iter().map(|&a| sorts[a].as_str()).collect();
            let _ = writeln!(
                p,
                "(declare-fun {} ({}) {})",
                names.name(&f.name),
                args.join(" "),
                sorts[f.result]
            );
        }
        let mut rule_lits = BTreeSet::new();
        let withheld =
            crate::axioms::withheld(cx.source.theory(), cx.source.theory_name(), &sig, cx.axioms)?;
        let mut rules = String::new();
        for (r, w) in sig.rules.iter().zip(&withheld) {
            if *w {
                let _ = writeln!(
                    rules,
                    "; {}: withheld (--axioms base; proven in the theory from the axioms stated here)",
                    r.name
                );
                continue;
            }
            lits(&r.lhs, &mut rule_lits);
            lits(&r.rhs, &mut rule_lits);
            let how = if r.proven {
                "a theorem of the theory (proven there), assumed here"
            } else {
                "an axiom of the theory"
            };
            let mut body = String::from("(= ");
            term(&mut body, &r.lhs, &mut names);
            body.push(' ');
            term(&mut body, &r.rhs, &mut names);
            body.push(')');
            let vars: Vec<SortId> = r.vars.iter().map(|v| v.1).collect();
            let _ = writeln!(rules, "; {}: {how}", r.name);
            let _ = writeln!(rules, "(assert {})", quantified(&vars, &sorts, &body));
        }
        for (n, why) in &sig.skipped {
            let _ = writeln!(rules, "; rule {n} omitted ({why}; no record uses it)");
        }
        let nat = sig.nat();
        // The rules' literals are declared with the functions, before the rules.
        for &n in &rule_lits {
            let s = nat.map(|s| sorts[s].clone()).unwrap_or_default();
            let _ = writeln!(p, "(declare-fun {} () {s})", names.name(&lit_key(n)));
        }
        p.push_str(&rules);
        Ok(Smt2Exporter {
            sig,
            names,
            preamble: p,
            rule_lits,
            nat,
            sorts,
            provenance: cx.provenance.lines(),
            theory: cx.source.theory_name().to_string(),
            dirs: SplitDirs::new(cx.out),
            out: cx.out.to_path_buf(),
            buf: String::new(),
            non_theorems: 0,
        })
    }
}

/// What a problem's header says besides its statement.
struct Header<'a> {
    id: &'a str,
    english: &'a str,
    /// What the problem is, for `:source`.
    what: &'static str,
    /// `unsat` (a theorem) or `sat` (a non-theorem).
    status: &'static str,
    difficulty: String,
}

impl Smt2Exporter {
    /// Writes one problem: the header, the theory, the negated statement.
    fn problem(&mut self, h: Header<'_>, st: &Statement, split: Split) -> Result<(), ExportError> {
        let stem = id_stem(h.id);
        let sorts = &self.sorts;
        let b = &mut self.buf;
        b.clear();
        for l in &self.provenance {
            let _ = writeln!(b, "; {l}");
        }
        let _ = writeln!(b, "; {}: {}", h.id, h.english);
        let _ = writeln!(b, "(set-info :smt-lib-version 2.6)");
        let _ = writeln!(
            b,
            "(set-info :source {})",
            quoted(&format!(
                "proofmill theory {}, record {}, split {}: {}.\n{}",
                self.theory,
                h.id,
                split.name(),
                h.what,
                self.provenance.join("\n")
            ))
        );
        let _ = writeln!(b, "(set-info :category \"crafted\")");
        let _ = writeln!(b, "(set-info :difficulty {})", quoted(&h.difficulty));
        let _ = writeln!(b, "(set-info :status {})", h.status);
        let _ = writeln!(b, "(set-logic UF)");
        b.push_str(&self.preamble);
        let mut extra = BTreeSet::new();
        lits(&st.lhs, &mut extra);
        lits(&st.rhs, &mut extra);
        for n in extra.difference(&self.rule_lits) {
            let s = self.nat.map(|s| sorts[s].as_str()).unwrap_or_default();
            let _ = writeln!(b, "(declare-fun {} () {s})", self.names.name(&lit_key(*n)));
        }
        let mut body = String::from("(= ");
        term(&mut body, &st.lhs, &mut self.names);
        body.push(' ');
        term(&mut body, &st.rhs, &mut self.names);
        body.push(')');
        let vars: Vec<SortId> = st.vars.iter().map(|v| v.1).collect();
        let what = match st.relation {
            Relation::Eq => "the statement, negated",
            Relation::Iff => "the statement (an equivalence: `=` between propositions), negated",
        };
        let _ = writeln!(b, "; {what}");
        let _ = writeln!(b, "(assert (not {}))", quantified(&vars, sorts, &body));
        b.push_str("(check-sat)\n(exit)\n");
        let dir = self.dirs.next_dir(split)?;
        write_file(&dir.join(format!("{stem}.smt2")), self.buf.as_bytes())
    }
}

impl Exporter for Smt2Exporter {
    fn record(&mut self, r: &Record, split: Split) -> Result<(), ExportError> {
        let st = self.sig.statement(r)?;
        let d = &r.difficulty;
        let h = Header {
            id: &r.id,
            english: &r.statement,
            what: "a theorem whose rewriting proof the kernel checked",
            status: "unsat",
            difficulty: format!(
                "steps {} distinct_rules {} hard_steps {} invent_steps {} size {} depth {}",
                d.steps, d.distinct_rules, d.hard_steps, d.invent_steps, d.size, d.depth
            ),
        };
        self.problem(h, &st, split)
    }

    /// A non-theorem: `sat` (the corpus records a finite model of the
    /// rules in which the statement fails); its file name holds `nonthm`.
    fn non_theorem(&mut self, r: &NonTheorem, split: Split) -> Result<bool, ExportError> {
        let st = self.sig.non_theorem_statement(r)?;
        let d = &r.difficulty;
        let h = Header {
            id: &r.id,
            english: &r.statement,
            what: "a non-theorem (a perturbed theorem that a finite model of the rules refutes)",
            status: "sat",
            difficulty: format!(
                "size {} depth {} source_steps {}",
                d.size, d.depth, d.source_steps
            ),
        };
        self.problem(h, &st, split)?;
        self.non_theorems += 1;
        Ok(true)
    }

    fn finish(self: Box<Self>) -> Result<String, ExportError> {
        let [t, v, s] = self.dirs.counts();
        let nt = match self.non_theorems {
            0 => String::new(),
            n => format!("; {n} of them non-theorems"),
        };
        Ok(format!(
            "smt2: {} problems in {} ({t} train, {v} validation, {s} test{nt})",
            self.dirs.total(),
            self.out.display()
        ))
    }
}
