//! `proofmill bench-provers DIR`: runs provers on the problems of a corpus,
//! through its TPTP and SMT-LIB exports, and reports how their solve rates
//! fall as problems get harder (`problems.rs`: the sample and the files;
//! `provers.rs`: running and reading each prover; `report.rs`: the tables,
//! ratings and files). Exit 0 when the benchmark ran, 1 when a prover gave
//! a wrong answer (a theorem refuted, a non-theorem proved), 2 on bad input.

mod problems;
mod provers;
mod report;

use crate::cli::rating::{Rated, Ratings};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use problems::Problem;
use proofmill_corpora::corpus::{read_manifest, theory_hash, theory_source};
use provers::{ProverSpec, Verdict};
use report::{Dimension, Judged, Report, Row};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Benchmark provers on a corpus's problems: solve rate by difficulty.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The corpus directory (with manifest.json).
    dir: PathBuf,
    /// Provers, comma-separated: eprover, z3, cvc5, proofmill; or one of
    /// your own as NAME=COMMAND, with {tptp}, {smt2} or {statement} where
    /// the problem goes and {timeout} / {timeout_ms} for its limit
    /// (repeat --prover for several).
    #[arg(long, default_values_t = ["eprover,z3,cvc5,proofmill".to_string()])]
    prover: Vec<String>,
    /// Seconds per problem and prover; the prover is killed half a second after.
    #[arg(long, default_value_t = 2.0)]
    timeout: f64,
    /// Provers run at once (0: one per core).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// Benchmark this many problems of the corpus, the same ones every time
    /// (the smallest mixed canonical hashes), not all.
    #[arg(long)]
    sample: Option<usize>,
    /// Address space of each prover, in MiB (`ulimit -v`).
    #[arg(long, default_value_t = 4096)]
    mem_limit: u64,
    /// The report directory: results.csv, results.json, ratings.csv,
    /// summary.md, solve_rate.{svg,png}, and the problems run.
    #[arg(long, default_value = "bench")]
    out: PathBuf,
    /// Write into a --out that already holds files.
    #[arg(long)]
    force: bool,
    /// The rules the problems state as axioms: all, or base (the theory's
    /// axioms only, its derived rules withheld; see `export --axioms`).
    #[arg(long, default_value = "all")]
    axioms: String,
    /// Also write each theorem's rating, effort and per-prover times to
    /// this JSON file (the input of `select`, `--rating-from`, `stats`).
    #[arg(long)]
    calibrate: Option<PathBuf>,
    // Every theorem run must be rated in the ratings file.
    #[command(flatten)]
    rating: crate::cli::rating::RatingArgs,
}

const MAX_TIMEOUT_SECS: f64 = 3600.0;

