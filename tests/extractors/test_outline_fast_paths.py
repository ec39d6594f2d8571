"""``outline._close_bodies`` (one pass with a stack) agrees with the plain rule it stands for.

The reference is the rule as written: a section's body runs to the start of
the first later section of the same or a higher level (a lower or equal
``level``), else to the end of the raw text.  Checked with a hypothesis
property over outlines of random levels, a table of rows and every document
of ``corpora/`` and ``tests/data/extra/``.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from extractors.outline import _close_bodies, find_sections  # noqa: E402
from extractors.records import Section  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY  # noqa: E402


def reference_close_bodies(sections, raw_len):
    out = list(sections)
    for i, sec in enumerate(sections):
        end = raw_len
        for later in sections[i + 1:]:
            if later.level <= sec.level:
                end = later.start
                break
        out[i] = replace(sec, body_end=end)
    return out


def outline(levels, raw_len=1000):
    return [Section(f"s{i}", "I", "T", level, "I", 10 * i, 10 * i + 5, "x", 10 * i + 5, None)
            for i, level in enumerate(levels)]


@MANY
@given(st.lists(st.integers(1, 5), max_size=30))
def test_close_bodies_agrees_with_the_rule(levels):
    sections = outline(levels)
    assert _close_bodies(sections, 1000) == reference_close_bodies(sections, 1000)


@pytest.mark.parametrize("levels,ends", [
    ([], []),
    ([1], [1000]),
    ([1, 2, 3, 2, 1], [40, 30, 30, 40, 1000]),
    ([3, 2, 1], [10, 20, 1000]),  # deeper first: each closed by the next
    ([1, 1, 1], [10, 20, 1000]),
    ([2, 3, 3, 1, 2], [30, 20, 30, 1000, 1000]),
])
def test_close_bodies_rows(levels, ends):
    got = _close_bodies(outline(levels), 1000)
    assert [s.body_end for s in got] == ends
    assert got == reference_close_bodies(outline(levels), 1000)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    raw = ingest(path).raw
    sections, _ = find_sections(normalize(raw))
    assert sections == reference_close_bodies(sections, len(raw))
