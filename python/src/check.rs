//! `check(theory_text)` and `verify(dir)`: `proofmill check` on a text and
//! `proofmill verify` on a corpus directory, on the kernel's stack, without
//! the GIL.

use crate::error::{with_attrs, CorpusError, TheoryError, VerifyError};
use proofmill_corpora::corpus::verify_dir_on;
use proofmill_kernel::with_kernel_stack;
use proofmill_tactics::theory::Theory;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;

/// Parses, elaborates and kernel-checks a theory text (with the prelude
/// unless it starts with `prelude`; `import nat` brings in a shipped theory,
/// `import "x.theory"` a file relative to `dir`). Returns
/// `{"name", "declarations", "rules"}` (the declared names and the
/// `@[rule]` names). Raises `TheoryError` whose message is the CLI's
/// `name:line:col: error: …` line, with attributes `file`, `line`, `col`,
/// `msg`.
#[pyfunction]
#[pyo3(signature = (theory_text, name = "<string>".to_string(), dir = None))]
pub fn check<'py>(
    py: Python<'py>,
    theory_text: &str,
    name: String,
    dir: Option<PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
    let text = theory_text.to_string();
    let checked = py.detach(|| {
        with_kernel_stack(|| {
            Theory::load_source(&name, &text, dir.as_deref()).map(|t| {
                let decls: Vec<String> = t.declarations().iter().map(|n| n.to_string()).collect();
                let rules: Vec<String> = t.rules().iter().map(|r| r.name.to_string()).collect();
                (decls, rules)
            })
        })
    });
    match checked {
        Ok((decls, rules)) => {
            let d = PyDict::new(py);
            d.set_item("name", &name)?;
            d.set_item("declarations", PyList::new(py, decls)?)?;
            d.set_item("rules", PyList::new(py, rules)?)?;
            Ok(d)
        }
        Err(e) => Err(with_attrs::<TheoryError>(
            py,
            e.to_string(),
            vec![
                ("file", e.file.clone().into_pyobject(py)?.into_any()),
                ("line", e.pos.line.into_pyobject(py)?.into_any()),
                ("col", e.pos.col.into_pyobject(py)?.into_any()),
                ("msg", e.msg.clone().into_pyobject(py)?.into_any()),
            ],
        )),
    }
}

/// Re-checks the corpus in `dir` as `proofmill verify` does (every proof
/// term by the kernel, every trace by the tactic engine). Returns
/// `{"records": N, "bad": []}`. Raises `CorpusError` when the corpus cannot
/// be read (the CLI's exit 2) and `VerifyError` when a record or file fails
/// (exit 1): its message is the CLI's `error:` lines, one per failure, and
/// `.errors` lists them, `.report` is the report dict.
#[pyfunction]
#[pyo3(signature = (dir, threads = 0))]
pub fn verify<'py>(py: Python<'py>, dir: PathBuf, threads: usize) -> PyResult<Bound<'py, PyDict>> {
    let r = py.detach(|| with_kernel_stack(|| verify_dir_on(&dir, threads, |_| {})));
    let rep = r.map_err(|e| CorpusError::new_err(e.to_string()))?;
    let bad: Vec<String> = rep.bad.iter().map(|b| b.to_string()).collect();
    let d = PyDict::new(py);
    d.set_item("records", rep.records)?;
    d.set_item("bad", PyList::new(py, &bad)?)?;
    if bad.is_empty() {
        return Ok(d);
    }
    Err(with_attrs::<VerifyError>(
        py,
        bad.join("\n"),
        vec![
            ("errors", PyList::new(py, &bad)?.into_any()),
            ("report", d.into_any()),
        ],
    ))
}
