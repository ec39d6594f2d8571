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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

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


@dataclass(frozen=True)
class Normalized:
    """The normalised ``text`` of ``raw`` with a per-character map back to it."""

    raw: str
    text: str
    starts: array
    ends: array
    steps: tuple[str, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering normalised ``text[start:end]``."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        # min/max rather than the end points: a step may have moved text
        lo = min(self.starts[start:end])
        hi = max(self.ends[start:end])
        return lo, hi

    def evidence(self, start: int, end: int) -> tuple[int, int, str]:
        """``(raw_start, raw_end, raw_text)`` for a normalised span."""
        lo, hi = self.raw_span(start, end)
        return lo, hi, self.raw[lo:hi]


def _apply(text: str, starts: array | None, ends: array | None, edits: Iterable[Edit]):
    out: list[str] = []
    new_starts = array("l")
    new_ends = array("l")
    track = starts is not None
    pos = 0
    for e in edits:
        if e.start < pos:
            continue  # overlapping edit: the earlier one wins
        out.append(text[pos : e.start])
        if track:
            new_starts.extend(starts[pos : e.start])
            new_ends.extend(ends[pos : e.start])
        if e.end > e.start:
            lo, hi = (starts[e.start], ends[e.end - 1]) if track else (0, 0)
        else:
            lo = hi = (starts[e.start] if e.start < len(starts) else (ends[-1] if len(ends) else 0)) if track else 0
        literal_len = sum(len(p) for p in e.pieces if isinstance(p, str))
        one_to_one = (
            len(e.pieces) == 1 and isinstance(e.pieces[0], str) and literal_len == e.end - e.start
        )
        for piece in e.pieces:
            if isinstance(piece, str):
                out.append(piece)
                if track:
                    if one_to_one:  # same length: keep per-character precision
                        new_starts.extend(starts[e.start : e.end])
                        new_ends.extend(ends[e.start : e.end])
                    else:
                        new_starts.extend(array("l", [lo]) * len(piece))
                        new_ends.extend(array("l", [hi]) * len(piece))
            else:
                a, b = piece
                out.append(text[a:b])
                if track:
                    new_starts.extend(starts[a:b])
                    new_ends.extend(ends[a:b])
        pos = e.end
    out.append(text[pos:])
    if track:
        new_starts.extend(starts[pos:])
        new_ends.extend(ends[pos:])
    return "".join(out), new_starts, new_ends


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
    starts = array("l", range(len(raw)))
    ends = array("l", range(1, len(raw) + 1))
    for step in steps:
        text, starts, ends = _apply(text, starts, ends, step.find(text))
    return Normalized(raw, text, starts, ends, tuple(s.name for s in steps))


def regex_step(name: str, description: str, example: tuple[str, str], pattern: str, repl,
               trigger: Callable[[str], bool] | None = None, module=regex) -> Step:
    """A step made of one pattern; ``repl`` is a string or ``match -> str``.

    ``trigger`` is a cheap test that the pattern can match at all (scanning a
    long text costs more than a substring test); ``module`` may be the stdlib
    ``re`` for patterns without Unicode properties, which it runs faster.
    """
    rx = module.compile(pattern, module.M)

    def find(text: str) -> Iterable[Edit]:
        if trigger is not None and not trigger(text):
            return
        for m in rx.finditer(text):
            out = repl(m) if callable(repl) else m.expand(repl)
            if out != m.group():
                yield Edit(m.start(), m.end(), (out,))

    return Step(name, description, example, find)


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
    "[" + regex.escape("".join(_PUNCT_MAP)) + "]+",
    lambda m: "".join(_PUNCT_MAP[c] for c in m.group()),
)

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

markdown = regex_step(
    "markdown",
    "markdown debris goes: heading hashes, rules, bold/italic stars, backslash escapes; "
    "bold glued between two headings becomes a line break",
    ("## **I. MỤC TIÊU**", "I. MỤC TIÊU"),
    r"(?P<glue>\*{4}|(?<=\p{L})\*\*(?=[\p{Lu}\d]))"
    r"|(?P<rule>^[ \t]*(?:[-*_=][ \t]*){3,}$)"
    r"|(?P<hash>^[ \t]*\#{1,6}[ \t]+)"
    r"|(?P<endstar>[ \t]+\*{1,3}(?=[ \t]*$))"  # "2025 *": a closing star cut off by a line break
    r"|(?P<stars>\*{1,3}(?=\S)|(?<=\S)\*{1,3})"
    r"|(?P<esc>\\(?=[\\`*_{}\[\]()\#+\-.!|]))",
    lambda m: "\n" if m.group("glue") else "",
)


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


RE_OLD_TONE = regex.compile(r"[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ]")
RE_WORD_TAIL = regex.compile(r"\w*")


def _find_old_tones(text: str) -> Iterable[Edit]:
    """Words holding an old-style vowel pair ("oá", "uỷ"), rewritten by underthesea's table."""
    last_end = -1
    for m in RE_OLD_TONE.finditer(text):
        if m.start() < last_end:
            continue
        start = m.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        end = RE_WORD_TAIL.match(text, m.end()).end()
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
# One alternation over every row (a row's "(?m)" becomes the global flag), so
# the text is scanned once; the first row that matches at a position wins.
RE_OCR = regex.compile(
    "|".join(f"(?P<s{i}>{p.replace('(?m)', '')})" for i, (p, _) in enumerate(OCR_SLIPS)), regex.M
)


def _find_ocr(text: str) -> Iterable[Edit]:
    for m in RE_OCR.finditer(text):
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

page_breaks = Step(
    "page_breaks",
    "a paragraph cut by a page break (blank lines, then a lower-case continuation) is rejoined",
    ("cán bộ, đảng viên trong\n\nviệc thực hiện", "cán bộ, đảng viên trong việc thực hiện"),
    lambda text: (Edit(m.start(), m.end(), (" ",)) for m in RE_PAGE_BREAK.finditer(text)),
)

# Footnote blocks ("¹ …" lines) printed between the two halves of a sentence.
RE_FOOTNOTE_SPLIT = regex.compile(
    r"\n(?<=[\p{Ll},;]\n)(?P<notes>(?:[ \t]*\n)*(?:[ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰]+[^\n]*\n(?:[ \t]*\n)*)+)[ \t]*(?!" + LIST_LABEL + r")(?P<cont>\p{Ll}[^\n]*)"
)


def _find_footnote_splits(text: str) -> Iterable[Edit]:
    if not any(c in text for c in "¹²³⁴⁵⁶⁷⁸⁹⁰"):
        return
    for m in RE_FOOTNOTE_SPLIT.finditer(text):
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


spaces = regex_step(
    "spaces",
    "runs of spaces become one; line ends are trimmed; three or more newlines become two",
    ("a  b \t\n\n\n\nc", "a b\n\nc"),
    r"(?P<trail>[ \t]+$)|(?P<run>(?<=\S) {2,}(?=\S))|(?P<lead>^ +)|(?P<nl>\n{3,})",
    _trim_spaces,
    module=re,
)

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
