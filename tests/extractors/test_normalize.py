"""normalize: each named step alone, its must-change and must-not-change cases, and the offset map."""
from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import normalize as N
from extractors.normalize import DEFAULT_STEPS, normalize
from vn_fixtures import ALL_DOCS, read_text

STEPS = {s.name: s for s in DEFAULT_STEPS}


@pytest.mark.parametrize("step", DEFAULT_STEPS, ids=[s.name for s in DEFAULT_STEPS])
def test_step_turns_its_own_example_into_its_output(step):
    example_in, example_out = step.example
    assert example_in != example_out  # an example that shows nothing proves nothing
    assert step(example_in) == example_out


@pytest.mark.parametrize("step", DEFAULT_STEPS, ids=[s.name for s in DEFAULT_STEPS])
def test_step_is_idempotent_on_its_example(step):
    out = step(step.example[0])
    assert step(out) == out


# (step name, input, expected output); rows where input == output must not change.
CASES = [
    # nfc
    ("nfc", "ho\u0300a", "hòa"),
    ("nfc", "Nghi\u0323 quyê\u0301t", "Nghị quyết"),
    ("nfc", unicodedata.normalize("NFD", "Đề án số 02-ĐA/TU"), "Đề án số 02-ĐA/TU"),
    ("nfc", "Nghị quyết", "Nghị quyết"),
    ("nfc", "x\u0301", unicodedata.normalize("NFC", "x\u0301")),
    # punctuation
    ("punctuation", "2025 – 2030", "2025 - 2030"),
    ("punctuation", "2025 — 2030", "2025 - 2030"),
    ("punctuation", "số\u00a002", "số 02"),
    ("punctuation", "QĐ／TW", "QĐ/TW"),
    ("punctuation", "Đề\u200b án", "Đề án"),
    ("punctuation", "\ufeffSố", "Số"),
    ("punctuation", "dòng\r\nsau", "dòng\nsau"),
    ("punctuation", "trang\fsau", "trang\nsau"),
    ("punctuation", "chính trị - xã hội", "chính trị - xã hội"),
    ("punctuation", "02-ĐA/TU", "02-ĐA/TU"),
    # markdown tables
    ("markdown_tables", "| a | b |\n|---|---|\n| 1 | 2 |", "a\tb\n1\t2"),
    ("markdown_tables", "|\nSố: 165/KH-UBND\n|", "Số: 165/KH-UBND\n"),
    ("markdown_tables", "a | b", "a | b"),
    # markdown
    ("markdown", "## ĐỀ ÁN", "ĐỀ ÁN"),
    ("markdown", "### **Đổi mới**", "Đổi mới"),
    ("markdown", "của **Bộ Chính trị** về", "của Bộ Chính trị về"),
    ("markdown", "mục *nghiêng* ở giữa", "mục nghiêng ở giữa"),
    ("markdown", "Phần thứ nhất**SỰ CẦN THIẾT****I. SỰ CẦN THIẾT**", "Phần thứ nhất\nSỰ CẦN THIẾT\nI. SỰ CẦN THIẾT"),
    ("markdown", "-----", ""),
    ("markdown", "*Cần Thơ, ngày 21\ntháng 11 năm 2025 *", "Cần Thơ, ngày 21\ntháng 11 năm 2025"),
    ("markdown", "a \\- b", "a - b"),
    ("markdown", "2 * 3 = 6", "2 * 3 = 6"),
    ("markdown", "- gạch đầu dòng", "- gạch đầu dòng"),
    ("markdown", "Nghị quyết số 21-NQ/TU", "Nghị quyết số 21-NQ/TU"),
    # tone placement
    ("tone_placement", "khoá", "khóa"),
    ("tone_placement", "Uỷ ban", "Ủy ban"),
    ("tone_placement", "hoà bình", "hòa bình"),
    ("tone_placement", "thuỷ lợi", "thủy lợi"),
    ("tone_placement", "Khoẻ", "Khỏe"),
    ("tone_placement", "hoàng", "hoàng"),
    ("tone_placement", "Hoàng Văn", "Hoàng Văn"),
    ("tone_placement", "hoàn thành", "hoàn thành"),
    ("tone_placement", "khoảng", "khoảng"),
    ("tone_placement", "quý", "quý"),
    ("tone_placement", "Quý III/2021", "Quý III/2021"),
    ("tone_placement", "khóa", "khóa"),
    # OCR slips
    ("ocr_slips", "đối với MITQ", "đối với MTTQ"),
    ("ocr_slips", "Phân đấu đến năm 2030", "Phấn đấu đến năm 2030"),
    ("ocr_slips", "Phần đầu đến năm 2030 có", "Phấn đấu đến năm 2030 có"),
    ("ocr_slips", "1ỷ lệ lấp đầy", "Tỷ lệ lấp đầy"),
    ("ocr_slips", "phần đầu của báo cáo", "phần đầu của báo cáo"),
    ("ocr_slips", "Phần đầu của báo cáo", "Phần đầu của báo cáo"),
    ("ocr_slips", "MTTQ", "MTTQ"),
    ("ocr_slips", "MITQA", "MITQA"),
    # spaces
    ("spaces", "a  b", "a b"),
    ("spaces", "cuối dòng   \nsau", "cuối dòng\nsau"),
    ("spaces", "a\n\n\n\nb", "a\n\nb"),
    ("spaces", "a\tb\t\t", "a\tb\t\t"),  # empty last cells of a table row stay
    ("spaces", "chữ\t", "chữ"),
    ("spaces", "a b", "a b"),
    # footnotes
    ("footnotes", "Thông qua\n\n¹ Đề án số 02\n\ncác hoạt động", "Thông qua các hoạt động\n\n¹ Đề án số 02"),
    ("footnotes", "hết câu.\n\n¹ Chú thích\n\nCâu mới", "hết câu.\n\n¹ Chú thích\n\nCâu mới"),
    ("footnotes", "như sau:\n\n¹ Chú thích\n\na) mục a", "như sau:\n\n¹ Chú thích\n\na) mục a"),
    # page breaks
    ("page_breaks", "cán bộ trong\n\nviệc thực hiện", "cán bộ trong việc thực hiện"),
    ("page_breaks", "phát huy\n2\n\nvai trò", "phát huy vai trò"),
    ("page_breaks", "phát triển\n\n===== Trang 2 =====\n2\n\ncác khu", "phát triển các khu"),
    ("page_breaks", "hết câu.\n\nviệc khác", "hết câu.\n\nviệc khác"),
    ("page_breaks", "như sau\n\nI. MỤC TIÊU", "như sau\n\nI. MỤC TIÊU"),
    ("page_breaks", "phối hợp thực hiện\n\na) Cuộc vận động", "phối hợp thực hiện\n\na) Cuộc vận động"),
    ("page_breaks", "năm 2024;\n\nb) Phân công", "năm 2024;\n\nb) Phân công"),
    ("page_breaks", "cuối dòng\nđầu dòng", "cuối dòng\nđầu dòng"),
]