pub fn run(a: BenchArgs) -> ExitCode {
    match bench(&a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A prover asked for but not run, and why.
type Skipped = (String, String);

/// The provers asked for, and those skipped with why.
fn provers(asked: &[String], dir: &Path) -> Result<(Vec<ProverSpec>, Vec<Skipped>), String> {
    let mut specs: Vec<ProverSpec> = Vec::new();
    let mut skipped = Vec::new();
    let mut theory: Option<Result<String, String>> = None;
    for arg in asked {
        let parts: Vec<&str> = if arg.contains('=') {
            vec![arg.as_str()]
        } else {
            arg.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        };
        for part in parts {
            let spec = if part.contains('=') {
                provers::custom(part)?
            } else if part == "proofmill" {
                let t = theory.get_or_insert_with(|| theory_arg(dir)).clone();
                match t {
                    Ok(t) => provers::builtin(part, &t).ok_or("cannot find this binary")?,
                    Err(why) => {
                        skipped.push((part.to_string(), why));
                        continue;
                    }
                }
            } else {
                provers::builtin(part, "").ok_or_else(|| {
                    format!(
                        "--prover {part}: not a built-in prover (eprover, z3, cvc5, proofmill); give yours as NAME=COMMAND"
                    )
                })?
            };
            if specs.iter().any(|s| s.name == spec.name) {
                return Err(format!("--prover {}: named twice", spec.name));
            }
            if !provers::installed(&spec.program) {
                skipped.push((
                    spec.name.clone(),
                    format!("{} is not installed", spec.program),
                ));
                continue;
            }
            specs.push(spec);
        }
    }
    Ok((specs, skipped))
}

/// The `--theory` `proofmill prove` is given: the corpus's theory, when
/// this binary has it unchanged (shipped) or its file is where the
/// corpus says and has the same hash.
fn theory_arg(dir: &Path) -> Result<String, String> {
    let m = read_manifest(dir).map_err(|e| e.to_string())?;
    match theory_source(&m.theory, Path::new(".")) {
        Ok((t, _)) if theory_hash(&t) == m.theory_hash => Ok(m.theory),
        Ok(_) => Err(format!(
            "theory {} here differs from the corpus's (sha256)",
            m.theory
        )),
        Err(_) => Err(format!("theory {} is not available here", m.theory)),
    }
}

fn bench(a: &BenchArgs) -> Result<ExitCode, String> {
    if !(a.timeout > 0.0 && a.timeout <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "--timeout {}: expected 0 < S ≤ {MAX_TIMEOUT_SECS}",
            a.timeout
        ));
    }
    if a.mem_limit < 64 {
        return Err(format!("--mem-limit {}: at least 64 MiB", a.mem_limit));
    }
    if a.sample == Some(0) {
        return Err("--sample 0: nothing to run".into());
    }
    let axioms = proofmill_export::AxiomSet::parse(&a.axioms).map_err(|e| e.to_string())?;
    let rated = a
        .rating
        .load()
        .map_err(|e| e.to_string())?
        .map(|(_, buckets)| buckets);
    let (specs, skipped) = provers(&a.prover, &a.dir)?;
    for (name, why) in &skipped {
        eprintln!("warning: prover {name} skipped: {why}");
    }
    if specs.is_empty() {
        return Err("no prover to run".into());
    }
    if a.out.exists()
        && !a.force
        && std::fs::read_dir(&a.out)
            .map_err(|e| format!("{}: {e}", a.out.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} already holds files (--force writes into it)",
            a.out.display()
        ));
    }
    let work = a.out.join("problems");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut problems = problems::prepare(&a.dir, &work, a.sample, axioms)?;
    if problems.is_empty() {
        return Err(format!("{}: no problem to run", a.dir.display()));
    }
    if let (Some(buckets), Some(f)) = (&rated, &a.rating.rating_from) {
        for p in problems
            .iter_mut()
            .filter(|p| p.expected == problems::Expected::Theorem)
        {
            let b = buckets.get(&p.canonical_hash).ok_or_else(|| {
                format!(
                    "{}: {} is not rated in {}",
                    a.dir.display(),
                    p.id,
                    f.display()
                )
            })?;
            p.rating_bucket = Some(*b);
        }
    }
    let timeout = Duration::from_secs_f64(a.timeout);
    let rows = run_all(&problems, &specs, timeout, a, &a.out.join(".scratch"))?;
    let report = Report {
        problems: &problems,
        provers: specs.iter().map(|s| s.name.clone()).collect(),
        skipped,
        rows,
        timeout,
    };
    write_report(&report, &a.out)?;
    if let Some(f) = &a.calibrate {
        let r = calibration(&report, &a.dir, a.axioms.trim())?;
        let text = serde_json::to_string_pretty(&r).map_err(|e| e.to_string())? + "\n";
        std::fs::write(f, text).map_err(|e| format!("{}: {e}", f.display()))?;
        outln!(
            "ratings of {} theorems in {}",
            r.problems.len(),
            f.display()
        );
    }
    outln!(
        "{} problems × {} provers, {} s each; by steps:\n",
        problems.len(),
        specs.len(),
        a.timeout
    );
    let table = report.markdown();
    for line in table.lines().take_while(|l| !l.is_empty()) {
        outln!("{line}");
    }
    if let Some(at) = table.find("| rating_bucket") {
        outln!("");
        for line in table[at..].lines().take_while(|l| !l.is_empty()) {
            outln!("{line}");
        }
    }
    if let Some(at) = table.find("| non-theorems") {
        outln!("");
        for line in table[at..].lines().take_while(|l| !l.is_empty()) {
            outln!("{line}");
        }
    }
    outln!("\nreport in {}", a.out.display());
    let mut wrong = false;
    for (k, s) in specs.iter().enumerate() {
        let n = report.unsound(k);
        if n > 0 {
            wrong = true;
            eprintln!(
                "warning: {} gave {n} wrong answers (unsound; see results.csv)",
                s.name
            );
        }
    }
    Ok(if wrong {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs every prover on every problem, `--jobs` at a time; rows in
/// (problem, prover) order.
fn run_all(
    problems: &[Problem],
    specs: &[ProverSpec],
    timeout: Duration,
    a: &BenchArgs,
    scratch: &Path,
) -> Result<Vec<Row>, String> {
    let jobs = if a.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        a.jobs
    };
    let tasks = problems.len() * specs.len();
    let bar = ProgressBar::new(tasks as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} proving [{bar:40}] {pos}/{len} {msg} (eta {eta})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let solved: Vec<AtomicU64> = specs.iter().map(|_| AtomicU64::new(0)).collect();
    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Row>> = Mutex::new(Vec::with_capacity(tasks));
    let failed: Mutex<Option<String>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for j in 0..jobs.min(tasks) {
            let dir = scratch.join(format!("job{j}"));
            let (bar, solved, next, rows, failed) = (&bar, &solved, &next, &rows, &failed);
            scope.spawn(move || {
                if let Err(e) = std::fs::create_dir_all(&dir) {
                    *failed.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(format!("{}: {e}", dir.display()));
                    return;
                }
                loop {
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    if t >= tasks {
                        break;
                    }
                    let (i, k) = (t / specs.len(), t % specs.len());
                    let (verdict, time) =
                        provers::run(&specs[k], &problems[i], timeout, a.mem_limit, &dir);
                    let judged = Judged::of(problems[i].expected, &verdict);
                    if judged == Judged::Solved {
                        solved[k].fetch_add(1, Ordering::Relaxed);
                    }
                    let msg: Vec<String> = specs
                        .iter()
                        .zip(solved)
                        .map(|(s, n)| format!("{} {}", s.name, n.load(Ordering::Relaxed)))
                        .collect();
                    bar.set_message(format!("solved: {}", msg.join(" · ")));
                    bar.inc(1);
                    rows.lock().unwrap_or_else(|p| p.into_inner()).push(Row {
                        problem: i,
                        prover: k,
                        verdict,
                        judged,
                        time,
                    });
                }
            });
        }
    });
    bar.finish_and_clear();
    let _ = std::fs::remove_dir_all(scratch);
    if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let mut rows = rows.into_inner().unwrap_or_else(|p| p.into_inner());
    rows.sort_by_key(|r| (r.problem, r.prover));
    for r in rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Error(_)))
    {
        if let Verdict::Error(m) = &r.verdict {
            eprintln!(
                "warning: {} on {}: {m}",
                specs[r.prover].name, problems[r.problem].id
            );
        }
    }
    Ok(rows)
}

