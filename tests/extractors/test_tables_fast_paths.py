"""The fast paths of :mod:`extractors.tables` agree with the plain code they stand for.

* ``_new_cell`` (slots filled through their descriptors) makes the cells
  ``Cell(...)`` makes: a hypothesis property over field values, a row per
  kind of value, the guard that sends a changed record back to the plain
  constructor, and every table of ``corpora/`` and ``tests/data/extra/``
  rebuilt with ``Cell`` itself.
* ``_blocks`` visits only the lines holding a tab; the reference is the walk
  over every line it replaced (kept below): a hypothesis property over texts
  of tabs, blanks and newlines, rows, and every document of the corpus.
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
from fast_path_support import CORPUS, CORPUS_IDS, MANY, corpus_text  # noqa: E402


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


# ---------------------------------------------------------------- _blocks

def reference_blocks(text):
    """``_blocks`` as it was: every line visited, blank lines marked, blocks split on them."""
    blocks, current = [], []
    pos, n = 0, len(text)
    if "\t" not in text:
        return []
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        if text.find("\t", pos, end) >= 0:
            current.append(T._Line(pos, end, T._split_cells(text, pos, end)))
        elif text[pos:end].strip():
            if current:
                blocks.append(current)
                current = []
        else:
            if current:
                current.append(None)
        if nl < 0:
            break
        pos = nl + 1
    if current:
        blocks.append(current)
    out = []
    for block in blocks:
        seg = []
        for line in block:
            if line is None:
                if seg:
                    out.append(seg)
                    seg = []
            else:
                seg.append(line)
        if seg:
            out.append(seg)
    return out


@MANY
@given(st.text(alphabet="a \t\n", max_size=40))
def test_blocks_agree(text):
    assert T._blocks(text) == reference_blocks(text)


@MANY
@given(st.lists(st.sampled_from(["a\tb", "\t", "x", "", " ", "\t\t", "1\t2\t3", " \u00a0"]), max_size=10).map("\n".join))
def test_blocks_of_lines_agree(text):
    assert T._blocks(text) == reference_blocks(text)


BLOCK_ROWS = [
    ("", 0), ("no tab", 0), ("a\tb", 1), ("a\tb\nc\td", 1), ("a\tb\n\nc\td", 2), ("a\tb\n \nc\td", 2),
    ("a\tb\ntext\nc\td", 2), ("\t\n\t\n", 1), ("x\na\tb\n", 1), ("a\tb\n", 1),
]


@pytest.mark.parametrize("text,n", BLOCK_ROWS)
def test_blocks_rows(text, n):
    assert len(T._blocks(text)) == n
    assert T._blocks(text) == reference_blocks(text)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_blocks(path):
    text = corpus_text(path)
    assert T._blocks(text) == reference_blocks(text)
