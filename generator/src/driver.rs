//! The parallel, deterministic driver.
//!
//! Attempt `k` of a run draws from its own stream `Rng::for_attempt(seed, k)`.
//! Attempts are processed in fixed chunks of `CHUNK`: walks run in parallel
//! (rayon), candidates already in the concurrent dedup map (dashmap) are
//! dropped, then the chunk's candidates are accepted in attempt order, so the
//! result never depends on the number of threads. As soon as a file's worth
//! of candidates is accepted they are assembled into kernel proofs, checked,
//! rendered and serialized in parallel, and the file is handed to the sink
//! (`sink.rs`), which writes it on its own thread while the next chunk is
//! walked (memory stays bounded, and an interrupted run keeps its complete
//! files); a rejected candidate is a generator bug and is reported, never
//! written.
//!
//! `--shard K/N`: every shard walks the same attempts (cheap) and so agrees on
//! which theorems the whole run accepts and on their ids; shard K assembles,
//! checks and writes only the accepted theorems whose canonical hash falls in
//! shard K (`canon::shard_of`). The shards are disjoint and their union is the unsharded run.

use crate::calculus::{Calculus, Problem, ProblemKind};
use crate::canon;
use crate::print::TermPrinter;
use crate::rng::Rng;
use crate::rules::{Cost, RuleSet};
use crate::search::{BackwardSearch, Constraints};
use crate::sink::{Contents, ShardFile, Sink};
use crate::space::{Coverage, RuleSpace};
use crate::term::{SortId, Term};
use crate::walk::{Chain, VarPool, WalkFailure, WalkLimits, Walker};
use dashmap::DashMap;
use proofmill_corpora::corpus;
use proofmill_tactics::reader::TheoremReader;
use proofmill_tactics::theory::Theory;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const CHUNK: u64 = 512;
/// Theorems checked by one kernel type checker in turn: its caches (types
/// of the rules, of `Eq.trans` and `congrArg` at the theory's sort) serve them
/// all, and memory stays bounded. Each theorem is still checked in full
/// against its own statement.
const CHECKER_REUSE: usize = 32;
/// Records per shard file.
pub const PER_FILE: usize = 1000;
/// The most steps a theorem may be asked to have (`--steps A..B`, B at most this).
pub const MAX_STEPS: usize = 100;
/// The largest term size a walk may be allowed (`--max-size`).
pub const MAX_SIZE: usize = 256;
/// The most theorems one run may be asked for (`--count`): the dedup table
/// holds every accepted theorem of every shard.
pub const MAX_COUNT: u64 = 10_000_000;

#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Shipped name or path, as written in the manifest.
    pub theory: String,
    pub count: u64,
    pub seed: u64,
    pub steps: (usize, usize),
    pub max_size: usize,
    pub threads: usize,
    pub shard: (u64, u64),
    pub hard_steps: usize,
    /// Every theorem uses this rule (by name): reached by backward search.
    pub require_rule: Option<String>,
    /// Every theorem's left side has at least this many nodes: reached by backward search.
    pub min_size: usize,
    pub curriculum: bool,
    pub exclude: HashSet<u64>,
    pub jsonl: bool,
    pub bin: bool,
    pub out: PathBuf,
    pub resume: bool,
    /// Remove the corpus already in `out` (its own files only) first.
    pub overwrite: bool,
    /// Give up after this many attempts per requested theorem.
    pub max_attempts_per_theorem: u64,
    /// Calculus: the size of a problem's answer, in nodes (`--answer-size A..B`).
    pub answer_size: (usize, usize),
    /// Calculus: the problem kinds and their weights (`--problems KIND=W,…`).
    pub problems: Vec<(ProblemKind, u32)>,
    /// Non-theorems per 1,000 theorems (`--non-theorems K`, `nonthm.rs`).
    pub non_theorems: u32,
    /// Rules whose directions the walks draw more often, with the factor
    /// (`--favor RULE=W,…`).
    pub favor: Vec<(String, u32)>,
}

