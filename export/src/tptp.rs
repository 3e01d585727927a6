//! `--to tptp`: one TPTP FOF problem per theorem, for first-order provers
//! (E, Vampire, …). The theory's first-order rules are axioms, universally
//! closed; the record's statement is the conjecture. Terms are untyped:
//! every symbol is a functor (`R.add` → `r_add`), `Nat` literals are
//! constants (`2` → `n2`), and a propositional theory's propositions are
//! terms too (`And`, `Or`, `Not`, implication are functors; `↔` between
//! them is `=`), so each problem is pure equational reasoning, the way the
//! record's trace proves it.
//!
//! The header follows the TPTP library's: the problem's id, the theory,
//! `% Status   : Theorem` (the kernel checked a proof), the difficulty
//! fields, the split and the provenance lines. A non-theorem of the corpus
//! (`generate --non-theorems`) is the same form of problem with
//! `% Status   : CounterSatisfiable` (the corpus holds a finite model of the
//! axioms in which the conjecture fails) and `nonthm` in its name. Files go to
//! `tptp/<split>/<NNNNN>/<id>.p`.

use crate::error::ExportError;
use crate::files::{id_stem, write_file, SplitDirs};
use crate::format::{ExportContext, Exporter};
use crate::names::{Names, Target};
use crate::signature::{Relation, Signature, Statement};
use crate::split::Split;
use proofmill_corpora::corpus::{FoTerm, NonTheorem, Record};
use std::fmt::Write as _;

pub struct TptpExporter {
    sig: Signature,
    names: Names,
    /// The axioms (the same in every problem), printed once.
    axioms: String,
    /// The provenance and theory header lines, printed once.
    header: String,
    dirs: SplitDirs,
    out: std::path::PathBuf,
    buf: String,
    /// Non-theorems written (`CounterSatisfiable` problems).
    non_theorems: u64,
}

/// `X0`, `X1`, …: TPTP variables (upper case, never a functor).
fn var(k: u32) -> String {
    format!("X{k}")
}

impl TptpExporter {
    pub fn new(cx: &ExportContext) -> Result<TptpExporter, ExportError> {
        let sig = Signature::of(cx.source.theory()).map_err(|e| match e {
            ExportError::Theory { msg, .. } => ExportError::Theory {
                theory: cx.source.theory_name().into(),
                msg,
            },
            e => e,
        })?;
        let mut names = Names::new(Target::Tptp);
        names.reserve("goal");
        for f in &sig.functions {
            names.name(&f.name);
        }
        for r in &sig.rules {
            names.name(&r.name);
        }
        let withheld =
            crate::axioms::withheld(cx.source.theory(), cx.source.theory_name(), &sig, cx.axioms)?;
        let mut axioms = String::new();
        for (r, _) in sig.rules.iter().zip(&withheld).filter(|(_, w)| !**w) {
            let how = if r.proven {
                "a theorem of the theory (proven there), used as an axiom"
            } else {
                "an axiom of the theory"
            };
            let _ = writeln!(axioms, "% {}: {how}", r.name);
            let mut body = String::new();
            let vars: Vec<u32> = (0..r.vars.len() as u32).collect();
            term(&mut body, &r.lhs, &mut names);
            body.push_str(" = ");
            term(&mut body, &r.rhs, &mut names);
            let name = names.name(&r.name).to_string();
            let _ = writeln!(axioms, "fof({name}, axiom,\n    {}).", closed(&vars, &body));
        }
        let mut header = String::new();
        let _ = writeln!(
            header,
            "% Domain   : proofmill theory {}",
            cx.source.theory_name()
        );
        for l in cx.provenance.lines() {
            let _ = writeln!(header, "% Source   : {l}");
        }
        let left_out: Vec<&str> = sig
            .rules
            .iter()
            .zip(&withheld)
            .filter(|(_, w)| **w)
            .map(|(r, _)| r.name.as_str())
            .collect();
        if !left_out.is_empty() {
            let _ = writeln!(
                header,
                "% Axioms   : base; withheld: {} (proven in the theory from the axioms stated here)",
                left_out.join(", ")
            );
        }
        if !sig.skipped.is_empty() {
            for (n, why) in &sig.skipped {
                let _ = writeln!(header, "% Omitted  : rule {n} ({why}; no record uses it)");
            }
        }
        Ok(TptpExporter {
            sig,
            names,
            axioms,
            header,
            dirs: SplitDirs::new(cx.out),
            out: cx.out.to_path_buf(),
            buf: String::new(),
            non_theorems: 0,
        })
    }
}

