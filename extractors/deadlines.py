"""deadlines: time expressions that bound or schedule work, normalised.

``find_deadlines(doc)`` is a pure function ``Document → list[Deadline]``.

How it works (one lexer, then filters):

1. :data:`RE_TIME` is one pattern of named branches in priority order (a range
   "từ … đến …" first, then an optional cue such as "trước" / "đến" / "từ" /
   "hoàn thành …" followed by an anchored recurrence, date, month, quarter,
   half-year, position milestone, milestone, period, year or recurrence).
   Every branch is listed in :data:`BRANCHES` with an example.  A match that
   is later filtered out still *consumes* its text, so "năm 2024" inside the
   date "ngày 26 tháng 02 năm 2024" is never a year of its own.
2. Each match is parsed into one or more candidates (kind, value, interval,
   modifier, recurrence, anchors, label).
3. Filters drop what schedules nothing: citation dates and cited titles,
   law names with their year, past intervals (before the document's date),
   everything in thực trạng / kết quả sections, bare dates, year ranges and
   "nhiệm kỳ" terms without a cue in running prose (anniversaries, congress
   terms), bare years outside the time columns of a table.

Offsets: the lexer runs on ``doc.text`` (normalised); every record reports
raw offsets through ``doc.evidence`` so ``doc.raw[start:end] == text``.
"""
from __future__ import annotations

import calendar
import re  # the stdlib engine is 2x faster for the plain trigger scan
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any

import regex

from .records import Record, record_maker

# --- the record --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deadline(Record):
    """A time expression with its normalised value and ISO interval.

    ``kind``: date / month / quarter / half / year / period / recurrence / milestone.
    ``value``: "2025-12-20", "2021-06", "2030-Q4", "2026-H1", "2030", "2025/2030",
    "2021-Q2/2025-Q4", "yearly", "sơ kết 2028" …  ``from_``/``to``: ISO dates of
    the interval ("" when the expression has no calendar interval, e.g. a
    recurrence).  ``context_start``/``context_end``: raw span of the sentence
    or table row, for linking to tasks and targets.
    """

    doc_id: str
    text: str
    start: int
    end: int
    kind: str
    value: str
    from_: str = ""
    to: str = ""
    modifier: str = "in"
    recurrence: str = ""
    anchors: tuple[str, ...] = ()
    label: str = ""
    section: str = ""
    source: str = "prose"
    context_start: int = 0
    context_end: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = Record.to_dict(self)
        d["from"] = d.pop("from_")
        return d


# ``Deadline(*values)`` (every field given, in field order) made by setting its slots:
# records are made by the thousand per document (see records.record_maker).
_new_deadline = record_maker(Deadline)


# --- grammar -----------------------------------------------------------------
# Fragments are built by functions taking a suffix so that a fragment can be
# used twice in one pattern (the two ends of a range) with distinct groups.

SP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # one gap, possibly a line break ("giai đoạn\n2021-2026")
DASH = r"[ \t]*-[ \t]*"  # normalize() has already turned – — − into "-"
L = r"(?<![\p{L}\d])"  # left word edge
R = r"(?![\p{L}\d])"  # right word edge


def _year(s: str, slash: bool = False) -> str:
    # not part of a symbol ("93/2021/NĐ-CP"), a number ("13.608") or a date;
    # ``slash``: the year follows the "/" of a date, month or quarter
    lb = r"(?<![\d.,])" if slash else r"(?<![\d.,/])"
    return rf"{lb}(?P<y{s}>(?:19|20)\d{{2}})(?![\d]|[.,]\d|[ \t]*/[ \t]*\d)"


def _quarter_no(s: str) -> str:
    return rf"(?P<q{s}>IV|III|II|I|[1-4])(?![\p{{L}}\d])"


def _date(s: str) -> str:
    # "ngày 20/12/2025", "20/12/2025", "ngày 26 tháng 02 năm 2024"
    return (
        rf"(?:(?:ngày{SP})?(?P<d{s}>[0-3]?\d)[ \t]*/[ \t]*(?P<m{s}>[01]?\d)[ \t]*/[ \t]*{_year(s, True)}"
        rf"|ngày{SP}(?P<dw{s}>[0-3]?\d){SP}tháng{SP}(?P<mw{s}>[01]?\d){SP}năm{SP}(?P<yw{s}>(?:19|20)\d{{2}}){R})"
    )


def _month(s: str) -> str:
    # "tháng 6/2021", "tháng 01/2026", "tháng 6 năm 2021"
    return rf"{L}tháng{SP}(?P<mm{s}>[01]?\d)(?:[ \t]*[/-][ \t]*|{SP}năm{SP}){_year('m' + s, True)}"


def _quarter(s: str) -> str:
    # "Quý IV/2030", "quý IV năm 2030", "quý 4/2030"
    return rf"{L}quý{SP}{_quarter_no(s)}(?:[ \t]*[/-][ \t]*|{SP}năm{SP}){_year('q' + s, True)}"


def _half(s: str) -> str:
    # "6 tháng đầu năm 2026", "6 tháng cuối năm", "nửa đầu năm 2026"
    return rf"{L}(?:0?6{SP}tháng|nửa){SP}(?P<h{s}>đầu|cuối){SP}năm(?:{SP}{_year('h' + s)})?"


def _year_expr(s: str) -> str:
    return rf"{L}năm{SP}{_year('n' + s)}"


def _point(s: str) -> str:
    """A calendar point that can end a range."""
    return rf"(?:{_date('d' + s)}|{_month(s)}|{_quarter(s)}|{_half(s)}|{_year_expr(s)}|{_year('b' + s)})"


# Frequencies.  A bare unit only continues a list opened by "định kỳ" or by a
# recurrence word ("hằng quý, tháng, 6 tháng, năm"); a full recurrence word
# ("Định kỳ 6 tháng, hằng năm") starts a new recurrence.
UNIT = r"(?:(?:cả[ \t]+)?năm|quý|tuần|(?:0?\d{1,2}[ \t]+)(?:tháng|năm|quý)|tháng)(?![\p{L}\d]|[ \t]*\d|[ \t]*/)"
UNIT_LIST = rf"{UNIT}(?:[ \t]*(?:,|và|hoặc)[ \t]*{UNIT})*"
REC_WORD = r"(?:hằng|hàng|mỗi|(?:theo[ \t]+)?từng)[ \t]+(?:năm|quý|tháng|tuần)(?![\p{L}\d])"
DM = r"(?:ngày[ \t]+)?(?P<ad>[0-3]?\d)[ \t]*/[ \t]*(?P<am>[01]?\d)(?![ \t]*/[ \t]*\d|\d)"
REC_YEARLY = r"(?:hằng|hàng|mỗi)[ \t]+năm"

CUE = (
    r"(?P<cue>"
    r"(?P<by>(?:hoàn[ \t]+thành|xong)(?:[ \t]+(?!(?:trong|vào|trước|quý|tháng|năm|ngày|giai|hoàn|xong)\b)\p{L}+){0,3}"
    r"(?:[ \t]+(?:trong|vào|trước))?"
    r"|chậm[ \t]+nhất(?:[ \t]+(?:là|vào|trong|đến))?|trước|không[ \t]+quá|đến[ \t]+hết|đến[ \t]+cuối|đến|tới)"
    r"|(?P<from>bắt[ \t]+đầu[ \t]+từ|kể[ \t]+từ|từ|bắt[ \t]+đầu)"
    r"|(?P<in>trong[ \t]+cả|trong|vào|(?:cuối|đầu)(?![ \t]+(?:nhiệm|giai)))"
    r")[ \t]+"
)

