"""corpus.sqlite: the tables with indexes, and full-text search that ignores tone marks and đ."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from extractors.jurisdiction import fold
from pipeline.database import fts_query, paragraphs, search, write_database
from pipeline.runner import run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    # one shared output folder: later modules re-use the per-document cache
    out = tmp_path_factory.getbasetemp() / "corpus-run"
    result = run([REPO / "corpora"], out=out, workers=2)
    return out, {d["doc"]: d["text"] for d in result.documents}


def docs_containing(texts: dict[str, str], words: str) -> set[str]:
    """Documents whose folded text has the folded words in sequence (the truth the index must match)."""
    import regex

    pattern = regex.compile(r"\b" + r"\W+".join(map(regex.escape, fold(words).split())) + r"\b")
    return {doc for doc, text in texts.items() if pattern.search(fold(text))}


@pytest.mark.parametrize("query, marked", [
    ("giam sat", "giám sát"),
    ("Dang", "Đảng"),
    ("dang", "Đảng"),
    ("Ke Sat", "Kè Sắt"),
    ("Dien Bien", "Điện Biên"),
    ("Tuyen Quang", "Tuyên Quang"),
])
def test_search_without_marks_finds_the_right_documents(corpus_run, query, marked):
    out, texts = corpus_run
    hits = search(out / "corpus.sqlite", query, source="text", limit=100000)
    assert hits, query
    assert {h["doc"] for h in hits} == docs_containing(texts, query)
    assert any(marked in h["text"] for h in hits)
    for h in hits:  # every hit points at raw text that holds the words
        assert texts[h["doc"]][h["start"]:h["end"]] == h["text"]
        assert all(w in fold(h["text"]) for w in fold(query).split())


def test_search_is_selective(corpus_run):
    out, texts = corpus_run
    ke_sat = {h["doc"] for h in search(out / "corpus.sqlite", "Kè Sắt", limit=1000)}
    assert ke_sat and len(ke_sat) < len(texts)
    assert search(out / "corpus.sqlite", "xyzzyq plugh") == []
    assert search(out / "corpus.sqlite", "  \"*()  ") == []  # FTS syntax only: nothing to look for, no error


def test_citation_contexts_are_searchable(corpus_run):
    out, _ = corpus_run
    hits = search(out / "corpus.sqlite", "217-QĐ/TW", source="citation")
    assert hits and all(h["source"] == "citation" and h["ref"] for h in hits)
    assert any("217-QĐ/TW" in h["text"] for h in hits)


def test_tables_and_indexes_exist(corpus_run):
    out, texts = corpus_run
    con = sqlite3.connect(out / "corpus.sqlite")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        listed = dict(con.execute("SELECT name, rows FROM _tables").fetchall())
        for table in ("documents", "sections", "citations", "registry", "conflicts"):
            assert table in names
            assert listed[table] == con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        assert {"search", "texts", "inputs"} <= names
        assert {"ix_documents_doc", "ix_citations_doc", "ix_citations_key", "ix_registry_key"} <= indexes
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(texts)
        # nested values are JSON text
        mentions = con.execute("SELECT mentions FROM registry LIMIT 1").fetchone()[0]
        assert mentions.startswith("[")
        plan = " ".join(str(r) for r in con.execute("EXPLAIN QUERY PLAN SELECT * FROM citations WHERE key = 'x'"))
        assert "ix_citations_key" in plan
    finally:
        con.close()


def test_empty_tables_and_atomic_replace(tmp_path):
    import pandas as pd

    db = tmp_path / "c.sqlite"
    docs = [{"doc": "a", "text": "Giám sát của Đảng"}]
    write_database({"documents": pd.DataFrame([{"doc": "a"}]), "targets": pd.DataFrame()}, docs, db)
    write_database({"documents": pd.DataFrame([{"doc": "a"}]), "targets": pd.DataFrame()}, docs, db)  # replaces in place
    assert [h["doc"] for h in search(db, "giam sat cua dang")] == ["a"]
    assert [h["doc"] for h in search(db, "dang giam", mode="all")] == ["a"]
    assert search(db, "dang giam") == []  # a phrase: words in order
    assert not [p for p in tmp_path.iterdir() if p.name != "c.sqlite"]  # no temporary file left behind


@pytest.mark.parametrize("query, mode, expected", [
    ("giám sát", "phrase", '"giam sat"'),
    ("giám sát", "all", '"giam" "sat"'),
    ("ĐẢNG", "phrase", '"dang"'),
    ('a" OR b', "phrase", '"a or b"'),
    ("NEAR(x y)", "all", '"near" "x" "y"'),
    ("", "phrase", ""),
])
def test_fts_query_is_literal_and_folded(query, mode, expected):
    assert fts_query(query, mode) == expected


def test_paragraph_offsets_are_raw():
    text = "  Một\ndòng\n\n\nHai  \n"
    assert [(s, e, p) for s, e, p in paragraphs(text)] == [(2, 10, "Một\ndòng"), (13, 16, "Hai")]


def _fts_tokens(texts: list[str]) -> list[list[str]]:
    """The tokens SQLite's ``unicode61 remove_diacritics 2`` tokenizer makes of each text, in order."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
        con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        con.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", enumerate(texts))
        out: list[list[str]] = [[] for _ in texts]
        for row, term in con.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
            out[row].append(term)
        return out
    finally:
        con.close()


VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@pytest.mark.parametrize("text", [
    VOWELS, VOWELS.upper(), "Ban Thường vụ Tỉnh ủy", "Uỷ ban MTTQ khoá XV", "ĐẢNG BỘ TỈNH ĐIỆN BIÊN",
    "Quyết định số 217-QĐ/TW", "e\u0302\u0301 NFD input", "giám sát, phản biện xã hội",
])
def test_indexed_text_tokenises_like_fold(text):
    """The index keeps marks and lets the tokenizer strip them: its tokens must be those of ``fold``."""
    from pipeline.database import _fold

    assert _fts_tokens([_fold(text)]) == _fts_tokens([fold(text)])


def test_indexed_paragraphs_of_the_corpus_tokenise_like_fold():
    from extractors.ingest import ingest
    from pipeline.database import _fold

    paras = [p for f in sorted((REPO / "corpora").glob("*.txt")) for _, _, p in paragraphs(ingest(f).raw)]
    assert len(paras) > 500
    assert _fts_tokens([_fold(p) for p in paras]) == _fts_tokens([fold(p) for p in paras])


def test_tables_inserted_slice_by_slice_are_the_same(corpus_run, tmp_path, monkeypatch):
    import pipeline.database as database
    from pipeline.api import load_tables

    out, _ = corpus_run
    tables = load_tables(out, decode=False)

    def dump(path: Path) -> dict[str, list[tuple]]:
        con = sqlite3.connect(path)
        try:
            return {name: con.execute(f'SELECT * FROM "{name}"').fetchall() for name in [*tables, "passages"]}
        finally:
            con.close()

    write_database(tables, [], tmp_path / "whole.sqlite")
    monkeypatch.setattr(database, "INSERT_ROWS", 7)
    write_database(tables, [], tmp_path / "sliced.sqlite")
    whole = dump(tmp_path / "whole.sqlite")
    assert sum(len(v) for v in whole.values()) > 7 * 3  # several slices were needed
    assert len(whole["passages"]) > 7 * 3  # citation contexts, also inserted slice by slice
    assert dump(tmp_path / "sliced.sqlite") == whole
    hits = search(tmp_path / "sliced.sqlite", "Bộ Chính trị", source="citation", limit=1000)
    assert hits and hits == search(tmp_path / "whole.sqlite", "Bộ Chính trị", source="citation", limit=1000)


@pytest.mark.parametrize("lengths", [[], [5], [300, 1, 50, 60, 1], [1] * 25, [0, 0, 1000, 0], [99, 99, 99]])
def test_rows_are_inserted_in_slices_bounded_by_rows_and_text(monkeypatch, lengths):
    from pipeline import database

    monkeypatch.setattr(database, "INSERT_BYTES", 100)
    monkeypatch.setattr(database, "INSERT_ROWS", 4)
    df = pd.DataFrame({"text": ["x" * n for n in lengths], "n": range(len(lengths))})
    slices = list(database._row_slices(df))
    assert [i for lo, hi in slices for i in range(lo, hi)] == list(range(len(lengths)))  # every row once, in order
    for lo, hi in slices:
        assert 0 < hi - lo <= 4
        text = sum(lengths[lo:hi]) + 16 * (hi - lo)
        assert text <= 100 or hi - lo == 1  # only a row bigger than a slice is alone over the bound
