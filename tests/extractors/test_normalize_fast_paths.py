"""The fast paths of :mod:`extractors.normalize` agree with the plain code they stand for.

* ``_apply`` and ``normalize`` keep the offset maps as runs (``_Runs``)
  while the steps edit the text and write the arrays once at the end; the
  *reference* is the chunk-by-chunk ``extend`` of every step's arrays, kept
  below.  Texts, maps, descents: all must be equal, and the descents must be
  exactly the positions where a map decreases.  ``_apply`` goes through the
  arrays at every call, ``normalize`` chains the runs: both are checked.
* ``punctuation`` tries its pattern only at the characters of its class, and
  ``ocr_slips`` its alternation only where a row's literal occurs
  (:func:`extractors.normalize.finditer_at`); the reference scans the text
  with the same pattern.  The literals are found by one scan per first
  character (:func:`extractors.normalize.literal_positions`); the reference
  is ``positions`` of each literal.
* ``markdown``, ``spaces``, ``page_breaks`` and ``footnotes`` try their pattern only at
  candidates (a stdlib-``re`` prescan); the reference scans the text with the
  pattern.

Each is checked with a hypothesis property, a table of rows (must-not-change
rows included) and every document of ``corpora/`` and ``tests/data/extra/``.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import normalize as N  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import Edit  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, VI_LOWER  # noqa: E402


# ---------------------------------------------------------------- references

def reference_apply(text, starts, ends, edits, descents=None):
    """``_apply`` as it was: every chunk of the maps copied with ``extend``."""
    out: list[str] = []
    new_starts = array("l")
    new_ends = array("l")
    new_descents = None if descents is None else []
    track = starts is not None
    pos = 0

    def put(s_chunk, e_chunk, src=None):
        if new_descents is not None and s_chunk:
            o = len(new_starts)
            if o and (new_starts[-1] > s_chunk[0] or new_ends[-1] > e_chunk[0]):
                new_descents.append(o)
            if src is not None and descents:
                i, j = bisect_right(descents, src), bisect_left(descents, src + len(s_chunk))
                new_descents.extend(d - src + o for d in descents[i:j])
        new_starts.extend(s_chunk)
        new_ends.extend(e_chunk)

    for e in edits:
        if e.start < pos:
            continue
        out.append(text[pos:e.start])
        if track:
            put(starts[pos:e.start], ends[pos:e.start], pos)
        if e.end > e.start:
            lo, hi = (starts[e.start], ends[e.end - 1]) if track else (0, 0)
        else:
            lo = hi = (starts[e.start] if e.start < len(starts) else (ends[-1] if len(ends) else 0)) if track else 0
        literal_len = sum(len(p) for p in e.pieces if isinstance(p, str))
        one_to_one = len(e.pieces) == 1 and isinstance(e.pieces[0], str) and literal_len == e.end - e.start
        for piece in e.pieces:
            if isinstance(piece, str):
                out.append(piece)
                if track:
                    if one_to_one:
                        put(starts[e.start:e.end], ends[e.start:e.end], e.start)
                    else:
                        put(array("l", [lo]) * len(piece), array("l", [hi]) * len(piece))
            else:
                a, b = piece
                out.append(text[a:b])
                if track:
                    put(starts[a:b], ends[a:b], a)
        pos = e.end
    out.append(text[pos:])
    if track:
        put(starts[pos:], ends[pos:], pos)
    return "".join(out), new_starts, new_ends, new_descents


def true_descents(starts, ends) -> list[int]:
    return [i for i in range(1, len(starts)) if starts[i] < starts[i - 1] or ends[i] < ends[i - 1]]


def scan_edits(step, pattern, module, text):
    """What a :func:`regex_step` finds when its pattern scans the whole text."""
    rx = module.compile(pattern, module.M)
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def reference_ocr(text):
    return [(m.start(), m.end(), N.OCR_SLIPS[int(m.lastgroup[1:])][1]) for m in N.RE_OCR.finditer(text)]


# ---------------------------------------------------------------- _apply

@st.composite
def texts_and_edits(draw):
    """A text, maps as some earlier steps left them (moved text included), and sorted edits."""
    text = draw(st.text(alphabet="ab \n*–", max_size=30))
    starts, ends = N._identity_maps(len(text))
    descents: list[int] = []
    for _ in range(draw(st.integers(0, 2))):  # earlier steps: maps that are no longer the identity
        text, starts, ends, descents = reference_apply(text, starts, ends, draw(edits_of(text)), descents)
    return text, starts, ends, descents, draw(edits_of(text))


@st.composite
def edits_of(draw, text):
    n = len(text)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=8)))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            pieces = (draw(st.text(alphabet="xy\n", max_size=3)),)
        elif kind == 1:
            pieces = ("z" * (b - a),)  # same length: per-character maps kept
        elif kind == 2 and n:
            c, d = sorted((draw(st.integers(0, n)), draw(st.integers(0, n))))
            pieces = (" ", (c, d), "\n\n")  # moves text, as the footnotes step does
        else:
            pieces = ((a, b),)
        edits.append(Edit(a, b, pieces))
        if draw(st.booleans()) and edits:
            edits.append(Edit(a, b, ("overlap",)))  # skipped: the earlier edit wins
    return edits


@MANY
@given(texts_and_edits())
def test_apply_agrees_with_the_reference(case):
    text, starts, ends, descents, edits = case
    got = N._apply(text, starts, ends, edits, descents)
    want = reference_apply(text, starts, ends, edits, descents)
    assert got == want
    assert got[3] == true_descents(got[1], got[2])
    assert N._apply(text, None, None, edits)[0] == want[0]


@st.composite
def edit_chains(draw, text):
    """Edits of ``text``, then edits of the text they leave, and so on (up to four steps)."""
    chain = []
    for _ in range(draw(st.integers(1, 4))):
        edits = draw(edits_of(text))
        chain.append(edits)
        text = reference_apply(text, None, None, edits)[0]
    return chain


def chained_runs(text, chain):
    """What ``normalize`` does with each step's edits: runs edited in turn, arrays written once."""
    runs = N._Runs.identity(len(text))
    for edits in chain:
        text, runs = N._edited(text, edits, runs)
    return (text, *runs.arrays(), runs.descents())


