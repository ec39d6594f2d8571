"""database: the corpus tables in one SQLite file, with tone- and đ-folded full-text search.

``corpus.sqlite`` holds every table of the run (nested values as JSON text),
indexes on the columns people join and filter on, the raw ``texts`` of the
documents, and an FTS5 table ``search`` over paragraphs of the raw text and
over citation contexts.  The indexed column is *folded* (lower case, tone
marks stripped, đ → d) because Vietnamese users routinely type without marks;
the raw text and its raw offsets sit beside it, so a hit points back into
the document exactly.

>>> import tempfile, pandas as pd
>>> from pathlib import Path
>>> d = Path(tempfile.mkdtemp())
>>> docs = [{"doc": "a", "text": "Tăng cường giám sát của Đảng.\\n\\nNội dung khác."}]
>>> write_database({"documents": pd.DataFrame([{"doc": "a"}])}, docs, d / "c.sqlite")
>>> [(h["doc"], h["start"], h["text"]) for h in search(d / "c.sqlite", "giam sat")]
[('a', 0, 'Tăng cường giám sát của Đảng.')]
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
from itertools import chain, islice
from unicodedata import normalize as unicodedata_normalize
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd
import regex

from extractors.jurisdiction import fold

from .store import atomic_path, json_text
from .tablestore import frames_of, release_free_memory, row_spans

DB_NAME = "corpus.sqlite"
# Columns worth an index wherever a table has them: documents are joined on
# ``doc``, citations on ``key``, bodies on their canonical name.
INDEX_COLUMNS = ("doc", "doc_id", "key", "symbol", "corpus_doc", "canonical", "topic", "province", "kind", "status")
# A paragraph is a block between blank lines; long blocks stay whole, because
# a hit reports raw offsets anyway.
# (Lines are consumed whole: ``[^\n]*`` runs, where a per-character alternation crawls.)
RE_PARAGRAPH = regex.compile(r"\S[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", regex.V1)
# SQLite's page cache while the database is built (KiB).
CACHE_KIB = 64 * 1024
# Rows converted to Python values and inserted at a time (bounds the memory a big table takes).
INSERT_ROWS = 20_000
# ... and about this many characters of text (see _row_slices).
INSERT_BYTES = 16 * 1024 * 1024
# FTS5 treats these as syntax; a user query is always matched literally.
RE_QUERY_TOKEN = regex.compile(r"[\p{L}\p{N}]+")


def database_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out: Path, inputs) -> None:
    """Output stage: ``out/corpus.sqlite``."""
    write_database(tables, documents, Path(out) / DB_NAME, inputs)


def write_database(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], path: str | os.PathLike[str],
                   inputs: Iterable[dict[str, Any]] | None = None) -> None:
    """Build the database in a temporary file beside ``path``, then move it into place."""
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            _fill(con, tables, documents, list(inputs or []))
            con.commit()
        finally:
            con.close()


def _fill(con: sqlite3.Connection, tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]],
          inputs: list[dict[str, Any]]) -> None:
    # A temporary file, moved into place only once complete: no journal, no syncs.
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    # A national corpus's database is gigabytes: with SQLite's default 2 MB of page cache,
    # the full-text index's merges read back from disk the pages they had just written.
    con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    con.execute("CREATE TABLE _tables (name TEXT PRIMARY KEY, rows INTEGER, columns TEXT)")
    for name in list(tables):  # one table, a chunk of its rows, at a time when they are read from disk
        _write_table(con, name, frames_of(tables, name))
        release_free_memory()
    if inputs:
        _write_table(con, "inputs", pd.DataFrame(inputs))
    con.execute("CREATE TABLE texts (doc TEXT PRIMARY KEY, text TEXT NOT NULL)")
    # The passages are stored once, in ``passages``; ``search`` indexes their folded ``body``
    # and reads every other column from ``passages_folded`` (FTS5 "external content":
    # a full-text table that kept its own copy held the text twice, body and raw).
    # The view's ``body`` only folds đ; the indexed one is also in NFC (see _fold): they
    # differ only for text not in NFC, and only highlight() or a 'rebuild' would read the view's.
    con.execute("CREATE TABLE passages (id INTEGER PRIMARY KEY, text TEXT, doc TEXT, source TEXT, "
                "start INTEGER, end INTEGER, ref TEXT)")
    con.execute("CREATE VIEW passages_folded AS SELECT id, replace(replace(text, 'đ', 'd'), 'Đ', 'D') AS body, "
                "text, doc, source, start, end, ref FROM passages")
    con.execute(
        "CREATE VIRTUAL TABLE search USING fts5("
        "body, text UNINDEXED, doc UNINDEXED, source UNINDEXED, start UNINDEXED, end UNINDEXED, ref UNINDEXED, "
        "content = 'passages_folded', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')"
    )
    # One document's text at a time: its row in ``texts`` and its paragraphs in ``search``.
    passages = _Passages(con)
    for doc, text in _texts(documents):
        con.execute("INSERT INTO texts VALUES (?, ?)", (doc, text))
        passages.add(_paragraph_rows(doc, text))
    passages.add(_citation_rows(tables))


class _Passages:
    """Rows ``(body, text, doc, source, start, end, ref)`` into ``passages`` and the index ``search``."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.last = 0

    def add(self, rows: Iterable[tuple]) -> None:
        rows = iter(rows)
        while batch := list(islice(rows, INSERT_ROWS)):
            ids = range(self.last + 1, self.last + 1 + len(batch))
            self.con.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 [(i, *row[1:]) for i, row in zip(ids, batch)])
            self.con.executemany("INSERT INTO search (rowid, body) VALUES (?, ?)",
                                 [(i, row[0]) for i, row in zip(ids, batch)])
            self.last += len(batch)


