"""The fast paths of :mod:`extractors.targets` agree with the slow patterns they stand for.

``targets`` tries several slow patterns only where a cheap candidate (a scan led
by a character set, a literal search, a check of the last character, a literal
prefilter) says a match can be.  Each shortcut is checked against a *reference*
that uses the slow pattern plainly, three ways: a hypothesis property over
strings built from the characters that matter (Vietnamese letters in both cases,
"\u0130 \u0131 \u212a \u017f", digits incl. a non-ASCII one, blanks incl. \\xa0)
and keyword pieces; a table of rows, must-not-match rows included; and every
document of ``corpora/`` and ``tests/data/extra/``.  When a slow pattern is
edited, change its candidate with it (see "keep in step" in the module).
"""
from __future__ import annotations

import pytest
import regex

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import targets as T  # noqa: E402
from fast_path_support import (CORPUS, CORPUS_IDS, DOTLESS_I, DOTTED_I, KELVIN, LONG_S, MANY, ODD,  # noqa: E402
                               VI_LOWER, corpus_text)


# ---------------------------------------------------------------- the alphabet

LETTERS = "".join(dict.fromkeys(VI_LOWER + VI_LOWER.upper() + "bcdfghklmnpqrstvxBCDFGHKLMNPQRSTVX" + ODD))
BLANKS = " \t\n\xa0\r\x0b\x0c\x85\u2028\u3000"
MARKS = "0123456789\u0663.,;:/-%()“\"!?…+"


def words(*pieces: str) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for w in pieces:
        out.update(dict.fromkeys((w, w.upper(), w[:1].upper() + w[1:])))
    return tuple(out)


QTY_PIECES = words("%", " %", "ha", " ha", "km", "MW", " người", " hộ", " đồng", " đồng chí", " tỷ đồng", " xã",
                   "/năm", "/tháng", " trở lên", " đến ", "-", " - ", "1.000", "2,5", "12/3", "02-ĐA", "2025",
                   "một", "hai", " ", "số ") + tuple(" " + u for u in T.UNITS[:40])
STRONG_PIECES = words(*T.STRONG_PHRASES, "không ", "ít ", "tối ", "nhất", "thiểu", "đa", "quá", "vượt", "dưới",
                      "hơn", "không ít", "tối thiểu là", "ít  nhất")
TAIL_PIECES = words("đạt", "ở mức", "chiếm", "xuống", "lên", "số", "thứ", "Điều", "khoản", "điểm", "Mục", "Phần",
                    "Quý", "năm", "khóa", "nhiệm kỳ", "giai đoạn", "kỷ niệm", "chương", "Biểu", "“", "\"", "'",
                    "ít nhất", "tối thiểu là", "không thấp hơn", "không vượt quá", "không ít hơn", "trên", "hơn",
                    "dưới", "khoảng", "gần", "từ", "tối đa là", " ", "  ", "\xa0", "\n")
LEVEL_PIECES = words("tỉnh", "huyện", "xã", "xã hội", "thôn", "thị xã", "thị trấn", "phường", "cấp quận",
                     "khu dân cư", "tổ dân phố", "khóm", " cơ ", "cơ sở", "các cấp", "từ tỉnh đến cơ sở",
                     "trên địa bàn tỉnh", "toàn tỉnh", "của huyện", "tại xã", "cấp tỉnh", "cấp xã", "cấp huyện",
                     " và ", ", ", " ")


def texts(pieces, max_atoms: int = 30):
    atom = st.one_of(st.sampled_from(pieces), st.sampled_from(LETTERS), st.sampled_from(BLANKS),
                     st.sampled_from(MARKS))
    return st.lists(atom, max_size=max_atoms).map("".join)


# ---------------------------------------------------------------- 1. quantity candidates

_ANY_DIGIT = regex.compile(r"\d")


def qty_fast(s: str) -> dict[int, tuple[int, int]]:
    return {p: m.span() for p, m in T._quantity_starts(s).items()}


