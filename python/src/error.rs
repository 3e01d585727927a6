//! The exceptions: `ProofmillError` and one subclass per kind of failure,
//! each carrying the message the CLI prints after `error: ` (for a theory,
//! the whole `file:line:col: error: …` line, as `proofmill check` prints
//! it). Where the CLI would exit 2 (unreadable input, bad options) the
//! class says so too: `UsageError` and `CorpusError`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    proofmill,
    ProofmillError,
    PyException,
    "Base of every error proofmill raises."
);
create_exception!(
    proofmill,
    UsageError,
    ProofmillError,
    "Options that cannot apply or input that cannot be read (the CLI's exit 2)."
);
create_exception!(
    proofmill,
    TheoryError,
    ProofmillError,
    "A theory text was rejected: `file:line:col: error: …` (attributes file, line, col, msg)."
);
create_exception!(
    proofmill,
    CorpusError,
    ProofmillError,
    "A corpus cannot be read: no manifest, another format, a theory that does not check, a shard whose sha256 differs."
);
create_exception!(
    proofmill,
    VerifyError,
    ProofmillError,
    "`verify` found bad records or files (attribute `errors`: one message each; `report`: the whole report)."
);
create_exception!(
    proofmill,
    GenerateError,
    ProofmillError,
    "`generate` wrote a corpus but the run failed (the theory ran out, the kernel rejected a candidate, a record did not read back); attribute `summary`."
);
create_exception!(
    proofmill,
    MergeError,
    ProofmillError,
    "Shard directories that are not the N shards of one run, or that fail their checks."
);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ProofmillError", py.get_type::<ProofmillError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("TheoryError", py.get_type::<TheoryError>())?;
    m.add("CorpusError", py.get_type::<CorpusError>())?;
    m.add("VerifyError", py.get_type::<VerifyError>())?;
    m.add("GenerateError", py.get_type::<GenerateError>())?;
    m.add("MergeError", py.get_type::<MergeError>())?;
    Ok(())
}

/// An exception of class `E` with `message` and the given attributes.
pub fn with_attrs<E: pyo3::type_object::PyTypeInfo>(
    py: Python<'_>,
    message: String,
    attrs: Vec<(&str, Bound<'_, PyAny>)>,
) -> PyErr {
    let err = PyErr::from_type(py.get_type::<E>(), message);
    let value = err.value(py);
    for (name, v) in attrs {
        if let Err(e) = value.setattr(name, v) {
            return e;
        }
    }
    err
}
