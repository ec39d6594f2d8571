"""``tables._new_cell`` (slots filled through their descriptors) makes the cells ``Cell(...)`` makes.

Checked with a hypothesis property over field values, a row per kind of
value, the guard that sends a changed record back to the plain constructor,
and every table of ``corpora/`` and ``tests/data/extra/`` rebuilt with
``Cell`` itself.
"""
from __future__ import annotations

from dataclasses import fields

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import tables as T  # noqa: E402
from extractors.records import Cell  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY  # noqa: E402


def assert_same_cell(*args):
    got, want = T._new_cell(*args), Cell(*args)
    assert type(got) is Cell
    assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
    assert got.to_dict() == want.to_dict()


@MANY
@given(st.tuples(st.integers(), st.integers(), st.integers(), st.integers(), st.text(max_size=5),
                 st.text(max_size=5), st.none() | st.floats(allow_nan=False)))
def test_cells_agree(args):
    assert_same_cell(*args)


CELL_ROWS = [
    (0, 0, 10, 14, "1.155", "1.155", 1155.0),
    (3, 1, 0, 0, "", "", None),  # an empty cell
    (2, 4, 7, 20, " Chỉ tiêu ", "Chỉ tiêu", None),
]


@pytest.mark.parametrize("args", CELL_ROWS)
def test_cell_rows(args):
    assert_same_cell(*args)


def test_the_guard_knows_the_record():
    assert T.CELL_FIELDS == tuple(f.name for f in fields(Cell))
    assert T._new_cell is not Cell  # the fast path is in use
    with pytest.raises(AttributeError):
        T._new_cell(0, 0, 0, 0, "", "", None).row = 1  # still frozen


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path, monkeypatch):
    norm = normalize(ingest(path).raw)
    got = T.find_tables(norm)
    monkeypatch.setattr(T, "_new_cell", Cell)
    want = T.find_tables(norm)
    assert got == want
    assert [[[c.to_dict() for c in r.cells] for r in t.rows] for t in got] == \
        [[[c.to_dict() for c in r.cells] for r in t.rows] for t in want]
