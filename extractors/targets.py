"""targets: quantified goals (targets) and reported achievements (results).

A *quantity* is a number with a unit ("03 cuộc", "76,1%", "45-90 buổi",
"ít nhất một mô hình") optionally led by a comparator ("ít nhất", "trên",
"từ … trở lên", "không quá" …).  Each quantity becomes a :class:`Target`
frame; the words around it give the indicator, actor, level, frequency,
deadline and aspiration.  Whether a frame is a *target* or a *result*
is decided by the section it sits in (mục tiêu / nhiệm vụ vs thực trạng /
kết quả) and, outside those, by tense and modality ("đã" vs "phấn đấu").

Scopes follow how these documents are written:

* a marker at the head of a sentence ("Hằng năm, …", "Đến năm 2030, …",
  "Phấn đấu …") governs the whole sentence; one inside a ``;``-clause
  governs only that clause; a marker heading a bullet whose first sentence
  states a goal carries into the bullet's later sentences;
* a heading ("Mục tiêu hằng năm", "… giai đoạn 2025-2030") governs its body;
* a comparator governs coordinated objects that follow without a new verb
  ("ít nhất 03 cuộc giám sát, 02 cuộc phản biện" → both ≥).

>>> from extractors.document import Document
>>> doc = Document.from_text("I. MỤC TIÊU\\n\\nHằng năm, MTTQ cấp xã tổ chức ít nhất 03 cuộc giám sát, 02 cuộc phản biện xã hội.")
>>> [(t.comparator, t.value_min, t.unit, t.frequency, t.level) for t in find_targets(doc)[0]]
[('>=', 3.0, 'cuộc', 'yearly', 'xã'), ('>=', 2.0, 'cuộc', 'yearly', 'xã')]
"""
from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from .document import Document
from .records import Record, record_maker
from .tables import parse_vn_number

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Target(Record):
    """One quantified goal or achievement, with raw offsets (``raw[start:end] == text``)."""

    doc_id: str
    text: str
    start: int
    end: int
    kind: str = "target"  # "target" | "result"
    section: str = ""
    comparator: str = "="  # ">=", ">", "=", "<=", "<"
    value_min: float = 0.0
    value_max: float = 0.0
    unit: str = ""
    indicator: str = ""
    actor: str = ""
    level: str = ""  # tỉnh | huyện | xã | thôn | "" (unnamed or several)
    frequency: str = ""  # yearly | semiannual | quarterly | monthly | ""
    deadline: str = ""  # "2030", "2025/2030"
    aspiration: bool = False
    parent: int | None = None  # index, in the same list, of the enclosing frame
    topics: tuple[str, ...] = ()
    source: str = "prose"  # "prose" | "table"


# ``Target(*values)`` (every field given, in field order) made by setting its slots
# (see records.record_maker).
_new_target = record_maker(Target)


# --- tone-insensitive folding (same length, so positions carry over) ---------

def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


_FOLD = {i: _fold_char(chr(i)) for i in range(0xC0, 0x1F00) if _fold_char(chr(i)) != chr(i)}
# the same mapping as a string indexed by code point (``str.translate`` looks a string
# up ~2x faster than a dict); code points past its end raise IndexError: left as they
# are.  It spans the whole BMP (the rest unchanged), so that quotes, dashes and the like
# (U+2000…) are not looked up through an exception
_FOLD_TABLE = "".join(_FOLD.get(i, chr(i)) for i in range(0x1F00)) + "".join(map(chr, range(0x1F00, 0x10000)))


# ``str.translate`` looks each non-ASCII character up through a Python call (~20 ns a
# character).  For a long text written with ASCII, the Vietnamese letters and common
# marks only, the same folding is done by C codecs: the lower case is encoded in a
# one-byte code holding those characters (_FOLD_CODE: ASCII, then the others), the
# bytes are mapped to the bytes of their folds (_FOLD_BYTES, from _FOLD_TABLE), and
# decoded (~4x quicker).  A text with any other character is not encodable in that
# code and is translated as before.  (On short texts the three calls cost more.)
_FOLD_CODE_CHARS = ("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
                    "\xa0“”‘’–—…•·°×÷±²³¹½¼¾§«»©®™€")
# (the free places hold private-use characters, which fold to themselves)
_FOLD_CODE = "".join(map(chr, range(128))) + _FOLD_CODE_CHARS + "".join(
    chr(0xE000 + i) for i in range(128 - len(_FOLD_CODE_CHARS)))
assert len(_FOLD_CODE) == len(set(_FOLD_CODE)) == 256
_FOLD_ENCODING = codecs.charmap_build(_FOLD_CODE)
_FOLD_BYTES = bytes(_FOLD_CODE.index(_FOLD_TABLE[ord(c)] if ord(c) < len(_FOLD_TABLE) else c) for c in _FOLD_CODE)
_FOLD_BY_CODEC_FROM = 48  # characters


def fold(s: str) -> str:
    """Lower case without tones or đ, one character for one: ``fold("Hằng Năm") == "hang nam"``."""
    low = s.lower()
    if len(low) >= _FOLD_BY_CODEC_FROM:
        try:
            code = codecs.charmap_encode(low, "strict", _FOLD_ENCODING)[0]
        except UnicodeEncodeError:  # a character outside _FOLD_CODE
            pass
        else:
            return codecs.charmap_decode(code.translate(_FOLD_BYTES), "strict", _FOLD_CODE)[0]
    return low.translate(_FOLD_TABLE)


# --- the quantity grammar ----------------------------------------------------

