//! `proofmill._native`: the Rust half of `import proofmill`.
//!
//! Why bindings and not the CLI: ML users drive data pipelines from Python,
//! and want records as dicts and Arrow tables, errors as exceptions, and no
//! subprocess per call. Every function here calls the library crates the
//! `proofmill` binary calls (`src/cli/*.rs`), with the same options and the
//! same messages, and gives up the GIL while it works, so other Python
//! threads (a Ray actor's, a data loader's) run meanwhile.
//!
//! One file per job: `error.rs` (the exception classes), `generate.rs`
//! (`generate`, `merge`), `check.rs` (`check`, `verify`), `corpus.rs`
//! (`read_manifest`, `read_corpus`, the Arrow batches), `value.rs` (JSON
//! values as Python objects), `prove.rs` (`prove`, the baseline prover).
//! The pure-Python package `proofmill/` wraps them (`Corpus`) and adds
//! `proofmill.ray`.

mod check;
mod corpus;
mod error;
mod generate;
mod prove;
mod value;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_function(wrap_pyfunction!(generate::generate, m)?)?;
    m.add_function(wrap_pyfunction!(generate::merge, m)?)?;
    m.add_function(wrap_pyfunction!(check::check, m)?)?;
    m.add_function(wrap_pyfunction!(check::verify, m)?)?;
    m.add_function(wrap_pyfunction!(prove::prove, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::read_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::read_corpus, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::arrow_batches, m)?)?;
    m.add_class::<corpus::Records>()?;
    m.add_class::<corpus::ArrowBatches>()?;
    Ok(())
}
