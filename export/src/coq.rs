//! `--to coq`: Coq `.v` files, every theorem a `Lemma` whose proof follows
//! the record's trace, for `coqc` to check again with a kernel of its own.
//!
//! Each file opens with the theory: its sorts and functions as `Parameter`s
//! and its first-order rules as `Axiom`s (a rule the theory proves says so
//! in a comment). Propositions are Coq's own: `Prop` and `¬ ∧ ∨ ↔ →` are
//! `Prop`, `not`, `and`, `or`, `iff`, `->` (rewriting with an `↔` rule is
//! Coq's setoid rewriting, from `Setoid`). `Nat` is a `Parameter` like any
//! other sort, its literals constants `n0`, `n1`, … and `Nat.add`, `Nat.mul`
//! functions `Nat_add`, `Nat_mul`, not Coq's `nat`: a Coq numeral is a term
//! `S (S O)`, so rewriting with a rule instance whose side is the literal
//! `0` would rewrite inside every other numeral too, where Lean's `rw`
//! (and the trace) leaves literals whole. A `nat` lemma is therefore proved
//! from the theory's rules, as the trace proves it.
//!
//! A proof is `intros` then one `rewrite` per step, the rule applied to the
//! step's arguments (`rewrite (add_comm R_zero (R_add c (R_neg b)))`, `<-`
//! for a reversed step), then `reflexivity`. With every argument given the
//! rewritten instance is fixed, and Coq's `rewrite`, like Lean's `rw`,
//! rewrites every occurrence of it: so each step leaves the goal the trace
//! records, whatever the step's position (which therefore needs no `at`).
//! A trace's `nth_rewrite k` step (one copy of the instance, the k-th in
//! pre-order through the goal) is `rewrite (…) at k`: Coq numbers the
//! copies of a closed pattern left to right through the goal, the same
//! order (`Setoid` is imported for it and for the ↔ rules).
//!
//! Lemmas are batched, 1,000 a file (`coq/<split>/<label>_<NNNNN>.v`), so a
//! corpus compiles in a few `coqc` runs.

use crate::error::ExportError;
use crate::files::id_stem;
use crate::format::{ExportContext, Exporter};
use crate::names::{lit_key, Names, Target};
use crate::signature::{Relation, Signature, SortKind, IMPLIES};
use crate::split::Split;
use proofmill_corpora::corpus::{FoTerm, Record};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// Lemmas per file.
pub const PER_FILE: u64 = 1000;

/// What the prelude's symbols are in Coq (`None`: a `Parameter`).
fn native(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        "Not" => "not",
        "And" => "and",
        "Or" => "or",
        "Iff" => "iff",
        "True" => "True",
        "False" => "False",
        _ => return None,
    })
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

/// One split's current file.
struct Batch {
    file: std::io::BufWriter<std::fs::File>,
    path: PathBuf,
    lemmas: u64,
    /// The literals declared in it so far.
    lits: BTreeSet<u32>,
}

pub struct CoqExporter {
    sig: Signature,
    /// Each function's Coq name, by signature name.
    funs: HashMap<String, String>,
    /// Each sort's Coq name, by `SortId`.
    sorts: Vec<String>,
    names: Names,
    /// Literals the rules use (declared in the preamble).
    rule_lits: BTreeSet<u32>,
    preamble: String,
    label: String,
    out: PathBuf,
    batches: [Option<Batch>; 3],
    /// Lemmas and files written per split.
    lemmas: [u64; 3],
    files: [u64; 3],
    buf: String,
}

/// Text for inside a Coq comment (no comment delimiters, no string quotes).
fn comment_text(s: &str) -> String {
    s.replace("(*", "( *")
        .replace("*)", "* )")
        .replace('"', "'")
}