def qty_slow(s: str) -> dict[int, tuple[int, int]]:
    """RE_QTY.match at every decimal digit (a quantity with a digit starts at one)."""
    out = {}
    for p in range(len(s)):
        if _ANY_DIGIT.match(s, p):
            m = T.RE_QTY.match(s, p)
            if m:
                out[p] = m.span()
    return out


@MANY
@given(texts(QTY_PIECES))
def test_quantity_starts_property(s):
    assert qty_fast(s) == qty_slow(s)


def qty_summary(m):
    return m.span(), m.groupdict(), m.lastgroup


@MANY
@given(texts(QTY_PIECES))
def test_quantity_starts_groups_property(s):
    """The matches themselves (RE_QTY_AT_DIGIT's) have RE_QTY's groups."""
    fast = {p: qty_summary(m) for p, m in T._quantity_starts(s).items()}
    assert fast == {p: qty_summary(T.RE_QTY.match(s, p)) for p in qty_slow(s)}


QTY_ROWS = [
    ("đạt 95% số hộ", {4: (4, 7)}),
    ("trồng 1.000 ha rừng", {6: (6, 14)}),
    ("từ 5 đến 10 xã", {3: (3, 14), 9: (9, 14)}),
    ("công suất 50MW", {10: (10, 14)}),
    ("dài 12km", {4: (4, 8)}),
    ("10ha rừng", {0: (0, 4)}),
    ("3-5 xã", {0: (0, 6)}),
    ("\u0663\u0663 %", {0: (0, 4)}),  # an Arabic-Indic digit
    ("ngày 12/3/2025 và", {}),  # a date is no quantity
    ("Đề án 02-ĐA", {}),
    ("năm 2025 và kế hoạch", {}),
    ("số 5.", {}),
]


@pytest.mark.parametrize("s,want", QTY_ROWS)
def test_quantity_starts_rows(s, want):
    assert qty_slow(s) == want
    assert qty_fast(s) == want


def _unit_rows():
    """Every unit after a number, in three spellings, and a word that only starts like it."""
    rows = []
    for u in T.UNITS:
        for spelling in dict.fromkeys((u, u.upper(), u[:1].upper() + u[1:])):
            rows += [f"đạt 12 {spelling} mới", f"12 {spelling}/năm", f"gồm 3-5 {spelling}", f"7 {spelling}x"]
    return rows


UNIT_ROWS = _unit_rows() + ["5 đồng chí", "5 đồng  chí", "5 hộ gia đình", "5 hộ gia", "5 Hội nghị", "5 hội",
                            "5 khu dân cư", "5 khux", "5 kmh", "5 của", "5 Công an"]


@pytest.mark.parametrize("s", UNIT_ROWS)
def test_quantity_at_digit_every_unit(s):
    """RE_QTY_AT_DIGIT's units grouped by first letter pick the unit RE_QTY's plain list picks."""
    for p in range(len(s)):
        if _ANY_DIGIT.match(s, p):
            fast, slow = T.RE_QTY_AT_DIGIT.match(s, p), T.RE_QTY.match(s, p)
            assert (fast and qty_summary(fast)) == (slow and qty_summary(slow)), (s, p)
    assert qty_fast(s) == qty_slow(s)


def test_unit_rows_not_vacuous():
    found = [s for s in UNIT_ROWS if qty_slow(s)]
    units = {T.RE_QTY.match(s, p).group("unit").strip().lower() for s in found for p in qty_slow(s)}
    assert units >= {u.lower() for u in T.UNITS}
    assert not qty_slow("5 đồng chí") and not qty_slow("5 của") and qty_slow("5 hộ gia")[0] == (0, 4)
    assert qty_slow("5 hộ gia đình")[0] == (0, 13)


# ---------------------------------------------------------------- 2. strong comparators

def strong_slow(s: str) -> list[int]:
    return [m.start() for m in T.RE_STRONG.finditer(s)]


