//! `proofmill generate`: a verified corpus from a theory's rules. Exit 0 when
//! the corpus was written (and every requested theorem found), 1 when the
//! theory ran out or the kernel rejected a candidate, 2 usage or I/O errors.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proofmill_generator::{args, Generator};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate a corpus of kernel-checked theorems with rewriting traces.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// A shipped theory (nat, ring, group, nilgroup, logic, calculus) or a .theory path.
    #[arg(long, default_value = "ring")]
    theory: String,
    /// Exactly this many distinct verified theorems (at most 10,000,000).
    #[arg(long, default_value_t = 1000)]
    count: u64,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Steps per theorem, `A..B` (inclusive, B at most 100); answers-first
    /// problems too (longer ones are redrawn and counted as too long).
    #[arg(long, default_value = "3..8")]
    steps: String,
    /// Largest term size along a walk (at most 256).
    #[arg(long, default_value_t = 24)]
    max_size: usize,
    /// Worker threads (0: one per core, as for every command). The output
    /// does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// `K/N`: this machine's part of an N-way split.
    #[arg(long, default_value = "0/1")]
    shard: String,
    /// Comma-separated: jsonl, bin.
    #[arg(long, default_value = "jsonl")]
    format: String,
    #[arg(long, default_value = "corpus")]
    out: PathBuf,
    /// At least K hard steps per theorem (theories with hard rules: antiderivative problems).
    #[arg(long, default_value_t = 0)]
    hard_steps: usize,
    /// Every theorem uses this rule (by name); theorems are then built by
    /// backward search from a target.
    #[arg(long)]
    require_rule: Option<String>,
    /// Every theorem's left side has at least N nodes (backward search).
    #[arg(long, default_value_t = 0)]
    min_size: usize,
    /// Split --count evenly over the step counts of --steps (one bucket per
    /// step count; the first `count mod buckets` get one more).
    #[arg(long)]
    curriculum: bool,
    /// A file of canonical hashes (16 hex digits, one per line) to keep out.
    #[arg(long)]
    exclude: Option<PathBuf>,
    /// Finish the corpus in --out: keep the shard files an earlier run of
    /// the same options finished (and that are unchanged), write the rest.
    #[arg(long, conflicts_with = "overwrite")]
    resume: bool,
    /// Replace the corpus in --out: remove its manifest and the files it
    /// lists (never any other file) before writing.
    #[arg(long)]
    overwrite: bool,
    /// Calculus: the size of a problem's answer in nodes, `A..B`.
    #[arg(long, default_value = "4..10")]
    answer_size: String,
    /// Calculus: the mix of problem kinds, `KIND=W,…` (antiderivative,
    /// derivative, ode_linear, ode_separable; W a weight).
    #[arg(long, default_value = "antiderivative=1")]
    problems: String,
    /// Also write K false statements per 1,000 theorems (at most 1,000),
    /// each a perturbed theorem with a finite counter-model, to
    /// non-theorems-NNNNN.jsonl (never to the theorem shards).
    #[arg(long, default_value_t = 0)]
    non_theorems: u32,
    /// `RULE[=W],…`: walks draw these rules' directions W times as often
    /// (a bare RULE: 8), e.g. `mul_add,add_mul` for products of sums that
    /// expand.
    #[arg(long, default_value = "")]
    favor: String,
}

pub fn run(a: GenerateArgs) -> ExitCode {
    let usage = |m: String| {
        eprintln!("error: {m}");
        ExitCode::from(2)
    };
    let mut args = args::GenerateArgs::default();
    args.theory = a.theory.clone();
    args.count = a.count;
    args.seed = a.seed;
    args.steps = a.steps.clone();
    args.max_size = a.max_size;
    args.threads = a.threads;
    args.shard = a.shard.clone();
    args.format = a.format.clone();
    args.out = a.out.clone();
    args.hard_steps = a.hard_steps;
    args.require_rule = a.require_rule.clone();
    args.min_size = a.min_size;
    args.curriculum = a.curriculum;
    args.exclude = a.exclude.clone();
    args.resume = a.resume;
    args.overwrite = a.overwrite;
    args.answer_size = a.answer_size.clone();
    args.problems = a.problems.clone();
    args.non_theorems = a.non_theorems;
    args.favor = a.favor.clone();
    let opts = match args.options() {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let g = match Generator::load(&a.theory) {
        Ok(g) => g,
        Err(e) => return usage(e),
    };
    let bar = ProgressBar::new(a.count);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message("walking");
    let report = g.run(&opts, &|accepted, written| {
        if written == 0 {
            bar.set_position(accepted);
        } else {
            bar.set_message("checking");
            bar.set_position(written.min(a.count));
        }
    });
    bar.finish_and_clear();
    let r = match report {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    outln!(
        "{} theorems written to {} ({} accepted in all shards) in {:.2}s: {:.0} theorems/s",
        r.written,
        a.out.display(),
        r.accepted,
        secs,
        r.written as f64 / secs
    );
    outln!("attempts {}: {}", r.attempts, r.attempts_breakdown());
    outln!(
        "rule space: {}/{} directions and {}/{} edges covered; cpu time: walks {:.2}s, proof assembly {:.2}s, kernel {:.2}s, records {:.2}s, read-back {:.2}s",
        r.coverage_nodes,
        r.nodes,
        r.coverage_edges,
        r.edges,
        r.walk_time.as_secs_f64(),
        r.assemble_time.as_secs_f64(),
        r.kernel_time.as_secs_f64(),
        r.render_time.as_secs_f64(),
        r.readback_time.as_secs_f64()
    );
    if a.non_theorems > 0 {
        let kinds: Vec<String> = r
            .non_theorem_kinds
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        outln!(
            "non-theorems: {} written ({} in all shards; {}), {} picked theorems without a refuted perturbation; cpu time {:.2}s",
            r.non_theorems,
            r.non_theorems_all,
            kinds.join(", "),
            r.non_theorem_unrefuted,
            r.non_theorem_time.as_secs_f64()
        );
    }
    if !r.foreign_files.is_empty() {
        eprintln!(
            "warning: {} also holds files that are not part of the corpus (left alone; `verify` reports them): {}",
            a.out.display(),
            r.foreign_files.join(", ")
        );
    }
    if r.resumed_files > 0 {
        outln!("resumed: kept {} complete shard files", r.resumed_files);
    }
    let mut code = ExitCode::SUCCESS;
    for (stmt, e) in &r.rejections {
        eprintln!(
            "error: the kernel rejected a candidate (a generator bug), not written: {stmt}: {e}"
        );
        code = ExitCode::from(1);
    }
    for (stmt, e) in &r.readback_failures {
        eprintln!(
            "error: a record's text does not read back (a generator bug), not written: {stmt}: {e}"
        );
        code = ExitCode::from(1);
    }
    if let Some(why) = &r.ran_out {
        eprintln!("error: {why}");
        code = ExitCode::from(1);
    }
    code
}
