//! `prove(theory, statement)`: `proofmill prove`, the baseline prover
//! (`generator/src/prove.rs`), on the kernel's stack, without the GIL.

use crate::error::{ProofmillError, UsageError};
use proofmill_generator::prove::{Outcome, ProveError, ProveLimits, Prover};
use proofmill_kernel::with_kernel_stack;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::time::Duration;

/// Searches for a rewriting proof of `statement` (an equation or `↔` of the
/// theory, in the theory language) within `timeout` seconds and
/// `max_nodes` terms. Returns `{"proved": True, "tactics": [...],
/// "proof_term", "steps", "nodes"}` (the script checked by the kernel, the
/// tactic engine and verify's record checks), or `{"proved": False, "stop":
/// "timeout" | "node-limit" | "exhausted", "nodes"}`. Raises `UsageError`
/// for bad input (the CLI's exit 2: a statement that does not parse, with
/// `<statement>:line:col`, an unknown theory, bad limits) and
/// `ProofmillError` if a proof found failed its checks.
#[pyfunction]
#[pyo3(signature = (theory, statement, timeout = 5.0, max_nodes = 1_000_000, max_size = None))]
pub fn prove<'py>(
    py: Python<'py>,
    theory: &str,
    statement: &str,
    timeout: f64,
    max_nodes: usize,
    max_size: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    if !(timeout > 0.0 && timeout <= 86_400.0) || max_nodes == 0 {
        return Err(UsageError::new_err(format!(
            "timeout {timeout}, max_nodes {max_nodes}: expected 0 < timeout ≤ 86400 and max_nodes ≥ 1"
        )));
    }
    let limits = ProveLimits {
        timeout: Duration::from_secs_f64(timeout),
        max_nodes,
        max_size,
    };
    let (theory, statement) = (theory.to_string(), statement.to_string());
    let out = py.detach(|| {
        with_kernel_stack(|| {
            let mut prover = Prover::load(&theory).map_err(|e| (true, e))?;
            prover
                .prove(&statement, &limits, 0)
                .map_err(|e| (!matches!(e, ProveError::Refused(_)), e.to_string()))
        })
    });
    let d = PyDict::new(py);
    match out {
        Ok(Outcome::Proved(p)) => {
            d.set_item("proved", true)?;
            d.set_item("tactics", PyList::new(py, &p.script)?)?;
            d.set_item("proof_term", &p.record.proof_term)?;
            d.set_item("steps", p.record.steps.len())?;
            d.set_item("nodes", p.nodes)?;
        }
        Ok(Outcome::NotFound { stop, nodes }) => {
            d.set_item("proved", false)?;
            d.set_item("stop", stop.as_str())?;
            d.set_item("nodes", nodes)?;
        }
        Err((true, msg)) => return Err(UsageError::new_err(msg)),
        Err((false, msg)) => return Err(ProofmillError::new_err(msg)),
    }
    Ok(d)
}
