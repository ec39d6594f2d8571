"""The fast paths of :mod:`extractors.citations` agree with what they stand for.

The title after a reference (:func:`citations._title_after`) is read by
``RE_AFTER_TITLE_RUNS``, which tries the end of the title only before the
characters where it can hold, and by ``RE_AFTER_TITLE`` (the reference) when
its title runs past 300 characters.  Both must give the same match (span and
groups) at every position after a symbol of the real corpus, on strings made
of title pieces (hypothesis: "về", "V/v", blanks, line breaks before lower and
upper case, every character the end reads, long runs) and on rows.  Its runs
of words (``_TITLE_RUN``, one class repeat) must read what the run read a
character at a time reads (``_TITLE_RUN_BY_CHARACTER``).

The kind phrase before a symbol (:func:`citations._kind_before`) is read
without RE_BEFORE's law branch where the window holds no law kind's last word
("Luật", "luật", "lệnh"): it must give what ``RE_BEFORE.search`` gives (span
and groups), on strings of kind words, law names and "số" (hypothesis), on
rows, and before every symbol of the real corpus.

The symbol trigger (``RE_SYM_TRIGGER``) opens with a digit class.  Written
``[\\d…]`` the stdlib engine looks each character's category up; spelled out
as ranges (``_DECIMAL``, built from ``re`` at import) it tests a bitmap.  The
reference is the trigger as it was written, with ``\\d``: both must find the
same candidates, on every BMP character alone, on strings of digits of many
scripts, separators and capitals (hypothesis), and on the real corpus.  And
the trigger stands for RE_SYM's starts: RE_SYM tried only where it matches
must find what ``RE_SYM.finditer`` finds, on strings of numbers, codes,
separators, dates and the characters before a number (hypothesis), on rows
and on the real corpus.

The named references' trigger (``RE_NAMED_TRIGGER``) stands for RE_NAMED's
starts: RE_NAMED tried only where it matches must find what
``RE_NAMED.finditer`` finds, on strings of heads and what follows them
(hypothesis), on rows and on the real corpus.

The sentence stops (``RE_STOP_BREAK``, a scan led by ``[.!?]``) are found by
one scan per mark (``RE_STOP_BREAKS``): together they must find the same
places, on strings of marks, blanks, capitals and digits (hypothesis) and on
the real corpus.
"""
from __future__ import annotations

import re

import pytest
import regex

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import citations as C  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD, VI_LOWER, corpus_text  # noqa: E402

# The trigger as it was written before the digits were spelled out.
_TD_REF = r"[\d\U00010000-\U0010ffff]"
RE_SYM_TRIGGER_REF = re.compile(
    rf"{_TD_REF}(?<![\d./,\-A-Za-z].)(?={_TD_REF}{{0,4}}"
    rf"(?:{C._TWS}(?:-{C._TWS}{C._TUP}|/{C._TWS}(?:{C._TUP}|(?:19|20){_TD_REF}{_TD_REF}{C._TWS}/))"
    rf"|[ \t]+{C._TUP}{C._TCODE}*{C._TWS}/))"
)


def spans(rx: re.Pattern, s: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(s)]


def test_the_spelled_out_class_is_stdlib_digits():
    spelled = re.compile(f"[{C._DECIMAL}]")
    digit = re.compile(r"\d")
    for code in range(0x10000):
        c = chr(code)
        assert bool(spelled.fullmatch(c)) == bool(digit.fullmatch(c)), hex(code)


def test_the_trigger_is_the_reference_with_digits_spelled_out():
    assert RE_SYM_TRIGGER_REF.pattern == C.RE_SYM_TRIGGER.pattern.replace(C._TD, _TD_REF)


DIGITS = "0123456789" + "\u0660\u0669\u06f5\u0966\u09e7\u0e52\uff10\uff19" + "\U0001d7ce\U000104a0\U0001e950"
PIECES = ("-", "/", " ", "\t", "\n", " - ", "/ ", "19", "20", "2025", "QĐ", "TW", "KH", "Q", "Đ", "a", "x", "²", "½",
          "Ⅳ", "217-QĐ/TW", "12/12/2013", "số ")


@MANY
@given(st.lists(st.sampled_from(tuple(DIGITS) + PIECES + tuple(ODD) + tuple(VI_LOWER[:12])), max_size=30).map("".join))
def test_the_trigger_finds_what_the_reference_finds(s):
    assert spans(C.RE_SYM_TRIGGER, s) == spans(RE_SYM_TRIGGER_REF, s)


