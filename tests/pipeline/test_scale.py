"""Scale: parallel per-document stages, deterministic output, the incremental cache, bounded memory.

The corpora here are small synthetic ones (``benchmarks/generate.py``, cut
short) so that each run takes seconds; ``make bench`` measures real sizes.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from pipeline import runner
from pipeline.runner import DocumentSet, load_text, run
from pipeline.store import doc_filename

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from generate import synthetic  # noqa: E402

OLD = time.time() - 3600  # older than the index's racy-mtime margin


def small_corpus(folder: Path, n: int = 6, chars: int = 5000) -> Path:
    """``n`` synthetic documents of about ``chars`` characters, with old mtimes."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name, text = synthetic(i)
        p = folder / name
        p.write_text(text[:chars], encoding="utf-8")
        os.utime(p, (OLD, OLD))
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    """Every deterministic output of a run: per-document JSON and the tables."""
    files = sorted((out / "documents").glob("*.json")) + sorted((out / "tables").glob("*.csv"))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / "documents").glob("*.json")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return small_corpus(tmp_path_factory.mktemp("scale") / "corpus")


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory) -> tuple[Path, runner.RunResult]:
    out = tmp_path_factory.mktemp("serial")
    return out, run([corpus], out, workers=1)


def test_same_outputs_whatever_the_number_of_workers(corpus, serial, tmp_path):
    out1, r1 = serial
    r2 = run([corpus], tmp_path, workers=2)
    assert r1.manifest["counts"]["ok"] == r2.manifest["counts"]["ok"] == 6
    a, b = snapshot(out1), snapshot(tmp_path)
    assert a.keys() == b.keys() and any(k.startswith("tables/") for k in a)
    assert [k for k in a if a[k] != b[k]] == []
    assert [r["doc"] for r in r1.manifest["inputs"]] == [r["doc"] for r in r2.manifest["inputs"]]


def test_documents_are_kept_without_their_text(serial):
    out, result = serial
    assert isinstance(result.documents, DocumentSet) and len(result.documents) == 6
    for d in result.documents:
        assert "text" not in dict(d)
        full = json.loads((out / "documents" / doc_filename(d["doc"])).read_text(encoding="utf-8"))
        assert load_text(out, d) == load_text(out, d["doc"]) == full["text"]
        assert d.get("text") == d["text"] == full["text"]  # for consumers that still read d["text"]
        assert {k: v for k, v in full.items() if k != "text"} == dict(d)
        for c in d.get("citations") or []:
            assert full["text"][c["start"]:c["end"]] == c["text"]


def test_rerun_with_nothing_changed_reads_and_writes_nothing(corpus, tmp_path, monkeypatch):
    first = run([corpus], tmp_path, workers=1)
    before = mtimes(tmp_path)
    tables_before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "tables").iterdir()}

    def no_hashing(*a, **k):  # unchanged size and mtime: the file is not read again
        raise AssertionError("an unchanged file was read and hashed again")

    monkeypatch.setattr(runner, "_file_key", no_hashing)
    again = run([corpus], tmp_path, workers=1)
    c = again.manifest["counts"]
    assert (c["cached"], c["analysed"]) == (6, 0)
    assert mtimes(tmp_path) == before  # documents/*.json not rewritten
    assert again.manifest["timings"]["corpus_stages_skipped"] is True
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "tables").iterdir()} == tables_before
    assert again.manifest["seconds"] < 0.05 * first.manifest["seconds"] + 0.5
    assert [r["chars"] for r in again.manifest["inputs"]] == [r["chars"] for r in first.manifest["inputs"]]


def test_a_changed_file_is_the_only_one_analysed_and_corpus_stages_rerun(corpus, tmp_path):
    src = tmp_path / "corpus"
    small_corpus(src)
    run([src], tmp_path / "out", workers=1)
    victim = sorted(src.glob("*.txt"))[2]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nPhấn đấu 100% xã đạt chuẩn nông thôn mới.\n",
                      encoding="utf-8")
    before = mtimes(tmp_path / "out")
    r = run([src], tmp_path / "out", workers=1)
    c = r.manifest["counts"]
    assert (c["analysed"], c["cached"]) == (1, 5)
    assert r.manifest["timings"]["corpus_stages_skipped"] is False
    changed = {k for k, v in mtimes(tmp_path / "out").items() if before.get(k) != v}
    assert changed == {doc_filename(victim.name)}
    assert "nông thôn mới" in load_text(tmp_path / "out", victim.name)