# name, example, pattern — in priority order
BRANCHES: tuple[tuple[str, str, str], ...] = (
    ("anchored", "trước ngày 15/6 và ngày 15/12 hằng năm",
     rf"{DM}(?:[ \t]*(?:,|và|hoặc)[ \t]*(?:ngày[ \t]+)?{DM})*[ \t]*,?[ \t]*(?:của[ \t]+)?"
     rf"(?P<arec>{REC_YEARLY}|năm[ \t]+liền[ \t]+trước|năm[ \t]+trước|năm[ \t]+kế[ \t]+hoạch){R}"),
    ("monthday", "ngày 25 hằng tháng",
     rf"ngày[ \t]+(?P<mdd>[0-3]?\d)[ \t]+(?:của[ \t]+)?(?:hằng|hàng|mỗi)[ \t]+tháng{R}"),
    ("date", "trước ngày 20/12/2025", _date("d")),
    ("daymonth", "ngày 15/12", rf"ngày[ \t]+(?P<xd>[0-3]?\d)[ \t]*/[ \t]*(?P<xm>[01]?\d)(?![ \t]*/|\d)"),
    ("monthrec", "tháng 6 và tháng 12 hằng năm",
     rf"tháng[ \t]+(?P<rm>[01]?\d)(?:[ \t]*(?:,|và)[ \t]*(?:tháng[ \t]+)?(?P<rm>[01]?\d))*[ \t]+"
     rf"(?:của[ \t]+)?{REC_YEARLY}{R}"),
    ("month", "tháng 6/2021", _month("")),
    ("qlist", "Quý I, quý II năm 2026",
     rf"{L}quý[ \t]+(?P<ql>IV|III|II|I|[1-4])(?:[ \t]*(?:,|và|-)[ \t]*(?:quý[ \t]+)?(?P<ql>IV|III|II|I|[1-4]))+"
     rf"(?:[ \t]*/[ \t]*|{SP}năm{SP}){_year('ql', True)}"),
    ("quarter", "Quý IV/2030", _quarter("")),
    ("half", "6 tháng đầu năm 2026", _half("")),
    ("position", "Giữa nhiệm kỳ và cuối giai đoạn 2025-2030",
     rf"{L}(?P<pos>giữa|cuối|đầu)[ \t]+(?P<pnoun>nhiệm[ \t]+kỳ|giai[ \t]+đoạn)"
     rf"(?:[ \t]*(?:,|và)[ \t]*(?P<pos>giữa|cuối|đầu)[ \t]+(?P<pnoun>nhiệm[ \t]+kỳ|giai[ \t]+đoạn))*"
     rf"(?:{SP}{_year('pa')}{DASH}{_year('pb')})?{R}"),
    ("milestone", "Sơ kết thực hiện Đề án vào năm 2028",
     rf"{L}(?P<ml>sơ[ \t]+kết|tổng[ \t]+kết)(?:[ \t]+(?!số\b|năm\b|vào\b)\p{{L}}+){{0,6}}?"
     rf"(?:[ \t]+vào)?(?:[ \t]+năm)?[ \t]+{_year('ms')}(?![ \t]*-[ \t]*\d)"),
    ("period", "giai đoạn 2025 - 2030",
     rf"(?:{L}(?P<noun>giai[ \t]+đoạn|thời[ \t]+kỳ|nhiệm[ \t]+kỳ|các[ \t]+năm|năm){SP})?"
     rf"{_year('pa')}{DASH}{_year('pb')}"),
    ("year", "năm 2030", _year_expr("")),
    ("bareyear", "2026 (after a cue or in a time column)", _year("bare")),
    ("dkrec", "Định kỳ 6 tháng và 01 năm; Định kỳ (tháng, quý, 6 tháng, cả năm)",
     rf"{L}định[ \t]+kỳ[ \t]+(?P<ulist>\([ \t]*{UNIT_LIST}[ \t]*\)|{UNIT_LIST})"),
    ("rec", "hằng quý, tháng, 6 tháng, năm; hằng năm, trước ngày 15/12",
     rf"{L}(?P<rword>{REC_WORD})(?P<ulist>(?:[ \t]*,[ \t]*{UNIT})+)?"
     rf"(?:[ \t]*,?[ \t]*(?:trước|vào|chậm[ \t]+nhất(?:[ \t]+vào)?)[ \t]+{DM}"
     rf"(?:[ \t]*(?:,|và)[ \t]*(?:ngày[ \t]+)?{DM})*)?"),
    ("times", "1 lần/năm; 6 tháng/lần",
     rf"{L}(?:(?P<tn>\d{{1,2}}|một|hai)[ \t]+lần[ \t]*/[ \t]*(?P<tu>năm|quý|tháng|tuần)"
     rf"|(?P<ln>\d{{1,2}})[ \t]+(?P<lu>tháng|năm|quý|tuần)[ \t]*/[ \t]*lần){R}"),
)

BRANCH_NAMES = frozenset(n for n, _, _ in BRANCHES)

_RANGE = (
    rf"{L}(?P<rcue>bắt[ \t]+đầu[ \t]+từ|kể[ \t]+từ|từ)[ \t]+{_point('ra')}"
    rf"[ \t]*,?[ \t]*(?:đến|tới)[ \t]+(?P<rhet>hết[ \t]+|cuối[ \t]+)?{_point('rb')}"
)

RE_TIME = regex.compile(
    rf"(?P<range>{_RANGE})|{L}(?:{CUE})?(?:" + "|".join(rf"(?P<{n}>{p})" for n, _, p in BRANCHES) + ")",
    regex.I,  # simple case folding: 3x faster than V1's full folding, same result for Vietnamese
)

# RE_TIME at a start that opens no cue (nor a range: its words are cues) is
# RE_TIME without them, and it then needs only the branches whose first word
# can begin with the start's letter (in the same order: the others fail
# there anyway).  The lexer spends most of its time failing branches, so
# these patterns match ~2x faster; see _time_at.  Keys are first letters of
# the lower-cased text; each stands for itself and its capitals, which
# regex.I treats alike.  Two letters fold like a key but lower-case apart:
# "ſ" (as "s") is no key, and "İ" (as "i", kept as "İ" in the lower-cased
# text) gets the cue words holding an "i" a second spelling.
_CUES = ("hoàn", "xong", "chậm", "trước", "không", "đến", "tới", "bắt", "kể", "từ", "trong", "vào", "cuối", "đầu")
CUE_WORDS = _CUES + tuple(w.replace("i", "İ") for w in _CUES if "i" in w)
_DIGIT_BRANCHES = ("anchored", "date", "half", "period", "bareyear", "times")
BRANCHES_BY_LETTER: dict[str, tuple[str, ...]] = {
    "n": ("anchored", "monthday", "date", "daymonth", "half", "period", "year"),  # ngày, nửa, nhiệm kỳ, năm
    "q": ("qlist", "quarter"),
    "g": ("position", "period"),  # giữa, giai đoạn
    "s": ("milestone",),  # sơ kết
    "m": ("rec", "times"),  # mỗi, một lần
    "h": ("rec", "times"),  # hằng, hàng, hai lần
    "t": ("monthrec", "month", "milestone", "period", "rec"),  # tháng, tổng kết, thời kỳ, theo từng
    "c": ("position", "period"),  # cuối (also a cue), các năm
    "đ": ("position", "dkrec"),  # đầu (also a cue), định kỳ
    **{d: _DIGIT_BRANCHES for d in "0123456789"},
}


def _bare_time_pattern(names: tuple[str, ...]) -> regex.Pattern:
    """RE_TIME without range and cue, restricted to the branches ``names``."""
    return regex.compile(
        rf"{L}(?:" + "|".join(rf"(?P<{n}>{p})" for n, _, p in BRANCHES if n in names) + ")", regex.I
    )


