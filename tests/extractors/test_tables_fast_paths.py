"""The fast paths of :mod:`extractors.tables` agree with the plain code they stand for.

* ``_direct_cells`` (raw spans read off the maps, slots filled through their
  descriptors) makes the cells :func:`_cells` makes with ``norm.evidence``
  and ``Cell(...)``, wherever no normalisation step moved text: a
  hypothesis property over normalised texts of tab lines, a table of rows,
  the guard that sends a changed record back to the plain code, and every
  table of ``corpora/`` and ``tests/data/extra/`` rebuilt with ``_cells``.
* ``_new_row`` makes the rows ``Row(...)`` makes (hypothesis, rows, guard, corpus),
  and the number cache of ``_direct_cells`` gives what ``parse_vn_number`` gives,
  also when it is cleared.
* ``_blocks`` visits only the lines holding a tab; the reference is the walk
  over every line it replaced (kept below): a hypothesis property over texts
  of tabs, blanks and newlines, rows, and every document of the corpus.
"""
from __future__ import annotations

from array import array
from dataclasses import fields

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import tables as T  # noqa: E402
from extractors.records import Cell  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import Normalized, normalize  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, corpus_text  # noqa: E402


def reference_cells(norm, r, line):
    """The cells as :func:`tables._build` made them before: spans found with ``str.find``,
    each mapped back with ``norm.evidence``, made by ``Cell(...)``."""
    text, cells, a = norm.text, [], line.start
    spans = []
    while True:
        b = text.find("\t", a, line.end)
        if b < 0:
            spans.append((a, line.end))
            break
        spans.append((a, b))
        a = b + 1
    for c, (a, b) in enumerate(spans):
        value = text[a:b].strip()
        lo, hi, raw_text = (*norm.raw_span(a, a), "") if b <= a else norm.evidence(a, b)
        cells.append(Cell(r, c, lo, hi, raw_text, value, T.parse_vn_number(value)))
    return cells


def assert_same_cells(norm):
    """On every tab line of ``norm`` the plain cells are the reference's, and where no step
    moved text the direct ones are too; returns how many lines were direct."""
    direct = 0
    for r, line in enumerate(line for block in T._blocks(norm.text) for line in block):
        want = reference_cells(norm, r, line)
        plain = T._cells(norm, r, line)
        assert plain == want and [c.to_dict() for c in plain] == [c.to_dict() for c in want]
        if norm.monotone(line.start, line.end):
            direct += 1
            got = T._direct_cells(norm, r, line)
            assert all(type(c) is Cell for c in got)
            assert got == want and [hash(c) for c in got] == [hash(c) for c in want]
            assert [repr(c) for c in got] == [repr(c) for c in want]
            assert [c.to_dict() for c in got] == [c.to_dict() for c in want]
    return direct


# Tab lines with what the normalisation edits (NFD letters, runs of blanks,
# non-breaking spaces, OCR-like slips) and empty cells at either end.
CELL_CHUNKS = ["\t", "\t", " ", "  ", "\u00a0", "1.155", "76,1", "100%", "2025", "Chỉ tiêu", "ho\u0300a", "l0", "\n", "x"]


@MANY
@given(st.lists(st.sampled_from(CELL_CHUNKS), max_size=24).map("".join))
def test_cells_agree(raw):
    assert_same_cells(normalize(raw))


CELL_ROWS = [
    "a\tb",
    "a\t\tb",  # an empty cell
    "\ta",  # an empty first cell
    "\ta\n\tb",
    " 1.155 \t 76,1 %\t\tChỉ tiêu ",
    "Chỉ   tiêu\t2025\t2030",  # a run of blanks normalised inside a cell
    "ho\u0300a\t1",  # NFD: the normalised cell is shorter than the raw one
    "x\ny\n\n\u00a0a\u00a0\tb",
    "| a | b |\n|---|---|\n| 1 | 2 |",  # a markdown table, rewritten with tabs
]


@pytest.mark.parametrize("raw", CELL_ROWS)
def test_cell_rows(raw):
    assert assert_same_cells(normalize(raw)) >= 1


def test_moved_text_goes_the_plain_way():
    # a step swapped "ab" into "ba": the maps descend inside the line
    norm = Normalized("x\tab\n1\t2", "x\tba\n1\t2", array("l", [0, 1, 3, 2, 4, 5, 6, 7]),
                      array("l", [1, 2, 4, 3, 5, 6, 7, 8]), (), descents=[3])
    assert not norm.monotone(0, 4)
    assert assert_same_cells(norm) == 1  # the second line only
    table = T.find_tables(norm)[0]
    assert table.rows[0].cells[1].text == "2"
    assert T._build(norm, 0, T._blocks(norm.text)) == table
    cells = T._cells(norm, 0, T._blocks(norm.text)[0][0])
    assert [(c.start, c.end, c.text, c.value) for c in cells] == [(0, 1, "x", "x"), (2, 4, "ab", "ba")]


def test_the_guard_knows_the_record():
    assert T.CELL_FIELDS == tuple(f.name for f in fields(Cell))
    assert T._direct_cells is not T._cells  # the fast path is in use
    cell = T._direct_cells(normalize("a\tb"), 0, T._blocks("a\tb")[0][0])[0]
    with pytest.raises(AttributeError):
        cell.row = 1  # still frozen


def test_the_number_cache_forgets_when_full(monkeypatch):
    monkeypatch.setattr(T, "MAX_NUMBERS", 2)  # cleared every third new value
    assert assert_same_cells(normalize("1\t2,5\t3.000\tx\t1\t40%\n2,5\t1\t7\t\t8")) == 2


def assert_same_row(*args):
    got, want = T._new_row(*args), T.Row(*args)
    assert type(got) is T.Row
    assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
    assert got.to_dict() == want.to_dict()


@MANY
@given(st.tuples(st.integers(), st.integers(), st.integers(), st.text(max_size=5), st.just(()),
                 st.none() | st.integers()))
def test_rows_agree(args):
    assert_same_row(*args)


def test_row_rows():
    cells = tuple(T._cells(normalize("a\t1"), 0, T._blocks("a\t1")[0][0]))
    assert_same_row(0, 0, 3, "a\t1", cells, None)
    assert_same_row(4, 10, 12, "\t2", (), 3)
    assert T.ROW_FIELDS == tuple(f.name for f in fields(T.Row))
    assert T._new_row is not T.Row  # the fast path is in use
    with pytest.raises(AttributeError):
        T._new_row(0, 0, 3, "a\t1", cells, None).index = 1  # still frozen


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path, monkeypatch):
    norm = normalize(ingest(path).raw)
    assert_same_cells(norm)
    got = T.find_tables(norm)
    monkeypatch.setattr(T, "_direct_cells", T._cells)
    monkeypatch.setattr(T, "_new_row", T.Row)
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
            current.append(T._Line(pos, end, text[pos:end].split("\t")))
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