def chained_reference(text, chain):
    text, starts, ends, descents = text, *N._identity_maps(len(text)), []
    for edits in chain:
        text, starts, ends, descents = reference_apply(text, starts, ends, edits, descents)
    return text, starts, ends, descents


@MANY
@given(st.text(alphabet="ab \n*–", max_size=30).flatmap(lambda t: st.tuples(st.just(t), edit_chains(t))))
def test_chained_runs_agree_with_the_reference(case):
    text, chain = case
    got = chained_runs(text, chain)
    assert got == chained_reference(text, chain)
    assert got[3] == true_descents(got[1], got[2])


APPLY_ROWS = [
    ("ab**cd", [Edit(2, 4, ("",))]),
    ("x – y", [Edit(2, 3, ("-",))]),  # one for one
    ("hoà bình", [Edit(0, 3, ("hòa",))]),
    ("a\n\n\nb", [Edit(1, 4, ("\n\n",))]),
    ("trong\n\n¹ x\n\nviệc", [Edit(5, 16, (" ", (13, 16), "\n\n", (7, 10)))]),  # text moved back
    ("", [Edit(0, 0, ("x",))]),  # insertion into an empty text
    ("abc", [Edit(3, 3, ("!",))]),  # insertion at the end
    ("abc", []),  # no edit
]


@pytest.mark.parametrize("text,edits", APPLY_ROWS)
def test_apply_rows(text, edits):
    starts, ends = N._identity_maps(len(text))
    got = N._apply(text, starts, ends, edits, [])
    assert got == reference_apply(text, starts, ends, edits, [])
    assert got[3] == true_descents(got[1], got[2])
    assert chained_runs(text, [edits]) == got


CHAIN_ROWS = [
    # stars out, then a same-length edit and a deletion across the seams they left
    ("a**bc**d e", [[Edit(1, 3, ("",)), Edit(5, 7, ("",))], [Edit(0, 4, ("WXYZ",)), Edit(5, 6, ("",))]]),
    # text moved back, then an edit inside the moved part and one after it
    ("trong\n\n¹ x\n\nviệc", [[Edit(5, 16, (" ", (13, 16), "\n\n", (7, 10)))], [Edit(6, 8, ("VI",)), Edit(11, 14, ("",))]]),
    ("", [[Edit(0, 0, ("x",))], [Edit(1, 1, ("y",))]]),  # insertions from an empty text
    ("abc", [[], [Edit(0, 3, ("",))]]),  # everything deleted
]