impl CoqExporter {
    pub fn new(cx: &ExportContext) -> Result<CoqExporter, ExportError> {
        let sig = Signature::of(cx.source.theory())?;
        let mut names = Names::new(Target::Coq);
        let sorts: Vec<String> = sig
            .sorts
            .iter()
            .map(|s| match s.kind {
                SortKind::Prop => "Prop".to_string(),
                SortKind::Nat | SortKind::Declared => names.name(&s.name).to_string(),
            })
            .collect();
        let mut funs = HashMap::new();
        let mut p = String::new();
        for l in cx.provenance.lines() {
            let _ = writeln!(p, "(* {} *)", comment_text(&l));
        }
        let _ = writeln!(
            p,
            "(* The theory {}: its sorts and functions as Parameters, its rules as Axioms;\n   \
             Prop and the connectives are Coq's own. *)",
            cx.source.theory_name()
        );
        // Setoid: rewriting with the ↔ rules, and `rewrite … at k` for the
        // trace's `nth_rewrite k` steps.
        let _ = writeln!(p, "Require Import Setoid.");
        for (s, coq) in sig.sorts.iter().zip(&sorts) {
            if s.kind != SortKind::Prop {
                let _ = writeln!(p, "Parameter {coq} : Type.");
            }
        }
        for f in &sig.functions {
            if f.name == IMPLIES {
                continue;
            }
            if f.prelude {
                if let Some(n) = native(&f.name) {
                    funs.insert(f.name.clone(), n.to_string());
                    continue;
                }
            }
            let coq = names.name(&f.name).to_string();
            let mut ty = String::new();
            for &a in &f.args {
                let _ = write!(ty, "{} -> ", sorts[a]);
            }
            ty.push_str(&sorts[f.result]);
            let _ = writeln!(p, "Parameter {coq} : {ty}.");
            funs.insert(f.name.clone(), coq);
        }
        for r in &sig.rules {
            names.name(&r.name);
        }
        let mut rule_lits = BTreeSet::new();
        for r in &sig.rules {
            lits(&r.lhs, &mut rule_lits);
            lits(&r.rhs, &mut rule_lits);
        }
        let nat = sig.nat().map(|k| sorts[k].clone()).unwrap_or_default();
        for &n in &rule_lits {
            let _ = writeln!(p, "Parameter {} : {nat}.", names.name(&lit_key(n)));
        }
        let mut out = CoqExporter {
            label: coq_module(cx.source.theory_name()),
            sig,
            funs,
            sorts,
            names,
            rule_lits,
            preamble: String::new(),
            out: cx.out.to_path_buf(),
            batches: [None, None, None],
            lemmas: [0; 3],
            files: [0; 3],
            buf: String::new(),
        };
        for r in &out.sig.rules {
            let how = if r.proven {
                "a theorem of the theory (proven there by its tactics); assumed here as an axiom"
            } else {
                "an axiom of the theory"
            };
            let vars = out.binder_names(r.vars.iter().map(|v| v.0.as_str()));
            let mut body = String::new();
            out.term(&mut body, &r.lhs, &vars);
            body.push_str(match r.relation {
                Relation::Eq => " = ",
                Relation::Iff => " <-> ",
            });
            out.term(&mut body, &r.rhs, &vars);
            let _ = writeln!(p, "(* {}: {how} *)", comment_text(&r.name));
            let _ = writeln!(
                p,
                "Axiom {} : {}{body}.",
                out.names.get(&r.name).unwrap_or_default(),
                out.binders(&vars, r.vars.iter().map(|v| v.1))
            );
        }
        for (n, why) in &out.sig.skipped {
            let _ = writeln!(
                p,
                "(* rule {} omitted ({}; no record uses it) *)",
                comment_text(n),
                comment_text(why)
            );
        }
        out.preamble = p;
        Ok(out)
    }

    /// Names for bound variables: each its own name when that is a Coq
    /// identifier no symbol uses, else `x0`, `x1`, … (apart from symbols too).
    fn binder_names<'a>(&self, vars: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in vars.enumerate() {
            let ok = crate::names::is_valid(Target::Coq, v)
                && !self.names.is_taken(v)
                && !out.iter().any(|o| o == v)
                && !v.starts_with('x');
            if ok {
                out.push(v.to_string());
            } else {
                let mut x = format!("x{k}");
                while self.names.is_taken(&x) || out.contains(&x) {
                    x.push('\'');
                }
                out.push(x);
            }
        }
        out
    }

    /// `forall (a b : R) (n : Nat), ` (empty without variables).
    fn binders(&self, vars: &[String], sorts: impl Iterator<Item = usize>) -> String {
        let sorts: Vec<usize> = sorts.collect();
        if vars.is_empty() {
            return String::new();
        }
        let mut s = String::from("forall");
        let mut i = 0;
        while i < vars.len() {
            let mut j = i + 1;
            while j < vars.len() && sorts[j] == sorts[i] {
                j += 1;
            }
            let _ = write!(s, " ({} : {})", vars[i..j].join(" "), self.sorts[sorts[i]]);
            i = j;
        }
        s.push_str(", ");
        s
    }

    fn term(&self, out: &mut String, t: &FoTerm, vars: &[String]) {
        match t {
            FoTerm::Var(v) => out.push_str(&vars[*v as usize]),
            FoTerm::Lit(n) => out.push_str(self.names.get(&lit_key(*n)).unwrap_or("n_undeclared")),
            FoTerm::App(f, xs) if f == IMPLIES && xs.len() == 2 => {
                out.push('(');
                self.term(out, &xs[0], vars);
                out.push_str(" -> ");
                self.term(out, &xs[1], vars);
                out.push(')');
            }
            FoTerm::App(f, xs) => {
                let name = self.funs.get(f).map(String::as_str).unwrap_or(f);
                if xs.is_empty() {
                    out.push_str(name);
                    return;
                }
                out.push('(');
                out.push_str(name);
                for x in xs {
                    out.push(' ');
                    self.term(out, x, vars);
                }
                out.push(')');
            }
        }
    }

    /// The open file of `split`, a new one when the last is full.
    fn batch(&mut self, split: Split) -> Result<&mut Batch, ExportError> {
        let k = split as usize;
        let full = self.batches[k]
            .as_ref()
            .is_some_and(|b| b.lemmas >= PER_FILE);
        if full {
            let b = self.batches[k].take().expect("checked");
            close(b)?;
        }
        if self.batches[k].is_none() {
            let dir = self.out.join(split.name());
            if self.files[k] == 0 {
                std::fs::create_dir_all(&dir).map_err(ExportError::io(&dir))?;
            }
            let path = dir.join(format!("{}_{:05}.v", self.label, self.files[k]));
            self.files[k] += 1;
            let f = std::fs::File::create(&path).map_err(ExportError::io(&path))?;
            let mut file = std::io::BufWriter::with_capacity(1 << 16, f);
            file.write_all(self.preamble.as_bytes())
                .map_err(ExportError::io(&path))?;
            self.batches[k] = Some(Batch {
                file,
                path,
                lemmas: 0,
                lits: self.rule_lits.clone(),
            });
        }
        Ok(self.batches[k].as_mut().expect("opened"))
    }
}