impl Options {
    pub fn new(theory: &str, out: PathBuf) -> Options {
        Options {
            theory: theory.to_string(),
            count: 1000,
            seed: 0,
            steps: (3, 8),
            max_size: 24,
            threads: 0,
            shard: (0, 1),
            hard_steps: 0,
            require_rule: None,
            min_size: 0,
            curriculum: false,
            exclude: HashSet::new(),
            jsonl: true,
            bin: false,
            out,
            resume: false,
            overwrite: false,
            max_attempts_per_theorem: 200,
            answer_size: (4, 10),
            problems: vec![(ProblemKind::Antiderivative, 1)],
            non_theorems: 0,
            favor: Vec::new(),
        }
    }
    /// Options that cannot apply, and limits exceeded, as a usage error.
    pub fn check(&self) -> Result<(), String> {
        let (a, b) = self.steps;
        if a < 1 || a > b || b > MAX_STEPS {
            return Err(format!(
                "--steps {a}..{b}: expected A..B with 1 ≤ A ≤ B ≤ {MAX_STEPS}"
            ));
        }
        if self.max_size < 1 || self.max_size > MAX_SIZE {
            return Err(format!(
                "--max-size {}: expected 1 to {MAX_SIZE}",
                self.max_size
            ));
        }
        if self.count > MAX_COUNT {
            return Err(format!(
                "--count {}: at most {MAX_COUNT} theorems a run (split larger corpora with --seed)",
                self.count
            ));
        }
        if self.min_size > self.max_size {
            return Err(format!(
                "--min-size {} is larger than --max-size {}",
                self.min_size, self.max_size
            ));
        }
        if self.hard_steps > b {
            return Err(format!(
                "--hard-steps {} is more than the most steps a theorem has (--steps {a}..{b})",
                self.hard_steps
            ));
        }
        let (a, b) = self.answer_size;
        if a < 1 || a > b {
            return Err(format!(
                "--answer-size {a}..{b}: expected A..B with 1 ≤ A ≤ B"
            ));
        }
        if self.problems.is_empty() || self.problems.iter().all(|(_, w)| *w == 0) {
            return Err("--problems: no kind has a positive weight".into());
        }
        if self.hard_steps > 0
            && !self
                .problems
                .iter()
                .any(|(k, w)| *k == ProblemKind::Antiderivative && *w > 0)
        {
            return Err("--hard-steps needs antiderivative problems in --problems (the other kinds have no hard steps)".into());
        }
        if self.non_theorems > crate::nonthm::MAX_PER_THOUSAND {
            return Err(format!(
                "--non-theorems {}: at most {} per 1,000 theorems",
                self.non_theorems,
                crate::nonthm::MAX_PER_THOUSAND
            ));
        }
        if !self.jsonl && !self.bin {
            return Err("no output format (--format jsonl, bin or jsonl,bin)".into());
        }
        Ok(())
    }

    /// The walk limits these options ask for.
    pub fn limits(&self) -> WalkLimits {
        WalkLimits {
            min_steps: self.steps.0,
            max_steps: self.steps.1,
            max_size: self.max_size,
            // A start term smaller than the walk is long mostly dead-ends
            // (`a + b` has one rewrite and then only loops back).
            start_size: {
                let hi = (self.max_size / 2).max(4);
                (self.steps.0.clamp(3, hi), hi)
            },
            max_depth: self.max_size,
        }
    }
    pub(crate) fn as_map(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert("count".into(), self.count.to_string());
        m.insert("seed".into(), self.seed.to_string());
        m.insert(
            "steps".into(),
            format!("{}..{}", self.steps.0, self.steps.1),
        );
        m.insert("max_size".into(), self.max_size.to_string());
        m.insert("shard".into(), format!("{}/{}", self.shard.0, self.shard.1));
        m.insert("hard_steps".into(), self.hard_steps.to_string());
        m.insert("curriculum".into(), self.curriculum.to_string());
        m.insert(
            "answer_size".into(),
            format!("{}..{}", self.answer_size.0, self.answer_size.1),
        );
        m.insert(
            "problems".into(),
            self.problems
                .iter()
                .map(|(k, w)| format!("{}={w}", k.as_str()))
                .collect::<Vec<_>>()
                .join(","),
        );
        if let Some(r) = &self.require_rule {
            m.insert("require_rule".into(), r.clone());
        }
        if self.min_size > 0 {
            m.insert("min_size".into(), self.min_size.to_string());
        }
        if self.non_theorems > 0 {
            m.insert("non_theorems".into(), self.non_theorems.to_string());
        }
        if !self.favor.is_empty() {
            let f: Vec<String> = self.favor.iter().map(|(r, w)| format!("{r}={w}")).collect();
            m.insert("favor".into(), f.join(","));
        }
        m.insert("exclude".into(), self.exclude.len().to_string());
        if !self.exclude.is_empty() {
            // Which statements were held out changes the corpus, not only how many.
            let mut hs: Vec<u64> = self.exclude.iter().copied().collect();
            hs.sort_unstable();
            let text: String = hs.iter().map(|h| format!("{h:016x}\n")).collect();
            m.insert("exclude_sha256".into(), corpus::sha256_hex(text.as_bytes()));
        }
        let formats: Vec<&str> = [(self.jsonl, "jsonl"), (self.bin, "bin")]
            .into_iter()
            .filter_map(|(on, f)| on.then_some(f))
            .collect();
        m.insert("format".into(), formats.join(","));
        m
    }
}

/// A loaded theory, its rules and rule space.
pub struct Generator {
    pub theory: Theory,
    pub rs: RuleSet,
    pub space: RuleSpace,
    pub pool: VarPool,
    /// The pool's variable names, by index.
    pub names: Vec<String>,
    pub sort: SortId,
    /// The derivative, when the theory has hard rules `… = deriv …`.
    pub deriv: Option<u32>,
    /// A theory of real functions (`calculus`): problems are made answer first.
    pub calculus: Option<Calculus>,
}