# Count nouns that make a number a goal: activities, outputs, people, money,
# measures.  Longest first so "ngày hội" wins over "ngày", "tổ chức" over "tổ".
# Time words (năm, tháng, quý) are not units: "05 năm qua", "6 tháng/lần",
# "Kỷ niệm 70 năm" are background, and "cấp" ("2 cấp") is a name.
UNITS = sorted({
    "cuộc", "chương trình", "dự thảo", "văn bản", "mô hình", "hoạt động", "hội nghị", "hội thảo",
    "hội thi", "buổi", "lần", "lượt", "đợt", "hộ gia đình", "hộ", "ngày hội", "ngày", "việc làm",
    "công trình", "phần việc", "lớp", "người", "đảng viên", "hội viên", "đoàn viên", "cán bộ",
    "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "nội dung", "chuyên đề", "phong trào",
    "sáng kiến", "câu lạc bộ", "tổ chức", "tổ", "nhóm", "điểm", "kiến nghị", "ý kiến", "vụ việc",
    "khu dân cư", "thôn", "bản", "xã", "nhà", "căn nhà", "suất", "phần quà", "tin bài", "tin", "bài",
    "tác phẩm", "tài liệu", "đề án", "kế hoạch", "báo cáo", "dự án", "doanh nghiệp",
    "khu công nghiệp", "cụm công nghiệp", "khu", "cụm", "ha", "km", "tấn", "MW",
    "con/phụ nữ", "loại bệnh", "bệnh", "học viên", "lao động", "trẻ", "giờ", "chi hội", "chi đoàn",
    "cơ sở", "đơn vị", "trường", "giường bệnh", "bác sĩ",
}, key=len, reverse=True)
# Nouns of duration: "01 ngày/tháng" is an amount per month (unit "ngày/tháng");
# event nouns per period ("1 lần/năm") keep their own unit and give the frequency.
DURATION_UNITS = {"ngày", "giờ", "tuần"}
PERIOD_FREQ = {"năm": "yearly", "quý": "quarterly", "tháng": "monthly", "tuần": "weekly"}
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
                "chín": 9, "mười": 10}

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# "đồng chí" (comrade) is not money
_UNIT_ALT = "|".join(regex.escape(u) + (r"(?!\s+chí)" if u == "đồng" else "") for u in UNITS)
# Comparators are looked for just before a number (a pattern that starts with
# optional words would be tried at every position, which is slow).
RE_CMP_BEFORE = regex.compile(
    r"(?<!\p{L})(?P<cmp>ít nhất(?: là)?|tối thiểu(?: là)?|không (?:ít|thấp) hơn|không dưới|không quá|"
    r"không vượt quá|tối đa(?: là)?|trên|hơn|dưới|ít hơn|khoảng|gần|từ)\s+$",
    regex.IGNORECASE,
)
# where a quantity may start: a run of digits, or a number word in a paragraph
# with a strong comparator ("ít nhất một mô hình … và một công trình")
RE_DIGITS = regex.compile(r"\d[\d.,]*")
RE_WORD_NUMBER = regex.compile(r"(?<!\p{L})(?:" + "|".join(NUMBER_WORDS) + r")(?!\p{L})", regex.IGNORECASE)
STRONG_PHRASES = ("ít nhất", "tối thiểu", "không quá", "không vượt quá", "tối đa", "không dưới", "không ít hơn")
RE_STRONG = regex.compile("|".join(STRONG_PHRASES), regex.IGNORECASE)
RE_QTY = regex.compile(
    # a number is not part of a date (12/3), a code (02-ĐA) or a decimal
    r"(?:(?P<lo>(?<![\p{L}\p{N}.,/\-])(?:" + _NUM + r"))\s*(?:-|đến)\s*(?P<hi>(?:" + _NUM + r"))"
    r"|(?P<n>(?<![\p{L}\p{N}.,/\-“\"])(?:" + _NUM + r"))"
    r"|(?P<word>\b(?:" + "|".join(NUMBER_WORDS) + r")))"
    r"(?![\p{N}]|/\p{N}|-\p{L}|[.,]\p{N})"
    r"(?P<unit>\s?%|\s?(?:ha|km|MW)\b|\s+(?:" + _UNIT_ALT + r")(?![\p{L}\p{N}]))"
    r"(?P<rate>/(?:năm|quý|tháng|tuần|lần))?"
    r"(?P<up>\s+trở lên)?",
    # not V1: its full case folding only adds multi-letter folds (ß = ss, ﬁ = fi, …),
    # none of which spells any part of this pattern, and the pattern has no nested sets;
    # simple folding matches the same (checked over the corpora and a fuzz) ~1.7x faster
    regex.IGNORECASE,
)
# RE_QTY for a start at a digit, where _quantity_starts tries it (most of those places
# hold no quantity, and this fails there ~15% sooner), with the same groups:
# * no number word starts at a digit, so that branch fails at once (``(?!)``) instead of
#   trying ten words case-insensitively;
# * a number is matched atomically.  A number that stops short of what it can take is
#   followed by a digit, or by "." or "," and a digit (that is what it could have
#   taken), and every continuation rejects that: the look-ahead after a number, and the
#   blanks then "-" or "đến" after a range's first number.  The first way of _NUM that
#   matches is the only one that can lead to a match: when "1.000" matches, the other
#   way stops at "1", before ".0".  So giving digits back never finds a match.
_RE_WORD_BRANCH = r"|(?P<word>\b(?:" + "|".join(NUMBER_WORDS) + r")))"
# * the units are grouped by their first letter, ``c(?:uộc|hương trình|…)|k(?:hu|m|…)|…``,
#   so that a word which opens no unit (" của", " Công" after most numbers that get this
#   far) is rejected after a letter per group, not a letter per unit (~1.3x quicker
#   there).  The first letters of two groups differ case-insensitively (asserted), so
#   at a place the units of one group at most can match, and those are tried in the
#   order of UNITS, with the same continuations: the same unit wins.


def _units_by_first_letter(units: list[str]) -> str:
    """``_UNIT_ALT`` (the same alternatives, "đồng" with its look-ahead) grouped by first letter,
    groups in the order their first units come, units in the order of ``units``."""
    groups: dict[str, list[str]] = {}
    for u in units:
        groups.setdefault(u[0].lower(), []).append(u)
    firsts = list(groups)
    assert not any(regex.fullmatch(regex.escape(a), b, regex.IGNORECASE) for a in firsts for b in firsts if a != b)

    def alternative(u: str) -> str:  # one unit, less its first letter
        return regex.escape(u[1:]) + (r"(?!\s+chí)" if u == "đồng" else "")

    return "|".join(regex.escape(ws[0][0]) + "(?:" + "|".join(map(alternative, ws)) + ")" for ws in groups.values())


RE_QTY_AT_DIGIT = regex.compile(
    RE_QTY.pattern.replace(_RE_WORD_BRANCH, r"|(?P<word>(?!)))").replace("(?:" + _NUM + ")", "(?>" + _NUM + ")")
    .replace("(?:" + _UNIT_ALT + ")", "(?:" + _units_by_first_letter(UNITS) + ")"),
    regex.IGNORECASE,
)
assert RE_QTY_AT_DIGIT.pattern.count("(?>") == 3 and "(?P<word>(?!))" in RE_QTY_AT_DIGIT.pattern
assert _UNIT_ALT not in RE_QTY_AT_DIGIT.pattern
# "từ 90% khu dân cư trở lên": the closing "trở lên" may follow a short noun phrase
RE_YEAR = regex.compile(r"(?:19|20)\d\d")
RE_UP_LATER = regex.compile(r"^[^,;.()\n\t]{0,40}?\btrở lên\b")
COMPARATORS = {
    "ít nhất": ">=", "tối thiểu": ">=", "không ít hơn": ">=", "không thấp hơn": ">=", "không dưới": ">=",
    "không quá": "<=", "không vượt quá": "<=", "tối đa": "<=", "trên": ">", "hơn": ">", "dưới": "<",
    "ít hơn": "<", "khoảng": "=", "gần": "=", "từ": ">=",
}
STRONG_CMP = {"ít nhất", "tối thiểu", "không ít hơn", "không thấp hơn", "không dưới", "không quá",
              "không vượt quá", "tối đa"}
# words just before a number that make it a name or a reference, not a quantity
RE_BACKGROUND_BEFORE = regex.compile(
    r"(?:\bsố|\bthứ|\bĐiều|\bkhoản|\bđiểm|\bMục|\bPhần|\bQuý|\bquý|\bnăm|\bkhóa|\bnhiệm kỳ|\bgiai đoạn|"
    r"\bkỷ niệm|\bchương|\bBiểu|[“\"'])\s*$",
    regex.IGNORECASE,
)
RE_COORD_BEFORE = regex.compile(r"(?:[,;]|\bvà|\bhoặc|\bcùng)\s*$")
RE_NESTED_BEFORE = regex.compile(r"\b(?:trong đó|riêng|bao gồm|gồm)\b", regex.IGNORECASE)
RE_SUBJECT_BEFORE = regex.compile(r"\b(?:đạt|ở mức|chiếm|xuống|lên)\s*$", regex.IGNORECASE)
# Patterns of a phrase then ``\s*$`` (or ``\s+$``), searched at the end of a short text:
# the length of their longest phrase and the last characters (lower case) of their
# phrases, for :func:`_search_tail`.  Keep these in step with the patterns.
_TAILS = {
    RE_BACKGROUND_BEFORE: (9, frozenset("ốứunmcýaỳg“\"'")),  # "giai đoạn"
    RE_CMP_BEFORE: (14, frozenset("tàuniáagừ")),  # "không vượt quá", "không thấp hơn"
    RE_SUBJECT_BEFORE: (5, frozenset("tcmgn")),  # "ở mức", "chiếm", "xuống"
}
# the characters regex's ``\s`` matches (all below U+3001)
_WHITE_SPACE = "".join(regex.findall(r"\s", "".join(map(chr, range(0x10000)))))
# Groups are read by number (``m.groups()`` or ``m.group(1)``): regex resolves a group name
# through a fresh copy of its name table on every call (``m.group(*names)`` of RE_QTY's
# seven names costs ~2 us, ``m.groups()`` ~0.2 us).  The numbers are those of the names:
_QTY_GROUPS = ("lo", "hi", "n", "word", "unit", "rate", "up")
assert RE_QTY.groupindex == RE_QTY_AT_DIGIT.groupindex == {g: i for i, g in enumerate(_QTY_GROUPS, 1)}
assert RE_CMP_BEFORE.groupindex == {"cmp": 1} and RE_CMP_BEFORE.groups == 1
RE_PUNCT = regex.compile(r"[,;:]")
RE_TY_LE = regex.compile(r"\b[Tt]ỷ lệ\b")
RE_QUALIFIER_BEFORE = regex.compile(r"\bcó\s*$", regex.IGNORECASE)
RE_CUT = regex.compile(r",\s|\s(?:và|hoặc)\s")
RE_STOP = regex.compile(r"[;:()\t]|\.(?:\s|$)|\.\.\.")
RE_SEP = regex.compile(r"[,;:(]|\bvà\b|\briêng\b|\bhoặc\b", regex.IGNORECASE)
# the spaces after [.!?…] before a capital, a digit or an opening mark; written with the
# stop consumed and the spaces as group 1 (a scan led by a character set is quick; one
# led by a look-behind tries every place): the same spaces as ``(?<=[.!?…])\s+(?=…)``,
# since no stop is a space or may follow them, and a paragraph never starts after one
RE_SENTENCE_END = regex.compile(r"[.!?…](\s+)(?=[\p{Lu}\d(“\"-])")

