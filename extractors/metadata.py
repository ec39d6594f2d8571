"""Document metadata: kind, symbol, date, title, period, issuer, signer, recipients, jurisdiction.

Every field carries the evidence span it was read from, or a MISSING status
with the reason.  Values come from the text only, never from the file name.
"""
from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

import regex

from .jurisdiction import fold, is_city, match_commune, match_province
from .normalize import Normalized, finditer_at, line_starts, positions
from .records import Evidence, Field, Metadata, Section, Status

DATA = Path(__file__).parent / "data"
HEADER_CHARS = 3000  # the header block (kind, number, place and date) sits at the top


@lru_cache(maxsize=1)
def doc_kinds() -> list[tuple[str, str]]:
    """(kind, type code) pairs, longest kind first so "Chương trình hành động" wins."""
    with open(DATA / "doc_kinds.tsv", encoding="utf-8", newline="") as f:
        rows = [(r["kind"], r["code"]) for r in csv.DictReader(f, delimiter="\t")]
    return sorted(rows, key=lambda r: -len(r[0]))


def kind_for_code(code: str) -> str | None:
    for kind, c in reversed(doc_kinds()):  # shortest (most general) kind of a code
        if c == code:
            return kind
    return None


def _kind_alternation() -> str:
    return "|".join(regex.escape(k) for k, _ in doc_kinds())


RE_KIND_LINE = regex.compile(rf"^[ \t]*(?P<kind>(?i:{_kind_alternation()}))[ \t]*$", regex.M)
DATE_WORDS = r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
DATE_NUM = r"ngày\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"
RE_PLACE_DATE = regex.compile(rf"(?P<place>\p{{Lu}}[\p{{L}} .]{{1,40}}?)\s*,\s*{DATE_WORDS}")
RE_HEADER_DATE = regex.compile(DATE_WORDS, regex.I)
# A compact symbol grammar for the header line; citations use the full one in symbols.py.
SYMBOL = r"\d+(?:\s*/\s*\d{4})?\s*[-/]\s*\p{Lu}[\p{L}\d&]*(?:\s*[-/]\s*\p{Lu}[\p{L}\d&]*)*"
RE_NUMBER_LINE = regex.compile(rf"(?:^|\s)Số\s*:?\s*(?P<sym>{SYMBOL})", regex.M)
RE_SELF_REF = regex.compile(
    rf"kèm theo\s+(?P<kind>(?i:{_kind_alternation()}))\s+(?:số\s*:?\s*)?(?P<sym>{SYMBOL})"
    rf"(?:\s*,?\s*(?:{DATE_NUM.replace('?P<', '?P<s')}|{DATE_WORDS.replace('?P<', '?P<w')}))?",
)
PERIOD_WORDS = r"(?i:giai\s+đoạn|thời kỳ|nhiệm kỳ)"
PERIOD_YEARS = r"(?P<a>(?:19|20)\d{2})\s*-\s*(?P<b>(?:19|20)\d{2})"
RE_PERIOD = regex.compile(rf"{PERIOD_WORDS}?\s*{PERIOD_YEARS}")
# The two years of RE_PERIOD alone, and what may lead up to them, read backwards
# from the years (see _head_periods).
RE_PERIOD_YEARS = regex.compile(PERIOD_YEARS)
RE_PERIOD_LEAD = regex.compile(rf"(?r){PERIOD_WORDS}?\s*")
RE_IMPLEMENTATION = regex.compile(
    r"(?i:thời gian (?:triển khai )?thực hiện)\s*:?[^\n]{0,60}?(?P<a>(?:19|20)\d{2})[^\n]{0,60}?(?P<b>(?:19|20)\d{2})"
)
RE_TITLE_YEAR = regex.compile(r"(?<!tháng\s+\d{1,2}\s+)(?i:năm)\s+(?P<a>(?:19|20)\d{2})\b")
RE_PERIOD_PHRASE = regex.compile(r"(?i:giai\s+đoạn)\s*(?P<a>(?:19|20)\d{2})\s*-\s*(?P<b>(?:19|20)\d{2})")
RE_SIGNATURE = regex.compile(r"(?:^|[ \t])(?:T/M|TM\.|T\.M\.)[ \t]*(?P<body>\p{Lu}[\p{Lu} ]{2,60}(?:\n[\p{Lu} ]{2,30}(?=\n))?)", regex.M)
RE_RECIPIENTS = regex.compile(r"^[ \t]*Nơi nh[ậâ]n\s*:?", regex.M)
# "- Như trên;": the item is the rest of the line without the blanks around it.  Written
# ``(?P<item>.+?)[ \t]*$`` (the shortest rest that only blanks follow), the pattern
# tried the end of the line after every character of a long item; the greedy form
# ends the item at the last character that is not a blank, which is the same place
# (or takes the one blank left, when only blanks follow the dash, as the lazy form
# did).  tests/extractors/test_metadata_fast_paths.py compares the two.
RE_RECIPIENT_ITEM = regex.compile(r"^[ \t]*[-–+•][ \t]*(?P<item>.*[^ \t\n]|[ \t])[ \t]*$", regex.M)
RE_NOT_A_NAME = regex.compile(r"(?i)nơi nhận|lưu")  # "Lưu VT" after a signature is no signer
RE_CUA_LINE = regex.compile(r"(?i:của)\s")  # "CỦA BAN THƯỜNG VỤ TỈNH ỦY" in a title block names the issuer
RE_CUA_PREFIX = regex.compile(r"(?i)^của\s+")
RE_VE_PREFIX = regex.compile(r"^(?i:về)\s+")  # "Về công tác …": the title without "về"
RE_PERSON = regex.compile(r"^[ \t]*(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}*){1,4})[ \t]*$", regex.M)
RE_PROVINCE_MENTION = regex.compile(r"(?:\b(?:tỉnh|TỈNH|Tỉnh|thành phố|THÀNH PHỐ|Thành phố|TỈNH ỦY|Tỉnh ủy|TỈNH UỶ)\s+)(?P<name>\p{Lu}\p{L}*(?:\s+\p{Lu}\p{L}*){0,2})")
RE_COMMUNE_MENTION = regex.compile(r"\b(?:xã|XÃ|Xã)\s+(?P<name>\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,2})")
# Every match of the two patterns above starts with one of these words: they
# are tried only where one occurs (see normalize.finditer_at), which finds the
# same matches as a scan of the whole text, about twice as fast.
PROVINCE_WORDS = ("tỉnh", "TỈNH", "Tỉnh", "thành phố", "THÀNH PHỐ", "Thành phố")
COMMUNE_WORDS = ("xã", "XÃ", "Xã")


