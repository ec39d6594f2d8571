"""symbols: the grammar of Vietnamese document symbols (số ký hiệu).

Three shapes are in use, and real text bends each of them:

=========  ================================  ===============================================
form       shape                             examples
=========  ================================  ===============================================
party      ``<n>-<TYPE>/<ISSUER>``           217-QĐ/TW · 09-CTr/ĐU · 17-CTPH/MTTQ-TT-STP-HLG-ĐLS
state      ``<n>/<year>/<TYPE>-<ISSUER>``    93/2021/NĐ-CP · 75/2015/QH13 · 403/2017/NQLT-UBTVQH14-CP-…
admin      ``<n>/<TYPE>-<ISSUER>``           318/QĐ-TTg · 303/TB-MTTW-BTT · 2133/MTTQ-BTT (no type)
=========  ================================  ===============================================

Variants accepted: spaces or a line break around the dash and slash
("217 - QĐ/TW", "75-\\nKL/TW", "75/KH- UBND"), a hyphen where the Party slash
belongs ("212-QĐ-TW"), a space where the Party dash belongs ("104 CTr/TU"),
upper-case headings ("27/CT-TTG").  Dash and slash look-alikes are already
ASCII after :mod:`normalize`; :func:`parse_symbol` unifies them again so it
also works on raw strings.

Public API: :data:`RE_SYMBOL` (compiled, for ``finditer``), :data:`SYMBOL`
(the pattern source, to embed in bigger patterns), :func:`parse_symbol`,
:func:`symbol_from_match`, :class:`Symbol`, :func:`issuer_info`,
:func:`type_codes`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

DATA = Path(__file__).parent / "data"


# --- vocabularies (data files, loaded once) -----------------------------------

@dataclass(frozen=True, slots=True)
class IssuerCode:
    code: str
    meaning: str
    scope: str  # national | local | unit (a sub-unit: scope comes from the code before it)
    level: str


@lru_cache(maxsize=1)
def issuer_codes() -> dict[str, IssuerCode]:
    with open(DATA / "issuer_codes.tsv", encoding="utf-8", newline="") as f:
        rows = [IssuerCode(r["code"], r["meaning"], r["scope"], r["level"]) for r in csv.DictReader(f, delimiter="\t")]
    return {r.code.upper(): r for r in rows}


@lru_cache(maxsize=1)
def kind_rows() -> tuple[dict[str, str], ...]:
    with open(DATA / "doc_kinds.tsv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f, delimiter="\t"))


@lru_cache(maxsize=1)
def type_codes() -> frozenset[str]:
    """Every type code of doc_kinds.tsv (code and code_variants), upper-cased."""
    codes = set()
    for r in kind_rows():
        for c in [r["code"], *(r.get("code_variants") or "").split("|")]:
            if c:
                codes.add(c.upper())
    return frozenset(codes)


def issuer_info(code: str) -> IssuerCode | None:
    """The table row of one issuer code; a trailing term number is ignored (QH13 → QH).

    >>> issuer_info("QH15").meaning.startswith("Quốc hội")
    True
    """
    table = issuer_codes()
    up = code.upper()
    return table.get(up) or table.get(up.rstrip("0123456789"))


# scope_of and level_of are kept per code: a document cites the same few issuers
# again and again, and each reads the code segment by segment.
@lru_cache(maxsize=4096)
def scope_of(issuer_code: str) -> str:
    """national | local | "" for an issuer code such as "MTTW-BTT" or "UBTVQH14-CP".

    The first segment with a definite scope decides; a sub-unit (BTT, ĐCT)
    defers to the body before it.  Unknown codes ending in TW (BTGTW) are
    central Party organs, those ending in TU/HU/QU/ĐU local ones.
    """
    for seg in issuer_code.split("-"):
        info = issuer_info(seg)
        if info and info.scope in ("national", "local"):
            return info.scope
        up = seg.upper()
        if info is None and len(up) > 2:
            if up.endswith("TW"):
                return "national"
            if up.endswith(("TU", "HU", "QU", "ĐU")):
                return "local"
    return ""


@lru_cache(maxsize=4096)
def level_of(issuer_code: str) -> str:
    for seg in issuer_code.split("-"):
        info = issuer_info(seg)
        if info and info.scope in ("national", "local"):
            return info.level
    return ""


# --- the grammar -------------------------------------------------------------

# Spaces and at most one line break: pdftotext and hard-wrapped text break
# references anywhere ("Kết luận số 75-\nKL/TW").
_WS = r"[ \t]*+(?:\n[ \t]*+)?"
DASH = rf"{_WS}-{_WS}"
SLASH = rf"{_WS}/{_WS}"
# A code is upper-case letters and digits with at most one lower-case ASCII
# letter inside (CTr, TTg, CTrPH, TTr); "&" occurs in NN&PTNT.  It must end
# at a word boundary so words ("Tổng", "Ban") never pass for codes.
CODE = r"\p{Lu}[\p{Lu}\d&]*+(?:[a-z][\p{Lu}\d&]*+)?(?![\p{L}\d])"
# Further issuer segments are glued with a bare hyphen: "MTTQ-TT-STP-HLG-ĐLS".
_MORE = rf"(?:-{CODE})*+"
# The number is not part of a date, a decimal or a section number.
NUM = r"(?<![\p{L}\d./,-])\d{1,5}(?![\d.,])"
YEAR = r"(?:19|20)\d\d"

# Known type codes, longest first, for the shapes that need them.
_TYPE_ALT = "(?:" + "|".join(regex.escape(c) for c in sorted(
    {c for r in kind_rows() for c in [r["code"], *(r.get("code_variants") or "").split("|")] if c},
    key=lambda c: (-len(c), c))) + ")"

SYMBOL = (
    # state: 93/2021/NĐ-CP · 75/2015/QH13 · 403/2017/NQLT-UBTVQH14-CP-ĐCTUBTWMTTQVN
    rf"(?P<s_num>{NUM}){SLASH}(?P<s_year>{YEAR}){SLASH}(?P<s_codes>{CODE}{_MORE}(?:{DASH}{CODE}{_MORE})?)"
    # party: 217-QĐ/TW · "217 - QĐ/TW" · "104 CTr/TU"
    rf"|(?P<p_num>{NUM})(?:{DASH}|[ \t]++)(?P<p_type>{CODE}){SLASH}(?P<p_issuer>{CODE}{_MORE})"
    # party with a hyphen for the slash: 212-QĐ-TW (type and issuer must be known codes)
    rf"|(?P<h_num>{NUM}){DASH}(?P<h_type>{_TYPE_ALT})-(?P<h_issuer>TW|TU|HU|QU|ĐU|TXU|TPU|ĐUK)(?![\p{{L}}\d])"
    # admin: 318/QĐ-TTg · 303/TB-MTTW-BTT · 2133/MTTQ-BTT · 27/CTTg (one code: see single_code)
    rf"|(?P<a_num>{NUM}){SLASH}(?P<a_codes>{CODE}{_MORE}(?:{DASH}{CODE}{_MORE})?)"
)
RE_SYMBOL = regex.compile(SYMBOL, regex.V1)
_RE_SPACE = regex.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Symbol:
    """A parsed symbol; ``symbol`` is the display form (ASCII hyphen, no spaces)."""

    number: str
    symbol: str
    type_code: str
    issuer_code: str
    year: int | None
    form: str  # party | state | admin
    scope: str  # national | local | ""
    level: str = ""

    @property
    def single_code(self) -> bool:
        """An admin symbol of one code ("27/CTTg", "5/TTr"): only trusted after a kind word."""
        return self.form == "admin" and "-" not in self.symbol.split("/", 1)[1]


def _split_glued(code: str) -> tuple[str, str]:
    """"CTTg" → ("CT", "TTg"): a type code glued to a known issuer code."""
    for n in range(len(code) - 1, 0, -1):
        head, tail = code[:n], code[n:]
        if head.upper() in type_codes() and issuer_info(tail):
            return head, tail
    return "", code


# The groups of SYMBOL that make a Symbol, in the order _symbol_from_groups takes them.
_SYMBOL_GROUPS = ("s_num", "s_year", "s_codes", "p_num", "p_type", "p_issuer", "h_num", "h_type", "h_issuer",
                  "a_num", "a_codes")
_GROUP_NUMBERS: dict[regex.Pattern, tuple[int, ...]] = {}


def symbol_from_match(m: regex.Match) -> Symbol:
    """Build a :class:`Symbol` from a match of :data:`RE_SYMBOL` (or a pattern embedding it).

    The groups are read in one call, by number: the regex module looks a
    group name up in a fresh copy of the pattern's group table on every
    call, ~4x the cost of a number (the numbers are found once per pattern).
    """
    numbers = _GROUP_NUMBERS.get(m.re)
    if numbers is None:
        numbers = _GROUP_NUMBERS[m.re] = tuple(m.re.groupindex[name] for name in _SYMBOL_GROUPS)
    return _symbol_from_groups(m.group(*numbers))


def _clean(s: str) -> str:
    return _RE_SPACE.sub("", s)


# A Symbol is a function of its groups alone, kept per groups (the pieces of
# one symbol): a document cites the same few documents again and again, and
# the well-known ones recur from document to document.
@lru_cache(maxsize=4096)
def _symbol_from_groups(groups: tuple[str | None, ...]) -> Symbol:
    s_num, s_year, s_codes, p_num, p_type, p_issuer, h_num, h_type, h_issuer, a_num, a_codes = groups
    if s_num:
        num, year = s_num, int(s_year)
        codes = _clean(s_codes)
        first, _, rest = codes.partition("-")
        if not rest and issuer_info(first) and first.upper() not in type_codes():
            typ, iss = "", first  # a law or resolution of the National Assembly: 75/2015/QH13
        else:
            typ, iss = first, rest
        return Symbol(num, f"{num}/{year}/{codes}", typ, iss, year, "state", scope_of(iss), level_of(iss))
    if p_num or h_num:
        num, typ, iss = (p_num, p_type, p_issuer) if p_num else (h_num, h_type, h_issuer)
        typ, iss = _clean(typ), _clean(iss)
        return Symbol(num, f"{num}-{typ}/{iss}", typ, iss, None, "party", scope_of(iss), level_of(iss))
    num, codes = a_num, _clean(a_codes)
    first, _, rest = codes.partition("-")
    if not rest:
        typ, iss = _split_glued(first)
    elif first.upper() in type_codes():
        typ, iss = first, rest
    else:
        typ, iss = "", codes  # a công văn carries no type code: 2133/MTTQ-BTT
    return Symbol(num, f"{num}/{codes}", typ, iss, None, "admin", scope_of(iss), level_of(iss))


def parse_symbol(s: str) -> Symbol:
    """Parse one symbol written in any of the accepted shapes.

    >>> parse_symbol("217 - QĐ/TW")
    Symbol(number='217', symbol='217-QĐ/TW', type_code='QĐ', issuer_code='TW', year=None, form='party', scope='national', level='trung ương')
    >>> parse_symbol("212-QĐ-TW").symbol
    '212-QĐ/TW'
    >>> parse_symbol("93/2021/NĐ-CP").year
    2021
    """
    from .normalize import punctuation  # dash and slash look-alikes → ASCII

    text = punctuation(s).strip()
    m = RE_SYMBOL.fullmatch(text)
    if not m:
        raise ValueError(f"not a document symbol: {s!r}")
    return symbol_from_match(m)
