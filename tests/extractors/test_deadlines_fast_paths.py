"""The fast paths of :mod:`extractors.deadlines` agree with the slow patterns they stand for.

Each shortcut below promises to give what a slow pattern used plainly gives;
the *reference* of each is written out here, and checked against the fast
path three ways: a hypothesis property over strings of tricky characters and
keyword pieces, a table of rows (must-not-match rows included, each pinned to
what the reference finds so that no row is vacuous), and every document of
``corpora/`` and ``tests/data/extra/``.

* ``_time_at(text, low, s)``      == ``RE_TIME.match(text, s)`` (span and branch);
* ``RE_START_OK``                 is a necessary condition of ``RE_TIME.match``;
* ``RE_WORD_START``               leaves out no digit ``RE_START_OK`` accepts, wherever its
  scan's window ends;
* ``_trigger_starts(low)``        == starts of ``RE_TRIGGER.finditer(low)``;
* ``_word_starts(low, a, b)``     == starts of ``RE_WORD_START.finditer(low, a, b)``;
* ``_citation_starts(text)``      == starts of ``RE_CITATION_TRIGGER.finditer(text)``,
  and ``_citations(text)``        == ``RE_CITATION.finditer(text)``;
* ``_stops(text)``                == starts of ``RE_STOP.finditer(text)``;
* ``m.group(_group_numbers(m.re)[name])`` == ``m.group(name)`` (and captures, spans) for
  every group of the lexer's patterns.

Examples are derandomised; the file runs in a few seconds.
"""
from __future__ import annotations

import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import deadlines as D  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD, VI_LOWER, corpus_text  # noqa: E402


# ---------------------------------------------------------------- the alphabet

LETTERS = "".join(dict.fromkeys(VI_LOWER + VI_LOWER.upper() + "bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ" + ODD))
BLANKS = " \t\n\xa0\r\x0b\x0c\x1c\x85\u2028\u3000"
# \u0663 is an Arabic-Indic digit; \U0001d7ce a mathematical digit (astral)
MARKS = "0123456789\u0663\U0001d7ce:/-.;(),!?…\"“+•*_&"

PIECES = (
    "hoàn thành", "xong", "chậm nhất", "trước", "không quá", "đến", "tới", "bắt đầu từ", "kể từ", "từ",
    "trong", "vào", "cuối", "đầu", "ngày", "tháng", "quý", "Quý IV", "giai đoạn", "thời kỳ", "nhiệm kỳ",
    "các năm", "năm", "sơ kết", "tổng kết", "giữa", "định kỳ", "hằng", "hàng", "mỗi", "theo từng", "từng",
    "nửa", "một", "hai", "lần", "tuần", "hết", "6 tháng", "1 lần/năm", "6 tháng/lần", "2025", "2030",
    "1990", "31/12", "15/6/2024", "12-KH/TU", "93/2021/NĐ-CP", "217-QĐ/TW", "ban hành ngày", " - ", " / ",
    "NGÀY", "THÁNG", "Năm", "QUÝ", "TRƯỚC", "Từ", "İ", "ſ",
)


def texts(max_pieces: int = 12):
    atom = st.one_of(st.sampled_from(PIECES), st.text(LETTERS + BLANKS + MARKS, max_size=4),
                     st.sampled_from(" " * 4 + "\t\n"))
    return st.lists(atom, max_size=max_pieces).map("".join)