impl Generator {
    pub fn load(theory: &str) -> Result<Generator, String> {
        let shipped: Vec<&str> = proofmill_tactics::theory::SHIPPED
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| *n != "prelude")
            .collect();
        if theory == "prelude" {
            return Err(format!(
                "--theory prelude: the prelude has no rules (it is what every theory starts from); generate from {}, or a .theory file",
                shipped.join(", ")
            ));
        }
        let is_shipped = proofmill_tactics::theory::shipped_source(theory).is_some();
        if !is_shipped && !std::path::Path::new(theory).is_file() {
            return Err(format!(
                "--theory {theory}: not a shipped theory ({}) nor a .theory file",
                shipped.join(", ")
            ));
        }
        let (theory_t, _) = corpus::theory_source(theory, std::path::Path::new("."))?;
        let rs = RuleSet::extract(&theory_t);
        if rs.rules.is_empty() {
            return Err(format!(
                "theory {theory} has no usable @[rule] declarations"
            ));
        }
        let space = RuleSpace::build(&rs);
        let calculus = Calculus::new(&rs);
        let pool = VarPool::new(&rs, 3);
        // The sort most rules are about.
        let mut by_sort = vec![0usize; rs.sig.sorts.len()];
        for r in &rs.rules {
            by_sort[r.sort as usize] += 1;
        }
        let sort = (0..by_sort.len())
            .max_by_key(|&s| (by_sort[s], usize::MAX - s))
            .unwrap_or(0) as SortId;
        let deriv = rs
            .rules
            .iter()
            .filter(|r| r.fwd_hard)
            .find_map(|r| match &r.rhs {
                Term::App(f, xs) if xs.len() == 1 => Some(*f),
                _ => None,
            });
        Ok(Generator {
            theory: theory_t,
            rs,
            space,
            names: pool.names(),
            pool,
            sort,
            deriv,
            calculus,
        })
    }
}

/// What a run did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub written: u64,
    pub accepted: u64,
    pub attempts: u64,
    pub too_short: u64,
    /// Answers-first problems longer than `--steps` allows (redrawn).
    pub too_long: u64,
    /// Answers-first problems whose question kept constants no fold joins.
    pub unfolded: u64,
    pub trace_conflicts: u64,
    pub trivial: u64,
    /// Backward searches that stopped without a chain meeting the constraints.
    pub not_found: u64,
    pub duplicates: u64,
    pub excluded: u64,
    pub bucket_full: u64,
    /// Kernel rejections (generator bugs), with the candidate's statement and error.
    pub rejections: Vec<(String, String)>,
    /// Records whose printed statement or proof term did not elaborate back
    /// to the terms the kernel checked (generator bugs, never written), with
    /// the statement and why.
    pub readback_failures: Vec<(String, String)>,
    pub coverage_nodes: usize,
    pub coverage_edges: usize,
    pub nodes: usize,
    pub edges: usize,
    pub walk_time: Duration,
    pub assemble_time: Duration,
    pub kernel_time: Duration,
    pub render_time: Duration,
    /// Reading every record's printed text back (`readback.rs`).
    pub readback_time: Duration,
    pub elapsed: Duration,
    /// Why fewer than `count` theorems were produced, if so.
    pub ran_out: Option<String>,
    pub resumed_files: usize,
    /// Non-theorems written by this shard, and made by the whole run.
    pub non_theorems: u64,
    pub non_theorems_all: u64,
    /// Theorems picked for a non-theorem none of whose perturbations a
    /// counter-model refuted (all shards).
    pub non_theorem_unrefuted: u64,
    /// Non-theorems by kind of perturbation (all shards).
    pub non_theorem_kinds: BTreeMap<String, u64>,
    /// Perturbing, searching counter-models and writing non-theorems.
    pub non_theorem_time: Duration,
    /// Files in the output directory that belong to no corpus (left alone).
    pub foreign_files: Vec<String>,
}

impl Report {
    pub fn duplicate_rate(&self) -> f64 {
        let d = self.duplicates as f64;
        if self.accepted + self.duplicates == 0 {
            0.0
        } else {
            d / (self.accepted + self.duplicates) as f64
        }
    }

    /// Where the attempts that wrote nothing went, in the words of
    /// `generate`'s summary line; the "theory ran out" error says the same.
    pub fn attempts_breakdown(&self) -> String {
        format!(
            "duplicates {} ({:.1}%), too short {}, too long {}, unfolded constants {}, trace conflicts {}, trivial {}, searches without result {}, excluded {}, kernel rejections {}, read-back failures {}",
            self.duplicates,
            100.0 * self.duplicate_rate(),
            self.too_short,
            self.too_long,
            self.unfolded,
            self.trace_conflicts,
            self.trivial,
            self.not_found,
            self.excluded,
            self.rejections.len(),
            self.readback_failures.len()
        )
    }
}

