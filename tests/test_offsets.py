"""Never lose offsets: every record of every kind, over the whole corpus, satisfies raw[start:end] == text.

The per-document JSON is walked generically, so records added by later stages
(citations, targets, results, assignments, deadlines, nested evidence) are
checked as soon as they exist, without this test knowing their shape.
"""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from extractors.ingest import ingest
from pipeline.analyse import analyse
from vn_fixtures import ALL_DOCS


# Every record serialises its span text as "text"; "task" is an Assignment's alias for it.
TEXT_KEYS = ("text", "task")


def span_text(rec: dict) -> str | None:
    for key in TEXT_KEYS:
        if isinstance(rec.get(key), str):
            return rec[key]
    return None


def spans(obj: Any, where: str = "") -> Iterator[tuple[str, dict]]:
    """Every dict under ``obj`` holding integer ``start``/``end`` and the text of that span."""
    if isinstance(obj, dict):
        if isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int) and span_text(obj) is not None:
            yield where, obj
        for k, v in obj.items():
            yield from spans(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from spans(v, f"{where}[{i}]")


@pytest.fixture(scope="module", params=ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def analysed(request):
    path = request.param
    doc = analyse(path)
    assert doc["status"] == "ok", doc.get("error")
    return ingest(path).raw, doc


def test_every_record_points_at_its_text_in_the_raw(analysed):
    raw, doc = analysed
    bad = []
    n = 0
    for where, rec in spans({k: v for k, v in doc.items() if k != "source"}):
        n += 1
        text = span_text(rec)
        if not (0 <= rec["start"] <= rec["end"] <= len(raw)) or raw[rec["start"] : rec["end"]] != text:
            bad.append((where, rec["start"], rec["end"], text[:40], raw[rec["start"] : rec["end"]][:40]))
    assert not bad, f"{len(bad)} of {n} records off their text, e.g. {bad[:5]}"
    assert n > 0


EXPECTED_KINDS = ("metadata", "sections")


def test_the_walk_reaches_every_kind_of_record(analysed):
    """Guard against a vacuous pass: metadata and sections are always there; tables,
    cells and footnotes where the document has them; every record list present is reached."""
    raw, doc = analysed
    seen = {where.split("[")[0].split(".")[1] for where, _ in spans({k: v for k, v in doc.items() if k != "source"})}
    for key in EXPECTED_KINDS:
        assert key in seen
    for key, value in doc.items():
        if isinstance(value, list) and value and isinstance(value[0], dict) and "start" in value[0]:
            assert key in seen, key


def test_table_cells_are_walked():
    from pipeline.analyse import analyse as run_one
    from vn_fixtures import corpus_doc

    doc = run_one(corpus_doc("003"))
    cells = [w for w, _ in spans(doc["tables"], "tables") if ".cells[" in w]
    assert len(cells) > 100


def test_evidence_inside_nested_dicts_is_found():
    found = list(spans({"a": [{"b": {"evidence": {"start": 0, "end": 1, "text": "x"}}}]}))
    assert [w for w, _ in found] == [".a[0].b.evidence"]


def _span_without_text(obj: Any, where: str = "") -> Iterator[str]:
    if isinstance(obj, dict):
        if isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int) and not isinstance(obj.get("text"), str):
            yield where
        for k, v in obj.items():
            yield from _span_without_text(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _span_without_text(v, f"{where}[{i}]")


def test_every_record_with_a_span_serialises_its_text():
    from vn_fixtures import corpus_doc

    doc = analyse(corpus_doc("003"))
    missing = list(_span_without_text({k: v for k, v in doc.items() if k != "source"}))
    assert not missing, missing[:5]