fn close(b: Batch) -> Result<(), ExportError> {
    let path = b.path;
    b.file
        .into_inner()
        .map_err(|e| ExportError::Io {
            path: path.clone(),
            source: e.into_error(),
        })
        .map(drop)
}

/// A theory label as a Coq module (file) name: `[A-Za-z][A-Za-z0-9_]*`.
fn coq_module(label: &str) -> String {
    let s: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    match s.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => s,
        _ => format!("T{s}"),
    }
}

impl Exporter for CoqExporter {
    fn record(&mut self, r: &Record, split: Split) -> Result<(), ExportError> {
        let st = self.sig.statement(r)?;
        let steps = self.sig.steps(r)?;
        let mut used = BTreeSet::new();
        lits(&st.lhs, &mut used);
        lits(&st.rhs, &mut used);
        for s in &steps {
            s.args.iter().for_each(|a| lits(a, &mut used));
        }
        for &n in &used {
            self.names.name(&lit_key(n));
        }
        // After the literals are named, so no variable takes a literal's name.
        let vars = self.binder_names(st.vars.iter().map(|v| v.0.as_str()));
        let mut lemma = id_stem(&r.id);
        if !lemma.starts_with(|c: char| c.is_ascii_alphabetic()) {
            lemma.insert(0, 't');
        }
        while self.names.is_taken(&lemma) || vars.contains(&lemma) {
            lemma.push('\'');
        }
        let nat = self
            .sig
            .nat()
            .map(|k| self.sorts[k].clone())
            .unwrap_or_default();
        let mut b = std::mem::take(&mut self.buf);
        b.clear();
        {
            let batch = self.batch(split)?;
            let new: Vec<u32> = used.difference(&batch.lits).copied().collect();
            batch.lits.extend(new.iter().copied());
            for n in new {
                let _ = writeln!(
                    b,
                    "Parameter {} : {nat}.",
                    self.names.get(&lit_key(n)).unwrap_or_default()
                );
            }
        }
        let d = &r.difficulty;
        let _ = writeln!(
            b,
            "\n(* {} · split {} · steps {} distinct_rules {} hard_steps {} invent_steps {} size {} depth {}\n   {} *)",
            r.id,
            split.name(),
            d.steps,
            d.distinct_rules,
            d.hard_steps,
            d.invent_steps,
            d.size,
            d.depth,
            comment_text(&r.statement)
        );
        let _ = write!(
            b,
            "Lemma {lemma} : {}",
            self.binders(&vars, st.vars.iter().map(|v| v.1))
        );
        self.term(&mut b, &st.lhs, &vars);
        b.push_str(match st.relation {
            Relation::Eq => " = ",
            Relation::Iff => " <-> ",
        });
        self.term(&mut b, &st.rhs, &vars);
        b.push_str(".\nProof.\n");
        if !vars.is_empty() {
            let _ = writeln!(b, "  intros {}.", vars.join(" "));
        }
        for s in &steps {
            let rule = &self.sig.rules[s.rule];
            let _ = write!(
                b,
                "  rewrite {}({}",
                if s.reversed { "<- " } else { "" },
                self.names.get(&rule.name).unwrap_or_default()
            );
            for a in &s.args {
                b.push(' ');
                self.term(&mut b, a, &vars);
            }
            b.push(')');
            // `nth_rewrite k`: Coq numbers the instances of a closed
            // pattern left to right through the goal, as the trace does.
            if let Some(k) = s.occ {
                let _ = write!(b, " at {k}");
            }
            b.push_str(".\n");
        }
        b.push_str("  reflexivity.\nQed.\n");
        let batch = self.batch(split)?;
        batch
            .file
            .write_all(b.as_bytes())
            .map_err(ExportError::io(&batch.path))?;
        batch.lemmas += 1;
        self.lemmas[split as usize] += 1;
        self.buf = b;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<String, ExportError> {
        for b in self.batches.iter_mut() {
            if let Some(b) = b.take() {
                close(b)?;
            }
        }
        let [t, v, s] = self.lemmas;
        Ok(format!(
            "coq: {} lemmas in {} files in {} ({t} train, {v} validation, {s} test)",
            t + v + s,
            self.files.iter().sum::<u64>(),
            self.out.display()
        ))
    }
}