/// `![X0,X1] : (body)`, or `body` without variables.
fn closed(vars: &[u32], body: &str) -> String {
    if vars.is_empty() {
        return format!("( {body} )");
    }
    let vs: Vec<String> = vars.iter().map(|&v| var(v)).collect();
    format!("! [{}] : ( {body} )", vs.join(","))
}

fn term(out: &mut String, t: &FoTerm, names: &mut Names) {
    match t {
        FoTerm::Var(v) => out.push_str(&var(*v)),
        FoTerm::Lit(n) => {
            let s = crate::names::lit_key(*n);
            out.push_str(names.name(&s));
        }
        FoTerm::App(f, xs) => {
            out.push_str(names.name(f));
            if !xs.is_empty() {
                out.push('(');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    term(out, x, names);
                }
                out.push(')');
            }
        }
    }
}

/// What a problem's header says besides its statement: the TPTP status,
/// the difficulty line and lines of its own (how it was proven, or how it
/// was made false).
struct Header<'a> {
    id: &'a str,
    english: &'a str,
    status: &'static str,
    difficulty: String,
    lines: Vec<String>,
}

impl TptpExporter {
    /// Writes one problem: the header, the axioms, the conjecture.
    fn problem(&mut self, h: Header<'_>, st: &Statement, split: Split) -> Result<(), ExportError> {
        let stem = id_stem(h.id);
        let b = &mut self.buf;
        b.clear();
        let _ = writeln!(b, "%{}", "-".repeat(74));
        let _ = writeln!(b, "% File     : {stem}.p");
        let _ = writeln!(b, "% Problem  : {}", h.id);
        let _ = writeln!(b, "% English  : {}", h.english);
        b.push_str(&self.header);
        let _ = writeln!(b, "% Status   : {}", h.status);
        let _ = writeln!(b, "% Difficulty: {}", h.difficulty);
        let _ = writeln!(b, "% Split    : {}", split.name());
        for l in &h.lines {
            let _ = writeln!(b, "% {l}");
        }
        let _ = writeln!(b, "%{}", "-".repeat(74));
        b.push_str(&self.axioms);
        let mut body = String::new();
        term(&mut body, &st.lhs, &mut self.names);
        body.push_str(" = ");
        term(&mut body, &st.rhs, &mut self.names);
        if st.relation == Relation::Iff {
            let _ = writeln!(
                b,
                "% the statement is an equivalence: propositions are terms, `<=>` is `=`"
            );
        }
        let vars: Vec<u32> = (0..st.vars.len() as u32).collect();
        let _ = writeln!(b, "fof(goal, conjecture,\n    {}).", closed(&vars, &body));
        let _ = writeln!(b, "%{}", "-".repeat(74));
        let dir = self.dirs.next_dir(split)?;
        write_file(&dir.join(format!("{stem}.p")), self.buf.as_bytes())
    }
}

impl Exporter for TptpExporter {
    fn record(&mut self, r: &Record, split: Split) -> Result<(), ExportError> {
        let st = self.sig.statement(r)?;
        let d = &r.difficulty;
        let h = Header {
            id: &r.id,
            english: &r.statement,
            status: "Theorem",
            difficulty: format!(
                "steps {} distinct_rules {} hard_steps {} invent_steps {} size {} depth {}",
                d.steps, d.distinct_rules, d.hard_steps, d.invent_steps, d.size, d.depth
            ),
            lines: vec![format!(
                "Proof    : {} rewriting steps (proofmill trace)",
                r.steps.len()
            )],
        };
        self.problem(h, &st, split)
    }

    /// A non-theorem: the same problem form, `CounterSatisfiable` (the
    /// corpus records a finite model of the axioms where the conjecture
    /// fails); its file name holds `nonthm`.
    fn non_theorem(&mut self, r: &NonTheorem, split: Split) -> Result<bool, ExportError> {
        let st = self.sig.non_theorem_statement(r)?;
        let d = &r.difficulty;
        let h = Header {
            id: &r.id,
            english: &r.statement,
            status: "CounterSatisfiable",
            difficulty: format!(
                "size {} depth {} source_steps {}",
                d.size, d.depth, d.source_steps
            ),
            lines: vec![
                format!("Perturbed: {} ({})", r.perturbed_from, r.perturbation),
                format!(
                    "Model    : {} elements, {} (proofmill's counter-model)",
                    r.counter_model.size, r.counter_model.name
                ),
            ],
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
            "tptp: {} problems in {} ({t} train, {v} validation, {s} test{nt})",
            self.dirs.total(),
            self.out.display()
        ))
    }
}
