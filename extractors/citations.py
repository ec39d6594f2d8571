"""citations: every reference to another document, with raw offsets.

:func:`find_citations` is a pure function ``Document → list[Citation]``.  It
works in two passes over the normalised text:

1. **numbered** references — an optional kind phrase ("Nghị quyết liên tịch",
   "Thông báo Kết luận", "Luật <name>"), an optional "số"/"số:", and a symbol
   from :mod:`symbols`; the context after the symbol (date, "của <issuer>",
   "(khóa …)", "về <title>") is read by anchored patterns;
2. **named** references without a number — Hiến pháp, laws, charters,
   platforms, congress documents, plenum resolutions, and instruments named
   by their issuer or a quoted title (heads in ``data/named_documents.tsv``).

``text``/``start``/``end`` cover the reference itself ("Quyết định số
217-QĐ/TW"); nested references in a description are found on their own.
"""
from __future__ import annotations

import csv
import re  # the stdlib engine: cheap literal triggers, no Unicode properties needed
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date as _date
from functools import lru_cache
from pathlib import Path

import regex

from .document import Document
from .records import Record
from .symbols import SYMBOL, kind_rows, symbol_from_match

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Citation(Record):
    doc_id: str
    text: str
    start: int
    end: int
    kind: str
    number: str = ""
    symbol: str = ""
    type_code: str = ""
    issuer_code: str = ""
    year: int | None = None
    date: str | None = None
    issuer: str = ""
    term: str = ""
    title: str = ""
    self: bool = False
    role: str = "dẫn chiếu"  # "căn cứ" | "dẫn chiếu"
    section: str = ""
    named: bool = False
    name: str = ""
    scope: str = ""


# --- vocabularies --------------------------------------------------------------

def _words(phrase: str) -> str:
    """A phrase whose words may be split by any whitespace (hard-wrapped text)."""
    return r"\s+".join(regex.escape(w) for w in phrase.split())


@lru_cache(maxsize=1)
def _alias_kinds() -> dict[str, str]:
    """lower-cased alias → kind ("thông báo kết luận" → "Thông báo")."""
    out = {}
    for r in kind_rows():
        for a in r["aliases"].split("|"):
            out[a.lower()] = r["kind"]
    return out


def _code_kinds() -> dict[tuple[str, str], str]:
    """(type code, form) → the kind a bare code stands for."""
    out: dict[tuple[str, str], str] = {}
    for r in kind_rows():
        for code in [r["code"], *(r.get("code_variants") or "").split("|")]:
            for form in (r.get("default_for") or "").split("|"):
                if code and form:
                    out.setdefault((code.upper(), form), r["kind"])
    return out


