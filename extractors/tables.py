"""Tables rebuilt from tab-separated blocks (plain text, ``.docx``, markdown pipes).

A block is a run of lines holding tabs.  Blocks separated only by blank
lines whose first line repeats the header of the block before are one table
cut by page breaks.  Leading rows without any numeric cell are header rows
(merged into column names); a body row whose first cell is empty continues
the row above (a sub-row or a vertically merged cell), and says so in
``Row.continues``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Callable

import regex

from .normalize import Normalized
from .records import Cell, Record, record_maker

RE_NUMBER = regex.compile(r"^[<>≤≥]?\s*(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*%?$")
MAX_HEADER_ROWS = 4
MAX_NUMBERS = 4096  # cell values kept parsed


def parse_vn_number(s: str) -> float | None:
    """A number in Vietnamese notation: ``1.155`` → 1155, ``76,1`` → 76.1.

    >>> parse_vn_number("1.155"), parse_vn_number("76,1"), parse_vn_number("03"), parse_vn_number("x")
    (1155.0, 76.1, 3.0, None)
    """
    return _parse_stripped(s.strip())


@lru_cache(maxsize=4096)  # cell values repeat ("", "100%", years): parse each once
def _parse_stripped(s: str) -> float | None:
    m = RE_NUMBER.match(s)
    if not m:
        return None
    return float(m.group("num").replace(".", "").replace(",", "."))


@dataclass(frozen=True, slots=True)
class Row(Record):
    index: int
    start: int
    end: int
    text: str
    cells: tuple[Cell, ...]
    continues: int | None = None

    def values(self) -> list[str]:
        return [c.value for c in self.cells]


@dataclass(frozen=True, slots=True)
class Table(Record):
    id: str
    start: int
    end: int
    text: str
    columns: tuple[str, ...]
    header_rows: int
    rows: tuple[Row, ...]
    segments: int
    caption: str = ""
    section: str = ""
    # normalised start, for section lookup and extractors
    norm_start: int = 0

    def column(self, *keywords: str) -> int | None:
        """Index of the first column whose name contains all ``keywords`` (case-insensitive)."""
        for i, name in enumerate(self.columns):
            low = name.lower()
            if all(k.lower() in low for k in keywords):
                return i
        return None


ROW_FIELDS = ("index", "start", "end", "text", "cells", "continues")


# ``Row(index, start, end, text, cells, continues)`` without the frozen ``__init__``
# (fields in ROW_FIELDS' order).
_new_row = record_maker(Row)


CELL_FIELDS = ("row", "col", "start", "end", "text", "value", "number")


def _cells(norm: Normalized, r: int, line: "_Line") -> list[Cell]:
    """The cells of body row ``r``, each span mapped back with ``norm.evidence`` (the plain way)."""
    cells = []
    a = line.start
    for c, part in enumerate(line.parts):
        b = a + len(part)
        value = part.strip()
        if b <= a:
            (lo, hi), raw_text = norm.raw_span(a, a), ""
        else:
            lo, hi, raw_text = norm.evidence(a, b)
        # ``value`` is stripped already: parse it without parse_vn_number's strip
        cells.append(Cell(r, c, lo, hi, raw_text, value, _parse_stripped(value)))
        a = b + 1
    return cells


def _direct_cells_maker() -> Callable[[Normalized, int, "_Line"], list[Cell]]:
    """:func:`_cells` for a line where no step moved text (``norm.monotone`` over it).

    There a non-empty span's raw bounds are ``starts[a]`` and ``ends[b - 1]``,
    which is what ``norm.evidence`` returns, and an empty one's are
    ``norm.raw_span(a, a)``: ``starts[a]``, or the raw length past the end.
    A table of a few hundred rows makes thousands of cells, and the frozen
    dataclass's ``__init__`` (an ``object.__setattr__`` call per field) was
    most of :func:`_build`'s time: the slots are filled here with their own
    descriptors, in the loop, about twice as fast.  ``Cell`` has no
    ``__post_init__`` or defaults to apply beyond ``number``, which is always
    set; tests/extractors/test_tables_fast_paths.py checks that the cells
    equal :func:`_cells`'.  The parsed numbers are kept in a plain dict
    (cleared when it holds MAX_NUMBERS values): a look-up costs less than half
    a hit of ``_parse_stripped``'s ``lru_cache``, which keeps its order too.
    """
    if tuple(f.name for f in fields(Cell)) != CELL_FIELDS or hasattr(Cell, "__post_init__"):
        return _cells  # the record changed: build cells the plain way
    new = object.__new__
    set_row, set_col, set_start, set_end, set_text, set_value, set_number = (
        getattr(Cell, f).__set__ for f in CELL_FIELDS)
    parse = _parse_stripped
    numbers: dict[str, float | None] = {}

    def direct_cells(norm: Normalized, r: int, line: _Line) -> list[Cell]:
        raw, starts, ends = norm.raw, norm.starts, norm.ends
        cells = []
        a = line.start
        for c, part in enumerate(line.parts):
            b = a + len(part)
            value = part.strip()
            if b > a:
                lo = starts[a]
                hi = ends[b - 1]
                raw_text = raw[lo:hi]
            else:  # an empty cell
                lo = hi = starts[a] if a < len(starts) else len(raw)
                raw_text = ""
            try:  # _parse_stripped(value)
                number = numbers[value]
            except KeyError:
                if len(numbers) >= MAX_NUMBERS:
                    numbers.clear()
                number = numbers[value] = parse(value)
            cell = new(Cell)
            set_row(cell, r)
            set_col(cell, c)
            set_start(cell, lo)
            set_end(cell, hi)
            set_text(cell, raw_text)
            set_value(cell, value)
            set_number(cell, number)
            cells.append(cell)
            a = b + 1
        return cells

    return direct_cells


_direct_cells = _direct_cells_maker()


@dataclass
class _Line:
    start: int
    end: int
    # text[start:end] split at its tabs: a cell starts one past the end of the one before
    parts: list[str]


def _blocks(text: str) -> list[list[_Line]]:
    """Runs of consecutive tab lines: a line without a tab, blank or not, ends a run.

    (A run interrupted by blank lines only is cut there too: such runs are
    joined again in :func:`find_tables` when the header repeats or the body
    goes on.)  Only the lines holding a tab are visited, found with
    ``str.find``; a walk over every line cost more than the rest of the
    stage on documents with few tables.
    """
    out: list[list[_Line]] = []
    current: list[_Line] = []
    n = len(text)
    last_end = -2  # end of the last tab line
    tab = text.find("\t")
    while tab >= 0:
        start = text.rfind("\n", 0, tab) + 1
        end = text.find("\n", tab)
        end = n if end < 0 else end
        if start != last_end + 1 and current:  # a line without a tab came between
            out.append(current)
            current = []
        current.append(_Line(start, end, text[start:end].split("\t")))
        last_end = end
        tab = text.find("\t", end)
    if current:
        out.append(current)
    return out


def _cell_texts(text: str, line: _Line) -> list[str]:
    return [part.strip() for part in line.parts]


RE_YEAR = regex.compile(r"(?:19|20)\d{2}")


def _is_header_like(values: list[str]) -> bool:
    """No number in the row, except bare years ("| Chỉ tiêu | 2025 | 2030 |"); ``values`` are stripped (:func:`_cell_texts`)."""
    return not any(_parse_stripped(v) is not None and not RE_YEAR.fullmatch(v) for v in values if v)


def find_tables(norm: Normalized) -> list[Table]:
    text = norm.text
    segments = _blocks(text)
    tables: list[list[list[_Line]]] = []
    prev_end = -1
    for seg in segments:
        first = _cell_texts(text, seg[0])
        if tables and not text[prev_end : seg[0].start].strip():
            head = _cell_texts(text, tables[-1][0][0])
            repeated_header = first == head
            body_continues = not _is_header_like(first) and len(first) == len(head)
            if repeated_header or body_continues:  # one table cut by a page break
                tables[-1].append(seg)
                prev_end = seg[-1].end
                continue
        tables.append([seg])
        prev_end = seg[-1].end
    return [_build(norm, i, segs) for i, segs in enumerate(tables)]


def _build(norm: Normalized, index: int, segs: list[list[_Line]]) -> Table:
    text = norm.text
    lines = segs[0]
    header_n = 0
    for line in lines[:MAX_HEADER_ROWS + 1]:
        if _is_header_like(_cell_texts(text, line)):
            header_n += 1
        else:
            break
    if header_n > MAX_HEADER_ROWS or header_n == len(lines):
        header_n = 1
    header_lines = lines[:header_n]
    header_texts = [_cell_texts(text, ln) for ln in header_lines]
    width = max(len(c.parts) for seg in segs for c in seg)
    columns = _merge_header(header_texts, width)
    body: list[_Line] = list(lines[header_n:])
    for seg in segs[1:]:
        seg_lines = list(seg)
        # drop header rows repeated after a page break
        while seg_lines and header_texts and _cell_texts(text, seg_lines[0]) in header_texts:
            seg_lines.pop(0)
        body.extend(seg_lines)
    rows: list[Row] = []
    last_lead: int | None = None
    # no step moved text inside the table (the usual case): a cell's raw span
    # is read off the maps directly, as norm.evidence would
    direct = norm.monotone(segs[0][0].start, segs[-1][-1].end)
    raw, starts, ends = norm.raw, norm.starts, norm.ends
    row_cells = _direct_cells if direct else _cells
    for r, line in enumerate(body):
        cells = row_cells(norm, r, line)
        if direct:  # as norm.evidence(line.start, line.end): a line holds a tab, so it is not empty
            lo, hi = starts[line.start], ends[line.end - 1]
            raw_text = raw[lo:hi]
        else:
            lo, hi, raw_text = norm.evidence(line.start, line.end)
        first = cells[0].value if cells else ""
        continues = last_lead if (not first and last_lead is not None) else None
        if first:
            last_lead = r
        rows.append(_new_row(r, lo, hi, raw_text, tuple(cells), continues))
    start_n = segs[0][0].start
    end_n = segs[-1][-1].end
    lo, hi, raw_text = norm.evidence(start_n, end_n)
    return Table(
        id=f"t{index}",
        start=lo,
        end=hi,
        text=raw_text,
        columns=tuple(columns),
        header_rows=header_n,
        rows=tuple(rows),
        segments=len(segs),
        caption=_caption(text, start_n),
        norm_start=start_n,
    )


def _merge_header(rows: list[list[str]], width: int) -> list[str]:
    """Column names from multi-row headers; a merged upper cell spans the empty cells to its right."""
    grid = [r + [""] * (width - len(r)) for r in rows]
    for i in range(len(grid) - 1):  # fill merged spans of all but the last header row
        below_has = [any(g[j] for g in grid[i + 1 :]) for j in range(width)]
        last = ""
        for j in range(width):
            # a merged cell never reaches past the merged cell above it
            # ("Cơ sở" under "Tham gia cấp ủy" stops where "Đại biểu Quốc hội" starts)
            if j and i and grid[i - 1][j] != grid[i - 1][j - 1]:
                last = ""
            if grid[i][j]:
                last = grid[i][j]
            elif below_has[j] and last:
                grid[i][j] = last
            else:
                last = "" if not below_has[j] else last
    names = []
    for j in range(width):
        parts: list[str] = []
        for g in grid:
            if g[j] and (not parts or parts[-1] != g[j]):
                parts.append(g[j])
        names.append(" / ".join(parts) or f"col{j + 1}")
    return names


def _caption(text: str, start: int) -> str:
    """The last non-empty line(s) before the table, e.g. ``Biểu số 1: …``."""
    before = text[max(0, start - 400) : start].rstrip().split("\n")
    for line in reversed(before):
        if line.strip() and "\t" not in line:
            return line.strip()
    return ""
