"""The fast paths of :mod:`extractors.bodies` agree with the plain steps they stand for.

The mention scan (:func:`bodies._chosen`) takes four shortcuts:

* the alias pattern checks that a name starts a word after the name's first
  token, not after its first letter;
* inside a match it tries a longer name only at the offsets
  :meth:`AliasPattern.shape` gives (where the rest of the match is a prefix of
  some name's spelling), not at every token start;
* it settles each group of overlapping candidates on its own and takes a
  candidate that overlaps none as it is, rather than running every candidate
  through one heap;
* a prefix of a document ending after a line break shares the document's
  scan (:func:`bodies.doc_mention_spans`), its matches cut by a bisection;
* the level words after a name (``_RE_AFTER``, a ``regex`` pattern) are
  looked for only where a stdlib copy of the pattern (``_RE_AFTER_CAND``) says
  they may be.

Around the scan:

* the fold (:func:`bodies.fold_for_match`) finds the tone pairs to move in its
  lower-case text with one literal-led pattern per vowel
  (:func:`bodies._new_tones_lower`), not :func:`bodies.new_tones`'s class
  and condition;
* a prefix of a document ending after a line break is a slice of the
  document's mentions, unless the level words of the last one run over the
  cut: then the prefix is read again;
* :func:`bodies.find_bodies` maps a document's spans to the raw text by their
  end points, sending through ``raw_span`` only the spans with a descent
  inside (:func:`bodies._raw_ends`), reads the mentions' sections a section
  at a time (:func:`bodies._sections_at`), makes the mentions a field at a
  time by setting their slots, resolves each distinct name once, and takes a
  name's body from a cache (per name and document context), made by setting
  its slots (:func:`bodies._new_body`).

The references below are the steps as they were written before: the
look-behind after the first letter, every token start tried, one heap over all
candidates, ``_RE_AFTER`` tried after every name.  They are checked against the fast paths three ways: a hypothesis
property over strings made of gazetteer names (cut, joined, in other cases,
with blanks, dashes and the odd letters), a table of rows pinned to what the
reference finds, and every document of ``corpora/`` and ``tests/data/extra/``.
"""
from __future__ import annotations

import heapq
import re

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import bodies as B  # noqa: E402
from extractors.document import Document  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD, corpus_text  # noqa: E402

from extractors.ingest import ingest  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from extractors.segment import segment  # noqa: E402


# ---------------------------------------------------------------- the references, plainly

