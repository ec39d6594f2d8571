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

import csv
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from .document import Document
from .records import Record
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


# --- tone-insensitive folding (same length, so positions carry over) ---------

def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


_FOLD = {i: _fold_char(chr(i)) for i in range(0xC0, 0x1F00) if _fold_char(chr(i)) != chr(i)}
# the same mapping as a string indexed by code point (``str.translate`` looks a string
# up ~2x faster than a dict); code points past its end raise IndexError: left as they are
_FOLD_TABLE = "".join(_FOLD.get(i, chr(i)) for i in range(0x1F00))


def fold(s: str) -> str:
    """Lower case without tones or đ, one character for one: ``fold("Hằng Năm") == "hang nam"``."""
    return s.lower().translate(_FOLD_TABLE)


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
RE_STRONG = regex.compile(r"ít nhất|tối thiểu|không quá|không vượt quá|tối đa|không dưới|không ít hơn", regex.IGNORECASE)
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
RE_PUNCT = regex.compile(r"[,;:]")
RE_TY_LE = regex.compile(r"\b[Tt]ỷ lệ\b")
RE_QUALIFIER_BEFORE = regex.compile(r"\bcó\s*$", regex.IGNORECASE)
RE_CUT = regex.compile(r",\s|\s(?:và|hoặc)\s")
RE_STOP = regex.compile(r"[;:()\t]|\.(?:\s|$)|\.\.\.")
RE_SEP = regex.compile(r"[,;:(]|\bvà\b|\briêng\b|\bhoặc\b", regex.IGNORECASE)
RE_SENTENCE_END = regex.compile(r"(?<=[.!?…])\s+(?=[\p{Lu}\d(“\"-])")

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
# "phấn đấu"; OCR spellings ("Phân đầu", "Phần đầu") only before what a goal starts with,
# because "phần đầu" (the first part) is a real phrase
RE_ASPIRATION = regex.compile(
    r"\bphan dau\b(?=[\s,]+(?:den|dat|co|hoan thanh|tren|it nhat|hang|moi|tu|toi thieu|duy tri|giup|\d))"
)
RE_ASPIRATION_EXACT = regex.compile(r"\bphấn đấu\b", regex.IGNORECASE)
RE_DA = regex.compile(r"\bda\b(?! de ra)")
RE_PAST = regex.compile(r"\bda\b(?! de ra)|\bnam qua\b|\btrong nhiem ky\b|\bnhung nam qua\b")

# section zones, matched on the folded first words of a heading
RE_ZONE_RESULT = regex.compile(r"thuc trang|ket qua|uu diem|han che|danh gia|tinh hinh|co so thuc tien|dat duoc")
RE_ZONE_TARGET = regex.compile(
    r"muc tieu|chi tieu|nhiem vu|giai phap|to chuc thuc hien|lo trinh|phuong huong|dinh huong|ke hoach|"
    r"chuong trinh hanh dong"
)
RE_ZONE_BACKGROUND = regex.compile(r"can cu|su can thiet|mo dau|kinh phi|nguyen nhan|doi tuong|pham vi|phuong phap")
RE_ZONE_WEAK_RESULT = regex.compile(r"so ket|tong ket")
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


def _topics_in(t: str) -> tuple[str, ...]:
    _, by_kw, order = load_topics()
    by_first, other = _topic_index()
    f = " " + " ".join(fold(t).split()) + " "
    kws = [kw for w in set(_RE_ALNUM_RUN.findall(f)) for kw in by_first.get(w, ())]
    kws.extend(other)
    # substring tests are much faster than one big alternation; then check word edges
    found = {topic for kw in kws if kw in f and _has_word(f, kw) for topic in by_kw[kw]}
    return tuple(sorted(found, key=order.index)) if found else ()


# --- the extractor -----------------------------------------------------------

