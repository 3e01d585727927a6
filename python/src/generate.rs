//! `generate(...)` and `merge(out, shard_dirs)`: `proofmill generate` and
//! `proofmill merge` as functions. The options are the CLI's, under the
//! same names with `_` for `-` and the same text forms (`steps="3..8"`,
//! `shard="1/4"`, `format="jsonl,bin"`), parsed by the code the CLI uses
//! (`proofmill_generator::args`), so they are refused with the same words.

use crate::error::{with_attrs, GenerateError, MergeError, UsageError};
use proofmill_generator::args::GenerateArgs;
use proofmill_generator::{Generator, Report};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;

/// What the CLI prints as its summary, as a dict.
fn summary<'py>(
    py: Python<'py>,
    r: &Report,
    out: &std::path::Path,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let secs = r.elapsed.as_secs_f64();
    d.set_item("out", out.display().to_string())?;
    d.set_item("written", r.written)?;
    d.set_item("accepted_all_shards", r.accepted)?;
    d.set_item("attempts", r.attempts)?;
    d.set_item("duplicates", r.duplicates)?;
    d.set_item("too_short", r.too_short)?;
    d.set_item("too_long", r.too_long)?;
    d.set_item("unfolded", r.unfolded)?;
    d.set_item("trace_conflicts", r.trace_conflicts)?;
    d.set_item("trivial", r.trivial)?;
    d.set_item("search_not_found", r.not_found)?;
    d.set_item("excluded", r.excluded)?;
    d.set_item("kernel_rejections", r.rejections.len())?;
    d.set_item("readback_failures", r.readback_failures.len())?;
    d.set_item("rule_space_nodes", r.nodes)?;
    d.set_item("rule_space_edges", r.edges)?;
    d.set_item("nodes_covered", r.coverage_nodes)?;
    d.set_item("edges_covered", r.coverage_edges)?;
    d.set_item("resumed_files", r.resumed_files)?;
    d.set_item("foreign_files", PyList::new(py, &r.foreign_files)?)?;
    d.set_item("seconds", secs)?;
    d.set_item("theorems_per_second", r.written as f64 / secs.max(1e-9))?;
    Ok(d)
}

/// The lines the CLI prints after `error: ` when a run that wrote its
/// corpus still failed (exit 1).
fn failures(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for (stmt, e) in &r.rejections {
        out.push(format!(
            "the kernel rejected a candidate (a generator bug), not written: {stmt}: {e}"
        ));
    }
    for (stmt, e) in &r.readback_failures {
        out.push(format!(
            "a record's text does not read back (a generator bug), not written: {stmt}: {e}"
        ));
    }
    out.extend(r.ran_out.iter().cloned());
    out
}

/// Generates a verified corpus into `out`, as `proofmill generate` does;
/// returns the summary as a dict. Raises `UsageError` for options that
/// cannot apply or an output directory that cannot be used, and
/// `GenerateError` (with `.summary`) when the corpus was written but the
/// run failed (the theory ran out, a candidate was rejected).
#[pyfunction]
#[pyo3(signature = (
    theory = "ring".to_string(), count = 1000, seed = 0, out = PathBuf::from("corpus"), *,
    steps = "3..8".to_string(), max_size = 24, threads = 0, shard = "0/1".to_string(),
    format = "jsonl".to_string(), hard_steps = 0, require_rule = None, min_size = 0,
    curriculum = false, exclude = None, resume = false, overwrite = false,
    answer_size = "4..10".to_string(), problems = "antiderivative=1".to_string(),
    non_theorems = 0, favor = String::new()
))]
#[allow(clippy::too_many_arguments)]
pub fn generate<'py>(
    py: Python<'py>,
    theory: String,
    count: u64,
    seed: u64,
    out: PathBuf,
    steps: String,
    max_size: usize,
    threads: usize,
    shard: String,
    format: String,
    hard_steps: usize,
    require_rule: Option<String>,
    min_size: usize,
    curriculum: bool,
    exclude: Option<PathBuf>,
    resume: bool,
    overwrite: bool,
    answer_size: String,
    problems: String,
    non_theorems: u32,
    favor: String,
) -> PyResult<Bound<'py, PyDict>> {
    let mut args = GenerateArgs::default();
    args.theory = theory;
    args.count = count;
    args.seed = seed;
    args.out = out.clone();
    args.steps = steps;
    args.max_size = max_size;
    args.threads = threads;
    args.shard = shard;
    args.format = format;
    args.hard_steps = hard_steps;
    args.require_rule = require_rule;
    args.min_size = min_size;
    args.curriculum = curriculum;
    args.exclude = exclude;
    args.resume = resume;
    args.overwrite = overwrite;
    args.answer_size = answer_size;
    args.problems = problems;
    args.non_theorems = non_theorems;
    args.favor = favor;
    let report = py.detach(|| -> Result<Report, String> {
        let opts = args.options()?;
        let g = Generator::load(&args.theory)?;
        g.run(&opts, &|_, _| {})
    });
    let report = report.map_err(UsageError::new_err)?;
    let s = summary(py, &report, &out)?;
    let failed = failures(&report);
    if !failed.is_empty() {
        return Err(with_attrs::<GenerateError>(
            py,
            failed.join("\n"),
            vec![("summary", s.into_any())],
        ));
    }
    Ok(s)
}

/// Merges the N shard directories of a run split with `shard="K/N"` into
/// one corpus in `out` (empty or new), as `proofmill merge` does: the
/// single run's corpus, byte for byte. Returns `{"shards", "records",
/// "files"}`; raises `MergeError`.
#[pyfunction]
pub fn merge<'py>(
    py: Python<'py>,
    out: PathBuf,
    shard_dirs: Vec<PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = py
        .detach(|| proofmill_generator::merge(&out, &shard_dirs))
        .map_err(|e| MergeError::new_err(e.to_string()))?;
    let d = PyDict::new(py);
    d.set_item("shards", r.shards)?;
    d.set_item("records", r.records)?;
    d.set_item("files", r.files)?;
    Ok(d)
}
