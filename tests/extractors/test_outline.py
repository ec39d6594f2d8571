"""Outline: heading kinds, paths in the corpus, glued and markdown headings, robustness."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.outline import find_sections
from extractors.segment import segment
from vn_fixtures import ALL_DOCS, corpus_doc


def _paths(text: str) -> list[str]:
    return [s.path for s in find_sections(normalize(text))[0]]


@pytest.fixture(scope="module")
def corpus():
    out = {}
    for prefix in ("000", "001", "002", "003", "004", "02_", "10_", "14_"):
        raw = ingest(corpus_doc(prefix)).raw
        out[prefix] = segment(prefix, normalize(raw))
    return out


# (text, expected paths) — one row per heading kind, plus rows that must not be headings
SMALL = [
    ("Phần thứ hai\nTHỰC TRẠNG\n\nI. KẾT QUẢ\n\n1. Mục tiêu chung\n\n1.1. Về tuyên truyền\n\n2.2.1. Giám sát",
     ["Phần thứ hai", "Phần thứ hai > I", "Phần thứ hai > I > 1", "Phần thứ hai > I > 1 > 1.1",
      "Phần thứ hai > I > 1 > 1.1 > 2.2.1"]),
    ("II- NHIỆM VỤ\n\n2- Công tác cán bộ", ["II", "II > 2"]),
    ("2.2.1. Mục tiêu hằng năm\n\n(1)- 100% kiến nghị được giải quyết\n\n(2)- Tổ chức đối thoại",
     ["2.2.1", "2.2.1 > (1)", "2.2.1 > (2)"]),
    ("4.1. Triển khai\n\na) Cuộc vận động\n\nb) Về Ngày hội\n\nđ) Về cứu trợ",
     ["4.1", "4.1 > a)", "4.1 > b)", "4.1 > đ)"]),
    ("Chương I\nQUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi điều chỉnh\n\n1. Nghị định này quy định",
     ["Chương I", "Chương I > Điều 1", "Chương I > Điều 1 > 1"]),
    ("## KẾT QUẢ\n\nNội dung.\n\n**HẠN CHẾ**\n\nNội dung.", ["KẾT QUẢ", "HẠN CHẾ"]),
    ("III > 9\n\nI. MỤC TIÊU", ["I"]),
    # must not be headings
    ("Số 02 - ĐA/TU", []),
    ("31-CTr/TW trên địa bàn tỉnh, cụ thể như sau:", []),
    ("2025-2030", []),
    ("Đảng bộ tỉnh có 1.155 tổ chức cơ sở đảng.", []),
    ("I love it", []),
    ("Nơi nhận:\n- Như trên,\n\n**T/M BAN THƯỜNG VỤ**\n\n**BÍ THƯ**\n\n**Nguyễn Văn A**", []),
]


@pytest.mark.parametrize("text,paths", SMALL, ids=[t[:20] for t, _ in SMALL])
def test_outline_paths(text, paths):
    assert _paths(text) == paths


def test_multi_line_upper_case_title_is_one_title():
    secs = find_sections(normalize("**Phần thứ hai**  \n**MỤC TIÊU VÀ GIẢI PHÁP GIAI ĐOẠN**  \n**2025-2030**\n\n**I. MỤC TIÊU**"))[0]
    assert [s.path for s in secs] == ["Phần thứ hai", "Phần thứ hai > I"]
    assert secs[0].title == "MỤC TIÊU VÀ GIẢI PHÁP GIAI ĐOẠN 2025-2030"


def test_roman_heading_title_over_two_lines():
    secs = find_sections(normalize("I. MỤC ĐÍCH,\nYÊU CẦU\n\n1. Mục đích"))[0]
    assert secs[0].title == "MỤC ĐÍCH, YÊU CẦU"
    assert [s.path for s in secs] == ["I", "I > 1"]


CORPUS_PATHS = [
    # (doc, path that must exist, its title starts with)
    ("003", "Phần thứ nhất", "MỞ ĐẦU"),
    ("003", "Phần thứ hai > II > 1", "Tổng kết 10 năm thực hiện Kết luận số 62-KL/TW"),
    ("003", "Phần thứ hai > III > 3 > 3.2", "Nguyên nhân chủ quan"),
    ("003", "Phần thứ ba > I > 2 > (12)", "Phấn đấu hằng năm"),
    ("003", "Phần thứ ba > II > 4 > 4.3 > (5)", "Định kỳ tổ chức gặp mặt"),
    ("001", "I > 2 > 2.2 > 2.2.1 > (1)", "100% kiến nghị"),
    ("001", "I > 2 > 2.2 > 2.2.2 > (4)", "100% Ủy ban Mặt trận"),
    ("001", "III > 9", "Giao Ban Tuyên giáo"),
    ("002", "I > 4 > 4.1 > a)", "Cuộc vận động"),
    ("002", "I > 4 > 4.1 > g)", "Về phong trào"),
    ("002", "II > 2", "Giao Văn phòng"),
    ("004", "Phần thứ nhất > I > 1", "Công tác tuyên truyền"),
    ("004", "Phần thứ hai > I > 2 > 2.4", "Về đổi mới phương thức tập hợp"),
    ("004", "Phần thứ hai > IV > 8", "Giải pháp đổi mới thi đua"),
    ("004", "Phần thứ ba > 6", "Công tác kiểm tra"),
    ("000", "Phần thứ nhất", "SỰ CẦN THIẾT VÀ CĂN CỨ BAN HÀNH ĐỀ ÁN"),
    ("000", "Phần thứ nhất > I", "SỰ CẦN THIẾT BAN HÀNH ĐỀ ÁN"),
    ("000", "Phần thứ ba > I > 2 > 2.5", "Công tác tập huấn"),
    ("02_", "IV > 6", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("10_", "II > 1 > đ)", "Tham mưu"),
    ("14_", "Chương II", "THÀNH LẬP"),
]


@pytest.mark.parametrize("prefix,path,title", CORPUS_PATHS, ids=[f"{p}:{q}" for p, q, _ in CORPUS_PATHS])
def test_corpus_heading_has_its_path(corpus, prefix, path, title):
    hits = [s for s in corpus[prefix].sections if s.path == path]
    assert len(hits) == 1, f"{path!r} found {len(hits)} times"
    assert hits[0].title.startswith(title)


def test_glued_bold_headings_of_000_are_separate(corpus):
    raw = corpus["000"].raw
    assert "Phần thứ nhất**SỰ CẦN THIẾT" in raw  # guard: the glue is really in the source
    first = corpus["000"].sections[:2]
    assert [(s.label, s.title) for s in first] == [
        ("Phần thứ nhất", "SỰ CẦN THIẾT VÀ CĂN CỨ BAN HÀNH ĐỀ ÁN"),
        ("I", "SỰ CẦN THIẾT BAN HÀNH ĐỀ ÁN"),
    ]
    assert first[1].parent == first[0].id


def test_004_markdown_headings_are_not_signature_lines(corpus):
    titles = [s.title for s in corpus["004"].sections]
    assert "Nơi nhận:" not in titles
    assert not any("T/M" in t or t == "BÍ THƯ" or "Bùi Sỹ Hoàn" in t for t in titles)


def test_004_parts_keep_their_order(corpus):
    parts = [s.label for s in corpus["004"].sections if s.level == 1 and s.label.startswith("Phần")]
    assert parts == ["Phần thứ nhất", "Phần thứ hai", "Phần thứ ba"]


def test_001_items_label_without_the_dash(corpus):
    raw = corpus["001"].raw
    assert "(1)- 100% kiến nghị" in raw
    labels = {s.label for s in corpus["001"].sections}
    assert "(1)" in labels and "(1)-" not in labels


@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_sections_spans_parents_and_bodies(doc):
    raw = ingest(doc).raw
    sections = find_sections(normalize(raw))[0]
    by_id = {s.id: s for s in sections}
    for s in sections:
        assert raw[s.start : s.end] == s.text
        assert s.start <= s.end <= s.body_end <= len(raw)
        if s.parent is not None:
            p = by_id[s.parent]
            assert s.path.startswith(p.path + " > ")
            assert s.level == p.level + 1
            assert p.start < s.start <= p.body_end
        else:
            assert s.path == s.label
    starts = [s.start for s in sections]
    assert starts == sorted(starts)


def test_section_at_gives_the_path_of_a_position(corpus):
    doc = corpus["003"]
    pos = doc.text.index("Nguyên nhân chủ quan")
    assert doc.section_at(pos + 30) == "Phần thứ hai > III > 3 > 3.2"


# --- robustness ------------------------------------------------------------------

LABELS = ["Phần thứ nhất", "Phần thứ hai", "Chương II", "Điều 3.", "I.", "II-", "IV)", "1.", "2-", "1.1.", "2.2",
          "2.2.1.", "9.9.9.9.", "(1)", "(1)-", "3)", "a)", "đ)", "##", "**", "- ", ""]
LINE = st.tuples(st.sampled_from(LABELS), st.sampled_from([" MỤC TIÊU", " Nội dung", "", " 2025-2030", "**"])).map("".join)
OUTLINE_TEXT = st.lists(st.one_of(LINE, st.just("")), max_size=40).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(OUTLINE_TEXT)
def test_deeply_nested_numbering_never_crashes(text):
    sections = find_sections(normalize(text))[0]
    by_id = {s.id: s for s in sections}
    for s in sections:
        assert text[s.start : s.end] == s.text
        assert s.path.split(" > ")[-1] == s.label
        if s.parent:
            assert by_id[s.parent].level == s.level - 1