def _texts(documents: Iterable[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """``(doc, raw text)`` per document; a :class:`DocumentSet`'s texts are read one at a time from the cache."""
    from .runner import DocumentSet

    if isinstance(documents, DocumentSet):  # no need to parse the cached records, nor documents/*.json
        yield from documents.texts()
        return
    for d in documents:
        yield d["doc"], d.get("text") or ""


def _sql_value(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return json_text(v)
    if v is None or isinstance(v, (str, int, bytes)):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if hasattr(v, "item"):  # numpy scalars
        return _sql_value(v.item())
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _column_values(series: pd.Series) -> list[Any]:
    """``[_sql_value(v) for v in series]``, vectorised for the common dtypes."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return series.tolist()  # Python ints / bools
    if (isinstance(dtype, np.dtype) and dtype.kind == "f") or (isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan):
        return [None if v != v else v for v in series.tolist()]  # NaN → NULL; str and floats as they are
    return [_sql_value(v) for v in series.tolist()]


def _write_table(con: sqlite3.Connection, name: str, frames: pd.DataFrame | Iterable[pd.DataFrame]) -> None:
    """Table ``name`` from a frame, or from consecutive frames of its rows (same columns and types)."""
    frames = iter([frames] if isinstance(frames, pd.DataFrame) else frames)
    first = next(frames)
    cols = [str(c) for c in first.columns]
    decl = ", ".join(f"{_quote(c)} {_sql_type(first[c])}" for c in cols)
    marks = ", ".join("?" for _ in cols)
    insert = f"INSERT INTO {_quote(name)} VALUES ({marks})"
    if cols:
        con.execute(f"CREATE TABLE {_quote(name)} ({decl})")
    rows = 0
    for df in chain([first], frames):
        rows += len(df)
        # A slice of rows at a time: a whole table as Python values would be millions of objects.
        for lo, hi in _row_slices(df) if cols else ():
            part = df.iloc[lo:hi]
            con.executemany(insert, zip(*(_column_values(part.iloc[:, i]) for i in range(len(cols)))))
    con.execute("INSERT INTO _tables VALUES (?, ?, ?)", (name, rows, json.dumps(cols, ensure_ascii=False)))
    for c in cols:  # an empty table of a stage that found nothing is listed in _tables only
        if c in INDEX_COLUMNS:
            con.execute(f"CREATE INDEX {_quote(f'ix_{name}_{c}')} ON {_quote(name)} ({_quote(c)})")


def _row_slices(df: pd.DataFrame) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the slices of rows inserted at a time: at most :data:`INSERT_ROWS` rows
    and about :data:`INSERT_BYTES` of text, whichever comes first (see :func:`row_spans`).

    >>> list(_row_slices(pd.DataFrame({"t": ["a" * 10] * 5})))
    [(0, 5)]
    """
    return iter(row_spans(df, INSERT_ROWS, INSERT_BYTES))


def paragraphs(text: str) -> Iterable[tuple[int, int, str]]:
    """``(start, end, text)`` of each block of ``text`` between blank lines.

    >>> list(paragraphs("a b\\nc\\n\\n  d"))
    [(0, 5, 'a b\\nc'), (9, 10, 'd')]
    """
    for m in RE_PARAGRAPH.finditer(text):
        para = m.group().rstrip()
        yield m.start(), m.start() + len(para), para


def _search_rows(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> Iterable[tuple]:
    for doc, text in _texts(documents):
        yield from _paragraph_rows(doc, text)
    yield from _citation_rows(tables)


def _paragraph_rows(doc: str, text: str) -> Iterable[tuple]:
    for start, end, para in paragraphs(text):
        yield _fold(para), para, doc, "text", start, end, None


def _citation_rows(tables: dict[str, pd.DataFrame]) -> Iterable[tuple]:
    for cites in frames_of(tables, "citations", CITATION_COLUMNS):
        if "context" not in cites.columns:
            return
        for lo, hi in _row_slices(cites):  # a slice at a time: the contexts are hundreds of MB as Python text
            part = cites.iloc[lo:hi]
            values = [part[c].tolist() if c in part.columns else [None] * len(part) for c in CITATION_COLUMNS]
            for context, key, doc, start, end in zip(*values):
                if not isinstance(context, str) or not context:
                    continue
                ref = key if isinstance(key, str) else None
                yield _fold(context), context, doc, "citation", _int(start), _int(end), ref


# The columns of ``citations`` whose contexts are searched.
CITATION_COLUMNS = ("context", "key", "doc", "start", "end")


def _fold(s: str) -> str:
    """The text FTS indexes: đ → d, in NFC.  The ``unicode61 remove_diacritics 2``
    tokenizer folds case and strips tone and vowel marks itself, so its tokens
    equal those of :func:`extractors.jurisdiction.fold` (checked token by token
    on the corpus in ``tests/pipeline/test_database.py``); only đ, a letter of
    its own rather than d with a mark, is left to do here.

    >>> _fold("Đảng ủy")
    'Dảng ủy'
    """
    return unicodedata_normalize("NFC", s).replace("đ", "d").replace("Đ", "D")


def _int(v: Any) -> int | None:
    v = _sql_value(v)
    return int(v) if v is not None else None


def fts_query(query: str, mode: str = "phrase") -> str:
    """The FTS5 expression for a user's query, folded and taken literally.

    ``phrase`` (default): the words in sequence, as people mean "giam sat";
    ``all``: every word somewhere in the paragraph.

    >>> fts_query('Giám  sát "Đảng"'), fts_query("Giám sát", mode="all")
    ('"giam sat dang"', '"giam" "sat"')
    """
    words = RE_QUERY_TOKEN.findall(fold(query))
    if not words:
        return ""
    if mode == "all":
        return " ".join(f'"{w}"' for w in words)
    return '"' + " ".join(words) + '"'


def search(db_path: str | os.PathLike[str], query: str, *, source: str | None = None, limit: int = 50,
           mode: str = "phrase") -> list[dict[str, Any]]:
    """Paragraphs and citation contexts matching ``query`` (see :func:`fts_query`), tone marks and đ ignored.

    Each hit: ``doc``, ``source`` ("text" or "citation"), raw ``start``/``end``
    (of the paragraph, or of the citation), the raw ``text``, the registry
    ``ref`` of a citation, and ``rank`` (best first).
    """
    expr = fts_query(query, mode)
    if not expr:
        return []
    sql = "SELECT doc, source, start, end, text, ref, rank FROM search WHERE search MATCH ?"
    args: list[Any] = [expr]
    if source:
        sql += " AND source = ?"
        args.append(source)
    sql += " ORDER BY rank LIMIT ?"
    args.append(limit)
    con = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        rows = con.execute(sql, args).fetchall()
    finally:
        con.close()
    return [dict(zip(("doc", "source", "start", "end", "text", "ref", "rank"), r)) for r in rows]