@pytest.mark.parametrize("text,chain", CHAIN_ROWS)
def test_chain_rows(text, chain):
    got = chained_runs(text, chain)
    assert got == chained_reference(text, chain)
    assert got[3] == true_descents(got[1], got[2])


@pytest.mark.parametrize("text,chain", CHAIN_ROWS)
def test_chain_rows_beyond_iota(monkeypatch, text, chain):
    """Runs counting beyond ``_IOTA`` (a text longer than ``_IOTA_MAX``) are built from ranges."""
    monkeypatch.setattr(N, "_IOTA", N.array("l"))
    monkeypatch.setattr(N, "_IOTA_MAX", 4)
    got = chained_runs(text, chain)
    assert got == chained_reference(text, chain)


# ---------------------------------------------------------------- candidates

PUNCT_ALPHABET = "".join(N._PUNCT_MAP) + "ab -/\n" + VI_LOWER[:12]
OCR_PIECES = tuple(lit for lit in N.OCR_LITERALS if lit) + (
    "MTTQ", "MITQVN", "Phân", "đấu", "Phần đầu ", " đến", " 100%", "\n", " ", "x", "1", "ỷ lệ", "_", "đ", "\u0301")


@MANY
@given(st.text(alphabet=PUNCT_ALPHABET, max_size=40))
def test_punctuation_candidates_find_what_the_scan_finds(text):
    assert_punctuation_agrees(text)


@MANY
@given(st.lists(st.sampled_from(OCR_PIECES), max_size=12).map("".join))
def test_ocr_candidates_find_what_the_scan_finds(text):
    assert_ocr_agrees(text)


def assert_punctuation_agrees(text):
    got = [(e.start, e.end) for e in N.punctuation.find(text)]
    pattern = "[" + re.escape("".join(N._PUNCT_MAP)) + "]+"
    assert got == scan_edits(N.punctuation, pattern, re, text)


def assert_ocr_agrees(text):
    got = [(e.start, e.end, e.pieces[0]) for e in N.ocr_slips.find(text)]
    assert got == reference_ocr(text)


# markdown: tried only at its candidates (stars and the blanks before them, backslashes,
# lines opening with two rule marks or a hash)
MARKDOWN_PIECES = ("*", "**", "***", "****", " ", "\t", "\n", "-", "- ", "_", "=", "#", "## ", "\\", "\\*",
                   "a", "B", "1", "Đ", "ạ", "- Tăng", "---", "* * *", "| x |", "\n## ", "\n--", "\n_ _")


def assert_markdown_agrees(text):
    got = [(e.start, e.end, e.pieces[0]) for e in N.markdown.find(text)]
    rx = N.regex.compile(N.MARKDOWN_PATTERN, N.regex.M)
    want = [(m.start(), m.end(), N._unmark(m)) for m in rx.finditer(text) if N._unmark(m) != m.group()]
    assert got == want


@MANY
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=14).map("".join))
def test_markdown_candidates_find_what_the_scan_finds(text):
    assert_markdown_agrees(text)


MARKDOWN_ROWS = [
    ("## **I. MỤC TIÊU**", 4), ("a\n## b", 1), ("a\n\t# b", 1), ("a\n  ---\nb", 1), ("-----", 1), ("a\n- - -\nb", 1), ("a\n  ***  \nb", 1), ("  # Tiêu đề", 1),
    ("của **Bộ Chính trị** về", 3),  # a closing "**" before a blank goes one star at a time ("ngày 21\n2025 *", 1), ("a \\- b", 1), ("x****Y", 1),
    ("- gạch đầu dòng", 0), ("a\n- Tăng cường\n-- hai", 0), ("2 * 3 = 6", 0), ("#hashtag", 0), ("", 0),
]


