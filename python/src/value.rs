//! Records, manifests and reports as Python objects, through their JSON
//! form read by Python's own `json.loads`: a record's dict has exactly the
//! JSONL line's fields, in its order, with its values (seeds and hashes
//! strings, `position` a list of ints, `problem` None or a dict).

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(bytes)`.
pub fn loads<'py>(py: Python<'py>, json: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    loads.bind(py).call1((pyo3::types::PyBytes::new(py, json),))
}

/// Anything serde serializes (a record, a manifest) as a Python object.
pub fn serialized<'py>(py: Python<'py>, x: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let bytes = serde_json::to_vec(x)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    loads(py, &bytes)
}