def _load(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


CODE_KINDS = _code_kinds()
ALIAS_KINDS = _alias_kinds()
BODY_HEADS = [r["head"] for r in _load("body_heads.tsv")]
NAMED_HEADS: dict[str, list[str]] = {}
for _r in _load("named_documents.tsv"):
    NAMED_HEADS.setdefault(_r["shape"], []).append(_r["head"])

LAW_KINDS = ("Luật", "Bộ luật", "Pháp lệnh")


def _spelled_out(category: str) -> str:
    """The BMP characters of a stdlib class (``r"\\d"``) as a class body of ranges.

    ``re`` tests a class opening a pattern at every character of the text; a
    category (``\\d``) is a lookup per character, ranges a bitmap: the symbol
    scan runs ~30 % faster.  Built from ``re`` itself at import, so it is the
    class of the running Python, whatever its Unicode tables.
    """
    chars = re.findall(category, "".join(map(chr, range(0x10000))))
    ranges: list[list[int]] = []
    for c in map(ord, chars):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


def _alt(phrases, flags: str = "") -> str:
    body = "|".join(_words(p) for p in sorted(set(phrases), key=len, reverse=True))
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


KIND = _alt([a for a in ALIAS_KINDS], "i")
KIND_CASED = _alt({r["kind"] for r in kind_rows()})
BODY_HEAD = _alt(BODY_HEADS)

# --- shared pieces -------------------------------------------------------------

B = r"(?<![\p{L}\d])"   # word start
E = r"(?![\p{L}\d])"    # word end
ROMAN = r"[IVXL]+"
DATE = (
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+(?i:tháng)\s+(?P<m2>\d{1,2})\s+(?i:năm)\s+(?P<y2>(?:19|20)\d\d)"
)

# Words that end an issuer: the verbs and prepositions that follow the body
# in "… của <body> về / thực hiện / ban hành / quy định …".
ISSUER_STOP = (
    r"(?i:về|thực\s+hiện|ban\s+hành|quy\s+định|quy\s+chế|hướng\s+dẫn|phê\s+duyệt|tại|đối|theo|nhằm|trong|"
    r"giữa|với|đã|để|là|được|có|sửa|ngày|Ngày|khóa|Khóa|nhiệm|lần|gọi|sau|thí|triển|tiếp|cho|đến|năm|từ|"
    r"trên|số|kèm|cùng|nay|này|tổ\s+chức|và|V/v|quy)" + E
)
# A capitalised kind word starts a new item, unless it is part of a body name
# ("Bộ Kế hoạch và Đầu tư").
KIND_STOP = rf"(?<!(?:Bộ|Sở|Ban|Vụ|Cục)\s+){KIND_CASED}{E}"
_ITOK = rf"(?!{ISSUER_STOP}|{KIND_STOP})[^\s,;.:()\[\]“”\"*]+"
_IQUOTE = r"(?<=(?:Phong\s+trào|Cuộc\s+vận\s+động)\s+)“[^”\n]{1,150}”"
# Tabs separate table cells: an issuer never runs across one.
_SP = r"[^\S\t]"
_ISEP = rf"(?:{_SP}+|{_SP}*,{_SP}*(?={BODY_HEAD}{E})|{_SP}+và{_SP}+(?={BODY_HEAD}{E})|{_SP}+-{_SP}+(?=\p{{Lu}}))"
ISSUER = rf"(?=\p{{Lu}}){_ITOK}(?:{_ISEP}(?:{_ITOK}|{_IQUOTE})){{0,20}}"
HOI_NGHI = r"Hội\s+nghị\s+(?:lần\s+thứ\s+\S+|Trung\s+ương\s+\S+)(?:\s+của)?\s+"
TERM = rf"\s*\(?\s*(?:(?i:khóa)|(?!))\s+(?P<term>{ROMAN}){E}(?:\s*,\s*(?:(?i:khóa)\s+)?{ROMAN}{E})*\s*\)?"

# --- numbered references -------------------------------------------------------

_LAW_HEAD = _alt(LAW_KINDS)
# "Luật Mặt trận Tổ quốc Việt Nam số 75/2015/QH13": a law's name between
# the kind and "số"; it never crosses another item (", Luật …") or a clause.
_LAW_NAME = r"(?:(?!,\s*\p{Lu}|\s(?:số|ngày|của|và|đã|được|theo)\s)[^\n;:()“”\"])"
# Symbols are found first (a cheap scan: they start with a digit); the kind
# phrase before each is then matched backwards from the symbol, so the big
# kind alternation runs on a short window instead of at every position.
_BEFORE_LAW = rf"{B}(?P<lkind>{_LAW_HEAD})\s+(?P<lname>\p{{Lu}}{_LAW_NAME}{{1,100}}?)\s+(?i:số)\s*:?\s*"
_BEFORE_KIND = rf"{B}(?P<kind>{KIND})\s+(?:(?i:số)\s*:?\s*)?"
_BEFORE_SO = rf"{B}(?P<so>(?i:số))\s*:?\s*"
RE_BEFORE = regex.compile(rf"(?r)(?:{_BEFORE_LAW}|{_BEFORE_KIND}|{_BEFORE_SO})\Z", regex.V1)
# The law branch, a lazy name read backwards, costs four times the others
# together, and a window holds a law kind (its last word: "Luật", "luật",
# "lệnh") once in a dozen: elsewhere RE_BEFORE is tried without it.  The
# branch's groups stay, never matched, for the code that reads them.
_LAW_WORDS = tuple(sorted({k.split()[-1] for k in LAW_KINDS}))
RE_BEFORE_NO_LAW = regex.compile(
    rf"(?r)(?:(?P<lkind>(?!))(?P<lname>)|{_BEFORE_KIND}|{_BEFORE_SO})\Z", regex.V1)
RE_SYM = regex.compile(SYMBOL, regex.V1)
# Where a symbol can start (a superset, found by a C-speed scan; RE_SYM is
# then tried only there): the start of a run of at most five digits, then a
# dash and a capital, a slash and a capital or a year and a slash, or spaces
# and a code and a slash (spaces and one line break around the dash or
# slash).  A capital is A-Z or non-ASCII (a superset of \p{Lu}); a code's
# characters A-Z, a-z, 0-9, "&" or non-ASCII (a superset of CODE's
# [\p{Lu}\d&] and its one [a-z]); a digit is \d or astral (the regex module
# knows digits newer than Python's Unicode tables).  Before the run, a stdlib
# \d, an ASCII letter or one of "./,-" rules it out (NUM's look-behind: the
# year of "93/2021/NĐ-CP", the month and year of "12/7/2021").  The
# look-behind follows the first digit so that the scan can skip ahead to
# digits; one character is consumed, so no candidate hides another.  The
# stdlib digits are spelled out (_DECIMAL).  About 60 % of the looser
# trigger's candidates (a year before a table cell, "2025 đã", dates) were no
# symbol, each a failed RE_SYM.match.
_DECIMAL = _spelled_out(r"\d")
_TD = rf"[{_DECIMAL}\U00010000-\U0010ffff]"
_TUP = r"(?:[A-Z]|[^\x00-\x7f])"
_TCODE = r"(?:[A-Za-z0-9&]|[^\x00-\x7f])"
_TWS = r"[ \t]*(?:\n[ \t]*)?"
RE_SYM_TRIGGER = re.compile(
    rf"{_TD}(?<![\d./,\-A-Za-z].)(?={_TD}{{0,4}}"
    rf"(?:{_TWS}(?:-{_TWS}{_TUP}|/{_TWS}(?:{_TUP}|(?:19|20){_TD}{_TD}{_TWS}/))|[ \t]+{_TUP}{_TCODE}*{_TWS}/))"
)
BEFORE_WINDOW = 160
# ``|(?!)`` (a branch that never matches) hides the literal from the regex
# module's "required string" check: when a pattern opens with ``\s*`` and then
# needs a literal, a failed ``match`` otherwise scans the whole rest of the
# text for that literal — O(len(text)) per call, once per symbol.
RE_AFTER_DATE = regex.compile(rf"\s*,?\s*\(?\s*(?:ban\s+hành\s+)?(?:(?i:ngày)|(?!))\s+(?:{DATE})\)?", regex.V1)
RE_AFTER_ISSUER = regex.compile(
    rf"\s*,?\s*(?:(?P<cua>(?i:của))\s+(?:{HOI_NGHI})?|(?={HOI_NGHI}){HOI_NGHI})(?P<issuer>{ISSUER})", regex.V1
)
RE_AFTER_TERM = regex.compile(TERM, regex.V1)
# A title runs to the end of the clause; a line break followed by a
# lower-case word is hard wrapping, not an end.
# Evaluated just after a line break: the clause goes on when the next line
# starts in lower case, or when the broken line is long and unpunctuated
# (pdftotext / hard-wrapped paragraphs).
_CONT = r"(?:(?=[ \t]*[\p{Ll}\d“\"(])|(?<=[^\n]{50}[^\s.;:!?]\n)(?=[ \t]*\p{Lu}))"
_LINE = rf"(?:[^;\n\t]|\n{_CONT})"
_TITLE_END = rf"(?=[ \t]*(?:;|\t|\.(?:\s|$)|\((?:sau\s+đây|gọi\s+tắt)|$|\n(?!{_CONT})))"
RE_AFTER_TITLE = regex.compile(
    rf"\s*[,:]?\s*(?:(?i:về\s+việc|về|V/v)\s+(?P<title>{_LINE}{{3,300}}?){_TITLE_END}"
    r"|[*\s]*[“\"](?P<quoted>[^”\"]{3,300})[”\"])",
    regex.V1,
)
# RE_AFTER_TITLE tries the end of a title after each of its characters, which
# costs more than the rest of a reference's context.  The end can hold only
# before a blank, ";", ".", "(", a line break or the end of the text
# (_TITLE_END: keep _TITLE_RUN in step with it), so this copy reads the
# characters between those in runs and tries the end only there.  A run
# also takes the spaces between words: spaces followed by none of those
# characters cannot start an end (its blanks would reach that character),
# so a run of words is read in one step instead of one per word.  It has no
# 300-character cap: where it finds a title of at most 300 characters,
# RE_AFTER_TITLE finds the same match (the same first end); where it finds a
# longer one, RE_AFTER_TITLE decides (see :func:`_title_after`).
# A run is the longest stretch of those characters and spaces that ends in
# one of them (spaces before none of them are left out), read by one atomic
# class repeat: the same stretch as ``(?:[^;\n\t .(]| ++(?=[^;\n\t .( ]))++``
# (_TITLE_RUN_BY_CHARACTER), which the regex module reads a character at a
# time, an iteration of a repeated group costing ~0.3 µs (~5x slower).
_TITLE_RUN_BY_CHARACTER = r"(?:[^;\n\t .(]| ++(?=[^;\n\t .( ]))++"
_TITLE_RUN = r"(?>[^;\n\t.(]*[^;\n\t .(])"
RE_AFTER_TITLE_RUNS = regex.compile(
    rf"\s*[,:]?\s*(?:(?i:về\s+việc|về|V/v)\s+(?P<title>{_LINE}{{3}}(?:{_TITLE_RUN}|{_LINE})*?){_TITLE_END}"
    r"|[*\s]*[“\"](?P<quoted>[^”\"]{3,300})[”\"])",
    regex.V1,
)
# A header number line "Số: 165/KH-UBND" identifies the document itself.
RE_HEADER_SO = regex.compile(r"(?:^|\n)[ \t]*\**[ \t]*$", regex.V1)
RE_ANNEX_CAPTION = regex.compile(r"(?:^|\n)[ \t]*[(\[]?[ \t]*(?:(?i:ban\s+hành\s+)?(?i:kèm\s+theo))\s+$", regex.V1)

# --- named references ----------------------------------------------------------

_NSTOP = (
    r"(?:số|ngày|đã|được|theo|về|trong|để|nhằm|tại|với|của|quy\s+định|hiện\s+hành|sửa\s+đổi|thì|các|những|"
    r"và(?=\s+(?:\p{Lu}|quy|hướng|văn|các|những))|cho|đối|trên|là|nay|này|ban\s+hành|hướng\s+dẫn)" + E
)
_NTOK = rf"(?!{_NSTOP})[^\s,;.:()\[\]“”\"*]+"
_NSEP = rf"(?:\s+(?:và\s+(?=\p{{Ll}})(?!{_NSTOP}))?|,\s+(?=\p{{Ll}}))"
_NSEP_NOCOMMA = rf"(?:\s+(?:và\s+(?=\p{{Ll}})(?!{_NSTOP}))?)"
# A capitalised name may go on after a comma ("Luật Thi đua, khen thưởng"); a
# lower-case one ("Luật thực hiện dân chủ ở cơ sở") may not, it is too weak.
LAW_NAME = (
    rf"(?P<lawname>(?=\p{{Lu}}){_NTOK}(?:{_NSEP}{_NTOK}){{0,11}}"
    rf"|(?!(?:định|sư|gia|lệ|pháp){E})(?=\p{{Ll}}\S*\s+\p{{Ll}}){_NTOK}(?:{_NSEP_NOCOMMA}{_NTOK}){{1,11}})"
)
ORD = rf"(?:{ROMAN}|\d{{1,2}})"
ORD_WORDS = {
    "nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "mười ba": 13, "mười bốn": 14,
    "mười lăm": 15,
}
ORD_WORD = _alt(ORD_WORDS)
RE_NAMED = regex.compile(
    # Hiến pháp (nước …) (năm) 2013
    rf"{B}(?P<constitution>Hiến\s+pháp(?:\s+nước\s+Cộng\s+hòa\s+xã\s+hội\s+chủ\s+nghĩa\s+Việt\s+Nam)?)"
    rf"(?:\s*\(?\s*(?:năm\s+)?(?P<cyear>(?:19|20)\d\d)\)?)?{E}"
    # Luật / Bộ luật / Pháp lệnh <Name> (năm 2025) (sửa đổi)
    rf"|(?<!(?:Hội|Đoàn|theo|pháp)\s+){B}(?P<law>{_alt(NAMED_HEADS['law'])})\s+{LAW_NAME}"
    rf"(?:\s+năm\s+(?P<lyear>(?:19|20)\d\d))?(?P<amended>\s*\(sửa\s+đổi(?:,\s*bổ\s+sung)?\))?{E}"
    # Điều lệ <Organisation>
    rf"|{B}(?P<charter>Điều\s+lệ)\s+(?P<org>(?=\p{{Lu}}){_NTOK}(?:\s+(?!và{E}|các{E}){_NTOK}){{0,9}})"
    # Cương lĩnh <description>
    rf"|{B}(?P<platform>Cương\s+lĩnh)\s+(?P<pdesc>[^\n,;.()“”\"]{{5,150}}?)(?=\s*[\n,;.()“”\"]|\s+và\s|$)"
    # Văn kiện / Nghị quyết Đại hội <body> lần thứ XII, XIII (của Đảng)
    rf"|{B}(?P<chead>Văn\s+kiện|Nghị\s+quyết)\s+Đại\s+hội\s+"
    rf"(?:(?P<cord0>{ROMAN}){E}|(?P<cbody>(?:(?!lần\s+thứ|nhiệm\s+kỳ)[^\s,;.()])+(?:\s+(?!lần\s+thứ|nhiệm\s+kỳ|của\s+Đảng{E})[^\s,;.()]+){{0,8}}?)"
    rf"\s*,?\s*(?:lần\s+thứ\s+(?P<cords>{ORD}(?:\s*,\s*(?:lần\s+thứ\s+)?{ORD}{E})*)|(?P<cord1>{ROMAN}){E}"
    rf"|(?P<cterm>nhiệm\s+kỳ\s+(?:19|20)\d\d\s*-\s*(?:19|20)\d\d)))"
    rf"(?P<cparty>\s+của\s+Đảng{E}(?!\s+bộ))?"
    # Nghị quyết Trung ương 6 (khóa XII) · Nghị quyết Hội nghị lần thứ tư của BCH Trung ương Đảng (khóa XII)
    rf"|{B}(?P<plenum>Nghị\s+quyết)\s+(?:Hội\s+nghị\s+)?(?:Trung\s+ương\s+(?P<pn>\d{{1,2}}|{ORD_WORD}){E}"
    rf"|(?:lần\s+thứ\s+)?(?P<pn2>\d{{1,2}}|{ORD_WORD})\s+(?:của\s+)?(?:BCH|Ban\s+Chấp\s+hành)\s+Trung\s+ương(?:\s+Đảng)?)"
    rf"(?:\s*\(?\s*(?i:khóa)\s+(?P<pterms>{ROMAN}(?:\s*,\s*(?:(?i:khóa)\s+)?{ROMAN})*){E}\s*\)?)?"
    # ban hành / thực hiện Quy chế <description>
    rf"|(?<=(?:ban\s+hành|thực\s+hiện(?:\s+(?:tốt|nghiêm))?|triển\s+khai|theo|;)\s+)"
    rf"(?P<issued>{_alt(NAMED_HEADS['issued'])})\s+(?!số{E})(?P<idesc>\p{{Ll}}[^;.\n()“”\"]{{5,200}}?)"
    rf"(?=\s*(?:[;.\n()“”\"]|$)|\s+(?:ban\s+hành|kèm\s+theo|theo|tại|nhằm|để)\s)"
    # Đề án của <body> về … · Chương trình hành động của <body> thực hiện …
    rf"|(?<!(?i:các|những)\s+){B}(?P<bybody>{_alt(NAMED_HEADS['by_body'])})\s+của\s+(?P<bbody>{ISSUER})"
    rf"(?=\s+(?:về|thực\s+hiện|năm|giai\s+đoạn|nhiệm\s+kỳ)\s)"
    # Chương trình phối hợp “<title>”
    rf"|{B}(?P<quoted>{_alt(NAMED_HEADS['quoted'])})\s+[*\s]*“(?P<qtitle>[^”\n]{{5,250}})”",
    regex.V1,
)


# What follows a head's second word in its branches, where that rules much
# out: "Nghị quyết" of a congress or a plenum goes on with "Đại hội", "Hội
# nghị", "Trung ương", "lần thứ", a number or an ordinal word (its by_body
# piece needs "của").  Nearly half of the trigger's candidates were "Nghị
# quyết" in other uses ("Nghị quyết số …", "Nghị quyết này"), each a failed
# RE_NAMED.match.  A digit is a stdlib digit or astral (_TD).
_HEAD_NEXT = {
    "Nghị quyết": rf"\s+(?:Đại|Hội|Trung|lần|{_TD}|{'|'.join(sorted({w.split()[0] for w in ORD_WORDS}))})",
}


def _named_trigger() -> re.Pattern:
    """Where RE_NAMED can start (a superset): every branch starts at its head
    (the look-behinds are zero-width), and a head must be followed by what its
    branch requires: "của" for a by_body head, a quote for a quoted one; the
    others by their second word (and by _HEAD_NEXT).  The trigger consumes
    only the head's first word, capitalised with no capital inside, so no
    candidate hides another.  ``\\s`` of the stdlib is a superset of the regex
    module's."""
    heads = {(h, shape) for shape, hs in NAMED_HEADS.items() for h in hs}
    heads |= {(h, "") for h in ("Hiến pháp", "Điều lệ", "Cương lĩnh", "Văn kiện", "Nghị quyết", *NAMED_HEADS["law"])}
    pieces = set()
    for head, shape in heads:
        first, *rest = head.split()
        if shape == "by_body":
            follow = [r"\s+" + re.escape(w) for w in rest] + [r"\s+của\s"]
        elif shape == "quoted":
            follow = [r"\s+" + re.escape(w) for w in rest] + [r"\s+[*\s]*“"]
        else:
            follow = [r"\s+" + re.escape(w) for w in rest[:1]] + ([_HEAD_NEXT[head]] if head in _HEAD_NEXT else [])
        pieces.add(re.escape(first) + (f"(?={''.join(follow)})" if follow else ""))
    return re.compile("|".join(sorted(pieces)))


RE_NAMED_TRIGGER = _named_trigger()
RE_SELF_VERB = regex.compile(r"(?:xây\s+dựng|ban\s+hành|kèm\s+theo)\s+\Z", regex.V1 | regex.I)
RE_BYBODY_TAIL = regex.compile(
    rf"\s+(?P<tail>năm\s+(?:19|20)\d\d|(?:về|thực\s+hiện)\s+(?:[^;.\n,()]|\n(?=[ \t]*\p{{Ll}})){{3,160}}?)"
    r"(?=\s*[;.\n,()]|$)", regex.V1
)

# --- sentence and role ---------------------------------------------------------

# Sentence starts: a blank line, a full stop before a capital, a list item,
# a line after closing punctuation, or a line opened by "Căn cứ"/"Thực hiện".
# A bare line break before a capital is not one: hard-wrapped text has them
# mid-sentence ("…, Luật số 43/2024/QH15 và\nLuật số 56/2024/QH15").
#
# The break positions are the match ends of one pattern:
#   \n[ \t]*\n | [.!?](?=\s+[\p{Lu}\d(\-]) | \n(?=<list item or Căn cứ>) | (?<=[.:!?])[ \t]*\n
# It is split in two for speed, with the same ends.  The full stop branch
# consumes just its punctuation mark, which no other branch can start at or
# contain, so it runs on its own (RE_STOP_BREAK).  The others all hold a line
# break and are rewritten to start at it (RE_LINE_BREAK): a punctuation mark
# and spaces before a line break end a sentence there (the spaces can start
# nothing else), and take precedence over a blank line; a mark right before
# the line break comes after the blank line and the list item, as in the
# original order.  Scanning for "\n" is ~4x faster than trying a look-behind
# at every position.
RE_STOP_BREAK = regex.compile(r"[.!?](?=\s+[\p{Lu}\d(\-])", regex.V1)
# RE_STOP_BREAK as one pattern per mark.  A scan led by a character set tests
# every character of the text (~4x slower than one led by a literal, which
# jumps from one occurrence to the next); its matches are single marks, so
# the three scans together find the same places (sorted afterwards anyway).
RE_STOP_BREAKS = tuple(regex.compile(regex.escape(mark) + RE_STOP_BREAK.pattern[len("[.!?]"):], regex.V1)
                       for mark in ".!?")
assert RE_STOP_BREAK.pattern.startswith("[.!?](?=")
RE_LINE_BREAK = regex.compile(
    r"\n(?:(?<=[.:!?][ \t]+\n)|[ \t]*\n|(?=[ \t]*(?:[-+•]|\(?\d+[.)]|[a-zđ]\)|\*?(?:Căn\s+cứ|Thực\s+hiện)))"
    r"|(?<=[.:!?]\n))", regex.V1
)
# "Thực hiện" opens a basis only when a document follows it at once
# ("Thực hiện Chỉ thị số …"); "Thực hiện kiện toàn …" is an instruction.
RE_OPENS_BASIS = regex.compile(
    rf"[\s\-+•*(\d.)]*(?:[a-zđ]\)\s*)?(?:(?i:căn\s+cứ){E}|(?i:thực\s+hiện)\s+(?={KIND}{E}|Hiến\s+pháp|Điều\s+lệ))",
    regex.V1,
)
RE_BASIS_TITLE = regex.compile(r"^\W*(?:căn\s+cứ|cơ\s+sở)|căn\s+cứ", regex.I | regex.V1)
_WS = regex.compile(r"\s+")

# --- groups by number ------------------------------------------------------------
# The regex module looks a group name up in a fresh copy of the pattern's group
# table on every call (``m.group("kind")``, ``m.start("so")``): ~4x the cost of
# a number.  The code below reads groups by these numbers, found once.
_BEFORE_GROUPS = tuple(RE_BEFORE.groupindex[n] for n in ("kind", "lkind", "lname", "so"))
assert _BEFORE_GROUPS == tuple(RE_BEFORE_NO_LAW.groupindex[n] for n in ("kind", "lkind", "lname", "so"))
_SO = _BEFORE_GROUPS[3]
_DATE_GROUPS = tuple(RE_AFTER_DATE.groupindex[n] for n in ("d", "m", "y", "d2", "m2", "y2"))
_ISSUER = RE_AFTER_ISSUER.groupindex["issuer"]
_TERM = RE_AFTER_TERM.groupindex["term"]
_TITLE_GROUPS = tuple(RE_AFTER_TITLE_RUNS.groupindex[n] for n in ("title", "quoted"))
assert _TITLE_GROUPS == tuple(RE_AFTER_TITLE.groupindex[n] for n in ("title", "quoted"))
_NAMED_GROUPS = dict(RE_NAMED.groupindex)


def _scan(pattern: regex.Pattern, trigger: re.Pattern, text: str):
    """``pattern.finditer(text)``, trying ``pattern`` only where ``trigger`` matches.

    ``trigger`` must match at (or consume from) every position where
    ``pattern`` can start; none of the patterns matches the empty string.
    Skipping the other positions yields exactly the matches of ``finditer``.
    """
    last_end = 0
    match = pattern.match
    for t in trigger.finditer(text):
        s = t.start()
        if s < last_end:
            continue
        m = match(text, s)
        if m:
            last_end = m.end()
            yield m


def _kind_before(text: str, start: int) -> regex.Match | None:
    """``RE_BEFORE.search`` of the window before a symbol starting at ``start``,
    without the law branch where the window holds no law kind (RE_BEFORE_NO_LAW)."""
    lo = max(0, start - BEFORE_WINDOW)
    law = any(text.find(w, lo, start) >= 0 for w in _LAW_WORDS)
    return (RE_BEFORE if law else RE_BEFORE_NO_LAW).search(text, lo, start)


def _title_after(text: str, pos: int) -> regex.Match | None:
    """``RE_AFTER_TITLE.match(text, pos)``, by RE_AFTER_TITLE_RUNS where its title is short enough.

    >>> _title_after("về việc ban hành Quy chế; và", 0).group("title")
    'ban hành Quy chế'
    """
    m = RE_AFTER_TITLE_RUNS.match(text, pos)
    title = m.group(_TITLE_GROUPS[0]) if m else None
    if title is not None and len(title) > 300:
        return RE_AFTER_TITLE.match(text, pos)
    return m


def _iso(m: regex.Match) -> str | None:
    """The date of a RE_AFTER_DATE match ("12/12/2013" or "12 tháng 12 năm 2013")."""
    d, mo, y, d2, mo2, y2 = m.group(*_DATE_GROUPS)
    return _iso_date(y, mo, d) if d else _iso_date(y2, mo2, d2)


@lru_cache(maxsize=4096)
def _iso_date(y: str, mo: str, d: str) -> str | None:
    """"2013-12-12", or None for no such day; kept (documents cite the same few dates again and again)."""
    try:
        return _date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def _clean(s: str) -> str:
    # Every \s character but the space is non-printable: a printable string
    # without a double space has nothing for the substitution to change.
    if not s.isprintable() or "  " in s:
        s = _WS.sub(" ", s)
    return s.strip(" ,;:*")


RE_ROMAN = regex.compile(ROMAN + E)
RE_DIGITS_1_2 = regex.compile(r"\d{1,2}")
RE_TERM_IN_NAME = regex.compile(r"khóa\s+(" + ROMAN + ")")
RE_SELF_AFTER = regex.compile(r"\s*(?:này|nêu trên)" + E)


def _roman_list(s: str) -> list[str]:
    return RE_ROMAN.findall(s) if s else []


class _Context:
    """Per-document lookups: sentence starts, basis sections, own symbols."""

    def __init__(self, doc: Document):
        self.doc = doc
        text = doc.text
        self.breaks = sorted([m.end() for rx in RE_STOP_BREAKS for m in rx.finditer(text)]
                             + [m.end() for m in RE_LINE_BREAK.finditer(text)])
        self._basis: dict[int, bool] = {}  # id(section) → under a basis heading
        self._opens: dict[int, bool] = {}  # sentence start → RE_OPENS_BASIS matches there
        self.by_id = {s.id: s for s in doc.sections}

    def sentence_start(self, pos: int) -> int:
        i = bisect_right(self.breaks, pos) - 1
        return self.breaks[i] if i >= 0 else 0

    def role(self, pos: int) -> str:
        s = self.sentence_start(pos)  # (never past ``pos``)
        # the references of a list of bases share their sentence: it is read once
        if s not in self._opens:
            self._opens[s] = RE_OPENS_BASIS.match(self.doc.text, s) is not None
        if self._opens[s]:
            return "căn cứ"
        sec = self.doc.section_of(pos)
        key = id(sec)
        if key not in self._basis:  # the same for every position of a section
            self._basis[key] = self._basis_section(sec)
        return "căn cứ" if self._basis[key] else "dẫn chiếu"

    def _basis_section(self, sec) -> bool:
        titles = []
        while sec is not None:
            titles.append(sec.title)
            sec = self.by_id.get(sec.parent) if sec.parent else None
        for i, t in enumerate(titles):
            if len(t) > 90 or t.endswith("…"):
                continue  # a numbered paragraph, not a heading
            m = RE_BASIS_TITLE.search(t)
            if m and (i == 0 or m.start() == 0 or t[: m.start()].strip(" .-*") == ""):
                return True
        return False


def _own_symbol(doc: Document) -> str:
    sym = doc.metadata.symbol.value if doc.metadata and doc.metadata.symbol else None
    return sym or ""


def find_citations(doc: Document) -> list[Citation]:
    """Every numbered and named reference in ``doc``, in text order.

    >>> from extractors.document import Document
    >>> d = Document.from_text("Căn cứ Quyết định số 217-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị (khóa XI) về việc ban hành Quy chế.")
    >>> c = find_citations(d)[0]
    >>> (c.symbol, c.date, c.issuer, c.term, c.role)
    ('217-QĐ/TW', '2013-12-12', 'Bộ Chính trị', 'XI', 'căn cứ')
    """
    text = doc.text
    ctx = _Context(doc)
    own = {_own_symbol(doc)} - {""}
    found: list[tuple[Citation, bool]] = []  # (citation, is annex caption)
    spans: list[tuple[int, int]] = []
    for m in _scan(RE_SYM, RE_SYM_TRIGGER, text):
        sym = symbol_from_match(m)
        m_start, m_end = m.span()
        k = _kind_before(text, m_start)
        k_kind, k_lkind, k_lname, k_so = k.group(*_BEFORE_GROUPS) if k else (None, None, None, None)
        kind_written = k_kind or k_lkind
        if sym.single_code and not kind_written:
            continue  # "5/TTr" alone is too weak; after a kind word it is a symbol
        start = k.start() if kind_written else m_start
        if not kind_written:
            # the number line of the document's own header: "Số: 165/KH-UBND"
            so_start = k.start(_SO) if k_so else m_start
            # (the cheap test first: most symbols lie past the header, after a lower-case "số")
            if (k_so and k_so[0] == "S" or so_start < 3000) and RE_HEADER_SO.search(
                text, max(0, so_start - 200), so_start
            ):
                own.add(sym.symbol)
                continue
        if k_lkind:
            kind = ALIAS_KINDS.get(_clean(k_lkind).lower(), k_lkind)
        elif kind_written:
            kind = ALIAS_KINDS.get(_clean(k_kind).lower(), _clean(k_kind))
        else:
            kind = CODE_KINDS.get((sym.type_code.upper(), sym.form), "")
        # context after the symbol
        pos = m_end
        date_iso = None
        issuer = term = title = ""
        d = RE_AFTER_DATE.match(text, pos)
        if d:
            date_iso, pos = _iso(d), d.end()
        i = RE_AFTER_ISSUER.match(text, pos)
        if i:
            issuer, pos = _clean(i.group(_ISSUER)), i.end()
            t = RE_AFTER_TERM.match(text, pos)
            if t:
                term, pos = t.group(_TERM), t.end()
            if date_iso is None:
                d = RE_AFTER_DATE.match(text, pos)
                if d:
                    date_iso, pos = _iso(d), d.end()
        else:  # "Quyết định số 217-QĐ/TW (khóa XI)" without an issuer
            t = RE_AFTER_TERM.match(text, pos)
            if t:
                term, pos = t.group(_TERM), t.end()
        ti = _title_after(text, pos)
        if ti:
            title_g, quoted_g = ti.group(*_TITLE_GROUPS)
            title = _clean(title_g or quoted_g or "")
        elif kind_written and k_lname:
            title = f"{kind} {_clean(k_lname)}"
        lo, hi, raw = doc.evidence(start, m_end)
        caption = bool(RE_ANNEX_CAPTION.search(text, max(0, start - 200), start))
        if caption:
            own.add(sym.symbol)
        found.append((Citation(
            doc_id=doc.doc_id, text=raw, start=lo, end=hi, kind=kind, number=sym.number, symbol=sym.symbol,
            type_code=sym.type_code, issuer_code=sym.issuer_code, year=sym.year, date=date_iso, issuer=issuer,
            term=term, title=title, role=ctx.role(start), section=doc.section_at(start), scope=sym.scope,
        ), caption))
        spans.append((start, m_end))

    out = []
    for c, caption in found:
        if caption or c.symbol in own:
            c = replace(c, self=True)
        out.append(c)
    out.extend(_named(doc, ctx, spans))
    out.sort(key=lambda c: (c.start, c.end))
    return out


class _Spans:
    """Overlap test against the numbered references, in O(log n) per query.

    Their ends increase (symbols are found left to right, without overlap);
    their starts (the kind phrase before a symbol) need not, hence the
    minimum start of every suffix.  Named references never overlap each other
    (one left-to-right scan), so only the numbered ones need testing.
    """

    def __init__(self, spans: list[tuple[int, int]]):
        self.ends = [e for _, e in spans]
        self.min_start = [s for s, _ in spans]
        for i in range(len(spans) - 2, -1, -1):
            self.min_start[i] = min(self.min_start[i], self.min_start[i + 1])

    def overlaps(self, a: int, b: int) -> bool:
        """Whether some span (s, e) has s < b and a < e."""
        i = bisect_right(self.ends, a)
        return i < len(self.ends) and self.min_start[i] < b


def _named(doc: Document, ctx: _Context, numbered: list[tuple[int, int]]) -> list[Citation]:
    text = doc.text
    taken = _Spans(numbered)
    out: list[Citation] = []
    own_kind = doc.metadata.kind.value if doc.metadata and doc.metadata.kind else None
    N = _NAMED_GROUPS  # groups by number (see _NAMED_GROUPS)
    for m in _scan(RE_NAMED, RE_NAMED_TRIGGER, text):
        g = m.group
        a, b = m.span()
        if taken.overlaps(a, b):
            continue
        after = text[b : b + 12]
        if RE_SELF_AFTER.match(after):
            continue  # "Nghị quyết này" is the document itself
        names: list[str] = []
        kind = ""
        term = ""
        issuer = ""
        if g(N["constitution"]):
            kind = "Hiến pháp"
            names = ["Hiến pháp" + (f" {g(N['cyear'])}" if g(N["cyear"]) else "")]
        elif g(N["law"]):
            kind = _clean(g(N["law"]))
            name = f"{kind} {_clean(g(N['lawname']))}"
            if g(N["lyear"]):
                name += f" năm {g(N['lyear'])}"
            if g(N["amended"]):
                name += " (sửa đổi)"
            names = [name]
        elif g(N["charter"]):
            kind = "Điều lệ"
            names = [f"Điều lệ {_clean(g(N['org']))}"]
        elif g(N["platform"]):
            kind = "Cương lĩnh"
            names = [f"Cương lĩnh {_clean(g(N['pdesc']))}"]
        elif g(N["chead"]):
            kind = "Văn kiện" if g(N["chead"]).startswith("V") else "Nghị quyết"
            body = _clean(g(N["cbody"]) or "")
            national = g(N["cparty"]) or body in ("", "Đảng", "đại biểu toàn quốc", "toàn quốc", "Đảng toàn quốc")
            if national and not body.startswith(("Đảng bộ", "đại biểu Đảng bộ")) and "MTTQ" not in body and "Mặt trận" not in body:
                body = "đại biểu toàn quốc"
                suffix = " của Đảng"
            else:
                suffix = ""
            ords = _roman_list(g(N["cords"]) or "") or RE_DIGITS_1_2.findall(g(N["cords"]) or "")
            ords = ords or [o for o in (g(N["cord0"]), g(N["cord1"])) if o]
            head = f"{kind} Đại hội {body}".strip()
            if ords:
                names = [f"{head} lần thứ {o}{suffix}" for o in ords]
            else:
                names = [f"{head} {_clean(g(N['cterm']))}{suffix}".replace(" - ", "-")]
        elif g(N["plenum"]):
            kind = "Nghị quyết"
            n = g(N["pn"]) or g(N["pn2"])
            n = str(ORD_WORDS.get(_clean(n).lower(), n))
            terms = _roman_list(g(N["pterms"]) or "")
            names = [f"Nghị quyết Trung ương {n} (khóa {t})" for t in terms] or [f"Nghị quyết Trung ương {n}"]
            issuer = "Ban Chấp hành Trung ương Đảng"
        elif g(N["issued"]):
            kind = _clean(g(N["issued"]))
            names = [f"{kind} {_clean(g(N['idesc']))}"]
        elif g(N["bybody"]):
            kind = ALIAS_KINDS.get(_clean(g(N["bybody"])).lower(), _clean(g(N["bybody"])))
            issuer = _clean(g(N["bbody"]))
            name = f"{_clean(g(N['bybody']))} của {issuer}"
            t = RE_BYBODY_TAIL.match(text, b)
            if t:
                name += " " + _clean(t.group("tail"))
            names = [name]
        elif g(N["quoted"]):
            kind = ALIAS_KINDS.get(_clean(g(N["quoted"])).lower(), _clean(g(N["quoted"])))
            names = [f"{_clean(g(N['quoted']))} “{_clean(g(N['qtitle']))}”"]
        if not names:
            continue
        # "… xây dựng Đề án “…” như sau": the document names itself
        is_self = kind == own_kind and bool(RE_SELF_VERB.search(text, max(0, a - 40), a))
        lo, hi, raw = doc.evidence(a, b)
        role, section = ctx.role(a), doc.section_at(a)
        for name in names:
            tm = RE_TERM_IN_NAME.search(name)
            out.append(Citation(
                doc_id=doc.doc_id, text=raw, start=lo, end=hi, kind=kind, issuer=issuer,
                term=tm.group(1) if tm else term, role=role, section=section, named=True, name=name,
                scope="national" if kind in ("Hiến pháp", "Luật", "Bộ luật", "Pháp lệnh") else "", self=is_self,
            ))
    return out
