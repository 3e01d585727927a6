//! `proofmill prove`: proofmill's baseline prover (`generator::prove`) on
//! one statement, or on a file of them (`--batch`, one JSON result a line,
//! in input order, on every core). Exit 0 when every statement was proved,
//! 1 when one was not (the typed stop reason says why), 2 on bad input.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use proofmill_generator::prove::{Outcome, ProveError, ProveLimits, Prover};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Search for a rewriting proof of an equation (or `↔`) of a theory, and
/// print it as a Lean tactic script checked by the kernel.
#[derive(Args, Debug)]
pub struct ProveArgs {
    /// The statement, in the theory language: `∀ (a b : R), a + b = b + a`.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    statement: Option<String>,
    /// A shipped theory (nat, ring, group, nilgroup, logic, calculus) or a .theory path.
    #[arg(long, default_value = "ring")]
    theory: String,
    /// Seconds of search per statement (wall clock).
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Terms the search may reach per statement, both sides together.
    #[arg(long, default_value_t = 1_000_000)]
    max_nodes: usize,
    /// Largest term (nodes) a step may produce (default: the larger side + 8).
    #[arg(long)]
    max_size: Option<usize>,
    /// A JSONL file of statements (a corpus shard, or lines with a
    /// `statement` field and an optional `id`): one result a line.
    #[arg(long)]
    batch: Option<PathBuf>,
    /// Where --batch writes its results (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Statements proved at once with --batch (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// The longest line --batch reads (a statement is far shorter).
const MAX_LINE_BYTES: usize = 1 << 20;
/// The longest --timeout.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

pub fn run(a: ProveArgs) -> ExitCode {
    if !(a.timeout > 0.0 && a.timeout <= MAX_TIMEOUT_SECS) {
        eprintln!(
            "error: --timeout {}: expected 0 < S ≤ {MAX_TIMEOUT_SECS}",
            a.timeout
        );
        return ExitCode::from(2);
    }
    if a.max_nodes == 0 {
        eprintln!("error: --max-nodes 0: the search needs at least one node");
        return ExitCode::from(2);
    }
    if let Some(n) = a
        .max_size
        .filter(|&n| n == 0 || n > proofmill_generator::driver::MAX_SIZE)
    {
        eprintln!(
            "error: --max-size {n}: expected 1 to {}",
            proofmill_generator::driver::MAX_SIZE
        );
        return ExitCode::from(2);
    }
    let limits = ProveLimits {
        timeout: Duration::from_secs_f64(a.timeout),
        max_nodes: a.max_nodes,
        max_size: a.max_size,
    };
    proofmill_kernel::with_kernel_stack(move || match &a.batch {
        Some(file) => batch(&a, file, &limits),
        None => one(&a, a.statement.as_deref().unwrap_or_default(), &limits),
    })
}

fn one(a: &ProveArgs, statement: &str, limits: &ProveLimits) -> ExitCode {
    let mut prover = match Prover::load(&a.theory) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match prover.prove(statement, limits, 0) {
        Ok(Outcome::Proved(p)) => {
            for line in &p.script {
                outln!("{line}");
            }
            eprintln!(
                "proved in {} steps ({} terms reached, {:.2} s); the kernel, the tactic engine and verify's record checks accept the script",
                p.record.steps.len(),
                p.nodes,
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Ok(Outcome::NotFound { stop, nodes }) => {
            eprintln!(
                "no proof found: {} ({nodes} terms reached, {:.2} s)",
                stop_message(stop, limits),
                start.elapsed().as_secs_f64()
            );
            ExitCode::from(1)
        }
        Err(e @ ProveError::Refused(_)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn stop_message(stop: proofmill_generator::prove::StopReason, l: &ProveLimits) -> String {
    use proofmill_generator::prove::StopReason::*;
    match stop {
        Timeout => format!("timeout after {:.1} s", l.timeout.as_secs_f64()),
        NodeLimit => format!("node limit {} reached", l.max_nodes),
        Exhausted => "search space exhausted: no proof by the theory's rules within the size limit"
            .to_string(),
    }
}

/// One statement of a --batch file.
struct Item {
    id: Value,
    statement: String,
}

/// Reads every line of `file` (JSON objects with a `statement`), naming
/// the line of any that is not.
fn read_batch(file: &Path) -> Result<Vec<Item>, String> {
    let f =
        std::fs::File::open(file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let mut r = std::io::BufReader::new(f);
    let mut items = Vec::new();
    let mut buf = Vec::new();
    for n in 1.. {
        buf.clear();
        let got = Read::by_ref(&mut r)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("{}:{n}: {e}", file.display()))?;
        if got == 0 {
            break;
        }
        if buf.len() > MAX_LINE_BYTES {
            return Err(format!(
                "{}:{n}: a line longer than {MAX_LINE_BYTES} bytes",
                file.display()
            ));
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|e| format!("{}:{n}: not UTF-8: {e}", file.display()))?
            .trim();
        if text.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("{}:{n}: not JSON: {e}", file.display()))?;
        let statement = v
            .get("statement")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{}:{n}: no \"statement\" string", file.display()))?
            .to_string();
        let id = v.get("id").cloned().unwrap_or(Value::Null);
        items.push(Item { id, statement });
    }
    Ok(items)
}

fn batch(a: &ProveArgs, file: &Path, limits: &ProveLimits) -> ExitCode {
    let items = match read_batch(file) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Fail early on a theory that does not load, rather than on every thread.
    if let Err(e) = Prover::load(&a.theory) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot create {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads)
        .stack_size(proofmill_kernel::KERNEL_STACK_BYTES)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot start {} threads: {e}", a.threads);
            return ExitCode::from(2);
        }
    };
    let bar = ProgressBar::new(items.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} proving [{bar:40}] {pos}/{len} {msg} ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let proved = std::sync::atomic::AtomicU64::new(0);
    let mut not_proved = 0u64;
    let mut errors = 0u64;
    // Chunks keep results in input order and written as they come.
    for (c, chunk) in items.chunks(64).enumerate() {
        let rows: Vec<Value> = pool.install(|| {
            chunk
                .par_iter()
                .enumerate()
                .map_init(
                    || Prover::load(&a.theory).expect("loaded above"),
                    |prover, (i, item)| {
                        let row = result_row(prover, item, limits, (c * 64 + i) as u64);
                        if row["status"] == "proved" {
                            let n = proved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            bar.set_message(format!("{} proved", n + 1));
                        }
                        bar.inc(1);
                        row
                    },
                )
                .collect()
        });
        for row in rows {
            match row["status"].as_str() {
                Some("not_proved") => not_proved += 1,
                Some("error") => errors += 1,
                _ => {}
            }
            if let Err(e) = writeln!(out, "{row}") {
                bar.finish_and_clear();
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::from(1);
                }
                eprintln!("error: cannot write the results: {e}");
                return ExitCode::from(2);
            }
        }
    }
    bar.finish_and_clear();
    if let Err(e) = out.flush() {
        eprintln!("error: cannot write the results: {e}");
        return ExitCode::from(2);
    }
    let proved = proved.into_inner();
    eprintln!(
        "proved {proved} of {} statements ({not_proved} not proved within the limits, {errors} errors)",
        items.len()
    );
    if proved == items.len() as u64 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The JSON result of one statement.
fn result_row(prover: &mut Prover, item: &Item, limits: &ProveLimits, index: u64) -> Value {
    let start = Instant::now();
    let outcome = prover.prove(&item.statement, limits, index);
    let ms = start.elapsed().as_millis() as u64;
    match outcome {
        Ok(Outcome::Proved(p)) => json!({
            "id": item.id, "statement": item.statement, "status": "proved",
            "stop": null, "error": null, "steps": p.record.steps.len(),
            "tactics": p.script, "proof_term": p.record.proof_term,
            "nodes": p.nodes, "time_ms": ms,
        }),
        Ok(Outcome::NotFound { stop, nodes }) => json!({
            "id": item.id, "statement": item.statement, "status": "not_proved",
            "stop": stop.as_str(), "error": null, "steps": null, "tactics": null,
            "proof_term": null, "nodes": nodes, "time_ms": ms,
        }),
        Err(e) => json!({
            "id": item.id, "statement": item.statement, "status": "error",
            "stop": null, "error": e.to_string(), "steps": null, "tactics": null,
            "proof_term": null, "nodes": null, "time_ms": ms,
        }),
    }
}
