"""The table store (tables on disk, a file per column) and the out-of-core corpus build that uses it."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.tablestore import TableStore, count_rows, read_table, table_columns

REPO = Path(__file__).resolve().parents[2]

# Frames as the corpus stages make them: Arrow text, ints, floats with NaN, bools mixed
# with NaN (object), mixed objects, a placeholder without columns, no rows, a non-default index.
FRAMES = {
    "typed": pd.DataFrame({"doc": ["a.txt", "b.txt", None], "start": [0, 5, 9], "value": [1.5, np.nan, 3.0]}),
    "bool_with_missing": pd.DataFrame({"self": [True, np.nan, False]}),
    "mixed_objects": pd.DataFrame({"v": [1, "một", None, 2.5]}),
    "placeholder": pd.DataFrame(),
    "no_rows": pd.DataFrame([], columns=["doc", "key"]),
    "vietnamese": pd.DataFrame({"body": ["Ủy ban MTTQ", "Sở Nội vụ"], "mentions": ['[{"doc":"a"}]', "[]"]}),
    "sorted_index": pd.DataFrame({"k": ["b", "a"]}, index=[7, 3]),
}


@pytest.mark.parametrize("name", list(FRAMES))
def test_a_stored_table_reads_back_as_the_very_frame(tmp_path, name):
    store = TableStore(tmp_path)
    store[name] = FRAMES[name]
    pd.testing.assert_frame_equal(store[name], FRAMES[name], check_exact=True)
    assert store.rows(name) == len(FRAMES[name]) and store.columns(name) == list(FRAMES[name].columns)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.integers(-2**40, 2**40),
                          st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=5))), max_size=20))
def test_any_rows_round_trip(tmp_path_factory, rows):
    store = TableStore(tmp_path_factory.mktemp("store"))
    df = pd.DataFrame(rows, columns=["text", "n", "mixed"])
    store["t"] = df
    pd.testing.assert_frame_equal(store["t"], df, check_exact=True)


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_a_table_is_stored_and_read_a_chunk_of_rows_at_a_time(tmp_path, monkeypatch, chunk):
    import pipeline.tablestore as tablestore

    monkeypatch.setattr(tablestore, "CHUNK_ROWS", chunk)
    store = TableStore(tmp_path)
    for name in ("typed", "mixed_objects", "sorted_index", "no_rows", "placeholder"):
        store[name] = FRAMES[name]
        parts = list(store.frames(name))
        assert parts and all(len(p) <= max(chunk, 1) for p in parts)
        pd.testing.assert_frame_equal(pd.concat(parts) if len(parts) > 1 else parts[0], FRAMES[name], check_exact=True)
        pd.testing.assert_frame_equal(store[name], FRAMES[name], check_exact=True)
    parts = list(store.frames("typed", ["value"]))
    assert [list(p.columns) for p in parts] == [["value"]] * len(parts)


def test_only_the_columns_asked_for_are_read(tmp_path):
    store = TableStore(tmp_path)
    store["typed"] = FRAMES["typed"]
    part = store.frame("typed", ["value", "missing", "doc"])
    assert list(part.columns) == ["value", "doc"]  # in the order asked; an absent column is left out
    pd.testing.assert_frame_equal(part, FRAMES["typed"][["value", "doc"]], check_exact=True)
    assert list(read_table(store, "typed", ["start"]).columns) == ["start"]
    # from a dict the frame comes whole, and the helpers agree with the store's
    tables = {"typed": FRAMES["typed"]}
    assert read_table(tables, "typed", ["start"]) is FRAMES["typed"]
    assert count_rows(tables, "typed") == count_rows(store, "typed") == 3
    assert table_columns(tables, "typed") == table_columns(store, "typed") == ["doc", "start", "value"]
    assert read_table(store, "absent") is None and count_rows(store, "absent") == 0 and table_columns(store, "absent") == []


def test_tables_keep_their_order_like_a_dict(tmp_path):
    store, plain = TableStore(tmp_path), {}
    for target in (store, plain):
        target["documents"] = FRAMES["typed"]
        target["bodies"] = FRAMES["placeholder"]
        target["registry"] = FRAMES["vietnamese"]
        target["bodies"] = FRAMES["typed"]  # replaced in place
    assert list(store) == list(plain) == ["documents", "bodies", "registry"]
    pd.testing.assert_frame_equal(store["bodies"], FRAMES["typed"])
    del store["documents"]
    assert list(store) == ["bodies", "registry"] and "documents" not in store and len(store) == 2
    with pytest.raises(KeyError):
        store["documents"]
    assert store.get("documents") is None


@pytest.mark.parametrize("name", ["", "../x", ".hidden", "a/b"])
def test_a_name_that_is_not_a_folder_name_is_refused(tmp_path, name):
    with pytest.raises(ValueError):
        TableStore(tmp_path)[name] = FRAMES["typed"]


def test_a_second_store_on_the_same_folder_sees_the_tables(tmp_path):
    TableStore(tmp_path)["typed"] = FRAMES["typed"]  # as a stage process sees what the one before wrote
    pd.testing.assert_frame_equal(TableStore(tmp_path)["typed"], FRAMES["typed"])


# --- the out-of-core build gives the outputs of the in-memory one ---------------------------

GENERATED = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d")  # the site's "generated at" line


def _outputs(out: Path) -> dict[str, object]:
    """Every corpus output of a run, in a comparable form."""
    found: dict[str, object] = {}
    for p in sorted((out / "tables").glob("*.csv")):
        found[f"tables/{p.name}"] = p.read_bytes()
    for p in sorted((out / "site").iterdir()):
        found[f"site/{p.name}"] = GENERATED.sub(b"", p.read_bytes())
    for p in sorted((out / "exports").glob("*.md")):
        found[f"exports/{p.name}"] = p.read_bytes()
    found["calendar.ics"] = [line for line in (out / "calendar.ics").read_text(encoding="utf-8").splitlines()
                             if not line.startswith("DTSTAMP")]
    con = sqlite3.connect(out / "corpus.sqlite")
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'search%' AND name != 'inputs' ORDER BY name")]
        for name in names:
            found[f"db/{name}"] = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        found["db/search"] = con.execute("SELECT rowid FROM search WHERE search MATCH '\"nghi quyet\"' "
                                         "ORDER BY rank").fetchall()
    finally:
        con.close()
    return found


def test_out_of_core_corpus_stages_give_the_same_outputs(tmp_path, monkeypatch):
    import pipeline.corpus as corpus
    import pipeline.tablestore as tablestore
    from pipeline.runner import run

    in_memory = run([REPO / "corpora"], tmp_path / "memory", workers=1)
    monkeypatch.setattr(corpus, "OUT_OF_CORE_DOCUMENTS", 1)
    # tables stored and read in chunks of a few rows, here and in the stage processes
    monkeypatch.setattr(tablestore, "CHUNK_ROWS", 7)
    monkeypatch.setenv("VNPOLICY_TABLE_CHUNK_ROWS", "7")
    out_of_core = run([REPO / "corpora"], tmp_path / "disk", workers=1)
    assert set(out_of_core.manifest["timings"]["corpus_stages"]) >= {"tables", "crossref", "database", "site",
                                                                      "store_tables"}
    a, b = _outputs(tmp_path / "memory"), _outputs(tmp_path / "disk")
    assert a.keys() == b.keys() and len([k for k in a if k.startswith("site/")]) > 5
    assert [k for k in a if a[k] != b[k]] == []
    assert in_memory.manifest["counts"] == out_of_core.manifest["counts"]
    assert not list((tmp_path / "disk").glob(corpus.WORK_PREFIX + "*"))  # the tables folder is removed


def test_leftover_tables_of_an_interrupted_build_are_removed(tmp_path):
    import pipeline.corpus as corpus

    leftover = tmp_path / f"{corpus.WORK_PREFIX}dead"
    TableStore(leftover)["typed"] = FRAMES["typed"]
    corpus.build_corpus_outputs([], tmp_path, [])
    assert not leftover.exists()


def test_tables_gathered_into_a_store_by_worker_processes_are_the_tables(corpus_run, tmp_path, monkeypatch):
    import pipeline.corpus as corpus

    docs = corpus_run.documents
    expected = corpus.build_tables(docs, skip=("bodies",), workers=1)
    monkeypatch.setattr(corpus, "CHUNK_DOCUMENTS", 2)  # several parts, joined
    store = TableStore(tmp_path / "tables")
    corpus._tables_into(store, docs, ("bodies",))
    assert list(store) == list(expected)
    for name, df in expected.items():
        pd.testing.assert_frame_equal(store[name], df, check_exact=True, obj=name)
    assert not (tmp_path / "parts").exists()


# ---------------------------------------------------------------- table parts kept between runs

IDS = [f"xa-{i:04d}.txt" for i in range(600)]


def _chunks(ids: list[str], chunk: int) -> list[tuple[str, ...]]:
    import pipeline.corpus as corpus

    return [tuple(ids[a:b]) for a, b in corpus._chunk_spans(ids, chunk)]


@pytest.mark.parametrize("chunk", [1, 2, 7, 20, 200])
def test_chunks_cover_the_documents_in_order_and_are_never_over_full(chunk):
    chunks = _chunks(IDS, chunk)
    assert [d for c in chunks for d in c] == IDS
    assert all(0 < len(c) <= chunk for c in chunks)


@pytest.mark.parametrize("change", [
    ("insert", 0), ("insert", 300), ("insert", 599), ("remove", 0), ("remove", 301), ("remove", 599),
])
def test_a_document_added_or_removed_changes_few_chunks(change):
    """Chunks end where their ids say: a change moves the chunk it falls in (two, when the id
    ended a chunk), and the chunks after it only while they are cut for being full, up to the
    next end an id sets; cutting every ``chunk`` documents would move every chunk after the
    change (checked too, as the must-not row)."""
    what, at = change
    ids = IDS[:at] + ["xa-moi.txt"] + IDS[at:] if what == "insert" else IDS[:at] + IDS[at + 1:]
    before, after = set(_chunks(IDS, 20)), _chunks(ids, 20)
    moved = [i for i, c in enumerate(after) if c not in before]
    assert moved and moved == list(range(moved[0], moved[-1] + 1))  # one run of chunks
    assert len([i for i in moved if len(after[i]) < 20]) <= 2  # the rest were cut for being full
    assert len(moved) < len(after) // 4
    fixed_before = {tuple(IDS[i:i + 20]) for i in range(0, len(IDS), 20)}
    fixed_after = [tuple(ids[i:i + 20]) for i in range(0, len(ids), 20)]
    if at < 500:  # the fixed cut moves every chunk after the change
        assert len([c for c in fixed_after if c not in fixed_before]) > 5


def test_a_rerun_gathers_again_only_the_changed_chunk(tmp_path, monkeypatch):
    """Out of core, a run keeps its table parts; after one file changed, the re-run gathers the
    rows of that file's chunk only, and its tables are those of a fresh run."""
    import shutil

    import pipeline.corpus as corpus
    from pipeline.api import load_tables
    from pipeline.runner import run

    monkeypatch.setattr(corpus, "OUT_OF_CORE_DOCUMENTS", 1)
    monkeypatch.setattr(corpus, "CHUNK_DOCUMENTS", 2)  # chunks of one or two documents
    src = tmp_path / "corpus"
    shutil.copytree(REPO / "corpora", src)
    out = tmp_path / "out"
    run([src], out, workers=1)
    parts = out / corpus.PARTS_CACHE

    def done() -> dict[str, int]:
        return {p.name: (p / corpus._PART_DONE).stat().st_mtime_ns for p in parts.iterdir()}

    first = done()
    assert len(first) >= 3
    changed = sorted(src.glob("*.txt"))[2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nPhấn đấu đến năm 2030, 100% xã có mô hình mới.\n",
                       encoding="utf-8")
    run([src], out, workers=1)
    second = done()
    assert len(set(second) - set(first)) == 1 and len(set(first) - set(second)) == 1  # one part replaced, removed
    assert all(second[name] == first[name] for name in set(first) & set(second))  # the others not gathered again
    fresh = tmp_path / "fresh"
    run([src], fresh, workers=1)
    a, b = load_tables(out), load_tables(fresh)
    assert list(a) == list(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
