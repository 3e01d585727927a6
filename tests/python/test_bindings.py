"""`import proofmill`: every function of the bindings, and its errors.

Run by `scripts/test.sh` after `maturin develop --profile ci` has installed the
module into its venv, with PROOFMILL_BIN naming the `proofmill` binary of
the same build: the bindings must give what the binary gives (the same
corpus bytes, the same messages).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import proofmill

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PROOFMILL_BIN") or str(ROOT / "target" / "release" / "proofmill")


def cli(*args):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)


def cli_error(*args):
    """The CLI's `error: …` message (without the prefix) and exit code."""
    p = cli(*args)
    assert p.returncode != 0, p.stdout
    return p.stderr.strip().removeprefix("error: "), p.returncode


def files(d):
    return {p.name: p.read_bytes() for p in sorted(Path(d).iterdir())}


def jsonl_records(d):
    m = json.loads((Path(d) / "manifest.json").read_text())
    out = []
    for s in m["shards"]:
        if s["file"].endswith(".jsonl"):
            out += [json.loads(l) for l in (Path(d) / s["file"]).read_text().splitlines()]
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("bindings") / "ring"
    summary = proofmill.generate("ring", count=60, seed=1, out=out, format="jsonl,bin",
                                 steps="3..6", threads=2)
    return out, summary


def test_generate_returns_the_summary_and_writes_what_the_cli_writes(corpus, tmp_path):
    out, s = corpus
    assert s["written"] == 60 and s["accepted_all_shards"] == 60
    assert s["kernel_rejections"] == 0 and s["readback_failures"] == 0
    assert s["attempts"] >= 60 and s["out"] == str(out)
    assert 0 < s["nodes_covered"] <= s["rule_space_nodes"]
    p = cli("generate", "--theory", "ring", "--count", "60", "--seed", "1", "--format",
            "jsonl,bin", "--steps", "3..6", "--threads", "1", "--out", tmp_path / "cli")
    assert p.returncode == 0, p.stderr
    assert files(out) == files(tmp_path / "cli")


def test_favor_and_non_theorems_write_what_the_cli_writes(tmp_path):
    # The benchmark recipe's walks (--favor) and non-theorems: the same files.
    s = proofmill.generate("ring", count=40, seed=3, out=tmp_path / "py", steps="4..8",
                           favor="mul_add=32,add_mul", non_theorems=100)
    assert s["written"] == 40
    p = cli("generate", "--theory", "ring", "--count", "40", "--seed", "3", "--steps", "4..8",
            "--favor", "mul_add=32,add_mul", "--non-theorems", "100", "--out", tmp_path / "cli")
    assert p.returncode == 0, p.stderr
    py, c = files(tmp_path / "py"), files(tmp_path / "cli")
    assert py == c
    assert any(n.startswith("non-theorems-") for n in py)
    assert '"favor"' in py["manifest.json"].decode()
    with pytest.raises(proofmill.UsageError, match="--favor no_such_rule: not a rule"):
        proofmill.generate("ring", count=5, out=tmp_path / "bad", favor="no_such_rule")


def test_generate_refuses_what_the_cli_refuses_with_its_words(tmp_path):
    for kwargs, flags in [
        ({"steps": "5..2"}, ["--steps", "5..2"]),
        ({"shard": "2/2"}, ["--shard", "2/2"]),
        ({"format": "csv"}, ["--format", "csv"]),
        ({"max_size": 0}, ["--max-size", "0"]),
        ({"problems": "integral=1"}, ["--problems", "integral=1"]),
        ({"theory": "rings"}, ["--theory", "rings"]),
    ]:
        with pytest.raises(proofmill.UsageError) as e:
            proofmill.generate(out=tmp_path / "x", count=5, **kwargs)
        message, code = cli_error("generate", "--count", "5", "--out", tmp_path / "y", *flags)
        assert (str(e.value), code) == (message, 2)
        assert isinstance(e.value, proofmill.ProofmillError)
    # A directory that holds something else.
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(proofmill.UsageError, match="is not empty"):
        proofmill.generate(count=5, out=busy)
    with pytest.raises(TypeError):
        proofmill.generate(count=5, out=tmp_path / "z", no_such_option=1)


def test_a_run_that_runs_out_raises_generate_error_with_its_summary(tmp_path):
    # One-step logic theorems of at most 4 nodes are few: the theory runs out.
    with pytest.raises(proofmill.GenerateError) as e:
        proofmill.generate("logic", count=500, steps="1..1", max_size=4, answer_size="1..4",
                           out=tmp_path / "o")
    assert str(e.value).startswith("the theory ran out: ")
    assert 0 < e.value.summary["written"] < 500
    message, code = cli_error("generate", "--theory", "logic", "--count", "500", "--steps",
                              "1..1", "--max-size", "4", "--answer-size", "1..4",
                              "--out", tmp_path / "cli")
    assert (str(e.value), code) == (message, 1)


def test_check_returns_declarations_and_rules():
    text = (ROOT / "theories" / "ring.theory").read_text()
    r = proofmill.check(text, name="ring.theory")
    assert r["name"] == "ring.theory"
    assert "add_comm" in r["rules"] and "mul_add" in r["rules"]
    assert set(r["rules"]) <= set(r["declarations"])


def test_check_raises_the_clis_line_col_message(tmp_path):
    bad = tmp_path / "bad.theory"
    text = "axiom R : Type\naxiom r : R\ntheorem t : r = r := Eq.refl s\n"
    bad.write_text(text)
    with pytest.raises(proofmill.TheoryError) as e:
        proofmill.check(text, name=str(bad))
    p = cli("check", bad)
    assert p.returncode == 1
    assert str(e.value) == p.stderr.strip()
    assert (e.value.file, e.value.line) == (str(bad), 3)
    assert str(e.value) == f"{bad}:3:{e.value.col}: error: {e.value.msg}"


