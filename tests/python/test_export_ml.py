"""The LeanDojo and Parquet exports, read by the programs ML users read them with.

Run by `tests/export_ml.rs` (and so by `scripts/test.sh`) with
PROOFMILL_EXPORT_CASES, a list of `CORPUS_DIR=EXPORT_DIR` pairs separated by
`os.pathsep`: EXPORT_DIR holds `leandojo/` and `parquet/` exported from the
corpus in CORPUS_DIR. Every check compares with the corpus's own JSONL shards.

- Parquet: `datasets.load_dataset(EXPORT_DIR/parquet)`, unchanged, gives back
  every record, field for field, each in one split only.
- LeanDojo: the layout is read as LeanDojo's benchmark loaders and ReProver's
  `common.py` and `retrieval/datamodule.py` read it (the same field accesses,
  the same assertions), and every field is checked against the corpus and the
  Lean files the positions point into.
"""

import json
import os
import re
from pathlib import Path

import pytest


def cases():
    raw = os.environ.get("PROOFMILL_EXPORT_CASES", "")
    out = []
    for part in raw.split(os.pathsep):
        if part:
            corpus, export = part.split("=", 1)
            out.append((Path(corpus), Path(export)))
    return out


CASES = cases()


def test_cases_are_given():
    assert CASES, "PROOFMILL_EXPORT_CASES names no corpus (run through tests/export_ml.rs)"


def corpus_records(corpus: Path):
    manifest = json.loads((corpus / "manifest.json").read_text())
    records = []
    for shard in manifest["shards"]:
        if shard["file"].endswith(".jsonl"):
            with open(corpus / shard["file"], encoding="utf-8") as f:
                records.extend(json.loads(line) for line in f if line.strip())
    assert len(records) == manifest["counts"]["records"]
    return manifest, records


# ---------------------------------------------------------------- Parquet


@pytest.mark.parametrize("corpus,export", CASES, ids=[str(c) for c, _ in CASES])
def test_parquet_loads_with_datasets_field_for_field(corpus, export):
    import datasets

    manifest, records = corpus_records(corpus)
    ds = datasets.load_dataset(str(export / "parquet"))
    assert set(ds.keys()) <= {"train", "validation", "test"}
    by_id = {r["id"]: r for r in records}
    seen = {}
    for split, rows in ds.items():
        for row in rows:
            assert row["id"] not in seen, f"{row['id']} in {seen.get(row['id'])} and {split}"
            seen[row["id"]] = split
            # Every field, with the JSONL's names and values (null problem included).
            assert row == by_id[row["id"]], row["id"]
    assert len(seen) == len(records)
    # Splits are by canonical hash: a statement is in one split only.
    split_of_hash = {}
    for r in records:
        split_of_hash.setdefault(r["canonical_hash"], set()).add(seen[r["id"]])
    assert all(len(s) == 1 for s in split_of_hash.values())
    card = (export / "parquet" / "README.md").read_text()
    assert card.startswith("---\nconfigs:\n")
    assert manifest["theory_hash"] in card
    assert f"config_name: {manifest['theory']}-" in card
    for split, rows in ds.items():
        assert f"\n| {split} | {len(rows)} | " in card


@pytest.mark.parametrize("corpus,export", CASES, ids=[str(c) for c, _ in CASES])
def test_parquet_files_name_their_corpus(corpus, export):
    import hashlib

    import pyarrow.parquet as pq

    sha = hashlib.sha256((corpus / "manifest.json").read_bytes()).hexdigest()
    files = sorted((export / "parquet" / "data").glob("*.parquet"))
    assert files
    for f in files:
        assert re.fullmatch(r"(train|validation|test)-\d{5}-of-\d{5}\.parquet", f.name)
        meta = pq.read_metadata(f).metadata
        values = [v.decode() for k, v in meta.items() if k.startswith(b"proofmill.")]
        assert f"corpus manifest sha256 {sha}" in values
        assert pq.read_metadata(f).row_group(0).column(0).compression == "ZSTD"


# ---------------------------------------------------------------- LeanDojo
# The accesses below are those of ReProver's loaders: `Corpus.__init__`
# (corpus.jsonl: path, imports, premises with full_name, code, start, end),
# `File.from_data`, `Premise.__post_init__` (start <= end, code not empty),
# `get_all_pos_premises` / `locate_premise` (def_path, def_pos inside a
# premise of that file), `format_tactic` (as many <a>…</a> marks as
# provenances), `Context.__post_init__` (a state with ⊢, no marks) and the
# generator's datamodule (url, commit, file_path, full_name, start,
# traced_tactics, tactic, state_before).


def pos_le(a, b):
    return tuple(a) <= tuple(b)


def slice_text(lines, start, end):
    """The text between two 1-based (line, column) positions, end exclusive."""
    (l0, c0), (l1, c1) = start, end
    if l0 == l1:
        return lines[l0 - 1][c0 - 1 : c1 - 1]
    parts = [lines[l0 - 1][c0 - 1 :]]
    parts.extend(lines[l0 : l1 - 1])
    parts.append(lines[l1 - 1][: c1 - 1])
    return "\n".join(parts)


class Corpus:
    """ReProver's `common.Corpus`, reduced to what the checks need."""

    def __init__(self, jsonl_path):
        self.files = {}
        self.imports = {}
        for line in open(jsonl_path, encoding="utf-8"):
            file_data = json.loads(line)
            path = file_data["path"]
            assert path not in self.files
            premises = []
            for p in file_data["premises"]:
                assert p["full_name"] is not None and p["code"] != ""
                start, end = tuple(p["start"]), tuple(p["end"])
                assert len(start) == 2 and len(end) == 2 and start <= end
                premises.append(
                    {"full_name": p["full_name"], "start": start, "end": end,
                     "code": p["code"], "kind": p["kind"]}
                )
            self.files[path] = premises
            for imp in file_data["imports"]:
                assert imp in self.files, f"{path} imports {imp} before it is listed"
            self.imports[path] = list(file_data["imports"])

    def locate_premise(self, path, pos):
        for p in self.files[path]:
            if p["start"] <= tuple(pos) <= p["end"]:
                return p
        return None


