"""``outline._heading_parts`` (one ``m.groups()``) reads what the groups looked up by name hold.

The reference is the code it replaced: the first kind group that took part,
the label with its blanks collapsed, the title stripped.  Checked with a
hypothesis property over heading-like lines, a table of rows (lines that are
no heading included) and every line of ``corpora/`` and ``tests/data/extra/``.
"""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import outline as O  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD, corpus_text  # noqa: E402


def reference_heading_parts(m):
    kind = next(k for k in O.RANKS[:-1] if m.group(k) is not None)
    return kind, " ".join(m.group("label").split()), m.group("title").strip()


def assert_parts_agree(line):
    m = O.RE_HEADING.match(line)
    if m:
        assert O._heading_parts(m) == reference_heading_parts(m)
    return m is not None


PIECES = ("Phần", "phần", "thứ", "hai", "Chương", "Điều", "I", "II", "IV", "X", "1", "2", "12", ".", "-", ")",
          "(", "(1)", "a)", "đ)", " ", "  ", "\t", ":", "MỤC TIÊU", "Nhiệm vụ", "“", "2.2", "2.2.1", "/", "QĐ") + tuple(ODD)


@MANY
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join))
def test_heading_like_lines_agree(line):
    assert_parts_agree(line)


PARTS_ROWS = [
    ("Phần thứ hai  KẾT QUẢ", ("part", "Phần thứ hai", "KẾT QUẢ")),
    ("Chương II. QUY ĐỊNH CHUNG", ("chapter", "Chương II", "QUY ĐỊNH CHUNG")),
    ("Điều 5. Phạm vi", ("article", "Điều 5", "Phạm vi")),
    ("II. MỤC TIÊU ", ("roman", "II", "MỤC TIÊU")),
    ("2.2.1. Giám sát", ("arabic3", "2.2.1", "Giám sát")),
    ("II.1 Nhiệm vụ", ("arabic2", "II.1", "Nhiệm vụ")),
    ("1. Mục tiêu chung", ("arabic", "1", "Mục tiêu chung")),
    ("(1)- 100% kiến nghị", ("paren", "(1)", "100% kiến nghị")),
    ("a) Đối với cấp tỉnh", ("letter", "a)", "Đối với cấp tỉnh")),
    ("Phần   II: X", ("part", "Phần II", "X")),  # blanks in the label collapse
    ("02-ĐA/TU ngày", None),  # a symbol, no heading
    ("trong năm 2025", None),
]


@pytest.mark.parametrize("line,parts", PARTS_ROWS)
def test_heading_rows(line, parts):
    m = O.RE_HEADING.match(line)
    assert (O._heading_parts(m) if m else None) == parts
    assert_parts_agree(line)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    for line in corpus_text(path).split("\n"):
        assert_parts_agree(line)