def trie_pattern_ref(names) -> str:
    """The alias pattern as it was built before: "(?<!\\w.)" right after a name's first letter."""
    trie: dict = {}
    for name in names:
        node = trie
        for tok in B._RE_TOKEN.findall(name):
            node = node.setdefault(tok, {})
        node[""] = {}

    def emit(node: dict, prev_word: bool) -> str:
        alts = []
        for tok in sorted((k for k in node if k), key=lambda k: (-len(k), k)):
            word = B._RE_ONE_WORD.match(tok) is not None
            join = " " if word and prev_word else " ?"
            alts.append(join + re.escape(tok) + emit(node[tok], word))
        if "" in node:
            alts.append(r"(?!\w)" if prev_word else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    by_first: dict[str, list[str]] = {}
    for tok in sorted((k for k in trie if k), key=lambda k: (-len(k), k)):
        word = B._RE_ONE_WORD.match(tok) is not None
        by_first.setdefault(tok[0], []).append(re.escape(tok[1:]) + emit(trie[tok], word))
    alts = []
    for ch, rests in sorted(by_first.items()):
        head = re.escape(ch) + (r"(?<!\w.)" if B._RE_ONE_WORD.match(ch) else "")
        alts.append(head + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"))
    return "(?:" + "|".join(alts) + ")"


def _folded_names() -> set[str]:
    return {B.fold_for_match(B.clean(a)) for e in B.gazetteer().entries for a in (e.canonical, *e.aliases)}


RX_REF = re.compile(trie_pattern_ref(_folded_names()))


def candidates_ref(text: str, folded: str) -> list[tuple[int, int]]:
    """Every match of the scan, and inside each (not a closed name) a longer name at every token start."""
    ap = B.alias_pattern()
    assert [m.span() for m in ap.rx.finditer(folded)] == [m.span() for m in RX_REF.finditer(folded)]

    def ok(a: int, b: int) -> bool:
        return B._RE_ONE_WORD.fullmatch(folded, a, b) is None or text[a:b] in ap.exact

    out = []
    for m in ap.rx.finditer(folded):
        a, b = m.span()
        if ok(a, b):
            out.append((a, b))
        if m.group() in ap.closed:
            continue
        for t in B._RE_TOKEN_START.finditer(folded, a + 1, b):
            m2 = ap.rx.match(folded, t.start())
            if m2 and m2.end() > b and ok(*m2.span()):
                out.append(m2.span())
    return out


def chosen_ref(text: str, folded: str) -> list[tuple[int, int]]:
    """One heap over every candidate, longest first, then leftmost."""
    ap = B.alias_pattern()

    def ok(a: int, b: int) -> bool:
        return B._RE_ONE_WORD.fullmatch(folded, a, b) is None or text[a:b] in ap.exact

    cands = [(a - b, a, b) for a, b in candidates_ref(text, folded)]
    heapq.heapify(cands)
    taken = bytearray(len(text))
    chosen = []
    while cands:
        _, a, b = heapq.heappop(cands)
        if taken.find(1, a, b) < 0:
            taken[a:b] = b"\x01" * (b - a)
            chosen.append((a, b))
            continue
        for e in sorted((t.end() for t in B._RE_TOKEN.finditer(folded, a, b)), reverse=True):
            if e < b and ap.rx.fullmatch(folded, a, e) and ok(a, e):
                heapq.heappush(cands, (a - e, a, e))
                break
    return sorted(chosen)


def after_ref(text: str, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in chosen:
        m = B._RE_AFTER.match(text, b)
        if m:
            b = m.end()
        if out and a < out[-1][1]:
            continue
        out.append((a, b))
    return out


def check(text: str) -> None:
    folded = B.fold_for_match(text)
    assert sorted(B._candidates(text, folded)) == sorted(candidates_ref(text, folded))
    chosen = B._chosen(text, folded)
    assert chosen == chosen_ref(text, folded)
    assert B._after(text, chosen) == after_ref(text, chosen)


# ---------------------------------------------------------------- the alphabet

def _names() -> tuple[str, ...]:
    out: dict[str, None] = {}
    for e in B.gazetteer().entries:
        for a in (e.canonical, *e.aliases):
            out[B.clean(a)] = None
    return tuple(out)


NAMES = _names()
# Pieces of names: a name cut after each of its words, so that one name's head
# meets another's tail ("Ban Dân vận" + "Tỉnh ủy"), and the level words.
HEADS = tuple(dict.fromkeys(" ".join(n.split()[:i]) for n in NAMES for i in range(1, len(n.split()))))
LEVEL_WORDS = ("tỉnh", "Tỉnh ủy", "cấp xã", "cấp  tỉnh", "các cấp", "cùng cấp", "Trung ương", "TW", "Việt Nam",
               "VN", "thành phố", "cơ sở", "thôn", "huyện", "phường", "xã", "tỉnhx", "Tỉnh\tủy")
SEPS = (" ", " ", " ", "  ", "\t", "\n", "\n\n", ", ", "; ", " và ", " - ", "-", " -", "- ", "&", " & ", "/", "(", ")",
        ".", "\xa0", "\x1c", "\u3000", "“", "”", "\"")
ATOMS = tuple(ODD) + ("Uỷ", "hoà", "İ", "x", "tổ", "1", "2025")


def _cased(draw, s: str) -> str:
    how = draw(st.integers(0, 5))
    return s.upper() if how == 0 else s.lower() if how == 1 else s.title() if how == 2 else s


@st.composite
def name_texts(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.integers(0, 5))
        if kind <= 1:
            parts.append(_cased(draw, draw(st.sampled_from(NAMES))))
        elif kind == 2:
            parts.append(_cased(draw, draw(st.sampled_from(HEADS))))
        elif kind == 3:
            parts.append(draw(st.sampled_from(LEVEL_WORDS)))
        elif kind == 4:
            parts.append(draw(st.sampled_from(ATOMS)))
        else:
            name = draw(st.sampled_from(NAMES))  # a name with its spaces changed
            parts.append(name.replace(" ", draw(st.sampled_from(["", "  ", "\t", " - ", "-"])), 1))
        parts.append(draw(st.sampled_from(SEPS)))
    return "".join(parts)


# ---------------------------------------------------------------- properties

@MANY
@given(name_texts())
def test_the_scan_finds_what_the_reference_finds(text):
    check(text)


@MANY
@given(st.lists(st.sampled_from(tuple("ubndTNx") + LEVEL_WORDS + SEPS), max_size=12).map("".join),
       st.integers(0, 40))
def test_the_level_word_candidate_never_misses(text, at):
    if B._RE_AFTER.match(text, at):
        assert B._RE_AFTER_CAND.match(text, at)


def test_every_name_spelling_is_a_match_of_the_pattern():
    # :attr:`AliasPattern.partial` is built from the spellings: each must be a
    # match of the pattern, or the pattern matches more than they say
    ap = B.alias_pattern()
    for n in NAMES:
        for s in B._spellings(B.fold_for_match(n)):
            assert ap.rx.fullmatch(s), s


# ---------------------------------------------------------------- rows

ROWS = [
    # a longer name starting inside a match and running past it
    ("Ban Dân vận Tỉnh ủy chủ trì", ["Ban Dân vận Tỉnh ủy"]),
    ("ban dân vận tỉnh ủy", ["ban dân vận tỉnh ủy"]),
    # overlapping names: the longest wins, a shorter one gives way to the longest name at its start
    ("Ban Thường vụ Tỉnh ủy đối với MTTQ và các đoàn thể chính trị - xã hội.",
     ["Ban Thường vụ Tỉnh ủy", "MTTQ", "các đoàn thể chính trị - xã hội"]),
    ("Sở Lao động-Thương binh và Xã hội; Sở LĐ - TB&XH", ["Sở Lao động-Thương binh và Xã hội", "Sở LĐ - TB&XH"]),
    ("Uỷ ban MTTQ tỉnh và Hội LHPN", ["Uỷ ban MTTQ tỉnh", "Hội LHPN"]),
    ("Bí thư chi bộ thôn, tổ dân phố tổ chức giao ban", ["chi bộ thôn"]),
    # level words after a name, and the ones that are not
    ("UBND cấp xã và UBND các cấp", ["UBND cấp xã", "UBND các cấp"]),
    ("Sở Y tế tỉnhx", ["Sở Y tế"]),
    ("Sở Y tế\x1ctỉnh", ["Sở Y tế"]),
    # must not match
    ("Gửi báo cáo kết quả, đoàn viên tham gia", []),
    ("Sởi, UBNDX", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", ROWS)
def test_rows(text, expected):
    check(text)
    assert [text[a:b] for a, b in B._mention_spans(text)] == expected


# ---------------------------------------------------------------- the real corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    check(corpus_text(path))


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_a_prefix_shares_the_scan_of_its_document(path):
    """``doc_mention_spans(doc, end)`` is ``mention_spans(text[:end])``, for ends after a line break and not."""
    text = corpus_text(path)
    doc = Document.from_text(text)
    text = doc.text
    ends = [i + 1 for i, c in enumerate(text) if c == "\n"][::7] + [len(text) // 3, len(text) // 2 + 1]
    for end in ends:
        assert B.doc_mention_spans(doc, end) == B._mention_spans(text[:end]), end


# ---------------------------------------------------------------- around the scan

def fold_for_match_ref(s: str) -> str:
    """The fold as it was: lower case (char by char where that changes the length), then new_tones."""
    low = s.lower()
    if len(low) != len(s):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
    return B.new_tones(low)


TONE_ATOMS = ("o", "u", "q", "O", "U", "Q", "h", "th", "a", "e", "y", "n", " ", "\n", "-", "1", "_") + \
    tuple("àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ") + tuple(ODD)
TONE_ROWS = ["Uỷ ban, hoà bình, khoẻ, quý, hoàng, thuỷ", "QUẢ, quả; Quỹ quỹ", "oà oá oả oã oạ oè oé oẻ oẽ oẹ",
             "uỳ uý uỷ uỹ uỵ uà oỳ", "hoà_bình hoà1 İhoà", "ĐOÀ HOẺ THUỶ", ""]


@MANY
@given(st.lists(st.sampled_from(TONE_ATOMS), max_size=16).map("".join))
def test_the_folds_tone_pairs_are_the_ones_new_tones_moves(s):
    assert B.fold_for_match(s) == fold_for_match_ref(s)
    low = s.lower()
    if len(low) == len(s):
        assert B._new_tones_lower(low) == B.new_tones(low)


@pytest.mark.parametrize("text", TONE_ROWS)
def test_tone_rows(text):
    assert B.fold_for_match(text) == fold_for_match_ref(text)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_fold(path):
    text = corpus_text(path)
    assert B.fold_for_match(text) == fold_for_match_ref(text)


# the level words of the last name before a cut after a line break run over it
CUT_ROWS = ["Sở Y tế\ntỉnh Hà Giang chủ trì", "Giao UBND\ncấp xã thực hiện", "Ủy ban MTTQ Việt\nNam tỉnh",
            "Sở Y tế\n\nBan Dân vận Tỉnh ủy\ntỉnh", "Sở Y tế\n", "\nSở Y tế tỉnh\n\n"]


@pytest.mark.parametrize("text", CUT_ROWS)
def test_a_prefix_cut_inside_level_words(text):
    doc = Document.from_text(text)
    text = doc.text
    for end in [0] + [i + 1 for i, c in enumerate(text) if c == "\n"] + [len(text)]:
        assert B.doc_mention_spans(doc, end) == B._mention_spans(text[:end]), end


def find_bodies_ref(doc: Document) -> list[B.BodyMention]:
    """Each mention made plainly: its evidence, a body resolved without the cache, its section."""
    level, province, commune = B.doc_context(doc)
    return [B.BodyMention(doc.doc_id, *doc.evidence(a, b), B._match_body(doc.text[a:b], level, province, commune),
                          doc.section_at(a))
            for a, b in B._mention_spans(doc.text)]


def _corpus_document(path) -> Document:
    """The document as the pipeline makes it (from the raw text: its normalisation may move text)."""
    return segment(path.name, normalize(ingest(path).raw))


def test_the_corpus_has_a_document_where_normalisation_moved_text():
    # so that test_corpus_find_bodies reads both ways of mapping spans to the raw text
    docs = [_corpus_document(p) for p in CORPUS]
    assert any(not d.norm.monotone(0, len(d.text)) for d in docs)
    assert any(d.norm.monotone(0, len(d.text)) for d in docs)


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus_find_bodies(path):
    doc = _corpus_document(path)
    expected = find_bodies_ref(doc)
    assert B.find_bodies(doc) == expected
    assert [m.to_dict() for m in B.find_bodies(_corpus_document(path))] == [m.to_dict() for m in expected]


# find_bodies reads the mentions' sections a section at a time (_sections_at),
# not one doc.section_at per mention

def _doc_with_sections(heads: list[int]) -> Document:
    """A document whose sections start at ``heads`` (sorted), each path naming its index."""
    import dataclasses

    from extractors.records import Section

    doc = Document.from_text("x" * 80)
    sections = tuple(Section(str(i), str(i), "", 1, f"S{i}", h, h + 1, "x", h + 1) for i, h in enumerate(heads))
    return dataclasses.replace(doc, sections=sections, section_starts=tuple(heads))


SECTION_ROWS = [
    ([], [0, 5, 9]),  # no heading: no section
    ([10], [0, 9, 10, 11]),  # before the first heading, at it, after it
    ([3, 3, 7], [2, 3, 4, 7, 7, 8]),  # two headings at one place: the second holds what follows
    ([0, 20, 40], [20, 20, 39, 79]),
    ([5, 6], []),
]


@pytest.mark.parametrize("heads, starts", SECTION_ROWS)
def test_sections_at_rows(heads, starts):
    doc = _doc_with_sections(heads)
    assert B._sections_at(doc, starts) == [doc.section_at(a) for a in starts]


@MANY
@given(st.lists(st.integers(0, 80), max_size=8).map(sorted), st.lists(st.integers(0, 80), max_size=30).map(sorted))
def test_sections_at_is_section_at_per_start(heads, starts):
    doc = _doc_with_sections(heads)
    assert B._sections_at(doc, starts) == [doc.section_at(a) for a in starts]


# find_bodies maps its spans to the raw text by their end points, and sends
# through raw_span only the spans with a descent inside (_raw_ends)

def _token_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping, non-empty spans all over a text: its tokens and some pairs of them."""
    toks = [m.span() for m in B._RE_TOKEN.finditer(text)]
    return [(a, toks[i + 1][1]) if i % 3 == 0 and i + 1 < len(toks) else (a, b)
            for i, (a, b) in enumerate(toks) if i % 3 != 1]


def _descent_spans(norm) -> list[tuple[int, int]]:
    """Non-overlapping spans across the places where a step moved text (where the
    end points and raw_span's min/max part), alternating with spans that miss them."""
    out, last = [], 0
    for d in norm.descents or ():
        if d - 1 >= last + 1:
            out.append((last, d - 1))  # up to the descent, not across it
        if d - 1 >= last:
            out.append((d - 1, d + 1))
            last = d + 1
    return out


def raw_ends_ref(norm, spans):
    where = [norm.raw_span(a, b) for a, b in spans]
    return [lo for lo, _ in where], [hi for _, hi in where]


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_raw_ends_are_raw_span(path):
    import dataclasses

    norm = _corpus_document(path).norm
    for spans in (_token_spans(norm.text), _descent_spans(norm)):
        assert B._raw_ends(norm, spans) == raw_ends_ref(norm, spans)
    spans = _token_spans(norm.text)
    unknown = dataclasses.replace(norm, descents=None)  # descents not known: raw_span for every span
    assert B._raw_ends(unknown, spans[:300]) == raw_ends_ref(unknown, spans[:300])


RAW_ROWS = ["Uỷ ban MTTQ tỉnh và Hội LHPN; hoà bình, khoẻ", "Sở Y tế\n\nBan Dân vận Tỉnh uỷ", "", "x"]


@pytest.mark.parametrize("raw", RAW_ROWS)
def test_raw_ends_rows(raw):
    norm = normalize(raw)
    spans = _token_spans(norm.text)
    assert B._raw_ends(norm, spans) == raw_ends_ref(norm, spans)


@pytest.mark.parametrize("values", [
    ("Sở Y tế", "Sở Y tế", "state", "tỉnh", "Tuyên Quang", True, 100.0),
    ("Hợp tác xã Tân Phong", "Hợp tác xã Tân Phong", "other", "", "", False, 0.0),
])
def test_new_body_is_the_dataclass(values):
    made = B._new_body(*values)
    assert made == B.Body(*values) and made.to_dict() == B.Body(*values).to_dict()