@pytest.mark.parametrize("step_name,text,expected", CASES,
                         ids=[f"{c[0]}:{c[1][:24]!r}" for c in CASES])
def test_step_case(step_name, text, expected):
    assert STEPS[step_name](text) == expected


def test_every_step_has_must_change_and_must_not_change_cases():
    names = {s.name for s in DEFAULT_STEPS}
    changes = {c[0] for c in CASES if c[1] != c[2]}
    keeps = {c[0] for c in CASES if c[1] == c[2]}
    assert names <= changes
    assert names - {"nfc"} <= keeps  # nfc's must-not-change row is "Nghị quyết" (composed already)
    assert "nfc" in keeps


def test_markdown_bold_mid_sentence_is_removed_without_a_line_break():
    n = normalize("Thực hiện **Nghị quyết số 21-NQ/TU** của Ban Thường vụ")
    assert n.text == "Thực hiện Nghị quyết số 21-NQ/TU của Ban Thường vụ"
    assert "\n" not in n.text


def test_manifest_names_every_default_step_in_order():
    n = normalize("a")
    assert n.steps == tuple(s.name for s in DEFAULT_STEPS)
    assert len(set(n.steps)) == len(n.steps)
    assert all(s.description and s.example for s in DEFAULT_STEPS)


# --- the offset map ----------------------------------------------------------

