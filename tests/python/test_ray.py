"""`proofmill.ray.generate`: N shard tasks on a local Ray (2 CPUs), merged.

The merged corpus's records are the single run's records (the same set,
each with the same bytes), and in fact every file of the directory is the
single run's; `verify` accepts it. One shard task is killed mid-run the
first time it runs (its `proofmill` process and then itself, by SIGKILL):
Ray retries it, the retry resumes the shard's directory, and the bytes are
the same. A shard that `proofmill` refuses is not retried.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import ray

import proofmill
import proofmill.ray

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PROOFMILL_BIN") or str(ROOT / "target" / "release" / "proofmill")

# Two shards of 1,200-odd records: shard 1 finishes its first file (1,000
# records) before it is killed, so the retry has something to resume.
COUNT = 2400
OPTIONS = {"seed": 5, "steps": "3..6", "format": "jsonl"}


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def killing_wrapper(tmp_path):
    """A `binary=` that runs the real binary, except for shard 1/2's first
    run: that one is killed once its first file is written and listed in
    its manifest, and then the wrapper kills itself. Every run is logged."""
    log, mark = tmp_path / "runs.log", tmp_path / "killed-once"
    script = tmp_path / "proofmill-wrapper"
    script.write_text(f"""#!{sys.executable}
import json, os, signal, subprocess, sys, time
REAL, LOG, MARK = {BIN!r}, {str(log)!r}, {str(mark)!r}
args = sys.argv[1:]
shard, out = args[args.index("--shard") + 1], args[args.index("--out") + 1]
with open(LOG, "a") as f:
    f.write(shard + "\\n")
if shard == "1/2" and not os.path.exists(MARK):
    open(MARK, "w").close()
    p = subprocess.Popen([REAL, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Until the manifest lists the first file as finished (with its sha256).
    def first_file_done():
        try:
            with open(os.path.join(out, "manifest.json")) as f:
                m = json.load(f)
        except (OSError, ValueError):
            return False
        return any(s["file"] == "shard-1-of-2-00000.jsonl" and s["sha256"] for s in m["shards"])
    deadline = time.time() + 120
    while p.poll() is None and not first_file_done() and time.time() < deadline:
        time.sleep(0.005)
    p.kill()
    p.wait()
    os.kill(os.getpid(), signal.SIGKILL)
os.execv(REAL, [REAL, *args])
""")
    script.chmod(0o755)
    return script, log


def test_ray_merge_is_the_single_run_even_with_a_killed_task(tmp_path):
    wrapper, log = killing_wrapper(tmp_path)
    out = tmp_path / "merged"
    s = proofmill.ray.generate("ring", COUNT, 2, out, binary=wrapper, **OPTIONS)
    assert s["records"] == COUNT and s["shards"] == 2 and s["out"] == str(out)
    runs = log.read_text().split()
    assert sorted(runs) == ["0/2", "1/2", "1/2"], runs  # shard 1 ran twice: retried
    assert not (tmp_path / "merged.shards").exists()  # the shards' copies are removed
    # The retry finished what the killed run left (`generate --resume`).
    assert "resumed: kept" in s["shard_summaries"][1], s["shard_summaries"][1]
    assert "resumed" not in s["shard_summaries"][0]

    single = tmp_path / "single"
    p = subprocess.run([BIN, "generate", "--theory", "ring", "--count", str(COUNT),
                        "--seed", "5", "--steps", "3..6", "--out", single],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr

    def lines(d):
        m = json.loads((d / "manifest.json").read_text())
        return [l for s in m["shards"] for l in (d / s["file"]).read_bytes().splitlines()]

    merged_lines, single_lines = lines(out), lines(single)
    assert len(merged_lines) == COUNT
    assert set(merged_lines) == set(single_lines)  # the same records, byte for byte
    for name in os.listdir(single):
        assert (out / name).read_bytes() == (single / name).read_bytes(), name
    assert sorted(os.listdir(out)) == sorted(os.listdir(single))
    assert proofmill.verify(out)["records"] == COUNT


def test_shared_dir_keeps_the_shards_where_every_node_sees_them(tmp_path):
    shared = tmp_path / "shared"
    s = proofmill.ray.generate("group", 40, 2, tmp_path / "out", binary=BIN,
                               shared_dir=shared, keep_shards=True, seed=2)
    assert s["records"] == 40
    assert sorted(os.listdir(shared)) == ["shard-0-of-2", "shard-1-of-2"]
    assert proofmill.verify(tmp_path / "out")["records"] == 40


def test_a_shard_proofmill_refuses_is_not_retried_and_says_why(tmp_path):
    with pytest.raises(proofmill.ray.ShardFailed) as e:
        proofmill.ray.generate("ring", 10, 2, tmp_path / "o", binary=BIN, steps="9..1")
    assert "--steps 9..1: expected A..B with 1 ≤ A ≤ B" in str(e.value)
    assert isinstance(e.value, proofmill.ProofmillError)


def test_binary_and_options_are_checked(tmp_path, monkeypatch):
    with pytest.raises(proofmill.ray.ShardFailed, match="not found"):
        proofmill.ray.generate("ring", 10, 1, tmp_path / "a", binary=tmp_path / "none")
    monkeypatch.setenv("PROOFMILL_BIN", BIN)
    assert proofmill.ray.generate("ring", 10, 1, tmp_path / "b")["records"] == 10
    with pytest.raises(TypeError, match="shard"):
        proofmill.ray.generate("ring", 10, 2, tmp_path / "c", shard="0/2")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x").write_text("")
    with pytest.raises(proofmill.ProofmillError, match="not empty"):
        proofmill.ray.generate("ring", 10, 2, tmp_path / "d", binary=BIN)
