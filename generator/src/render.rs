//! Rendering an accepted theorem: its proof assembled and checked by the
//! kernel, then printed as a corpus record (statement, goals, tactics, proof
//! term, difficulty) and serialized for each format written.

use crate::driver::{Candidate, Finished, Generator, Options, Refused};
use crate::print::TermPrinter;
use crate::proof::{assemble, groups, kernel_check, print_proof, theorem_vars};
use crate::readback::read_back;
use crate::rules::Cost;
use crate::term::Term;
use crate::walk::Chain;
use proofmill_corpora::corpus::{self, Difficulty, Problem, Record, Step, Var};
use proofmill_tactics::reader::TheoremReader;
use std::time::{Duration, Instant};

impl Generator {
    pub(crate) fn record_id(&self, opts: &Options, index: u64) -> String {
        format!(
            "{}/s{}/{:06}",
            corpus::theory_label(&opts.theory),
            opts.seed,
            index
        )
    }

    /// Proof assembly, kernel check, rendering and reading back of accepted
    /// theorem `index`, serialized for each format written.
    pub(crate) fn finish_one(
        &self,
        tc: &mut proofmill_kernel::TypeChecker<'_>,
        reader: &mut TheoremReader<'_>,
        printer: &TermPrinter<'_>,
        opts: &Options,
        index: u64,
        c: &Candidate,
    ) -> Finished {
        let mut done = Finished {
            result: Err(Refused::Rejected(String::new(), String::new())),
            assemble: Duration::ZERO,
            kernel: Duration::ZERO,
            render: Duration::ZERO,
            readback: Duration::ZERO,
        };
        let rec = match self.checked_record(tc, reader, printer, opts, index, c, &mut done) {
            Ok(rec) => rec,
            Err(refused) => {
                done.result = Err(refused);
                return done;
            }
        };
        // Serialized here, on the worker, rather than when the file is written.
        let t = Instant::now();
        let line = opts
            .jsonl
            .then(|| corpus::jsonl_line(&rec).map_err(|e| e.to_string()))
            .transpose();
        let entry = opts
            .bin
            .then(|| corpus::bin_entry(&rec).map_err(|e| e.to_string()))
            .transpose();
        done.render += t.elapsed();
        done.result = match (line, entry) {
            (Ok(line), Ok(entry)) => Ok((line, entry)),
            (Err(e), _) | (_, Err(e)) => Err(Refused::Rejected(rec.statement, e)),
        };
        done
    }

