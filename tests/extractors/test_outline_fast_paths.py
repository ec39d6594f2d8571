"""The fast paths of :mod:`extractors.outline` agree with the plain code they stand for.

``_new_section`` (slots filled through their descriptors) makes the sections
``Section(...)`` makes: a hypothesis property over field values, rows, the
guard that sends a changed record back to the plain constructor, and every
outline of the corpus rebuilt with ``Section`` itself.

``_body_ends`` (one pass with a stack) agrees with the plain rule it stands for.

The reference is the rule as written: a section's body runs to the start of
the first later section of the same or a higher level (a lower or equal
``level``), else to the end of the raw text.  Checked with a hypothesis
property over outlines of random levels, a table of rows and every document
of ``corpora/`` and ``tests/data/extra/`` (where ``find_sections`` gathers
the headings first and makes each ``Section`` once, with its body's end).
"""
from __future__ import annotations

from dataclasses import fields

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import outline as O  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from extractors.outline import _body_ends, find_sections  # noqa: E402
from extractors.records import Section  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY  # noqa: E402


def assert_same_section(*args):
    got, want = O._new_section(*args), Section(*args)
    assert type(got) is Section
    assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
    assert got.to_dict() == want.to_dict()


@MANY
@given(st.tuples(st.text(max_size=4), st.text(max_size=4), st.text(max_size=4), st.integers(), st.text(max_size=4),
                 st.integers(), st.integers(), st.text(max_size=4), st.integers(), st.none() | st.text(max_size=4)))
def test_sections_agree(args):
    assert_same_section(*args)


@pytest.mark.parametrize("args", [
    ("s0", "I", "MỤC TIÊU", 1, "I", 10, 22, "I. MỤC TIÊU", 500, None),
    ("s3", "2.2", "Nhiệm vụ", 3, "I > 2 > 2.2", 40, 55, "**2.2. Nhiệm vụ**", 40, "s2"),
    ("s1", "", "", 0, "", 0, 0, "", 0, ""),
])
def test_section_rows(args):
    assert_same_section(*args)


def test_the_guard_knows_the_record():
    assert O.SECTION_FIELDS == tuple(f.name for f in fields(Section))
    assert O._new_section is not Section  # the fast path is in use
    with pytest.raises(AttributeError):
        O._new_section("s0", "I", "", 1, "I", 0, 1, "I", 1, None).level = 2  # still frozen


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_sections(path, monkeypatch):
    norm = normalize(ingest(path).raw)
    got = find_sections(norm)
    monkeypatch.setattr(O, "_new_section", Section)
    want = find_sections(norm)
    assert got == want
    assert [s.to_dict() for s in got[0]] == [s.to_dict() for s in want[0]]


def reference_body_ends(levels, starts, raw_len):
    out = []
    for i, level in enumerate(levels):
        end = raw_len
        for j in range(i + 1, len(levels)):
            if levels[j] <= level:
                end = starts[j]
                break
        out.append(end)
    return out


def starts_of(levels):
    return [10 * i for i in range(len(levels))]


@MANY
@given(st.lists(st.integers(1, 5), max_size=30))
def test_body_ends_agree_with_the_rule(levels):
    starts = starts_of(levels)
    assert _body_ends(levels, starts, 1000) == reference_body_ends(levels, starts, 1000)


@pytest.mark.parametrize("levels,ends", [
    ([], []),
    ([1], [1000]),
    ([1, 2, 3, 2, 1], [40, 30, 30, 40, 1000]),
    ([3, 2, 1], [10, 20, 1000]),  # deeper first: each closed by the next
    ([1, 1, 1], [10, 20, 1000]),
    ([2, 3, 3, 1, 2], [30, 20, 30, 1000, 1000]),
])
def test_body_ends_rows(levels, ends):
    assert _body_ends(levels, starts_of(levels), 1000) == ends
    assert reference_body_ends(levels, starts_of(levels), 1000) == ends


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    raw = ingest(path).raw
    sections, _ = find_sections(normalize(raw))
    assert [s.body_end for s in sections] == \
        reference_body_ends([s.level for s in sections], [s.start for s in sections], len(raw))
    by_id = {s.id: s for s in sections}
    for s in sections:  # a child's path extends its parent's, one level down
        if s.parent is not None:
            assert s.path.startswith(by_id[s.parent].path + " > ") and s.level == by_id[s.parent].level + 1