@dataclass
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

    def heading_key(self, sec, words: int = 16) -> str:
        """Folded first words of a heading, with a split-off period line ("… GIAI ĐOẠN" / "2025-2030")."""
        title = sec.title
        i = self.index[sec.id]
        if i + 1 < len(self.doc.sections) and RE_PERIOD_LINE.match(self.doc.sections[i + 1].title.strip()):
            title += " " + self.doc.sections[i + 1].title
        return fold(" ".join(title.split()[:words]))

    def chain(self, pos: int):
        sec = self.doc.section_of(pos)
        while sec is not None:
            if not RE_ITEM_LABEL.match(sec.label) and len(sec.title.split()) <= 16:
                yield sec
            sec = self.by_id.get(sec.parent) if sec.parent else None

    def zone(self, pos: int) -> str:
        sec = self.doc.section_of(pos)
        if sec is None:
            return "other"
        if sec.id in self._zone:
            return self._zone[sec.id]
        zone, weak = "other", False
        for s in self.chain(pos):
            key = self.heading_key(s, 8)
            if RE_ZONE_RESULT.search(key):
                zone = "result"
            elif RE_ZONE_TARGET.search(key):
                zone = "target"
            elif RE_ZONE_BACKGROUND.search(key):
                zone = "background"
            elif RE_ZONE_WEAK_RESULT.search(key):
                weak = True
                continue
            else:
                continue
            break
        if zone == "other" and weak:
            zone = "result"
        self._zone[sec.id] = zone
        return zone

    def heading_markers(self, pos: int) -> tuple[str, str]:
        """(frequency, deadline) stated by the headings above ``pos``."""
        sec = self.doc.section_of(pos)
        if sec is None:
            return "", ""
        if sec.id not in self._heading:
            freq = deadline = ""
            for s in self.chain(pos):
                key = self.heading_key(s)
                if not freq:
                    m = RE_FREQ.search(key)
                    freq = m.lastgroup if m else ""
                if not deadline:
                    deadline = _deadline(RE_DEADLINE.search(key))
            self._heading[sec.id] = (freq, deadline)
        return self._heading[sec.id]

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
    return m.group("y") or f"{m.group('a')}/{m.group('b')}"


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


def _spans(text: str, start: int, end: int, rx: regex.Pattern) -> list[tuple[int, int]]:
    out, s = [], start
    for m in rx.finditer(text, start, end):
        out.append((s, m.start()))
        s = m.end()
    out.append((s, end))
    return out


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, last = [], s
    i = text.find(";", s, e)
    while i >= 0:
        out.append((last, i))
        last = i + 1
        i = text.find(";", last, e)
    out.append((last, e))
    return out


def _find(spans, pos):
    for sp in spans:
        if sp[0] <= pos < sp[1] or sp[0] <= pos == sp[1]:
            return sp
    return spans[-1]