    /// The record of accepted theorem `index`: its proof assembled and
    /// checked by the kernel, rendered, and its text read back; the time of
    /// each part is added to `times`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn checked_record(
        &self,
        tc: &mut proofmill_kernel::TypeChecker<'_>,
        reader: &mut TheoremReader<'_>,
        printer: &TermPrinter<'_>,
        opts: &Options,
        index: u64,
        c: &Candidate,
        times: &mut Finished,
    ) -> Result<Record, Refused> {
        let names = &self.names;
        // `← add_comm x y` is written `add_comm y x`, in the proof as in the trace.
        let chain = self.rs.read_forwards(&c.chain);
        let chain = &*chain;
        let vars = theorem_vars(chain);
        let t0 = &chain.terms[0];
        let tn = chain.terms.last().expect("tn");
        let binders = crate::proof::binders(&self.rs, &self.pool, &vars);
        let rel = self.rs.sig.relation(chain.sort);
        let eq = printer.print_rel(rel, t0, tn, names);
        let statement = if vars.is_empty() {
            eq.clone()
        } else {
            format!("∀ {binders}, {eq}")
        };
        let t = Instant::now();
        let th = assemble(&self.rs, &self.pool, chain, &vars, tc);
        times.assemble += t.elapsed();
        let t = Instant::now();
        let verdict = th.and_then(|th| kernel_check(tc, &th).map(|()| th));
        times.kernel += t.elapsed();
        let th = verdict.map_err(|e| Refused::Rejected(statement.clone(), e.to_string()))?;
        let t = Instant::now();
        let rec = self.render(printer, opts, index, c, chain, statement, &eq, &vars);
        times.render += t.elapsed();
        // The text written must stand for exactly the terms checked.
        let t = Instant::now();
        let read = read_back(reader, &rec.statement, &rec.proof_term, tc, &th);
        times.readback += t.elapsed();
        match read {
            Ok(()) => Ok(rec),
            Err(e) => Err(Refused::ReadBack(rec.statement, e.to_string())),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        printer: &TermPrinter<'_>,
        opts: &Options,
        index: u64,
        c: &Candidate,
        chain: &Chain,
        statement: String,
        eq: &str,
        vars: &[u32],
    ) -> Record {
        let names = &self.names;
        let rel = self.rs.sig.relation(chain.sort);
        let tn = chain.terms.last().expect("tn");
        let hyps: String = groups(&self.rs, &self.pool, vars)
            .iter()
            .map(|(ns, t)| format!("{} : {t}\n", ns.join(" ")))
            .collect();
        // Room for a printed equation, so goal strings are not regrown.
        let eq_len_hint = eq.len() + 16;
        // Goal i is `tᵢ = rhsᵢ` (the right side as `rw` leaves it); each is
        // printed once and serves as one step's `state_after` and the next's
        // `state_before`. Goal 0 is the statement's equation.
        let goal = |eq: &dyn Fn(&mut String)| {
            let mut g = String::with_capacity(hyps.len() + 4 + 2 * eq_len_hint);
            g.push_str(&hyps);
            g.push_str("⊢ ");
            eq(&mut g);
            g
        };
        let mut goals = Vec::with_capacity(chain.steps.len());
        goals.push(goal(&|g| g.push_str(eq)));
        let mut rhs = tn.clone();
        for (i, s) in chain.steps.iter().enumerate().take(chain.steps.len() - 1) {
            if s.occ.is_none() {
                rhs = rhs.replace_all(&s.from, &s.to);
            }
            goals.push(goal(&|g| {
                printer.write_rel(rel, &chain.terms[i + 1], &rhs, names, g)
            }));
        }
        let mut goals = goals.into_iter();
        let mut before = goals.next().expect("goal 0");
        let mut steps = Vec::new();
        let mut rules_used = Vec::new();
        for s in chain.steps.iter() {
            let dir = &self.rs.dirs[s.dir];
            let rule = &self.rs.rules[dir.rule];
            let after = goals.next().unwrap_or_else(|| "no goals".to_string());
            let mut tac = String::with_capacity(8 + rule.head.len() + eq_len_hint);
            if let Some(k) = s.occ {
                tac.push_str("nth_rewrite ");
                tac.push_str(&k.to_string());
                tac.push(' ');
            } else {
                tac.push_str("rw ");
            }
            tac.push_str(if dir.reversed { "[← " } else { "[" });
            tac.push_str(&rule.head);
            for x in &s.sigma {
                tac.push(' ');
                printer.write_arg(x, names, &mut tac);
            }
            tac.push(']');
            if !rules_used.contains(&dir.rule) {
                rules_used.push(dir.rule);
            }
            steps.push(Step {
                state_before: std::mem::replace(&mut before, after.clone()),
                tactic: tac,
                rule: rule.label.clone(),
                direction: if dir.reversed { "rev" } else { "fwd" }.into(),
                cost: dir.cost.as_str().into(),
                position: s.position.iter().map(|&p| p as u32).collect(),
                state_after: after,
            });
        }
        let size = chain.terms.iter().map(|t| t.size()).max().unwrap_or(0);
        let depth = chain.terms.iter().map(|t| t.depth()).max().unwrap_or(0);
        let count = |k: Cost| {
            chain
                .steps
                .iter()
                .filter(|s| self.rs.dirs[s.dir].cost == k)
                .count() as u32
        };
        Record {
            id: self.record_id(opts, index),
            theory: opts.theory.clone(),
            seed: opts.seed.to_string(),
            attempt: c.attempt.to_string(),
            statement,
            vars: vars
                .iter()
                .map(|&v| Var {
                    name: names[v as usize].clone(),
                    ty: self.rs.sig.sorts[self.pool.vars[v as usize].1 as usize]
                        .name
                        .clone(),
                })
                .collect(),
            intro: if vars.is_empty() {
                String::new()
            } else {
                format!(
                    "intro {}",
                    vars.iter()
                        .map(|&v| names[v as usize].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            },
            steps,
            proof_term: print_proof(&self.rs, &self.pool, names, vars, chain, printer),
            difficulty: Difficulty {
                steps: chain.steps.len() as u32,
                distinct_rules: rules_used.len() as u32,
                hard_steps: count(Cost::Hard),
                invent_steps: count(Cost::Invent),
                size: size as u32,
                depth: depth as u32,
            },
            canonical_hash: format!("{:016x}", c.hash),
            problem: chain.problem.as_ref().map(|p| Problem {
                kind: p.kind.as_str().into(),
                question: question(printer, p, names, rel),
                answer: printer.print(&p.answer, names),
            }),
        }
    }
}

/// A problem's question: `find an antiderivative of f`, `find the
/// derivative of F`, `find y such that <equation in y>`.
fn question(
    printer: &TermPrinter<'_>,
    p: &crate::calculus::Problem,
    names: &[String],
    rel: crate::term::Relation,
) -> String {
    use crate::calculus::{ProblemKind, Y_MARKER};
    match (p.kind, &p.equation) {
        (ProblemKind::Antiderivative, _) => {
            format!(
                "find an antiderivative of {}",
                printer.print(&p.subject, names)
            )
        }
        (ProblemKind::Derivative, _) => {
            format!(
                "find the derivative of {}",
                printer.print(&p.subject, names)
            )
        }
        (_, Some((l, r))) => {
            let mut names2 = names.to_vec();
            names2.push("y".into());
            let y = Term::Var(names.len() as u32);
            let marker = Term::Var(Y_MARKER);
            let (l, r) = (l.replace_all(&marker, &y), r.replace_all(&marker, &y));
            format!(
                "find y such that {}",
                printer.print_rel(rel, &l, &r, &names2)
            )
        }
        (_, None) => String::new(),
    }
}