def _mentions(rx, text: str, words: tuple[str, ...]):
    return finditer_at(rx, text, _word_positions(text, words))


# Words up to this long are found through one of their characters (_word_positions).
MAX_ANCHORED = 4


@lru_cache(maxsize=None)  # keyed by the few constant word lists above
def _anchors(words: tuple[str, ...]) -> tuple[tuple[tuple[str, tuple[tuple[str, int], ...]], ...], tuple[str, ...]]:
    """The short words grouped by their last non-ASCII character, with its index in each
    (``"ỉ": (("tỉnh", 1), ("Tỉnh", 1))``), and the other words."""
    groups: dict[str, list[tuple[str, int]]] = {}
    plain = []
    for w in words:
        k = max((i for i, c in enumerate(w) if not c.isascii()), default=None)
        if k is None or len(w) > MAX_ANCHORED:
            plain.append(w)
        else:
            groups.setdefault(w[k], []).append((w, k))
    return tuple((c, tuple(ws)) for c, ws in groups.items()), tuple(plain)


def _word_positions(text: str, words: tuple[str, ...]) -> list[int]:
    """Where each of ``words`` occurs: ``[i for w in words for i in positions(text, w)]``,
    in another order.

    ``str.find`` of a word of several characters compares the word's last
    character with the text's, skipping at most the word's length plus one
    on a mismatch: a short word ("xã", "tỉnh") costs it most of a character
    of the text each.  A single character is found with ``memchr``, many
    times faster, so a short word is looked for where its last non-ASCII
    character occurs (the letter with a tone mark: "ỉ" of "tỉnh", "ã" of
    "xã"), found once for all the words that share it, and checked there with
    ``startswith``; every occurrence of the word holds that character at the
    same index, so none is missed.  (A longer word is found faster by
    ``str.find`` than through a letter as common as "ố" of "thành phố".)
    """
    groups, plain = _anchors(words)
    out = [i for w in plain for i in positions(text, w)]
    for c, ws in groups:
        i = text.find(c)
        while i >= 0:
            for w, k in ws:
                if i >= k and text.startswith(w, i - k):
                    out.append(i - k)
            i = text.find(c, i + 1)
    return out