@pytest.mark.parametrize("text,n", MARKDOWN_ROWS)
def test_markdown_rows(text, n):
    assert len(list(N.markdown.find(text))) == n
    assert_markdown_agrees(text)


# spaces: tried only at its candidates (one re scan for the newlines that matter, "  " by str.find)
SPACE_PIECES = (" ", "  ", "\t", "\n", "\n\n", "\n\n\n", "a", "bc", "\u00a0", "\r", "|", "ạ")


def assert_spaces_agree(text):
    got = [(e.start, e.end, e.pieces[0]) for e in N.spaces.find(text)]
    rx = re.compile(N.SPACES_PATTERN, re.M)
    want = [(m.start(), m.end(), N._trim_spaces(m)) for m in rx.finditer(text) if N._trim_spaces(m) != m.group()]
    assert got == want


@MANY
@given(st.lists(st.sampled_from(SPACE_PIECES), max_size=16).map("".join))
def test_space_candidates_find_what_the_scan_finds(text):
    assert_spaces_agree(text)


SPACE_ROWS = [
    ("cuối dòng   \nsau", 1), ("a\t\t\nb", 1), ("x\ty \t", 1), ("\n  lead", 1), ("  lead", 1),
    ("a\n\n\n\nb", 1), ("a  b", 1), ("a\tb \t\t\nc", 1),
    ("a\tb\t\t\nc", 0),  # a table row keeps its trailing tabs (its empty last cells)
    ("một dòng\nhai dòng", 0), ("a\n\nb", 0), ("a b c", 0), ("", 0), ("\n", 0),
]


@pytest.mark.parametrize("text,n", SPACE_ROWS)
def test_space_rows(text, n):
    assert len(list(N.spaces.find(text))) == n
    assert_spaces_agree(text)


# page_breaks and footnotes: their regex tried only where a stdlib-re prescan finds a newline
# that may begin a match (classes widened: NOT_BEFORE_A_CUT, NOT_LOWER).
CUT_PIECES = ("trong", "việc", "Việc", "I. MỤC", ",", ";", ".", ":", "2", "12", "1234", "A", "ủy", "Đ", "-",
              "\n", "\n\n", " ", "\t", "===== Trang 2 =====", "¹", "²³ Chú", "a) ", "đ. ", "(", "\u00b2", "x")


def assert_page_breaks_agree(text):
    got = [(e.start, e.end) for e in N.page_breaks.find(text)]
    assert got == [m.span() for m in N.RE_PAGE_BREAK.finditer(text)]


def assert_footnotes_agree(text):
    got = [(e.start, e.end) for e in N.footnotes.find(text)]
    assert got == [m.span() for m in N.RE_FOOTNOTE_SPLIT.finditer(text)]


@MANY
@given(st.lists(st.sampled_from(CUT_PIECES), max_size=14).map("".join))
def test_cut_prescans_find_what_the_scans_find(text):
    assert_page_breaks_agree(text)
    assert_footnotes_agree(text)


@pytest.mark.parametrize("widened,narrow", [
    (N.NOT_BEFORE_A_CUT, r"[\p{Ll},;\d]"),  # a line end before a cut: none of these may be left out
    (N.NOT_LOWER, r"\p{Ll}"),  # the continuation's first character
])
def test_cut_prescan_classes_leave_out_no_character_the_pattern_takes(widened, narrow):
    kept = re.compile(f"[^{widened}]")
    needed = N.regex.compile(narrow)
    assert [hex(cp) for cp in range(0x110000) if needed.match(chr(cp)) and not kept.match(chr(cp))] == []


CUT_ROWS = [
    ("cán bộ trong\n\nviệc thực hiện", 1, 0),
    ("phát huy\n2\n\nvai trò", 1, 0),
    ("phát triển\n\n===== Trang 2 =====\n2\n\ncác khu", 1, 0),
    ("năm 2025;\n\ntiếp tục", 1, 0),  # ";" and a digit may end the first half
    ("Thông qua\n\n¹ Đề án số 02\n\ncác hoạt động", 1, 1),  # alone, "02" then "các" is a page break too
    ("hết câu.\n\nviệc khác", 0, 0),
    ("như sau\n\nI. MỤC TIÊU", 0, 0),
    ("như sau\n\n- gạch đầu dòng", 0, 0),
    ("phối hợp thực hiện\n\na) Cuộc vận động", 0, 0),
    ("hết câu.\n\n¹ Chú thích\n\nCâu mới", 0, 0),
    ("TIÊU\n\nviệc", 0, 0),
    ("", 0, 0),
]


