"""Runner and CLI: a mixed batch completes, bad inputs are listed with their codes, the cache is used."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.runner import run
from pipeline.store import doc_filename
from vn_fixtures import BAD_INPUTS, CORPUS, corpus_doc, make_bad_input, running_as_root

TOP_LEVEL_KEYS = {"doc", "status", "error", "metadata", "sections", "tables", "footnotes"}

# good corpus documents under names with spaces and Vietnamese letters, one in a sub-folder
GOOD_NAMES = {
    "000": "Đề án Thái Nguyên 2025–2030.txt",
    "001": "Nghị quyết 21-NQ TU.txt",
    "002": "hướng dẫn/Hướng dẫn công tác Mặt trận năm 2024.txt",
    "003": "Đề án số 02 Tuyên Quang.md",
    "004": "xã Kẻ Sặt (Hải Phòng).txt",
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A folder mixing the five corpus documents with every bad input; run once, then re-run."""
    root = tmp_path_factory.mktemp("lô hồ sơ")
    inputs = root / "đầu vào"
    inputs.mkdir()
    for prefix, name in GOOD_NAMES.items():
        dest = inputs / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_doc(prefix), dest)
    bad_dir = inputs / "hỏng"
    bad_dir.mkdir()
    expected_codes = {}
    for name, filename, code in BAD_INPUTS:
        make_bad_input(name, bad_dir, filename)
        expected_codes[f"hỏng/{filename}"] = code
        if name == "symlink_loop":  # the loop's other link is an input too
            expected_codes[f"hỏng/{filename}.vòng"] = code
    if not running_as_root():
        locked = bad_dir / "không đọc được.txt"
        locked.write_text("Nghị quyết số 1-NQ/TU", encoding="utf-8")
        os.chmod(locked, 0)
        expected_codes["hỏng/không đọc được.txt"] = "E002"
    out = root / "kết quả"
    first = run([inputs], out, workers=1)
    second = run([inputs], out, workers=1)
    forced = run([inputs], out, workers=1, force=True)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {"out": out, "first": first, "second": second, "forced": forced, "codes": expected_codes,
            "manifest": manifest}


def _rows(result) -> dict[str, dict]:
    return {r["doc"]: r for r in result.manifest["inputs"]}


def test_run_json_lists_every_bad_input_with_its_code(batch):
    rows = {r["doc"]: r for r in batch["manifest"]["inputs"]}
    for doc, code in batch["codes"].items():
        assert doc in rows, f"{doc} missing from run.json"
        assert rows[doc]["status"] == "error"
        assert rows[doc]["error"]["code"] == code, doc
        assert rows[doc]["error"]["message"]


@pytest.mark.parametrize("name", sorted(GOOD_NAMES.values()))
def test_every_good_input_is_processed_with_its_document_json(batch, name):
    row = _rows(batch["first"])[name]
    assert row["status"] == "ok" and row["error"] is None
    path = batch["out"] / "documents" / doc_filename(name)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert TOP_LEVEL_KEYS <= set(doc)
    assert doc["doc"] == name and doc["status"] == "ok" and doc["error"] is None
    assert doc["metadata"]["kind"]["status"] == "FOUND"


def test_counts_add_up(batch):
    c = batch["first"].manifest["counts"]
    assert c["ok"] == len(GOOD_NAMES)
    assert c["error"] == len(batch["codes"])
    assert c["inputs"] == c["ok"] + c["error"] + c["skipped"]


def test_rerun_uses_the_cache(batch):
    rows = _rows(batch["second"])
    for name in GOOD_NAMES.values():
        assert rows[name]["cached"] is True, name
    assert batch["second"].manifest["counts"]["cached"] == len(GOOD_NAMES)
    # errors are never cached: they are re-examined (the file may have been fixed)
    for doc in batch["codes"]:
        assert rows[doc]["status"] == "error"


def test_force_redoes_every_document(batch):
    rows = _rows(batch["forced"])
    assert not any(r.get("cached") for r in rows.values())
    assert batch["forced"].manifest["counts"]["ok"] == len(GOOD_NAMES)


def test_manifest_lists_the_normalisation_steps(batch):
    from extractors.normalize import DEFAULT_STEPS

    steps = [s["name"] for s in batch["manifest"]["normalization_steps"]]
    assert steps == [s.name for s in DEFAULT_STEPS]


def test_documents_json_of_first_and_forced_runs_agree(batch):
    """The cache gives back what the analysis gave."""
    a = {d["doc"]: d["metadata"] for d in batch["first"].documents}
    b = {d["doc"]: d["metadata"] for d in batch["forced"].documents}
    assert a == b


# --- CLI ---------------------------------------------------------------------------

def test_cli_extract_prints_one_json_object_per_line(tmp_path):
    files = [str(p) for p in CORPUS[:3]]
    bad = make_bad_input("empty", tmp_path, "rỗng.txt")
    result = CliRunner().invoke(app, ["extract", *files, str(bad)])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 4
    objs = [json.loads(ln) for ln in lines]
    assert [o["doc"] for o in objs] == [Path(f).name for f in files] + ["rỗng.txt"]
    for o in objs[:3]:
        assert TOP_LEVEL_KEYS <= set(o) and o["status"] == "ok"
    assert objs[3]["status"] == "error" and objs[3]["error"]["code"] == "E003"


def test_cli_extract_dates_are_iso_strings(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(corpus_doc("003"))])
    obj = json.loads(result.stdout.splitlines()[0])
    assert obj["metadata"]["date"]["value"] == "2021-05-23"


def test_every_step_of_analyse_is_timed():
    """The benchmark's "MB/s per core" sums these: a step left untimed would flatter it."""
    from pipeline.analyse import EXTRACTORS, analyse

    timings = analyse(corpus_doc("000"))["timings"]
    steps = {"ingest", "normalize", "segment", "links", "document"} | {key for key, _, _ in EXTRACTORS}
    assert set(timings) == steps
    assert all(secs >= 0 for secs in timings.values())


@pytest.mark.parametrize("doc", [
    {"doc": "a.txt", "status": "ok", "bodies": [{"text": "Sở Y tế", "start": 3}], "text": "Điều 1. \"Sở\"\n\t"},
    {"doc": "a.txt", "text": "the text first", "status": "ok"},  # not last: serialised whole
    {"text": ""},
    {"doc": "a.txt", "status": "ok"},  # no text at all
])
def test_document_bytes_equal_serialising_the_document_whole(doc):
    from pipeline.runner import _document_bytes
    from pipeline.store import json_bytes

    slim, whole = _document_bytes(doc)
    assert whole == json_bytes(doc)
    assert slim == json_bytes({k: v for k, v in doc.items() if k != "text"})


def test_document_bytes_of_a_real_document():
    from pipeline.analyse import analyse
    from pipeline.runner import _document_bytes
    from pipeline.store import json_bytes

    doc = analyse(corpus_doc("001"))
    doc.pop("timings")
    assert _document_bytes(doc)[1] == json_bytes(doc)