def _fold(s: str) -> str:
    """Letters and digits only, composed, without tone marks, lower case: what normalisation keeps."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return "".join(c for c in s.lower() if c.isalnum()).replace("đ", "d")


def _subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_raw_span_of_a_normalised_span_contains_its_letters(doc):
    raw = read_text(doc)
    n = normalize(raw)
    assert len(n.starts) == len(n.ends) == len(n.text)
    rng = random.Random(doc.name)
    words = [(m.start(), m.end()) for m in __import__("regex").finditer(r"\w+(?:\s+\w+){0,6}", n.text)]
    for lo, hi in rng.sample(words, min(300, len(words))):
        a, b = n.raw_span(lo, hi)
        assert 0 <= a <= b <= len(raw)
        want = _fold(n.text[lo:hi])
        got = _fold(raw[a:b])
        # OCR-slip rewrites change letters, so compare modulo the slip table
        if not _subsequence(want, got):
            got = _fold(N.ocr_slips(N.tone_placement(unicodedata.normalize("NFC", raw[a:b]))))
        # normalisation only drops debris (page numbers, banners), so the letters
        # of the normalised span appear in order in its raw span
        assert _subsequence(want, got), (n.text[lo:hi], raw[a:b])
        assert got.startswith(want[:1]) and got.endswith(want[-1:]), (n.text[lo:hi], raw[a:b])


@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_raw_span_is_tight_for_untouched_text(doc):
    """A word no step touched maps back to exactly the same characters."""
    raw = read_text(doc)
    n = normalize(raw)
    rng = random.Random(len(raw))
    import regex

    words = list(regex.finditer(r"\b[a-zA-Z]{4,}\b", n.text))
    sample = rng.sample(words, min(200, len(words)))
    assert len(sample) >= 20
    exact = sum(raw[slice(*n.raw_span(*m.span()))] == m.group() for m in sample)
    assert exact >= 0.95 * len(sample)


def test_evidence_returns_raw_text_of_the_span():
    raw = "Kết luận số 62 – KL/TW của **Bộ Chính trị** (khoá X)"
    n = normalize(raw)
    s = n.text.index("khóa")
    lo, hi, text = n.evidence(s, s + 4)
    assert raw[lo:hi] == text == "khoá"
    s = n.text.index("62")
    assert n.evidence(s, s + len("62 - KL/TW"))[2] == "62 – KL/TW"


def test_empty_span_maps_to_a_position():
    n = normalize("abc")
    assert n.raw_span(1, 1) == (1, 1)
    assert n.raw_span(3, 3) == (3, 3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.data())
def test_normalize_never_crashes_and_spans_stay_in_bounds(raw, data):
    n = normalize(raw)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] <= n.ends[i] <= len(raw)
    lo = data.draw(st.integers(0, len(n.text)))
    hi = data.draw(st.integers(lo, len(n.text)))
    a, b = n.raw_span(lo, hi)
    assert 0 <= a <= b <= len(raw)


VIET = st.lists(st.sampled_from(list("aăâeêioôơuưy đĐ\u0300\u0301\u0303\u0309\u0323*#|\t\n -–¹²()")
                                + ["khoá", "Uỷ", "MITQ", "Phân đấu", "**", "\n\n", "a) ", "\n2\n", "1ỷ lệ"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(VIET)
def test_normalize_is_stable_on_vietnamese_like_noise(raw):
    n = normalize(raw)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] <= n.ends[i] <= len(raw)
    a, b = n.raw_span(0, len(n.text))
    assert 0 <= a <= b <= len(raw)
