"""bodies: who is named — the body gazetteer, matching, mentions and list splitting.

The gazetteer ``data/bodies.tsv`` (canonical, family, levels, aliases,
example) is loaded once.  Three verbs:

* :func:`match_body` — a written name ("BTT Ủy ban MTTQ tỉnh") → a :class:`Body`
  with its canonical name, family, level and jurisdiction; exact lookup after
  folding case, tone placement and dashes, then rapidfuzz for slips.  Unknown
  names are kept with ``matched=False``.
* :func:`find_bodies` — body mentions in a document, found by one compiled
  pattern of every alias over a folded copy of the text (offsets kept); a
  spaCy ``PhraseMatcher`` over the same aliases is :func:`phrase_matcher`.
* :func:`split_bodies` — a written list ("UBND tỉnh; các sở, ngành và …") → the
  spans of its bodies, never splitting a name the gazetteer knows
  ("Sở Lao động - Thương binh và Xã hội").
"""
from __future__ import annotations

import csv
import heapq
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import regex
from rapidfuzz import fuzz, process

from .normalize import nfc, punctuation
from .records import Record

if TYPE_CHECKING:
    from .document import Document
    from .normalize import Normalized

DATA = Path(__file__).parent / "data"
LEVELS = ("trung ương", "tỉnh", "huyện", "xã", "thôn")
FUZZY_CUTOFF = 90.0
FUZZY_MIN_LEN = 8  # shorter keys ("ubnd", "hđnd") must match exactly


@dataclass(frozen=True, slots=True)
class Body(Record):
    """A body as written (``text``) and what it resolves to."""

    text: str
    canonical: str
    family: str  # party | state | mttq | socio-political | other
    level: str  # trung ương | tỉnh | huyện | xã | thôn | các cấp | ""
    jurisdiction: str  # "Việt Nam", a province, or "province > commune"
    matched: bool
    score: float


@dataclass(frozen=True, slots=True)
class BodyMention(Record):
    """A body named in a document; ``start``/``end`` are raw offsets."""

    doc_id: str
    start: int
    end: int
    text: str
    body: Body
    section: str = ""


# The slot setters of BodyMention's fields, in field order: a document names bodies
# by the hundred, and setting the slots directly makes the same record in less time
# than the frozen dataclass's __init__ (as deadlines.py makes its Deadline).
_MENTION_SLOTS = tuple(getattr(BodyMention, f.name).__set__ for f in fields(BodyMention))
_BODY_SLOTS = tuple(getattr(Body, f.name).__set__ for f in fields(Body))


@dataclass(frozen=True, slots=True)
class Entry:
    canonical: str
    family: str
    levels: tuple[str, ...]
    aliases: tuple[str, ...]
    example: str


# --- keys ------------------------------------------------------------------

_RE_DASH = regex.compile(r"\s*([-–/&])\s*")
_RE_TRIM = regex.compile(r"^[\s,;:.\-–*]+|[\s,;:.\-–*]+$")


def clean(s: str) -> str:
    """The project's normalisation of a short string (NFC, dashes, tone placement).

    Tone placement is :func:`new_tones` (the open syllables the normalize step
    moves), not underthesea's table: the gazetteer then loads without it.
    """
    return new_tones(punctuation(nfc(s)))


def body_key(s: str) -> str:
    """Lookup key: cleaned, lower case, dashes/slashes/& without spaces around them.

    >>> body_key("Ban Thi đua – Khen thưởng"), body_key("Uỷ ban MTTQ")
    ('ban thi đua-khen thưởng', 'ủy ban mttq')
    """
    s = clean(s).lower()
    s = _RE_DASH.sub(r"\1", s)
    s = _RE_TRIM.sub("", s)
    return " ".join(s.split())


# Words written after a body name that say its level ("Hội LHPN tỉnh",
# "UBND cấp xã", "Ban Dân vận Tỉnh ủy"), longest first.
LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("cấp tỉnh", "tỉnh"), ("cấp thành phố", "tỉnh"), ("cấp huyện", "huyện"), ("cấp xã", "xã"),
    ("cấp cơ sở", "xã"), ("các cấp", "các cấp"), ("cùng cấp", ""), ("trung ương", "trung ương"),
    ("tw", "trung ương"), ("tỉnh ủy", "tỉnh"), ("thành ủy", "tỉnh"), ("tỉnh", "tỉnh"),
    ("thành phố", "tỉnh"), ("tp", "tỉnh"), ("huyện", "huyện"), ("xã", "xã"), ("phường", "xã"),
    ("đặc khu", "xã"), ("thị trấn", "xã"), ("thôn", "thôn"), ("bản", "thôn"), ("tổ dân phố", "thôn"),
)
_RE_LEVEL_TAIL = regex.compile(
    r"\s+(?P<w>" + "|".join(regex.escape(w) for w, _ in LEVEL_WORDS) + r")(?:\s+(?P<place>\p{Lu}[\p{L}]*(?:\s+\p{Lu}[\p{L}]*){0,3}))?$"
)
_LEVEL_OF = dict(LEVEL_WORDS)
_RE_PREFIX = regex.compile(r"^(?:các|những|cả|toàn bộ)\s+")


# --- the gazetteer ---------------------------------------------------------