def test_force_redoes_everything(corpus, tmp_path):
    run([corpus], tmp_path, workers=1)
    r = run([corpus], tmp_path, workers=1, force=True)
    assert (r.manifest["counts"]["analysed"], r.manifest["counts"]["cached"]) == (6, 0)
    assert r.manifest["timings"]["corpus_stages_skipped"] is False


def test_changed_code_invalidates_the_cache(corpus, tmp_path, monkeypatch):
    run([corpus], tmp_path, workers=1, corpus_stages=False)
    monkeypatch.setattr(runner, "code_version", lambda: "0.1.0+edited-extractor")
    r = run([corpus], tmp_path, workers=1, corpus_stages=False)
    assert r.manifest["counts"]["analysed"] == 6


def test_missing_document_file_is_rewritten_from_the_cache_without_analysis(corpus, tmp_path, monkeypatch):
    first = run([corpus], tmp_path, workers=1, corpus_stages=False)
    target = tmp_path / "documents" / doc_filename(first.documents[0]["doc"])
    good = target.read_bytes()
    target.unlink()
    (tmp_path / "documents" / doc_filename(first.documents[1]["doc"])).write_text("{ half a file")

    def no_analysis(task):
        raise AssertionError(f"{task.doc_id} was analysed again")

    monkeypatch.setattr(runner, "analyse_task", no_analysis)
    r = run([corpus], tmp_path, workers=1, corpus_stages=False)
    assert (r.manifest["counts"]["analysed"], r.manifest["counts"]["cached"]) == (0, 6)
    assert target.read_bytes() == good
    json.loads((tmp_path / "documents" / doc_filename(first.documents[1]["doc"])).read_bytes())


def test_a_damaged_cache_entry_is_recomputed(corpus, tmp_path):
    first = run([corpus], tmp_path, workers=1, corpus_stages=False)
    entries = first.documents._entries
    (tmp_path / ".cache" / f"{entries[0].key}.json").write_text("{ not json")  # its documents/ file is gone too
    (tmp_path / "documents" / doc_filename(entries[0].doc_id)).unlink()
    (tmp_path / ".cache" / f"{entries[1].key}.json").write_text("{ not json")  # its documents/ file is fine
    r = run([corpus], tmp_path, workers=1)
    assert r.manifest["counts"]["ok"] == 6
    assert len(r.documents) == 6 and [d["doc"] for d in r.documents] == [e.doc_id for e in entries]
    assert all(json.loads(p.read_bytes()) for p in (tmp_path / "documents").glob("*.json"))
    assert all(json.loads(p.read_bytes()) for p in (tmp_path / ".cache").glob("*.json"))


def test_documents_of_removed_inputs_are_removed(tmp_path):
    src = small_corpus(tmp_path / "corpus", n=3)
    run([src], tmp_path / "out", workers=1, corpus_stages=False)
    gone = sorted(src.glob("*.txt"))[0]
    gone.unlink()
    r = run([src], tmp_path / "out", workers=1, corpus_stages=False)
    assert r.manifest["counts"]["ok"] == 2
    assert not (tmp_path / "out" / "documents" / doc_filename(gone.name)).exists()


def test_a_worker_that_dies_costs_only_its_document(tmp_path, monkeypatch):
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the crash is injected by patching the parent before workers fork")
    src = small_corpus(tmp_path / "corpus", n=5, chars=1500)
    victim = sorted(src.glob("*.txt"))[1].name
    real = runner.analyse_task

    def crash_on_victim(task):
        if task.doc_id == victim:
            os._exit(3)  # what a segfault in a C extension or the OOM killer looks like
        return real(task)

    monkeypatch.setattr(runner, "analyse_task", crash_on_victim)
    r = run([src], tmp_path / "out", workers=2, corpus_stages=False)
    rows = {row["doc"]: row for row in r.manifest["inputs"]}
    assert rows[victim]["status"] == "error" and rows[victim]["error"]["code"] == "E020"
    assert sum(row["status"] == "ok" for row in rows.values()) == 4


def test_stale_temporary_files_are_cleaned(corpus, tmp_path):
    run([corpus], tmp_path, workers=1, corpus_stages=False)
    junk = tmp_path / "documents" / ".x.json.abc123.tmp"
    junk.write_text("half")
    run([corpus], tmp_path, workers=1, corpus_stages=False)
    assert not junk.exists()


def test_streamed_and_kept_documents_are_the_same(serial):
    out, result = serial
    streamed = DocumentSet(out, result.documents._entries, budget=0)
    assert [dict(d) for d in streamed] == [dict(d) for d in result.documents]
    assert streamed._pinned == {}
    assert dict(result.documents[-1]) == dict(streamed[len(streamed) - 1])