/// A candidate that is not written: a generator bug, with the statement and why.
pub(crate) enum Refused {
    /// The kernel rejected the proof, or the record could not be serialized.
    Rejected(String, String),
    /// The record's text does not elaborate back to what the kernel checked.
    ReadBack(String, String),
}

/// A record serialized for each format written: its JSONL line and its
/// bincode entry, each if that format is written.
pub(crate) type Serialized = (Option<Vec<u8>>, Option<Vec<u8>>);

/// A finished record, serialized, or why it was refused; with the time of
/// assembly, check, rendering and reading back.
pub(crate) struct Finished {
    pub result: Result<Serialized, Refused>,
    pub assemble: Duration,
    pub kernel: Duration,
    pub render: Duration,
    pub readback: Duration,
}

/// Type checkers (and theorem readers, which hold one) kept between batches:
/// a checker `reset` between batches keeps its tables' memory, where a new
/// one would allocate (and the system zero) fresh pages for each. Which
/// checker checks a theorem never changes the verdict.
struct Pool<T> {
    free: std::sync::Mutex<Vec<T>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool {
            free: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl<T> Pool<T> {
    fn take(&self, make: impl FnOnce() -> T) -> T {
        let free = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop();
        free.unwrap_or_else(make)
    }
    fn give(&self, x: T) {
        self.free.lock().unwrap_or_else(|p| p.into_inner()).push(x);
    }
}

/// The files of this shard handed to the sink so far, the accepted theorems
/// waiting for the next one, and the checkers that check them.
struct ShardWriter<'e, 's> {
    checkers: Pool<proofmill_kernel::TypeChecker<'e>>,
    readers: Pool<TheoremReader<'e>>,
    sink: Sink<'s>,
    prefix: String,
    pending: Vec<(u64, Candidate)>,
    files: usize,
    /// `--resume`: the earlier run's finished files (`manifest.rs`).
    keep: std::collections::HashMap<String, corpus::ShardInfo>,
    /// Records checked and handed to the sink.
    written: u64,
    /// `--non-theorems`: the run's non-theorems so far.
    nt: Option<crate::nonthm::NonTheorems>,
}

impl<'e, 's> ShardWriter<'e, 's> {
    fn new(
        opts: &Options,
        sink: Sink<'s>,
        keep: std::collections::HashMap<String, corpus::ShardInfo>,
    ) -> ShardWriter<'e, 's> {
        let (sk, sn) = opts.shard;
        ShardWriter {
            checkers: Pool::default(),
            readers: Pool::default(),
            sink,
            prefix: if sn == 1 {
                "shard".to_string()
            } else {
                format!("shard-{sk}-of-{sn}")
            },
            pending: Vec::new(),
            files: 0,
            keep,
            written: 0,
            nt: None,
        }
    }
    fn send(&self, file: ShardFile) -> Result<(), String> {
        // A refused hand-over means the writer stopped; `Sink::finish` says why.
        self.sink.send(file).map_err(|e| e.to_string())
    }
}

pub(crate) struct Candidate {
    pub(crate) attempt: u64,
    pub(crate) chain: Chain,
    pub(crate) hash: u64,
}

enum Outcome {
    Cand(Candidate),
    Fail(WalkFailure),
    Dup,
}

/// The dedup key of a problem's question (kind and subject): two problems
/// asking the same have answers equal up to an additive constant (or the
/// same answer), so only the first is kept.
fn question_key(sig: &crate::term::Signature, chain: &Chain) -> Option<u64> {
    let p = chain.problem.as_ref()?;
    let subject = match &p.equation {
        Some((l, _)) => l,
        None => &p.subject,
    };
    let tag = 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(p.kind as u64 + 1);
    Some(canon::hash(sig, subject, &p.subject) ^ tag)
}

/// `--curriculum`: one bucket per step count in `lo..=hi`.
fn bucket(steps: usize, lo: usize, hi: usize) -> usize {
    steps.clamp(lo, hi) - lo
}

impl Generator {
    /// A walker over this theory's rules with `limits` and a coverage snapshot.
    pub fn walker<'a>(&'a self, limits: &'a WalkLimits, coverage: &'a [u64]) -> Walker<'a> {
        Walker::new(
            &self.rs,
            &self.space,
            &self.pool,
            limits,
            coverage,
            self.sort,
        )
    }

