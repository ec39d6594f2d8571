"""The symbol grammar: every shape and variant, and strings that are not symbols."""
from __future__ import annotations

import pytest
import regex

from extractors.normalize import punctuation
from extractors.symbols import RE_SYMBOL, SYMBOL, issuer_info, parse_symbol, scope_of, symbol_from_match

# (as written, display symbol, type code, issuer code, year, form, scope)
SYMBOLS = [
    # Party form
    ("217-QĐ/TW", "217-QĐ/TW", "QĐ", "TW", None, "party", "national"),
    ("02-ĐA/TU", "02-ĐA/TU", "ĐA", "TU", None, "party", "local"),
    ("09-CTr/ĐU", "09-CTr/ĐU", "CTr", "ĐU", None, "party", "local"),
    ("51-CTr/TU", "51-CTr/TU", "CTr", "TU", None, "party", "local"),
    ("124-QĐ/TW", "124-QĐ/TW", "QĐ", "TW", None, "party", "national"),
    ("17-CTPH/MTTQ-TT-STP-HLG-ĐLS", "17-CTPH/MTTQ-TT-STP-HLG-ĐLS", "CTPH", "MTTQ-TT-STP-HLG-ĐLS", None, "party", "local"),
    ("45-KH/HU", "45-KH/HU", "KH", "HU", None, "party", "local"),
    ("98-HD/BTGTW", "98-HD/BTGTW", "HD", "BTGTW", None, "party", "national"),
    # Party form variants
    ("217 - QĐ/TW", "217-QĐ/TW", "QĐ", "TW", None, "party", "national"),
    ("02 - ĐA/TU", "02-ĐA/TU", "ĐA", "TU", None, "party", "local"),
    ("217 – QĐ／TW", "217-QĐ/TW", "QĐ", "TW", None, "party", "national"),
    ("212-QĐ-TW", "212-QĐ/TW", "QĐ", "TW", None, "party", "national"),
    ("104 CTr/TU", "104-CTr/TU", "CTr", "TU", None, "party", "local"),
    ("104 -CTr/TU", "104-CTr/TU", "CTr", "TU", None, "party", "local"),
    ("75-\nKL/TW", "75-KL/TW", "KL", "TW", None, "party", "national"),
    ("21 -NQ/ TW", "21-NQ/TW", "NQ", "TW", None, "party", "national"),
    # State legal form
    ("93/2021/NĐ-CP", "93/2021/NĐ-CP", "NĐ", "CP", 2021, "state", "national"),
    ("01/2024/TT-BNV", "01/2024/TT-BNV", "TT", "BNV", 2024, "state", "national"),
    ("75/2015/QH13", "75/2015/QH13", "", "QH13", 2015, "state", "national"),
    ("203/2025/QH15", "203/2025/QH15", "", "QH15", 2025, "state", "national"),
    ("403/2017/NQLT-UBTVQH14-CP-ĐCTUBTWMTTQVN", "403/2017/NQLT-UBTVQH14-CP-ĐCTUBTWMTTQVN", "NQLT",
     "UBTVQH14-CP-ĐCTUBTWMTTQVN", 2017, "state", "national"),
    ("403/2017/NQLT", "403/2017/NQLT", "NQLT", "", 2017, "state", ""),
    ("15/2023/NQ-HĐND", "15/2023/NQ-HĐND", "NQ", "HĐND", 2023, "state", "local"),
    ("93 / 2021 / NĐ - CP", "93/2021/NĐ-CP", "NĐ", "CP", 2021, "state", "national"),
    # administrative form
    ("318/QĐ-TTg", "318/QĐ-TTg", "QĐ", "TTg", None, "admin", "national"),
    ("303/TB-MTTW-BTT", "303/TB-MTTW-BTT", "TB", "MTTW-BTT", None, "admin", "national"),
    ("303/HD-MTTQ-BTT", "303/HD-MTTQ-BTT", "HD", "MTTQ-BTT", None, "admin", "local"),
    ("113/HD-MTTW-BTT", "113/HD-MTTW-BTT", "HD", "MTTW-BTT", None, "admin", "national"),
    ("2133/MTTQ-BTT", "2133/MTTQ-BTT", "", "MTTQ-BTT", None, "admin", "local"),
    ("6676/BYT-CDS", "6676/BYT-CDS", "", "BYT-CDS", None, "admin", "national"),
    ("258/CTrPH-MTTQ-SLĐ", "258/CTrPH-MTTQ-SLĐ", "CTrPH", "MTTQ-SLĐ", None, "admin", "local"),
    ("01/ĐA-MTTW-BTT", "01/ĐA-MTTW-BTT", "ĐA", "MTTW-BTT", None, "admin", "national"),
    ("75/KH- UBND", "75/KH-UBND", "KH", "UBND", None, "admin", "local"),
    ("27/CT-TTG", "27/CT-TTG", "CT", "TTG", None, "admin", "national"),
    ("157/TB-VPCP", "157/TB-VPCP", "TB", "VPCP", None, "admin", "national"),
    ("3112/QĐ-UBND", "3112/QĐ-UBND", "QĐ", "UBND", None, "admin", "local"),
]


