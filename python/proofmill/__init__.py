"""proofmill from Python: generate, check, verify and read verified corpora.

The work is done by proofmill's Rust crates (``proofmill._native``, built
with maturin from ``python/``), the very code the ``proofmill`` command runs:
the same options, the same output bytes, the same error messages, raised as
exceptions (``ProofmillError`` and its subclasses). ``proofmill.ray`` spreads
one run over a Ray cluster.

    import proofmill
    summary = proofmill.generate("ring", count=1000, seed=0, out="corpus")
    proofmill.verify("corpus")                      # {'records': 1000, 'bad': []}
    for record in proofmill.read_corpus("corpus"):  # dicts, every field
        print(record["statement"], record["steps"][0]["tactic"])
    table = proofmill.Corpus("corpus").to_arrow()   # pyarrow.Table, the Parquet export's schema
"""

import os

from . import _native
from ._native import (
    CorpusError,
    GenerateError,
    MergeError,
    ProofmillError,
    TheoryError,
    UsageError,
    VerifyError,
    __version__,
    check,
    generate,
    merge,
    prove,
    read_corpus,
    read_manifest,
    verify,
)

__all__ = [
    "Corpus",
    "CorpusError",
    "GenerateError",
    "MergeError",
    "ProofmillError",
    "TheoryError",
    "UsageError",
    "VerifyError",
    "__version__",
    "check",
    "generate",
    "merge",
    "prove",
    "read_corpus",
    "read_manifest",
    "verify",
]


class Corpus:
    """A corpus directory written by ``generate`` (or ``merge``).

    ``manifest`` is its ``manifest.json`` as a dict (read and checked on
    opening: format version, theory sources against their hash, a complete
    run); ``len()`` is the manifest's record count; iterating yields the
    records as dicts (``read_corpus``: lazily, each shard's sha256 checked);
    ``to_arrow()`` gives them as a ``pyarrow.Table`` with the schema and
    values of ``proofmill export --to parquet``.
    """

    def __init__(self, dir):
        self.dir = os.fspath(dir)
        self.manifest = read_manifest(self.dir)

    def __len__(self):
        return int(self.manifest["counts"].get("records", 0))

    def __iter__(self):
        return read_corpus(self.dir)

    def __repr__(self):
        return f"Corpus({self.dir!r}: {self.manifest['theory']}, {len(self)} records)"

    def to_arrow(self):
        """Every record as a row of a ``pyarrow.Table`` (needs pyarrow).

        The batches are made by the Parquet export's own Rust code, one per
        shard, and read here from Arrow IPC: the columns, types and values
        are those of ``export --to parquet``'s files.
        """
        import pyarrow as pa

        streams = _native.arrow_batches(self.dir)
        schema = pa.ipc.open_stream(next(streams)).schema
        batches = [b for s in streams for b in pa.ipc.open_stream(s)]
        return pa.Table.from_batches(batches, schema=schema)