@MANY
@given(texts(STRONG_PIECES))
def test_strong_positions_property(s):
    assert T._strong_positions(s) == strong_slow(s)


STRONG_ROWS = [
    ("ít nhất 90% và tối thiểu 5 xã", [0, 15]),
    ("KHÔNG VƯỢT QUÁ 10%", [0]),
    ("không quá không dưới", [0, 10]),
    ("không ít hơn 3", [0]),
    ("t\u0130\u0301i đa", []),
    ("không phải ít hơn", []),  # "không" then not a strong word
    ("tối đa hóa", [0]),
    ("ít nhấ t", []),
]


@pytest.mark.parametrize("s,want", STRONG_ROWS)
def test_strong_positions_rows(s, want):
    assert strong_slow(s) == want
    assert T._strong_positions(s) == want


# ---------------------------------------------------------------- 3. short-text end patterns

TAIL_RXS = {"background": T.RE_BACKGROUND_BEFORE, "cmp": T.RE_CMP_BEFORE, "subject": T.RE_SUBJECT_BEFORE}


def span(m):
    return m and (m.span(), m.group())


@MANY
@given(st.sampled_from(sorted(TAIL_RXS)), texts(TAIL_PIECES, 20))
def test_search_tail_property(name, s):
    rx = TAIL_RXS[name]
    assert span(T._search_tail(rx, s)) == span(rx.search(s))


TAIL_ROWS = [
    ("cmp", "đạt ít nhất ", True),
    ("cmp", "KHÔNG THẤP HƠN\xa0", True),
    ("cmp", "tối đa là  ", True),
    ("cmp", "tối đa là", False),  # needs the blanks after
    ("cmp", "thứ trên nữa ", False),
    ("subject", "tỷ lệ đạt ", True),
    ("subject", "Ở MỨC", True),
    ("subject", "đạt được ", False),
    ("background", "theo Nghị quyết số ", True),
    ("background", "giai đoạn\n", True),
    ("background", "khóa XII ", False),
    ("background", "đạt ", False),
]


@pytest.mark.parametrize("name,s,found", TAIL_ROWS)
def test_search_tail_rows(name, s, found):
    rx = TAIL_RXS[name]
    assert bool(rx.search(s)) is found
    assert span(T._search_tail(rx, s)) == span(rx.search(s))


# ---------------------------------------------------------------- 4. level-word prefilter

def level_slow(text: str):
    """``_level_of`` with every pattern tried (no literal prefilter)."""
    t = T.RE_LOCATION.sub(" ", text)
    if T.RE_ALL_LEVELS.search(t):
        return ""
    found = {name for name, rx in T.RE_LEVELS.items() if rx.search(t)}
    if len(found) == 1:
        return found.pop()
    return "" if found else None


@MANY
@given(texts(LEVEL_PIECES, 20))
def test_level_of_property(s):
    assert T._level_of(s) == level_slow(s)


LEVEL_ROWS = ["UBND cấp tỉnh", "cấp xã", "các cấp", "công tác xã hội", "trên địa bàn tỉnh", "tổ dân phố",
              "thị xã và huyện", "không có gì", "Cấp Huyện"]


@pytest.mark.parametrize("s", LEVEL_ROWS)
def test_level_of_rows(s):
    assert T._level_of(s) == level_slow(s)


def test_level_of_rows_not_vacuous():
    got = {level_slow(s) for s in LEVEL_ROWS}
    assert None in got and "" in got and len(got - {None, ""}) >= 2


# ---------------------------------------------------------------- 5. topic keywords by token

def _topic_keyword_pieces() -> tuple[str, ...]:
    """The keywords of data/topics.tsv as written (tones, capitals), and folded."""
    import csv
    with (T.DATA / "topics.tsv").open(encoding="utf-8") as f:
        raw = [k for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
               for k in (row.get("keywords") or "").split("|") if k.strip()]
    return words(*raw, *T.load_topics()[1])