    /// Attempt `k` of a run with `opts`: a forward walk, or (theories with
    /// hard rules) a backward construction, from the attempt's own stream.
    pub fn walk_one(
        &self,
        walker: &Walker<'_>,
        opts: &Options,
        k: u64,
    ) -> Result<Chain, WalkFailure> {
        let mut rng = Rng::for_attempt(opts.seed, k);
        if opts.require_rule.is_some() || opts.min_size > 0 {
            return self.search_one(walker, opts, &mut rng);
        }
        match (&self.calculus, self.deriv) {
            (Some(c), _) if opts.hard_steps > 0 || rng.chance(1, 2) => {
                let kind = if opts.hard_steps > 0 {
                    ProblemKind::Antiderivative
                } else {
                    let w: Vec<u64> = opts.problems.iter().map(|(_, w)| u64::from(*w)).collect();
                    opts.problems[rng.weighted(&w)].0
                };
                walker.problem(&mut rng, c, kind, opts.hard_steps, opts.answer_size)
            }
            (None, Some(d)) if opts.hard_steps > 0 || rng.chance(1, 2) => {
                walker.antiderivative(&mut rng, d, opts.hard_steps)
            }
            _ => walker.forward(&mut rng),
        }
    }

    /// Backward search (DESIGN §6) from a sampled target to a source meeting
    /// the options' constraints; the chain reads source → … → target.
    fn search_one(
        &self,
        walker: &Walker<'_>,
        opts: &Options,
        rng: &mut Rng,
    ) -> Result<Chain, WalkFailure> {
        let l = walker.limits;
        // As many steps as a forward walk would take: the search returns
        // the first chain that meets the constraints, so a fixed minimum
        // would make almost every chain that short.
        let c = Constraints {
            min_steps: rng.range(opts.steps.0, opts.steps.1),
            min_size: opts.min_size,
            min_hard: opts.hard_steps,
            require_rule: self.required_rule(opts)?,
        };
        let size = rng.range(l.start_size.0, l.start_size.1);
        let target = self.search_target(walker, &c, size, rng);
        let found = BackwardSearch::new(walker)
            .with_beam_width(8)
            .with_branching(6)
            .with_max_depth(opts.steps.1)
            .with_node_limit(1_000)
            .run(&target, &c, rng);
        let mut chain = found.chain.ok_or(WalkFailure::NotFound)?;
        // A chain to `deriv F` states an antiderivative problem (find an
        // antiderivative of the left side), as one made answer first does,
        // unless the left side holds `deriv F` itself.
        if let (Some(d), Some(tn @ Term::App(g, xs))) = (self.deriv, chain.terms.last()) {
            let f = &chain.terms[0];
            if *g == d && xs.len() == 1 && !f.contains(tn) {
                chain.problem = Some(Problem {
                    kind: ProblemKind::Antiderivative,
                    subject: f.clone(),
                    answer: xs[0].clone(),
                    equation: None,
                });
            }
        }
        Ok(chain)
    }

    /// A target from which the constraints can be reached (about `size`
    /// nodes, when no hard step is asked for: any term). Hard steps are only
    /// taken backwards, by differentiating, so when `c` asks for some the
    /// target holds `deriv F`, `F` built from what the differentiation rules
    /// know with at least as many applications as hard steps are asked for,
    /// and small enough that differentiating it stays within the size limit
    /// (half the time inside a small random context `C[deriv F]`); for a
    /// required hard rule, it is an instance of what the rule integrates to
    /// (e.g. `deriv (f * g)`).
    fn search_target(
        &self,
        walker: &Walker<'_>,
        c: &Constraints,
        size: usize,
        rng: &mut Rng,
    ) -> Term {
        let all: Vec<u32> = (0..self.pool.vars.len() as u32).collect();
        let hard_rule = c
            .require_rule
            .map(|r| &self.rs.rules[r])
            .filter(|r| r.fwd_hard);
        let Some(deriv) = self.deriv.filter(|_| c.min_hard > 0 || hard_rule.is_some()) else {
            return walker.sample(rng, self.sort, size, &all, &[]);
        };
        let lo = c.min_hard + 1;
        let fsize = rng.range(lo, (walker.limits.max_size / 3).max(lo));
        if let Some(r) = hard_rule {
            let part = (fsize / r.vars.len().max(1)).max(1);
            let sigma: Vec<Term> = r
                .vars
                .iter()
                .map(|(_, s)| walker.integrable(rng, *s, part))
                .collect();
            return r.rhs.instantiate(&sigma);
        }
        let apps = |t: &Term| t.count_apps(&|x| walker.sort_of(x) == self.sort);
        let mut f = walker.integrable(rng, self.sort, fsize);
        for _ in 0..8 {
            if apps(&f) >= c.min_hard {
                break;
            }
            f = walker.integrable(rng, self.sort, fsize);
        }
        let f = Term::App(deriv, std::sync::Arc::from([f]));
        if rng.chance(1, 2) {
            return f;
        }
        let n = rng.range(3, 5);
        let ctx = walker.sample(rng, self.sort, n, &all, &[]);
        let mut ps = Vec::new();
        ctx.positions(&mut Vec::new(), &mut ps);
        ps.retain(|p| ctx.at(p).is_some_and(|x| walker.sort_of(x) == self.sort));
        let hole = ctx.at(&ps[rng.below(ps.len())]).expect("a position");
        ctx.replace_all(hole, &f)
    }