def test_corpus_outputs_removed_by_make_clean_are_rebuilt(corpus, tmp_path):
    import shutil

    run([corpus], tmp_path, workers=1)
    shutil.rmtree(tmp_path / "tables")
    (tmp_path / "run.json").unlink()
    r = run([corpus], tmp_path, workers=1)
    assert r.manifest["counts"]["analysed"] == 0
    assert r.manifest["timings"]["corpus_stages_skipped"] is False
    assert (tmp_path / "tables").is_dir()


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_tables_do_not_depend_on_the_chunk_size(corpus_run, chunk):
    """Tables gathered a few documents at a time equal those of all documents at once
    (same columns in the same order, same dtypes, same values)."""
    import pandas as pd

    from pipeline.corpus import build_tables

    docs = list(corpus_run.documents)
    whole = build_tables(docs, chunk=len(docs) + 1)
    chunked = build_tables(docs, chunk=chunk)
    assert whole.keys() == chunked.keys()
    for name, df in whole.items():
        assert list(df.columns) == list(chunked[name].columns), name
        pd.testing.assert_frame_equal(df, chunked[name], check_exact=True, obj=name)
    assert len(whole["citations"]) > 100 and len(whole["targets"]) > 50


def test_texts_come_from_the_text_entries_or_else_the_document_files(corpus, tmp_path):
    docs = run([corpus], tmp_path, workers=1, corpus_stages=False).documents
    expected = [(doc, load_text(tmp_path, doc)) for doc in docs.ids]
    assert all(text for _, text in expected)
    assert list(docs.texts()) == expected
    entries = docs._entries
    assert all((tmp_path / ".cache" / f"{e.key}.txt").exists() for e in entries)
    (tmp_path / ".cache" / f"{entries[0].key}.txt").unlink()  # a cache written before text entries existed
    (tmp_path / ".cache" / f"{entries[1].key}.txt").write_bytes(b"\xff\xfe broken")
    assert list(docs.texts()) == expected


@pytest.mark.parametrize("table, column", [("assignments", "lead"), ("assignments", "support"),
                                           ("deadlines", "bounds"), ("targets", "topics")])
def test_nested_values_are_json_text_in_the_tables(corpus_run, table, column):
    """Lists and dicts become one JSON text per cell (one Arrow buffer per column, no Python
    objects left behind), and read back equal to the records they came from."""
    from pipeline.corpus import build_tables
    from pipeline.store import json_value

    docs = list(corpus_run.documents)
    df = build_tables(docs)[table]
    expected = [r.get(column) for d in docs for r in d.get(table) or []]
    assert len(df) == len(expected) and any(expected)
    assert df[column].dtype != object
    assert [json_value(v) if isinstance(v, str) else None for v in df[column].tolist()] == expected


def test_a_worker_is_readied_once_and_the_callers_process_is_left_alone(tmp_path):
    import gc
    import subprocess

    code = ("import gc; from pipeline.runner import prepare_worker, WORKER_GC_THRESHOLD; "
            "prepare_worker(); n = gc.get_freeze_count(); prepare_worker(); "
            "assert gc.get_threshold() == WORKER_GC_THRESHOLD and n > 10000 and gc.get_freeze_count() == n, n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
    before = gc.get_threshold()
    run([Path(__file__).resolve().parents[2] / "corpora"], tmp_path, workers=1, corpus_stages=False)
    assert gc.get_threshold() == before


def test_tables_gathered_by_worker_processes_are_the_same(corpus_run, monkeypatch):
    import pandas as pd

    import pipeline.corpus as corpus

    docs = corpus_run.documents
    serial = corpus.build_tables(docs, workers=1)
    monkeypatch.setattr(corpus, "PARALLEL_TABLE_DOCUMENTS", 2)
    parallel = corpus.build_tables(docs, workers=2, chunk=2)  # several chunks, in two spawned processes
    assert serial.keys() == parallel.keys()
    for name, df in serial.items():
        pd.testing.assert_frame_equal(df, parallel[name], check_exact=True, obj=name)


def test_the_warm_up_text_exercises_every_extractor_and_the_former_provinces():
    from extractors.ingest import RawDocument
    from pipeline.analyse import document_from_raw, extract_records

    text = runner.WARM_UP_TEXT
    doc, _ = document_from_raw(RawDocument(doc_id="w.txt", path="", format="txt", encoding="utf-8", sha256="",
                                           size=len(text), raw=text))
    records = extract_records(doc)
    empty = [kind for kind in ("citations", "targets", "assignments", "deadlines", "bodies") if not records.get(kind)]
    assert empty == []
    import subprocess

    code = ("from pipeline.runner import prepare_worker; from extractors import jurisdiction as j; "
            "prepare_worker(); assert j._former_provinces.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