TOPIC_PIECES = _topic_keyword_pieces() + ("-", "/", ", ", " ", "  ", "\n", "xã", "s", "1")


def topics_slow(t: str) -> tuple[str, ...]:
    """Every keyword tried at word edges of the folded text (no index by first word)."""
    _, by_kw, order = T.load_topics()
    f = " " + " ".join(T.fold(t).split()) + " "
    found = {topic for kw in by_kw if T._has_word(f, kw) for topic in by_kw[kw]}
    return tuple(sorted(found, key=order.index))


@MANY
@given(texts(TOPIC_PIECES, 16))
def test_topics_in_property(s):
    assert T._topics_in(s) == topics_slow(s)


TOPIC_ROWS = [
    ("tổ chức 03 cuộc giám sát", ("giám sát",)),
    ("công tác/giám sát", ("giám sát",)),  # the keyword opens with the second word of a token
    ("GIÁM SÁT", ("giám sát",)),
    ("Giám  Sát", ("giám sát",)),
    ("hội nghị tiếp xúc cử tri", ("tiếp xúc cử tri / đối thoại",)),
    ("góp ý xây dựng Đảng", ("góp ý xây dựng Đảng, chính quyền",)),
    ("giám sáts định kỳ", ()),  # no word edge after the keyword
    ("giám-sát", ()),
    ("g\u0130ám sát", ()),  # "İ" lower-cases to two characters: no "giam"
    ("không có gì", ()),
    ("", ()),
]


@pytest.mark.parametrize("s,want", TOPIC_ROWS)
def test_topics_in_rows(s, want):
    assert topics_slow(s) == want
    assert T._topics_in(s) == want


# ---------------------------------------------------------------- 6. records made slot by slot

def test_new_target_is_the_dataclass_record():
    import pickle
    from dataclasses import fields
    values = ("doc", "ít nhất 03 cuộc", 4, 19, "target", "I > 2", ">=", 3.0, 3.0, "cuộc", "cuộc giám sát",
              "MTTQ cấp xã", "xã", "yearly", "2030", True, None, ("giám sát",), "prose")
    assert len(values) == len(fields(T.Target))
    made, plain = T._new_target(*values), T.Target(*values)
    assert made == plain
    assert [getattr(made, f.name) for f in fields(T.Target)] == list(values)
    assert pickle.dumps([made, made]) == pickle.dumps([plain, plain])
    with pytest.raises(ValueError):
        T._new_target(*values[:-1])  # a missing field is an error, not an unset slot


# ---------------------------------------------------------------- 7. actor literals

ACTOR_PIECES = words("MTTQ", "Mặt trận Tổ quốc", "Việt Nam", "Ban Thường trực", "Ủy ban", "Ban ", "Thanh tra",
                     "nhân dân", "Nhân dân", "Giám sát đầu tư", "của ", "cộng đồng", "công tác", "Công tác",
                     "Mặt trận", " thôn", " khu dân cư", "các ", "tổ chức chính trị", " - ", "-", "xã hội",
                     " các cấp", "UBND", "Ủy ban nhân dân", "HĐND", "Hội đồng nhân dân", "cấp ", "tỉnh", "huyện",
                     "xã", "cơ sở", "ban thường vụ", "cấp ủy", "Đoàn thanh niên", "Hội ", "Nông dân",
                     "Cựu chiến binh", "Liên hiệp Phụ nữ", "Công đoàn", "mỗi ", "tổ chức", " và ", ", ")


def actor_span(s: str, start: int = 0, end: int | None = None):
    end = len(s) if end is None else end
    return span(T._actor_in(s, start, end)), span(T.RE_ACTOR.search(s, start, end))


@MANY
@given(texts(ACTOR_PIECES, 12), st.integers(0, 8), st.integers(0, 8))
def test_actor_in_property(s, a, b):
    fast, slow = actor_span(s, min(a, len(s)), max(min(a, len(s)), len(s) - b))
    assert fast == slow


