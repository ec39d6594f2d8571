"""``tone_placement`` looks up only the words its prefilter keeps, and finds what the full scan finds.

The *reference* is ``_find_old_tones`` as it was: the word of the first
old-tone pair of every run of ``\\w`` characters is looked up with
``_retone``.  The fast path (``normalize._find_old_tones``) looks up only the
words of the pairs ``_retone_candidates`` keeps: a pair followed by an ending
of underthesea's table, or with a character outside ``NFC_SAFE_CHARS`` near.
Checked with

* every character of ``NFC_SAFE_CHARS`` against ``unicodedata`` (the
  prefilter's proof needs a string of them to be NFC);
* the stdlib-``re`` prescans (``_retone_prescan``), which say where to try
  ``_retone_candidates``: they must find every pair the candidates pattern
  matches (a hypothesis property, the rows, the
  corpus), and every character of ``WORDISH_CHARS`` must be ``\\w`` for
  ``regex``;
* a hypothesis property over Vietnamese syllables, table words, decomposed
  letters, a Kelvin sign, ð, marks and letters ``\\w`` and ``str.isalnum``
  disagree on;
* a table of rows (must-not-change rows included);
* every document of ``corpora/`` and ``tests/data/extra/`` at the point the
  step runs.
"""
from __future__ import annotations

import unicodedata

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import normalize as N  # noqa: E402
from extractors.ingest import ingest  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY, ODD, VI_LOWER  # noqa: E402


def reference_find_old_tones(text):
    """``_find_old_tones`` as it was: every pair's run looked up."""
    last_end = -1
    for m in N.RE_OLD_TONE.finditer(text):
        if m.start() < last_end:
            continue
        start = m.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        end = N.RE_WORD_TAIL.match(text, m.end()).end()
        last_end = end
        word = text[start:end]
        fixed = N._retone(word)
        if fixed != word:
            yield N.Edit(start, end, (fixed,))


def assert_tones_agree(text):
    assert list(N._find_old_tones(text)) == list(reference_find_old_tones(text))
    assert_prescan_covers(text)


def assert_prescan_covers(text):
    """The prescans find every pair the candidates pattern matches, and
    trying the pattern there only finds what its scan finds."""
    found = {m.start() for rx in N._retone_prescan() for m in rx.finditer(text)}
    scan = [m.span() for m in N._retone_candidates().finditer(text)]
    assert {a for a, _ in scan} <= found
    assert [m.span() for m in N.finditer_at(N._retone_candidates(), text, found)] == scan


# ---------------------------------------------------------------- the safe characters

def test_safe_characters_cannot_make_a_word_non_nfc():
    """Each character is NFC alone, of combining class 0, never the second half of a
    canonical decomposition (so never composed with the one before), and not ð/Ð:
    a string of them passes the NFC quick check."""
    second_halves = set()
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            second_halves.update(int(x, 16) for x in d.split()[1:])
    safe = N.regex.compile(f"[{N.NFC_SAFE_CHARS}]")
    bad = [hex(cp) for cp in range(0x110000) if safe.match(chr(cp)) and (
        unicodedata.combining(chr(cp)) or unicodedata.normalize("NFC", chr(cp)) != chr(cp)
        or cp in second_halves or chr(cp) in "ðÐ")]
    assert bad == []


def test_wordish_characters_are_word_characters():
    """The prescan's ``(?![WORDISH])`` holds wherever ``(?!\\w)`` does only if each is ``\\w`` for regex."""
    wordish = N.re.compile(f"[{N.WORDISH_CHARS}]")
    word = N.regex.compile(r"\w")
    bad = [hex(cp) for cp in range(0x110000) if wordish.match(chr(cp)) and not word.match(chr(cp))]
    assert bad == []


# ---------------------------------------------------------------- hypothesis

def _table_words():
    from underthesea.pipeline.text_normalize.text_normalizer import token_map

    return sorted(k for k in token_map if N.RE_OLD_TONE.search(k))[:400]


PIECES = (
    "hoà", "hoạt", "toàn", "khoá", "Uỷ", "uỷ", "thuỷ", "khoẻ", "Khoẻ", "hoàng", "nghoài", "quý",
    "ên", "êt", "ện", "ệt", "ÊN", "n", "t", "g", "x", "ng", "_", "²", "1", " ", "\n", "-", ",",
    "ho\u0300a", "o\u0301", "\u0301", "\u0340", "\u0323", "e\u0302", "\u212a", "ð", "Ð", "\u200d", "\u0e31",
) + tuple(ODD) + tuple(VI_LOWER[::5])


@MANY
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_pieces_agree(text):
    assert_tones_agree(text)


@MANY
@given(st.lists(st.sampled_from(PIECES + tuple(_table_words())), max_size=8).map("".join))
def test_table_words_agree(text):
    assert_tones_agree(text)


@MANY
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), max_size=10).map("".join))
def test_any_characters_agree(text):
    assert_tones_agree(text)


# ---------------------------------------------------------------- rows

TONE_ROWS = [
    ("Uỷ ban khoá XI", ["Ủy", "khóa"]),
    ("hoà bình, hoà.", ["hòa", "hòa"]),
    ("thuỷện x", []),  # not in the table
    ("hoàng hoạt toàn hoàn khoảng", []),  # pairs followed by a consonant: never in the table
    ("\u212ahoạt", ["Khoạt"]),  # a Kelvin sign: underthesea's NFC changes it though "khoạt" is no table word
    ("hoạt\u0301", []),  # a mark after the word: no change
    ("oá²oà", ["óa"]),  # "²" is alphanumeric but not \w: the second word reaches back over it
    ("xoá_toà", []),  # one word of 7 characters: too long for the table
    ("ðoá", []),  # ð: underthesea's rewrite is not a tone move
    ("hoạ\u0301oá", []),  # the kept pair "oá" is not the run's first: the word is the whole run
    ("toà\u200dhoá", []),  # the same, across a zero-width joiner (\\w, not alphanumeric)
    ("\u212aaboạt", ["Kaboạt"]),  # the unsafe character as far before the pair as a word allows
    ("khoá²", ["khóa"]),  # "²" after the word: not \\w for regex (it is for stdlib re)
    ("khoáX khoá_ khoá1 khoáǅ", []),  # a word character after the pair: no candidate
    ("Uỷ\nhoà\tHOÀ", ["Ủy", "hòa", "HÒA"]),
    ("oạabc\u212a", ["oạabcK"]),  # ... and as far after it
    ("", []),
]


@pytest.mark.parametrize("text,fixed", TONE_ROWS)
def test_tone_rows(text, fixed):
    assert [e.pieces[0] for e in N._find_old_tones(text)] == fixed
    assert_tones_agree(text)


# ---------------------------------------------------------------- the corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    text = ingest(path).raw
    for step in N.DEFAULT_STEPS:
        if step is N.tone_placement:
            assert_tones_agree(text)
            assert_tones_agree(text.lower())
            assert_tones_agree(unicodedata.normalize("NFD", text[:5000]))
            break
        text = step(text)