# markers, matched on folded text
RE_FREQ = regex.compile(
    r"(?P<yearly>\b(?:hang|moi|tung) nam\b|/nam\b|\bnam nao cung\b)"
    r"|(?P<semiannual>\b(?:moi|dinh ky) 0?6 thang\b|\b0?6 thang (?:mot lan|/lan)|\bnua nam mot lan\b)"
    r"|(?P<quarterly>\b(?:hang|moi|tung) quy\b|/quy\b)"
    r"|(?P<monthly>\b(?:hang|moi|tung) thang\b|/thang\b)"
)
RE_DEADLINE = regex.compile(
    r"\b(?:den het|den|toi|truoc|vao) (?:nam )?(?P<y>(?:19|20)\d\d)\b"
    r"|\bgiai doan (?P<a>(?:19|20)\d\d)\s*-\s*(?P<b>(?:19|20)\d\d)\b"
)
assert RE_DEADLINE.groupindex == {"y": 1, "a": 2, "b": 3} and RE_DEADLINE.groups == 3
# "phấn đấu"; OCR spellings ("Phân đầu", "Phần đầu") only before what a goal starts with,
# because "phần đầu" (the first part) is a real phrase
RE_ASPIRATION = regex.compile(
    r"\bphan dau\b(?=[\s,]+(?:den|dat|co|hoan thanh|tren|it nhat|hang|moi|tu|toi thieu|duy tri|giup|\d))"
)
RE_ASPIRATION_EXACT = regex.compile(r"\bphấn đấu\b", regex.IGNORECASE)
RE_DA = regex.compile(r"\bda\b(?! de ra)")
RE_PAST = regex.compile(r"\bda\b(?! de ra)|\bnam qua\b|\btrong nhiem ky\b|\bnhung nam qua\b")

# section zones, matched on the folded first words of a heading (plain literals: the
# standard ``re`` finds the same, quicker on such short texts)
RE_ZONE_RESULT = re.compile(r"thuc trang|ket qua|uu diem|han che|danh gia|tinh hinh|co so thuc tien|dat duoc")
RE_ZONE_TARGET = re.compile(
    r"muc tieu|chi tieu|nhiem vu|giai phap|to chuc thuc hien|lo trinh|phuong huong|dinh huong|ke hoach|"
    r"chuong trinh hanh dong"
)
RE_ZONE_BACKGROUND = re.compile(r"can cu|su can thiet|mo dau|kinh phi|nguyen nhan|doi tuong|pham vi|phuong phap")
RE_ZONE_WEAK_RESULT = re.compile(r"so ket|tong ket")
RE_ITEM_LABEL = regex.compile(r"^\(?\d+\)|^[a-zđ]\)$")
RE_PERIOD_LINE = regex.compile(r"^\(?\s*(?:19|20)\d\d\s*-\s*(?:19|20)\d\d\s*\)?$")

# levels, matched on the text itself (folding would confuse "phường" with "phương");
# a location phrase ("trên địa bàn tỉnh") is not the actor's level
RE_LOCATION = regex.compile(r"\b(?:trên địa bàn|trên toàn|toàn|của|tại) (?:tỉnh|huyện|xã|thôn)\b", regex.IGNORECASE)
RE_LEVELS = {
    "tỉnh": regex.compile(r"\btỉnh\b", regex.IGNORECASE),
    "huyện": regex.compile(r"\b(?:huyện|thị xã)\b|\bcấp quận\b", regex.IGNORECASE),
    "xã": regex.compile(r"(?<!thị )\bxã\b(?!\s*hội)|\bphường\b|\bthị trấn\b|\b(?:ở|cán bộ|cấp) cơ sở\b",
                        regex.IGNORECASE),
    "thôn": regex.compile(r"\bkhu dân cư\b|(?<!nông )\bthôn\b|\bthôn, bản\b|\btổ dân phố\b|\bkhóm\b",
                          regex.IGNORECASE),
}
RE_ALL_LEVELS = regex.compile(r"\bcác cấp\b|\btừ tỉnh đến cơ sở\b", regex.IGNORECASE)
RE_ACTOR = regex.compile(
    r"(?:Ban Thường trực\s+)?(?:Ủy ban\s+)?(?:MTTQ|Mặt trận Tổ quốc)(?:\s+Việt Nam)?"
    r"(?:\s+(?:cấp\s+)?(?:tỉnh|huyện|xã|các cấp|cơ sở))?(?:\s+và các tổ chức chính trị\s*-\s*xã hội(?:\s+các cấp)?)?"
    r"|Ban (?:Thanh tra [Nn]hân dân|Giám sát đầu tư (?:của )?cộng đồng|[Cc]ông tác Mặt trận(?: thôn| khu dân cư)?)"
    r"|(?:các )?tổ chức chính trị\s*-\s*xã hội(?:\s+các cấp)?"
    r"|(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân)(?:\s+(?:cấp\s+)?(?:tỉnh|huyện|xã|các cấp))?"
    r"|(?:ban thường vụ\s+)?cấp ủy(?:\s+(?:cấp\s+)?(?:tỉnh|huyện|xã|các cấp|cơ sở))?"
    r"|Đoàn thanh niên|Hội (?:Nông dân|Cựu chiến binh|Liên hiệp Phụ nữ)|Công đoàn"
    r"|mỗi (?:tổ chức|cơ sở)[^,;:.]{0,40}",
)
# Literals one of which every match of RE_ACTOR (case-sensitive) holds, a literal per
# branch: keep in step with it.  A text without any names no actor, and RE_ACTOR,
# whose optional leading words make it try every place, is not searched there
# (most clauses before a quantity: see :func:`_actor_in`).
_RE_ACTOR_NEED = re.compile(
    "MTTQ|Mặt trận Tổ quốc|Ban |tổ chức chính trị|UBND|Ủy ban nhân dân|HĐND|Hội |cấp ủy|Đoàn thanh niên"
    "|Công đoàn|mỗi "
)


# --- vocabularies loaded once -----------------------------------------------

@lru_cache(maxsize=4)
def load_topics(path: str | None = None) -> tuple[regex.Pattern, dict[str, tuple[str, ...]], tuple[str, ...]]:
    """One folded pattern of all topic keywords, the topics of each keyword, and the topic order.

    Topics come from ``data/topics.tsv`` (topic, keywords separated by ``|``, example);
    a topic without keywords ("khác") is what is left when nothing matches.
    """
    p = Path(path) if path else DATA / "topics.tsv"
    by_kw: dict[str, list[str]] = {}
    order: list[str] = []
    if p.exists():
        with p.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                topic = (row.get("topic") or "").strip()
                if topic and topic not in order:
                    order.append(topic)
                for k in (row.get("keywords") or "").split("|"):
                    if k.strip():
                        by_kw.setdefault(" ".join(fold(k).split()), []).append(topic)
    if not by_kw:
        return regex.compile(r"(?!)"), {}, tuple(order)
    alt = "|".join(regex.escape(k) for k in sorted(by_kw, key=len, reverse=True))
    rx = regex.compile(r"(?<![\p{L}\p{N}])(?:" + alt + r")(?![\p{L}\p{N}])")
    return rx, {k: tuple(v) for k, v in by_kw.items()}, tuple(order)