_BARE_BY_NAMES = {names: _bare_time_pattern(names) for names in set(BRANCHES_BY_LETTER.values())}
RE_TIME_BARE = {ch: _BARE_BY_NAMES[names] for ch, names in BRANCHES_BY_LETTER.items()}


# The branch names as RE_TIME's lastgroup returns them.  A branch becomes a
# record's kind, and pickles of the records share equal strings only when
# they are the same object, so a match of a RE_TIME_BARE pattern reports
# these rather than its own copies (see _parse).
RE_TIME_NAMES = {n: n for n in RE_TIME.groupindex}


def _time_at(text: str, low: str, s: int) -> regex.Match | None:
    """``RE_TIME.match(text, s)``; ``low`` is ``text`` lower-cased, same offsets.

    When the word at ``s`` is no cue, the smaller pattern for its first
    letter gives the same match (with only the groups of the branches it
    keeps, which _parse allows for).
    """
    if not low.startswith(CUE_WORDS, s):
        bare = RE_TIME_BARE.get(low[s])
        if bare is not None:
            return bare.match(text, s)
    return RE_TIME.match(text, s)


# Cheap tokens without which no branch can match.  The lexer is tried only at
# word starts shortly before a trigger (cues such as "hoàn thành sắp xếp"
# precede it), which is ~20x faster than scanning every position.
RE_TRIGGER = re.compile(
    r"(?:1(?<!\d1)9|2(?<!\d2)0)\d\d(?!\d)|\d{1,2}[ \t]*/[ \t]*\d{1,2}|quý|tháng|lần|định[ \t]+kỳ|nửa"
    r"|(?:hằng|hàng|mỗi|từng)[ \t]+(?:năm|quý|tháng|tuần)|sơ[ \t]+kết|tổng[ \t]+kết"
    r"|(?:giữa|cuối|đầu)[ \t]+(?:nhiệm|giai)",
)  # run on the lower-cased text: no case folding needed
# A digit the regex module knows but the stdlib's \d does not (all are astral).
DIGIT = r"[\d\U00010000-\U0010ffff]"
# A digit RE_START_OK can accept: one more digit at most, then a blank, line
# break or "/" ("15/6", "6 tháng", "1 lần"), or a year "19xx"/"20xx".  Most
# digits in a window are table figures ("2.096\t138") that it rejects; the
# scan now leaves them out instead of returning them to be tested one by one.
# A scan stops at its window's end (\Z there), where a digit is kept when the
# look-ahead runs out before deciding (a necessary condition, never a stricter one).
DIGIT_START = rf"\d(?={DIGIT}?[ \t\n/]|[90]{DIGIT}{DIGIT}|{DIGIT}{{0,2}}\Z)"
# words that can open a match: a digit (DIGIT_START), a cue or the head word of a branch
RE_WORD_START = re.compile(
    rf"(?<!\w)(?:{DIGIT_START}|(?:hoàn|xong|chậm|trước|không|đến|tới|bắt|kể|từ|trong|vào|cuối|đầu|ngày|tháng"
    r"|quý|giai|thời|nhiệm|các|năm|sơ|tổng|giữa|định|hằng|hàng|mỗi|theo|nửa|một|hai)(?!\w))"
)
LOOKBACK = 48  # longest cue before a trigger: "hoàn thành xây dựng hạ tầng trong"
# RE_WORD_START with its look-behind turned into a consumed non-word character:
# the scanner then skips word characters with a cheap class test
RE_WORD_AFTER_GAP = re.compile(r"\W(" + RE_WORD_START.pattern.removeprefix(r"(?<!\w)") + ")")


def _word_starts(low: str, a: int, b: int) -> list[int]:
    """``[m.start() for m in RE_WORD_START.finditer(low, a, b)]``, faster.

    A start at ``p`` follows a non-word character at ``p - 1`` (or the text's
    start), so the scan begins one character early.
    """
    if a == 0:
        return [m.start() for m in RE_WORD_START.finditer(low, 0, b)]
    return [m.start(1) for m in RE_WORD_AFTER_GAP.finditer(low, a - 1, b)]

# Where RE_TRIGGER can start (a superset; see _trigger_starts): the first word of
# each of its word branches, and the digits that can start a year
# ("(?<!\d)19|20" + two digits) or a "d/m" pair; all found with literal
# searches (str.find, or a pattern opening with a literal), which skip
# through the text ~10x faster than a scan testing a class at every position.
TRIGGER_WORDS = ("quý", "tháng", "lần", "định", "nửa", "hằng", "hàng", "mỗi", "từng", "sơ", "tổng", "giữa", "cuối", "đầu")
# How each trigger word is searched: a word holding a letter that is rare in
# the corpus is found through that letter (str.find of one character runs
# ~2.5x faster than of a word, and "ầ" serves two words), then checked in
# place; the other words by themselves.  Every TRIGGER_WORDS entry appears once.
TRIGGER_NEEDLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ầ", ("lần", "đầu")), ("ý", ("quý",)), ("ử", ("nửa",)), ("ằ", ("hằng",)), ("ỗ", ("mỗi",)),
    ("ừ", ("từng",)), ("ữ", ("giữa",)),
    ("tháng", ("tháng",)), ("định", ("định",)), ("hàng", ("hàng",)), ("sơ", ("sơ",)), ("tổng", ("tổng",)),
    ("cuối", ("cuối",)),
)
# RE_TRIGGER's year branch (its first), each opening with a literal
RE_YEAR_TRIGGER = (re.compile(r"19(?<!\d19)\d\d(?!\d)"), re.compile(r"20(?<!\d20)\d\d(?!\d)"))
RE_SLASH_AFTER = re.compile(r"/(?<=[\d \t]/)")  # a "/" after a digit or a blank


def _dm_trigger_starts(low: str) -> list[int]:
    """Where RE_TRIGGER's "d/m" branch can match (a superset).

    A pair ``\\d{1,2}[ \\t]*/`` starts one or two digits before the blanks
    in front of a "/": walk back from each "/".  ``str.isdigit`` accepts
    every ``\\d`` (and a few more, which RE_TRIGGER.match then rejects).
    """
    out = []
    for t in RE_SLASH_AFTER.finditer(low):
        j = t.start()
        while j and low[j - 1] in " \t":
            j -= 1
        if j and low[j - 1].isdigit():
            out.append(j - 1)
            if j > 1 and low[j - 2].isdigit():
                out.append(j - 2)
    return out


def _add_word_starts(low: str, out: list[int]) -> None:
    """Append where each of TRIGGER_WORDS occurs in ``low`` (see TRIGGER_NEEDLES)."""
    find, startswith = low.find, low.startswith
    for needle, words in TRIGGER_NEEDLES:
        i = find(needle)
        if words == (needle,):
            while i >= 0:
                out.append(i)
                i = find(needle, i + 1)
            continue
        at = [(w, w.index(needle)) for w in words]  # each word holds its needle once
        while i >= 0:
            for w, k in at:
                if i >= k and startswith(w, i - k):
                    out.append(i - k)
            i = find(needle, i + 1)


def _trigger_starts(low: str):
    """The starts of ``RE_TRIGGER.finditer(low)``, ~4x faster.

    One alternation of words and digits keeps the scanner busy at almost
    every letter; instead the possible starts are collected (literal
    searches) and RE_TRIGGER is tried only there, in order, skipping what an
    earlier trigger consumed: the same matches.  A year needs no second try:
    its branch comes first in RE_TRIGGER and RE_YEAR_TRIGGER found its span.
    """
    year_ends = {m.start(): m.end() for r in RE_YEAR_TRIGGER for m in r.finditer(low)}
    cands = list(year_ends)
    cands += _dm_trigger_starts(low)
    _add_word_starts(low, cands)
    cands.sort()
    last_end = 0
    match = RE_TRIGGER.match
    for p in cands:
        if p >= last_end:
            end = year_ends.get(p)
            if end is None:
                t = match(low, p)
                if t is None:
                    continue
                end = t.end()
            last_end = end
            yield p


