"""The Python API: one document, a corpus run, and loading a finished run without recomputing."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import api
from pipeline.api import analyse_file, analyse_text, load_documents, load_manifest, load_tables, records, run_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpora"

DRAFT = """KẾ HOẠCH
Thực hiện Chỉ thị số 18-CT/TW

Căn cứ Chỉ thị số 18-CT/TW ngày 26/10/2022 của Ban Bí thư;

Phấn đấu đến năm 2030, 95% hộ dân sử dụng nước sạch.
Sở Y tế chủ trì, hoàn thành trước ngày 31/12/2025.
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A finished run over two small documents (one of the bundled corpus would be slower)."""
    tmp = tmp_path_factory.mktemp("api")
    (tmp / "in").mkdir()
    (tmp / "in" / "a.txt").write_text(DRAFT, encoding="utf-8")
    (tmp / "in" / "b.txt").write_text(DRAFT.replace("2030", "2035").replace("18-CT/TW ngày 26/10/2022", "18-CT/TW ngày 27/10/2022"),
                                      encoding="utf-8")
    tables = run_corpus(tmp / "in", out=tmp / "out", workers=1)
    return tmp, tables


def test_analyse_text_offsets_point_into_the_text():
    d = analyse_text(DRAFT, doc_id="draft")
    assert d["doc"] == "draft" and d["status"] == "ok"
    for kind in api.RECORD_KINDS:
        for r in d.get(kind, []):
            if "start" in r and "text" in r:
                assert d["text"][r["start"]:r["end"]] == r["text"], (kind, r)
    assert [c["symbol"] for c in d["citations"]][:1] == ["18-CT/TW"]


def test_analyse_file_equals_analyse_text(tmp_path):
    p = tmp_path / "draft.txt"
    p.write_text(DRAFT, encoding="utf-8")
    from_file, from_text = analyse_file(p), analyse_text(DRAFT, doc_id="draft.txt")
    for key in ("metadata", "citations", "targets", "deadlines"):
        assert from_file[key] == from_text[key], key


def test_analyse_file_reports_an_unreadable_file_instead_of_raising(tmp_path):
    d = analyse_file(tmp_path / "nope.txt")
    assert d["status"] == "error" and d["error"]["code"] == "E001"


def test_records_gives_one_row_per_record():
    d = analyse_text(DRAFT, doc_id="x")
    df = records(d, "citations")
    assert len(df) == len(d["citations"]) and set(df["doc"]) == {"x"}
    assert records(d, "no_such_kind").empty


def test_run_corpus_returns_the_tables(run_dir):
    _, tables = run_dir
    for name in ("documents", "sections", "citations", "targets", "deadlines"):
        assert isinstance(tables[name], pd.DataFrame), name
    assert tables["documents"]["doc"].tolist() == ["a.txt", "b.txt"]
    assert set(tables["citations"]["symbol"]) >= {"18-CT/TW"}


def test_load_tables_equals_the_run_without_recomputing(run_dir, monkeypatch):
    tmp, tables = run_dir
    # loading must not analyse anything
    monkeypatch.setattr("pipeline.analyse.analyse", lambda *a, **k: pytest.fail("recomputed"))
    loaded = load_tables(tmp / "out")
    assert set(loaded) == set(tables)
    pd.testing.assert_frame_equal(loaded["documents"], tables["documents"])
    assert load_tables(tmp / "out", names=["citations"]).keys() == {"citations"}


def test_load_tables_decodes_nested_values(run_dir):
    tmp, _ = run_dir
    decoded = load_tables(tmp / "out", names=["targets"])["targets"]
    raw = load_tables(tmp / "out", names=["targets"], decode=False)["targets"]
    assert all(isinstance(t, list) for t in decoded["topics"])
    assert all(isinstance(t, str) for t in raw["topics"])


@pytest.mark.parametrize("values, decoded", [
    (['["a"]', '{"k": 1}', None], True),            # every value JSON: decode
    (['[1] Chú thích', '["a"]'], False),             # a footnote-like text starting with "[": keep text
    (['[not json]'], False),                         # looks like JSON, is not: keep text
    (["plain", "text"], False),
])
def test_decode_json_columns(values, decoded):
    df = api._decode_json_columns(pd.DataFrame({"c": pd.Series(values, dtype=object)}))
    assert any(isinstance(v, (list, dict)) for v in df["c"]) is decoded
    assert len(df) == len(values)


def test_load_documents_and_manifest(run_dir):
    tmp, _ = run_dir
    docs = load_documents(tmp / "out")
    assert [d["doc"] for d in docs] == ["a.txt", "b.txt"]
    manifest = load_manifest(tmp / "out")
    assert manifest["counts"]["ok"] == 2


def test_a_second_run_comes_from_the_cache(run_dir):
    tmp, _ = run_dir
    run_corpus(str(tmp / "in"), out=tmp / "out", workers=1)
    assert load_manifest(tmp / "out")["counts"]["cached"] == 2


def test_load_tables_of_a_folder_without_a_run_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="run_corpus"):
        load_tables(tmp_path)


def test_run_corpus_writes_under_vnpolicy_out(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    shutil.copy(CORPUS / "001_03820004599efee5.txt", tmp_path / "in")
    monkeypatch.setenv("VNPOLICY_OUT", str(tmp_path / "env_out"))
    tables = run_corpus([tmp_path / "in"], workers=1)
    assert (tmp_path / "env_out" / "run.json").exists()
    assert json.loads((tmp_path / "env_out" / "run.json").read_text(encoding="utf-8"))["counts"]["ok"] == 1
    assert len(tables["documents"]) == 1