def lowered(text: str) -> str:
    """The lower-cased text as _time_matches builds it (same offsets)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


# ---------------------------------------------------------------- references


def summary(m):
    """A match's span and every group that took part (a RE_TIME_BARE pattern
    lacks the groups of the branches it drops, which then took no part)."""
    if m is None:
        return None
    return m.span(), {k: (v, m.span(k)) for k, v in m.groupdict().items() if v is not None}


def ref_time_at(text: str, s: int):
    return summary(D.RE_TIME.match(text, s))


def fast_time_at(text: str, low: str, s: int):
    return summary(D._time_at(text, low, s))


def ref_trigger_starts(low: str) -> list[int]:
    return [m.start() for m in D.RE_TRIGGER.finditer(low)]


def ref_word_starts(low: str, a: int, b: int) -> list[int]:
    return [m.start() for m in D.RE_WORD_START.finditer(low, a, b)]


def ref_citation_starts(text: str) -> list[int]:
    return [m.start() for m in D.RE_CITATION_TRIGGER.finditer(text)]


def ref_citations(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in D.RE_CITATION.finditer(text)]


def ref_stops(text: str) -> list[int]:
    return [m.start() for m in D.RE_STOP.finditer(text)]


def start_ok_violations(text: str) -> list[int]:
    """Starts the fast path would reject though RE_TIME matches there."""
    low = lowered(text)
    out = []
    for s in range(len(text)):
        ch = low[s]
        if (ch in D.TESTED_FIRST_LETTERS or ch.isdigit()) and not D.RE_START_OK.match(low, s):
            if D.RE_TIME.match(text, s):
                out.append(s)
    return out


def digit_start_violations(text: str) -> list[tuple[int, int]]:
    """(start, window end) of digits at a word start that RE_START_OK accepts but
    RE_WORD_START, scanning a window that ends there, leaves out."""
    low = lowered(text)
    out = []
    for s in range(len(low)):
        if low[s].isdigit() and RE_PLAIN_DIGIT_START.match(low, s) and D.RE_START_OK.match(low, s):
            # the look-ahead reads four characters at most: later ends are all the text's end
            ends = sorted({*range(s + 1, min(len(low), s + 8) + 1), len(low)})
            out += [(s, b) for b in ends if not D.RE_WORD_START.match(low, s, b)]
    return out


RE_PLAIN_DIGIT_START = re.compile(r"(?<!\w)\d")  # RE_WORD_START's digits before they were narrowed


def check_time_at(text: str) -> None:
    low = lowered(text)
    for s in range(len(text)):
        assert fast_time_at(text, low, s) == ref_time_at(text, s), (text, s)


def check_all(text: str) -> None:
    low = lowered(text)
    assert list(D._trigger_starts(low)) == ref_trigger_starts(low), text
    for a in (0, 1, len(low) // 2):
        assert D._word_starts(low, a, len(low)) == ref_word_starts(low, a, len(low)), (text, a)
    assert D._citation_starts(text) == ref_citation_starts(text), text
    assert [m.span() for m in D._citations(text)] == ref_citations(text), text
    assert D._stops(text) == ref_stops(text), text


# ---------------------------------------------------------------- properties


@MANY
@given(texts())
def test_time_at_is_re_time_match(text):
    check_time_at(text)


@MANY
@given(texts())
def test_start_ok_is_a_necessary_condition(text):
    assert start_ok_violations(text) == []


@MANY
@given(texts())
def test_word_starts_keep_every_digit_start_ok_accepts(text):
    assert digit_start_violations(text) == []


@MANY
@given(texts(16))
def test_scans_are_their_references(text):
    check_all(text)


def groups_by_name(m) -> dict:
    """Every group of a match, asked by name (the reference)."""
    return {k: (m.group(k), m.captures(k), m.spans(k)) for k in m.re.groupindex}


def groups_by_number(m) -> dict:
    """Every group of a match, asked by the number _group_numbers gives its name."""
    n = D._group_numbers(m.re)
    return {k: (m.group(i), m.captures(i), m.spans(i)) for k, i in n.items()}


def check_group_numbers(text: str) -> None:
    low = lowered(text)
    for s in range(len(text)):
        for m in (D.RE_TIME.match(text, s), D._time_at(text, low, s)):
            if m is not None:
                assert groups_by_number(m) == groups_by_name(m), (text, s)


@MANY
@given(texts())
def test_groups_by_number_are_groups_by_name(text):
    check_group_numbers(text)


# ---------------------------------------------------------------- rows

# (text, first RE_TIME match tried at every position, its branch); None: must not match
TIME_ROWS = [
    ("Hoàn thành trước ngày 31/12/2025.", "Hoàn thành trước ngày 31/12/2025", "date"),
    ("Báo cáo Quý IV/2030 gửi Sở.", "Quý IV/2030", "quarter"),
    ("hằng năm báo cáo", "hằng năm", "rec"),
    ("6 tháng đầu năm 2025", "6 tháng đầu năm 2025", "half"),
    ("giai đoạn 2021-2025", "giai đoạn 2021-2025", "period"),
    ("1 lần/năm", "1 lần/năm", "times"),
    ("NĂM 2025", "NĂM 2025", "year"),
    ("báo cáo theo từng quý", "theo từng quý", "rec"),
    ("từ năm 2021 đến hết năm 2025", "từ năm 2021 đến hết năm 2025", "range"),
    # the date of a citation is a time expression to the lexer (find_deadlines drops it by scope)
    ("theo Kế hoạch số 12-KH/TU ngày 3/4/2024 của Tỉnh ủy", "ngày 3/4/2024", "date"),
    ("tổng kết 10 năm thực hiện Nghị quyết năm 2030", "năm 2030", "year"),
    ("số người 15 người tham gia", None, None),
    ("năm học mới", None, None),
    ("tháng này", None, None),
    ("định kỳ kiểm tra", None, None),
    ("sơ kết công tác", None, None),
    ("Quý IV", None, None),
    ("số 12-KH/TU", None, None),
    ("hằng ngày", None, None),
    ("lần thứ 2", None, None),
    ("các năm tiếp theo", None, None),
]


def ref_first_time(text: str):
    for s in range(len(text)):
        m = D.RE_TIME.match(text, s)
        if m:
            return m
    return None


@pytest.mark.parametrize("text, want, branch", TIME_ROWS)
def test_time_rows(text, want, branch):
    check_time_at(text)
    check_group_numbers(text)
    assert start_ok_violations(text) == []
    assert digit_start_violations(text) == []
    m = ref_first_time(text)
    fast = list(D._time_matches(text))
    if want is None:
        assert m is None
        assert fast == []
    else:
        assert (m.group(), m.lastgroup) == (want, branch)
        assert fast and fast[0].span() == m.span()


CITATION_ROWS = [
    ("theo Kế hoạch số 12-KH/TU ngày 3/4/2024 của Tỉnh ủy", ["12-KH/TU ngày 3/4/2024"]),
    ("Nghị định 93/2021/NĐ-CP và Quy định 217-QĐ/TW", ["93/2021/NĐ-CP", "217-QĐ/TW"]),
    ("giai đoạn 2021-2025", []),  # a year range is no citation: no capital after the dash
    ("trước ngày 31/12/2025", []),
    ("Quý IV/2030", []),
    ("123456-KH/TU", []),  # six digits: too long a number
]


@pytest.mark.parametrize("text, want", CITATION_ROWS)
def test_citation_rows(text, want):
    assert [text[a:b] for a, b in ref_citations(text)] == want
    check_all(text)


STOP_ROWS = [
    ("Một. Hai! Ba? Bốn.", [3, 8, 12]),
    ("số 1.5 và 2.", []),
    ("Xong.\xa0Tiếp.\u2028x.\x1cy", [4, 10]),  # \x1c is a stdlib \s, not a regex \s
]


@pytest.mark.parametrize("text, want", STOP_ROWS)
def test_stop_rows(text, want):
    assert ref_stops(text) == want
    assert D._stops(text) == want


# ---------------------------------------------------------------- the corpus


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_scans(path):
    text = corpus_text(path)
    check_all(text)
    assert digit_start_violations(text) == []


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_time_at_at_fast_path_starts(path):
    """_time_at == RE_TIME.match at every start the fast lexer tries (word starts and triggers)."""
    text = corpus_text(path)
    low = lowered(text)
    starts = sorted(set(ref_word_starts(low, 0, len(low)) + ref_trigger_starts(low)))
    for s in starts:
        assert fast_time_at(text, low, s) == ref_time_at(text, s), (s, text[s:s + 40])
        ch = low[s]
        if (ch in D.TESTED_FIRST_LETTERS or ch.isdigit()) and not D.RE_START_OK.match(low, s):
            assert D.RE_TIME.match(text, s) is None, (s, text[s:s + 40])


@pytest.mark.parametrize("pattern", [D.RE_TIME, *dict.fromkeys(D.RE_TIME_BARE.values())])
def test_group_numbers_are_the_groupindex(pattern):
    # names used twice in a branch ("pos", "ql", "rm", "ad"…) name one group
    assert D._group_numbers(pattern) == dict(pattern.groupindex)
    assert D._group_numbers(pattern) is D._group_numbers(pattern)  # made once


# ---------------------------------------------------------------- records made slot by slot


def test_new_deadline_is_the_dataclass_record():
    import pickle
    from dataclasses import fields

    values = ("doc", "trước ngày 20/12/2025", 10, 31, "date", "2025-12-20", "2025-12-20", "2025-12-20", "by",
              "", (), "", "I > 2", "prose", 0, 60)
    assert len(values) == len(fields(D.Deadline))
    made, plain = D._new_deadline(*values), D.Deadline(*values)
    assert made == plain
    assert [getattr(made, f.name) for f in fields(D.Deadline)] == list(values)
    assert made.to_dict() == plain.to_dict()
    assert pickle.dumps([made, made]) == pickle.dumps([plain, plain])
    with pytest.raises(ValueError):
        D._new_deadline(*values[:-1])  # a missing field is an error, not an unset slot
