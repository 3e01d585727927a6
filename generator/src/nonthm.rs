//! `generate --non-theorems K`: K false statements per 1,000 theorems,
//! each a perturbation of an accepted theorem (`perturb.rs`) shown false
//! by a finite counter-model (`countermodel.rs`), written to
//! `non-theorems-NNNNN.jsonl` (never to the theorem shards: nothing in them
//! was checked by the kernel).
//!
//! Which theorems are perturbed depends on their acceptance index alone:
//! theorem `i` is a source when `⌊(i+1)K/1000⌋ > ⌊iK/1000⌋`, so K of every
//! 1,000 are, evenly spread. A source's perturbations draw from their own
//! stream (the run's seed and the source's attempt), and the first few
//! that a model refutes are its candidates; the first candidate whose
//! canonical hash no earlier non-theorem has is kept, in acceptance order,
//! and numbered. Every shard of a `--shard K/N` run computes every
//! non-theorem (they are cheap) and so agrees on their ids, and writes
//! those whose source theorem is its own: the shards' non-theorems are
//! disjoint and their union is the single run's, as for theorems; nothing
//! depends on the thread count. A source none of whose perturbations is
//! refuted (all turned out true, or beyond the search's bounds) gives
//! none, and is counted.

use crate::canon;
use crate::countermodel::{sym_name, CounterModels};
use crate::driver::{Generator, Options, Report};
use crate::perturb::{Perturbed, Perturber};
use crate::print::TermPrinter;
use crate::rng::Rng;
use crate::sink::{Contents, ShardFile};
use crate::term::Term;
use crate::walk::Chain;
use proofmill_corpora::corpus::{
    self, CounterModel, FoTerm, NonTheorem, NonTheoremDifficulty, Var, NON_THEOREM_FILE_PREFIX,
    NON_THEOREM_STATUS,
};
use proofmill_tactics::reader::TheoremReader;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

/// The most non-theorems a run may ask for per 1,000 theorems.
pub const MAX_PER_THOUSAND: u32 = 1000;
/// Perturbations drawn per source at most.
const TRIES: usize = 24;
/// Refuted perturbations kept per source (the first not already made wins).
const CANDIDATES: usize = 3;
/// Mixed into the seed, so perturbation streams are not the walks'.
const SALT: u64 = 0x6e6f_6e74_686d_5eed;

/// Whether accepted theorem `index` is perturbed, at `k` per 1,000.
pub fn is_source(index: u64, k: u32) -> bool {
    let k = u64::from(k);
    (index + 1) * k / 1000 > index * k / 1000
}

/// An accepted theorem to perturb.
pub(crate) struct Source {
    pub index: u64,
    pub attempt: u64,
    pub hash: u64,
    /// Its theorem is written by this shard.
    pub ours: bool,
    pub chain: Chain,
}

/// A refuted perturbation.
struct Candidate {
    p: Perturbed,
    vars: Vec<u32>,
    hash: u64,
    model: CounterModel,
}

/// The non-theorems of a run so far.
pub(crate) struct NonTheorems {
    pub models: CounterModels,
    pub sources: Vec<Source>,
    seen: HashSet<u64>,
    /// Lines waiting for the next file.
    lines: Vec<Vec<u8>>,
    files: usize,
    prefix: String,
}

impl NonTheorems {
    pub fn new(models: CounterModels, opts: &Options) -> NonTheorems {
        let (k, n) = opts.shard;
        NonTheorems {
            models,
            sources: Vec::new(),
            seen: HashSet::new(),
            lines: Vec::new(),
            files: 0,
            prefix: if n == 1 {
                NON_THEOREM_FILE_PREFIX.to_string()
            } else {
                format!("{NON_THEOREM_FILE_PREFIX}-{k}-of-{n}")
            },
        }
    }
}

/// `t` as a first-order term over the statement's variables `vars`.
fn fo_term(g: &Generator, t: &Term, vars: &[u32]) -> FoTerm {
    match t {
        Term::Var(v) => FoTerm::Var(vars.iter().position(|w| w == v).unwrap_or(0) as u32),
        Term::Lit(k) => FoTerm::Lit(*k),
        Term::App(f, xs) => FoTerm::App(
            sym_name(&g.rs.sig, *f),
            xs.iter().map(|x| fo_term(g, x, vars)).collect(),
        ),
    }
}

impl Generator {
    /// The refuted perturbations of `src`, in the order drawn.
    fn candidates(&self, models: &CounterModels, opts: &Options, src: &Source) -> Vec<Candidate> {
        let perturber = Perturber {
            rs: &self.rs,
            pool: &self.pool,
            names: &self.names,
            nt: self.theory.notations(),
        };
        let mut rng = Rng::for_attempt(opts.seed ^ SALT, src.attempt);
        let mut out: Vec<Candidate> = Vec::new();
        for _ in 0..TRIES {
            if out.len() == CANDIDATES {
                break;
            }
            let Some(p) = perturber.perturb(&src.chain, &mut rng) else {
                continue;
            };
            if canon::trivial(&p.lhs, &p.rhs) || p.lhs.size().max(p.rhs.size()) > opts.max_size {
                continue;
            }
            let hash = canon::hash(&self.rs.sig, &p.lhs, &p.rhs);
            if hash == src.hash || out.iter().any(|c| c.hash == hash) {
                continue;
            }
            let mut vars = Vec::new();
            p.lhs.vars(&mut vars);
            p.rhs.vars(&mut vars);
            vars.sort_unstable();
            let Some(model) = models.refute(&p.lhs, &p.rhs, &vars, &self.names) else {
                continue;
            };
            // The same check `verify` makes of the record.
            let names: Vec<&str> = vars
                .iter()
                .map(|&v| self.names[v as usize].as_str())
                .collect();
            let (l, r) = (fo_term(self, &p.lhs, &vars), fo_term(self, &p.rhs, &vars));
            if model.refutes(models.rules(), &names, &l, &r).is_err() {
                continue;
            }
            out.push(Candidate {
                p,
                vars,
                hash,
                model,
            });
        }
        out
    }