/// The ratings file of a run (`--calibrate`): each theorem's rating, effort
/// and per-prover times (`rating.rs` says what they mean).
fn calibration(r: &Report<'_>, dir: &Path, axioms: &str) -> Result<Ratings, String> {
    let m = read_manifest(dir).map_err(|e| e.to_string())?;
    let mp = dir.join("manifest.json");
    let bytes = std::fs::read(&mp).map_err(|e| format!("{}: {e}", mp.display()))?;
    let limit = r.timeout.as_secs_f64();
    let mut problems = Vec::new();
    for (i, p) in r.problems.iter().enumerate() {
        if p.expected != problems::Expected::Theorem {
            continue;
        }
        let mut times_s = std::collections::BTreeMap::new();
        let mut solved_by = Vec::new();
        let mut effort = 0.0;
        for row in r.rows.iter().filter(|row| row.problem == i) {
            let name = r.provers[row.prover].clone();
            if row.judged == Judged::Solved {
                let t = (row.time.as_secs_f64() * 1000.0).round() / 1000.0;
                effort += (t / limit).min(1.0);
                solved_by.push(name.clone());
                times_s.insert(name, Some(t));
            } else {
                effort += 1.0;
                times_s.insert(name, None);
            }
        }
        let n = r.provers.len().max(1) as f64;
        problems.push(Rated {
            id: p.id.clone(),
            canonical_hash: p.canonical_hash.clone(),
            statement: p.statement.clone(),
            expected: p.expected.as_str().to_string(),
            rating: 1.0 - solved_by.len() as f64 / n,
            effort: effort / n,
            solved_by,
            times_s,
        });
    }
    Ok(Ratings {
        format: crate::cli::rating::FORMAT.to_string(),
        theory: m.theory,
        seed: m.seed,
        manifest_sha256: proofmill_corpora::corpus::sha256_hex(&bytes),
        axioms: axioms.to_string(),
        timeout_s: limit,
        provers: r.provers.clone(),
        problems,
    })
}

fn write_report(r: &Report<'_>, out: &Path) -> Result<(), String> {
    let write = |name: &str, text: &str| {
        let p = out.join(name);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))
    };
    write("results.csv", &r.csv())?;
    let json = serde_json::to_string_pretty(&r.json()).map_err(|e| e.to_string())?;
    write("results.json", &json)?;
    write("ratings.csv", &r.ratings_csv())?;
    write("summary.md", &r.markdown())?;
    for (dim, stem, title, x) in [
        (
            Dimension::Steps,
            "solve_rate",
            "Solve rate by proof length",
            "rewriting steps",
        ),
        (
            Dimension::Size,
            "solve_rate_size",
            "Solve rate by term size",
            "largest term size (nodes; buckets of 8, by their upper end)",
        ),
    ]
    .into_iter()
    .chain(r.dimensions().contains(&Dimension::Rating).then_some((
        Dimension::Rating,
        "solve_rate_rating",
        "Solve rate by measured difficulty",
        "difficulty bucket (1 = easiest; --rating-from)",
    ))) {
        let series = r.series(dim);
        for ext in ["svg", "png"] {
            let p = out.join(format!("{stem}.{ext}"));
            crate::cli::plot::lines(&p, title, x, &series).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