@pytest.mark.parametrize("text,breaks,splits", CUT_ROWS)
def test_cut_rows(text, breaks, splits):
    assert len(list(N.page_breaks.find(text))) == breaks
    assert len(list(N.footnotes.find(text))) == splits
    assert_page_breaks_agree(text)
    assert_footnotes_agree(text)


# literal_positions: a scan per first character stands for ``positions`` of every literal.
# The OCR table's literals do not overlap one another; these do, every way.
OVERLAPPING = ("aba", "bab", "ab", "b", "abab", "Phân đấu", "đấu tranh")


def assert_literal_positions_agree(text, literals):
    want = {lit: N.positions(text, lit) for lit in literals if lit in text}
    assert N.literal_positions(text, N.literal_scan(literals), literals) == want


@MANY
@given(st.lists(st.sampled_from(("a", "b", "ab", "x", " ", "Phân ", "đấu", " tranh")), max_size=14).map("".join))
def test_literal_positions_find_every_occurrence(text):
    assert_literal_positions_agree(text, OVERLAPPING)
    assert_literal_positions_agree(text, N._OCR_LITERAL_SET)


LITERAL_ROWS = [
    ("ababab", OVERLAPPING),  # each occurrence inside the scan's first match, "abab"
    ("xbabx", OVERLAPPING),
    ("Phân đấu tranh", OVERLAPPING),  # "đấu tranh" starts inside "Phân đấu"
    ("Phân đấu tranh", ("Phân đấu", "đấu tranh", "tranh")),
    ("abc", ("x", "y")),  # none
    ("", ("a",)),
]


@pytest.mark.parametrize("text,literals", LITERAL_ROWS)
def test_literal_positions_rows(text, literals):
    assert_literal_positions_agree(text, literals)


PUNCT_ROWS = [
    ("2025 – 2030", 1), ("a\u00a0\u2009b", 1), ("dòng\r\nsau", 1), ("\ufeffSố", 1), ("QĐ／TW", 1),
    ("chính trị - xã hội", 0), ("02-ĐA/TU", 0), ("", 0),
]
OCR_ROWS = [
    ("đối với MITQ và", 1), ("MITQVN", 0), ("xMITQ", 0), ("Phần đầu đến năm", 1), ("Phần đầu tiên", 0),
    ("1ỷ lệ hộ nghèo", 1), ("a\n1ỷ lệ", 1), ("Phân đấu Phân đấu", 2), ("frong", 1), ("frongs", 0), ("", 0),
]


@pytest.mark.parametrize("text,n", PUNCT_ROWS)
def test_punctuation_rows(text, n):
    assert len(list(N.punctuation.find(text))) == n
    assert_punctuation_agrees(text)


@pytest.mark.parametrize("text,n", OCR_ROWS)
def test_ocr_rows(text, n):
    assert len(list(N.ocr_slips.find(text))) == n
    assert_ocr_agrees(text)


# ---------------------------------------------------------------- the corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    raw = ingest(path).raw
    assert_punctuation_agrees(raw)
    text, starts, ends, descents = raw, *N._identity_maps(len(raw)), []
    for step in N.DEFAULT_STEPS:
        if step is N.ocr_slips:
            assert_ocr_agrees(text)
        if step is N.markdown:
            assert_markdown_agrees(text)
        if step is N.spaces:
            assert_spaces_agree(text)
        if step is N.footnotes:
            assert_footnotes_agree(text)
        if step is N.page_breaks:
            assert_page_breaks_agree(text)
        edits = list(step.find(text))
        got = N._apply(text, starts, ends, edits, descents)
        assert got == reference_apply(text, starts, ends, edits, descents), step.name
        text, starts, ends, descents = got
    assert descents == true_descents(starts, ends)
    norm = N.normalize(raw)
    assert (norm.text, norm.starts, norm.ends, norm.descents) == (text, starts, ends, descents)