    fn required_rule(&self, opts: &Options) -> Result<Option<usize>, WalkFailure> {
        match &opts.require_rule {
            None => Ok(None),
            Some(n) => self
                .rs
                .rules
                .iter()
                .position(|r| r.name.to_string() == *n)
                .map(Some)
                .ok_or(WalkFailure::NotFound),
        }
    }

    /// Each direction's weight factor under `--favor` (1 when not favoured).
    fn favor_weights(&self, opts: &Options) -> Vec<u64> {
        self.rs
            .dirs
            .iter()
            .map(|d| {
                let name = self.rs.rules[d.rule].name.to_string();
                opts.favor
                    .iter()
                    .find(|(r, _)| *r == name)
                    .map_or(1, |(_, w)| u64::from(*w))
            })
            .collect()
    }

    /// Walks attempt `k` and classifies the result (dedup against `seen`).
    fn classify(
        &self,
        walker: &Walker<'_>,
        opts: &Options,
        seen: &DashMap<u64, u64>,
        k: u64,
    ) -> Outcome {
        match self.walk_one(walker, opts, k) {
            Err(f) => Outcome::Fail(f),
            Ok(chain) => {
                let (l, r) = (&chain.terms[0], chain.terms.last().expect("tn"));
                if canon::trivial(l, r) {
                    return Outcome::Fail(WalkFailure::Trivial);
                }
                let hash = canon::hash(&self.rs.sig, l, r);
                if seen.contains_key(&hash)
                    || question_key(&self.rs.sig, &chain).is_some_and(|q| seen.contains_key(&q))
                {
                    return Outcome::Dup;
                }
                Outcome::Cand(Candidate {
                    attempt: k,
                    chain,
                    hash,
                })
            }
        }
    }

