"""Outline: headings of the document as a tree of :class:`Section` records.

Heading labels, in rank order (a heading closes every open heading of the
same or a lower rank):

=========  ==============================  =====================
rank       label                           example
=========  ==============================  =====================
part       Phần thứ nhất / Phần I          ``Phần thứ hai``
chapter    Chương I                        ``Chương II``
article    Điều 5.                         ``Điều 5. Phạm vi``
roman      I. / II- / III)                 ``II. MỤC TIÊU``
arabic     1. / 2-                         ``1. Mục tiêu chung``
arabic2    1.1. / 2.2 / II.1               ``2.2. Nhiệm vụ``
arabic3    2.2.1.                          ``2.2.1. Giám sát``
paren      (1) / (1)- / 1)                 ``(1)- 100% kiến nghị``
letter     a) / b.                         ``a) Đối với cấp tỉnh``
plain      a markdown heading or bold line ``## KẾT QUẢ``
=========  ==============================  =====================
"""
from __future__ import annotations


import regex

from .normalize import Normalized
from .records import Section, record_maker

RANKS = ("part", "chapter", "article", "roman", "arabic", "arabic2", "arabic3", "paren", "letter", "plain")
RANK = {name: i for i, name in enumerate(RANKS)}
HEADING_KINDS = RANKS[:-1]  # the kinds RE_HEADING names a group after ("plain" is found otherwise)

ORDINALS = r"nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười"
ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"

# Each pattern matches at a line start; group "label" is the label shown in
# section paths and "title" the rest of the line.
RE_HEADING = regex.compile(
    rf"""^(?:
      (?P<part>(?P<label>(?i:phần)\s+(?i:thứ)\s+(?i:{ORDINALS})|(?i:phần)\s+{ROMAN}(?=\W)))[\s.:\-]*(?P<title>.*)
    | (?P<chapter>(?P<label>(?i:chương)\s+(?:{ROMAN}|\d+)))(?=[\s.:\-]|$)[\s.:\-]*(?P<title>.*)
    | (?P<article>(?P<label>Điều\s+\d+))[.:]\s*(?P<title>.*)
    | (?P<roman>(?P<label>(?=[IVX])(?:{ROMAN})))\s*[.\-\)]\s*(?P<title>(?!\d)\S.*)
    | (?P<arabic3>(?P<label>\d{{1,2}}\.\d{{1,2}}\.\d{{1,2}}))\.?\s+(?P<title>\S.*)
    | (?P<arabic2>(?P<label>(?:\d{{1,2}}|(?=[IVX]){ROMAN})\.\d{{1,2}}))\.?\s+(?P<title>\p{{L}}.*)
    | (?P<arabic>(?P<label>\d{{1,2}}))(?!\s*-\s*\p{{Lu}}[\p{{L}}&]*/)\s*[.\-]\s*(?P<title>[\p{{L}}"“(].*)
    | (?P<paren>(?P<label>\(\d{{1,2}}\)|\d{{1,2}}\)))\s*-?\s*(?P<title>\S.*)
    | (?P<letter>(?P<label>[a-zđ]\)))\s*(?P<title>\S.*)
    )$""",
    regex.X | regex.M | regex.V1,
)

# Where m.groups() of RE_HEADING holds each kind's group, the label and the title
# (a name used in several alternatives is one group: V1 numbers it once).
HEADING_KIND_GROUPS = tuple((k, RE_HEADING.groupindex[k] - 1) for k in HEADING_KINDS)
LABEL_GROUP = RE_HEADING.groupindex["label"] - 1
TITLE_GROUP = RE_HEADING.groupindex["title"] - 1

# An upper-case line right after a label-only heading is that heading's title.
RE_CAPS_LINE = regex.compile(r"^[\p{Lu}\d][\p{Lu}\d\s,.;:\-–()\"“”/&]+$")
MAX_TITLE = 160
# The signature and recipients block ("Nơi nhận:", "T/M ĐẢNG ỦY", "BÍ THƯ", the
# signer's name) is often bold or a markdown heading, but it is not a section.
RE_SIGNATURE_LINE = regex.compile(
    r"^(?:Nơi nh[ậâ]n|(?:T/M|TM\.|T\.M\.|K/T|KT\.|Q\.)\s*\p{Lu}|(?:PHÓ\s+)?(?:BÍ THƯ|CHỦ TỊCH|TRƯỞNG BAN)\s*$)"
)
# An annex after the signature opens a new part of the document.
RE_ANNEX_LINE = regex.compile(r"^(?i:phụ lục|phụ biểu|biểu số)\b")


# First characters a line matched by RE_HEADING can open with ("phần", "chương"
# in any case, "Điều", a Roman numeral, "(1)"), besides a decimal digit and
# "a)" — a cheap test that skips the pattern on most lines of running text.
HEADING_FIRST = frozenset("PpCcĐIVX(")
LETTER_LABEL = frozenset("abcdefghijklmnopqrstuvwxyzđ")
# First characters of the lines RE_SIGNATURE_LINE and RE_ANNEX_LINE match.
SIGNATURE_FIRST = frozenset("NTKQPBC")
ANNEX_FIRST = frozenset("PpBb")


def _heading_match(line: str):
    c = line[0]
    if c in HEADING_FIRST or c.isdecimal() or (c in LETTER_LABEL and line[1:2] == ")"):
        return RE_HEADING.match(line)
    return None