@pytest.mark.parametrize("s, n", [
    ("Quyết định số 217-QĐ/TW ngày 12/12/2013", 1),   # a date is no candidate
    ("Kế hoạch \u0660\u0661-KH/TU", 1),       # Arabic-Indic digits are stdlib digits
    ("Kế hoạch ²³-KH/TU", 0),                 # superscripts are not
    ("123456-KH/TU", 0),                       # six digits are too many
    ("", 0),
])
def test_rows(s, n):
    assert spans(C.RE_SYM_TRIGGER, s) == spans(RE_SYM_TRIGGER_REF, s)
    assert len(spans(C.RE_SYM_TRIGGER, s)) == n


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    text = corpus_text(path)
    assert spans(C.RE_SYM_TRIGGER, text) == spans(RE_SYM_TRIGGER_REF, text)


# The trigger stands for RE_SYM's starts: scanning RE_SYM only where it matches
# must find every match of RE_SYM.finditer (it is a superset of the starts).

def check_symbols(s: str) -> None:
    assert [m.span() for m in C._scan(C.RE_SYM, C.RE_SYM_TRIGGER, s)] == spans(C.RE_SYM, s)


SYMBOL_PIECES = ("217", "2021", "19", "20", "5", "-", "/", " ", "\t", "\n", " - ", "/ ", "QĐ", "TW", "CTr", "TTg", "NĐ-CP",
                 "QH13", "KH", "MTTQ", "&", "Q", "Đ", "đã", "Quý", "a", "x", ".", ",", "(", "²", "\u0661", "\U0001d7ce")


@MANY
@given(st.lists(st.sampled_from(SYMBOL_PIECES + tuple(ODD) + tuple(VI_LOWER[:12])), max_size=24).map("".join))
def test_the_trigger_finds_every_symbol(s):
    check_symbols(s)


@pytest.mark.parametrize("s, n", [
    ("Quyết định số 217-QĐ/TW, Nghị định 93/2021/NĐ-CP và Luật số 75/2015/QH13", 3),
    ("104 CTr/TU · 104\tCTr / TU · 75-\nKL/TW · 212-QĐ-TW · 318/QĐ-TTg · 27/CTTg", 6),
    ("\u0661\u0660-KH/TU", 1),                  # Arabic-Indic digits
    ("(217-QĐ/TW), “03/CT-TTg”, [01/2024/TT-BNV]", 3),  # brackets and quotes before the number
    ("104 NN&PTNT/TU, 104 CTrPH/TU, 12 TTg1/TU", 3),     # the spaced form: "&", a lower-case letter, a digit
    ("Luật số 75/ 2015 /QH13", 1),
    ("Năm 2021\tQuý II · năm 2025 đã · 7 Ban Chỉ đạo", 0),   # must not match: no slash after the code
    ("ngày 12/7/2021 · tháng 12/2022 · 1.5/KH", 0),  # must not match: dates, a number after "."
    ("x12/KH-UBND", 0),                            # must not match: a letter before the number
])
def test_symbol_rows(s, n):
    check_symbols(s)
    assert len(spans(C.RE_SYM, s)) == n


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_symbols_corpus(path):
    check_symbols(corpus_text(path))


# ---------------------------------------------------------------- the title after a reference

def title_key(m):
    return None if m is None else (m.span(), m.groups())


def check_title(text: str, pos: int = 0) -> None:
    assert title_key(C._title_after(text, pos)) == title_key(C.RE_AFTER_TITLE.match(text, pos))


LONG = "phát huy vai trò giám sát của Mặt trận Tổ quốc " * 8  # ~380 characters without an end
TITLE_PIECES = ("về ", "Về ", "về việc ", "V/v ", "v/v", ", ", ": ", " ", "  ", "\t", "\n", "\n ", "\n\n", ";", ".",
                ". ", ".\n", "(", "(sau đây gọi tắt", "(gọi tắt", ")", "“", "”", "\"", "*", "ban hành Quy chế",
                "tăng cường", "Đảng", "x", "ab", "1.2", LONG, "a" * 60, "A" * 55 + "\nb")


