//! Reading a corpus from Python: its manifest, its records one at a time
//! (`read_corpus`), and its records as Arrow record batches
//! (`arrow_batches`, behind `Corpus.to_arrow()`).
//!
//! Records come from `proofmill_export::CorpusSource`, the reader every
//! export uses: the theory is checked again from the manifest's sources,
//! and each shard file's bytes are compared with the manifest's sha256
//! before any record of it is decoded, so a tampered shard raises
//! `CorpusError` naming the file and none of its records is yielded.
//! Shards are read lazily, one at a time: memory is one shard.
//!
//! The Arrow batches are built by the Parquet export's own code
//! (`proofmill_export::record_batch`, one batch per shard), so the columns,
//! types and values are the Parquet export's; they cross into Python as
//! Arrow IPC streams (no unsafe code, no pointer hand-over), which pyarrow
//! reads without copying the columns again.

use crate::error::CorpusError;
use crate::value::{loads, serialized};
use arrow_ipc::writer::StreamWriter;
use proofmill_corpora::corpus::{jsonl_line, Record};
use proofmill_export::{arrow_schema, record_batch, CorpusSource};
use proofmill_kernel::with_kernel_stack;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use std::sync::Arc;

fn corpus_error(e: impl std::fmt::Display) -> PyErr {
    CorpusError::new_err(e.to_string())
}

fn open(py: Python<'_>, dir: PathBuf) -> PyResult<Arc<CorpusSource>> {
    py.detach(|| with_kernel_stack(|| CorpusSource::open(&dir)))
        .map(Arc::new)
        .map_err(corpus_error)
}

/// The corpus's `manifest.json` as a dict, read and checked as `verify`
/// reads it (format version, theory sources against their hash, a
/// complete run). Raises `CorpusError`.
#[pyfunction]
pub fn read_manifest(py: Python<'_>, dir: PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let source = open(py, dir)?;
    serialized(py, source.manifest())
}

/// Every record of the corpus in `dir`, in corpus order, as dicts with
/// every field of the JSONL record. Raises `CorpusError` on opening (no
/// manifest, a theory that does not check) and while iterating (a shard
/// whose sha256 differs from the manifest's, a missing shard).
#[pyfunction]
pub fn read_corpus(py: Python<'_>, dir: PathBuf) -> PyResult<Records> {
    Ok(Records {
        source: open(py, dir)?,
        next_shard: 0,
        current: Vec::new().into_iter(),
        failed: false,
    })
}

/// The iterator `read_corpus` returns.
#[pyclass(module = "proofmill")]
pub struct Records {
    source: Arc<CorpusSource>,
    next_shard: usize,
    current: std::vec::IntoIter<Record>,
    failed: bool,
}

#[pymethods]
impl Records {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        loop {
            if self.failed {
                return Ok(None);
            }
            if let Some(r) = self.current.next() {
                let line = jsonl_line(&r).map_err(corpus_error)?;
                return loads(py, &line).map(Some);
            }
            if self.next_shard >= self.source.shard_count() {
                return Ok(None);
            }
            let (source, g) = (self.source.clone(), self.next_shard);
            self.next_shard += 1;
            match py.detach(|| source.read_shard(g)) {
                Ok(records) => self.current = records.into_iter(),
                Err(e) => {
                    self.failed = true;
                    return Err(corpus_error(e));
                }
            }
        }
    }
}

/// The corpus in `dir` as Arrow IPC streams: first one holding only the
/// schema, then one record batch per shard (the Parquet export's rows).
/// `Corpus.to_arrow()` reads them with pyarrow. Raises `CorpusError`.
#[pyfunction]
pub fn arrow_batches(py: Python<'_>, dir: PathBuf) -> PyResult<ArrowBatches> {
    Ok(ArrowBatches {
        source: open(py, dir)?,
        next_shard: None,
    })
}

/// The iterator `arrow_batches` returns.
#[pyclass(module = "proofmill")]
pub struct ArrowBatches {
    source: Arc<CorpusSource>,
    /// `None` until the schema has been given.
    next_shard: Option<usize>,
}

/// One IPC stream: the schema and `rows` as one batch (none when `rows` is `None`).
fn ipc_stream(rows: Option<&[Record]>) -> Result<Vec<u8>, String> {
    let schema = arrow_schema();
    let mut w = StreamWriter::try_new(Vec::new(), &schema).map_err(|e| e.to_string())?;
    if let Some(rows) = rows {
        let batch = record_batch(&schema, rows).map_err(|e| e.to_string())?;
        w.write(&batch).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

#[pymethods]
impl ArrowBatches {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let bytes = match self.next_shard {
            None => {
                self.next_shard = Some(0);
                ipc_stream(None).map_err(corpus_error)?
            }
            Some(g) if g < self.source.shard_count() => {
                self.next_shard = Some(g + 1);
                let source = self.source.clone();
                py.detach(|| {
                    let rows = source.read_shard(g).map_err(|e| e.to_string())?;
                    ipc_stream(Some(&rows))
                })
                .map_err(corpus_error)?
            }
            Some(_) => return Ok(None),
        };
        Ok(Some(PyBytes::new(py, &bytes)))
    }
}
