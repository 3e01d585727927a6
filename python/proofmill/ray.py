"""One corpus generated across a Ray cluster.

``generate(theory, count, shards, out, **options)`` runs ``proofmill
generate --shard K/N`` for K = 0..N-1 as Ray tasks, then merges their
outputs with ``proofmill.merge`` into one corpus directory ``out``: the very
corpus one ``proofmill generate`` of the same options writes, byte for byte,
which ``proofmill verify`` accepts.

Why this works: ``generate``'s output depends only on (theory, options,
seed), every shard walks all the attempts (that is how shards agree on ids)
and keeps the theorems whose canonical hash falls in it, so the shards are
disjoint and their union is the single run; ``merge`` interleaves them by id
and checks every file's sha256 and that the N inputs are the N shards of one
run.

Failures: each task runs the binary with ``--resume`` in a directory of its
own, so a task whose process dies (a node lost, the process killed) is
retried by Ray (``max_retries``) and finishes the files the first attempt
left, giving the same bytes. A shard that ``proofmill`` itself refuses
(bad options: exit 2; the theory ran out: exit 1) is not retried: it would
fail the same way; it raises ``ShardFailed`` with the CLI's message.

The binary: ``binary=`` (a path), else the ``PROOFMILL_BIN`` environment
variable of the driver, else ``proofmill`` on each node's ``PATH``. It must
be on every node that runs tasks (e.g. ``cargo install --path .`` there, or
a shared filesystem), and this package must be installed on every node.

Where shard outputs go: by default each task writes under the node's
temporary directory and returns its files through Ray's object store, so no
shared filesystem is needed; the driver writes them under ``work_dir``
(default ``OUT.shards``), merges, and removes them. With
``shared_dir=PATH`` (a directory every node and the driver see, e.g. NFS),
tasks write there directly and only paths travel, which suits corpora too
large for the object store; a retried task then resumes on any node.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time

from . import ProofmillError, merge


class ShardFailed(ProofmillError):
    """``proofmill generate --shard K/N`` exited with an error (not retried)."""


class ShardInterrupted(ProofmillError):
    """The shard's process was killed by a signal: Ray retries the task."""


# Options that this module sets itself for every shard.
_RESERVED = {"shard", "out", "resume", "overwrite", "threads"}


def _flags(options):
    """``generate``'s keyword options as the CLI's flags (``max_size=30`` →
    ``--max-size 30``; ``curriculum=True`` → ``--curriculum``)."""
    out = []
    for key, value in sorted(options.items()):
        if key in _RESERVED:
            raise TypeError(f"proofmill.ray.generate sets {key!r} itself")
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            out.append(flag)
        else:
            out.extend([flag, os.fspath(value) if hasattr(value, "__fspath__") else str(value)])
    return out


def _binary(binary):
    """The binary as given, or from ``PROOFMILL_BIN``, or ``None`` (each node's PATH)."""
    if binary is not None:
        return os.fspath(binary)
    return os.environ.get("PROOFMILL_BIN") or None


def _run_shard(binary, args, k, n, run_key, shared_dir, threads):
    """One Ray task: shard K of N into its own directory, with ``--resume``.

    Returns ``(K, dir, files, stdout)`` where ``files`` maps each file of the
    shard's corpus to its bytes (``None`` with ``shared_dir``: the files stay
    there).
    """
    exe = binary or shutil.which("proofmill")
    if exe is None or not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        raise ShardFailed(
            f"the proofmill binary ({exe or 'proofmill on PATH'}) was not found on this "
            "node; pass binary= or set PROOFMILL_BIN (it must be on every node)"
        )
    name = f"shard-{k}-of-{n}"
    if shared_dir is not None:
        out = os.path.join(shared_dir, name)
    else:
        out = os.path.join(tempfile.gettempdir(), "proofmill-ray", run_key, name)
    os.makedirs(out, exist_ok=True)
    cmd = [exe, "generate", *args, "--threads", str(threads),
           "--shard", f"{k}/{n}", "--out", out, "--resume"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode < 0:
        raise ShardInterrupted(
            f"shard {k}/{n}: killed by signal {signal.Signals(-p.returncode).name}"
        )
    if p.returncode != 0:
        message = p.stderr.strip().removeprefix("error: ")
        raise ShardFailed(f"shard {k}/{n}: {message}")
    if shared_dir is not None:
        return k, out, None, p.stdout
    files = {}
    for entry in sorted(os.listdir(out)):
        with open(os.path.join(out, entry), "rb") as f:
            files[entry] = f.read()
    shutil.rmtree(out, ignore_errors=True)
    return k, out, files, p.stdout


def generate(theory, count, shards, out, *, seed=0, binary=None, max_retries=3,
             num_cpus=1, work_dir=None, shared_dir=None, keep_shards=False, **options):
    """Generates ``count`` theorems of ``theory`` as ``shards`` Ray tasks and
    merges them into the corpus directory ``out`` (empty or new).

    ``options`` are ``proofmill generate``'s (``steps="3..8"``,
    ``max_size=24``, ``format="jsonl,bin"``, ``hard_steps=1``, …). Each task
    asks Ray for ``num_cpus`` CPUs and runs the binary with as many threads.
    Uses the running Ray (``ray.init(address=…)`` first for a cluster), or
    starts a local one. Returns ``{"out", "shards", "records", "files",
    "seconds", "theorems_per_second", "shard_summaries"}`` (the last: what
    each shard's ``proofmill generate`` printed). Raises ``ShardFailed`` when a shard
    fails in a way a retry cannot mend, ``MergeError`` when the outputs do
    not merge, ``ray.exceptions.RayError`` when Ray gives up on a task.
    """
    import ray

    if shards < 1:
        raise ValueError("shards must be at least 1")
    out = os.path.abspath(os.fspath(out))
    if os.path.exists(out) and os.listdir(out):
        raise ProofmillError(f"{out} is not empty; merge into an empty or new directory")
    args = ["--theory", os.fspath(theory), "--count", str(count), "--seed", str(seed),
            *_flags(options)]
    run_key = hashlib.sha256("\0".join([out, str(shards), *args]).encode()).hexdigest()[:16]
    if shared_dir is not None:
        shared_dir = os.path.abspath(os.fspath(shared_dir))
    if not ray.is_initialized():
        ray.init()
    task = ray.remote(_run_shard).options(
        num_cpus=num_cpus,
        max_retries=max_retries,
        retry_exceptions=[ShardInterrupted],
    )
    start = time.perf_counter()
    exe = _binary(binary)
    pending = [task.remote(exe, args, k, shards, run_key, shared_dir, num_cpus)
               for k in range(shards)]
    work = shared_dir or os.path.abspath(os.fspath(work_dir or out + ".shards"))
    dirs, summaries = {}, {}
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            k, where, files, summaries[k] = ray.get(done[0])
            if files is None:
                dirs[k] = where
                continue
            d = os.path.join(work, f"shard-{k}-of-{shards}")
            if os.path.exists(d):
                shutil.rmtree(d)
            os.makedirs(d)
            for name, data in files.items():
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
            dirs[k] = d
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise
    merged = merge(out, [dirs[k] for k in range(shards)])
    if not keep_shards:
        if shared_dir is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for d in dirs.values():
                shutil.rmtree(d, ignore_errors=True)
    seconds = time.perf_counter() - start
    return {
        "out": out,
        "shards": shards,
        "records": merged["records"],
        "files": merged["files"],
        "seconds": seconds,
        "theorems_per_second": merged["records"] / max(seconds, 1e-9),
        "shard_summaries": [summaries[k] for k in range(shards)],
    }