def test_verify_returns_the_report(corpus):
    out, _ = corpus
    assert proofmill.verify(out) == {"records": 60, "bad": []}
    assert proofmill.verify(out, threads=1)["records"] == 60


def test_verify_raises_on_a_bad_corpus_with_the_clis_lines(corpus, tmp_path):
    out, _ = corpus
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    f = bad / "shard-00000.jsonl"
    f.write_bytes(f.read_bytes().replace(b"ring/s1/000003", b"ring/s1/000004", 1))
    with pytest.raises(proofmill.VerifyError) as e:
        proofmill.verify(bad)
    p = cli("verify", bad)
    assert p.returncode == 1
    cli_lines = [l.removeprefix("error: ") for l in p.stderr.splitlines()
                 if l.startswith("error: ")]
    assert e.value.errors == cli_lines and cli_lines
    assert any("sha256 differs from the manifest" in l for l in cli_lines)
    assert e.value.report["bad"] == cli_lines
    # No corpus at all: CorpusError, the CLI's exit 2.
    with pytest.raises(proofmill.CorpusError) as e:
        proofmill.verify(tmp_path / "nothing")
    assert (str(e.value), 2) == cli_error("verify", tmp_path / "nothing")


def test_read_corpus_yields_every_record_as_its_jsonl_dict(corpus):
    out, _ = corpus
    got = list(proofmill.read_corpus(out))
    want = jsonl_records(out)
    assert got == want and len(got) == 60
    assert [list(r) for r in got] == [list(r) for r in want]  # field order too
    assert got[0]["problem"] is None and isinstance(got[0]["steps"][0]["position"], list)


def test_read_corpus_checks_each_shards_sha256(corpus, tmp_path):
    out, _ = corpus
    bad = tmp_path / "tampered"
    shutil.copytree(out, bad)
    f = bad / "shard-00000.bin"
    data = bytearray(f.read_bytes())
    data[40] ^= 1
    f.write_bytes(bytes(data))
    it = proofmill.read_corpus(bad)
    with pytest.raises(proofmill.CorpusError, match="shard-00000.bin"):
        next(it)
    with pytest.raises(proofmill.CorpusError, match="manifest.json"):
        proofmill.read_corpus(tmp_path / "nothing")


def test_corpus_has_manifest_len_iteration_and_repr(corpus):
    out, _ = corpus
    c = proofmill.Corpus(out)
    assert c.manifest == json.loads((out / "manifest.json").read_text())
    assert len(c) == 60
    assert list(c) == jsonl_records(out)
    assert "ring" in repr(c) and "60 records" in repr(c)
    with pytest.raises(proofmill.CorpusError):
        proofmill.Corpus(out.parent / "nothing")


def test_to_arrow_is_the_parquet_exports_table(corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    out, _ = corpus
    table = proofmill.Corpus(out).to_arrow()
    assert table.num_rows == 60
    p = cli("export", out, "--to", "parquet", "--out", tmp_path / "e")
    assert p.returncode == 0, p.stderr
    parts = [pq.read_table(f) for f in sorted((tmp_path / "e" / "parquet" / "data").iterdir())]
    exported = pa.concat_tables(parts).sort_by("id")
    assert table.schema.equals(exported.schema, check_metadata=False)
    assert table.sort_by("id").equals(exported)
    assert table.column("id").to_pylist() == [r["id"] for r in jsonl_records(out)]


def test_merge_joins_shards_into_the_single_run(corpus, tmp_path):
    out, _ = corpus
    parts = []
    for k in range(2):
        d = tmp_path / f"part{k}"
        s = proofmill.generate("ring", count=60, seed=1, out=d, format="jsonl,bin",
                               steps="3..6", shard=f"{k}/2")
        assert s["accepted_all_shards"] == 60
        parts.append(d)
    r = proofmill.merge(tmp_path / "merged", [parts[1], parts[0]])
    assert r == {"shards": 2, "records": 60, "files": 2}
    assert files(tmp_path / "merged") == files(out)
    with pytest.raises(proofmill.MergeError) as e:
        proofmill.merge(tmp_path / "again", [parts[0]])
    assert (str(e.value), 1) == cli_error("merge", tmp_path / "again2", parts[0])
    assert "shard 1 of 2 is missing" in str(e.value)


def test_prove_gives_the_clis_checked_script():
    statement = "∀ (a b c : R), a * (b + c) = c * a + a * b"
    r = proofmill.prove("ring", statement)
    p = cli("prove", "--theory", "ring", statement)
    assert p.returncode == 0
    assert r["proved"] is True
    assert r["tactics"] == p.stdout.splitlines()
    assert r["steps"] == len(r["tactics"]) - 1 and r["nodes"] > 0
    assert r["proof_term"].startswith("fun (a b c : R) =>")


def test_prove_says_why_it_stopped_and_raises_on_bad_input():
    r = proofmill.prove("ring", "∀ (a b : R), a * b = a + b", max_nodes=2000)
    assert r == {"proved": False, "stop": "node-limit", "nodes": r["nodes"]}
    statement = "∀ (a b : R), a + * b = b"
    with pytest.raises(proofmill.UsageError) as e:
        proofmill.prove("ring", statement)
    msg, code = cli_error("prove", statement)
    assert code == 2
    assert str(e.value) == msg
    with pytest.raises(proofmill.UsageError):
        proofmill.prove("nosuch", "∀ (a : R), a = a + R.zero")
    with pytest.raises(proofmill.UsageError):
        proofmill.prove("ring", "∀ (a : R), a = a + R.zero", timeout=0)
