"""normalize: small named str→str steps, composed with a map back to the raw text.

Each :class:`Step` finds edits in the current text; :func:`normalize` applies
the steps in order and keeps, for every character of the result, the raw
span it came from.  A span of the normalised text is mapped back with
:meth:`Normalized.raw_span`, so records always point at raw characters.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import regex

DATA = Path(__file__).parent / "data"

# A piece of an edit's output: a literal string (mapped to the whole edited
# span) or a (start, end) slice of the current text copied with its map.
Piece = str | tuple[int, int]


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """A named normalisation step; ``find`` yields non-overlapping edits in order."""

    name: str
    description: str
    example: tuple[str, str]
    find: Callable[[str], Iterable[Edit]]

    def __call__(self, text: str) -> str:
        """Apply the step alone (for tests and the manifest's examples)."""
        return _apply(text, None, None, self.find(text))[0]


@dataclass(frozen=True, slots=True)
class Change:
    """What a step that may be repairing OCR did, in raw positions: ``raw[start:end]`` became ``new``."""

    step: str
    start: int
    end: int
    new: str


# Steps whose edits are kept (:attr:`Normalized.changes`): the suspected OCR slips a reader should check.
RECORDED_STEPS = ("ocr_slips", "tone_placement")


@dataclass(frozen=True)
class Normalized:
    """The normalised ``text`` of ``raw`` with a per-character map back to it."""

    raw: str
    text: str
    starts: array
    ends: array
    steps: tuple[str, ...]
    # Sorted positions i where ``starts`` or ``ends`` decreases (map[i] < map[i-1]),
    # i.e. where a step moved text; None when unknown.  A span without one
    # inside maps to its end points, with no scan (see :meth:`_Runs.descents`).
    descents: list[int] | None = field(default=None, compare=False, repr=False)
    # The edits of RECORDED_STEPS, in raw positions.
    changes: tuple[Change, ...] = field(default=(), compare=False, repr=False)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering normalised ``text[start:end]``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        if self.monotone(start, end):
            return self.starts[start], self.ends[end - 1]  # both maps non-decreasing here
        # min/max rather than the end points: a step may have moved text
        lo = min(self.starts[start:end])
        hi = max(self.ends[start:end])
        return lo, hi

    def monotone(self, start: int, end: int) -> bool:
        """No step moved text inside ``[start, end)``: every span in it maps to its end points."""
        d = self.descents
        return d is not None and (not d or (i := bisect_right(d, start)) == len(d) or d[i] >= end)

    def evidence(self, start: int, end: int) -> tuple[int, int, str]:
        """``(raw_start, raw_end, raw_text)`` for a normalised span."""
        lo, hi = self.raw_span(start, end)
        return lo, hi, self.raw[lo:hi]


def _apply(text: str, starts: array | None, ends: array | None, edits: Iterable[Edit],
           descents: list[int] | None = None):
    """Apply ``edits``; returns (text, starts, ends, descents).

    The maps are only built when ``starts`` is given (as :class:`_Runs`, see
    there); ``descents`` (see :class:`Normalized`) are returned when given, and
    are then those of the output maps whatever was given.
    """
    if starts is None:
        return _edited(text, edits, None)[0], array("l"), array("l"), None if descents is None else []
    text, runs = _edited(text, edits, _Runs.of_arrays(starts, ends))
    return (text, *runs.arrays(), None if descents is None else runs.descents())


def _edited(text: str, edits: Iterable[Edit], runs: _Runs | None) -> tuple[str, _Runs | None]:
    """``text`` with ``edits`` applied, and the maps of the result when ``runs`` holds those of ``text``."""
    out: list[str] = []
    maps = _Runs() if runs is not None else None
    pos = 0
    for e in edits:
        if e.start < pos:
            continue  # overlapping edit: the earlier one wins
        out.append(text[pos : e.start])
        if maps is not None:
            maps.copy(runs, pos, e.start)
        pieces = e.pieces
        if len(pieces) == 1 and isinstance(pieces[0], str):  # the usual edit: one literal
            piece = pieces[0]
            out.append(piece)
            if maps is not None and piece:
                if len(piece) == e.end - e.start:  # same length: keep per-character precision
                    maps.copy(runs, e.start, e.end)
                else:
                    maps.put(len(piece), *runs.span(e.start, e.end), 0)
        else:
            for piece in pieces:
                if isinstance(piece, str):
                    out.append(piece)
                    if maps is not None and piece:
                        maps.put(len(piece), *runs.span(e.start, e.end), 0)
                else:
                    out.append(text[piece[0] : piece[1]])
                    if maps is not None:
                        maps.copy(runs, *piece)
        pos = e.end
    out.append(text[pos:])
    if maps is not None:
        maps.copy(runs, pos, len(text))
    return "".join(out), maps


class _Runs:
    """The ``starts``/``ends`` maps of a text as runs, while the steps edit it.

    Run ``i`` covers positions ``at[i]`` up to the next run's (``n`` for the
    last), where ``starts`` is ``s[i] + k[i] * offset`` and ``ends`` is
    ``e[i] + k[i] * offset``: ``k`` is 1 for characters copied one for one
    (the raw text's identity map and slices of it) and 0 for an edit's output
    (every character mapped to the whole edited span).  Copying text copies
    runs, so these are the only two kinds.  A step costs O(edits) here, not
    O(n): the arrays are written once, at the end (:meth:`arrays`).
    """

    __slots__ = ("at", "s", "e", "k", "n")

    def __init__(self) -> None:
        self.at: list[int] = []
        self.s: list[int] = []
        self.e: list[int] = []
        self.k: list[int] = []
        self.n = 0  # length of the text

    @classmethod
    def identity(cls, n: int) -> _Runs:
        """The maps of an unchanged text of ``n`` characters: starts 0…n-1, ends 1…n."""
        runs = cls()
        runs.put(n, 0, 1, 1)
        return runs

    @classmethod
    def of_arrays(cls, starts: array, ends: array) -> _Runs:
        """The runs of any maps (a loop over every position: for callers holding arrays)."""
        runs = cls()
        n, i = len(starts), 0
        while i < n:
            s, e, j = starts[i], ends[i], i + 1
            k = 1 if j < n and starts[j] == s + 1 and ends[j] == e + 1 else 0
            while j < n and starts[j] == s + k * (j - i) and ends[j] == e + k * (j - i):
                j += 1
            runs.put(j - i, s, e, k)
            i = j
        return runs

    def put(self, length: int, s: int, e: int, k: int) -> None:
        """Append ``length`` positions of a run (joined to the last run when it goes on with it)."""
        if length <= 0:
            return
        if self.at:
            last = self.n - self.at[-1]
            if self.k[-1] == k and self.s[-1] + k * last == s and self.e[-1] + k * last == e:
                self.n += length
                return
        self.at.append(self.n)
        self.s.append(s)
        self.e.append(e)
        self.k.append(k)
        self.n += length

    def copy(self, src: _Runs, a: int, b: int) -> None:
        """Append positions ``[a, b)`` of ``src``: its runs inside whole (slices of its lists), cut at the ends."""
        if b <= a:
            return
        at, S, E, K = src.at, src.s, src.e, src.k
        i = bisect_right(at, a) - 1  # the first run, holding a
        j = bisect_left(at, b, i + 1) - 1  # the last run, holding b - 1
        k, off = K[i], a - at[i]
        if i == j:
            self.put(b - a, S[i] + k * off, E[i] + k * off, k)
            return
        self.put(at[i + 1] - a, S[i] + k * off, E[i] + k * off, k)
        if j > i + 1:
            shift = self.n - at[i + 1]
            self.at.extend([x + shift for x in at[i + 1 : j]])
            self.s += S[i + 1 : j]
            self.e += E[i + 1 : j]
            self.k += K[i + 1 : j]
            self.n += at[j] - at[i + 1]
        self.put(b - at[j], S[j], E[j], K[j])

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The raw span an edit of ``[a, b)`` maps its output to: from ``starts[a]`` to ``ends[b-1]``;
        an insertion (``a == b``) maps to the point ``starts[a]`` (the end of the text after it)."""
        if b > a:
            return self.start(a), self.end(b - 1)
        pos = self.start(a) if a < self.n else self.end(self.n - 1) if self.n else 0
        return pos, pos

    def start(self, p: int) -> int:
        """``starts[p]``."""
        i = bisect_right(self.at, p) - 1
        return self.s[i] + self.k[i] * (p - self.at[i])

    def end(self, p: int) -> int:
        """``ends[p]``."""
        i = bisect_right(self.at, p) - 1
        return self.e[i] + self.k[i] * (p - self.at[i])

    def descents(self) -> list[int]:
        """Where a map decreases (see :class:`Normalized`): runs never do inside, so at seams only."""
        at, s, e, k = self.at, self.s, self.e, self.k
        out = []
        for i in range(1, len(at)):
            step = k[i - 1] * (at[i] - at[i - 1] - 1)  # from the first to the last value of run i-1
            if s[i] < s[i - 1] + step or e[i] < e[i - 1] + step:
                out.append(at[i])
        return out

    def arrays(self) -> tuple[array, array]:
        """``starts`` and ``ends``, each written once: a run counting up is a slice of
        :data:`_IOTA` (or, beyond it, built from a range), an edit's output one value repeated."""
        n, at, S, E, K = self.n, self.at, self.s, self.e, self.k
        if len(at) == 1 and K[0] == 1 and S[0] == 0 and E[0] == 1:
            return _identity_maps(n)
        if at:
            _grow_iota(max(max(S), max(E)) + n)  # the largest value a run can count up to
        starts, ends = array("l", [0]) * n, array("l", [0]) * n
        s_out, e_out = memoryview(starts).cast("B"), memoryview(ends).cast("B")
        w = starts.itemsize
        b = n
        for i in range(len(at) - 1, -1, -1):  # backwards: each run ends where the next starts
            a = at[i]
            if K[i]:
                s_out[a * w : b * w] = _counting(S[i], b - a)
                e_out[a * w : b * w] = _counting(E[i], b - a)
            else:
                s_out[a * w : b * w] = array("l", [S[i]]).tobytes() * (b - a)
                e_out[a * w : b * w] = array("l", [E[i]]).tobytes() * (b - a)
            b = a
        return starts, ends


def _counting(v: int, count: int):
    """The bytes of the longs ``v, v+1, …, v+count-1``: a view of :data:`_IOTA` when it holds them."""
    if 0 <= v and v + count <= len(_IOTA):
        w = _IOTA.itemsize
        return memoryview(_IOTA).cast("B")[v * w : (v + count) * w]
    return memoryview(array("l", range(v, v + count))).cast("B")


_IOTA = array("l")  # 0, 1, 2, …: identity maps are slices of it (a copy, not a loop over ints)
_IOTA_MAX = 1 << 22  # longer texts build their own rather than keep 32 MB around


def _grow_iota(n: int) -> None:
    """Make :data:`_IOTA` hold 0…n-1 when ``n`` is at most :data:`_IOTA_MAX`."""
    global _IOTA
    if len(_IOTA) < n <= _IOTA_MAX:
        _IOTA = array("l", range(min(_IOTA_MAX, max(n, 2 * len(_IOTA), 1 << 16))))


def _identity_maps(n: int) -> tuple[array, array]:
    """``starts`` 0…n-1 and ``ends`` 1…n of an unchanged text."""
    if n + 1 > _IOTA_MAX:
        return array("l", range(n)), array("l", range(1, n + 1))
    _grow_iota(n + 1)
    return _IOTA[:n], _IOTA[1 : n + 1]


def normalize(raw: str, steps: Sequence[Step] | None = None) -> Normalized:
    """Run ``steps`` (default :data:`DEFAULT_STEPS`) over ``raw``.

    >>> n = normalize("Kết luận số 62 – KL/TW của **Bộ Chính trị** (khoá X)")
    >>> n.text
    'Kết luận số 62 - KL/TW của Bộ Chính trị (khóa X)'
    >>> s = n.text.index("Bộ"); n.evidence(s, s + 12)[2]
    'Bộ Chính trị'
    """
    steps = DEFAULT_STEPS if steps is None else steps
    text = raw
    runs = _Runs.identity(len(raw))
    changes: list[Change] = []
    for step in steps:
        edits = list(step.find(text))
        if edits and step.name in RECORDED_STEPS:
            changes += _changes(step.name, text, runs, edits)
        if edits:  # most steps find nothing in most documents: no copy then
            text, runs = _edited(text, edits, runs)
    starts, ends = runs.arrays()
    return Normalized(raw, text, starts, ends, tuple(s.name for s in steps), runs.descents(), tuple(changes))


def _changes(step: str, text: str, runs: _Runs, edits: list[Edit]) -> Iterator[Change]:
    """``edits`` of ``text`` in raw positions, through the maps of the steps before."""
    for e in edits:
        if e.end > e.start:
            new = "".join(p if isinstance(p, str) else text[p[0]:p[1]] for p in e.pieces)
            yield Change(step, runs.start(e.start), runs.end(e.end - 1), new)


def regex_step(name: str, description: str, example: tuple[str, str], pattern: str, repl,
               trigger: Callable[[str], bool] | None = None, module=regex,
               candidates: Callable[[str], Iterable[int]] | None = None) -> Step:
    """A step made of one pattern; ``repl`` is a string or ``match -> str``.

    ``trigger`` is a cheap test that the pattern can match at all (scanning a
    long text costs more than a substring test); ``module`` may be the stdlib
    ``re`` for patterns without Unicode properties, which it runs faster.
    ``candidates`` lists every position where the pattern could match (found
    with ``str.find``); the pattern is then only tried there, which finds the
    same matches as scanning every position (see :func:`finditer_at`).
    """
    rx = module.compile(pattern, module.M)

    def find(text: str) -> Iterable[Edit]:
        if trigger is not None and not trigger(text):
            return
        for m in (rx.finditer(text) if candidates is None else finditer_at(rx, text, candidates(text))):
            out = repl(m) if callable(repl) else m.expand(repl)
            if out != m.group():
                yield Edit(m.start(), m.end(), (out,))

    return Step(name, description, example, find)


def positions(text: str, needle: str, shift: int = 0) -> list[int]:
    """Start (plus ``shift``) of every occurrence of ``needle``, overlapping ones included."""
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(i + shift)
        i = text.find(needle, i + 1)
    return out


def line_starts(text: str, hits: Iterable[int], blanks: str = " \t") -> list[int]:
    """Start of the line of each hit that only ``blanks`` precede on its line:
    where a ``^[ \t]*X`` pattern can match, given the positions of ``X``."""
    out = []
    for i in hits:
        a = text.rfind("\n", 0, i) + 1
        if a == i or not text[a:i].strip(blanks):
            out.append(a)
    return out


def _with_run_before(text: str, ends: Iterable[int], chars: str = " \t") -> list[int]:
    """Each position and those of the run of ``chars`` just before it."""
    out = []
    for q in ends:
        out.append(q)
        while q > 0 and text[q - 1] in chars:
            q -= 1
            out.append(q)
    return out


def finditer_at(rx, text: str, candidates: Iterable[int]):
    """What ``rx.finditer(text)`` yields, trying ``rx`` only at ``candidates``.

    Exact when ``candidates`` holds every position where ``rx`` can match
    (in any order, with repeats) and ``rx`` never matches the empty string:
    finditer tries each position from the end of the last match on, and
    every position left out would have failed.  ``match(text, pos)`` still
    sees the text before ``pos`` for ``^`` and lookbehinds.
    """
    pos = 0
    for p in sorted(set(candidates)):
        if p < pos:
            continue
        m = rx.match(text, p)
        if m:
            yield m
            pos = m.end()


# --- the steps -------------------------------------------------------------

nfc = regex_step(
    "nfc",
    "Unicode NFC: decomposed letters (NFD, Windows-1258) become composed ones",
    ("ho\u0300a", "hòa"),
    r"\P{M}\p{M}+",
    lambda m: unicodedata.normalize("NFC", m.group()),
    trigger=lambda text: not unicodedata.is_normalized("NFC", text),
)

SPACE_CHARS = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
DASH_CHARS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
SLASH_CHARS = "\u2044\u2215\uff0f"

_PUNCT_MAP = {**{c: " " for c in SPACE_CHARS}, **{c: "-" for c in DASH_CHARS}, **{c: "/" for c in SLASH_CHARS},
              "\ufeff": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u00ad": "", "\r": "", "\f": "\n"}

punctuation = regex_step(
    "punctuation",
    "dash, slash and space variants become ASCII; zero-width characters, soft hyphens and CR go",
    ("217 – QĐ／TW", "217 - QĐ/TW"),
    "[" + re.escape("".join(_PUNCT_MAP)) + "]+",
    lambda m: "".join(_PUNCT_MAP[c] for c in m.group()),
    module=re,
    candidates=lambda text: _punctuation_candidates(text),
)


def _punctuation_candidates(text: str) -> list[int]:
    """Every position of a character of the punctuation class: where its pattern can match.

    Most texts hold none or a few dashes; ``str.find`` of one character skips
    through Vietnamese text several times faster than the class's scan."""
    return [i for c in _PUNCT_MAP if c in text for i in positions(text, c)]

markdown_tables = regex_step(
    "markdown_tables",
    "markdown pipe tables become tab-separated rows; their |---| rule lines go",
    ("| a | b |", "a\tb"),
    # a lone "|" line is the debris of a layout table converted to markdown
    r"^[ \t]*\|(?:(.*)\|)?[ \t]*$\n?",
    lambda m: "" if m.group(1) is None or regex.fullmatch(r"[\s|:\-]*", m.group(1)) else
    "\t".join(c.strip() for c in m.group(1).split("|")) + ("\n" if m.group().endswith("\n") else ""),
    trigger=lambda text: "|" in text,
)

MARKDOWN_PATTERN = (
    r"(?P<glue>\*{4}|(?<=\p{L})\*\*(?=[\p{Lu}\d]))"
    r"|(?P<rule>^[ \t]*(?:[-*_=][ \t]*){3,}$)"
    r"|(?P<hash>^[ \t]*\#{1,6}[ \t]+)"
    r"|(?P<endstar>[ \t]+\*{1,3}(?=[ \t]*$))"  # "2025 *": a closing star cut off by a line break
    r"|(?P<stars>\*{1,3}(?=\S)|(?<=\S)\*{1,3})"
    r"|(?P<esc>\\(?=[\\`*_{}\[\]()\#+\-.!|]))"
)


def _unmark(m) -> str:
    return "\n" if m.group("glue") else ""


markdown = regex_step(
    "markdown",
    "markdown debris goes: heading hashes, rules, bold/italic stars, backslash escapes; "
    "bold glued between two headings becomes a line break",
    ("## **I. MỤC TIÊU**", "I. MỤC TIÊU"),
    MARKDOWN_PATTERN,
    _unmark,
    candidates=lambda text: _markdown_candidates(text),
)

# A line whose first non-blank characters may open a rule (three marks, as a
# rule needs: a "- " list item is left out) or a heading.
RE_LINE_MARK = re.compile(r"\n[ \t]*(?:(?:[-*_=][ \t]*){3}|\#)")  # a literal first character: fast to scan for
RE_FIRST_LINE_MARK = re.compile(r"[ \t]*(?:(?:[-*_=][ \t]*){3}|\#)")


def _markdown_candidates(text: str) -> list[int]:
    """Every position where the markdown pattern can match: a star (and the
    blanks before it, for "endstar"), a backslash, a line opening as a rule
    or a heading may (only "rule" and "hash" can match at a line start that
    is none of the others)."""
    out = _with_run_before(text, positions(text, "*"))
    out += positions(text, "\\")
    out += [m.start() + 1 for m in RE_LINE_MARK.finditer(text)]
    if RE_FIRST_LINE_MARK.match(text):
        out.append(0)
    return out


@lru_cache(maxsize=1)
def _underthesea_token_normalize():
    from underthesea.pipeline.text_normalize import token_normalize

    return token_normalize


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=8192)
def _retone(word: str) -> str:
    fixed = _underthesea_token_normalize()(word)
    # underthesea's table also holds spelling rewrites; keep only tone moves
    if len(fixed) == len(word) and _strip_marks(fixed) == _strip_marks(word):
        return fixed
    return word


# An old-style pair: a first letter and a toned vowel after it ("oá", "uỷ").
OLD_TONE_PAIRS = (("oO", "àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ"), ("uU", "ỳýỷỹỵỲÝỶỸỴ"))
RE_OLD_TONE = regex.compile("|".join(f"[{a}][{b}]" for a, b in OLD_TONE_PAIRS))
RE_WORD_TAIL = regex.compile(r"\w*")
RE_WORD_HEAD = regex.compile(r"\w*", regex.REVERSE)  # matched backwards from a position

# Characters that cannot make a word non-NFC: every one is NFC alone, has
# combining class 0 and is never the second half of a canonical composition,
# so a string of them passes the NFC quick check ("Yes").  Ranges of common
# blocks (ASCII, Latin-1 and Latin Extended-A/B, Vietnamese letters, general
# punctuation and symbols, CJK punctuation, full-width forms) with the
# exceptions taken out; ð/Ð are out too (underthesea rewrites them).
# tests/extractors/test_normalize_fast_paths.py checks every character here.
# Example: "Khoá" with a Kelvin sign "\u212a" for its K holds an unsafe one.
NFC_SAFE_CHARS = (
    "\x00-\xcf\xd1-\xef\xf1-\u02ff\u1e00-\u1eff\u2002-\u20cf\u20dd-\u20e0\u20e2-\u20e4"
    "\u20f1-\u2125\u2127-\u2129\u212c-\u2328\u232b-\u2adb\u2add-\u2bff\u3000-\u3029"
    "\u3030-\u303f\uff00-\uffef"
)


def _word_of(text: str, m) -> tuple[int, int]:
    """The word around an old-tone match: back over letters, digits and "_", on over ``\\w``."""
    start = m.start()
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return start, RE_WORD_TAIL.match(text, m.end()).end()


@lru_cache(maxsize=1)
def _retone_candidates():
    """A pattern matching the old-tone pairs whose word :func:`_retone` may change.

    A word changes only if it is at most 6 characters long (underthesea leaves
    longer ones) and either underthesea's table changes it, or it is not NFC
    or holds ð (underthesea normalises those first).  Every word the table
    changes holds its first pair followed by one of a few endings, then its
    end: "" (khoá, uỷ) or ê/ệ + n/t in either case (the table's "-uyên"
    words); the endings are read from the table here, not written out.  A
    word that is not NFC or holds ð holds a character outside
    :data:`NFC_SAFE_CHARS`, at most 4 characters before its pair or 3 after
    it.  So a pair followed by a table ending, or with such a character
    near, is where the table may change something; every other pair is
    left as it is, and its Python round (about 90% of the pairs: "toàn",
    "hoạt") is saved.
    """
    ending = "|".join(regex.escape(e) for e in _retone_endings())
    unsafe = f"[^{NFC_SAFE_CHARS}]"
    return regex.compile(
        f"(?:{RE_OLD_TONE.pattern})(?:(?=(?:{ending})(?!\\w))|(?<={unsafe}(?s:.){{0,5}})|(?=(?s:.){{0,3}}{unsafe}))"
    )


@lru_cache(maxsize=1)
def _retone_endings() -> list[str]:
    """What follows the pairs of the table's changing words, up to the word's end (longest first)."""
    from underthesea.pipeline.text_normalize.text_normalizer import token_map

    keys = [k for k in token_map if len(k) <= 6 and RE_OLD_TONE.search(k) and _retone(k) != k]
    if not all(regex.fullmatch(r"\w+", k) for k in keys):
        raise ValueError("a changing key of the tone table is not one run of \\w: the prefilter assumes it is")
    return sorted({k[m.end():] for k in keys for m in RE_OLD_TONE.finditer(k)}, key=lambda e: (-len(e), e))


# Letters and digits that are ``\w`` for ``regex`` (tests/extractors/test_normalize_tone_fast_path.py
# checks each): where the prescan's ``(?![WORDISH])`` stands for ``(?!\w)``, it holds wherever
# ``(?!\w)`` does.  (Stdlib re's own ``\w`` will not do: it takes "²", which regex's does not.)
WORDISH_CHARS = "0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1ea0-\u1ef9"


@lru_cache(maxsize=1)
def _retone_prescan() -> tuple:
    """Stdlib-``re`` patterns, one per first letter of a pair, matching that letter
    wherever :func:`_retone_candidates` matches a pair (and at a few more places):
    where to try it.

    Each is that pattern written for ``re``, with two changes.  It opens with
    the pair's first letter, a literal, which ``re`` skips to fast, and puts the
    rest in a lookahead (so a match is one character and every position is
    found): four such scans cost less than one ``regex`` scan for the pairs
    (about 0.17 against 0.35 ms in a 40,000-character document).  And
    ``(?!\\w)`` becomes ``(?![WORDISH])``, which holds wherever the first does
    (see :data:`WORDISH_CHARS`); the other conditions are the same, the
    variable lookbehind written as six fixed ones.
    """
    ending = "|".join(re.escape(e) for e in _retone_endings())
    unsafe = f"[^{NFC_SAFE_CHARS}]"
    behind = "|".join(f"(?<={unsafe}{'.' * k})" for k in range(6))
    after_pair = f"(?:(?=(?:{ending})(?![{WORDISH_CHARS}]))|{behind}|(?=.{{0,3}}{unsafe}))"
    return tuple(re.compile(f"{re.escape(first)}(?=[{seconds}]{after_pair})", re.S)
                 for firsts, seconds in OLD_TONE_PAIRS for first in firsts)


def _find_old_tones(text: str) -> Iterable[Edit]:
    """Words holding an old-style vowel pair ("oá", "uỷ"), rewritten by underthesea's table.

    The word of the first pair of each run of ``\\w`` characters is looked up
    (later pairs in the same run are inside it), but only for the runs whose
    pairs :func:`_retone_candidates` keeps: the others cannot change.

    A kept pair may not be the first of its run of ``\\w``: the run's first
    pair is found again and its word looked up, exactly as looking up every
    run does (the reference in ``tests/extractors/test_normalize_tone_fast_path.py``);
    a run whose first pair is not kept cannot change (see
    :func:`_retone_candidates`).
    """
    last_end = -1
    # tried only where the prescans find a pair
    pairs = [m.start() for rx in _retone_prescan() for m in rx.finditer(text)]
    for c in finditer_at(_retone_candidates(), text, pairs):
        if c.start() < last_end:
            continue  # in the run just looked up
        m = RE_OLD_TONE.search(text, RE_WORD_HEAD.match(text, 0, c.start()).start())
        start, end = _word_of(text, m)
        last_end = end
        word = text[start:end]
        fixed = _retone(word)
        if fixed != word:
            yield Edit(start, end, (fixed,))


tone_placement = Step(
    "tone_placement",
    "old tone placement becomes the new one (underthesea's token table): khoá→khóa, Uỷ→Ủy, hoà→hòa",
    ("Uỷ ban khoá XI", "Ủy ban khóa XI"),
    _find_old_tones,
)


def _load_ocr_slips() -> list[tuple[str, str]]:
    with open(DATA / "ocr_slips.tsv", encoding="utf-8", newline="") as f:
        return [(r["pattern"], r["replacement"]) for r in csv.DictReader(f, delimiter="\t")]


OCR_SLIPS = _load_ocr_slips()


def _required_literal(pattern: str) -> str | None:
    """The plain text every match of a row contains ("MITQ" of ``\\bMITQ\\b``), or None."""
    lit = re.sub(r"^\(\?m\)\^|\\b|\(\?=.*\)$", "", pattern)
    return lit if lit and not any(c in "\\.^$*+?{}[]|()" for c in lit) else None


OCR_LITERALS = [_required_literal(p) for p, _ in OCR_SLIPS]


@lru_cache(maxsize=64)
def _ocr_regex(rows: tuple[int, ...]):
    """One alternation over ``rows`` (a row's "(?m)" becomes the global flag), so
    the text is scanned once; the first row that matches at a position wins.
    Group ``s{i}`` is row ``i`` of the table."""
    return regex.compile("|".join(f"(?P<s{i}>{OCR_SLIPS[i][0].replace('(?m)', '')})" for i in rows), regex.M)


RE_OCR = _ocr_regex(tuple(range(len(OCR_SLIPS))))


def literal_scan(literals: Iterable[str]) -> tuple:
    """Stdlib-``re`` patterns for :func:`literal_positions`, one per first character of
    ``literals``: that character where one of its literals goes on after it.

    The character is a literal, which ``re`` skips to fast; one alternation of
    all the literals tests every position against the class of their first
    characters instead, about half as fast for the OCR table (a test per
    character rather than a search).  The rest is in a lookahead: a match is
    one character, so every position where a literal starts is found,
    overlapping ones included.  The literals must not be empty.
    """
    groups: dict[str, list[str]] = {}
    for lit in sorted(set(literals), key=len, reverse=True):
        groups.setdefault(lit[0], []).append(re.escape(lit[1:]))
    return tuple(re.compile(f"{re.escape(first)}(?={'|'.join(rests)})") for first, rests in groups.items())


def literal_positions(text: str, scan: tuple, literals: Sequence[str]) -> dict[str, list[int]]:
    """``{lit: positions(text, lit)}`` for the ``literals`` that occur, overlapping ones
    included; ``scan`` is their :func:`literal_scan`.  Each position a pattern
    finds starts one of the literals of its first character: which ones is
    read there (the positions are few)."""
    by_first: dict[str, list[str]] = {}
    for lit in literals:
        by_first.setdefault(lit[0], []).append(lit)
    found: dict[str, list[int]] = {}
    for rx in scan:
        for m in rx.finditer(text):
            p = m.start()
            for lit in by_first[text[p]]:
                if text.startswith(lit, p):
                    found.setdefault(lit, []).append(p)
    return found


_OCR_LITERAL_SET = tuple(sorted({lit for lit in OCR_LITERALS if lit}))
RE_OCR_LITERALS = literal_scan(_OCR_LITERAL_SET)


def _find_ocr(text: str) -> Iterable[Edit]:
    # Only rows whose literal is in the text can match (the literal scans are
    # far cheaper than the alternation's); leaving the others out of the
    # alternation changes no match.  Most texts hold none.
    found = literal_positions(text, RE_OCR_LITERALS, _OCR_LITERAL_SET)
    rows = tuple(i for i, lit in enumerate(OCR_LITERALS) if lit is None or lit in found)
    if not rows:
        return
    rx = _ocr_regex(rows)
    if all(OCR_LITERALS[i] is not None for i in rows):
        # A row's match opens with its literal (what precedes it, "\\b" or
        # "^", is zero-width): try the alternation only where one is found.
        matches = finditer_at(rx, text, [p for i in rows for p in found[OCR_LITERALS[i]]])
    else:
        matches = rx.finditer(text)
    for m in matches:
        yield Edit(m.start(), m.end(), (OCR_SLIPS[int(m.lastgroup[1:])][1],))


ocr_slips = Step(
    "ocr_slips",
    "OCR slips from the reviewable table data/ocr_slips.tsv: MITQ→MTTQ, Phân đấu→Phấn đấu, 1ỷ lệ→Tỷ lệ …",
    ("đối với MITQ", "đối với MTTQ"),
    _find_ocr,
)

# A line that ends mid-sentence (no closing punctuation) followed by blank
# lines and a line starting in lower case is one paragraph cut by a page break.
# Page furniture between the halves (a bare page number, an OCR "===== Trang 2 ====="
# banner) goes with the break.  A lower-case list label ("a) ", "b. ") starts a
# new item, not a continuation.
PAGE_FURNITURE = r"(?:\d{1,3}|=+[ \t]*Trang[ \t]+\d+[ \t]*=+)"
LIST_LABEL = r"[a-zđ][).](?:\s|$)"
RE_PAGE_BREAK = regex.compile(
    rf"\n(?<=[\p{{Ll}},;\d]\n)(?:[ \t]*\n)*(?:[ \t]*{PAGE_FURNITURE}?[ \t]*\n)(?:[ \t]*(?:{PAGE_FURNITURE}[ \t]*)?\n)*"
    rf"[ \t]*(?=\p{{Ll}})(?!{LIST_LABEL})",
    regex.M,
)

# Characters a line can end with before a cut sentence, none of \p{Ll}, ",", ";"
# or a digit; and characters a continuation cannot start with, none of \p{Ll}
# (tests/extractors/test_normalize_fast_paths.py checks every one of both).
NOT_BEFORE_A_CUT = r"\s.:!?)\]\"'”’A-Z"
NOT_LOWER = r"\s\d\-.(%A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"

# Where RE_PAGE_BREAK can match: a newline after a character that may be \p{Ll},
# ",", ";" or a digit, then blank or furniture lines and a character that may be
# \p{Ll}: what the pattern needs, with each class widened.  Stdlib re skips to
# its literal newline several times faster than regex scans for the pattern,
# which is then tried only there (most paragraphs end with "." or ":", or the
# next one opens with a capital or a dash).
RE_PAGE_BREAK_AT = re.compile(
    rf"\n(?<=[^{NOT_BEFORE_A_CUT}]\n)(?=(?:[ \t]*{PAGE_FURNITURE}?[ \t]*\n)+[ \t]*[^{NOT_LOWER}])"
)


def _find_page_breaks(text: str) -> Iterable[Edit]:
    for m in finditer_at(RE_PAGE_BREAK, text, [c.start() for c in RE_PAGE_BREAK_AT.finditer(text)]):
        yield Edit(m.start(), m.end(), (" ",))


page_breaks = Step(
    "page_breaks",
    "a paragraph cut by a page break (blank lines, then a lower-case continuation) is rejoined",
    ("cán bộ, đảng viên trong\n\nviệc thực hiện", "cán bộ, đảng viên trong việc thực hiện"),
    _find_page_breaks,
)

# Footnote blocks ("¹ …" lines) printed between the two halves of a sentence.
RE_FOOTNOTE_SPLIT = regex.compile(
    r"\n(?<=[\p{Ll},;]\n)(?P<notes>(?:[ \t]*\n)*(?:[ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰]+[^\n]*\n(?:[ \t]*\n)*)+)[ \t]*(?!" + LIST_LABEL + r")(?P<cont>\p{Ll}[^\n]*)"
)


# Where RE_FOOTNOTE_SPLIT can match: a newline after a character that may be
# \p{Ll}, "," or ";", then blank lines and a superscript digit (see RE_PAGE_BREAK_AT).
RE_FOOTNOTE_SPLIT_AT = re.compile(rf"\n(?<=[^{NOT_BEFORE_A_CUT}]\n)(?=(?:[ \t]*\n)*[ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰])")


def _find_footnote_splits(text: str) -> Iterable[Edit]:
    for m in finditer_at(RE_FOOTNOTE_SPLIT, text, [c.start() for c in RE_FOOTNOTE_SPLIT_AT.finditer(text)]):
        a, b = m.span("notes")
        notes = text[a:b]
        a += len(notes) - len(notes.lstrip())
        b -= len(notes) - len(notes.rstrip())
        yield Edit(m.start(), m.end(), (" ", m.span("cont"), "\n\n", (a, b)))


footnotes = Step(
    "footnotes",
    "a sentence interrupted by a footnote block is rejoined; the footnotes follow its paragraph",
    ("Thông qua\n\n¹ Đề án …\n\ncác hoạt động", "Thông qua các hoạt động\n\n¹ Đề án …"),
    _find_footnote_splits,
)

def _trim_spaces(m) -> str:
    if m.group("nl"):
        return "\n\n"
    if m.group("run"):
        return " "
    if m.group("trail"):
        # trailing tabs of a table row are its empty last cells: only a line
        # without other tabs loses them
        line_start = m.string.rfind("\n", 0, m.start()) + 1
        if "\t" in m.string[line_start : m.start()]:
            return m.group().strip(" ")
    return ""


SPACES_PATTERN = r"(?P<trail>[ \t]+$)|(?P<run>(?<=\S) {2,}(?=\S))|(?P<lead>^ +)|(?P<nl>\n{3,})"

spaces = regex_step(
    "spaces",
    "runs of spaces become one; line ends are trimmed; three or more newlines become two",
    ("a  b \t\n\n\n\nc", "a b\n\nc"),
    SPACES_PATTERN,
    _trim_spaces,
    module=re,
    candidates=lambda text: _space_candidates(text),
)

# A newline with a blank before it (a line end to trim), a space after it (a
# line opening with spaces) or two more newlines after it: its first
# character is a literal, which re skips to as fast as str.find, so one scan
# stands for four str.find scans (" \n", "\t\n", "\n ", "\n\n\n").
RE_SPACE_NEWLINE = re.compile(r"\n(?:(?<=[ \t]\n)|(?= |\n\n))")


def _space_candidates(text: str) -> list[int]:
    """Every position where the spaces pattern can match: in blanks before a
    line end, at two spaces, at a space opening a line, in three newlines.
    (A single space between words, the commonest character, never matches.)"""
    ends, out = [], []
    for m in RE_SPACE_NEWLINE.finditer(text):
        p = m.start()
        if p and text[p - 1] in " \t":
            ends.append(p - 1)
        if text[p + 1 : p + 2] == " ":
            out.append(p + 1)
        if text.startswith("\n\n", p + 1):
            out.append(p)
    if text[-1:] in (" ", "\t"):
        ends.append(len(text) - 1)
    out += _with_run_before(text, ends)
    out += positions(text, "  ")
    if text[:1] == " ":
        out.append(0)
    return out

DEFAULT_STEPS: tuple[Step, ...] = (
    nfc,
    punctuation,
    markdown_tables,
    markdown,
    tone_placement,
    ocr_slips,
    spaces,
    footnotes,
    page_breaks,
)