OTHER_TOPIC = "khác"


def _has_word(f: str, kw: str) -> bool:
    i = f.find(kw)
    while i >= 0:
        j = i + len(kw)
        if not f[i - 1].isalnum() and (j >= len(f) or not f[j].isalnum()):
            return True
        i = f.find(kw, i + 1)
    return False


# A keyword that starts with a letter or digit can only match (at word edges) where
# its first word is a whole word of the text: keywords are indexed by that word, so
# a text is tested against the few keywords its words open, not all of them.
_RE_ALNUM_RUN = re.compile(r"[^\W_]+")  # runs of ``str.isalnum`` characters


@lru_cache(maxsize=4)
def _topic_index(path: str | None = None) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """(first word → keywords it opens, keywords that open with another character)."""
    _, by_kw, _ = load_topics(path)
    by_first: dict[str, list[str]] = {}
    other: list[str] = []
    for kw in by_kw:  # dict order kept: the found set does not depend on it anyway
        m = _RE_ALNUM_RUN.match(kw)
        if m:
            by_first.setdefault(m.group(), []).append(kw)
        else:
            other.append(kw)
    return {w: tuple(k) for w, k in by_first.items()}, tuple(other)


def topics_of(*texts: str) -> tuple[str, ...]:
    """Topics whose keywords occur in the first text that has any (tone-insensitive), in file order.

    >>> topics_of("ít nhất 03 cuộc giám sát")
    ('giám sát',)
    """
    return _topics_first(texts, None)


def _topics_first(texts, memo: dict | None) -> tuple[str, ...]:
    """:func:`topics_of`; ``memo`` (text → topics found in it, or ()) spares texts seen before."""
    for t in texts:
        found = memo.get(t) if memo is not None else None
        if found is None:
            found = _topics_in(t)
            if memo is not None:
                memo[t] = found
        if found:
            return found
    return (OTHER_TOPIC,)


# raw token → (its fold, the keywords of the topics file that its words open).  Folding
# is one character for one and keeps spaces spaces (and lower-casing looks past no
# space), so ``fold(t).split()`` is the folds of ``t.split()``, and a keyword opened by
# a word of ``t`` (a run of letters and digits of its fold) is opened by a word of one
# of its tokens.  The few thousand syllables of the documents repeat, so folding them
# and looking their words up once beats doing it for every text.  Bounded: cleared
# when full.
_TOKEN_FOLDS: dict[str, tuple[str, tuple[str, ...]]] = {}
_TOKEN_FOLDS_MAX = 50_000


def _fold_token(token: str) -> tuple[str, tuple[str, ...]]:
    """``(fold(token), the keywords its words open)``, kept in ``_TOKEN_FOLDS``."""
    folded = fold(token)
    by_first, _ = _topic_index()
    words = (folded,) if folded.isalnum() else _RE_ALNUM_RUN.findall(folded)
    info = (folded, tuple(kw for w in words for kw in by_first.get(w, ())))
    if len(_TOKEN_FOLDS) >= _TOKEN_FOLDS_MAX:
        _TOKEN_FOLDS.clear()
    _TOKEN_FOLDS[token] = info
    return info


def _topics_in(t: str) -> tuple[str, ...]:
    """The topics of ``t``, in file order; () if none."""
    _, by_kw, order = load_topics()
    _, other = _topic_index()
    get = _TOKEN_FOLDS.get
    tokens = [get(token) or _fold_token(token) for token in t.split()]
    # the keywords opened by the text's words (a keyword opened twice is tested twice:
    # cheaper than removing the repeats, and it finds the same topics)
    kws = [kw for _, opened in tokens if opened for kw in opened]
    if other:
        kws += other
    if not kws:
        return ()
    f = " " + " ".join([folded for folded, _ in tokens]) + " "
    # substring tests are much faster than one big alternation; then check word edges
    found = set()
    for kw in kws:
        if kw in f and _has_word(f, kw):
            found.update(by_kw[kw])
    return tuple(sorted(found, key=order.index)) if found else ()


# --- the extractor -----------------------------------------------------------

@dataclass(slots=True)
class _Q:
    """A quantity found in the normalised text, before it becomes a Target."""

    lead: int  # start of comparator or number
    num: int  # start of the number
    end: int  # end of unit (and rate / "trở lên")
    cmp: str
    explicit: bool
    vmin: float
    vmax: float
    unit: str
    pct: bool
    word: bool
    rate_freq: str
    sent: tuple[int, int]
    clause: tuple[int, int]
    strong: bool = False
    span_start: int = 0
    ind_end: int = 0
    indicator: str = ""
    prefix: str = ""
    parent: int | None = None
    level: str | None = None


class _Context:
    """Per-document lookups: zones and heading markers of sections, tables by raw offset."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.by_id = {s.id: s for s in doc.sections}
        self.index = {s.id: i for i, s in enumerate(doc.sections)}
        self._zone: dict[str, str] = {}
        self._heading: dict[str, tuple[str, str]] = {}
        self.tables = sorted(doc.tables, key=lambda t: t.start)
        self.table_starts = [t.start for t in self.tables]
        self._stats: dict[str, bool] = {}
        self._keys: dict[tuple[str, int], str] = {}
        self._chains: dict[str, list] = {}
        self._own_zone: dict[str, str] = {}
        self._own_matches: dict[str, tuple] = {}

    def heading_key(self, sec, words: int = 16) -> str:
        """Folded first words of a heading, with a split-off period line ("… GIAI ĐOẠN" / "2025-2030").

        Memoised: an outer heading is read again for every section below it."""
        key = (sec.id, words)
        if key not in self._keys:
            if words < 16:
                # folding keeps words words, one for one: the first words of the longer key
                self._keys[key] = " ".join(self.heading_key(sec).split()[:words])
            else:
                title = sec.title
                i = self.index[sec.id]
                if i + 1 < len(self.doc.sections) and RE_PERIOD_LINE.match(self.doc.sections[i + 1].title.strip()):
                    title += " " + self.doc.sections[i + 1].title
                self._keys[key] = fold(" ".join(title.split()[:words]))
        return self._keys[key]

    def _chain_of(self, sec) -> list:
        """The headings from ``sec`` up that can name a zone or a marker, innermost first;
        memoised per section and built on its parent's."""
        if sec.id not in self._chains:
            parent = self.by_id.get(sec.parent) if sec.parent else None
            rest = self._chain_of(parent) if parent is not None else []
            if not RE_ITEM_LABEL.match(sec.label) and len(sec.title.split()) <= 16:
                self._chains[sec.id] = [sec] + rest
            else:
                self._chains[sec.id] = rest
        return self._chains[sec.id]

    def zone(self, sec) -> str:
        """The zone of the section ``sec`` (``doc.section_of`` a position; None before any)."""
        if sec is None:
            return "other"
        if sec.id in self._zone:
            return self._zone[sec.id]
        zone, weak = "other", False
        for s in self._chain_of(sec):
            z = self._heading_zone(s)
            if z == "weak":
                weak = True
            elif z:
                zone = z
                break
        if zone == "other" and weak:
            zone = "result"
        self._zone[sec.id] = zone
        return zone

    def _heading_zone(self, s) -> str:
        """What one heading says: "result", "target", "background", "weak" (sơ kết / tổng kết) or "".

        Memoised: an outer heading is read again for every section below it."""
        if s.id not in self._own_zone:
            key = self.heading_key(s, 8)
            if RE_ZONE_RESULT.search(key):
                z = "result"
            elif RE_ZONE_TARGET.search(key):
                z = "target"
            elif RE_ZONE_BACKGROUND.search(key):
                z = "background"
            elif RE_ZONE_WEAK_RESULT.search(key):
                z = "weak"
            else:
                z = ""
            self._own_zone[s.id] = z
        return self._own_zone[s.id]

    def heading_markers(self, sec) -> tuple[str, str]:
        """(frequency, deadline) stated by the headings from the section ``sec`` up."""
        if sec is None:
            return "", ""
        if sec.id not in self._heading:
            # the matches are memoised per heading, but the deadline string is made again
            # for each section: it is then shared by the records of one section only, as
            # the pickles of the output expect
            freq = deadline = ""
            for s in self._chain_of(sec):
                freq_m, deadline_m = self._heading_matches(s)
                if not freq:
                    freq = freq_m.lastgroup if freq_m else ""
                if not deadline:
                    deadline = _deadline(deadline_m)
            self._heading[sec.id] = (freq, deadline)
        return self._heading[sec.id]

    def _heading_matches(self, s):
        """RE_FREQ's and RE_DEADLINE's matches in one heading (memoised, as :meth:`_heading_zone`)."""
        if s.id not in self._own_matches:
            key = self.heading_key(s)
            # most headings hold no literal of _NEEDS: their patterns, whose branches
            # start at word edges (tried at every place), are not searched there
            self._own_matches[s.id] = (_needed_search(RE_FREQ, key), _needed_search(RE_DEADLINE, key))
        return self._own_matches[s.id]

    def table_at(self, raw_pos: int):
        i = bisect_right(self.table_starts, raw_pos) - 1
        if i >= 0 and self.tables[i].start <= raw_pos < self.tables[i].end:
            return self.tables[i]
        return None

    def is_statistics(self, table) -> bool:
        """A table of figures (most body cells numeric), not a plan of tasks."""
        if table.id not in self._stats:
            cells = [c for r in table.rows for c in r.cells if c.value.strip()]
            numeric = sum(1 for c in cells if c.number is not None)
            self._stats[table.id] = bool(cells) and numeric / len(cells) > 0.3
        return self._stats[table.id]


