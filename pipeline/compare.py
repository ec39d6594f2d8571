"""compare: targets of different documents side by side (the ``target_comparison`` table).

Every target is shown once per topic.  Rows that share topic, level,
frequency and unit family form a ``comparable_group``; a row whose group
holds no other document is kept, and ``why_not_comparable`` says what
separates it from the nearest targets of the same topic elsewhere.

Units are compared by family: a count of events ("03 cuộc giám sát",
"05 chương trình giám sát", "03 dự thảo văn bản" reviewed) is one family,
a share ("90%") another, money another; the wording of the unit stays in
``unit`` so a reader sees "chương trình" against "cuộc".
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .store import json_value

COLUMNS = [
    "topic", "comparable_group", "level", "frequency", "unit_family", "unit", "indicator", "doc", "place",
    "province", "doc_level", "comparator", "value_min", "value_max", "value", "deadline", "aspiration",
    "source", "text", "n_docs_in_group", "why_not_comparable",
]
# Count nouns that all count occasions of an activity; "chương trình / nội dung
# giám sát" and "cuộc giám sát" are the same measure written differently.
EVENT_UNITS = {
    "cuộc", "chương trình", "nội dung", "chuyên đề", "đợt", "lần", "lượt", "hoạt động", "hội nghị", "hội thảo",
    "hội thi", "buổi", "dự thảo", "văn bản", "lớp", "phong trào",
}
MONEY_UNITS = {"tỷ đồng", "triệu đồng", "nghìn đồng", "đồng"}
SYMBOLS = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<"}
KEY = ("topic", "level", "frequency", "unit_family")
NONE_LABEL = "—"


def unit_family(unit: str) -> str:
    """``"%"`` → share, event nouns → events, money → money, anything else → itself."""
    if unit == "%":
        return "share (%)"
    if unit in EVENT_UNITS:
        return "events"
    if unit in MONEY_UNITS:
        return "money"
    return unit or NONE_LABEL


def value_label(comparator: str, lo: float, hi: float, unit: str) -> str:
    """``(">=", 3, 3, "cuộc")`` → ``"≥ 3 cuộc"``; a range → ``"45–90 buổi"``."""
    num = (lambda v: f"{v:g}".replace(".", ","))
    body = f"{num(lo)}–{num(hi)}" if hi != lo else num(lo)
    body = body + unit if unit == "%" else f"{body} {unit}".strip()
    return body if comparator == "=" else f"{SYMBOLS.get(comparator, comparator)} {body}"


def _topics(value: Any) -> list[str]:
    value = json_value(value)  # a table cell holds the list as JSON text
    if isinstance(value, str):
        return [t for t in value.replace(";", "|").split("|") if t] or ["khác"]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ["khác"]
    return list(value) or ["khác"]


def _places(documents: pd.DataFrame) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    if documents is None or documents.empty:
        return out
    for row in documents.to_dict("records"):
        doc = str(row.get("doc") or row.get("doc_id") or "")
        province = _text(row.get("province"))
        commune = _text(row.get("commune"))
        place = f"{commune} ({province})" if commune and province else commune or province
        out[doc] = {"province": province, "place": place or doc, "doc_level": _text(row.get("level"))}
    return out


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def compare_targets(targets: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The ``target_comparison`` table: one row per target and topic, grouped for comparison.

    >>> t = pd.DataFrame([
    ...     {"doc": "a", "topics": ["giám sát"], "level": "xã", "frequency": "yearly", "unit": "chương trình",
    ...      "comparator": ">=", "value_min": 3.0, "value_max": 3.0, "indicator": "chương trình, nội dung"},
    ...     {"doc": "b", "topics": ["giám sát"], "level": "xã", "frequency": "yearly", "unit": "cuộc",
    ...      "comparator": ">=", "value_min": 3.0, "value_max": 3.0, "indicator": "cuộc giám sát"},
    ...     {"doc": "b", "topics": ["giám sát"], "level": "tỉnh", "frequency": "", "unit": "%",
    ...      "comparator": "=", "value_min": 100.0, "value_max": 100.0, "indicator": "kiến nghị"}])
    >>> d = pd.DataFrame([{"doc": "a", "province": "Thái Nguyên"}, {"doc": "b", "province": "Hải Phòng", "commune": "Kè Sắt"}])
    >>> c = compare_targets(t, d)
    >>> c[["place", "value", "n_docs_in_group"]].values.tolist()
    [['Kè Sắt (Hải Phòng)', '≥ 3 cuộc', 2], ['Thái Nguyên', '≥ 3 chương trình', 2], ['Kè Sắt (Hải Phòng)', '100%', 1]]
    >>> c["why_not_comparable"].iloc[2]
    'nearest other document a (Thái Nguyên): level tỉnh vs xã, frequency — vs yearly, unit family share (%) vs events'

    """
    if targets is None or targets.empty:
        return pd.DataFrame(columns=COLUMNS)
    places = _places(documents)
    rows = []
    for rec in targets.to_dict("records"):
        if _text(rec.get("kind")) not in ("", "target"):
            continue
        doc = _text(rec.get("doc") or rec.get("doc_id"))
        where = places.get(doc, {"province": _text(rec.get("province")), "place": _text(rec.get("province")) or doc,
                                 "doc_level": ""})
        unit = _text(rec.get("unit"))
        lo, hi = float(rec.get("value_min") or 0), float(rec.get("value_max") or 0)
        for topic in _topics(rec.get("topics")):
            rows.append({
                "topic": topic, "level": _text(rec.get("level")) or NONE_LABEL,
                "frequency": _text(rec.get("frequency")) or NONE_LABEL, "unit_family": unit_family(unit),
                "unit": unit, "indicator": _text(rec.get("indicator")), "doc": doc, **where,
                "comparator": _text(rec.get("comparator")) or "=", "value_min": lo, "value_max": hi,
                "value": value_label(_text(rec.get("comparator")) or "=", lo, hi, unit),
                "deadline": _text(rec.get("deadline")), "aspiration": bool(rec.get("aspiration")),
                "source": _text(rec.get("source")), "text": _text(rec.get("text")),
            })
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.DataFrame(rows)
    # a target restated word for word (plan table, nhiệm vụ) is shown once per document
    df = df.drop_duplicates(subset=["doc", *KEY, "unit", "comparator", "value_min", "value_max", "indicator"])
    df["comparable_group"] = df[KEY[0]].str.cat([df[k] for k in KEY[1:]], sep=" | ")  # all text, never missing
    df["n_docs_in_group"] = df.groupby("comparable_group")["doc"].transform("nunique").astype("int64")
    df["why_not_comparable"] = _why_not_all(df)
    # per topic: groups shared by several documents first, then the rows that stand alone
    df = df.sort_values(["topic", "n_docs_in_group", "comparable_group", "place", "doc"],
                        ascending=[True, False, True, True, True], kind="stable", ignore_index=True)
    return df[COLUMNS]