@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[Entry, ...]
    by_key: dict[str, Entry]
    keys: tuple[str, ...]
    by_fold: dict[str, Entry]  # tone marks and đ folded away ("uy ban mat tran to quoc")

    def lookup(self, key: str) -> Entry | None:
        return self.by_key.get(key)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The body gazetteer, loaded once from ``data/bodies.tsv``."""
    entries = []
    with open(DATA / "bodies.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            levels = tuple(lv.strip() for lv in (row.get("levels") or "").split("|") if lv.strip())
            entries.append(Entry(row["canonical"].strip(), (row.get("family") or "other").strip(), levels,
                                 aliases, (row.get("example") or "").strip()))
    by_key: dict[str, Entry] = {}
    for e in entries:  # canonical names first: an alias never shadows another row's canonical
        by_key.setdefault(body_key(e.canonical), e)
    for e in entries:
        for a in e.aliases:
            by_key.setdefault(body_key(a), e)
    by_fold: dict[str, Entry | None] = {}
    for k, e in by_key.items():
        f = _fold(k)
        if by_fold.get(f, e) is not e:
            by_fold[f] = None  # two bodies fold alike: not a safe key
        else:
            by_fold[f] = e
    return Gazetteer(tuple(entries), by_key, tuple(by_key), {f: e for f, e in by_fold.items() if e is not None})


class _MarkStripper(dict):
    """``str.translate`` table: a character → itself without tone marks, đ → d,
    computed on first sight.  Removing every combining mark makes NFD
    character by character equal to NFD of the whole string."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        out = "d" if c == "đ" else "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
        self[code] = out
        return out


_STRIP_MARKS = _MarkStripper()


def fold(s: str) -> str:
    """:func:`jurisdiction.fold` (lower case, no tone marks, đ → d, spaces squeezed), by table.

    >>> fold("Kẻ  Sặt"), fold("Uỷ ban MTTQ")
    ('ke sat', 'uy ban mttq')
    """
    return " ".join(s.lower().translate(_STRIP_MARKS).split())


_fold = fold


def _level_for(entry: Entry | None, hint: str, doc_level: str | None) -> str:
    if hint:
        return hint
    levels = entry.levels if entry else ()
    if len(levels) == 1:
        return levels[0]
    if doc_level and (not levels or doc_level in levels):
        return doc_level
    if doc_level == "huyện" and "xã" in levels:
        return "xã"
    return levels[-1] if levels and doc_level is None else (doc_level or "")


def jurisdiction_of(level: str, province: str | None, commune: str | None = None) -> str:
    """Whose body it is: the country, the document's province, or its commune."""
    if level == "trung ương":
        return "Việt Nam"
    if level in ("xã", "thôn") and commune:
        return f"{province} > {commune}" if province else commune
    return province or ""