def _deadline(m) -> str:
    if not m:
        return ""
    y, a, b = m.groups()  # RE_DEADLINE's groups y, a, b (asserted where it is made)
    return y or f"{a}/{b}"


def _number(s: str) -> float:
    v = parse_vn_number(s)
    return float(v) if v is not None else float(NUMBER_WORDS.get(s.lower(), 0))


def _para_at(text: str, p: int, floor: int, tabs: list[int]) -> tuple[int, int]:
    """The span :func:`_paragraphs` gives the paragraph holding ``p`` (not a newline or tab),
    found from ``p`` alone.  ``floor``: a break before ``p`` (the end of an earlier paragraph)
    or -1; ``tabs``: a one-item cache of the next tab at or after some position (or -1)."""
    t = text.rfind("\t", floor + 1, p)
    start = t + 1 if t >= 0 else floor + 1
    j = text.rfind("\n", start, p)
    while j >= 0:
        if _breaks(text, j):
            start = j + 1
            break
        j = text.rfind("\n", start, j)
    nt = tabs[0]
    if nt != -1 and nt < p:
        nt = tabs[0] = text.find("\t", p)
    end = nt if nt >= 0 else len(text)
    j = text.find("\n", p, end)
    while j >= 0:
        if _breaks(text, j):
            return start, j
        j = text.find("\n", j + 1, end)
    return start, end


def _paragraphs(text: str):
    """Paragraph spans: blank lines, tabs (table cells) and lines that end a sentence or
    start a bullet break them; a hard-wrapped line continuing in lower case does not."""
    start = 0
    for m in RE_LINE_OR_CELL.finditer(text):
        i = m.start()
        if text[i] == "\t" or _breaks(text, i):
            if i > start:
                yield start, i
            start = i + 1
    if start < len(text):
        yield start, len(text)


RE_LINE_OR_CELL = regex.compile(r"[\n\t]")