    /// Runs `opts`; `progress(accepted, written)` is called as work completes.
    pub fn run(
        &self,
        opts: &Options,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Report, String> {
        let start = Instant::now();
        opts.check()?;
        // Only answers-first problems (calculus) have an answer to size, so
        // only there does a small --max-size clash with --answer-size.
        let (a, b) = opts.answer_size;
        if self.calculus.is_some() && b > opts.max_size {
            return Err(format!(
                "--answer-size {a}..{b}: expected A..B with 1 ≤ A ≤ B ≤ --max-size ({})",
                opts.max_size
            ));
        }
        if opts.hard_steps > 0 && !self.rs.dirs.iter().any(|d| d.cost == Cost::Hard) {
            return Err(format!(
                "--hard-steps {}: {} has no hard rules (@[rule (fwd := hard)]), so no theorem can have hard steps",
                opts.hard_steps, opts.theory
            ));
        }
        if let Some(n) = &opts.require_rule {
            if self.required_rule(opts).ok().flatten().is_none() {
                let names: Vec<String> = self.rs.rules.iter().map(|r| r.name.to_string()).collect();
                return Err(format!(
                    "--require-rule {n}: not a rule of {} (rules: {})",
                    opts.theory,
                    names.join(", ")
                ));
            }
        }
        for (n, _) in &opts.favor {
            if !self.rs.rules.iter().any(|r| r.name.to_string() == *n) {
                let names: Vec<String> = self.rs.rules.iter().map(|r| r.name.to_string()).collect();
                return Err(format!(
                    "--favor {n}: not a rule of {} (rules: {})",
                    opts.theory,
                    names.join(", ")
                ));
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .stack_size(proofmill_kernel::KERNEL_STACK_BYTES)
            .build()
            .map_err(|e| e.to_string())?;
        // Before anything is written: a theory without finite models has no non-theorems.
        let models = if opts.non_theorems > 0 {
            let m = crate::countermodel::CounterModels::find(&self.theory, &self.rs.sig)
                .map_err(|e| format!("--non-theorems: {}: {e}", opts.theory))?;
            Some(crate::nonthm::NonTheorems::new(m, opts))
        } else {
            None
        };
        pool.install(|| self.run_inner(opts, progress, start, models))
    }

    fn run_inner(
        &self,
        opts: &Options,
        progress: &(dyn Fn(u64, u64) + Sync),
        start: Instant,
        nt: Option<crate::nonthm::NonTheorems>,
    ) -> Result<Report, String> {
        let mut report = Report {
            nodes: self.space.node_count(),
            edges: self.space.edge_count(),
            ..Report::default()
        };
        let (prepared, mut manifest) = self.prepare_dir(opts)?;
        report.foreign_files = prepared.foreign;
        let mut coverage = Coverage::new(self.rs.dirs.len());
        let (shards, written) = std::thread::scope(|scope| {
            let sink = Sink::start(scope, Box::new(move |e| manifest.set(e)));
            let mut out = ShardWriter::new(opts, sink, prepared.keep);
            out.nt = nt;
            let filled = self.fill(opts, progress, &mut report, &mut coverage, &mut out);
            // The writer's own failure, if any, is the cause of a refused hand-over.
            let shards = out.sink.finish()?;
            filled.map(|()| (shards, out.written))
        })?;
        if report.accepted < opts.count {
            report.ran_out = Some(format!(
                "the theory ran out: {} distinct theorems after {} attempts ({}); try wider --steps or a larger --max-size",
                report.accepted,
                report.attempts,
                report.attempts_breakdown()
            ));
        }
        report.coverage_nodes = coverage.nodes_covered();
        report.coverage_edges = coverage.edges.len();
        report.written = written;
        report.elapsed = start.elapsed();
        self.write_manifest(opts, &report, &coverage, shards)?;
        Ok(report)
    }

    /// Walks attempts chunk by chunk, accepts theorems in attempt order and
    /// hands each full file to the sink, until `count` theorems are accepted
    /// or the attempts run out.
    fn fill<'g>(
        &'g self,
        opts: &Options,
        progress: &(dyn Fn(u64, u64) + Sync),
        report: &mut Report,
        coverage: &mut Coverage,
        out: &mut ShardWriter<'g, '_>,
    ) -> Result<(), String> {
        let limits = opts.limits();
        let seen: DashMap<u64, u64> = DashMap::new();
        let nb = opts.steps.1 - opts.steps.0 + 1;
        let mut per_bucket = vec![0u64; nb];
        let quota =
            |b: usize| opts.count / nb as u64 + u64::from((b as u64) < opts.count % nb as u64);
        let max_attempts = opts
            .count
            .saturating_mul(opts.max_attempts_per_theorem)
            .max(CHUNK);
        let favor = self.favor_weights(opts);
        let mut next = 0u64;
        while report.accepted < opts.count && next < max_attempts {
            let snapshot = coverage.nodes.clone();
            let walker = self.walker(&limits, &snapshot).with_favor(favor.clone());
            let outcomes: Vec<(Outcome, Duration)> = (next..next + CHUNK)
                .into_par_iter()
                .map(|k| {
                    let t = Instant::now();
                    let o = self.classify(&walker, opts, &seen, k);
                    (o, t.elapsed())
                })
                .collect();
            next += CHUNK;
            report.walk_time += outcomes.iter().map(|(_, d)| *d).sum::<Duration>();
            for (o, _) in outcomes {
                if report.accepted == opts.count {
                    break;
                }
                report.attempts += 1;
                match o {
                    Outcome::Fail(WalkFailure::TooShort) => report.too_short += 1,
                    Outcome::Fail(WalkFailure::TooLong) => report.too_long += 1,
                    Outcome::Fail(WalkFailure::Unfolded) => report.unfolded += 1,
                    Outcome::Fail(WalkFailure::TraceConflict) => report.trace_conflicts += 1,
                    Outcome::Fail(WalkFailure::Trivial) => report.trivial += 1,
                    Outcome::Fail(WalkFailure::NotFound) => report.not_found += 1,
                    Outcome::Dup => report.duplicates += 1,
                    Outcome::Cand(c) => {
                        if opts.exclude.contains(&c.hash) {
                            report.excluded += 1;
                            continue;
                        }
                        if seen.contains_key(&c.hash) {
                            report.duplicates += 1;
                            continue;
                        }
                        // Answers are unique up to an additive constant: one
                        // record per question.
                        if let Some(q) = question_key(&self.rs.sig, &c.chain) {
                            if seen.insert(q, c.attempt).is_some() {
                                report.duplicates += 1;
                                continue;
                            }
                        }
                        seen.insert(c.hash, c.attempt);
                        if opts.curriculum {
                            let b = bucket(c.chain.steps.len(), opts.steps.0, opts.steps.1);
                            if per_bucket[b] >= quota(b) {
                                report.bucket_full += 1;
                                continue;
                            }
                            per_bucket[b] += 1;
                        }
                        let dirs: Vec<usize> = c.chain.steps.iter().map(|s| s.dir).collect();
                        coverage.record(&dirs, &self.space);
                        // Shard K of N keeps the theorems whose mixed hash falls in K.
                        let ours = canon::shard_of(c.hash, opts.shard.1) == opts.shard.0;
                        if let Some(nt) = &mut out.nt {
                            if crate::nonthm::is_source(report.accepted, opts.non_theorems) {
                                nt.sources.push(crate::nonthm::Source {
                                    index: report.accepted,
                                    attempt: c.attempt,
                                    hash: c.hash,
                                    ours,
                                    chain: c.chain.clone(),
                                });
                            }
                        }
                        if ours {
                            out.pending.push((report.accepted, c));
                        }
                        report.accepted += 1;
                    }
                }
            }
            self.non_theorems_of(opts, out, report, false)?;
            // A file is assembled, checked and written as soon as it is full,
            // so memory stays bounded and an interrupted run keeps its files.
            while out.pending.len() >= PER_FILE {
                let part: Vec<(u64, Candidate)> = out.pending.drain(..PER_FILE).collect();
                self.emit_file(opts, out, part, report, progress)?;
            }
            progress(report.accepted, out.written);
        }
        if !out.pending.is_empty() {
            let part = std::mem::take(&mut out.pending);
            self.emit_file(opts, out, part, report, progress)?;
        }
        self.non_theorems_of(opts, out, report, true)
    }

    /// `--non-theorems`: the non-theorems of the sources gathered so far
    /// (`last`: and the final file).
    fn non_theorems_of(
        &self,
        opts: &Options,
        out: &mut ShardWriter<'_, '_>,
        report: &mut Report,
        last: bool,
    ) -> Result<(), String> {
        let Some(mut nt) = out.nt.take() else {
            return Ok(());
        };
        let r = self.make_non_theorems(opts, &mut nt, report, &|f| out.send(f), last);
        out.nt = Some(nt);
        r
    }

    /// Assembles, checks and renders one file's theorems (`part`: acceptance
    /// index and candidate) and hands the file to the sink in each requested
    /// format; with `--resume`, a complete file from an earlier run is kept
    /// instead.
    fn emit_file<'g>(
        &'g self,
        opts: &Options,
        out: &mut ShardWriter<'g, '_>,
        part: Vec<(u64, Candidate)>,
        report: &mut Report,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(), String> {
        let fi = out.files;
        out.files += 1;
        let jsonl = opts.out.join(format!("{}-{fi:05}.jsonl", out.prefix));
        let bin = opts.out.join(format!("{}-{fi:05}.bin", out.prefix));
        let paths: Vec<&PathBuf> = [(opts.jsonl, &jsonl), (opts.bin, &bin)]
            .into_iter()
            .filter_map(|(on, p)| on.then_some(p))
            .collect();
        let records = part.len() as u64;
        let kept: Vec<Option<String>> = if opts.resume {
            paths
                .iter()
                .map(|p| self.kept(p, opts, &part, &out.keep))
                .collect()
        } else {
            Vec::new()
        };
        if opts.resume && kept.iter().all(Option::is_some) {
            report.resumed_files += paths.len();
            for (p, sha256) in paths.into_iter().zip(kept) {
                out.send(ShardFile {
                    path: p.clone(),
                    records,
                    contents: Contents::Kept {
                        sha256: sha256.expect("kept"),
                    },
                })?;
            }
            out.written += records;
            progress(report.accepted, out.written);
            return Ok(());
        }
        let printer = TermPrinter::new(&self.rs.sig, self.theory.notations());
        // Batches are owned by the workers, so the candidates are freed there too.
        let mut batches: Vec<Vec<(u64, Candidate)>> = Vec::new();
        let mut rest = part.into_iter();
        loop {
            let batch: Vec<(u64, Candidate)> = rest.by_ref().take(CHECKER_REUSE).collect();
            if batch.is_empty() {
                break;
            }
            batches.push(batch);
        }
        let (checkers, readers) = (&out.checkers, &out.readers);
        let results: Vec<Finished> = batches
            .into_par_iter()
            .flat_map_iter(|batch| {
                let mut tc = checkers.take(|| self.theory.env().checker(&[]));
                let mut reader = readers.take(|| TheoremReader::new(&self.theory));
                let done: Vec<Finished> = batch
                    .iter()
                    .map(|(i, c)| self.finish_one(&mut tc, &mut reader, &printer, opts, *i, c))
                    .collect();
                tc.reset();
                checkers.give(tc);
                readers.give(reader);
                done
            })
            .collect();
        let mut lines = Vec::new();
        let mut entries = Vec::new();
        let mut good = 0u64;
        for f in results {
            report.assemble_time += f.assemble;
            report.kernel_time += f.kernel;
            report.render_time += f.render;
            report.readback_time += f.readback;
            match f.result {
                Ok((line, entry)) => {
                    good += 1;
                    lines.extend(line);
                    entries.extend(entry);
                }
                Err(Refused::Rejected(s, e)) => report.rejections.push((s, e)),
                Err(Refused::ReadBack(s, e)) => report.readback_failures.push((s, e)),
            }
        }
        if opts.jsonl {
            out.send(ShardFile {
                path: jsonl,
                records: good,
                contents: Contents::Jsonl(lines),
            })?;
        }
        if opts.bin {
            out.send(ShardFile {
                path: bin,
                records: good,
                contents: Contents::Bin(entries),
            })?;
        }
        out.written += good;
        progress(report.accepted, out.written);
        Ok(())
    }
}