def _resolve(key: str) -> tuple[Entry | None, float, str]:
    """(entry, score, level hint) for a key, stripping level words and "các"."""
    g = gazetteer()
    tail = _RE_LEVEL_TAIL.search(key)
    hint = _LEVEL_OF[tail.group("w")] if tail else ""  # "Ban Dân vận Trung ương" is an alias and central
    inner = _RE_INNER_LEVEL.search(key)
    if inner:  # "ủy ban mttq xã và các tổ chức …": the level sits inside a group name
        hint = _LEVEL_OF.get(inner.group().split()[-1], "")
        key = _RE_INNER_LEVEL.sub("", key)
    tried = []
    k = key
    for _ in range(4):
        for cand in (k, _RE_PREFIX.sub("", k)):
            if cand in tried:
                continue
            tried.append(cand)
            e = g.lookup(cand)
            if e is not None:
                return e, 100.0, hint
        m = _RE_LEVEL_TAIL.search(k)
        if not m:
            break
        hint = hint or _LEVEL_OF[m.group("w")]
        k = k[: m.start()]
    for cand in tried:
        e = g.by_fold.get(_fold(cand))
        if e is not None:
            return e, 95.0, hint
    for cand in tried:
        if len(cand) < FUZZY_MIN_LEN:
            continue
        hit = process.extractOne(cand, g.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit:
            return g.by_key[hit[0]], float(hit[1]), hint
    return None, 0.0, hint


@lru_cache(maxsize=16384)
def _resolve_cached(key: str) -> tuple[Entry | None, float, str]:
    return _resolve(key)


@lru_cache(maxsize=65536)
def _body_key_cached(text: str) -> str:
    return body_key(text)


def match_body(name: str, doc_level: str | None = None, province: str | None = None,
               commune: str | None = None) -> Body:
    """Resolve a written body name against the gazetteer.

    >>> b = match_body("BTT Uỷ ban MTTQ tỉnh", "tỉnh", "Tuyên Quang")
    >>> b.canonical, b.level, b.jurisdiction, b.matched
    ('Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam', 'tỉnh', 'Tuyên Quang', True)
    >>> match_body("Hợp tác xã Tân Phong").matched
    False
    """
    # names recur within and across documents (a province's bodies, list items):
    # the short ones are resolved once per document context (a Body is immutable)
    if len(name) < 300:
        return _match_body_cached(name, doc_level, province, commune)
    return _match_body(name, doc_level, province, commune)


@lru_cache(maxsize=32768)
def _match_body_cached(name: str, doc_level: str | None, province: str | None, commune: str | None) -> Body:
    return _match_body(name, doc_level, province, commune)


def _match_body(name: str, doc_level: str | None, province: str | None, commune: str | None) -> Body:
    text = " ".join(name.split())
    entry, score, hint = _resolve_cached(_body_key_cached(text))
    level = _level_for(entry, hint, doc_level)
    juris = jurisdiction_of(level, province, commune)
    if entry is None:
        return _new_body(text, text, "other", level, juris, False, 0.0)
    return _new_body(text, entry.canonical, entry.family, level, juris, True, score)


def _new_body(text: str, canonical: str, family: str, level: str, jurisdiction: str, matched: bool,
              score: float) -> Body:
    """``Body(...)`` made by setting its slots: a document's names miss the cache of
    :func:`match_body` in every new context (province, commune), and this is
    faster than the frozen dataclass's ``__init__``."""
    body = _new(Body)
    set_text, set_canonical, set_family, set_level, set_jurisdiction, set_matched, set_score = _BODY_SLOTS
    set_text(body, text)
    set_canonical(body, canonical)
    set_family(body, family)
    set_level(body, level)
    set_jurisdiction(body, jurisdiction)
    set_matched(body, matched)
    set_score(body, score)
    return body


_new = object.__new__


def doc_context(doc: "Document") -> tuple[str | None, str | None, str | None]:
    """(level, province, commune) of a document, from its metadata."""
    md = doc.metadata
    return md.level.value, md.province.value, md.commune.value


# --- finding mentions --------------------------------------------------------
#
# One compiled alternation of every alias, shaped as a trie of tokens so the
# engine walks one branch per position, run over a folded copy of the text.
# The fold keeps length (lower case, tone moved within its syllable), so match
# offsets are offsets of the text itself.  Stdlib ``re`` rather than ``regex``:
# it skips to possible first characters and runs this pattern ~4× faster.

# Tokens of a name: words (with inner dots, "TT.HĐND") and single punctuation marks.
_RE_TOKEN = re.compile(r"\w+(?:\.\w+)*|[^\w\s]")
_RE_ONE_WORD = re.compile(r"\w+(?:\.\w+)*")
_RE_TOKEN_START = re.compile(r"(?<!\w)\w|[^\w\s]")
# Old tone placement in an open syllable ("hoà", "Uỷ", "khoẻ", not "quý", "hoàng"),
# the cases the normalize step moves; the move keeps the string's length.
# Anchored on the o/u with a lookahead: ``re`` then skips fast to candidates.
_RE_OLD_TONE = re.compile(r"[oOuU](?=[àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?!\w))")
_TONED = {c: unicodedata.normalize("NFD", c) for c in "àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ"}


# The same pairs in a lower-case text, one pattern per vowel: each opens with a
# literal, which ``re`` skips to several times faster than to a class, and says
# the whole condition (an o before a or e, a u not after q before y), so every
# match is a pair to move.  Most documents hold none (the normalize step moved
# them); the ones left are "quả", "quý".
_RE_OLD_TONE_LOWER = (re.compile(r"o(?=[àáảãạèéẻẽẹ](?!\w))"), re.compile(r"u(?<!qu)(?=[ỳýỷỹỵ](?!\w))"))


def new_tones(s: str) -> str:
    """Tone placement of open syllables moved to the new style, length kept.

    >>> new_tones("Uỷ ban, hoà bình, khoẻ, quý, hoàng, thuỷ")
    'Ủy ban, hòa bình, khỏe, quý, hoàng, thủy'
    """
    at = []
    for m in _RE_OLD_TONE.finditer(s):
        i = m.start()
        v, base = s[i], _TONED[s[i + 1]][0]
        if (v in "oO") != (base in "aAeE") or (v in "uU" and s[i - 1 : i] in ("q", "Q")):
            continue  # "oỳ", "uà" are not pairs the normalize step moves; "quý" keeps its tone
        at.append(i)
    return _moved(s, at)


def _new_tones_lower(s: str) -> str:
    """:func:`new_tones` of a text whose o, u and toned vowels are all in lower case
    (as ``str.lower`` leaves them)."""
    o, u = _RE_OLD_TONE_LOWER
    return _moved(s, [m.start() for m in o.finditer(s)] + [m.start() for m in u.finditer(s)])


def _moved(s: str, at: list[int]) -> str:
    """``s`` with the tone of the pair at each of ``at`` moved onto its first vowel."""
    if not at:
        return s
    out = list(s)
    for i in at:
        v, toned = s[i], _TONED[s[i + 1]]
        out[i], out[i + 1] = unicodedata.normalize("NFC", v + toned[1:]), toned[0]
    return "".join(out)


def fold_for_match(s: str) -> str:
    """Lower case and new tone placement, with ``len`` and every offset kept."""
    return _fold_for_match(s)[0]


def _fold_for_match(s: str) -> tuple[str, bool]:
    """:func:`fold_for_match`, and whether it had to go char by char (``s.lower()`` is longer)."""
    low = s.lower()
    by_char = len(low) != len(s)
    if by_char:  # "İ" lower-cases to two characters: fold char by char
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
    return _new_tones_lower(low), by_char


@dataclass(frozen=True)
class AliasPattern:
    rx: re.Pattern
    exact: frozenset[str]  # one-word names, matched only as written
    # names inside which no longer name can start ("sở y tế"; not "ban dân vận
    # tỉnh" where "tỉnh ủy" may start): the scan needs no second look inside them
    closed: frozenset[str]
    # every proper prefix of every string the pattern can match ("ban dân v"):
    # a name can start inside a match and run past its end only where the rest
    # of the match is one of these
    partial: frozenset[str] = frozenset()
    _shapes: dict = field(default_factory=dict, compare=False, repr=False)

    def shape(self, match: str) -> tuple[bool, tuple[int, ...]]:
        """(is one word, offsets where a longer name may start inside ``match``), once per string.

        The scan meets the same few hundred names over and over: what it must
        check inside each is worked out on first sight.  An offset is a token
        start (as :data:`_RE_TOKEN_START` finds them) whose rest of ``match`` is
        in :attr:`partial`; a name starting elsewhere cannot run past the end.

        >>> alias_pattern().shape("ban dân vận tỉnh")
        (False, (12,))
        """
        shape = self._shapes.get(match)
        if shape is None:
            one_word = _RE_ONE_WORD.fullmatch(match) is not None
            inner = () if match in self.closed else tuple(
                t.start() for t in _RE_TOKEN_START.finditer(match, 1) if match[t.start():] in self.partial)
            shape = self._shapes[match] = (one_word, inner)
        return shape


def _join(prev_word: bool, word: bool) -> str:
    """What the pattern allows between two tokens of a name: words are one space
    apart; a dash, comma or "&" may touch its neighbours ("lđ-tb&xh", "lđ - tb & xh")."""
    return " " if word and prev_word else " ?"


def _spellings(name: str) -> list[str]:
    """Every string the alias pattern matches for ``name``: its tokens joined as :func:`_join` allows.

    >>> _spellings("sở lđ-tb")
    ['sở lđ-tb', 'sở lđ- tb', 'sở lđ -tb', 'sở lđ - tb']
    """
    out = [""]
    prev_word = None
    for tok in _RE_TOKEN.findall(name):
        word = _RE_ONE_WORD.match(tok) is not None
        joins = ("",) if prev_word is None else (" ",) if _join(prev_word, word) == " " else ("", " ")
        out = [s + j + tok for s in out for j in joins]
        prev_word = word
    return out


def _trie_pattern(names) -> str:
    trie: dict = {}
    for name in names:
        node = trie
        for tok in _RE_TOKEN.findall(name):
            node = node.setdefault(tok, {})
        node[""] = {}

    def emit(node: dict, prev_word: bool) -> str:
        alts = []
        # a longer token first: "tt.hđnd" before "tt"
        for tok in sorted((k for k in node if k), key=lambda k: (-len(k), k)):
            word = _RE_ONE_WORD.match(tok) is not None
            alts.append(_join(prev_word, word) + re.escape(tok) + emit(node[tok], word))
        if "" in node:  # a name ends here: a word must end too
            alts.append(r"(?!\w)" if prev_word else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    # The first tokens, grouped by their first letter, which opens the pattern:
    # ``re`` then skips to candidate letters.  That a name starts a word is
    # checked after its first token ("ban(?<!\w.{3})"), not after its first
    # letter: most letters the scan stops at are inside a word, and fail on the
    # token's next letters at once, a little faster than on the look-behind.
    by_first: dict[str, list[str]] = {}
    for tok in sorted((k for k in trie if k), key=lambda k: (-len(k), k)):
        word = _RE_ONE_WORD.match(tok) is not None
        starts_word = rf"(?<!\w.{{{len(tok)}}})" if word else ""
        by_first.setdefault(tok[0], []).append(re.escape(tok[1:]) + starts_word + emit(trie[tok], word))
    alts = []
    for ch, rests in sorted(by_first.items()):
        alts.append(re.escape(ch) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"))
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=1)
def alias_pattern() -> AliasPattern:
    """The compiled alias pattern, built once per process from the gazetteer."""
    names: set[str] = set()
    exact: set[str] = set()
    for e in gazetteer().entries:
        for a in (e.canonical, *e.aliases):
            c = clean(a)
            names.add(fold_for_match(c))
            if _RE_ONE_WORD.fullmatch(c):
                exact.add(c)
    toks = {n: _RE_TOKEN.findall(n) for n in names}
    prefixes = {" ".join(t[:i]) for t in toks.values() for i in range(1, len(t))}
    closed = set()
    for n, t in toks.items():
        if not any(" ".join(t[i:]) in prefixes for i in range(1, len(t))):
            closed.update((n, " ".join(t)))
    partial = {s[:i] for n in names for s in _spellings(n) for i in range(1, len(s))}
    return AliasPattern(re.compile(_trie_pattern(names)), frozenset(exact), frozenset(closed), frozenset(partial))


def warm_up() -> None:
    """Build the gazetteer and alias pattern now (a worker's set-up), not on the first document."""
    alias_pattern()


def phrase_matcher(vocab):
    """A spaCy ``PhraseMatcher`` (attr ``LOWER``) over the gazetteer, for those who work in spaCy.

    The extractors do not need it: :func:`mention_spans` is faster and keeps
    the same one-word-names-as-written rule.
    """
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    m = PhraseMatcher(vocab, attr="LOWER")
    seen: set[str] = set()
    for e in gazetteer().entries:
        for a in (e.canonical, *e.aliases):
            c = clean(a)
            if c not in seen:
                seen.add(c)
                m.add("BODY", [Doc(vocab, words=_RE_TOKEN.findall(c))])
    return m


# A level word written right after a name belongs to the mention.
_RE_AFTER = regex.compile(
    r"(?:\s+(?:Việt\s+Nam|VN))?\s+(?:(?:cấp\s+)?(?:tỉnh|xã|phường|huyện|thôn|cơ\s+sở|thành\s+phố)|các\s+cấp|cùng\s+cấp|Tỉnh\s+ủy|Trung\s+ương|TW)\b"
)
# A quick "no" for it: the same pattern in stdlib ``re`` without the closing
# ``\b``.  It matches wherever _RE_AFTER does (every blank to ``regex`` is one
# to ``re``), and ``re`` says no sooner, which it does after 5 names in 6.
_RE_AFTER_CAND = re.compile(_RE_AFTER.pattern.removesuffix(r"\b"))


def mention_spans(text: str) -> list[tuple[int, int]]:
    """See :func:`_mention_spans`; short strings (list items) are cached."""
    if len(text) < 300:
        return list(_mention_spans_cached(text))
    return _mention_spans(text)


@lru_cache(maxsize=65536)
def _mention_spans_cached(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_mention_spans(text))


def _mention_spans(text: str) -> list[tuple[int, int]]:
    """Longest non-overlapping gazetteer matches in ``text`` (character spans), level words included.

    A one-word name matches only as written, so "Báo" (the Party paper) does
    not match "báo cáo" nor "Đoàn" "đoàn viên"; longer names in any case.

    >>> t = "Ban Dân vận Tỉnh ủy chủ trì, phối hợp với Sở Y tế tỉnh"
    >>> [t[a:b] for a, b in mention_spans(t)]
    ['Ban Dân vận Tỉnh ủy', 'Sở Y tế tỉnh']
    """
    return _after(text, _chosen(text, fold_for_match(text)))




def _candidates(text: str, folded: str) -> list[tuple[int, int]]:
    """Every gazetteer match the scan of ``folded`` meets, as ``(start, end)``.

    The leftmost-first scan, plus, inside each match, the longer names that
    start there and run past its end (the scan resumes after a match and would
    miss them).  Only the offsets :meth:`AliasPattern.shape` gives are tried:
    elsewhere no name can run past the end, and trying every token start cost
    as much as the scan itself.
    """
    ap = alias_pattern()
    rx, exact, shape = ap.rx, ap.exact, ap.shape
    cands: list[tuple[int, int]] = []
    append = cands.append
    for m in rx.finditer(folded):
        a, b = span = m.span()
        one_word, inner = shape(m.group())
        if not one_word or text[a:b] in exact:
            append(span)
        for off in inner:
            m2 = rx.match(folded, a + off)
            if m2 is not None and m2.end() > b:
                a2, b2 = span2 = m2.span()
                if not shape(m2.group())[0] or text[a2:b2] in exact:
                    cands.append(span2)
    return cands


def _chosen(text: str, folded: str) -> list[tuple[int, int]]:
    """The chosen gazetteer matches of ``text`` (folded copy ``folded``), sorted, before level words.

    Only candidates that overlap compete (see :func:`_choose`), and most overlap
    none: those are taken as they are, each group of overlapping ones is
    settled on its own.  Groups share no character, so the choice in one never
    bears on another.
    """
    spans = sorted(_candidates(text, folded))  # found nearly in order: the sort is cheap
    chosen: list[tuple[int, int]] = []
    i, n = 0, len(spans)
    while i < n:
        j, end = i + 1, spans[i][1]
        while j < n and spans[j][0] < end:  # a group: each span overlaps the ones before it
            end = max(end, spans[j][1])
            j += 1
        if j == i + 1:
            chosen.append(spans[i])
        else:
            chosen.extend(_choose(text, folded, spans[i:j]))
        i = j
    return chosen


def _choose(text: str, folded: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The matches kept out of overlapping ``spans``, sorted.

    Longest first, then leftmost (spaCy's filter_spans); a name that overlaps
    a longer one gives way to the longest shorter name at its start ("MTTQ" of
    "MTTQ và các đoàn thể chính trị - xã hội").
    """
    ap = alias_pattern()
    rx, one_word, exact = ap.rx, _RE_ONE_WORD, ap.exact

    def ok(a: int, b: int) -> bool:
        return one_word.fullmatch(folded, a, b) is None or text[a:b] in exact

    cands = [(a - b, a, b) for a, b in spans]
    heapq.heapify(cands)
    base = spans[0][0]
    taken = bytearray(max(b for _, b in spans) - base)
    chosen = []
    while cands:
        _, a, b = heapq.heappop(cands)
        if taken.find(1, a - base, b - base) < 0:  # nothing taken in [a, b)
            taken[a - base : b - base] = b"\x01" * (b - a)
            chosen.append((a, b))
            continue
        for e in sorted((t.end() for t in _RE_TOKEN.finditer(folded, a, b)), reverse=True):
            if e < b and rx.fullmatch(folded, a, e) and ok(a, e):
                heapq.heappush(cands, (a - e, a, e))
                break
    chosen.sort()
    return chosen


def _after(text: str, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chosen matches with the level words written after them, overlaps dropped."""
    out: list[tuple[int, int]] = []
    may_follow, follows = _RE_AFTER_CAND.match, _RE_AFTER.match
    reach = 0  # the end of the last mention kept
    for a, b in chosen:
        if may_follow(text, b):
            m = follows(text, b)
            if m:
                b = m.end()
        if a < reach:
            continue
        out.append((a, b))
        reach = b
    return out


def doc_mention_spans(doc: "Document", end: int | None = None) -> list[tuple[int, int]]:
    """``mention_spans(doc.text[:end])``, from one scan of the document's text.

    :func:`find_bodies` reads the whole text and the assignments its prose (up to
    the recipients list): the scan, the costly part, is done once per document
    and kept on it, with the level words after its names.  A prefix ending just
    after a newline shares it: no name holds a newline, so the matches that
    start before the cut are the whole text's; and a name's level words are
    the same in the prefix unless they run over the cut (the newline before
    it is no part of a level word), which only the last mention before the cut
    can do: then they are looked for again in the prefix itself.
    """
    text = doc.text
    n = len(text)
    end = n if end is None else min(end, n)
    cache = doc.__dict__.get("_bodies_scan")  # Document is frozen: set through __dict__
    if cache is None:
        folded, by_char = _fold_for_match(text)
        chosen = _chosen(text, folded)
        # "İ" lower-cases to two characters: then the fold goes char by char and may
        # differ from a prefix's own fold, which is not shared
        cache = (chosen, _after(text, chosen), not by_char)
        doc.__dict__["_bodies_scan"] = cache
    chosen, spans, shareable = cache
    if end == n:
        return list(spans)
    if end == 0:
        return []
    if shareable and text[end - 1] == "\n":
        # the mentions do not overlap: the last one starting before the cut reaches furthest
        cut = bisect_left(spans, (end,))
        if cut == 0 or spans[cut - 1][1] < end:
            return spans[:cut]
        # its level words run over the cut; nor do the chosen matches overlap: their
        # ends increase with their starts
        return _after(text[:end], chosen[:bisect_left(chosen, end, key=itemgetter(1))])
    return _mention_spans(text[:end])


def find_bodies(doc: "Document") -> list[BodyMention]:
    """Body mentions in a document, with raw offsets, canonical body and jurisdiction.

    >>> from extractors.document import Document
    >>> d = Document.from_text("Tỉnh Tuyên Quang\\n\\nBan Thường trực Ủy ban MTTQ tỉnh chủ trì.")
    >>> [(m.text, m.body.canonical, m.body.level) for m in find_bodies(d)]
    [('Ban Thường trực Ủy ban MTTQ tỉnh', 'Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam', 'tỉnh')]
    """
    level, province, commune = doc_context(doc)
    text, norm = doc.text, doc.norm
    spans = doc_mention_spans(doc)
    raw = norm.raw
    los, his = _raw_ends(norm, spans)
    names = [text[a:b] for a, b in spans]
    bodies = dict.fromkeys(names)  # a name recurs: resolve it once per document (Body is immutable)
    for name in bodies:
        bodies[name] = match_body(name, level, province, commune)
    # The mentions are made a field at a time, each column set through its slot by
    # ``map`` (no bytecode per mention): the same records as
    # BodyMention(doc_id, lo, hi, raw[lo:hi], bodies[name], doc.section_at(a)).
    out = list(map(object.__new__, repeat(BodyMention, len(spans))))
    columns = (repeat(doc.doc_id), los, his, [raw[lo:hi] for lo, hi in zip(los, his)],
               map(bodies.__getitem__, names), _sections_at(doc, [a for a, _ in spans]))
    for set_slot, column in zip(_MENTION_SLOTS, columns):
        deque(map(set_slot, out, column), maxlen=0)  # runs the setters, keeps nothing
    return out


def _raw_ends(norm: "Normalized", spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The raw starts and ends of sorted non-empty ``spans``: ``norm.raw_span(a, b)`` of each.

    A span inside which no step moved text maps to its end points, which is
    what ``raw_span`` returns for it after asking :meth:`Normalized.monotone`.
    Where steps moved text somewhere in the document, only the spans with a
    descent inside (``monotone``'s test, read off its list of descents with
    one bisection) go through ``raw_span``; the rest keep their end points.
    """
    starts, ends = norm.starts, norm.ends
    los = [starts[a] for a, _ in spans]
    his = [ends[b - 1] for _, b in spans]
    descents = norm.descents
    if descents is None:  # not known: every span through raw_span
        for j, (a, b) in enumerate(spans):
            los[j], his[j] = norm.raw_span(a, b)
    elif descents:
        n = len(descents)
        for j, (a, b) in enumerate(spans):
            i = bisect_right(descents, a)  # the first descent after a
            if i < n and descents[i] < b:  # inside the span: text moved there
                los[j], his[j] = norm.raw_span(a, b)
    return los, his


def _sections_at(doc: "Document", starts: list[int]) -> list[str]:
    """``[doc.section_at(a) for a in starts]`` for sorted ``starts``, a section at a time.

    A position belongs to the last section starting at or before it
    (``section_of``'s ``bisect_right``): section ``i`` holds the starts from
    the first one at or after its own start to the first one at or after the
    next section's.  With two sections starting at one place the first holds
    none, as ``bisect_right`` picks the second.
    """
    cuts = [bisect_left(starts, s) for s in doc.section_starts]
    cuts.append(len(starts))
    out = [""] * cuts[0]  # before the first heading: no section
    for section, lo, hi in zip(doc.sections, cuts, cuts[1:]):
        if hi > lo:
            out += [section.path] * (hi - lo)
    return out


# --- splitting written lists -----------------------------------------------

# Words that begin the name of a body.  Names are written with a capital
# ("Hội Nông dân", "Sở Y tế"); in lower case "hội", "đoàn", "ban" are common
# words ("hội viên", "ban hành"), so only collective heads count in lower case,
# some of them only after "các" ("các sở, ngành", "các thôn").
HEAD_WORDS = (
    "Ban", "Ủy ban", "UBND", "HĐND", "UBMTTQ", "MTTQ", "Mặt trận", "Sở", "Bộ", "Đảng ủy", "Đảng đoàn",
    "Đảng bộ", "Hội", "Hội đồng", "Đoàn", "Liên đoàn", "Liên minh", "Liên hiệp", "Hiệp hội", "Trường",
    "Trung tâm", "Văn phòng", "Cấp ủy", "Chính quyền", "Thường trực", "Thường vụ", "Huyện ủy", "Thành ủy",
    "Tỉnh ủy", "Tỉnh đoàn", "Chi bộ", "Chi ủy", "Chi hội", "Chi đoàn", "Chi cục", "Cục", "Phòng", "Công an",
    "Quân sự", "Ngân hàng", "Báo", "Đài", "Viện", "Tòa án", "Kho bạc", "Thanh tra", "Chủ tịch", "Giám đốc",
    "Thủ trưởng", "Trưởng thôn", "Trưởng ban", "Công ty", "Tập đoàn", "Cơ quan", "Đơn vị", "Địa phương",
    "Bí thư", "Người đứng đầu", "Quốc hội", "Chính phủ", "Thủ tướng", "Bảo hiểm", "Nhà trường",
    "Trường học", "Thôn", "Xã", "Phường", "Bộ phận", "Doanh nghiệp", "Hợp tác xã", "Lực lượng",
)
LOWER_HEADS = ("cấp ủy", "chính quyền", "huyện ủy", "thành ủy", "tỉnh ủy", "đảng ủy", "đảng bộ", "chi bộ",
               "chi ủy", "cơ quan", "đơn vị", "địa phương", "trưởng thôn", "thủ trưởng", "người đứng đầu",
               "ủy ban", "ban chỉ đạo", "ban thường vụ", "ban chấp hành", "ban công tác")
AFTER_CAC = ("sở", "ngành", "ban", "phòng", "xã", "phường", "thôn", "tổ chức", "hội", "đoàn thể", "chi",
             "doanh nghiệp", "trường", "trường học", "bộ phận", "lực lượng", "tổ", "cấp", "đoàn")


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


RE_HEAD = regex.compile(
    r"(?:(?i:các|những|mỗi|cả|toàn\s+thể)\s+)?(?:" + _alt(HEAD_WORDS) + "|" + _alt(LOWER_HEADS) + r")(?!\p{L})"
    r"|(?i:các|những|mỗi)\s+(?:" + _alt(AFTER_CAC) + r")(?!\p{L})"
    # an abbreviation ("LĐLĐ", "BCĐ", "VNPT"), but not a roman numeral or a word of an all-capitals title
    r"|(?![IVXLC]+\b)\p{Lu}{2,8}(?:[&\-/]\p{Lu}+)*(?![\p{L}])(?!\s+\p{Lu}{2,})"
)


# Bare nouns of a collective written as a comma list: "các cơ quan, đơn vị
# liên quan", "các sở, ban, ngành", "các cơ quan báo, đài", "Các chi, đảng bộ".
GENERIC = ("cơ quan", "đơn vị", "địa phương", "sở", "ban", "ngành", "báo", "đài", "chi", "đảng bộ",
           "đoàn thể", "phòng", "tổ chức")
_RE_GENERIC_END = regex.compile(r"(?:^|\s)(?:" + "|".join(GENERIC) + r")$", regex.I)
_RE_GENERIC_START = regex.compile(r"^(?:các\s+)?(?:" + "|".join(GENERIC) + r")(?!\p{L})", regex.I)

_RE_SEP = regex.compile(r"\s*;\s*|\s*,\s*|\s+(?:và|hoặc|cùng)\s+|\s*\n\s*\n\s*")
_RE_LEAD_IN = regex.compile(
    r"^(?:(?:chủ\s+động\s+)?phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?|với|gồm(?:\s+có)?|là|cùng(?:\s+với)?)\s+", regex.I)
_RE_PAREN = regex.compile(r"\([^()]*\)")


def looks_like_body(s: str) -> bool:
    """Does ``s`` start like a body name (after "các")?

    >>> looks_like_body("các sở, ngành"), looks_like_body("LĐLĐ tỉnh"), looks_like_body("NHIỆM VỤ CỤ THỂ")
    (True, True, False)
    """
    s = s.strip()
    return _looks_like_body(s) if len(s) < 300 else _looks_like_body.__wrapped__(s)


@lru_cache(maxsize=65536)
def _looks_like_body(s: str) -> bool:
    # list items recur within and across documents: cached like mention_spans
    letters = "".join(filter(str.isalpha, s))
    if len(letters) > 12 and sum(map(str.isupper, letters)) > 0.6 * len(letters):
        return False  # an all-capitals title, not a name
    if not s:
        return False
    if RE_HEAD.match(s) is not None:
        return True
    spans = mention_spans(s)
    return bool(spans) and spans[0][0] == 0


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans that a split must not cut: gazetteer names holding a separator, parentheses."""
    spans = []
    for a, b in mention_spans(text):
        name = text[a:b]
        if "," in name:
            # "Sở Văn hóa, Thể thao và Du lịch" is one name, "MTTQ, các đoàn thể"
            # (an alias of the MTTQ-and-CT-XH group) a list: trust the comma
            # only when the canonical name holds one too
            entry = _resolve_cached(body_key(name))[0]
            if entry is None or "," not in entry.canonical:
                continue
        spans.append((a, b))
    spans.extend(m.span() for m in _RE_PAREN.finditer(text))
    return sorted(spans)


def split_bodies(text: str, strict: bool = False) -> list[tuple[int, int]]:
    """Spans of the bodies in a written list, relative to ``text``.

    Splits on ";", ",", "và", "hoặc" except inside names the gazetteer knows
    and inside parentheses; rejoins the bare nouns of a collective ("các cơ
    quan, đơn vị liên quan") and a comma before a capital word that does not
    start a body ("Sở Văn hóa, Thể thao …").  A parenthesis listing several
    bodies is itself split ("(Viettel; VNPT)").  ``strict`` (prose) drops
    items that do not start like a body name.

    >>> t = "Sở Lao động - Thương binh và Xã hội; các sở, ngành và UBND cấp xã"
    >>> [t[a:b] for a, b in split_bodies(t)]
    ['Sở Lao động - Thương binh và Xã hội', 'các sở, ngành', 'UBND cấp xã']
    """
    if len(text) < 300:  # list items recur: cached like mention_spans
        return list(_split_bodies_cached(text, strict))
    return _split_bodies(text, strict)


@lru_cache(maxsize=65536)
def _split_bodies_cached(text: str, strict: bool) -> tuple[tuple[int, int], ...]:
    return tuple(_split_bodies(text, strict))


def _split_bodies(text: str, strict: bool = False) -> list[tuple[int, int]]:
    prot = _protected(text)

    def inside(i: int) -> bool:
        return any(a < i < b for a, b in prot)

    cuts = [(m.start(), m.end(), m.group()) for m in _RE_SEP.finditer(text) if not inside(m.start())]
    pieces: list[list[int]] = []
    pos = 0
    seps: list[str] = []
    for a, b, sep in cuts:
        pieces.append([pos, a])
        seps.append(sep.strip())
        pos = b
    pieces.append([pos, len(text)])
    # rejoin: a comma before a capital non-head word, or between generic nouns
    merged: list[list[int]] = [pieces[0]]
    last = pieces[0]
    for (a, b), sep in zip(pieces[1:], seps):
        prev = text[last[0] : last[1]]
        last = [a, b]
        cur = text[a:b].strip()
        join = False
        if sep == "và" and _is_group(text[merged[-1][0] : merged[-1][1]], cur):
            join = True
        elif sep == "," and cur:
            if cur[0].isupper() and not looks_like_body(cur) and not regex.match(r"\p{Lu}{2,}", cur):
                join = True
            elif _RE_GENERIC_END.search(prev.strip()) and _RE_GENERIC_START.match(cur) and \
                    len(prev.split()) <= 4:
                join = True
            elif strict and not looks_like_body(cur) and prev.strip():
                join = True  # "các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy"
        if join:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out: list[tuple[int, int]] = []
    for a, b in merged:
        a, b = _trim(text, a, b)
        if b <= a:
            continue
        m = _RE_LEAD_IN.match(text, a, b)
        if m:
            a = m.end()
        piece = text[a:b]
        par = _RE_PAREN.search(piece)
        inner_text = par.group()[1:-1] if par else ""
        inner_list = bool(par) and len(split_bodies(inner_text)) > 1 and (";" in inner_text or all(
            looks_like_body(inner_text[x:y]) for x, y in split_bodies(inner_text)))
        if par and not inner_list and not looks_like_body(inner_text):
            # "(tại mục III, phần thứ tư)", "(nếu có)": a remark, not part of the name
            piece_end = a + par.start()
            a, b = _trim(text, a, piece_end if not text[a + par.end() : b].strip() else b)
            piece = text[a:b]
            par = None
        if par and inner_list:
            # "… bảo đảm (Viettel Điện Biên; VNPT …)": the parenthesis lists bodies
            head = _trim(text, a, a + par.start())
            head_text = text[head[0] : head[1]]
            head = (head[0], head[0] + len(_strip_verb_tail(head_text)))
            if head[1] > head[0]:
                out.append(head)
            inner = a + par.start() + 1
            out.extend((inner + x, inner + y) for x, y in split_bodies(par.group()[1:-1]))
            continue
        if strict and not looks_like_body(piece):
            continue
        out.append((a, b))
    return out


_RE_INNER_LEVEL = regex.compile(r"\s+(?:(?:việt nam|vn)\s+)?(?:(?:cấp\s+)?(?:tỉnh|xã|phường|huyện)|các cấp)(?=\s+và\s)")


def _is_group(left: str, right: str) -> bool:
    """Is "left và right" a group name the gazetteer knows ("Ủy ban MTTQ xã và các tổ chức CT-XH")?"""
    key = body_key(left.strip() + " và " + right.strip())
    key = _RE_INNER_LEVEL.sub("", key)
    entry, score, _ = _resolve_cached(key)
    return entry is not None and score == 100.0 and " và " in entry.canonical and \
        " và " not in body_key(left)


_RE_VERB_TAIL = regex.compile(r"\s+(?:bảo\s+đảm|đảm\s+bảo|thực\s+hiện|tham\s+gia|hỗ\s+trợ)$")


def _strip_verb_tail(s: str) -> str:
    return _RE_VERB_TAIL.sub("", s.rstrip())


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\n,;:.-–*":
        a += 1
    while b > a and text[b - 1] in " \t\n,;:.*":
        b -= 1
    return a, b


def bodies_in(text: str, doc_level: str | None = None, province: str | None = None,
              commune: str | None = None, strict: bool = False) -> list[tuple[int, int, Body]]:
    """Split ``text`` and resolve each body: ``(start, end, Body)`` relative to ``text``."""
    return [(a, b, match_body(text[a:b], doc_level, province, commune)) for a, b in split_bodies(text, strict)]