def _breaks(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] in ".;:!?\n\t" or text[j] == "…":
        return True
    k = i + 1
    while k < len(text) and text[k] == " ":
        k += 1
    if k >= len(text) or text[k] in "\n\t-+•*(":
        return True
    return not (text[k].islower() or text[k].isdigit())


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of the paragraph ``[start, end)``, split at the spaces of RE_SENTENCE_END."""
    out, s = [], start
    for m in RE_SENTENCE_END.finditer(text, start, end):
        out.append((s, m.start(1)))
        s = m.end(1)
    out.append((s, end))
    return out


def _clause_at(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    """The ``;``-clause of the sentence ``[s, e)`` holding ``pos`` (the one ending at a ``;``
    at ``pos``; the last one if ``pos`` is outside), found without splitting the sentence."""
    if not s <= pos <= e:
        pos = e
    i = text.rfind(";", s, pos)
    j = text.find(";", pos, e)
    return (i + 1 if i >= 0 else s, j if j >= 0 else e)


def _find(spans, pos):
    for sp in spans:
        if sp[0] <= pos < sp[1] or sp[0] <= pos == sp[1]:
            return sp
    return spans[-1]


def _is_year(number: str) -> bool:
    """``RE_YEAR.fullmatch(number)`` for a number RE_QTY found (digits, "." and ","),
    without a regex call: four characters, "19" or "20" then two digits."""
    return len(number) == 4 and number[:2] in ("19", "20") and "." not in number and "," not in number


def _search_tail(rx: regex.Pattern, s: str):
    r"""``rx.search(s)`` for ``rx`` a phrase then ``\s*$`` (see ``_TAILS``), tried only near the end.

    The phrase ends where the trailing spaces of ``s`` start: it cannot match when the
    character there is not the last of a phrase (in any case: lower-casing gives the
    same letter but for "İ" ~ i and "ſ" ~ s, let through), and no match starts more
    than the longest phrase ahead of it: the search starts there (its look-behinds
    still see the text before) instead of trying every place of ``s``."""
    longest, last_chars = _TAILS[rx]
    end = len(s.rstrip(_WHITE_SPACE))
    if not end:
        return None
    last = s[end - 1]
    if last.lower() not in last_chars and last not in "İſ":
        return None
    return rx.search(s, max(0, end - longest))


def _scan_paragraph(text: str, ps: int, pe: int, candidates: list[int], known: dict[int, regex.Match]) -> list[_Q]:
    """The quantities of the paragraph ``[ps, pe)`` starting at ``candidates``;
    ``known``: unbounded RE_QTY matches at some of them (see :func:`_quantity_starts`)."""
    # most paragraphs hold numbers but no quantity: split sentences only once one is found
    sentences = None
    first = None
    out: list[_Q] = []
    done = ps
    for c in candidates:
        if c < done:
            continue
        m = known.get(c)
        if m is None or m.end() > pe:
            m = RE_QTY.match(text, c, pe)
        if not m:
            continue
        done = m.end()
        num_start = c
        before = text[max(ps, num_start - 30):num_start]
        if _search_tail(RE_BACKGROUND_BEFORE, before):
            continue
        cm = _search_tail(RE_CMP_BEFORE, before)
        cmp_word = cm.group(1).lower() if cm else ""  # (group 1 is "cmp")
        lead = num_start - (len(before) - cm.start()) if cm else num_start
        g_lo, g_hi, g_n, g_word, g_unit, g_rate, g_up = m.groups()  # (see _QTY_GROUPS)
        unit = g_unit.strip()
        unit = "%" if unit == "%" else unit.lower() if unit not in ("MW",) else unit
        rate = (g_rate or "")[1:].lower()
        lo = g_lo or g_n or g_word
        hi = g_hi or lo
        if g_lo and cmp_word == "từ":
            cmp_word = ""  # "từ 3-5 cuộc" is a range
        if g_lo and _is_year(lo) and unit != "%":
            continue  # "2025 - 2030 …" is a period
        if g_n and _is_year(lo) and unit != "%":
            continue  # a year
        up = bool(g_up)
        end = m.end()
        if cmp_word == "từ" and not up and not g_lo and RE_UP_LATER.match(text, end, pe):
            up = True
        if up:
            cmp = ">="
        elif cmp_word:
            cmp = COMPARATORS[cmp_word.replace(" là", "")]
        else:
            cmp = "="
        rate_freq = ""
        if rate in PERIOD_FREQ:
            rate_freq = PERIOD_FREQ[rate]
            if unit in DURATION_UNITS:
                unit = f"{unit}/{rate}"
        if sentences is None:
            sentences = _sentences(text, ps, pe)
            first = sentences[0]
        sent = _find(sentences, lead)
        out.append(_Q(
            lead=lead, num=num_start, end=end, cmp=cmp, explicit=bool(cmp_word) or up,
            vmin=_number(lo), vmax=_number(hi), unit=unit, pct=unit == "%", word=bool(g_word),
            rate_freq=rate_freq, sent=sent, clause=_clause_at(text, *sent, lead),
            strong=cmp_word.replace(" là", "") in STRONG_CMP,
        ))
    return _relate(text, out), first


def _relate(text: str, qs: list[_Q]) -> list[_Q]:
    """Carry comparators over coordinated objects, drop qualifiers, link nested parts."""
    kept: list[_Q] = []
    for q in qs:
        prev = kept[-1] if kept and kept[-1].sent == q.sent else None
        gap_start = prev.end if prev else q.clause[0]
        before = text[gap_start:q.lead]
        if prev and not q.explicit and RE_COORD_BEFORE.search(before) and prev.explicit \
                and prev.pct == q.pct and not RE_NESTED_BEFORE.search(before):
            if not (q.pct and q.vmax >= 100):  # a share cannot be "above 100%"
                q.cmp, q.explicit, q.strong = prev.cmp, True, prev.strong  # "ít nhất 03 cuộc …, 02 cuộc …"
        if q.word and not q.explicit:
            continue  # "một" is a number only where a comparator makes it one
        if prev and not q.pct and prev.pct and prev.clause == q.clause \
                and RE_QUALIFIER_BEFORE.search(text[max(gap_start, q.lead - 6):q.lead]) \
                and not RE_PUNCT.search(before):
            continue  # "100% doanh nghiệp có từ 20 lao động trở lên": part of the indicator
        if prev and RE_NESTED_BEFORE.search(before):
            q.parent = len(kept) - 1
            while kept[q.parent].parent is not None:
                q.parent = kept[q.parent].parent
        kept.append(q)
    # indicators: up to the next quantity of the clause, the clause end or a bracket
    for i, q in enumerate(kept):
        nxt = kept[i + 1] if i + 1 < len(kept) and kept[i + 1].clause == q.clause else None
        stop = RE_STOP.search(text, q.end, q.clause[1])
        end = stop.start() if stop else q.clause[1]
        if nxt and nxt.lead < end:
            end = nxt.lead
            cuts = list(RE_CUT.finditer(text, q.end, end))
            if cuts:
                end = cuts[-1].start()
        after = text[q.end:end].strip(" ,.-*")
        prev = kept[i - 1] if i and kept[i - 1].clause == q.clause else None
        gap_start = prev.ind_end if prev else q.clause[0]
        q.span_start = q.lead
        q.prefix = text[gap_start:q.lead]
        if _search_tail(RE_SUBJECT_BEFORE, q.prefix) or (not after and q.pct):
            # "Tỷ lệ … đạt trên 80%", "Mặt trận Tổ quốc đạt trên 90%": the measure comes first
            seg_start = gap_start
            tl = RE_TY_LE.search(text, seg_start, q.lead)
            if tl:
                subj = tl.start()
            else:
                seps = list(RE_SEP.finditer(text, seg_start, q.lead))
                subj = seps[-1].end() if seps else seg_start
            while subj < q.lead and text[subj] in " ,;:(":
                subj += 1
            subject = RE_SUBJECT_BEFORE.sub("", text[subj:q.lead]).strip(" ,")
            if subject:
                q.span_start = subj
                after = (subject + (" " + after if after else "")).strip()
        q.indicator = (q.unit + " " + after if not q.pct and q.unit not in ("ha", "km", "MW") else after).strip()
        q.ind_end = max(end, q.end)
    return kept


# Literals every match of a folded marker pattern contains (a match lies inside the
# searched span, so a span without any of them has no match and is not scanned).
_NEEDS = {
    RE_DEADLINE: re.compile(r"19|20"),
    RE_FREQ: re.compile(r"thang|quy|/nam|hang nam|moi nam|tung nam|nam nao cung|nua nam"),
    RE_ASPIRATION: re.compile(r"phan dau"),
}


def _needed_search(rx: regex.Pattern, s: str):
    """``rx.search(s)`` for ``rx`` in ``_NEEDS``, skipped when ``s`` holds none of its literals."""
    return rx.search(s) if _NEEDS[rx].search(s) else None


# Where a match of RE_FREQ can start (each of its branches opens with one of these
# literals): its many branches, each led by a word edge, make a plain scan slow, so
# only these places are tried (see :func:`_matches_at`); none means no match.
# (a flat list of literals: the standard ``re`` scans for those quickest)
_STARTS = {
    RE_FREQ: re.compile("|".join(
        [f"{a} {b}" for a in ("hang", "moi", "tung") for b in ("nam", "quy", "thang")]
        + [f"{a} {b}6 thang" for a in ("moi", "dinh ky") for b in ("", "0")]
        + [f"{a}6 thang {b}" for a in ("", "0") for b in ("mot lan", "/lan")]
        + ["nua nam mot lan", "nam nao cung", "/nam", "/quy", "/thang"]
    )),
}


def _places(starts: re.Pattern, folded: str, start: int, end: int) -> list[int]:
    """Every place in ``[start, end)`` where ``starts`` matches, overlapping ones too
    (each search resumes one character after the last place)."""
    out = []
    search = starts.search
    c = search(folded, start, end)
    while c:
        out.append(c.start())
        c = search(folded, c.start() + 1, end)
    return out


def _matches_at(rx: regex.Pattern, folded: str, places: list[int], start: int, end: int):
    """``rx.finditer(folded, start, end)`` for ``rx`` in ``_STARTS``, given (sorted) ``places``
    where its matches may start: all those of ``[start, end)``, and maybe more.

    Trying them in order, each from the end of the last match, gives finditer's
    matches (the look-behinds and word edges of ``rx`` see the same text before a
    place either way; an extra place is one finditer tries too)."""
    match = rx.match
    last = start
    for p in places[bisect_left(places, start):bisect_left(places, end)]:
        if p >= last:
            m = match(folded, p, end)
            if m:
                yield m
                last = m.end()


def _scoped(folded: str, q: _Q, rx: regex.Pattern, para_first: tuple[int, int] | None, memo: dict):
    """The match of the marker that governs ``q``: in its clause, at its sentence head, at its bullet head.

    What it finds depends on the clause, the sentence start and the bullet head only,
    which quantities of one clause or bullet share: ``memo`` (per document) keeps it."""
    cs, ce = q.clause
    key = (rx, cs, ce, q.sent[0])
    if key not in memo:
        memo[key] = _clause_marker(folded, rx, cs, ce, q.sent[0], memo.get(("places", rx)))
    m = memo[key]
    if m is None and para_first is not None:
        m = _memo_head_marker(folded, rx, para_first, memo)
    return m


def _memo_head_marker(folded: str, rx: regex.Pattern, sent: tuple[int, int], memo: dict):
    """:func:`_head_marker`, kept in ``memo`` (a bullet's head is asked for by each of its quantities)."""
    key = (rx, sent)
    if key not in memo:
        memo[key] = _head_marker(folded, rx, sent, memo.get(("places", rx)))
    return memo[key]


def _clause_marker(folded: str, rx: regex.Pattern, cs: int, ce: int, ss: int, places: list[int] | None):
    """The first match of ``rx`` in the clause ``[cs, ce)``, else one heading its sentence (from ``ss``);
    ``places``: for ``rx`` in ``_STARTS``, where its matches may start (:func:`_places`)."""
    if places is not None:
        clause_matches = _matches_at(rx, folded, places, cs, ce)
        sentence_matches = _matches_at(rx, folded, places, ss, ce)
    elif _NEEDS[rx].search(folded, min(cs, ss), ce):  # the clause lies in the sentence
        clause_matches = rx.finditer(folded, cs, ce)
        sentence_matches = rx.finditer(folded, ss, ce)
    else:
        return None
    for m in clause_matches:
        return m
    for m in sentence_matches:
        if _is_head(folded, ss, m.start()):
            return m
    return None


def _head_marker(folded: str, rx: regex.Pattern, sent: tuple[int, int], places: list[int] | None = None):
    if places is not None:
        matches = _matches_at(rx, folded, places, *sent)
    elif _NEEDS[rx].search(folded, *sent):
        matches = rx.finditer(folded, *sent)
    else:
        return None
    for m in matches:
        if _is_head(folded, sent[0], m.start()):
            return m
    return None


def _is_head(folded: str, sent_start: int, pos: int) -> bool:
    """A marker heads its sentence when it comes before the first comma or within four words."""
    head = folded[sent_start:pos]
    return "," not in head and ";" not in head or len(head.split()) <= 4


# Literals (lower case) one of which every match of a level pattern contains.  Their
# letters have no case look-alike whose lower case differs (only "İ" ~ i and "ſ" ~ s
# have, and none holds "i" or "s"), so a text whose lower case holds none of them has
# no match and the case-insensitive search is skipped.
_LEVEL_NEEDS = {
    RE_LOCATION: tuple(f"{a} {b}" for a in ("bàn", "toàn", "của", "tại") for b in ("tỉnh", "huyện", "xã", "thôn")),
    RE_ALL_LEVELS: ("các cấp", "từ tỉnh đến cơ"),
    RE_LEVELS["tỉnh"]: ("tỉnh",),
    RE_LEVELS["huyện"]: ("huyện", "thị xã", "cấp quận"),
    RE_LEVELS["xã"]: ("xã", "phường", "thị trấn", " cơ "),
    RE_LEVELS["thôn"]: ("khu dân cư", "thôn", "tổ dân phố", "khóm"),
}
# any of those of the level patterns: a text without one names no level (the common
# case; RE_LOCATION's hold a level's)
_RE_ANY_LEVEL_NEED = re.compile("|".join(
    re.escape(w) for rx, ws in _LEVEL_NEEDS.items() if rx is not RE_LOCATION for w in ws))
_RE_LEVEL_XA = RE_LEVELS["xã"]


def _may_match(low: str, rx: regex.Pattern) -> bool:
    """False when ``rx`` (a level pattern) surely finds nothing in the text lower-cased to ``low``."""
    if rx is _RE_LEVEL_XA:
        # its "xã" is not that of "xã hội" (the usual one): those are left out of the test
        low = low.replace("xã hội", "")
    for literal in _LEVEL_NEEDS[rx]:
        if literal in low:
            return True
    return False


def _level_of(text: str) -> str | None:
    """The one level named in ``text``; "" when several or "các cấp"; None when none."""
    t = text
    low = t.lower()
    if not _RE_ANY_LEVEL_NEED.search(low):
        return None
    if _may_match(low, RE_LOCATION):
        t = RE_LOCATION.sub(" ", text)
        low = t.lower()
    if _may_match(low, RE_ALL_LEVELS) and RE_ALL_LEVELS.search(t):
        return ""
    found = {name for name, rx in RE_LEVELS.items() if _may_match(low, rx) and rx.search(t)}
    if len(found) == 1:
        return found.pop()
    return "" if found else None


def _actor_in(text: str, start: int, end: int):
    """``RE_ACTOR.search(text, start, end)``, skipped where no literal of ``_RE_ACTOR_NEED`` is."""
    if _RE_ACTOR_NEED.search(text, start, end) is None:
        return None
    return RE_ACTOR.search(text, start, end)


def _row_at(table, raw_pos: int):
    for row in table.rows:
        if row.start <= raw_pos < row.end:
            return row
    return None


def _cell(table, row, *keywords: str) -> str:
    col = table.column(*keywords)
    if col is None or row is None:
        return ""
    return " ".join(c.value for c in row.cells if c.col == col)


# Where RE_QTY may match: a run of digits (RE_DIGITS) followed at once by "%", "ha",
# "km", "MW" or a range dash, or by spaces and then a unit, "%", "-" or "đến"; the
# dash of a range comes before (spaces and) a digit, not a letter ("02-ĐA", "-QĐ/TW").
# Most numbers ("12/3/2025", "số 5.", "năm 2025 và") fail this cheap test and
# RE_QTY, slow with its case-insensitive unit list, is not tried there.  Every
# non-ASCII character is let through ("đến", "ý kiến", case-folding look-alikes):
# the test only spares places where RE_QTY surely fails.  The run is possessive,
# so every start found is the start of a whole run, as with RE_DIGITS.  When the
# look-ahead fails after a run, ``(*SKIP)`` resumes the scan at the run's end: from
# any later digit of the run the possessive run would end at the same place, and the
# look-ahead would fail again ("2025" is one failed try, not four).
_UNIT_FIRST = "".join(sorted({c for u in UNITS for c in (u[0].lower(), u[0].upper()) if c.isascii()}))
_QTY_START = (r"<d>[<d_>.,]*+(?:(?=[%hHkKmM]|-\s*<d>|[^\x00-\x7f]|\s+(?:-\s*<d>|[%" + _UNIT_FIRST
              + r"]|[^\x00-\x7f]))|(*SKIP)(*FAIL))")
RE_QTY_START = regex.compile(_QTY_START.replace("<d>", r"\d").replace("<d_>", r"\d"))
# the same for a text whose only decimal digits are 0-9 (see _other_digits_possible):
# the scan for an ASCII digit is much quicker than one for any decimal digit
_RE_QTY_START_ASCII = regex.compile(_QTY_START.replace("<d>", "[0-9]").replace("<d_>", "0-9"))
# High bytes of the UTF-16 code units of the decimal digits (regex's ``\d``) but 0-9:
# the BMP ones found here, and the surrogates of every character past U+FFFF.
_OTHER_DIGIT_HIGH_BYTES = {ord(c) >> 8 for c in regex.findall(r"\d", "".join(map(chr, range(0x80, 0xD800))))}
_OTHER_DIGIT_HIGH_BYTES |= {ord(c) >> 8 for c in regex.findall(r"\d", "".join(map(chr, range(0xE000, 0x10000))))}
_OTHER_DIGIT_HIGH_BYTES |= set(range(0xD8, 0xE0))
_NOT_OTHER_DIGIT_HIGH_BYTES = bytes(b for b in range(256) if b not in _OTHER_DIGIT_HIGH_BYTES)


def _other_digits_possible(text: str) -> bool:
    """False when ``text`` surely holds no decimal digit but 0-9: no UTF-16 code unit of
    it has the high byte of one (Vietnamese letters, U+1Exx, have none)."""
    high_bytes = text.encode("utf-16-le", "surrogatepass")[1::2]
    return bool(high_bytes.translate(None, _NOT_OTHER_DIGIT_HIGH_BYTES))


# Number words in a lower-cased text: every place RE_WORD_NUMBER matches (case-insensitively)
# shows one in the lower case, unless the text has "ſ" or "İ" (the only characters that
# match a letter of these words but do not lower-case to it).  Each place is then confirmed
# by RE_WORD_NUMBER, whose matches are whole letter runs: they never overlap, so the
# confirmed places are its finditer's.  A place that starts inside an earlier word found
# here follows a letter and would fail, so a scan of non-overlapping words (led by a
# character set, quicker than a look-ahead tried everywhere) misses none.
_RE_WORD_NUMBER_AT = re.compile("|".join(NUMBER_WORDS))


def _word_numbers(text: str, ps: int, pe: int) -> list[int]:
    """RE_WORD_NUMBER's starts in the paragraph ``[ps, pe)``, found in its lower case
    where that keeps the offsets and has no "ſ"."""
    low = text[ps:pe].lower()
    if len(low) != pe - ps or "ſ" in low:
        return [m.start() for m in RE_WORD_NUMBER.finditer(text, ps, pe)]
    match = RE_WORD_NUMBER.match
    return [ps + m.start() for m in _RE_WORD_NUMBER_AT.finditer(low) if match(text, ps + m.start(), pe)]


def _quantity_starts(text: str) -> dict[int, regex.Match]:
    """RE_QTY's matches, with no paragraph end given, at the starts RE_QTY_START finds.

    A match bounded by its paragraph end (a newline, a tab or the text end, none of
    which RE_QTY's look-aheads or word edges take for a letter or digit) is also a
    match without that bound, so a start failing here fails in its paragraph too.
    Most numbers fail, and their paragraphs need not be found at all.  Conversely an
    unbounded match that ends within the paragraph is the bounded one (every way to
    match within the bound is a way without it, tried in the same order).  The
    matches are RE_QTY_AT_DIGIT's, RE_QTY's at a digit (same spans and groups)."""
    match = RE_QTY_AT_DIGIT.match  # (every start is a digit)
    found = {}
    starts = RE_QTY_START if _other_digits_possible(text) else _RE_QTY_START_ASCII
    for start in starts.finditer(text):
        pos = start.start()
        m = match(text, pos)
        if m:
            found[pos] = m
    return found


# How the strong comparators start: the four "không …" share one, the others are whole.
# Each is searched for alone: a case-insensitive search for one literal is quick (one
# for an alternation is tried at every place).
_RE_STRONG_HEADS = tuple(
    regex.compile(regex.escape(head), regex.IGNORECASE)
    for head in sorted({"không " if p.startswith("không ") else p for p in STRONG_PHRASES})
)


def _strong_positions(text: str) -> list[int]:
    """Starts of strong comparators (RE_STRONG.finditer's).  None spans a paragraph break
    (newline, tab), so a paragraph holds one iff a start falls in it.

    Every comparator starts with one of ``_RE_STRONG_HEADS``, found alone (each in all
    its places: none overlaps itself); RE_STRONG is tried at those places only, left to
    right, each from the end of the match before, as its finditer would."""
    places = sorted(m.start() for rx in _RE_STRONG_HEADS for m in rx.finditer(text))
    out, last_end = [], 0
    for start in places:
        if start >= last_end:
            m = RE_STRONG.match(text, start)
            if m:
                out.append(start)
                last_end = m.end()
    return out


def find_targets(doc: Document) -> tuple[list[Target], list[Target]]:
    """All quantified goals and reported achievements of ``doc``: ``(targets, results)``."""
    ctx = _Context(doc)
    text = doc.text
    targets: list[Target] = []
    results: list[Target] = []
    matches = _quantity_starts(text)
    candidates = list(matches)  # in text order
    strong = _strong_positions(text)
    found: list[tuple[int, int, list[_Q], tuple[int, int]]] = []
    # only paragraphs holding a candidate or a strong comparator can give a quantity:
    # find those around each such position instead of splitting the whole text
    paras, prev_end, tabs = [], -1, [text.find("\t")]
    for p in sorted(candidates + strong):
        if p < prev_end:
            continue
        ps, pe = _para_at(text, p, prev_end, tabs)
        paras.append((ps, pe))
        prev_end = pe
    for ps, pe in paras:
        lo_i, hi_i = bisect_right(candidates, ps - 1), bisect_right(candidates, pe - 1)
        cands = candidates[lo_i:hi_i]
        si = bisect_right(strong, ps - 1)
        if si < len(strong) and strong[si] < pe:
            cands = sorted(cands + _word_numbers(text, ps, pe))
        if cands:
            qs, first = _scan_paragraph(text, ps, pe, cands, matches)
            if qs:
                found.append((ps, pe, qs, first))
    # markers are matched tone-insensitively; only paragraphs with quantities need folding
    pieces, last = [], 0
    for ps, pe, _, _ in found:
        pieces += [text[last:ps], fold(text[ps:pe])]
        last = pe
    folded = "".join(pieces) + text[last:]
    topic_memo: dict[str, tuple[str, ...]] = {}
    marker_memo: dict[tuple, regex.Match | None] = {}
    # where the markers of ``_STARTS`` may start, found once per paragraph with quantities
    # (the only text searched for them)
    for rx, starts in _STARTS.items():
        marker_memo[("places", rx)] = [p for ps, pe, _, _ in found for p in _places(starts, folded, ps, pe)]
    for ps, pe, qs, first in found:
        # a bullet's head markers carry on only if its first sentence states a goal
        first_sent = first if qs[0].sent == first else None
        made: list[tuple[list[Target], int] | None] = []
        prev_level: str | None = None
        prev_sent = None
        for q in qs:
            table = None
            if ctx.tables:  # (the raw offset is only needed to look a table up)
                raw_lo, _ = doc.norm.raw_span(q.num, q.num + 1)  # (no raw text sliced)
                table = ctx.table_at(raw_lo)
            if table is not None and ctx.is_statistics(table):
                made.append(None)
                continue
            row = _row_at(table, raw_lo) if table is not None else None
            sec = doc.section_of(q.num)
            zone = "target" if table is not None else ctx.zone(sec)
            prefix_f = folded[q.clause[0]:q.lead]
            # "phấn đấu" before the quantity in its sentence (the look-ahead may see past it)
            asp_key = ("phấn đấu", q.sent)
            if asp_key not in marker_memo:
                marker_memo[asp_key] = (
                    RE_ASPIRATION_EXACT.search(text, q.sent[0], q.sent[1])
                    or (RE_ASPIRATION.search(folded, q.sent[0], q.sent[1])
                        if _NEEDS[RE_ASPIRATION].search(folded, q.sent[0], q.sent[1]) else None))
            asp = marker_memo[asp_key]
            aspiration = bool((asp and asp.start() < q.lead)
                              or (first_sent and first_sent != q.sent
                                  and _memo_head_marker(folded, RE_ASPIRATION, first_sent, marker_memo)))
            deadline = _deadline(_scoped(folded, q, RE_DEADLINE, first_sent, marker_memo))
            if zone == "other":
                if aspiration or q.strong:
                    zone = "target"
                elif RE_PAST.search(prefix_f):
                    zone = "result"
            if zone not in ("target", "result"):
                made.append(None)
                continue
            kind = zone
            if kind == "target" and RE_DA.search(prefix_f) and not aspiration and not q.strong:
                kind = "result"  # "đã tổ chức 12 lớp" in a plan reports what was done
            head_freq, head_deadline = ctx.heading_markers(sec)
            freq = q.rate_freq
            if not freq:
                fm = _scoped(folded, q, RE_FREQ, first_sent, marker_memo)
                freq = fm.lastgroup if fm else ""
            if not freq and table is not None:
                cell = fold(_cell(table, row, "thời gian", "thực hiện") or _cell(table, row, "thời gian"))
                fm = RE_FREQ.search(cell)
                freq = fm.lastgroup if fm else ""
            freq = freq or head_freq
            if kind == "target":
                deadline = deadline or head_deadline
            else:
                deadline, aspiration = "", False
            # level: the words before the quantity, then its indicator, then the sentence so far
            level = _level_of(q.prefix)
            if level is None:
                level = _level_of(q.indicator)
            if level is None and prev_sent == q.sent:
                level = prev_level
            if level is None and table is not None:
                level = _level_of(_cell(table, row, "chủ trì"))
            prev_level, prev_sent = level, q.sent
            actor_m = _actor_in(text, q.clause[0], q.lead) or (
                RE_ACTOR.search(_cell(table, row, "chủ trì")) if table is not None else None)
            lo, hi, raw_text = doc.evidence(q.span_start, q.ind_end)
            out = targets if kind == "target" else results
            parent = None
            if q.parent is not None and made[q.parent] is not None and made[q.parent][0] is out:
                parent = made[q.parent][1]
            # the fields of Target in order: doc_id, text, start, end, kind, section, comparator,
            # value_min, value_max, unit, indicator, actor, level, frequency, deadline,
            # aspiration, parent, topics, source
            rec = _new_target(
                doc.doc_id, raw_text, lo, hi, kind, sec.path if sec else "", q.cmp,
                q.vmin, q.vmax, q.unit, " ".join(q.indicator.split()),
                " ".join(actor_m.group().split()) if actor_m else "", level or "", freq, deadline,
                aspiration, parent,
                # what is counted decides first; the verb before it, the clause, the sentence after
                _topics_first((q.indicator, q.prefix[-80:] + " " + q.indicator, text[q.clause[0]:q.clause[1]],
                               text[q.sent[0]:q.sent[1]]), topic_memo),
                "table" if table is not None else "prose",
            )
            out.append(rec)
            made.append((out, len(out) - 1))
    return targets, results