@MANY
@given(st.lists(st.sampled_from(TITLE_PIECES + tuple(ODD)), max_size=14).map("".join), st.integers(0, 6))
def test_the_title_runs_find_what_the_reference_finds(s, pos):
    check_title(s, min(pos, len(s)))


@pytest.mark.parametrize("s", [
    " về việc ban hành Quy chế; và",
    " về tăng cường công tác. Tiếp",
    " về việc thực hiện\nquy chế dân chủ (sau đây gọi tắt là Quy chế)",
    " về " + LONG + "; và",                      # too long: the reference decides (no title)
    " về " + LONG[:290] + "; và",                # just short enough
    " về " + LONG[:296] + " ; và",               # the end after 300 characters of title, then blanks
    ", V/v xây dựng Đề án",                      # the end of the text ends it
    " “Dân vận khéo”",                           # quoted
    " về;",                                      # must not match: no title
    " tại Hội nghị",                             # must not match
    "",
])
def test_title_rows(s):
    check_title(s)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_title_corpus(path):
    text = corpus_text(path)
    for m in C.RE_SYM.finditer(text):
        for pos in (m.end(), m.end() + 1):
            check_title(text, min(pos, len(text)))


# ---------------------------------------------------------------- the named references' trigger

# RE_NAMED_TRIGGER stands for RE_NAMED's starts: RE_NAMED tried only where it
# matches must find every match of RE_NAMED.finditer.

def check_named(s: str) -> None:
    assert [m.span() for m in C._scan(C.RE_NAMED, C.RE_NAMED_TRIGGER, s)] == spans(C.RE_NAMED, s)


NAMED_PIECES = ("Nghị quyết ", "Nghị  quyết\n", "Văn kiện ", "Đại hội ", "đại biểu toàn quốc ", "Hội nghị ", "Trung ương ",
                "lần thứ ", "XIII", "6 ", "12", "tư ", "mười hai ", "của ", "BCH ", "Ban Chấp hành ", "Đảng ", "(khóa XII)",
                "số ", "này", "Luật ", "Bộ luật ", "Lao động ", "Hiến pháp ", "năm 2013", "Điều lệ ", "Cương lĩnh ",
                "ban hành ", "Quy chế ", "dân chủ ở cơ sở", "Đề án ", "Kế hoạch ", "“Chuyển đổi số”", "Ủy ban MTTQ tỉnh ",
                "về ", ", ", ". ", "; ", "\u0661 ", "nhất ")


@MANY
@given(st.lists(st.sampled_from(NAMED_PIECES + tuple(ODD)), max_size=14).map("".join))
def test_the_named_trigger_finds_every_named_reference(s):
    check_named(s)


@pytest.mark.parametrize("s, n", [
    ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", 1),
    ("Nghị quyết Trung ương 6 (khóa XII)", 1),
    ("Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng (khóa XII)", 1),
    ("Nghị quyết lần thứ 12 của BCH Trung ương", 1),
    ("Nghị quyết mười hai BCH Trung ương Đảng", 1),
    ("Nghị quyết \u0661\u0662 BCH Trung ương", 1),     # Arabic-Indic digits
    ("Nghị quyết của Ban Chấp hành Đảng bộ tỉnh về phát triển", 1),
    ("Nghị quyết số 21-NQ/TU, Nghị quyết này, Nghị quyết về nâng cao", 0),   # must not match
    ("Văn kiện Đại hội XIII; Hiến pháp năm 2013; Luật Đất đai năm 2024", 3),
])
def test_named_rows(s, n):
    check_named(s)
    assert len(spans(C.RE_NAMED, s)) == n


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_named_corpus(path):
    check_named(corpus_text(path))


# ------------------------------------------------ a run of title words, one class repeat

RE_RUN = regex.compile(C._TITLE_RUN, regex.V1)
RE_RUN_BY_CHARACTER = regex.compile(C._TITLE_RUN_BY_CHARACTER, regex.V1)
RUN_PIECES = ("a", "ề", "Đ", "1", ",", "-", "“", " ", "  ", "\t", "\n", ";", ".", "(", ")", "\xa0", "x y", "ab cd")


def check_run(s: str, pos: int = 0) -> None:
    assert title_key(RE_RUN.match(s, pos)) == title_key(RE_RUN_BY_CHARACTER.match(s, pos))