@pytest.mark.parametrize("written, symbol, type_code, issuer_code, year, form, scope", SYMBOLS)
def test_parse_symbol(written, symbol, type_code, issuer_code, year, form, scope):
    s = parse_symbol(written)
    assert (s.symbol, s.type_code, s.issuer_code, s.year, s.form, s.scope) == (
        symbol, type_code, issuer_code, year, form, scope)


@pytest.mark.parametrize("written", [w for w, *_ in SYMBOLS])
def test_symbol_found_in_running_text(written):
    # RE_SYMBOL reads normalised text: dash and slash look-alikes are ASCII there
    m = RE_SYMBOL.search(punctuation(f"theo văn bản {written} ngày 12/12/2013."))
    assert m and parse_symbol(m.group()).symbol == parse_symbol(written).symbol


def test_number_kept_as_written():
    assert parse_symbol("02-ĐA/TU").number == "02"


NOT_SYMBOLS = [
    "ngày 12/12/2013",
    "12/12/2013",
    "ngày 30 /8/2026",
    "Quý II/2022",
    "quý 1/2026",
    "điện thoại 0208.3855.123",
    "0912 345 678",
    "01 ngày/tháng",
    "01 lần/năm",
    "đạt 100%",
    "tăng 2,5%/năm",
    "mục 2.2.1.",
    "2.2.1. Nâng cao chất lượng",
    "Biểu số 3",
    "Phụ lục số 02",
    "lần thứ XIII",
    "giai đoạn 2021-2025",
    "nhiệm kỳ 2025 - 2030",
    "1.320 người",
    "tỉnh/thành phố",
    "HĐND/UBND",
    "Tổng số 2016 62",
    "3 - Tổng hợp",
    "điểm a khoản 4 Điều 12",
    "5 km/h",
]


@pytest.mark.parametrize("text", NOT_SYMBOLS)
def test_not_a_symbol(text):
    assert RE_SYMBOL.search(text) is None


@pytest.mark.parametrize("text", ["12/12/2013", "ngày 12/12/2013", "Biểu số 3", ""])
def test_parse_symbol_rejects(text):
    with pytest.raises(ValueError):
        parse_symbol(text)


def test_issuer_table():
    assert issuer_info("QH15").scope == "national"
    assert issuer_info("ĐU").level == "xã"
    assert scope_of("MTTQ-BTT") == "local"
    assert scope_of("BTT") == ""


def test_a_pattern_embedding_the_grammar_gives_the_same_symbols():
    """symbol_from_match reads its groups by number, found once per pattern: a
    pattern with groups of its own before SYMBOL must give the same symbols."""
    rx = regex.compile(rf"(?P<lead>số:?\s+)(?P<empty>)(?:{SYMBOL})", regex.V1)
    for written, *_ in SYMBOLS:
        m = rx.fullmatch("số " + punctuation(written))
        assert m is not None and symbol_from_match(m) == parse_symbol(written)