# A cheap necessary condition for RE_TIME at a start, tried on the lower-cased
# text first: most starts the lookback offers are numbers ("15 người", table
# figures) or words that open no time expression here, and RE_TIME costs
# ~5 µs each to reject them.  A digit cannot open a cue or a range, so it
# must open a digit branch: "d/m" (anchored, date), a year (period,
# bareyear), "6 tháng" (half) or "1 lần" / "6 tháng/lần" (times).  The
# tested words (TESTED_WORDS, none a cue) open one kind each: "ngày" a day
# number, "tháng" a month number, "năm", "các năm", "nhiệm kỳ", "giai đoạn",
# "thời kỳ" a year (year, period), "theo" only "theo từng" (rec), "định"
# only "định kỳ" and a unit (dkrec), "sơ" / "tổng" only "sơ kết" / "tổng
# kết" and, after words and blanks only, a year (milestone); nothing opens
# with "lần".  Other starts pass untested.
# The words match case-insensitively in the text, hence in its lower case:
# the two letters with a look-alike that lower-cases apart ("ſ" for "s",
# "İ" for "i") start no tested word (such a start is not tested) and do not
# occur in what a test requires after its word.  The stdlib engine runs it
# ~2x faster; its \d lacks the regex module's newest digits (all astral), so
# a digit the lexer needs is any \d or astral character (DIGIT), and the
# "not a digit" test may only let more starts through.
TESTED_WORDS = ("các", "theo", "lần", "định", "sơ", "tổng", "ngày", "tháng", "năm", "nhiệm", "giai", "thời")
TESTED_FIRST_LETTERS = "".join(sorted({w[0] for w in TESTED_WORDS}))  # and digits
RE_START_OK = re.compile(
    rf"(?!\d|{'|'.join(TESTED_WORDS)})"
    rf"|{DIGIT}{DIGIT}?[ \t]*/|(?:19|20){DIGIT}{DIGIT}|0?6{SP}tháng"
    rf"|{DIGIT}{{1,2}}[ \t]+(?:lần|tháng|năm|quý|tuần)"
    rf"|ngày{SP}{DIGIT}|tháng{SP}{DIGIT}"
    rf"|(?:năm|các[ \t]+năm|nhiệm[ \t]+kỳ|giai[ \t]+đoạn|thời[ \t]+kỳ){SP}(?:19|20)"
    rf"|theo[ \t]+từng|định[ \t]+kỳ[ \t]+(?:\(|cả|năm|quý|tuần|tháng|{DIGIT})"
    r"|(?:sơ|tổng)[ \t]+kết[^\d\n]*[ \t](?:19|20)"
)


_UNTRIED = object()  # a start RE_TIME has not been tried at