NATIONAL_CODES = {"TW", "CP", "TTg", "QH", "MTTW", "BCT", "BBT", "UBTVQH"}

# Signature bodies ("T/M BAN THƯỜNG VỤ") → issuer name, by level of the document.
SIGNATURE_ISSUERS = {
    "BAN THƯỜNG VỤ": {"tỉnh": "Ban Thường vụ Tỉnh ủy", "xã": "Ban Thường vụ Đảng ủy xã"},
    "BAN CHẤP HÀNH": {"tỉnh": "Ban Chấp hành Đảng bộ tỉnh", "xã": "Ban Chấp hành Đảng bộ xã"},
    "TỈNH ỦY": {"tỉnh": "Tỉnh ủy"},
    "ĐẢNG ỦY": {"tỉnh": "Đảng ủy", "xã": "Đảng ủy xã"},
    "BAN THƯỜNG TRỰC": {"tỉnh": "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh", "xã": "Ban Thường trực Ủy ban MTTQ Việt Nam xã"},
    "ỦY BAN NHÂN DÂN": {"tỉnh": "Ủy ban nhân dân tỉnh", "xã": "Ủy ban nhân dân xã"},
    "HỘI ĐỒNG NHÂN DÂN": {"tỉnh": "Hội đồng nhân dân tỉnh", "xã": "Hội đồng nhân dân xã"},
    "CHÍNH PHỦ": {"trung ương": "Chính phủ"},
    "BỘ CHÍNH TRỊ": {"trung ương": "Bộ Chính trị"},
    "BAN BÍ THƯ": {"trung ương": "Ban Bí thư"},
    "QUỐC HỘI": {"trung ương": "Quốc hội"},
}


def _field(norm: Normalized, start: int, end: int, value, source: str) -> Field:
    lo, hi, text = norm.evidence(start, end)
    return Field(value, Status.FOUND, Evidence(lo, hi, text), source)