    /// Perturbs the sources gathered so far (in parallel), keeps one
    /// non-theorem per source in acceptance order, and hands each full file
    /// of this shard's to the sink.
    pub(crate) fn make_non_theorems(
        &self,
        opts: &Options,
        nt: &mut NonTheorems,
        report: &mut Report,
        send: &dyn Fn(ShardFile) -> Result<(), String>,
        last: bool,
    ) -> Result<(), String> {
        let t = Instant::now();
        let sources = std::mem::take(&mut nt.sources);
        let found: Vec<Vec<Candidate>> = sources
            .par_iter()
            .map(|s| self.candidates(&nt.models, opts, s))
            .collect();
        let printer = TermPrinter::new(&self.rs.sig, self.theory.notations());
        let mut reader = TheoremReader::new(&self.theory);
        for (src, cands) in sources.iter().zip(found) {
            let Some(c) = cands.into_iter().find(|c| !nt.seen.contains(&c.hash)) else {
                report.non_theorem_unrefuted += 1;
                continue;
            };
            nt.seen.insert(c.hash);
            let index = report.non_theorems_all;
            report.non_theorems_all += 1;
            let kind = c.p.what.split(':').next().unwrap_or("").to_string();
            *report.non_theorem_kinds.entry(kind).or_default() += 1;
            if !src.ours {
                continue;
            }
            let rec = self.non_theorem_record(opts, &printer, index, src, &c);
            // Its statement means something in the theory, as `verify` will check.
            let read = reader
                .read_statement(&rec.statement, |tc, ty| {
                    tc.check_type(ty).map(|_| ()).map_err(|e| e.to_string())
                })
                .map_err(|e| e.to_string())
                .and_then(|r| r);
            if let Err(e) = read {
                report.readback_failures.push((rec.statement, e));
                continue;
            }
            nt.lines
                .push(corpus::non_theorem_line(&rec).map_err(|e| e.to_string())?);
            report.non_theorems += 1;
        }
        while nt.lines.len() >= crate::driver::PER_FILE || (last && !nt.lines.is_empty()) {
            let n = nt.lines.len().min(crate::driver::PER_FILE);
            let lines: Vec<Vec<u8>> = nt.lines.drain(..n).collect();
            let path: PathBuf = opts
                .out
                .join(format!("{}-{:05}.jsonl", nt.prefix, nt.files));
            nt.files += 1;
            send(ShardFile {
                path,
                records: lines.len() as u64,
                contents: Contents::Jsonl(lines),
            })?;
        }
        report.non_theorem_time += t.elapsed();
        Ok(())
    }

    fn non_theorem_record(
        &self,
        opts: &Options,
        printer: &TermPrinter<'_>,
        index: u64,
        src: &Source,
        c: &Candidate,
    ) -> NonTheorem {
        let names = &self.names;
        let rel = self.rs.sig.relation(src.chain.sort);
        let eq = printer.print_rel(rel, &c.p.lhs, &c.p.rhs, names);
        let statement = if c.vars.is_empty() {
            eq
        } else {
            let binders = crate::proof::binders(&self.rs, &self.pool, &c.vars);
            format!("∀ {binders}, {eq}")
        };
        NonTheorem {
            id: format!(
                "{}/s{}/nonthm-{:06}",
                corpus::theory_label(&opts.theory),
                opts.seed,
                index
            ),
            theory: opts.theory.clone(),
            seed: opts.seed.to_string(),
            statement,
            vars: c
                .vars
                .iter()
                .map(|&v| Var {
                    name: names[v as usize].clone(),
                    ty: self.rs.sig.sorts[self.pool.vars[v as usize].1 as usize]
                        .name
                        .clone(),
                })
                .collect(),
            status: NON_THEOREM_STATUS.to_string(),
            perturbed_from: self.record_id(opts, src.index),
            perturbation: c.p.what.clone(),
            canonical_hash: corpus::canon::hash_text(c.hash),
            difficulty: NonTheoremDifficulty {
                size: c.p.lhs.size().max(c.p.rhs.size()) as u32,
                depth: c.p.lhs.depth().max(c.p.rhs.depth()) as u32,
                source_steps: src.chain.steps.len() as u32,
            },
            counter_model: c.model.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_every_thousand_are_sources() {
        for k in [0u32, 1, 7, 10, 333, 999, 1000] {
            let n = (0..10_000u64).filter(|&i| is_source(i, k)).count() as u64;
            assert_eq!(n, 10 * u64::from(k), "k = {k}");
        }
    }
}