def _scan_paragraph(text: str, ps: int, pe: int, candidates: list[int]) -> list[_Q]:
    # most paragraphs hold numbers but no quantity: split sentences only once one is found
    sentences = None
    first = None
    out: list[_Q] = []
    done = ps
    for c in candidates:
        if c < done:
            continue
        m = RE_QTY.match(text, c, pe)
        if not m:
            continue
        done = m.end()
        num_start = c
        before = text[max(ps, num_start - 30):num_start]
        if RE_BACKGROUND_BEFORE.search(before):
            continue
        cm = RE_CMP_BEFORE.search(before)
        cmp_word = cm.group("cmp").lower() if cm else ""
        lead = num_start - (len(before) - cm.start()) if cm else num_start
        unit = m.group("unit").strip()
        unit = "%" if unit == "%" else unit.lower() if unit not in ("MW",) else unit
        rate = (m.group("rate") or "")[1:].lower()
        lo = m.group("lo") or m.group("n") or m.group("word")
        hi = m.group("hi") or lo
        if m.group("lo") and cmp_word == "từ":
            cmp_word = ""  # "từ 3-5 cuộc" is a range
        if m.group("lo") and RE_YEAR.fullmatch(lo) and unit != "%":
            continue  # "2025 - 2030 …" is a period
        if m.group("n") and RE_YEAR.fullmatch(lo) and unit != "%":
            continue  # a year
        up = bool(m.group("up"))
        end = m.end()
        if cmp_word in ("từ", "") and not up and not m.group("lo"):
            later = RE_UP_LATER.match(text, end, pe)
            if later and cmp_word == "từ":
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
            sentences = _spans(text, ps, pe, RE_SENTENCE_END)
            first = sentences[0]
        sent = _find(sentences, lead)
        out.append(_Q(
            lead=lead, num=num_start, end=end, cmp=cmp, explicit=bool(cmp_word) or up,
            vmin=_number(lo), vmax=_number(hi), unit=unit, pct=unit == "%", word=bool(m.group("word")),
            rate_freq=rate_freq, sent=sent, clause=_find(_clauses(text, *sent), lead),
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
        if RE_SUBJECT_BEFORE.search(q.prefix) or (not after and q.pct):
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


def _scoped(folded: str, q: _Q, rx: regex.Pattern, value, para_first: tuple[int, int] | None):
    """The value of the marker that governs ``q``: its clause, its sentence head, its bullet head."""
    need = _NEEDS[rx].search
    cs, ce = q.clause
    ss, se = q.sent
    if need(folded, min(cs, ss), ce):  # the clause lies in the sentence
        for m in rx.finditer(folded, cs, ce):
            return value(m)
        for m in rx.finditer(folded, ss, ce):
            if _is_head(folded, ss, m.start()):
                return value(m)
    if para_first is not None:
        fs, fe = para_first
        for m in rx.finditer(folded, fs, fe) if need(folded, fs, fe) else ():
            if _is_head(folded, fs, m.start()):
                return value(m)
    return None


def _head_marker(folded: str, rx: regex.Pattern, sent: tuple[int, int]):
    if not _NEEDS[rx].search(folded, *sent):
        return None
    for m in rx.finditer(folded, *sent):
        if _is_head(folded, sent[0], m.start()):
            return m
    return None


def _is_head(folded: str, sent_start: int, pos: int) -> bool:
    """A marker heads its sentence when it comes before the first comma or within four words."""
    head = folded[sent_start:pos]
    return "," not in head and ";" not in head or len(head.split()) <= 4


def _level_of(text: str) -> str | None:
    """The one level named in ``text``; "" when several or "các cấp"; None when none."""
    t = RE_LOCATION.sub(" ", text)
    if RE_ALL_LEVELS.search(t):
        return ""
    found = {name for name, rx in RE_LEVELS.items() if rx.search(t)}
    if len(found) == 1:
        return found.pop()
    return "" if found else None


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
# "km", "MW" or a range dash, or by spaces and then a unit, "%", "-" or "đến".
# Most numbers ("12/3/2025", "số 5.", "năm 2025 và") fail this cheap test and
# RE_QTY, slow with its case-insensitive unit list, is not tried there.  Every
# non-ASCII character is let through ("đến", "ý kiến", case-folding look-alikes):
# the test only spares places where RE_QTY surely fails.  The run is possessive,
# so every start found is the start of a whole run, as with RE_DIGITS.
_UNIT_FIRST = "".join(sorted({c for u in UNITS for c in (u[0].lower(), u[0].upper()) if c.isascii()}))
RE_QTY_START = regex.compile(
    r"\d[\d.,]*+(?=[%hHkKmM\-]|[^\x00-\x7f]|\s+(?:[%\-" + _UNIT_FIRST + r"]|[^\x00-\x7f]))"
)
_RE_STRONG_LOWER = regex.compile(RE_STRONG.pattern)


# Number words in a lower-cased text: every place RE_WORD_NUMBER matches (case-insensitively)
# shows one in the lower case, unless the text has "ſ" or "İ" (the only characters that
# match a letter of these words but do not lower-case to it).  Zero-width, so overlapping
# places are all found; each is then confirmed by RE_WORD_NUMBER.  Its matches are whole
# letter runs, so they never overlap and the confirmed places are its finditer's.
_RE_WORD_NUMBER_AT = re.compile("(?=" + "|".join(NUMBER_WORDS) + ")")


def _word_numbers(text: str, low: str | None, ps: int, pe: int) -> list[int]:
    if low is None:
        return [m.start() for m in RE_WORD_NUMBER.finditer(text, ps, pe)]
    match = RE_WORD_NUMBER.match
    return [m.start() for m in _RE_WORD_NUMBER_AT.finditer(low, ps, pe) if match(text, m.start(), pe)]


def _strong_positions(text: str) -> list[int]:
    """Starts of strong comparators (RE_STRONG).  None spans a paragraph break (newline,
    tab), so a paragraph holds one iff a start falls in it.

    A case-insensitive scan of a whole document is slow; a case-sensitive one over its
    lower-cased copy is quick and finds the same phrases (their letters have no case
    look-alikes whose lower case differs).  Each hit is confirmed by RE_STRONG itself,
    so a stray look-alike could only drop a paragraph, never add one."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lower-cases to two characters: offsets would shift
        return [m.start() for m in RE_STRONG.finditer(text)]
    return [m.start() for m in _RE_STRONG_LOWER.finditer(low) if RE_STRONG.match(text, m.start(), m.end())]


def find_targets(doc: Document) -> tuple[list[Target], list[Target]]:
    """All quantified goals and reported achievements of ``doc``: ``(targets, results)``."""
    ctx = _Context(doc)
    text = doc.text
    targets: list[Target] = []
    results: list[Target] = []
    candidates = [m.start() for m in RE_QTY_START.finditer(text)]
    strong = _strong_positions(text)
    low = text.lower() if strong else None
    if low is not None and (len(low) != len(text) or "ſ" in text):
        low = None
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
            cands = sorted(cands + _word_numbers(text, low, ps, pe))
        if cands:
            qs, first = _scan_paragraph(text, ps, pe, cands)
            if qs:
                found.append((ps, pe, qs, first))
    # markers are matched tone-insensitively; only paragraphs with quantities need folding
    pieces, last = [], 0
    for ps, pe, _, _ in found:
        pieces += [text[last:ps], fold(text[ps:pe])]
        last = pe
    folded = "".join(pieces) + text[last:]
    topic_memo: dict[str, tuple[str, ...]] = {}
    for ps, pe, qs, first in found:
        # a bullet's head markers carry on only if its first sentence states a goal
        first_sent = first if qs[0].sent == first else None
        made: list[tuple[list[Target], int] | None] = []
        prev_level: str | None = None
        prev_sent = None
        for q in qs:
            raw_lo, _, _ = doc.evidence(q.num, q.num + 1)
            table = ctx.table_at(raw_lo)
            if table is not None and ctx.is_statistics(table):
                made.append(None)
                continue
            row = _row_at(table, raw_lo) if table is not None else None
            zone = "target" if table is not None else ctx.zone(q.num)
            prefix_f = folded[q.clause[0]:q.lead]
            # "phấn đấu" before the quantity in its sentence (the look-ahead may see past it)
            asp = (RE_ASPIRATION_EXACT.search(text, q.sent[0], q.sent[1])
                   or (RE_ASPIRATION.search(folded, q.sent[0], q.sent[1])
                       if _NEEDS[RE_ASPIRATION].search(folded, q.sent[0], q.sent[1]) else None))
            aspiration = bool((asp and asp.start() < q.lead)
                              or (first_sent and first_sent != q.sent
                                  and _head_marker(folded, RE_ASPIRATION, first_sent)))
            deadline = _scoped(folded, q, RE_DEADLINE, _deadline, first_sent) or ""
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
            head_freq, head_deadline = ctx.heading_markers(q.num)
            freq = q.rate_freq or _scoped(folded, q, RE_FREQ, lambda m: m.lastgroup, first_sent) or ""
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
            actor_m = RE_ACTOR.search(text, q.clause[0], q.lead) or (
                RE_ACTOR.search(_cell(table, row, "chủ trì")) if table is not None else None)
            lo, hi, raw_text = doc.evidence(q.span_start, q.ind_end)
            out = targets if kind == "target" else results
            parent = None
            if q.parent is not None and made[q.parent] is not None and made[q.parent][0] is out:
                parent = made[q.parent][1]
            rec = Target(
                doc_id=doc.doc_id, text=raw_text, start=lo, end=hi, kind=kind, section=doc.section_at(q.num),
                comparator=q.cmp, value_min=q.vmin, value_max=q.vmax, unit=q.unit,
                indicator=" ".join(q.indicator.split()), actor=" ".join(actor_m.group().split()) if actor_m else "",
                level=level or "", frequency=freq, deadline=deadline, aspiration=aspiration,
                # what is counted decides first; the verb before it, the clause, the sentence after
                topics=_topics_first((q.indicator, q.prefix[-80:] + " " + q.indicator, text[q.clause[0]:q.clause[1]],
                                      text[q.sent[0]:q.sent[1]]), topic_memo),
                source="table" if table is not None else "prose", parent=parent,
            )
            out.append(rec)
            made.append((out, len(out) - 1))
    return targets, results