def get_all_pos_premises(annot_tac, corpus):
    _, provenances = annot_tac
    found = []
    for prov in provenances:
        p = corpus.locate_premise(prov["def_path"], prov["def_pos"])
        assert p is not None, f"cannot locate premise {prov}"
        found.append(p)
    return found


def format_tactic(annot_tac, provenances):
    """ReProver's `format_tactic`: marks and provenances pair up one to one."""
    if len(provenances) == 0:
        return annot_tac
    tactic = ""
    marks = list(re.finditer(r"<a>(?P<ident>.+?)</a>", annot_tac))
    assert len(marks) == len(provenances)
    last_end = 0
    for m, prov in zip(marks, provenances):
        tactic += annot_tac[last_end : m.start()] + "<a>" + prov["full_name"] + "</a>"
        last_end = m.end()
    return tactic + annot_tac[last_end:]


def remove_marks(s):
    return s.replace("<a>", "").replace("</a>", "")


@pytest.mark.parametrize("corpus,export", CASES, ids=[str(c) for c, _ in CASES])
def test_leandojo_layout_reads_as_reprover_reads_it(corpus, export):
    manifest, records = corpus_records(corpus)
    root = export / "leandojo"
    src = root / "src"
    dojo = Corpus(root / "corpus.jsonl")
    metadata = json.loads((root / "metadata.json").read_text())
    sha = metadata["from_repo"]["commit"]
    by_id = {r["id"]: r for r in records}
    id_of_name = {re.sub(r"[^A-Za-z0-9]", "_", i): i for i in by_id}
    # Rules: each premise's code is its text in the Lean file, at its place.
    theory_file = next(p for p, imps in dojo.imports.items() if not imps)
    theory_lines = (src / theory_file).read_text(encoding="utf-8").split("\n")
    for p in dojo.files[theory_file]:
        assert slice_text(theory_lines, p["start"], p["end"]) == p["code"]
        assert p["full_name"].split(".")[-1] in p["code"]
        assert p["kind"] in ("axiom", "theorem")
    file_lines = {}
    for layout in ("random", "novel_premises"):
        seen = {}
        for split in ("train", "val", "test"):
            for thm in json.load(open(root / layout / f"{split}.json", encoding="utf-8")):
                assert thm["url"] == metadata["from_repo"]["url"]
                assert thm["commit"] == sha
                file_path = thm["file_path"]
                assert theory_file in dojo.imports[file_path]
                start, end = thm["start"], thm["end"]
                assert pos_le(start, end)
                if file_path not in file_lines:
                    file_lines[file_path] = (src / file_path).read_text(encoding="utf-8").split("\n")
                text = slice_text(file_lines[file_path], start, end)
                assert text.startswith(f"theorem {thm['full_name']} : ")
                # The theorem is the record's: its name comes from its id.
                rid = id_of_name[thm["full_name"]]
                r = by_id[rid]
                assert seen.setdefault(rid, split) == split
                assert text.startswith(f"theorem {thm['full_name']} : {r['statement']} := by")
                tactics = thm["traced_tactics"]
                want = ([r["intro"]] if r["intro"] else []) + [s["tactic"] for s in r["steps"]]
                assert [t["tactic"] for t in tactics] == want
                # Each tactic is a line of the proof, in order.
                assert text.split("\n")[1:] == ["  " + t for t in want]
                states = [f"⊢ {r['statement']}"] if r["intro"] else []
                states += [s["state_before"] for s in r["steps"]] + ["no goals"]
                for k, t in enumerate(tactics):
                    assert t["state_before"] == states[k]
                    assert t["state_after"] == states[k + 1]
                    assert "⊢" in t["state_before"] and "<a>" not in t["state_before"]
                    annot, provs = t["annotated_tactic"]
                    assert remove_marks(annot) == t["tactic"]
                    formatted = format_tactic(annot, provs)
                    premises = get_all_pos_premises(t["annotated_tactic"], dojo)
                    if r["intro"] and k == 0:
                        assert provs == [] and formatted == t["tactic"]
                        continue
                    step = r["steps"][k - (1 if r["intro"] else 0)]
                    assert [p["full_name"] for p in premises] == [step["rule"]]
                    assert f"<a>{step['rule']}</a>" in formatted
                    for prov in provs:
                        assert prov["def_path"] == theory_file
                        assert prov["def_end_pos"] == list(premises[0]["end"])
        assert set(seen) == set(by_id), layout
        counts = metadata["num_theorems"][layout]
        assert sum(counts.values()) == len(records)
        if layout == "random":
            # The export's split by canonical hash (validation is `val` here).
            split_of_hash = {}
            for rid, split in seen.items():
                split_of_hash.setdefault(by_id[rid]["canonical_hash"], set()).add(split)
            assert all(len(s) == 1 for s in split_of_hash.values())
        else:
            train_rules = {s["rule"] for rid, sp in seen.items() if sp == "train"
                           for s in by_id[rid]["steps"]}
            for rid, sp in seen.items():
                if sp != "train":
                    rules = {s["rule"] for s in by_id[rid]["steps"]}
                    assert rules - train_rules, f"{rid} uses no rule that train lacks"
            held = metadata["novel_premises_held_out_rules"]
            assert not set(held) & train_rules
            assert counts["val"] + counts["test"] > 0
