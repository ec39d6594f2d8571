"""Tables: page-break repeats merged, sub-rows, multi-row headers, Vietnamese numbers, cell spans."""
from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment
from extractors.tables import find_tables, parse_vn_number
from vn_fixtures import ALL_DOCS, corpus_doc, read_text


@pytest.fixture(scope="module")
def doc003():
    return segment("003", normalize(ingest(corpus_doc("003")).raw))


@pytest.fixture(scope="module")
def doc001():
    return segment("001", normalize(ingest(corpus_doc("001")).raw))


# --- Vietnamese numbers --------------------------------------------------------

NUMBERS = [
    ("1.155", 1155.0),
    ("76,1", 76.1),
    ("114.648", 114648.0),
    ("2.096", 2096.0),
    ("0,05", 0.05),
    ("03", 3.0),
    ("85", 85.0),
    ("100%", 100.0),
    ("1.234.567", 1234567.0),
    ("1.234,5", 1234.5),
    (" 97,8 ", 97.8),
    # must not parse: text, dates, quarters, ranges, malformed groups
    ("Quý III/2021", None),
    ("12/3/2026", None),
    ("2025-2030", None),
    ("1.15", None),
    ("1,2,3", None),
    ("", None),
    ("x", None),
    ("Tổng số", None),
]


@pytest.mark.parametrize("text,expected", NUMBERS, ids=[repr(t) for t, _ in NUMBERS])
def test_parse_vn_number(text, expected):
    assert parse_vn_number(text) == expected


# --- the 003 plan table ----------------------------------------------------------

def test_003_plan_table_is_one_table_of_17_task_rows(doc003):
    plan = doc003.tables[0]
    assert plan.segments == 3  # cut by two page breaks, header repeated each time
    assert [r.cells[0].value for r in plan.rows] == [str(i) for i in range(1, 18)]
    assert all(r.continues is None for r in plan.rows)
    assert plan.columns[0] == "Stt" and "Nội dung nhiệm vụ" in plan.columns
    assert not any(r.cells[1].value == "Nội dung nhiệm vụ" for r in plan.rows)  # repeats dropped


def test_003_plan_table_has_the_raw_header_three_times(doc003):
    """Guard: the source really repeats the header, so the merge above is tested."""
    raw = doc003.raw
    assert raw.count("Stt\tNội dung nhiệm vụ") == 3


# --- the 001 annex -------------------------------------------------------------

def test_001_annex_has_13_programmes_and_sub_rows_continuing_their_parent(doc001):
    annex = doc001.tables[0]
    leads = [r for r in annex.rows if r.cells[0].value]
    subs = [r for r in annex.rows if not r.cells[0].value]
    assert [r.cells[0].value for r in leads] == [str(i) for i in range(1, 14)]
    # read from the source: programme 7 has two sub-rows (Giảm nghèo…, Phát triển kinh tế…), 9 has one
    parent_numbers = [annex.rows[r.continues].cells[0].value for r in subs]
    assert parent_numbers == ["7", "7", "9"]
    assert subs[0].cells[2].value.startswith("Giảm nghèo bền vững")
    assert subs[2].cells[2].value.startswith("Vận động đồng bào")
    assert all(r.continues is None for r in leads)
    assert len(annex.columns) == 8
    assert all(len(r.cells) == len(annex.columns) for r in annex.rows), "empty trailing cells are kept"


def test_001_annex_is_found_in_the_annex_not_before_it(doc001):
    assert "Nghị quyết số 21-NQ/TU" in doc001.tables[0].caption


# --- multi-row headers of the 003 statistics tables ---------------------------------

HEADER_CASES = [
    # (caption start, column index, expected column name)
    ("Biểu số 1", 2, "Tổ chức / Số cơ sở hội"),
    ("Biểu số 1", 4, "Số hội viên, thành viên / Tổng số"),
    ("Biểu số 1", 6, "Số hội viên, thành viên / Tỷ lệ thu hút (%)"),
    ("Biểu số 1", 1, "Năm"),
    ("Biểu số 2", 3, "Cấp huyện / Xếp loại / Số đơn vị xếp loại xuất sắc"),
    ("Biểu số 3", 4, "Cấp tỉnh / Trình độ đào tạo / Trên đại học"),
    ("Biểu số 4", 1, "Tham gia cấp ủy / Tỉnh / Nhiệm kỳ 2010-2015"),
    # "Đại biểu Quốc hội" has no second header row: "Cơ sở" of the group to its left must not leak in
    ("Biểu số 4", 7, "Đại biểu Quốc hội / Nhiệm kỳ 2011-2016"),
    ("Biểu số 4", 9, "Đại biểu HĐND các cấp / Tỉnh / Nhiệm kỳ 2011-2016"),
]