DIFF_FIELDS = ("level", "frequency", "unit_family")


def _why_not_all(df: pd.DataFrame) -> list[str]:
    """``_why_not(row, df)`` for every row standing alone in its group ("" for the others), in linear time.

    What :func:`_why_not` reports depends on the other row only through its
    (level, frequency, unit family) and, among rows tying on the number of
    differences, on which comes first: so per topic and per such triple,
    the first row and the first row of another document suffice.
    """
    cols = {c: df[c].tolist() for c in ("topic", "doc", "place", *DIFF_FIELDS)}
    n = len(df)
    # topic → triple → [(position, doc, place) of its first row, of its first row of another document]
    firsts: dict[str, dict[tuple, list[tuple[int, str, str]]]] = {}
    for i in range(n):
        triple = (cols["level"][i], cols["frequency"][i], cols["unit_family"][i])
        slots = firsts.setdefault(cols["topic"][i], {}).setdefault(triple, [])
        if not slots or (len(slots) == 1 and slots[0][1] != cols["doc"][i]):
            slots.append((i, cols["doc"][i], cols["place"][i]))
    out = []
    for i, alone in enumerate((df["n_docs_in_group"] < 2).tolist()):
        if not alone:
            out.append("")
            continue
        doc = cols["doc"][i]
        mine = tuple(cols[f][i] for f in DIFF_FIELDS)
        best: tuple[int, int, str] | None = None  # (number of differences, position, text)
        for triple, slots in firsts[cols["topic"][i]].items():
            other = next((s for s in slots if s[1] != doc), None)
            if other is None:
                continue
            diffs = [f"{name.replace('_', ' ')} {a} vs {b}" for name, a, b in zip(DIFF_FIELDS, mine, triple) if a != b]
            cand = (len(diffs), other[0], f"nearest other document {other[1]} ({other[2]}): " + ", ".join(diffs))
            if best is None or cand[:2] < best[:2]:
                best = cand
        out.append(best[2] if best else "no other document has a target on this topic")
    return out