def _iso(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def clean_symbol(s: str) -> str:
    """Display form: no spaces, and a slash between type and issuer in the Party form.

    >>> clean_symbol("02 - ĐA/TU"), clean_symbol("212-QĐ-TW"), clean_symbol("165/KH-UBND")
    ('02-ĐA/TU', '212-QĐ/TW', '165/KH-UBND')
    """
    s = regex.sub(r"\s+", "", s)
    if regex.match(r"^\d+-", s) and "/" not in s:
        s = regex.sub(r"^(\d+-[^-]+)-", r"\1/", s)
    return s


def find_metadata(norm: Normalized, sections: list[Section], section_starts: list[int]) -> Metadata:
    text = norm.text
    head_end = min(len(text), HEADER_CHARS)
    if section_starts:
        # the header ends at the first numbered heading, but never before the kind line
        head_end = max(min(head_end, section_starts[0] + 1), min(len(text), 600))
    head = text[:head_end]

    kind = symbol = number = doc_date = title = issuer = Field.missing("not found in the header")
    kind_match = RE_KIND_LINE.search(head)
    if kind_match:
        k = _canonical_kind(kind_match.group("kind"))
        kind = _field(norm, *kind_match.span("kind"), k, "header")

    m = RE_NUMBER_LINE.search(head)
    if m:
        sym = clean_symbol(m.group("sym"))
        symbol = _field(norm, *m.span("sym"), sym, "header")
        number = _field(norm, *m.span("sym"), regex.match(r"\d+", sym).group(), "header")

    m = RE_PLACE_DATE.search(head) or RE_HEADER_DATE.search(head)
    if m and (iso := _iso(m.group("y"), m.group("m"), m.group("d"))):
        doc_date = _field(norm, m.start("d") - 5 if text[m.start("d") - 5 : m.start("d")].lower() == "ngày " else m.start(), m.end(), iso, "header")
    place = m.group("place").strip() if m and "place" in m.groupdict() and m.group("place") else None

    selfref = RE_SELF_REF.search(text)
    if selfref:
        sym = clean_symbol(selfref.group("sym"))
        if symbol.status is Status.MISSING:
            symbol = _field(norm, *selfref.span("sym"), sym, "self-reference")
            number = _field(norm, *selfref.span("sym"), regex.match(r"\d+", sym).group(), "self-reference")
        if kind.status is Status.MISSING:
            kind = _field(norm, *selfref.span("kind"), _canonical_kind(selfref.group("kind")), "self-reference")
        if doc_date.status is Status.MISSING:
            for p in ("s", "w"):
                if selfref.group(p + "y"):
                    iso = _iso(selfref.group(p + "y"), selfref.group(p + "m"), selfref.group(p + "d"))
                    if iso:
                        doc_date = _field(norm, selfref.start(p + "d"), selfref.end(p + "y"), iso, "self-reference")
    if symbol.status is Status.MISSING:
        symbol = number = Field.missing("no number line in the header and no reference of the document to itself")
    if kind.status is Status.MISSING and symbol.status is Status.FOUND:
        code = regex.search(r"[-/](\p{Lu}[\p{L}]*)", symbol.value)
        k = kind_for_code(code.group(1)) if code else None
        if k:
            kind = Field(k, Status.FOUND, symbol.evidence, "symbol type code")

    title, title_issuer = _title(norm, kind_match)
    period_start, period_end = _period(norm, title, doc_date)
    signature = _signature(norm)
    level, province, commune = _jurisdiction(norm, head, place, symbol, signature, title)
    issuer = _issuer(norm, signature, title_issuer, level, province)
    signer = _signer(norm, signature)
    recipients = _recipients(norm)
    return Metadata(
        kind=kind, symbol=symbol, number=number, date=doc_date, title=title,
        period_start=period_start, period_end=period_end, issuer=issuer, signer=signer,
        recipients=recipients, province=province, commune=commune, level=level,
    )


def _canonical_kind(written: str) -> str:
    low = " ".join(written.split()).lower()
    for kind, _ in doc_kinds():
        if kind.lower() == low:
            return kind
    return written.strip().capitalize()


def _title(norm: Normalized, kind_match) -> tuple[Field, Field | None]:
    """The subject block after the kind line; a "CỦA …" line in it names the issuer."""
    if not kind_match:
        return Field.missing("no kind line to anchor the title"), None
    text = norm.text
    pos = kind_match.end()
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    end = text.find("\n\n", pos)
    end = len(text) if end < 0 else end
    block_start = pos
    issuer = None
    lines = text[block_start:end].split("\n")
    offset = block_start
    kept: list[tuple[int, int]] = []
    for line in lines:
        a, b = offset, offset + len(line)
        offset = b + 1
        stripped = line.strip()
        if not stripped:
            continue
        if RE_CUA_LINE.match(stripped) and issuer is None and not kept:
            issuer = _field(norm, a, b, _sentence_case(RE_CUA_PREFIX.sub("", stripped)), "title block")
            continue
        kept.append((a, b))
    if not kept:
        return Field.missing("empty title block"), issuer
    a, b = kept[0][0], kept[-1][1]
    value = " ".join(text[a:b].split())
    value = RE_VE_PREFIX.sub("", value)
    value = value[0].upper() + value[1:] if value else value
    if value.isupper():
        value = _sentence_case(value)
    return _field(norm, a, b, value, "title block"), issuer


PROPER = ("Tỉnh ủy", "Đảng", "Mặt trận Tổ quốc", "Việt Nam", "Ủy ban", "Ban Thường vụ", "Ban Chấp hành", "Nhân dân", "Hồ Chí Minh")
RE_PROPER = tuple((regex.compile(regex.escape(p), regex.I), p) for p in PROPER)


def _sentence_case(s: str) -> str:
    out = s.lower()
    out = out[:1].upper() + out[1:]
    for rx, p in RE_PROPER:
        out = rx.sub(p, out)
    # symbols and codes keep their letters ("27/CT-TTg")
    for token in regex.findall(r"\S*\d\S*", s):
        out = regex.sub(regex.escape(token), token, out, flags=regex.I)
    return out


def _head_periods(text: str, end: int):
    """What ``RE_PERIOD.finditer(text, 0, end)`` yields, each scan started where a match can.

    RE_PERIOD tried at every position of the header costs more than the rest
    of the metadata; the two years alone (RE_PERIOD_YEARS, which open with a
    digit) are found many times faster.  Every match of RE_PERIOD holds the
    years, and only the period words and blanks can come before them in it:
    none of those is a digit, so the next match cannot start before the lead
    of the next years found, ``y`` (the words, if they end where the blanks
    before ``y`` start, and those blanks: RE_PERIOD_LEAD matched backwards
    from ``y``), and it starts by ``y`` at the latest.  So RE_PERIOD is
    searched from there, and only a few positions are tried.
    """
    pos = 0
    while True:
        years = RE_PERIOD_YEARS.search(text, pos, end)
        if years is None:
            return
        m = RE_PERIOD.search(text, max(pos, RE_PERIOD_LEAD.match(text, 0, years.start()).start()), end)
        if m is None:  # cannot happen: RE_PERIOD matches at years.start()
            return
        yield m
        pos = m.end()


def _period(norm: Normalized, title: Field, doc_date: Field) -> tuple[Field, Field]:
    text = norm.text
    if title.status is Status.FOUND:
        for m in _head_periods(text, min(len(text), HEADER_CHARS)):
            if title.evidence and title.evidence.start <= norm.raw_span(*m.span())[0] <= title.evidence.end:
                return (_field(norm, *m.span(), int(m.group("a")), "title"), _field(norm, *m.span(), int(m.group("b")), "title"))
        for m in RE_TITLE_YEAR.finditer(title.value or ""):
            ev = title.evidence
            return (Field(int(m.group("a")), Status.FOUND, ev, "title year"), Field(int(m.group("a")), Status.FOUND, ev, "title year"))
    m = RE_IMPLEMENTATION.search(text)
    if m and int(m.group("a")) <= int(m.group("b")):
        return (_field(norm, *m.span(), int(m.group("a")), "implementation time"), _field(norm, *m.span(), int(m.group("b")), "implementation time"))
    year = int(doc_date.value[:4]) if doc_date.status is Status.FOUND else None
    for m in RE_PERIOD_PHRASE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b and (year is None or a <= year + 1 <= b + 1):
            return (_field(norm, *m.span(), a, "text"), _field(norm, *m.span(), b, "text"))
    missing = Field.missing("no 'giai đoạn YYYY - YYYY' in the title or text")
    return missing, missing


def _signature(norm: Normalized):
    sigs = list(RE_SIGNATURE.finditer(norm.text))
    return sigs[-1] if sigs else None


def _signature_key(body: str) -> str | None:
    body = " ".join(body.upper().replace("UỶ", "ỦY").split())
    for key in SIGNATURE_ISSUERS:
        if body.startswith(key):
            return key
    return None


def _issuer(norm: Normalized, signature, title_issuer: Field | None, level: Field, province: Field) -> Field:
    if title_issuer is not None:
        return title_issuer
    if signature:
        key = _signature_key(signature.group("body"))
        if key:
            names = SIGNATURE_ISSUERS[key]
            lvl = level.value if level.value in names else next(iter(names))
            name = names[lvl]
            if lvl == "tỉnh" and province.status is Status.FOUND and is_city(province.value):
                name = name.replace("Tỉnh ủy", "Thành ủy").replace(" tỉnh", " thành phố")
            return _field(norm, *signature.span("body"), name, "signature")
    return Field.missing("no 'CỦA …' line in the title and no T/M signature block")


def _signer(norm: Normalized, signature) -> Field:
    if not signature:
        return Field.missing("no signature block")
    text = norm.text
    window_end = min(len(text), signature.end() + 400)
    for m in RE_PERSON.finditer(text, signature.end(), window_end):
        name = m.group("name")
        if not name.isupper() and not RE_NOT_A_NAME.search(name):
            return _field(norm, *m.span("name"), name, "signature")
    return Field.missing("no name after the signature block")


def _recipients(norm: Normalized) -> Field:
    text = norm.text
    m = None
    # the pattern only matches at the start of a line opening with "Nơi nh"
    for m in finditer_at(RE_RECIPIENTS, text, line_starts(text, positions(text, "Nơi nh"))):
        pass
    if not m:
        return Field.missing("no 'Nơi nhận' block")
    items = []
    pos = m.end()
    first = last = None
    for line_m in RE_RECIPIENT_ITEM.finditer(text[pos : pos + 3000]):
        item = line_m.group("item").rstrip(",;.")
        items.append(item)
        a, b = pos + line_m.start("item"), pos + line_m.end("item")
        first = a if first is None else first
        last = b
    if not items:
        return Field.missing("empty 'Nơi nhận' block")
    return _field(norm, first, last, items, "Nơi nhận")


def _jurisdiction(norm: Normalized, head: str, place: str | None, symbol: Field, signature, title: Field):
    text = norm.text
    code = None
    if symbol.status is Status.FOUND:
        parts = regex.split(r"[-/]", symbol.value)
        code = parts[-1] if parts else None
    sig_key = _signature_key(signature.group("body")) if signature else None
    national = (code in NATIONAL_CODES or (code or "").startswith("QH")
                or (sig_key is not None and "trung ương" in SIGNATURE_ISSUERS[sig_key]))
    if national:
        ev = symbol if symbol.status is Status.FOUND else None
        level = Field("trung ương", Status.FOUND, ev.evidence if ev else None, "issuer code" if ev else "signature")
        reason = "a central (trung ương) document has no provincial jurisdiction"
        return level, Field.missing(reason), Field.missing(reason)

    province = Field.missing("no province named in the place line, header or text")
    prov_place = None
    if place:
        hit = match_province(place.split(",")[-1].strip())
        if hit:
            i = text.find(place)
            prov_place = hit
            province = _field(norm, i, i + len(place), hit.name, "place and date line")
    if prov_place is None:
        counts: Counter[str] = Counter()
        first_span: dict[str, tuple[int, int]] = {}
        for m in _mentions(RE_PROVINCE_MENTION, text, PROVINCE_WORDS):
            hit = _province_prefix(m.group("name"))
            if hit:
                counts[hit.name] += 1
                first_span.setdefault(hit.name, m.span("name"))
        if counts:
            name, _ = counts.most_common(1)[0]
            province = _field(norm, *first_span[name], name, "most named province")

    commune = Field.missing("no commune named in the title or header")
    level = Field("tỉnh", Status.FOUND, province.evidence, "province") if province.status is Status.FOUND else Field.missing("no jurisdiction found")
    ccounts: Counter[str] = Counter()
    cspan: dict[str, tuple[int, int]] = {}
    for m in _mentions(RE_COMMUNE_MENTION, text, COMMUNE_WORDS):
        name = m.group("name")
        ccounts[name] += 1
        cspan.setdefault(name, m.span("name"))
    title_text = title.evidence.text if title.status is Status.FOUND and title.evidence else ""
    for name, n in ccounts.most_common(3):
        in_title = fold(name) in fold(title_text)
        if not in_title and n < 3:
            continue
        hit = match_commune(name, province.value if province.status is Status.FOUND else None)
        if hit:
            commune = _field(norm, *cspan[name], hit.name, "title" if in_title else "most named commune")
            if province.status is Status.MISSING or province.value != hit.province:
                province = Field(hit.province, Status.FOUND, commune.evidence, "province of the commune in the 2025 registry")
            level = Field("xã", Status.FOUND, commune.evidence, "commune")
            break
    return level, province, commune


def _province_prefix(name: str):
    """Longest leading words of ``name`` that are a province ("Tuyên Quang trong" → Tuyên Quang)."""
    words = name.split()
    for n in range(len(words), 0, -1):
        hit = match_province(" ".join(words[:n]))
        if hit and hit.score >= 95:
            return hit
    return None
