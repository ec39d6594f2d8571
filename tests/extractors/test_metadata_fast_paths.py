"""The fast paths of :mod:`extractors.metadata` agree with the plain patterns they stand for.

Each is checked against its reference, written out here, three ways: a
hypothesis property over strings of keyword pieces and tricky characters, a
table of rows (must-not-match rows included, each pinned to what the
reference finds so that no row is vacuous), and every document of
``corpora/`` and ``tests/data/extra/``.

* ``_head_periods(text, end)``  == ``RE_PERIOD.finditer(text, 0, end)`` (spans and years);
* ``RE_RECIPIENT_ITEM``         == the lazy ``(?P<item>.+?)[ \\t]*$`` form it replaced
  (spans and items), on any text;
* ``_word_positions(text, words)`` == ``positions(text, w)`` for each word, joined (in any order),
  and so ``_mentions(rx, text, words)`` == ``rx.finditer(text)`` on the corpus.
"""
from __future__ import annotations

import pytest
import regex

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import metadata as M  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize, positions  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD  # noqa: E402

BLANKS = " \t\n\xa0\r\x0b\x0c\x1c\x85\u2028\u3000"
# \u0663 is an Arabic-Indic digit, \U0001d7ce a mathematical digit (astral): \d takes both
MARKS = "0123456789\u0663\U0001d7ce-–+•/.:;,"


def texts(pieces, max_pieces=12):
    atom = st.one_of(st.sampled_from(pieces), st.text("ađoạnkỳAĐOẠNKỲgitãố" + ODD + BLANKS + MARKS, max_size=4),
                     st.sampled_from(" " * 4 + "\t\n"))
    return st.lists(atom, max_size=max_pieces).map("".join)


def spans(matches, *groups):
    return [(m.span(), *(m.span(g) for g in groups), *(m.group(g) for g in groups)) for m in matches]


# ---------------------------------------------------------------- _head_periods

PERIOD_PIECES = ("giai đoạn", "GIAI ĐOẠN", "Giai  đoạn", "giai\nđoạn", "thời kỳ", "THỜI KỲ", "nhiệm kỳ", "Nhiệm Kỳ",
                 "2020", "2025", "1999", "2030", "19", "20", "12", "-", " - ", " -", "\n-\n", "năm", "x")


def assert_periods_agree(text, end=None):
    end = len(text) if end is None else min(end, len(text))
    want = spans(M.RE_PERIOD.finditer(text, 0, end), "a", "b")
    assert spans(M._head_periods(text, end), "a", "b") == want
    return want


@MANY
@given(texts(PERIOD_PIECES), st.integers(0, 60))
def test_periods_agree(text, end):
    assert_periods_agree(text)
    assert_periods_agree(text, end)


PERIOD_ROWS = [
    ("giai đoạn 2025-2030", [(0, 19)]),
    ("GIAI ĐOẠN\n  2025 - 2030", [(0, 23)]),  # the words and the years on two lines
    ("x giai \n đoạn \n 2020-2025", [(2, 25)]),
    ("thời kỳ2020-2025 và nhiệm kỳ 2020 - 2025", [(0, 16), (20, 40)]),
    ("Kế hoạch 2021-2025", [(8, 18)]),  # the blank before the years opens the match
    ("a 12020-20255", [(3, 12)]),  # "12020": the years start inside a number
    ("giai đoạn 2020", []),  # must not match: one year
    ("2020-2025-2030", [(0, 9)]),  # the second pair overlaps the first
    ("giai đoạn 1899-1900", []),  # must not match: not (19|20)xx
    ("giai đoạn 2021\u2013 2025", []),  # must not match: an en dash
    ("", []),
]


@pytest.mark.parametrize("text,want", PERIOD_ROWS)
def test_period_rows(text, want):
    assert [s[0] for s in assert_periods_agree(text)] == want


# ---------------------------------------------------------------- RE_RECIPIENT_ITEM

RE_RECIPIENT_ITEM_LAZY = regex.compile(r"^[ \t]*[-–+•][ \t]*(?P<item>.+?)[ \t]*$", regex.M)
ITEM_PIECES = ("- Như trên;", "- ", "-", "–", "+", "•", "\t", "  ", "\n", "\r", "Lưu VT.", "a", " b ", ";")