def _why_not(row: dict, df: pd.DataFrame) -> str:
    """What separates ``row`` from the closest targets of the same topic in other documents."""
    same_topic = df[(df["topic"] == row["topic"]) & (df["doc"] != row["doc"])]
    if same_topic.empty:
        return "no other document has a target on this topic"
    best: list[tuple[int, str]] = []
    for other in same_topic.to_dict("records"):
        diffs = [f"{name.replace('_', ' ')} {row[name]} vs {other[name]}"
                 for name in ("level", "frequency", "unit_family") if row[name] != other[name]]
        best.append((len(diffs), f"nearest other document {other['doc']} ({other['place']}): " + ", ".join(diffs)))
    best.sort(key=lambda x: x[0])
    return best[0][1]


def format_comparison(df: pd.DataFrame, topic: str | None = None, level: str | None = None,
                      width: int = 110) -> str:
    """The comparison as text blocks, one per comparable group, documents side by side.

    ``topic`` and ``level`` filter (case- and tone-sensitive substring for topic, exact level).
    """
    if df is None or df.empty:
        return "No targets to compare."
    view = df
    if topic:
        view = view[view["topic"].str.contains(topic, case=False, regex=False)]
    if level:
        view = view[view["level"] == level]
    if view.empty:
        return "No targets match the filter."
    lines: list[str] = []
    for t, by_topic in view.groupby("topic", sort=True):
        lines.append(f"■ {t}")
        comparable = by_topic[by_topic["n_docs_in_group"] >= 2]
        alone = by_topic[by_topic["n_docs_in_group"] < 2]
        for group, rows in comparable.groupby("comparable_group", sort=True):
            _, lvl, freq, fam = group.split(" | ")
            lines.append(f"  level {lvl} · {freq} · {fam}")
            for r in rows.to_dict("records"):
                lines.append(_clip(f"    {r['place']:<28} {r['value']:<22} {r['indicator']}", width))
        if not alone.empty:
            lines.append("  not comparable:")
            for r in alone.to_dict("records"):
                lines.append(_clip(f"    {r['place']:<28} {r['value']:<22} {r['level']} · {r['frequency']} "
                                   f"· {r['indicator']}", width))
                lines.append(_clip(f"      ↳ {r['why_not_comparable']}", width))
    return "\n".join(lines)


def _clip(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


def compare_stage(tables: dict[str, pd.DataFrame], documents: Iterable[dict], out: Path, inputs: Any) -> None:
    """Corpus stage: add ``target_comparison`` built from the ``targets`` and ``documents`` tables."""
    tables["target_comparison"] = compare_targets(tables.get("targets", pd.DataFrame()),
                                                  tables.get("documents", pd.DataFrame()))