@pytest.mark.parametrize("s", ["Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh", "các tổ chức chính trị - xã hội các cấp",
                               "UBND cấp xã", "Hội Liên hiệp Phụ nữ", "mỗi cơ sở đảng", "Ban công tác Mặt trận thôn",
                               "ban thường vụ cấp ủy cơ sở", "tổ chức 03 cuộc giám sát", ""])
def test_actor_in_rows(s):
    fast, slow = actor_span(s)
    assert fast == slow


# ---------------------------------------------------------------- 8. folding by codecs

def fold_slow(s: str) -> str:
    return s.lower().translate(T._FOLD_TABLE)


# characters whose lower case is in the code (the codec way), and some that are not
IN_CODE = "".join(dict.fromkeys(VI_LOWER + VI_LOWER.upper() + "bcdfghklmnpqrstvxBCDFGHKLMNPQRSTVX" + " \t\n"
                                + MARKS.replace("\u0663", "") + T._FOLD_CODE_CHARS + KELVIN + "\r\ue000"))
NOT_IN_CODE = DOTTED_I + DOTLESS_I + LONG_S + "\u0663≥→ñøßΣς\U0001d7d8\u0307\x85\u2028"


@MANY
@given(st.lists(st.sampled_from(IN_CODE), min_size=40, max_size=160).map("".join),
       st.lists(st.sampled_from(NOT_IN_CODE), max_size=2), st.integers(0, 160))
def test_fold_property(s, others, at):
    assert T.fold(s) == fold_slow(s)
    s = s[:at] + "".join(others) + s[at:]
    assert T.fold(s) == fold_slow(s)


def test_fold_property_alphabet():
    assert all(c.lower() in T._FOLD_CODE for c in IN_CODE)
    assert not any(c.lower() in T._FOLD_CODE for c in NOT_IN_CODE)


FOLD_ROWS = [
    ("HẰNG NĂM, Ủy ban MTTQ xã tổ chức ít nhất 03 cuộc giám sát “chuyên đề” – 100%…", "codec"),
    ("Đến năm 2030, phấn đấu 95% hộ gia đình đạt danh hiệu Gia đình văn hóa ½ ° ¹ × §", "codec"),
    ("Hằng năm tổ chức ≥ 03 cuộc giám sát, đối thoại với nhân dân về các vấn đề bức xúc", "translate"),
    ("Hằng năm tổ chức İt nhất 03 cuộc giám sát, đối thoại với nhân dân về các vấn đề", "translate"),
    ("Crème brûlée, Ñandú, Øresund, Straße: chữ Latin khác, không phải tiếng Việt nhé!", "translate"),
    ("ngắn", "short"),
]


@pytest.mark.parametrize("s,way", FOLD_ROWS)
def test_fold_rows(s, way):
    assert T.fold(s) == fold_slow(s)
    low = s.lower()
    codec = len(low) >= T._FOLD_BY_CODEC_FROM and all(c in T._FOLD_CODE for c in low)
    assert way == ("codec" if codec else "translate" if len(low) >= T._FOLD_BY_CODEC_FROM else "short")


def test_fold_code_maps_each_character_as_the_table():
    """(the code is applied to the lower case: its byte for "A" is never used)"""
    for c in T._FOLD_CODE:
        assert T._FOLD_CODE[T._FOLD_BYTES[T._FOLD_CODE.index(c)]] == c.translate(T._FOLD_TABLE)


# ---------------------------------------------------------------- 9. marker literals (_NEEDS)