def _heading_parts(m) -> tuple[str, str, str]:
    """(kind, label, title) of a match of RE_HEADING: "2.2.  Nhiệm vụ" → ("arabic2", "2.2", "Nhiệm vụ").

    Read off one ``m.groups()``: looking the groups up by name, eight times
    a heading on average, cost more than the rest of the heading's work.
    """
    groups = m.groups()
    for kind, i in HEADING_KIND_GROUPS:  # the one kind's group that took part
        if groups[i] is not None:
            break
    return kind, " ".join(groups[LABEL_GROUP].split()), groups[TITLE_GROUP].strip()


def _markdown_heading(raw_line: str) -> bool:
    s = raw_line.strip()
    return s.startswith("#") or (s.startswith("**") and s.rstrip(" \\").endswith("**") and len(s) > 4)


def find_sections(norm: Normalized) -> tuple[list[Section], list[int]]:
    """Headings of ``norm`` with their paths; returns (sections, normalised starts)."""
    text = norm.text
    raw = norm.raw
    # A heading's fields are gathered first and its Section made once at the
    # end, when its body's end is known: (label, level, path, raw start, raw
    # end, parent's index) and its title, which may still grow by a line.
    heads: list[tuple[str, int, str, int, int, int | None]] = []
    titles: list[str] = []
    starts: list[int] = []
    stack: list[tuple[int, int]] = []  # (rank, index of the heading)
    pos = 0
    lines = text.split("\n")
    pending_title_for: int | None = None
    title_continues: int | None = None  # heading whose upper-case title may run on to the next line
    in_signature = False
    for line in lines:
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped or "\t" in line:
            pending_title_for = None if stripped else pending_title_for
            title_continues = None
            continue
        m = _heading_match(line)
        target = pending_title_for if pending_title_for is not None else title_continues
        if target is not None and not m and RE_CAPS_LINE.match(stripped) and len(stripped) < 200:
            # "Phần thứ hai" / "MỤC TIÊU … GIAI ĐOẠN" / "2025-2030": one title over several lines
            titles[target] = f"{titles[target]} {stripped}" if titles[target] else stripped
            pending_title_for, title_continues = None, target
            continue
        pending_title_for = title_continues = None
        if stripped[0] in SIGNATURE_FIRST and RE_SIGNATURE_LINE.match(stripped):
            in_signature = True
            continue
        if stripped[0] in ANNEX_FIRST and RE_ANNEX_LINE.match(stripped):
            in_signature = False
        kind = None
        if m:
            kind, label, title = _heading_parts(m)
            if kind == "roman" and not title:
                kind = None
        if kind is None:
            if in_signature:
                continue
            if len(stripped) <= MAX_TITLE and _markdown_heading(_raw_full_line(raw, *norm.raw_span(start, end))):
                kind, label, title = "plain", stripped[:60], stripped
            else:
                continue
        if kind != "plain":
            in_signature = False
        rank = RANK[kind]
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        short_title = title if len(title) <= MAX_TITLE else title[:MAX_TITLE].rsplit(" ", 1)[0] + " …"
        path = f"{heads[parent][2]} > {label}" if parent is not None else label
        lo, hi = norm.raw_span(start, end)
        stack.append((rank, len(heads)))
        heads.append((label, len(stack), path, lo, hi, parent))
        titles.append(short_title)
        starts.append(start)
        if not title and kind in ("part", "chapter", "roman"):
            pending_title_for = len(heads) - 1
        elif kind in ("part", "chapter", "roman") and title.upper() == title:
            title_continues = len(heads) - 1
    body_ends = _body_ends([h[1] for h in heads], [h[3] for h in heads], len(raw))
    sections = [_new_section(f"s{i}", label, title, level, path, lo, hi, raw[lo:hi], body_end,
                             None if parent is None else f"s{parent}")
                for i, ((label, level, path, lo, hi, parent), title, body_end)
                in enumerate(zip(heads, titles, body_ends))]
    return sections, starts


SECTION_FIELDS = ("id", "label", "title", "level", "path", "start", "end", "text", "body_end", "parent")


# ``Section(id, label, title, level, path, start, end, text, body_end, parent)`` without the
# frozen ``__init__``, on every heading (a hundred in a long document); all ten fields are
# passed in SECTION_FIELDS' order (tests/extractors/test_outline_fast_paths.py checks that
# the sections equal ``Section(...)``'s).
_new_section = record_maker(Section)


def _raw_full_line(raw: str, lo: int, hi: int) -> str:
    a = raw.rfind("\n", 0, lo) + 1
    b = raw.find("\n", hi)
    return raw[a : b if b >= 0 else len(raw)]


def _body_ends(levels: list[int], starts: list[int], raw_len: int) -> list[int]:
    """A section's body runs to the next heading of the same or a higher level (a level
    not above its own), else to the end of the raw text: the end of each, from the
    sections' levels and raw starts.

    One pass with a stack of the sections still open (levels strictly rising
    from the bottom): a heading closes every open one of its level or deeper.
    """
    body_end = [raw_len] * len(levels)
    open_: list[int] = []
    for j, level in enumerate(levels):
        while open_ and levels[open_[-1]] >= level:
            body_end[open_.pop()] = starts[j]
        open_.append(j)
    return body_end
