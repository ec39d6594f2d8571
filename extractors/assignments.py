"""assignments: who does what, by when — from role tables, duty prose and labels.

:func:`find_assignments` is a pure ``Document → list[Assignment]``:

* **tables** whose header names a role ("Cơ quan chủ trì", "Tổ chức, cơ quan
  phối hợp", "Thời gian hoàn thành" …): one assignment per body row and sub-row
  (page-break header repeats are already dropped by :mod:`tables`);
* **labels** "Đơn vị chủ trì: … / Phối hợp: … / Thời gian: …" under a heading;
* **prose**: a heading or item that names a body ("1. Đảng ủy MTTQ tỉnh",
  "3. Ban Dân vận Tỉnh ủy: Tham mưu …") owns the duties written under it; a
  sentence whose subject is a body list followed by a duty verb ("X chủ trì,
  phối hợp với Y …", "Giao X …", "X có trách nhiệm …", "X tham mưu …").
  Outside the sections that distribute work ("Tổ chức thực hiện", "Phân
  công", "Nhiệm vụ của cơ quan …") only the strong verbs count, and never
  in the past tense ("đã chủ trì" reports a result).

Cells that are empty or repeat the task are reported in ``issues``, never
filled with a guessed body.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

import regex

from .bodies import Body, bodies_in, doc_context, doc_mention_spans, fold, looks_like_body, split_bodies
from .document import Document
from .records import Record


@dataclass(frozen=True, slots=True)
class Assignment(Record):
    doc_id: str
    task: str  # raw text of the task span
    start: int
    end: int
    lead: tuple[Body, ...]
    support: tuple[Body, ...]
    output: str = ""
    start_time: str = ""
    due: str = ""
    source: str = ""  # table | prose | label
    section: str = ""
    row: int | None = None
    issues: tuple[str, ...] = ()
    # The raw text of the span, as every record has it (``raw[start:end] == text``);
    # ``task`` says the same in the issue's words.  Filled from ``task`` when not given.
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", self.task)


# --- time values -----------------------------------------------------------

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
RE_TIME = regex.compile(
    r"""(?P<quarters>qu[ýy]\s+(?:IV|I{1,3})(?![IV])(?:\s*(?:,|và|-)\s*qu[ýy]\s+(?:IV|I{1,3})(?![IV]))*)\s*(?:/|năm)\s*(?P<qy>\d{4})
    | (?P<date>(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4}))
    | (?P<month>tháng\s+(?P<mm>\d{1,2})\s*(?:/|năm)\s*(?P<my>\d{4}))
    | (?P<half>6\s+tháng\s+(?P<hw>đầu|cuối)\s+năm\s+(?P<hy>\d{4}))
    | (?P<semi>(?:định\s+kỳ\s+)?(?:06|6)\s+tháng(?:\s*/\s*lần|\s+một\s+lần)?)
    | (?P<yearly>h[ằà]ng\s+năm|mỗi\s+năm|(?<=(?:định\s+kỳ|,|và)\s+)0?1\s+năm|năm\s+một\s+lần)
    | (?P<quarterly>h[ằà]ng\s+quý|mỗi\s+quý)
    | (?P<monthly>h[ằà]ng\s+tháng|mỗi\s+tháng)
    | (?P<ongoing>thường\s+xuyên)
    | (?P<rday>(?:ngày\s+)?(?P<rd>\d{1,2})\s*/\s*(?P<rm>\d{1,2})(?![\d/]))
    | (?P<range>(?P<ra>(?:19|20)\d{2})\s*-\s*(?P<rb>(?:19|20)\d{2}))
    | (?P<year>(?<![\d/.,])(?:19|20)\d{2}(?![\d/.,]\d))
    """,
    regex.I | regex.X,
)
# Each quarter of a list of quarters ("quý I, quý II năm 2026").
RE_QUARTER = regex.compile(r"(?i:qu[ýy])\s+(IV|I{1,3})(?![IV])")
# In prose a date after "ngày" of a cited document is history, not a deadline.
RE_CITED = regex.compile(r"(?:số\s+\S+|\d+-\p{Lu}+/\p{Lu}+)\s*,?\s*(?:ngày\s+)?$", regex.I)
RE_DEADLINE_LEAD = regex.compile(
    r"(?:trước|đến|chậm\s+nhất|hoàn\s+thành|trong|vào|từ|quý|năm|tháng|kết|thực\s+hiện|hạn)\W*(?:ngày\s+)?$", regex.I)


# Every time value holds a digit or one of these words: a sentence without them is skipped.
# The pattern is ``(?i)\d|h[ằà]ng|mỗi|thường\s+xuyên|một\s+lần``, each word found from
# a rarer letter than its first: ``re`` skips fast to the characters of a leading
# class (and tries a case-insensitive letter at every position).  None of the
# letters written in both cases has another case-insensitive match.
RE_TIME_HINT = re.compile(
    r"[\dằẰàÀỗỖộỘưƯ](?:(?<=\d)|(?<=[hH][ằẰàÀ])(?i:ng)|(?<=[mM][ỗỖ])(?i:i)|(?<=[mM][ộỘ])(?i:t\s+lần)"
    r"|(?<=[tT][hH][ưƯ])(?i:ờng\s+xuyên))")


# Where a match of RE_TIME may start (RE_TIME itself is only tried there): a digit,
# or the start of "quý I…", "tháng ", "thường ", "định kỳ", "hằng ", "mỗi ",
# "năm một", "ngày " in any case.  Each word is found from a letter rarer than its
# first, 0 to 2 characters after the start as the group that matched tells: ``re``
# skips fast to the characters of a leading class.  (Each letter written in both
# cases has no other case-insensitive match in RE_TIME; "İ", "ı", "K" are added
# where it has; ``re``'s blanks include RE_TIME's.)
_RE_TIME_CAND = re.compile(
    r"[\dịỊằẰàÀỗỖăĂýyÝYáÁưƯ](?:"
    r"(?P<at0>(?<=\d))"
    r"|(?P<at1>(?<=[đĐ][ịỊ])(?=[nN][hH]\s+[kK\u212a][ỳỲ])|(?<=[hH][ằẰàÀ])(?=[nN][gG]\s)|(?<=[mM][ỗỖ])(?=[iIİ]\s)"
    r"|(?<=[nN][ăĂ])(?=[mM]\s+[mM]))"
    r"|(?P<at2>(?<=[qQ][uU][ýyÝY])(?=\s+[IiİıV])|(?<=[tT][hH][áÁ])(?=[nN][gG]\s)|(?<=[tT][hH][ưƯ])(?=[ờỜ][nN][gG]\s)"
    r"|(?<=[nN][gG][àÀ])(?=[yY]\s)))")
# (by group number: ``lastindex`` is read without the name lookup of ``lastgroup``)
_TIME_CAND_LEAD = {_RE_TIME_CAND.groupindex[f"at{k}"]: k for k in range(3)}


def _finditer_at(pattern, candidates: re.Pattern, text: str, pos: int = 0, endpos: int | None = None,
                 lead: int = 0):
    """``pattern.finditer(text, pos, endpos)`` of a pattern that never matches empty,
    trying it only at the hits of ``candidates``: a fast stdlib pattern whose hits,
    ``lead`` characters after it, find every position where a match can start (and
    look ahead only into the match)."""
    endpos = len(text) if endpos is None else endpos
    last = pos
    match = pattern.match
    for c in candidates.finditer(text, pos + lead, endpos):
        i = c.start() - lead
        if i < last:
            continue
        m = match(text, i, endpos)
        if m:
            yield m
            last = m.end()


def _time_matches(s: str):
    """``RE_TIME.finditer(s)``, trying the pattern only where a match can start."""
    last = 0
    match = RE_TIME.match
    for i in sorted(c.start() - _TIME_CAND_LEAD[c.lastindex] for c in _RE_TIME_CAND.finditer(s)):
        if i < last:
            continue
        m = match(s, i)
        if m:
            yield m
            last = m.end()


def normalise_times(s: str, prose: bool = False) -> str:
    """Time values of a cell or sentence, normalised and joined with ";".

    >>> normalise_times("Quý I, quý II năm 2026"), normalise_times("Thực hiện 6 tháng/lần và hằng năm; tổng kết 2030")
    ('2026-Q1;2026-Q2', 'half-yearly;yearly;2030')
    >>> normalise_times("Hoàn thành xây dựng 2026; nhân rộng 2027-2028"), normalise_times("Tháng 6/2021 Quý II/2021")
    ('2026;2027/2028', '2021-06;2021-Q2')
    """
    # the cells of a plan table ("Quý IV/2025", "Thường xuyên") recur within and
    # across documents: the short texts are read once
    if len(s) < 300:
        return _normalise_times_cached(s, prose)
    return _normalise_times(s, prose)


@lru_cache(maxsize=16384)
def _normalise_times_cached(s: str, prose: bool) -> str:
    return _normalise_times(s, prose)


_TIME_GROUP = dict(RE_TIME.groupindex)
_TIME_KINDS = tuple((_TIME_GROUP[kind], value) for kind, value in (
    ("semi", "half-yearly"), ("yearly", "yearly"), ("quarterly", "quarterly"), ("monthly", "monthly"),
    ("ongoing", "ongoing"), ("year", None)))


def _normalise_times(s: str, prose: bool) -> str:
    if not RE_TIME_HINT.search(s):
        return ""
    out: list[str] = []
    g = _TIME_GROUP  # groups by number: ``regex`` looks a name up in a new copy of its table at each call
    for m in _time_matches(s):
        group = m.group
        if prose and (group(g["date"]) or group(g["year"]) or group(g["range"]) or group(g["rday"])):
            before = s[max(0, m.start() - 40) : m.start()]
            if RE_CITED.search(before) or not RE_DEADLINE_LEAD.search(before):
                continue
        if group(g["quarters"]):
            for q in RE_QUARTER.findall(group(g["quarters"])):
                out.append(f"{group(g['qy'])}-Q{_ROMAN[q.upper()]}")
        elif group(g["date"]):
            out.append(f"{group(g['y'])}-{int(group(g['m'])):02d}-{int(group(g['d'])):02d}")
        elif group(g["month"]):
            out.append(f"{group(g['my'])}-{int(group(g['mm'])):02d}")
        elif group(g["half"]):
            out.append(f"{group(g['hy'])}-H{1 if group(g['hw']).lower() == 'đầu' else 2}")
        elif group(g["rday"]):
            d, mo = int(group(g["rd"])), int(group(g["rm"]))
            if 1 <= d <= 31 and 1 <= mo <= 12:
                out.append(f"--{mo:02d}-{d:02d}")
        elif group(g["range"]):
            out.append(f"{group(g['ra'])}/{group(g['rb'])}")
        else:
            for kind, value in _TIME_KINDS:
                if group(kind):
                    out.append(value or group())
                    break
    seen: list[str] = []
    for v in out:
        if v not in seen:
            seen.append(v)
    return ";".join(seen)


# --- tables ----------------------------------------------------------------

ROLE_COLUMNS = {
    "lead": (("chủ trì",), ("thực hiện", "đơn vị"), ("cơ quan thực hiện",), ("chịu trách nhiệm",)),
    "support": (("phối hợp",), ("tham gia",)),
    "output": (("sản phẩm",), ("kết quả đầu ra",), ("kết quả",)),
    "start": (("bắt đầu",), ("thời gian thực hiện",)),
    "due": (("hoàn thành",), ("thời hạn",), ("tiến độ",), ("thời gian",)),
    "task": (("nhiệm vụ",), ("nội dung",), ("chương trình",), ("hoạt động",), ("tên",)),
}


def _names_any(low: str, alternatives) -> bool:
    """``any(all(k in low for k in kws) for kws in alternatives)``, as plain loops:
    it is asked of every column of every table."""
    for kws in alternatives:
        for k in kws:
            if k not in low:
                break
        else:
            return True
    return False


def _columns(table) -> dict[str, list[int]]:
    cols: dict[str, list[int]] = {}
    taken: set[int] = set()
    lows = [name.lower() for name in table.columns]
    joined = "\0".join(lows) if not any("\0" in low for low in lows) else None

    def column(kws) -> int | None:  # ``table.column(*kws)`` with the names lowered once
        if len(kws) == 1 and joined is not None:  # the first name holding it: no keyword holds "\0"
            at = joined.find(kws[0])
            return None if at < 0 else joined.count("\0", 0, at)
        for i, low in enumerate(lows):
            if all(k in low for k in kws):
                return i
        return None

    for role in ("lead", "support", "output", "start", "due"):
        for kws in ROLE_COLUMNS[role]:
            i = column(kws)
            if i is not None and i not in taken:
                cols[role] = [i]
                taken.add(i)
                break
    if "start" in cols and "due" not in cols:  # one "Thời gian thực hiện" column is the due
        cols["due"] = cols.pop("start")
    tasks = [j for j, low in enumerate(lows) if j not in taken and _names_any(low, ROLE_COLUMNS["task"])]
    cols["task"] = tasks
    return cols


def _same(a: str, b: str) -> bool:
    return _same_folded(fold(a).strip(" .;,"), fold(b).strip(" .;,"))


def _same_folded(fa: str, fb: str) -> bool:
    """:func:`_same` of two texts already folded and stripped."""
    return bool(fa) and (fa == fb or (len(fb) > 12 and fa.startswith(fb)) or (len(fa) > 12 and fb.startswith(fa)))


# How much of a cell :func:`_folded_head` folds.
_HEAD = 24


def _folded_head(s: str) -> str:
    """A prefix (maybe empty) of ``fold(s).strip(" .;,")``, folded from the first
    ``_HEAD`` characters of ``s`` alone.

    :func:`fold` maps character by character (lower case, marks dropped, then blanks
    squeezed), so the fold of a head of ``s`` is a head of its fold; only a capital
    sigma lower-cases by what follows it ("Σ" → "σ" or a final "ς"): with one in the
    head nothing is claimed.  Stripped, the head stays a head of the stripped fold:
    the leading " .;," it drops are those of the whole (unless it is only those,
    then it is empty), and it ends on a character the whole keeps."""
    head = s[:_HEAD]
    return "" if "Σ" in head else fold(head).strip(" .;,")


def _repeats(value: str, tasks: list[str], heads: list[str], folded: list[str | None]) -> bool:
    """``any(_same(value, t) for t in tasks)``, ``heads`` the :func:`_folded_head` of
    each task, ``folded`` its whole fold and strip once needed (None until then).

    :func:`_same` holds only when one folded text starts the other, so they agree
    over the length of the shorter, and their heads over the length of the shorter
    head: a task whose head differs there is passed over, and most task cells (long
    texts) are then never folded whole, nor is the value."""
    hv = _folded_head(value)
    fv = None
    for i, ht in enumerate(heads):
        j = min(len(hv), len(ht))
        if hv[:j] != ht[:j]:
            continue
        if fv is None:
            fv = fold(value).strip(" .;,")
        ft = folded[i]
        if ft is None:
            ft = folded[i] = fold(tasks[i]).strip(" .;,")
        if _same_folded(fv, ft):
            return True
    return False


# "Phần thứ nhất", "Chương II", "Mục 3", "IV." — the label of a heading — is never a body.
RE_HEADING_LABEL = regex.compile(
    r"^(?:phần|chương|mục|điều|tiết|phụ\s+lục)\s+(?:thứ\s+\w+|[IVXLC]+\b|\d+)|^(?:[IVXLC]+|\d+(?:\.\d+)*)[.)](?:\s|$)",
    regex.I)
# The first characters of RE_HEADING_LABEL's alternatives (keep in step with it).
_RE_HEADING_LABEL_FIRST = regex.compile(r"[pcmđtIVXLC]|\d", regex.I)


@lru_cache(maxsize=None)
def _may_open_heading_label(ch: str) -> bool:
    """Can RE_HEADING_LABEL match a text opening with ``ch``?  (Asked once per character.)"""
    return _RE_HEADING_LABEL_FIRST.match(ch) is not None


def _is_heading_label(s: str) -> bool:
    """``RE_HEADING_LABEL.match(s)``, not tried on the (many) names whose first
    character opens none of its alternatives."""
    return bool(s) and _may_open_heading_label(s[0]) and RE_HEADING_LABEL.match(s) is not None


def _doc_kind_codes() -> list[str]:
    import csv

    with open(Path(__file__).parent / "data" / "doc_kinds.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    codes = {c.strip() for r in rows for c in (r.get("code") or "", *(r.get("code_variants") or "").split("|")) if c.strip()}
    return sorted(codes, key=len, reverse=True)


# Nor is a document symbol cut by a line break ("…Kết luận số 75-\nKL/TW, Chương
# trình …"): a kind code from data/doc_kinds.tsv, a slash, an issuer.
RE_SYMBOL_PIECE = regex.compile(
    r"^(?:\d+-)?(?:" + "|".join(regex.escape(c) for c in _doc_kind_codes()) + r")/\p{Lu}")


def _is_symbol_piece(s: str) -> bool:
    """``RE_SYMBOL_PIECE.match(s)``, not tried on a text without its slash."""
    return "/" in s and RE_SYMBOL_PIECE.match(s) is not None


def is_body(b: Body, lead: bool = True) -> bool:
    """Can ``b`` be named in a role?  Never a heading label; a lead must also look
    like a body: known to the gazetteer, opening with a body head word ("Ban",
    "Sở", "Ủy ban", "UBND" …) or a bare unit after a list ("xã").  A supporting
    cell may name an unknown body ("Viettel Điện Biên"): kept, unmatched.

    >>> from extractors.bodies import match_body
    >>> [is_body(match_body(s)) for s in ("Phần thứ nhất", "IV.", "KL/TW, Chương", "Hợp tác xã Tân Phong", "Sở Y tế")]
    [False, False, False, True, True]
    >>> is_body(match_body("Viettel"))
    False
    >>> is_body(match_body("Viettel Điện Biên"), lead=False)
    True
    """
    if _is_heading_label(b.text) or _is_symbol_piece(b.text):
        return False
    return not lead or b.matched or b.text.lower() in BARE_UNITS or looks_like_body(b.text)


def _only_bodies(bodies, role: str, issues: list[str]) -> tuple[Body, ...]:
    kept = []
    for b in bodies:
        if is_body(b, lead=role == "lead"):
            kept.append(b)
        else:
            issues.append(f"{role} not a body: {b.text}")
    return tuple(kept)


def _table_assignments(doc: Document, ctx) -> list[Assignment]:
    out = []
    for table in doc.tables:
        cols = _columns(table)
        if "lead" not in cols or not cols["task"]:
            continue
        for row in table.rows:
            cells = row.cells

            def cell(role: str):
                idx = cols.get(role)
                return cells[idx[0]] if idx and idx[0] < len(cells) else None

            task_cells = [cells[j] for j in cols["task"] if j < len(cells) and cells[j].value]
            if not task_cells:
                continue
            issues: list[str] = []
            task_values = [c.value for c in task_cells]
            heads: list[str] | None = None  # folded once a role cell is compared
            folded: list[str | None] = [None] * len(task_values)

            def repeats(value: str) -> bool:  # ``any(_same(value, t) for t in task_values)``
                nonlocal heads
                if heads is None:
                    heads = [_folded_head(t) for t in task_values]
                return _repeats(value, task_values, heads, folded)

            roles: dict[str, tuple[Body, ...]] = {}
            for role in ("lead", "support"):
                c = cell(role)
                value = c.value if c else ""
                if not value:
                    issues.append(f"{role} cell empty" + (f" (sub-row of row {row.continues})" if row.continues is not None else ""))
                    roles[role] = ()
                elif repeats(value):
                    issues.append(f"{role} cell repeats the task")
                    roles[role] = ()
                else:
                    roles[role] = _only_bodies((b for _, _, b in bodies_in(value, *ctx)), role, issues)
            out_cell = cell("output")
            output = out_cell.value if out_cell else ""
            if output and repeats(output):
                issues.append("output cell repeats the task")
            start_c, due_c = cell("start"), cell("due")
            start_time = normalise_times(start_c.value) if start_c and start_c.value else ""
            due = normalise_times(due_c.value) if due_c and due_c.value else ""
            if due_c and due_c.value and not due:
                due = due_c.value
            lo, hi = task_cells[0].start, task_cells[-1].end
            out.append(Assignment(
                doc.doc_id, doc.raw[lo:hi], lo, hi, roles["lead"], roles["support"], output, start_time, due,
                "table", table.section, row.index, tuple(issues)))
    return out


# --- labels ----------------------------------------------------------------

_BULLET = r"^[ \t]*(?:[-+•*]\s*)?"
RE_LABEL = re.compile(  # stdlib ``re``: it is tried at every sentence
    _BULLET + r"(?P<role>(?:(?:Đơn vị|Cơ quan|Tổ chức|Bộ phận)\s+)?(?:chủ trì|chịu trách nhiệm|thực hiện chính)"
    r"|(?:(?:Đơn vị|Cơ quan)\s+)?(?:phối hợp|tham gia)(?:\s+thực hiện)?"
    r"|Thời (?:gian|hạn)(?:\s+(?:thực hiện|hoàn thành))?|Tiến độ|Sản phẩm(?:\s+đầu ra)?)\s*:[ \t]*(?P<value>[^\n]+)$",
    re.M | re.I,
)


# Before its colon a label holds only letters, blanks and a bullet: the last other
# character before a colon bounds where a label ending there may start.
_RE_LAST_NOT_LABEL = re.compile(r"(?s:.*)[^\w\s\-+•*]")


# The last letter of each role of RE_LABEL, in either case (no other character
# matches them, ignoring case): the letter before a label's colon and its blanks.
_LABEL_ROLE_LAST = frozenset("ìÌmMhHpPaAnNộỘ")


def _may_end_label(text: str, prev: int, colon: int) -> bool:
    """Can a role of RE_LABEL end just before ``colon`` (blanks between), after the
    previous colon ``prev``?"""
    j = colon - 1
    while j > prev and text[j].isspace():
        j -= 1
    return j > prev and text[j] in _LABEL_ROLE_LAST


def _label_matches(text: str):
    """``RE_LABEL.finditer(text)``, the pattern tried only at the line starts that
    can reach a colon (a scan of every line start of a document is slow).

    Nothing before a label's colon is a colon: a label starting at a line start
    reads up to the first colon after it, and holds only letters, blanks and a
    bullet until then."""
    last = 0  # where the previous match ended
    prev = -1  # the previous colon
    colon = text.find(":")
    while colon >= 0:
        if _may_end_label(text, prev, colon):
            # the run of characters a label may hold, ending at the colon, starts at ``lo``
            lo, w = prev + 1, colon
            while w > lo:
                v = max(lo, w - 256)
                brk = _RE_LAST_NOT_LABEL.match(text, v, w)
                if brk:
                    lo = brk.end()
                    break
                w = v
            # try the line starts in [lo, colon], in text order
            ls = lo if lo == 0 or text[lo - 1] == "\n" else text.find("\n", lo, colon) + 1 or -1
            while ls >= 0:
                if ls >= last:
                    m = RE_LABEL.match(text, ls)
                    if m:
                        yield m
                        last = m.end()
                ls = text.find("\n", ls, colon) + 1 or -1
        prev, colon = colon, text.find(":", colon + 1)


def _label_assignments(doc: Document, ctx) -> list[Assignment]:
    text = doc.text
    groups: dict[int, dict[str, str]] = {}
    order: list[int] = []
    for m in _label_matches(text):
        i = bisect_left(doc.section_starts, m.start() + 1) - 1
        role = m.group("role").lower()
        key = ("support" if ("phối hợp" in role or "tham gia" in role) else
               "due" if ("thời" in role or "tiến độ" in role) else
               "output" if "sản phẩm" in role else "lead")
        if i not in groups:
            groups[i] = {}
            order.append(i)
        groups[i].setdefault(key, m.group("value").strip())
    out = []
    for i in order:
        g = groups[i]
        if "lead" not in g and "support" not in g:
            continue
        sec = doc.sections[i] if i >= 0 else None
        if sec is None:
            continue
        issues = [] if g.get("lead") else ["lead label missing"]
        lead = _only_bodies((b for _, _, b in bodies_in(g.get("lead", ""), *ctx)), "lead", issues)
        support = _only_bodies((b for _, _, b in bodies_in(g.get("support", ""), *ctx)), "support", issues)
        due = normalise_times(g["due"]) or g["due"] if "due" in g else ""
        out.append(Assignment(doc.doc_id, sec.text, sec.start, sec.end, lead, support, g.get("output", ""),
                              "", due, "label", sec.path, None, tuple(issues)))
    return out


# --- prose -----------------------------------------------------------------

# Verbs (and predicate-opening adverbs) of duties.  Matched in lower case
# only: a capital "Quản lý" or "Phát triển" is part of a name.
DUTY_VERBS = (
    "chủ trì", "phối hợp", "tham mưu", "có trách nhiệm", "chịu trách nhiệm", "là cơ quan", "tổ chức", "triển khai",
    "thực hiện", "xây dựng", "hướng dẫn", "chỉ đạo", "lãnh đạo", "kiểm tra", "giám sát", "theo dõi", "đôn đốc",
    "tuyên truyền", "vận động", "rà soát", "đánh giá", "nghiên cứu", "đề xuất", "ban hành", "bố trí", "cân đối",
    "phân bổ", "tổng hợp", "báo cáo", "quán triệt", "cụ thể hóa", "tăng cường", "đẩy mạnh", "nâng cao", "phát huy",
    "tiếp tục", "thẩm định", "hỗ trợ", "biên soạn", "tập huấn", "bồi dưỡng", "đào tạo", "phổ biến", "tiếp nhận",
    "giải quyết", "sơ kết", "tổng kết", "hiệp thương", "lồng ghép", "kiện toàn", "quản lý", "chuẩn bị", "phát động",
    "duy trì", "cung cấp", "tạo điều kiện", "chủ động", "bảo đảm", "đảm bảo", "xử lý", "khảo sát", "thẩm tra",
    "hoàn thiện", "sửa đổi", "bổ sung", "xác định", "định hướng", "góp ý", "tham gia", "thúc đẩy", "huy động",
    "căn cứ", "thường xuyên", "kịp thời", "tích cực", "khẩn trương", "tập trung", "làm tốt", "thống nhất",
    "phân công", "trình", "lập", "đề nghị", "gửi", "giúp", "nắm", "phản ánh", "ưu tiên", "quan tâm",
)
STRONG = ("chủ trì", "có trách nhiệm", "chịu trách nhiệm", "tham mưu", "là cơ quan")
# "căn cứ …," and "thường xuyên" open adverbials, not predicates, before a subject
ADVERBIAL = ("căn cứ", "thường xuyên", "kịp thời", "tích cực", "tập trung", "tiếp tục")
_LETTER = r"[^\W\d_]"


def _trie(words, after_first: str = "", tails: dict[str, str] | None = None) -> str:
    """An alternation of literal phrases as a character trie (a space matches any run
    of spaces, "\\0" one space): ``re`` then tries one branch per position instead of every phrase, and
    skips fast to the possible first letters.  At a branch point the longer phrase
    is tried first.  ``after_first`` is checked after the first letter, ``tails[w]``
    after the whole of ``w``."""
    tails = tails or {}
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = tails.get(w, "")

    def emit(node: dict, depth: int) -> str:
        alts = [(r"\s+" if ch == " " else " " if ch == "\0" else re.escape(ch)) + (after_first if depth == 0 else "") + emit(node[ch], depth + 1)
                for ch in sorted(k for k in node if k)]
        if "" in node:
            alts.append(node[""])
        return "" if not alts else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root, 0)


# Three verbs are also the ends of nouns ("chương trình", "thành lập", "các tổ
# chức"): a lookbehind over the whole noun, checked after the verb.
NOT_VERB_AFTER = {
    "trình": ("chương", "quá", "công", "lộ", "tờ", "đệ", "thuyết", "giải", "thành", "xác", "thiết"),
    "lập": ("thành", "thiết", "xác"),
    "tổ chức": ("các", "những", "và các", "cơ quan,"),
}
# Stdlib ``re`` with a trie runs this several times faster than ``regex`` with a
# flat alternation, and verbs are sought over the whole of every document.  That
# a verb starts a word is checked after its first letter, so the pattern opens
# with a letter (``re`` skips to those).
RE_VERB = re.compile(
    _trie((v.replace(" ", "\0") if v == "tổ chức" else v for v in DUTY_VERBS), after_first=rf"(?<!{_LETTER}.)",
          tails={v.replace(" ", "\0") if v == "tổ chức" else v: "".join(f"(?<!{w} {v})" for w in ws)
                 for v, ws in NOT_VERB_AFTER.items()})
    + rf"(?!{_LETTER})"
)
# The first two letters of each verb: every match of RE_VERB opens with one of them.
_VERB_OPENINGS = frozenset(v[:2] for v in DUTY_VERBS)
# A character that no match of RE_VERB holds: not a letter of a verb, not a blank.
_VERB_CHARS = frozenset("".join(DUTY_VERBS).replace(" ", ""))
_RE_VERB_BREAK = re.compile("[^" + re.escape("".join(sorted(_VERB_CHARS))) + r"\s]")
_RE_LAST_VERB_BREAK = re.compile("(?s:.*)" + _RE_VERB_BREAK.pattern)


class _VerbIndex:
    """The verbs of ``text[:end]`` (``RE_VERB.finditer(text, 0, end)``, those starting
    inside a body mention dropped), found only in the ranges asked for: the
    sections that state no duties are never read, and a scan of the whole text
    was the costliest step.

    A range is widened to *sync points*: 0, ``end``, or a position just after a
    character no match can hold (see ``_RE_VERB_BREAK``).  No match runs over
    such a point, so the scan of the whole text passes through it with nothing
    pending, and a scan from one sync point to the next (the next as ``endpos``:
    no match may end there, so its end-of-text is never looked at) finds exactly
    the whole scan's matches between them."""

    def __init__(self, text: str, end: int, mentions: list[tuple[int, int]]):
        self.text, self.end = text, end
        # no verb inside a body name: "tham mưu" in "các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy";
        # the mentions by start, with the furthest end reached so far: a position is inside
        # one if the last mention starting at or before it reaches past it
        spans = sorted(mentions)
        self.mention_starts = list(map(itemgetter(0), spans))
        # (the mentions of a document do not overlap: their ends, already in order, are
        # their reach, which a sort of a sorted list finds in one pass)
        ends = list(map(itemgetter(1), spans))
        self.mention_reach = ends if ends == sorted(ends) else list(accumulate(ends, max))
        self.scanned = bytearray(end)  # 1 where the verbs starting there are known
        self.verbs: list[tuple[int, int, str]] = []  # (start, end, verb), sorted
        self.starts: list[int] = []

    def _sync_before(self, i: int, floor: int) -> int:
        """The last sync point at or before ``i`` (not before ``floor``, itself one)."""
        while i > floor:
            w = max(floor, i - 256)  # a window before ``i``: its last break, if any
            brk = _RE_LAST_VERB_BREAK.match(self.text, w, i)
            if brk:
                return brk.end()
            i = w
        return floor

    def _sync_after(self, i: int) -> int:
        """The first sync point at or after ``i`` (``i >= 1``)."""
        brk = _RE_VERB_BREAK.search(self.text, i - 1, self.end)
        return brk.end() if brk else self.end

    def _scan(self, a: int, b: int) -> None:
        """Make the verbs starting in ``[a, b)`` known."""
        scanned = self.scanned
        gap = scanned.find(0, a, b)
        while gap >= 0:
            p = self._sync_before(gap, scanned.rfind(1, 0, gap) + 1)
            q = self._sync_after(b)
            nxt = scanned.find(1, gap, q)  # an earlier scan ahead: stop where it starts
            if nxt >= 0:
                q = nxt
            found = []
            starts, reach = self.mention_starts, self.mention_reach
            for m in RE_VERB.finditer(self.text, p, q):
                x = m.start()
                k = bisect_right(starts, x) - 1  # not inside a body mention
                if k < 0 or reach[k] <= x:
                    found.append((x, m.end(), m.group()))
            i = bisect_left(self.starts, p)
            self.verbs[i:i] = found
            self.starts[i:i] = [v[0] for v in found]
            scanned[p:q] = b"\x01" * (q - p)
            gap = scanned.find(0, q, b) if q < b else -1

    def within(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """The verbs starting in ``[a, b)``, in text order."""
        a, b = max(a, 0), min(b, self.end)
        if a >= b:
            return []
        if self.scanned.find(0, a, b) >= 0:
            self._scan(a, b)
        starts = self.starts
        i = bisect_left(starts, a)
        return self.verbs[i:bisect_left(starts, b, i)]


RE_PAST = re.compile(r"(?:đã|đang|từng|vừa|được)\s+$")
RE_DUTY_SECTION = regex.compile(
    r"tổ\s+chức\s+thực\s+hiện|phân\s+công|trách\s+nhiệm|lộ\s+trình|chế\s+độ\s+(?:thông\s+tin\s+)?báo\s+cáo"
    r"|nhiệm\s+vụ\s+(?:của|cụ\s+thể\s+của)\s+(?:các\s+)?(?:cơ\s+quan|tổ\s+chức|đơn\s+vị|sở|ban|ngành|địa)"
    r"|nội\s+dung\s+thực\s+hiện|kinh\s+phí\s+thực\s+hiện|hướng\s+dẫn,\s+kiểm\s+tra",
    regex.I,
)
# Outside the sections that distribute work, a section that states goals or
# reports results ("Mục tiêu cụ thể", "Một số chỉ tiêu", "Kết quả đạt được",
# "Thực trạng") holds no duties: "Hằng năm, 100% MTTQ các cấp chủ trì …" is a
# target there, "MTTQ chủ trì …" under "Kết quả đạt được" a past result.  The
# innermost title that says which decides ("MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP" says both).
RE_NO_DUTY_SECTION = regex.compile(
    r"mục\s+tiêu|chỉ\s+tiêu|kết\s+quả\s+(?:đạt\s+được|hoạt\s+động|thực\s+hiện)|thực\s+trạng|tình\s+hình"
    r"|hạn\s+chế|nguyên\s+nhân|bài\s+học|sự\s+cần\s+thiết|căn\s+cứ|quan\s+điểm", regex.I)
RE_TASK_SECTION = regex.compile(r"nhiệm\s+vụ|giải\s+pháp|nội\s+dung|tổ\s+chức\s+thực\s+hiện", regex.I)


def _lowered(pattern: regex.Pattern) -> re.Pattern:
    """A stdlib pattern, for the lower-cased text, that matches wherever the
    case-insensitive ``pattern`` (lower-case words, blanks, no classes) does, and
    maybe elsewhere: a fast test before it.  Every other-case match of its letters
    lower-cases to the letter but "İ" ("i̇") and "ſ" (itself): spelled out."""
    if "[" in pattern.pattern or pattern.pattern != pattern.pattern.lower():
        raise ValueError(f"not a pattern of lower-case words: {pattern.pattern}")
    out, escaped = [], False
    for ch in pattern.pattern:
        out.append(ch if escaped else {"i": "i\u0307?", "s": "[sſ]"}.get(ch, ch))
        escaped = not escaped and ch == "\\"
    return re.compile("".join(out))


_RE_DUTY_SECTION_LOW = _lowered(RE_DUTY_SECTION)
_RE_NO_DUTY_SECTION_LOW = _lowered(RE_NO_DUTY_SECTION)
_RE_TASK_SECTION_LOW = _lowered(RE_TASK_SECTION)


def _title_says(pattern: regex.Pattern, lowered: re.Pattern, title: str, low: str) -> bool:
    """``pattern.search(title)`` of a title and its lower case ``low``: searched in
    ``low`` first with :func:`_lowered`, several times faster, which most titles fail."""
    return lowered.search(low) is not None and pattern.search(title) is not None


def _states_no_duties(titles: list[str]) -> bool:
    for t in titles:
        if len(t) >= 100:
            continue  # an item whose title is its whole paragraph
        none, task = RE_NO_DUTY_SECTION.search(t), RE_TASK_SECTION.search(t)
        if none and not task:
            return True
        if task and not none:
            return False
    return False


RE_TIME_START = regex.compile(r"^(?:định\s+kỳ|h[ằà]ng|mỗi|trong|trước|sau|từ|đến|năm|quý|tháng|giai\s+đoạn|\d)", regex.I)
RE_DIRECT = regex.compile(r"(?:chỉ\s+đạo|lãnh\s+đạo|giao|đề\s+nghị|yêu\s+cầu)\s*$", regex.I)
# The characters that end a match of RE_DIRECT in a stripped text: the last letter
# of each phrase and its other case (no other character matches them, even ignoring case).
_DIRECT_LAST = frozenset("oOuUịỊ")
RE_ITEM_LABEL = regex.compile(r"^[ \t]*(?:(?:[IVX]+|\d+(?:\.\d+)*)[.)]|\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-+•])[ \t]*(?:[-:.][ \t]*)?", regex.M)
# Capitals (but I, V, X) and accented letters: no item label opens with one.
_NO_ITEM_LABEL = frozenset("ABCDEFGHJKLMNOPQRSTUWYZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
                           "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


def _item_label(text: str, a: int, b: int):
    """``RE_ITEM_LABEL.match(text, a, b)``, not tried where it cannot match: away
    from a line start, or at a character no label opens with (most sentences)."""
    if (a and text[a - 1] != "\n") or (a < b and text[a] in _NO_ITEM_LABEL):
        return None
    return RE_ITEM_LABEL.match(text, a, b)


# ``regex``'s ``\s`` in stdlib ``re`` (whose ``\s`` also takes U+001C–U+001F).
_BLANK = r"[^\S\x1c-\x1f]"
# A single line break before a lower-case word is a hard wrap inside a sentence.
RE_SENTENCE_END = regex.compile(r"(?<=[.!?…;])\s+(?=[\p{Lu}\d(\"“])|\n\s*\n\s*|\n(?!\s*\p{Ll})")
_VI_LOWER = "abcdefghijklmnopqrstuvwxyzàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
# Every match of RE_SENTENCE_END starts at a newline or at whitespace just after [.!?…;].
# (``[.!?…;]\s|\n``, led by one class: ``re`` then skips fast to those characters.)
# None starts at a blank before a lower-case letter (a hard wrap, or "; và"): those
# blanks, the commonest of the candidates, are passed over inside ``re``.
_RE_SENTENCE_CAND = re.compile(r"[.!?…;\n](?:(?<=\n)|\s)(?![" + _VI_LOWER + "])")
# Characters that settle a candidate of RE_SENTENCE_END (see ``_sentence_end_at``):
# lower-case letters (\p{Ll}) and capitals (\p{Lu}) of Vietnamese, digits.
_LOWER_LETTERS = frozenset(_VI_LOWER)
_CAPITALS_DIGITS = frozenset(_VI_LOWER.upper() + "0123456789")
# A run of RE_SENTENCE_END's blanks.
_RE_BLANKS = re.compile(_BLANK + "+")


def _sentence_end_at(text: str, c: int, b: int) -> tuple[int, int] | None:
    """``RE_SENTENCE_END.match(text, c, b)``'s span (or None) at a candidate ``c`` of
    ``_RE_SENTENCE_CAND`` (a blank after [.!?…;], or a newline).  When the next
    character is not a blank the match, if any, is the blank alone, and that
    character decides the common cases without the pattern: a lower-case letter
    ends no sentence (a hard wrap), a capital or a digit ends one.  A newline
    before another (a paragraph break) ends one with the run of blanks after it,
    whichever alternative matches."""
    if c + 1 < b and text[c] in " \t\n":
        nxt = text[c + 1]
        if nxt in _LOWER_LETTERS:
            return None
        if nxt in _CAPITALS_DIGITS:
            return c, c + 1
        if nxt == "\n" and text[c] == "\n":
            return c, _RE_BLANKS.match(text, c, b).end()
    m = RE_SENTENCE_END.match(text, c, b)
    return m.span() if m else None


RE_SUPPORT = regex.compile(
    r"(?:phối\s+hợp|hiệp\s+thương,?\s+thống\s+nhất|thống\s+nhất)(?:\s+(?:chặt\s+chẽ|hoạt\s+động|thực\s+hiện|tốt))?\s+với\s+"
    r"|chủ\s+trì,?\s+phối\s+hợp\s+(?!với)",
    regex.I,
)
# A match of RE_SUPPORT starts with "phối", "thống", "chủ t…" or "hiệp" in any case
# (the characters RE_SUPPORT takes for each of these letters, ignoring case; ``re``'s
# blanks include its): found from their third letter, rarer than the first.
_RE_SUPPORT_CAND = re.compile(r"[ốỐủỦệỆ](?:(?<=[pP][hH][ốỐ])(?=[iIİ])|(?<=[tT][hH][ốỐ])(?=[nN][gG])"
                              r"|(?<=[cC][hH][ủỦ])(?=\s+[tT])|(?<=[hH][iIİ][ệỆ])(?=[pP]))")
RE_LIST_STOP = regex.compile(
    r"[;.:]|\n\s*\n|\n(?!\p{Ll})|\s(?:trong|để|về|nhằm|theo|tại|khi|đối\s+với|trên\s+cơ\s+sở|gắn\s+với|thông\s+qua)\s", regex.I)
RE_RECIPIENTS = regex.compile(r"^[ \t]*Nơi\s+nh[ậâ]n", regex.M)
RE_TIME_WORD = regex.compile(r"thời\s+gian|thời\s+hạn|hoàn\s+thành\s+trong|trước\s+ngày", regex.I)
# Stdlib ``re`` for these two, tried in every subject (``_BLANK``: see above).
RE_PAREN_REMARK = re.compile(_BLANK + r"*\([^()]*\)")
RE_LIST_COMMA = re.compile(r"[,:]" + _BLANK + "+")
RE_WORD_OPENS_NAME = regex.compile(r"(?<![\p{L}])(?=\p{Lu}|các\s|những\s)")
# Where RE_WORD_OPENS_NAME may match: a letter (or another word character but a
# digit or "_") that is not a lower-case Vietnamese letter, or the "c" of "các " and
# the "n" of "những ", after no Vietnamese letter.  Led by one class, so ``re``
# skips fast to those characters and passes over the lower-case words, most of a
# sentence.  (Every Vietnamese letter is a ``\p{L}``, every capital a ``\p{Lu}``.)
_RE_NAME_OPEN_CAND = re.compile(
    r"[^\W\d_" + _VI_LOWER.replace("c", "").replace("n", "") + "](?<![" + _VI_LOWER + _VI_LOWER.upper() + "].)"
    r"(?:(?<![cn])|(?<=c)(?=ác" + _BLANK + r")|(?<=n)(?=hững" + _BLANK + "))")
# A hit opening with one of these, after one of those (or at the start), is a match:
# the pattern is asked about the others (another script, a letter before it).
_SURE_NAME_OPENERS = frozenset(_VI_LOWER.upper() + "cn")
_SURE_NOT_LETTERS = frozenset(" \t\n\r\f\v\xa00123456789.,;:!?()[]{}<>/\\|-+*=_&%#@'\"“”‘’–—…•")


def _name_openings(text: str, a: int, b: int) -> list[int]:
    """Starts of ``RE_WORD_OPENS_NAME.finditer(text, a, b)`` (it reads ``text`` before
    ``a``), the pattern tried only at the hits of ``_RE_NAME_OPEN_CAND`` it does
    not settle."""
    opens = RE_WORD_OPENS_NAME.match
    out = []
    for h in _RE_NAME_OPEN_CAND.finditer(text, a, b):
        i = h.start()
        if (text[i] in _SURE_NAME_OPENERS and (i == 0 or text[i - 1] in _SURE_NOT_LETTERS)) or opens(text, i, b):
            out.append(i)
    return out


MAX_SUBJECT_WORDS = 30
BARE_UNITS = {"xã", "phường", "thị trấn", "đặc khu", "thôn", "bản", "tổ dân phố", "huyện", "thành phố", "tỉnh",
              "thành ủy", "huyện ủy", "thị ủy"}


def _recipients(text: str):
    """``RE_RECIPIENTS.search(text)``: the pattern is tried only at the start of a
    line that holds "Nơi" after blanks (a regex scan of the whole text is slow)."""
    j = text.find("Nơi")
    while j >= 0:
        ls = text.rfind("\n", 0, j) + 1
        if not text[ls:j].strip(" \t"):
            m = RE_RECIPIENTS.match(text, ls)
            if m:
                return m
        j = text.find("Nơi", j + 1)
    return None


class _Prose:
    """Per-document state: body mentions and verb positions of the normalised text."""

    def __init__(self, doc: Document, ctx):
        self.doc, self.ctx, self.text = doc, ctx, doc.text
        # prose ends at the recipients list: the signature and annexes after it are not read
        self.recipients = rec = _recipients(self.text)
        self.prose_end = rec.start() if rec else len(self.text)
        self.mentions = doc_mention_spans(doc, self.prose_end)  # the scan is shared with find_bodies
        self._past: dict[int, int] = {}
        self._strong: list[int] | None = None
        self._verbs = _VerbIndex(self.text, self.prose_end, self.mentions)
        self._body_lists: dict[tuple[int, int], bool] = {}
        self._subjects: dict[tuple[int, int, bool], tuple[int, int] | None] = {}

    def strong_starts(self, a: int, b: int) -> list[int]:
        """Where a verb of STRONG, written as it is matched, starts in ``[a, b)``
        (sorted).  Outside the sections that distribute work only those verbs
        count, and most sections hold none: their sentences, and their verbs, are
        then never looked for."""
        starts = self._strong
        if starts is None:  # found in the whole text once, on the first call
            text = self.text
            starts = []
            for v in STRONG:
                i = text.find(v)
                while i >= 0:
                    starts.append(i)
                    i = text.find(v, i + 1)
            starts.sort()
            self._strong = starts
        return starts[bisect_left(starts, a):bisect_left(starts, b)]

    def past_at(self, v0: int) -> int:
        """Start of "đã", "được" … (RE_PAST) just before the verb at ``v0``, else -1;
        worked out only for the verbs of the sentences read."""
        got = self._past.get(v0)
        if got is None:
            got = -1
            # RE_PAST ends with whitespace: it must end just before the verb
            if v0 and self.text[v0 - 1].isspace():
                past = RE_PAST.search(self.text, max(0, v0 - 8), v0)
                if past:
                    got = past.start()
            self._past[v0] = got
        return got

    def sentences(self, a: int, b: int):
        """``(start, end)`` of each sentence of ``text[a:b]``: the spans between the
        matches of ``RE_SENTENCE_END.finditer(text, a, b)``, the pattern tried only
        where it can start (a regex scan of every position of a document is slow).

        It may start at a newline or at whitespace just after [.!?…;]: the last
        character of a hit of _RE_SENTENCE_CAND.  A punctuation mark is never part of
        an earlier hit, so the hits in ``[a - 1, b)`` are those of the whole text."""
        text = self.text
        pos = a  # where the sentence being read starts: the end of the last match
        for h in _RE_SENTENCE_CAND.finditer(text, a - 1 if a else 0, b):
            c = h.end() - 1
            if c < pos:
                continue
            span = _sentence_end_at(text, c, b)
            if span:
                yield pos, span[0]
                pos = span[1]
        yield pos, b

    def paragraph_start(self, a: int, x: int) -> int:
        """A start of a sentence of :meth:`sentences` from ``a`` at or before ``x``
        (where a sentence is read): the end of the last run of blanks in ``(a, x)``
        that holds a paragraph break ("\\n\\n"), else ``a``.

        A run of blanks holding two newlines always ends a sentence, whatever
        precedes it: at the run's first candidate (the blank after a [.!?…;]
        before it, or its first newline) RE_SENTENCE_END's first alternative
        reads the whole run or fails, and the second then reads from the first
        newline to the end of the run.  No earlier match reaches into the run
        (a match holds only blanks), nor does the scan from ``a`` start inside it
        (the character before it is not a blank and not before ``a``); the
        sentences from its end are then those of the scan from ``a``."""
        text = self.text
        j = text.rfind("\n\n", a, x)
        if j < 0:
            return a
        r0 = j  # where the run starts, or earlier (``isspace`` takes more than the pattern's blanks)
        while r0 > a and text[r0 - 1].isspace():
            r0 -= 1
        return _RE_BLANKS.match(text, j).end() if r0 > a else a

    def read_verbs(self, a: int, b: int) -> None:
        """Find the verbs of ``[a, b)`` now, in one scan rather than one per sentence."""
        self._verbs.within(a, b)

    def verbs_in(self, a: int, b: int, capital_at: int | None = None):
        out = self._verbs.within(a, b)
        # a capitalised verb opens the clause ("Tham mưu …"): the pattern is tried only
        # if the clause opens with the first two letters of a verb (in any case)
        if capital_at is not None and self.text[capital_at:capital_at + 2].lower()[:2] in _VERB_OPENINGS:
            m = RE_VERB.match(self.text[capital_at:b].lower())
            if m and not any(v[0] == capital_at for v in out):
                out.insert(0, (capital_at, capital_at + m.end(), m.group()))
        return out

    def bodies(self, a: int, b: int, strict: bool = True) -> tuple[Body, ...]:
        return tuple(body for _, _, body in bodies_in(self.text[a:b], *self.ctx, strict=strict) if is_body(body))

    def is_body_list(self, a: int, b: int) -> bool:
        key = (a, b)
        got = self._body_lists.get(key)
        if got is None:
            got = self._body_lists[key] = self._is_body_list(a, b)
        return got

    def _is_body_list(self, a: int, b: int) -> bool:
        s = self.text[a:b].strip(" ,;")
        if not s or "\n\n" in s or ":" in s or _more_words_than(s, MAX_SUBJECT_WORDS):
            return False
        if self.verbs_in(a, b, capital_at=a):
            return False  # a verb inside, or opening it ("Ban hành …", "Phối hợp với …")
        s_np = RE_PAREN_REMARK.sub("", s)
        if not looks_like_body(s_np) or _is_symbol_piece(s_np):
            return False  # (tested before the split, which costs more)
        pieces = split_bodies(s_np)
        # a bare unit after a comma shares the head before it ("Ủy ban nhân dân xã, phường")
        return bool(pieces) and all(
            (looks_like_body(s_np[x:y]) or s_np[x:y].lower() in BARE_UNITS)
            and not _is_heading_label(s_np[x:y]) for x, y in pieces)

    def subject(self, lo: int, v: int, strong: bool) -> tuple[int, int] | None:
        """The body list ending just before the verb at ``v`` (sentence starts at ``lo``)."""
        key = (lo, v, strong)
        if key not in self._subjects:  # an item's first sentence is read twice
            self._subjects[key] = self._subject(lo, v, strong)
        return self._subjects[key]

    def _subject(self, lo: int, v: int, strong: bool) -> tuple[int, int] | None:
        end = v
        while end > lo and self.text[end - 1] in " ,":
            end -= 1
        # What follows a candidate at or before the start of a verb in [lo, end) holds
        # that verb: never a body list.  Only the candidates after the last one are
        # looked for (from a verb's first letter, which no match of the two patterns
        # below holds or ends after, the scans find the same ones).
        before = self.verbs_in(lo, end)
        first = before[-1][0] + 1 if before else lo
        # (in the text itself rather than ``text[lo:v]``: the patterns read nothing
        # before ``first`` but when it is ``lo``, a candidate already)
        text = self.text
        cands = {lo} if first == lo else set()
        cands.update(m.end() for m in RE_LIST_COMMA.finditer(text, first, v))
        cands.update(_name_openings(text, first, v))
        # the first candidate (in text order) whose prefix admits a subject and that
        # opens a body list; the cheap prefix test is tried first
        for c in sorted(cands):
            if c >= end:
                break
            prefix = self.text[lo:c].strip()
            if prefix:
                if not (_ends_direct(prefix) and (strong or prefix.lower().startswith("giao"))):
                    if not (prefix.endswith(",") or RE_TIME_START.match(prefix)):
                        continue
                    if any(x[2] not in ADVERBIAL for x in self.verbs_in(lo, c, capital_at=lo)):
                        continue
            if self.is_body_list(c, end):
                return c, end
        return None

    def support(self, a: int, b: int, lead: tuple[Body, ...]) -> tuple[Body, ...]:
        out: list[Body] = []
        for m in _finditer_at(RE_SUPPORT, _RE_SUPPORT_CAND, self.text, a, b, lead=2):
            s = m.end()
            stop = RE_LIST_STOP.search(self.text, s, b)
            e = stop.start() if stop else b
            nxt = self.verbs_in(s, e)
            if nxt:
                e = nxt[0][0]
            for body in self.bodies(s, e):
                if body.canonical not in {x.canonical for x in out} | {x.canonical for x in lead} or \
                        body.text not in {x.text for x in out}:
                    if body.text not in {x.text for x in out}:
                        out.append(body)
        return tuple(out)

    def make(self, lead, a: int, b: int, source: str, issues=()) -> "Assignment":
        a, b = _strip(self.text, a, b)
        lo, hi, raw = self.doc.evidence(a, b)
        task = self.text[a:b]
        return Assignment(self.doc.doc_id, raw, lo, hi, tuple(lead), self.support(a, b, tuple(lead)), "",
                          "", normalise_times(task, prose=True), source, self.doc.section_at(a), None, tuple(issues))


def _ends_direct(prefix: str) -> bool:
    """``RE_DIRECT.search(prefix)`` of a stripped ``prefix``: the phrase must end it,
    so a prefix ending in another character is not searched."""
    return bool(prefix) and prefix[-1] in _DIRECT_LAST and RE_DIRECT.search(prefix) is not None


def _more_words_than(s: str, n: int) -> bool:
    """``len(s.split()) > n``, without splitting all of a long paragraph (nor a
    text too short to hold ``n + 1`` words and the ``n`` blanks between them)."""
    return len(s) > 2 * n and len(s.split(None, n)) > n


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\n":
        a += 1
    while b > a and text[b - 1] in " \t\n":
        b -= 1
    return a, b


def _blocks(doc: Document):
    """(section index, start, end) of each section's own text (heading to the next heading)."""
    starts = list(doc.section_starts)
    n = len(doc.text)
    if not starts or starts[0] > 0:
        yield -1, 0, starts[0] if starts else n  # the text before the first heading
    for i, s in enumerate(starts):
        yield i, s, starts[i + 1] if i + 1 < len(starts) else n


def _titles(sec, by_id) -> list[str]:
    """Titles of a section and its ancestors, innermost first (``Document.section_titles_at``
    without rebuilding the index for every block)."""
    out = []
    while sec is not None:
        out.append(sec.title)
        sec = by_id.get(sec.parent) if sec.parent else None
    return out


def _duty_section(sec, by_id, memo: dict) -> bool:
    """``any(RE_DUTY_SECTION.search(t) for t in _titles(sec, by_id) if len(t) < 100)``;
    each section's own title is searched once per document."""
    if sec is None:
        return False
    got = memo.get(id(sec))
    if got is None:
        parent = by_id.get(sec.parent) if sec.parent else None
        t = sec.title
        got = memo[id(sec)] = _duty_section(parent, by_id, memo) or (
            len(t) < 100 and _title_says(RE_DUTY_SECTION, _RE_DUTY_SECTION_LOW, t, t.lower()))
    return got


def _no_duty_section(sec, by_id, memo: dict) -> bool:
    """:func:`_states_no_duties` over :func:`_titles` of a section that is not a duty
    section (nor, then, are its ancestors): the innermost short title that decides,
    else its parent's answer.  Only asked of the sections whose prose may hold an
    assignment, each section worked out once per document."""
    if sec is None:
        return False
    got = memo.get(id(sec))
    if got is None:
        t = sec.title
        decided = None  # an item's title is its whole paragraph: it says nothing
        if len(t) < 100:
            low = t.lower()
            none = _title_says(RE_NO_DUTY_SECTION, _RE_NO_DUTY_SECTION_LOW, t, low)
            task = _title_says(RE_TASK_SECTION, _RE_TASK_SECTION_LOW, t, low)
            decided = True if (none and not task) else False if (task and not none) else None
        if decided is None:
            decided = _no_duty_section(by_id.get(sec.parent) if sec.parent else None, by_id, memo)
        got = memo[id(sec)] = decided
    return got


def _prose_assignments(doc: Document, ctx) -> list[Assignment]:
    p = _Prose(doc, ctx)
    text = doc.text
    rec = p.recipients
    children: dict[str, int] = {}
    for s in doc.sections:
        if s.parent:
            children[s.parent] = children.get(s.parent, 0) + 1
    owners: dict[str, tuple[Body, ...]] = {}
    by_id = {s.id: s for s in doc.sections}
    duties: dict[int, bool] = {}
    no_duties: dict[int, bool] = {}
    out: list[Assignment] = []
    for i, a, b in _blocks(doc):
        if i < 0:
            rec_start = rec.start() if rec else b
            out.extend(p.make(lead, x, y, "prose") for lead, x, y in _sentence_assignments(p, a, min(b, rec_start), False))
            continue
        sec = doc.sections[i]
        if rec and a >= rec.start():
            continue  # the recipients list, the signature and the annexes after them
        if rec and b > rec.start():
            b = rec.start()
        tab = text.find("\t", a, b)
        if tab >= 0:  # a table ends the prose of its section
            b = text.rfind("\n", a, tab) + 1 or a
        # a short title says what a section is about; an item's title is its whole paragraph
        here = doc.section_of(a)
        duty = _duty_section(here, by_id, duties)
        nl = text.find("\n", a, b)
        while 0 <= nl < b - 1 and text[nl + 1].islower() and text[nl - 1] not in ".:;":
            nl = text.find("\n", nl + 1, b)  # a heading hard-wrapped over two lines
        head_end = b if nl < 0 else nl
        lab = _item_label(text, a, head_end)
        t0 = text.find(sec.title[:20], a, head_end) if sec.title else -1
        h0 = t0 if t0 >= 0 else (lab.end() if lab else a)
        # heading of this block without its label
        heading = text[h0:head_end]
        colon = heading.find(":")
        owner: tuple[Body, ...] = ()
        task_from = None
        # "1. Đảng ủy MTTQ tỉnh" — a heading that is only a body list
        if (duty or children.get(sec.id)) and p.is_body_list(h0, head_end):
            owner = p.bodies(h0, head_end, strict=False)
            task_from = head_end
        # "3. Ban Dân vận Tỉnh ủy: Tham mưu …"
        elif colon > 0 and p.is_body_list(h0, h0 + colon):
            owner = p.bodies(h0, h0 + colon, strict=False)
            task_from = h0 + colon + 1
        if owner:
            owners[sec.id] = owner
            if children.get(sec.id) and task_from == head_end and not text[head_end:b].strip():
                continue  # the duties are its sub-items
            if text[task_from:b].strip():
                out.append(p.make(owner, task_from, b, "prose"))
            continue
        inherited = owners.get(sec.parent or "")
        if inherited:
            # "a) Chủ trì, phối hợp với …" under "1. Sở Y tế"
            if _sentence_assignments(p, h0, b, duty, first_only=True):  # the item names its own subject
                out.extend(p.make(lead, x, y, "prose") for lead, x, y in _sentence_assignments(p, h0, b, duty))
            else:
                out.append(p.make(inherited, h0, b, "prose"))
            continue
        # (outside the duty sections, prose without a strong verb has no assignment,
        # whatever its titles state: they are read only for the other prose)
        if not duty and (not p.strong_starts(h0, b) or _no_duty_section(here, by_id, no_duties)):
            found = []
        else:
            found = _sentence_assignments(p, h0, b, duty)
        out.extend(p.make(lead, x, y, "prose") for lead, x, y in found)
        if not found and duty and lab and lab.group().strip().startswith("(") and RE_TIME_WORD.search(text, h0, b):
            out.append(p.make((), h0, b, "prose", ("lead not named",)))
    return out


def _any_within(starts: list[int], a: int, b: int) -> bool:
    """Does a sorted list of positions hold one in ``[a, b)``?"""
    i = bisect_left(starts, a)
    return i < len(starts) and starts[i] < b


def _marked_sentences(p: _Prose, a: int, b: int, marks: list[int], found: list):
    """The sentences of ``text[a:b]`` that hold one of the sorted positions ``marks``
    and, as soon as ``found`` (filled by the caller as it reads them) holds an
    assignment, every later one.

    Outside the duty sections only the sentences with a strong verb are read,
    and the few verbs of a long section lie in a few of its paragraphs: the
    others are not split into sentences, the scan starting again at the
    :meth:`_Prose.paragraph_start` of the next mark."""
    start: int | None = p.paragraph_start(a, marks[0])
    reached = 0  # the scan is in the paragraph of this mark (its start is sought once)
    while start is not None:
        restart = None
        for s, e in p.sentences(start, b):
            if found:
                yield s, e  # a duty may continue in any later sentence
                continue
            k = bisect_left(marks, s)
            if k < len(marks) and marks[k] < e:
                yield s, e
                if found:
                    continue
                k = bisect_left(marks, e, k)
            if k == len(marks):
                return  # no mark left, nothing to continue
            if k != reached:
                reached = k
                nxt = p.paragraph_start(e, marks[k])
                if nxt > e:  # a paragraph break before the next mark
                    restart = nxt
                    break
        start = restart


def _sentence_assignments(p: _Prose, a: int, b: int, duty: bool, first_only: bool = False):
    """(lead, start, end) of each sentence in ``text[a:b]`` that opens with a body subject and a duty verb."""
    text = p.text
    strong_at = [] if duty else p.strong_starts(a, b)
    if not duty and not strong_at:
        return []  # no sentence can have a verb that counts
    if duty and not first_only:
        p.read_verbs(a, b)  # every sentence is read: its verbs are found in one scan
    found: list[list] = []

    # lazily: ``first_only`` reads up to the first sentence it examines; outside the duty
    # sections a sentence with neither a verb that counts nor a duty to continue is not read
    marked = not duty and not first_only
    for s, e in _marked_sentences(p, a, b, strong_at, found) if marked else p.sentences(a, b):
        if s >= e or text.find("\t", s, e) >= 0 or RE_LABEL.match(text, s, e):
            continue
        lab = _item_label(text, s, e)
        s0 = lab.end() if lab else s
        if duty:
            verbs = p.verbs_in(s0, e)
        else:  # only the strong verbs count: the others are not looked for, nor past the last strong one
            i, j = bisect_left(strong_at, s0), bisect_left(strong_at, e)
            verbs = [v for v in p.verbs_in(s0, strong_at[j - 1] + 1) if v[2] in STRONG] if i < j else []
        verbs = [v for v in verbs if p.past_at(v[0]) < s0]
        hit = None
        # an explicit "chủ trì" decides the lead ("X chỉ đạo Y chủ trì …" → Y)
        order = [v for v in verbs if v[2] == "chủ trì"] + [v for v in verbs if v[2] != "chủ trì"]
        for v in order:
            strong = v[2] in STRONG
            subj = p.subject(s0, v[0], strong)
            if subj:
                hit = (subj, v)
                break
        if hit:
            (x, y), v = hit
            lead = p.bodies(x, y, strict=False)
            found.append([lead, s0, e])  # the whole sentence: subject and predicate
        elif found and found[-1][2] <= s and not first_only:
            found[-1][2] = e  # a sentence without its own subject continues the duty
        if first_only:
            break
    return [tuple(f) for f in found]


# --- the verb --------------------------------------------------------------

def find_assignments(doc: Document) -> list[Assignment]:
    """Assignments of a document from its role tables, labels and duty prose, in text order."""
    ctx = doc_context(doc)
    found = _table_assignments(doc, ctx) + _label_assignments(doc, ctx) + _prose_assignments(doc, ctx)
    return sorted(found, key=lambda x: (x.start, x.source))