NEEDED_RXS = {"freq": T.RE_FREQ, "deadline": T.RE_DEADLINE, "aspiration": T.RE_ASPIRATION}
MARKER_PIECES = ("hang nam", "moi nam", "tung nam", "/nam", "nam nao cung", "moi 6 thang", "dinh ky 06 thang",
                 "6 thang mot lan", "06 thang /lan", "nua nam mot lan", "hang quy", "/quy", "moi thang", "/thang",
                 "hang", "nam", "quy", "thang", "moi", "6", "0", "den het nam 2030", "truoc 2025", "vao nam 1990",
                 "giai doan 2021 - 2025", "giai doan 2021-2030", "den", "toi", "19", "20", "phan dau", "it nhat",
                 "dat", "hoan thanh", "muc tieu", " ", ", ", "-", "/")


def needed_span(name: str, s: str):
    rx = NEEDED_RXS[name]
    return span(T._needed_search(rx, s)), span(rx.search(s))


@MANY
@given(st.sampled_from(sorted(NEEDED_RXS)), texts(MARKER_PIECES, 16))
def test_needed_search_property(name, s):
    fast, slow = needed_span(name, s)
    assert fast == slow


NEEDED_ROWS = [
    ("freq", "muc tieu hang nam", True), ("freq", "ke hoach 6 thang mot lan", True), ("freq", "chi tieu /quy", True),
    ("freq", "nua nam mot lan", True), ("freq", "muc tieu giai doan 2025-2030", False), ("freq", "nam 2025", False),
    ("deadline", "muc tieu den nam 2030", True), ("deadline", "giai doan 2025 - 2030", True),
    ("deadline", "muc tieu hang nam", False), ("deadline", "den nam 1890", False),
    ("aspiration", "phan dau dat 90%", True), ("aspiration", "phan dau tien", False),
]


@pytest.mark.parametrize("name,s,found", NEEDED_ROWS)
def test_needed_search_rows(name, s, found):
    fast, slow = needed_span(name, s)
    assert bool(slow) is found
    assert fast == slow


# ---------------------------------------------------------------- 10. groups read by number

@pytest.mark.parametrize("rx,s,pos,names", [
    (T.RE_QTY, "đạt từ 3-5 hộ gia đình/năm trở lên", 7, T._QTY_GROUPS),
    (T.RE_QTY_AT_DIGIT, "ít nhất 03 cuộc giám sát", 8, T._QTY_GROUPS),
    (T.RE_QTY, "ít nhất một mô hình", 8, T._QTY_GROUPS),
    (T.RE_DEADLINE, "den het nam 2030", 0, ("y", "a", "b")),
    (T.RE_DEADLINE, "giai doan 2025 - 2030", 0, ("y", "a", "b")),
    (T.RE_CMP_BEFORE, "đạt không thấp hơn ", 0, ("cmp",)),
])
def test_groups_by_number_are_the_named_ones(rx, s, pos, names):
    m = rx.search(s, pos)
    assert m is not None
    assert m.groups() == m.group(*names) if len(names) > 1 else m.group(1) == m.group(names[0])


# ---------------------------------------------------------------- corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_corpus(path):
    text = corpus_text(path)
    assert T.fold(text) == fold_slow(text)
    assert T._strong_positions(text) == strong_slow(text)
    fast = {p: qty_summary(m) for p, m in T._quantity_starts(text).items()}
    slow = {m.start(): qty_summary(T.RE_QTY.match(text, m.start()))
            for m in T.RE_DIGITS.finditer(text) if T.RE_QTY.match(text, m.start())}
    assert fast == slow
    for start, end in T._paragraphs(text):
        para = text[start:end]
        assert span(T._actor_in(text, start, end)) == span(T.RE_ACTOR.search(text, start, end))
        assert T._level_of(para) == level_slow(para)
        assert T.fold(para) == fold_slow(para)
        for name in NEEDED_RXS:
            fast, slow = needed_span(name, T.fold(para))
            assert fast == slow
        assert T._topics_in(para) == topics_slow(para)
        for rx in TAIL_RXS.values():
            for cut in range(max(0, len(para) - 200), len(para), 37):
                head = para[:cut]
                assert span(T._search_tail(rx, head)) == span(rx.search(head))