def assert_items_agree(text):
    want = spans(RE_RECIPIENT_ITEM_LAZY.finditer(text), "item")
    assert spans(M.RE_RECIPIENT_ITEM.finditer(text), "item") == want
    return want


@MANY
@given(texts(ITEM_PIECES, max_pieces=16))
def test_items_agree(text):
    assert_items_agree(text)


ITEM_ROWS = [
    ("- Như trên;\n- Lưu VT.", ["Như trên;", "Lưu VT."]),
    ("  •\tBan Dân vận  \t\n+ x", ["Ban Dân vận", "x"]),
    ("- a  b  ", ["a  b"]),  # blanks inside the item stay, those after it go
    ("-   ", [" "]),  # only blanks after the dash: the last one is the item
    ("-\t\n- y", ["\t", "y"]),
    ("- x\r", ["x\r"]),  # a carriage return is no blank
    ("-", []),  # must not match: nothing after the dash
    ("a - b", []),  # must not match: not at a line start
    ("Nơi nhận:", []),
]


@pytest.mark.parametrize("text,items", ITEM_ROWS)
def test_item_rows(text, items):
    assert [s[-1] for s in assert_items_agree(text)] == items


# ---------------------------------------------------------------- _word_positions

WORD_LISTS = [M.PROVINCE_WORDS, M.COMMUNE_WORDS, ("Nơi nh",), ("ab", "b"), ("aa",), ("ãã", "xã", "ã"), ("ố", "phố", "x")]
WORD_PIECES = M.PROVINCE_WORDS + M.COMMUNE_WORDS + ("Nơi nhận", "TỈNH ỦY", "tỈnh", "phố", "ố", "ã", "ợ", "Ợ", "x",
                                                    "X", "ab", "aa", "b")


def reference_word_positions(text, words):
    return [i for w in words for i in positions(text, w)]


def assert_word_positions_agree(text, words):
    want = sorted(reference_word_positions(text, words))
    assert sorted(M._word_positions(text, words)) == want
    return want


@MANY
@given(texts(WORD_PIECES, max_pieces=16), st.sampled_from(WORD_LISTS))
def test_word_positions_agree(text, words):
    assert_word_positions_agree(text, words)


WORD_ROWS = [
    ("tỉnh Tuyên Quang, TỈNH ỦY, Tỉnh ủy", M.PROVINCE_WORDS, [0, 18, 27]),
    ("thành phố Cần Thơ và THÀNH PHỐ", M.PROVINCE_WORDS, [0, 21]),
    ("xã Kẻ Sặt; Xã, XÃ", M.COMMUNE_WORDS, [0, 11, 15]),
    ("Nơi nhận:", ("Nơi nh",), [0]),
    ("xxã", ("ãã", "xã", "ã"), [1, 2]),
    ("aaa", ("aa",), [0, 1]),
    ("ããã", ("ãã", "ã"), [0, 0, 1, 1, 2]),  # anchors side by side  # overlapping, no anchor: the plain search
    ("tỈnh, đã, hợp, phố", M.PROVINCE_WORDS + M.COMMUNE_WORDS, []),  # must not match
    ("", M.PROVINCE_WORDS, []),
]


@pytest.mark.parametrize("text,words,want", WORD_ROWS)
def test_word_position_rows(text, words, want):
    assert assert_word_positions_agree(text, words) == want


# ---------------------------------------------------------------- the corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    norm = normalize(ingest(path).raw)
    text = norm.text
    assert_periods_agree(text, M.HEADER_CHARS)
    assert_periods_agree(text)
    assert_items_agree(text)
    for words in WORD_LISTS:
        assert_word_positions_agree(text, words)
    for rx, words in ((M.RE_PROVINCE_MENTION, M.PROVINCE_WORDS), (M.RE_COMMUNE_MENTION, M.COMMUNE_WORDS)):
        assert spans(M._mentions(rx, text, words), "name") == spans(rx.finditer(text), "name")