@MANY
@given(st.lists(st.sampled_from(RUN_PIECES + tuple(ODD)), max_size=16).map("".join), st.integers(0, 4))
def test_the_run_is_the_run_read_by_character(s, pos):
    check_run(s, min(pos, len(s)))


@pytest.mark.parametrize("s, end", [
    ("lấy ý kiến về dự thảo; và", 21),       # words and the spaces between them
    ("ban hành Quy chế . Tiếp", 16),          # spaces before "." are left out
    ("  hai  dấu  cách(", 16),                # spaces first, then a word: taken
    ("quy chế\ndân chủ", 7),                  # a line break ends a run
    ("a\tb", 1),
    ("   ;", None),                            # must not match: spaces alone
    (".", None),                               # must not match
    ("", None),
])
def test_run_rows(s, end):
    check_run(s)
    m = RE_RUN.match(s)
    assert (m.end() if m else None) == end


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_run_corpus(path):
    text = corpus_text(path)
    for m in C.RE_SYM.finditer(text):
        for pos in range(m.end(), min(m.end() + 120, len(text)), 7):
            check_run(text, pos)


# ---------------------------------------------------------------- the kind phrase before a symbol

def check_before(text: str) -> None:
    """The window before a symbol placed at the end of ``text``."""
    n = len(text)
    ref = C.RE_BEFORE.search(text, max(0, n - C.BEFORE_WINDOW), n)
    assert title_key(C._kind_before(text, n)) == title_key(ref)


BEFORE_PIECES = ("Luật ", "luật ", "Bộ luật ", "Bộ  luật ", "Pháp lệnh ", "Pháp\nlệnh ", "lệnh ", "Mặt trận Tổ quốc ",
                 "Việt Nam ", "Cán bộ, công chức ", "số ", "Số ", "số: ", "SỐ:", "số", "Quyết định ", "quyết định ",
                 "Nghị quyết ", "Thông báo Kết luận ", "Kế hoạch ", "Chỉ thị liên tịch ", "Hướng dẫn ", "và ", "của ",
                 "theo ", ", ", "; ", "(", "“", "x", " ", "\n", "LUẬT ", "Luậtx ", "1")


@MANY
@given(st.lists(st.sampled_from(BEFORE_PIECES + tuple(ODD)), max_size=16).map("".join))
def test_the_kind_before_is_the_reference(s):
    check_before(s)


@pytest.mark.parametrize("s, kind", [
    ("Căn cứ Luật Mặt trận Tổ quốc Việt Nam số ", "Luật"),
    ("theo Bộ luật Lao động số: ", "Bộ luật"),
    ("Pháp lệnh Thi đua số ", "Pháp lệnh"),
    ("Pháp lệnh Dân số số ", None),           # "số" inside the name: only the bare "số"
    ("Thực hiện Quyết định số ", None),
    ("Luật sư tham gia; Kế hoạch số ", None),    # a law word in the window, the kind after it
    ("Theo số ", None),
    ("Không có gì ", None),                      # must not match
    ("", None),
])
def test_before_rows(s, kind):
    check_before(s)
    k = C._kind_before(s, len(s))
    assert (k.group("lkind") if k else None) == kind


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_before_corpus(path):
    text = corpus_text(path)
    for m in C.RE_SYM.finditer(text):
        check_before(text[:m.start()])


# ---------------------------------------------------------------- sentence stops, one scan per mark

def stop_breaks(s: str) -> list[int]:
    """The stop ends :class:`citations._Context` collects (sorted with the line breaks)."""
    return sorted(m.end() for rx in C.RE_STOP_BREAKS for m in rx.finditer(s))


STOP_PIECES = (".", "!", "?", "…", " ", "  ", "\t", "\n", "\xa0", "A", "Đ", "a", "đ", "1", "(", "-", "“", "x.y",
               "?!", "..", ". -", ".\n\nB")


@MANY
@given(st.lists(st.sampled_from(STOP_PIECES + tuple(ODD) + tuple(VI_LOWER[:12])), max_size=24).map("".join))
def test_the_stop_scans_find_what_the_reference_finds(s):
    assert stop_breaks(s) == [m.end() for m in C.RE_STOP_BREAK.finditer(s)]


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_stop_corpus(path):
    text = corpus_text(path)
    assert stop_breaks(text) == [m.end() for m in C.RE_STOP_BREAK.finditer(text)]