def _by_caption(doc, start):
    hits = [t for t in doc.tables if t.caption.startswith(start)]
    assert len(hits) == 1, [t.caption for t in doc.tables]
    return hits[0]


@pytest.mark.parametrize("caption,col,name", HEADER_CASES, ids=[f"{c}-{i}" for c, i, _ in HEADER_CASES])
def test_multi_row_headers_become_column_names(doc003, caption, col, name):
    assert _by_caption(doc003, caption).columns[col] == name


@pytest.mark.parametrize("caption,header_rows", [("Biểu số 1", 2), ("Biểu số 2", 3), ("Biểu số 3", 3), ("Biểu số 4", 3)])
def test_header_rows_are_not_body_rows(doc003, caption, header_rows):
    t = _by_caption(doc003, caption)
    assert t.header_rows == header_rows
    assert t.rows[0].cells[0].value not in ("", "Đơn vị")


def test_statistics_numbers_are_parsed_in_vietnamese_notation(doc003):
    t = _by_caption(doc003, "Biểu số 1")
    farmers = next(r for r in t.rows if r.cells[0].value == "Hội Nông dân")
    col = t.column("Tổng số")
    assert farmers.cells[col].value == "114.648" and farmers.cells[col].number == 114648
    col = t.column("Tỷ lệ thu hút")
    assert farmers.cells[col].number == 76.1


def test_year_rows_continue_their_unit(doc003):
    t = _by_caption(doc003, "Biểu số 1")
    for r in t.rows:
        if not r.cells[0].value:
            parent = t.rows[r.continues]
            assert parent.cells[1].value == "2016" and r.cells[1].value == "2020"


# --- spans ---------------------------------------------------------------------

@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_every_cell_row_and_table_span_is_its_raw_text(doc):
    raw = ingest(doc).raw
    for t in find_tables(normalize(raw)):
        assert raw[t.start : t.end] == t.text
        for r in t.rows:
            assert raw[r.start : r.end] == r.text
            for c in r.cells:
                assert raw[c.start : c.end] == c.text
                assert " ".join(c.text.split()) == c.value or not c.value.strip() == c.text.strip()


def test_cell_span_points_at_the_cell_not_the_row(doc003):
    raw = doc003.raw
    cell = doc003.tables[0].rows[14].cells[1]
    assert raw[cell.start : cell.end] == "Tổ chức sơ kết đánh giá kết quả triển khai Đề án."


def test_markdown_pipe_table_becomes_a_table():
    tables = find_tables(normalize("Bảng\n\n| Chỉ tiêu | 2025 |\n|---|---|\n| Tỷ lệ | 76,1 |\n| Số hộ | 1.155 |\n\nHết."))
    assert len(tables) == 1
    t = tables[0]
    assert t.columns == ("Chỉ tiêu", "2025")
    assert [c.number for r in t.rows for c in r.cells] == [None, 76.1, None, 1155]


def test_two_tables_separated_by_text_stay_two():
    text = "a\tb\n1\t2\n\nĐoạn văn giữa hai bảng.\n\na\tb\n3\t4\n"
    assert len(find_tables(normalize(text))) == 2


# --- robustness -------------------------------------------------------------------

CELL = st.lists(st.sampled_from(list("ab1.,% Đđ-\u0301") + ["76,1", "1.155", "Tổng", "2025"]), max_size=6).map("".join)
ROW = st.lists(CELL, min_size=1, max_size=7).map("\t".join)
RAGGED = st.lists(st.one_of(ROW, st.just(""), st.just("Đoạn văn.")), max_size=25).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(RAGGED)
def test_ragged_tables_never_crash_and_keep_spans(text):
    for t in find_tables(normalize(text)):
        assert text[t.start : t.end] == t.text
        for r in t.rows:
            assert 0 <= r.start <= r.end <= len(text)
            for c in r.cells:
                assert text[c.start : c.end] == c.text
            if r.continues is not None:
                assert 0 <= r.continues < r.index


def test_whole_corpus_tables_have_numbers_only_where_cells_are_numbers():
    for doc in ALL_DOCS:
        for t in find_tables(normalize(read_text(doc))):
            for r in t.rows:
                for c in r.cells:
                    if c.number is not None:
                        assert regex.fullmatch(r"[<>≤≥]?\s*[\d.,]+\s*%?", c.value), c.value