def _time_matches(text: str):
    """Non-overlapping matches of :data:`RE_TIME`, leftmost first, found from triggers."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: keep offsets
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    last_end = 0
    tried: dict[int, regex.Match | None] = {}  # start → RE_TIME.match: windows overlap
    # Word starts are scanned once, window after window (all those before
    # ``scanned`` are in ``word_starts``), not again for each overlapping
    # window.  A scan stops at its trigger, so a word touching the trigger
    # counts as a start, for later windows too; the lexer fails there (it
    # wants a blank after every word), so that changes nothing.  No word
    # crosses a trigger's start: no trigger word or digit sits inside one.
    word_starts: list[int] = []
    scanned = 0
    start_ok = RE_START_OK.match
    for ts in _trigger_starts(low):
        if ts < last_end:
            continue
        lo = max(last_end, ts - LOOKBACK)
        if scanned < ts:
            word_starts += _word_starts(low, max(lo, scanned), ts)
            scanned = ts
        # the window's word starts, then the trigger itself
        i, n = bisect_left(word_starts, lo), len(word_starts)
        while i <= n:
            s = word_starts[i] if i < n else ts
            i += 1
            m = tried.get(s, _UNTRIED)
            if m is _UNTRIED:
                # RE_START_OK can only reject a digit or a tested word; skipping the
                # test elsewhere (or for a digit str.isdigit misses) is always safe
                ch = low[s]
                if (ch in TESTED_FIRST_LETTERS or ch.isdigit()) and not start_ok(low, s):
                    m = None
                else:
                    m = _time_at(text, low, s)
                tried[s] = m
            if m and m.end() > ts:
                last_end = m.end()
                yield m
                break


# A cited document: symbol (217-QĐ/TW, 93/2021/NĐ-CP, 3413/MTTQ-BTT) and its date.
RE_CITATION = regex.compile(
    r"(?<![\p{L}\d/])\d{1,5}(?:[ \t]*/[ \t]*\d{4})?[ \t]*[-/][ \t]*\p{Lu}[\p{L}\d&]*(?:[-/][\p{L}\d&]+)*"
    r"(?:[ \t]*,?[ \t]*(?:ngày|ban hành ngày)[ \t]+(?:\d{1,2}[ \t]*/[ \t]*\d{1,2}[ \t]*/[ \t]*\d{4}"
    r"|\d{1,2}[ \t]+tháng[ \t]+\d{1,2}[ \t]+năm[ \t]+\d{4}))?",
    regex.V1,
)
# Where RE_CITATION can start (a superset, see _citations): a digit (\d or
# astral: the regex module knows newer digits) not after a stdlib \d, with
# at most five digits and then a dash or slash.  One character is consumed,
# so no candidate hides another.
RE_CITATION_TRIGGER = re.compile(r"[\d\U00010000-\U0010ffff](?<!\d.)(?=[\d\U00010000-\U0010ffff]{0,4}[ \t]*[-/])")


# the dashes and slashes a trigger can end at: after a digit, an astral
# character or a blank (each pattern opens with a literal: a fast scan)
RE_CITATION_MARKS = (
    re.compile(r"-(?<=[\d\U00010000-\U0010ffff \t]-)"),
    re.compile(r"/(?<=[\d\U00010000-\U0010ffff \t]/)"),
)


def _citation_starts(text: str) -> list[int]:
    """``[m.start() for m in RE_CITATION_TRIGGER.finditer(text)]``, ~10x faster.

    Every trigger is a digit run of at most five, blanks, then "-" or "/":
    from each such dash or slash (RE_CITATION_MARKS) the run before its
    blanks is walked back (``str.isdigit`` accepts every stdlib
    ``\\d``) and RE_CITATION_TRIGGER tried there.  A trigger is one character
    long, so finditer yields exactly the positions where it matches.
    """
    marks = sorted([t.start() for r in RE_CITATION_MARKS for t in r.finditer(text)])
    out = []
    match = RE_CITATION_TRIGGER.match
    for k in marks:
        j = k
        while j and text[j - 1] in " \t":
            j -= 1
        i = j
        while i > j - 5 and i and (text[i - 1].isdigit() or text[i - 1] > "\uffff"):
            i -= 1
        if i == j:
            continue
        if text[i:j].isdecimal():
            # the common case, a run of stdlib digits: only its first digit
            # is not after a digit, and it is a trigger unless a digit precedes
            if not (i and text[i - 1].isdecimal()):
                out.append(i)
            continue
        for p in range(i, j):
            if match(text, p):
                out.append(p)
    return out


def _citations(text: str):
    """``RE_CITATION.finditer(text)``, trying the pattern only at its possible starts."""
    last_end = 0
    match = RE_CITATION.match
    for s in _citation_starts(text):
        if s >= last_end:
            m = match(text, s)
            if m:
                last_end = m.end()
                yield m


# what opens a cited title after the symbol and issuer
RE_TITLE_OPEN = regex.compile(r"[ \t](?:về|phê[ \t]+duyệt|ban[ \t]+hành|quy[ \t]+định)[ \t]|:[ \t]|“|\"", regex.I | regex.V1)
LAW_WORDS = ("Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh")
RE_LAW_BEFORE = regex.compile(rf"(?:{'|'.join(LAW_WORDS)})(?:[ \t]+[\p{{L}},-]+){{1,14}}[ \t]*$", regex.V1)
RE_RANGE_EDGE_BEFORE = regex.compile(r"\d[ \t]*-[ \t]*$")
# "|(?!)" hides the "-" from the regex module's required-string check, which
# would otherwise scan the rest of the text for it on every failed match
RE_RANGE_EDGE_AFTER = regex.compile(r"[ \t]*(?:-|(?!))[ \t]*\d")
RE_CLAUSE_END = regex.compile(r"[;\n\t]|\.(?=\s|$)")
RE_CLAUSE_RESUME = regex.compile(r",[ \t]+(?=\p{Lu})", regex.V1)
# sections that report the past, not plan the future
RE_PAST_SECTION = regex.compile(
    r"^[\s\d.)]*(?:đánh[ \t]+giá[ \t]+)?(?:thực[ \t]+trạng|kết[ \t]+quả(?![ \t]+(?:dự[ \t]+kiến|đầu[ \t]+ra|cần|mong))"
    r"|hạn[ \t]+chế|nguyên[ \t]+nhân|ưu[ \t]+điểm|tồn[ \t]+tại|khuyết[ \t]+điểm|tình[ \t]+hình[ \t]+thực[ \t]+hiện"
    r"|những[ \t]+kết[ \t]+quả|bài[ \t]+học)",
    regex.I | regex.V1,
)
RE_TIME_COLUMN = regex.compile(r"thời[ \t]+(?:gian|hạn|điểm)|tiến[ \t]+độ|lộ[ \t]+trình|^năm$|hoàn[ \t]+thành|bắt[ \t]+đầu", regex.I | regex.V1)
RE_LABEL_BEFORE = regex.compile(r"(?P<l>sơ[ \t]+kết|tổng[ \t]+kết)[^\n\t;.,]{0,30}$", regex.I | regex.V1)
RE_LABEL = regex.compile(r"(?<!\p{L})(?:sơ[ \t]+kết|tổng[ \t]+kết)(?!\p{L})", regex.I | regex.V1)
RE_TERM_CUE = regex.compile(r"(?:trong|suốt|cả|thời[ \t]+gian(?:[ \t]+\p{L}+){0,4})[ \t]+$", regex.I | regex.V1)
RE_SENTENCE_END = regex.compile(r"[.!?](?=\s)|\n")

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
UNIT_FREQ = {"năm": "yearly", "cả năm": "yearly", "1 năm": "yearly", "01 năm": "yearly", "12 tháng": "yearly",
             "quý": "quarterly", "1 quý": "quarterly", "3 tháng": "quarterly", "03 tháng": "quarterly",
             "6 tháng": "semiannual", "06 tháng": "semiannual", "tháng": "monthly", "1 tháng": "monthly",
             "01 tháng": "monthly", "tuần": "weekly"}
WORD_FREQ = {"năm": "yearly", "quý": "quarterly", "tháng": "monthly", "tuần": "weekly"}
MONTHS_PER = {"yearly": 12, "semiannual": 6, "quarterly": 3, "monthly": 1}
FREQ_BY_SPACING = {6: "semiannual", 3: "quarterly", 1: "monthly"}


# --- values ------------------------------------------------------------------


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


@dataclass
class _Point:
    value: str
    lo: date
    hi: date


_GROUP_NUMBERS: dict[Any, dict[str, int]] = {}  # pattern → its group numbers by name


def _group_numbers(pattern: regex.Pattern) -> dict[str, int]:
    """``pattern.groupindex``, made once per pattern (RE_TIME and the RE_TIME_BARE ones).

    The regex module resolves ``m.group(name)`` (and ``captures``, ``start``…)
    through a fresh copy of the pattern's groupindex on every call, ~100
    names for RE_TIME: ~4x the cost of ``m.group(number)``, and a document
    asks for some 300 groups.  ``m.group(numbers[name])`` is the same group
    (a name used twice in a pattern names one group).
    """
    numbers = _GROUP_NUMBERS.get(pattern)
    if numbers is None:
        numbers = _GROUP_NUMBERS[pattern] = dict(pattern.groupindex)
    return numbers


class _Groups:
    """``m.groupdict()`` costs more than a whole parse (~100 groups): look up lazily."""

    __slots__ = ("group", "numbers")

    def __init__(self, m: regex.Match):
        self.group, self.numbers = m.group, _group_numbers(m.re)

    def get(self, k: str):
        """The group ``k``, None when it took no part or the pattern lacks it."""
        n = self.numbers.get(k)
        return self.group(n) if n is not None else None

    def __getitem__(self, k: str):
        return self.group(self.numbers[k])


def _squash(s: str) -> str:
    return " ".join(s.lower().split())


RE_UNIT_SEP = regex.compile(r"[ \t]*(?:,|và|hoặc)[ \t]*")
RE_CLAUSE_SPLIT = re.compile(r"[;.\n]")
_re_by = re.compile(r"trước|chậm")


def _point_from(m: regex.Match, s: str) -> _Point | None:
    """Parse the :func:`_point` with suffix ``s``; None if invalid (31/02, month 13)."""
    g = _Groups(m)
    try:
        if g.get(f"yd{s}") or g.get(f"ywd{s}"):
            y = int(g.get(f"yd{s}") or g[f"ywd{s}"])
            mo = int(g.get(f"md{s}") or g[f"mwd{s}"])
            d = int(g.get(f"dd{s}") or g[f"dwd{s}"])
            dt = date(y, mo, d)
            return _Point(dt.isoformat(), dt, dt)
        if g.get(f"ym{s}"):
            y, mo = int(g[f"ym{s}"]), int(g[f"mm{s}"])
            return _Point(f"{y}-{mo:02d}", date(y, mo, 1), _month_end(y, mo))
        if g.get(f"yq{s}"):
            y, q = int(g[f"yq{s}"]), ROMAN[g[f"q{s}"].lower()]
            return _Point(f"{y}-Q{q}", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
        if g.get(f"h{s}"):
            if not g.get(f"yh{s}"):
                return None
            y, h = int(g[f"yh{s}"]), 1 if g[f"h{s}"].lower() == "đầu" else 2
            return _Point(f"{y}-H{h}", date(y, 6 * h - 5, 1), _month_end(y, 6 * h))
        if g.get(f"yn{s}") or g.get(f"yb{s}"):
            y = int(g.get(f"yn{s}") or g[f"yb{s}"])
            return _Point(str(y), date(y, 1, 1), date(y, 12, 31))
    except (ValueError, KeyError):
        return None
    return None


@dataclass
class _Cand:
    start: int  # normalised
    end: int
    kind: str
    value: str
    lo: date | None = None
    hi: date | None = None
    modifier: str = "in"
    recurrence: str = ""
    anchors: tuple[str, ...] = ()
    label: str = ""
    cue: str = ""  # "by" / "from" / "in" / ""
    branch: str = ""
    noun: str = ""
    strong: bool = False  # an explicit deadline cue ("trước ngày", "hoàn thành") survives a citation scope


def _cue(m: regex.Match, n: dict[str, int]) -> tuple[str, str]:
    for k in ("by", "from", "in"):
        if m.group(n[k]):
            return k, m.group(n[k]).lower()
    return "", ""


def _freqs_of_units(ulist: str) -> list[str]:
    out = []
    for u in RE_UNIT_SEP.split(ulist.strip("() \t")):
        u = _squash(u)
        f = UNIT_FREQ.get(u) or UNIT_FREQ.get(u.lstrip("0"))
        if f and f not in out:
            out.append(f)
    return out


def _collapse_anchors(freq: str, months: list[int], days: list[int | None]) -> str:
    """Yearly anchors on the same day, equally spaced over the year, are a shorter period.

    "ngày 15/6 và ngày 15/12 hằng năm" → semiannual.
    """
    n = len(months)
    if freq != "yearly" or n < 2 or len(set(days)) != 1 or 12 % n:
        return freq
    ms = sorted(months)
    step = 12 // n
    if all(b - a == step for a, b in zip(ms, ms[1:])):
        return FREQ_BY_SPACING.get(step, freq)
    return freq


def _parse(m: regex.Match) -> list[_Cand]:
    s, e = m.span()
    n = _group_numbers(m.re)  # groups are asked by number (see _group_numbers)
    g = m.group
    if m.re is not RE_TIME:  # a RE_TIME_BARE pattern (see _time_at): no range, no cue
        cue, cue_text = "", ""
    elif g(n["range"]):
        a, b = _point_from(m, "ra"), _point_from(m, "rb")
        if not a or not b or b.hi < a.lo:
            return []
        return [_Cand(s, e, "period", f"{a.value}/{b.value}", a.lo, b.hi, "from", cue="from", branch="range")]
    else:
        cue, cue_text = _cue(m, n)
    # m.lastgroup is usually the branch (the cue's groups come before it);
    # checked, it saves looking up every branch name.  When a group inside
    # the branch is reported instead (ulist, am, ypb…), scan the names the
    # pattern has.
    branch = m.lastgroup
    if branch not in BRANCH_NAMES or g(n[branch]) is None:
        groups = _Groups(m)
        branch = next(name for name, _, _ in BRANCHES if groups.get(name) is not None)
    elif m.re is not RE_TIME:
        branch = RE_TIME_NAMES[branch]
    if cue:
        # by/from cues are part of the surface ("trước ngày 20/12/2025"); in-cues are not
        s = s if cue in ("by", "from") else m.start(n[branch])
        mod = cue if cue in ("by", "from") else "in"
        strong = cue == "by" and cue_text.split()[0] in ("trước", "chậm", "hoàn", "xong", "không")
    else:  # the match is the branch
        mod, strong = "in", False
    c = dict(cue=cue, branch=branch, modifier=mod, strong=strong)
    try:
        if branch == "rec":
            return _parse_rec(m, n, s, e, c)
        if branch == "anchored":
            days, months = [int(x) for x in m.captures(n["ad"])], [int(x) for x in m.captures(n["am"])]
            for d, mo in zip(days, months):
                date(2000, mo, d)  # validates (2000 is a leap year)
            anchors = tuple(f"--{mo:02d}-{d:02d}" for d, mo in zip(days, months))
            freq = _collapse_anchors("yearly", months, days)
            return [_Cand(s, e, "recurrence", freq, recurrence=freq, anchors=anchors, **c)]
        if branch == "monthday":
            d = int(g(n["mdd"]))
            if not 1 <= d <= 31:
                return []
            return [_Cand(s, e, "recurrence", "monthly", recurrence="monthly", anchors=(f"---{d:02d}",), **c)]
        if branch == "monthrec":
            months = [int(x) for x in m.captures(n["rm"])]
            if not all(1 <= x <= 12 for x in months):
                return []
            freq = _collapse_anchors("yearly", months, [1] * len(months))
            return [_Cand(s, e, "recurrence", freq, recurrence=freq, anchors=tuple(f"--{x:02d}" for x in months), **c)]
        if branch == "daymonth":
            d, mo = int(g(n["xd"])), int(g(n["xm"]))
            date(2000, mo, d)
            return [_Cand(s, e, "date", f"--{mo:02d}-{d:02d}", **c)]
        if branch in ("date", "month", "quarter", "half", "year"):
            p = _point_from(m, "")
            if p is None:
                if branch == "half":  # no year: value without interval
                    h = 1 if g(n["h"]).lower() == "đầu" else 2
                    return [_Cand(s, e, "half", f"H{h}", **c)]
                return []
            return [_Cand(s, e, branch, p.value, p.lo, p.hi, **c)]
        if branch == "bareyear":
            y = int(g(n["ybare"]))
            return [_Cand(s, e, "year", str(y), date(y, 1, 1), date(y, 12, 31), **c)]
        if branch == "qlist":
            y = int(g(n["yql"]))
            qs = sorted(ROMAN[q.lower()] for q in m.captures(n["ql"]))
            a, b = qs[0], qs[-1]
            return [_Cand(s, e, "period", f"{y}-Q{a}/{y}-Q{b}", date(y, 3 * a - 2, 1), _month_end(y, 3 * b), **c)]
        if branch == "period":
            a, b = int(g(n["ypa"])), int(g(n["ypb"]))
            if b <= a:
                return []
            noun = _squash((g(n["noun"]) or ""))
            return [_Cand(s, e, "period", f"{a}/{b}", date(a, 1, 1), date(b, 12, 31), noun=noun, **c)]
        if branch == "milestone":
            y = int(g(n["yms"]))
            label = _squash(g(n["ml"]))
            return [_Cand(s, e, "milestone", f"{label} {y}", date(y, 1, 1), date(y, 12, 31), label=label, **c)]
        if branch == "position":
            return _positions(m, n, c)
        if branch == "dkrec":
            freqs = _freqs_of_units(g(n["ulist"]))
            if not freqs:
                return []
            v = ";".join(freqs)
            return [_Cand(s, e, "recurrence", v, recurrence=v, **c)]
        if branch == "times":
            if g(n["tn"]):
                times = {"một": 1, "hai": 2}.get(g(n["tn"]).lower()) or int(g(n["tn"]))
                months = MONTHS_PER.get(WORD_FREQ[g(n["tu"]).lower()], 0)
                if not months or months % times:
                    return []
                every = months // times
            else:
                count, unit = int(g(n["ln"])), g(n["lu"]).lower()
                every = count * {"tháng": 1, "quý": 3, "năm": 12}.get(unit, 0)
            freq = {12: "yearly", 6: "semiannual", 3: "quarterly", 1: "monthly"}.get(every)
            if not freq:
                return []
            return [_Cand(s, e, "recurrence", freq, recurrence=freq, **c)]
    except (ValueError, KeyError):
        return []
    return []


def _parse_rec(m: regex.Match, n: dict[str, int], s: int, e: int, c: dict) -> list[_Cand]:
    """ "hằng quý, tháng", "hằng năm, trước ngày 15/12": one recurrence (the commonest branch).

    ``n``: the group numbers of ``m``'s pattern.
    """
    g = m.group
    rword = g(n["rword"])
    word = _squash(rword).split()[-1]
    ulist = g(n["ulist"])
    freqs = [WORD_FREQ[word]]
    if ulist:
        freqs += [f for f in _freqs_of_units(ulist) if f != WORD_FREQ[word]]
    anchors: tuple[str, ...] = ()
    if freqs == ["yearly"] and m.captures(n["ad"]):
        days, months = [int(x) for x in m.captures(n["ad"])], [int(x) for x in m.captures(n["am"])]
        for d, mo in zip(days, months):
            date(2000, mo, d)
        anchors = tuple(f"--{mo:02d}-{d:02d}" for d, mo in zip(days, months))
        freqs = [_collapse_anchors("yearly", months, days)]
        if _re_by.search(m.group()[len(rword):].lower()):
            c["modifier"] = "by"
    v = ";".join(freqs)
    return [_Cand(s, e, "recurrence", v, recurrence=v, anchors=anchors, **c)]


def _positions(m: regex.Match, n: dict[str, int], c: dict) -> list[_Cand]:
    """ "Giữa nhiệm kỳ và cuối giai đoạn 2025-2030": one milestone per position.

    The label (sơ kết / tổng kết) and, when absent here, the period are filled
    in by :func:`_finish_positions` from the sentence and the document.
    """
    spans = m.spans(n["pos"])
    nouns = [_squash(x) for x in m.captures(n["pnoun"])]
    a = int(m.group(n["ypa"])) if m.group(n["ypa"]) else None
    b = int(m.group(n["ypb"])) if m.group(n["ypb"]) else None
    out = []
    for i, ((ps, _), pos) in enumerate(zip(spans, m.captures(n["pos"]))):
        end = spans[i + 1][0] if i + 1 < len(spans) else m.end()
        # the surface of a non-final item stops after its noun
        end = m.spans(n["pnoun"])[i][1] if i + 1 < len(spans) else end
        start = m.start() if i == 0 and c["cue"] in ("by", "from") else ps
        out.append(_Cand(start, end, "milestone", "", noun=f"{pos.lower()} {nouns[i]}",
                         lo=date(a, 1, 1) if a else None, hi=date(b, 12, 31) if b else None, **c))
    return out


# --- context -----------------------------------------------------------------


@dataclass
class _Cell:
    start: int  # raw
    end: int
    row_start: int
    row_end: int
    column: str


def _cells(doc) -> tuple[list[int], list[tuple[int, int, int, int, str]]]:
    # plain tuples (start, end, row_start, row_end, column): tables have many
    # cells and few hold a time expression; _cell_at builds the _Cell
    cells = []
    for t in doc.tables:
        cols, ncols = t.columns, len(t.columns)
        for row in t.rows:
            for cell in row.cells:
                cells.append((cell.start, cell.end, row.start, row.end, cols[cell.col] if cell.col < ncols else ""))
    cells.sort(key=lambda c: c[0])
    return [c[0] for c in cells], cells


def _cell_at(index, raw_start: int, raw_end: int) -> _Cell | None:
    starts, cells = index
    i = bisect_right(starts, raw_start) - 1
    if i >= 0 and cells[i][0] <= raw_start and raw_end <= cells[i][1]:
        return _Cell(*cells[i])
    return None


def _citation_scopes(text: str) -> list[tuple[int, int]]:
    """Normalised spans of cited documents: symbol, date, issuer and title.

    A title (opened by "về", "phê duyệt", ":" or a quote before the first
    comma after the symbol) runs to the end of the clause; a quoted title to
    its closing quote.
    """
    scopes = []
    for m in _citations(text):
        s, e = m.span()
        stop = RE_CLAUSE_END.search(text, e)
        clause_end = stop.start() if stop else len(text)
        comma = text.find(",", e, clause_end)
        head_end = comma if comma >= 0 else clause_end
        t = RE_TITLE_OPEN.search(text, e, head_end + 1)
        if t:
            end = clause_end
            if t.group() in ("“", '"'):
                close = text.find("”" if t.group() == "“" else '"', t.end())
                if close >= 0:
                    end = max(end, close + 1) if close > clause_end else end
            if t.group() not in ("“", '"'):
                # an unquoted title stops where the main clause resumes: ", Ban Thường trực …"
                resume = RE_CLAUSE_RESUME.search(text, t.end(), end)
                end = resume.start() if resume else end
            scopes.append((s, end))
        else:
            scopes.append((s, e))
    return scopes


def _in_scopes(scopes: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    # scopes may nest or overlap; look back a few
    for j in range(i, max(-1, i - 4), -1):
        if scopes[j][0] <= pos < scopes[j][1]:
            return True
    return False


def _reference_date(doc) -> date | None:
    md = doc.metadata
    v = md.date.value
    if v:
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            pass
    if md.period_start.value:
        return date(int(md.period_start.value), 1, 1)
    return None


def _single_year(doc) -> int | None:
    a, b = doc.metadata.period_start.value, doc.metadata.period_end.value
    return int(a) if a and a == b else None


RE_STOP = regex.compile(r"[.!?](?=\s)")  # the RE_SENTENCE_END branches but "\n"


_COMMON_SPACES = frozenset(" \n\t")
# ".", "!", "?" before a stdlib \s, which holds every regex \s (and U+001C-U+001F)
RE_STOP_MARKS = (re.compile(r"\.(?=\s)"), re.compile(r"!(?=\s)"), re.compile(r"\?(?=\s)"))


def _stops(text: str) -> list[int]:
    """``[m.start() for m in RE_STOP.finditer(text)]``, ~5x faster.

    A stop is one character, so finditer yields every position where
    RE_STOP matches: those are among RE_STOP_MARKS (fast scans for a
    literal), and RE_STOP is asked only where its answer is not plain.
    """
    marks = sorted([t.start() for r in RE_STOP_MARKS for t in r.finditer(text)])
    match = RE_STOP.match
    # a blank, tab or line break after the mark is a regex \s; other characters ask RE_STOP
    return [k for k in marks if text[k + 1 : k + 2] in _COMMON_SPACES or match(text, k)]


class _Sentences:
    """The sentence around a span: RE_SENTENCE_END, scanned once per document.

    Its matches are single characters, so the scan of a window and the
    scan of the whole text agree, except that a stop in the window's last
    character has no look-ahead inside the window (hence ``s - 2`` below).
    Line breaks are found with ``str.rfind``/``str.find``.
    """

    def __init__(self, text: str):
        self.text = text
        self.stops = _stops(text)

    def around(self, s: int, e: int) -> tuple[int, int]:
        text, stops = self.text, self.stops
        # last match ending before s in text[max(0, s - 400):s]
        lo = text.rfind("\n", 0, s)
        i = bisect_right(stops, s - 2) - 1
        if i >= 0 and stops[i] >= max(0, s - 400):
            lo = max(lo, stops[i])
        # first match at or after e
        i = bisect_right(stops, e - 1)
        stop = stops[i] + 1 if i < len(stops) else len(text)
        nl = text.find("\n", e)
        hi = min(stop, nl) if nl >= 0 else stop
        lo += 1
        while lo < s and text[lo].isspace():
            lo += 1
        return lo, hi


# --- the extractor -----------------------------------------------------------


def find_deadlines(doc) -> list[Deadline]:
    """Time expressions that bound or schedule work in ``doc``.

    >>> from extractors.document import Document
    >>> d = Document.from_text("Tham mưu ban hành Kế hoạch trước ngày 20/12/2025; hằng năm báo cáo.")
    >>> [(x.text, x.kind, x.value, x.modifier) for x in find_deadlines(d)]
    [('trước ngày 20/12/2025', 'date', '2025-12-20', 'by'), ('hằng năm', 'recurrence', 'yearly', 'in')]
    """
    text = doc.text
    ref = _reference_date(doc)
    year1 = _single_year(doc)
    scopes = _citation_scopes(text)
    scope_starts = [a for a, _ in scopes]
    cells = _cells(doc)
    past = _PastSections(doc)
    sentences = _Sentences(text)
    out: list[Deadline] = []
    for m in _time_matches(text):
        if _uncued_day_date(m, text):
            lo, hi = doc.norm.raw_span(*m.span())  # (doc.evidence would slice the raw text too)
            if _cell_at(cells, lo, hi) is None:
                continue  # _finish would drop it; most dates are these
        for c in _parse(m):
            d = _finish(doc, c, text, ref, year1, scopes, scope_starts, cells, past, sentences)
            if d is not None:
                out.append(d)
    return out


def _uncued_day_date(m: regex.Match, text: str) -> bool:
    """A date opened by "ngày" without a cue: an issue or citation date.

    _finish drops it outside a table cell, whatever else holds, so it need
    not be parsed.  Such a match comes from the bare pattern for "n" (no cue
    word starts with "n") and starts with its date branch.
    """
    return (m.re is _BARE_N and m.group(_BARE_N_DATE) is not None
            and text[m.start() : m.start() + 4].lower() == "ngày")


_BARE_N = RE_TIME_BARE["n"]
_BARE_N_DATE = _BARE_N.groupindex["date"]  # its date branch, by number (see _group_numbers)


class _PastSections:
    """Whether a section (or one it is under) reports the past."""

    def __init__(self, doc):
        self.by_id = {s.id: s for s in doc.sections}  # once, not per doc.section_titles_at
        self.cache: dict[int, bool] = {}  # id(section) → past

    def of(self, sec) -> bool:
        """Any title from ``sec`` up its parents (doc.section_titles_at) reports the past.

        Memoised per section, so each title is tested once, not once per
        section below it.
        """
        if sec is None:
            return False
        key = id(sec)
        past = self.cache.get(key)
        if past is None:
            past = RE_PAST_SECTION.search(sec.title or "") is not None \
                or self.of(self.by_id.get(sec.parent) if sec.parent else None)
            self.cache[key] = past
        return past


def _law_before(clause: str) -> bool:
    """``RE_LAW_BEFORE.search(clause)``; the pattern (case-sensitive) opens with
    one of LAW_WORDS, and most clauses hold none."""
    return any(w in clause for w in LAW_WORDS) and RE_LAW_BEFORE.search(clause) is not None


def _clause_before(text: str, start: int) -> str:
    """The clause before ``start``, within 160 characters.

    ``RE_CLAUSE_SPLIT.split(text[start - 160:start])[-1]``, without building the list.
    """
    before = text[max(0, start - 160) : start]
    return before[max(before.rfind(";"), before.rfind("."), before.rfind("\n")) + 1 :]


def _finish(doc, c: _Cand, text, ref, year1, scopes, scope_starts, cells, past, sentences) -> Deadline | None:
    start, branch, cue = c.start, c.branch, c.cue
    if c.hi is not None and ref is not None and c.hi < ref and branch != "daymonth" and c.kind != "half":
        return None  # past (the test below, first where nothing before it changes c.hi)
    sec = doc.section_of(start)  # one lookup for past.of and the record's section
    if past.of(sec):
        return None
    if scopes and not c.strong and _in_scopes(scopes, scope_starts, start):
        return None
    lo, hi, raw = doc.evidence(start, c.end)
    cell = _cell_at(cells, lo, hi)
    clause_before = None  # _clause_before(text, start), computed when a test needs it
    if not cue and c.kind in ("date", "year", "period", "milestone") and branch not in ("position", "milestone"):
        clause_before = _clause_before(text, start)
        if _law_before(clause_before):
            return None  # "Luật Tổ chức chính quyền địa phương năm 2025"
    if branch == "date" and not cue and cell is None:
        # a date with "ngày" but no cue is an issue or citation date; a bare
        # "15/10/2026" is kept (a layout table cut from its "Trước ngày"),
        # except as an end of an anniversary "(07/5/1954 - 07/5/2024)"
        if text[start : start + 4].lower() == "ngày" or RE_RANGE_EDGE_BEFORE.search(text[max(0, start - 160) : start]) \
                or RE_RANGE_EDGE_AFTER.match(text, c.end):
            return None
    if branch == "daymonth":
        if not cue and cell is None:
            return None
        if year1:
            y = year1
            mo, d = int(c.value[2:4]), int(c.value[5:7])
            c.value, c.lo = f"{y}-{mo:02d}-{d:02d}", date(y, mo, d)
            c.hi = c.lo
    if c.kind == "half" and c.lo is None and year1:  # "6 tháng cuối năm" in a one-year plan
        h = int(c.value[1])
        c.value, c.lo, c.hi = f"{year1}-H{h}", date(year1, 6 * h - 5, 1), _month_end(year1, 6 * h)
    if branch == "bareyear":
        if cell is None and not cue:
            return None
        if cell is not None and not cue and not RE_TIME_COLUMN.search(cell.column):
            return None
    if branch == "period" and not cue:
        if c.noun in ("", "năm", "các năm") and cell is None:
            return None  # "(1969 - 2024)", "khóa XIII (2011-2016)"
        if c.noun == "nhiệm kỳ":
            if clause_before is None:
                clause_before = _clause_before(text, start)
            if not RE_TERM_CUE.search(clause_before):
                return None  # "Đại hội … lần thứ I, nhiệm kỳ 2025-2030" names a congress term
    if c.hi is not None and ref is not None and c.hi < ref:
        return None  # past: a citation, a research window, statistics
    sent = sentences.around(start, c.end)
    if branch == "position" and not _finish_position(doc, c, text[sent[0] : sent[1]]):
        return None
    kind = c.kind  # _finish_position may have changed it
    if not c.label and kind in ("date", "month", "quarter", "half", "year"):
        if clause_before is None:
            clause_before = _clause_before(text, start)
        lb = RE_LABEL_BEFORE.search(clause_before[-40:])
        if lb:
            c.label = _squash(lb.group("l"))
    modifier = c.modifier
    source = "prose"
    if cell is not None:
        source = "table"
        ctx_lo, ctx_hi = cell.row_start, cell.row_end
        if not cue and kind != "recurrence":
            col = cell.column.lower()
            if "bắt đầu" in col:
                modifier = "from"
            elif "hoàn thành" in col or "thời hạn" in col:
                modifier = "by"
    else:
        ctx_lo, ctx_hi = doc.norm.raw_span(*sent)  # the offsets only: no raw text sliced
    # the fields of Deadline in order: doc_id, text, start, end, kind, value, from_, to,
    # modifier, recurrence, anchors, label, section, source, context_start, context_end
    return _new_deadline(
        doc.doc_id, raw, lo, hi, kind, c.value,
        c.lo.isoformat() if c.lo else "", c.hi.isoformat() if c.hi else "", modifier, c.recurrence,
        c.anchors, c.label, sec.path if sec else "", source,
        ctx_lo, ctx_hi,
    )


def _finish_position(doc, c: _Cand, sentence: str) -> bool:
    """Label and value of a position milestone; False when nothing marks a review."""
    lab = RE_LABEL.search(sentence)
    if not lab:
        if c.lo and c.hi:  # "đến cuối giai đoạn 2025-2030" without a review: the period itself
            c.kind, c.value = "period", f"{c.lo.year}/{c.hi.year}"
            return True
        return False
    label = _squash(lab.group())
    a = c.lo.year if c.lo else doc.metadata.period_start.value
    b = c.hi.year if c.hi else doc.metadata.period_end.value
    pos, noun = c.noun.split(" ", 1)
    c.label = label
    c.modifier = c.modifier or "in"
    if not a or not b:
        c.value, c.lo, c.hi = f"{label} {c.noun}", None, None
    elif pos == "cuối":
        c.value, c.lo, c.hi = f"{label} {c.noun} {b}", date(int(b), 1, 1), date(int(b), 12, 31)
    elif pos == "đầu":
        c.value, c.lo, c.hi = f"{label} {c.noun} {a}", date(int(a), 1, 1), date(int(a), 12, 31)
    else:  # the middle of a period has no single calendar year
        c.value, c.lo, c.hi = f"{label} {c.noun} {a}-{b}", None, None
    return True
