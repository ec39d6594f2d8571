"""Assignments scored against the hand-built gold set ``tests/gold/assignments.tsv``.

Floors (issue 5): every row of the 001 annex and the 003 plan table yields an
assignment whose lead, support and due match the gold; the prose and label
assignments of 000, 003 and 004 are found with recall ≥ 0.9.  Bodies compare
leniently (canonical name, or the folded text of an unknown body); ``-`` in
the gold means none.  Run with ``-s`` to see the figures.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pytest

from extractors.assignments import find_assignments
from extractors.bodies import body_key, match_body
from extractors.ingest import ingest
from extractors.jurisdiction import fold
from extractors.normalize import normalize
from extractors.segment import segment

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "gold" / "assignments.tsv"
CORPUS = ROOT / "corpora"


def gold_rows() -> list[dict]:
    with open(GOLD, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=None)
def assignments(doc_id: str):
    r = ingest(CORPUS / f"{doc_id}.txt")
    return tuple(find_assignments(segment(r.doc_id, normalize(r.raw))))


def body_set(values) -> frozenset[str]:
    """Canonical keys of bodies; gold strings and Body records alike."""
    out = set()
    for v in values:
        text = v if isinstance(v, str) else v.text
        b = match_body(text)
        out.add(body_key(b.canonical) if b.matched else fold(text))
    return frozenset(out)


def gold_bodies(cell: str) -> frozenset[str]:
    cell = cell.strip()
    return frozenset() if cell in ("", "-") else body_set(x.strip() for x in cell.split(" | "))


def squash(s: str) -> str:
    return " ".join(fold(s.replace("*", "").replace("#", "")).split())


def find(row: dict):
    quote = squash(row["task_quote"])
    for a in assignments(row["doc"]):
        if a.source == row["source"] and quote in squash(a.task):
            return a
    return None


def compare(row: dict, a) -> list[str]:
    wrong = []
    if body_set(a.lead) != gold_bodies(row["lead"]):
        wrong.append(f"lead {[b.text for b in a.lead]} != {row['lead']}")
    if body_set(a.support) != gold_bodies(row["support"]):
        wrong.append(f"support {[b.text for b in a.support]} != {row['support']}")
    if row["source"] == "table" and a.due.split(";") != (row["due"] or "").split(";"):
        wrong.append(f"due {a.due!r} != {row['due']!r}")
    return wrong


TABLE_ROWS = [r for r in gold_rows() if r["source"] == "table"]
TEXT_ROWS = [r for r in gold_rows() if r["source"] in ("prose", "label")]


@pytest.mark.parametrize("row", TABLE_ROWS, ids=lambda r: f"{r['doc'][:3]}:{r['task_quote'][:40]}")
def test_table_row_matches_gold(row):
    a = find(row)
    assert a is not None, "no assignment holds the task"
    assert compare(row, a) == []


def test_prose_and_label_recall():
    found = [(r, find(r)) for r in TEXT_ROWS]
    hits = [(r, a) for r, a in found if a is not None]
    recall = len(hits) / len(TEXT_ROWS)
    lead_ok = sum(1 for r, a in hits if body_set(a.lead) == gold_bodies(r["lead"]))
    support_ok = sum(1 for r, a in hits if body_set(a.support) == gold_bodies(r["support"]))
    table_ok = sum(1 for r in TABLE_ROWS if (a := find(r)) is not None and not compare(r, a))
    print(f"\n[assignments gold] table rows matching (lead, support, due): {table_ok}/{len(TABLE_ROWS)}")
    print(f"[assignments gold] prose+label recall: {len(hits)}/{len(TEXT_ROWS)} = {recall:.3f}; "
          f"lead exact {lead_ok}/{len(hits)}, support exact {support_ok}/{len(hits)}")
    for src in ("prose", "label"):
        rows = [r for r in TEXT_ROWS if r["source"] == src]
        print(f"[assignments gold]   {src}: {sum(1 for r, a in found if a and r['source'] == src)}/{len(rows)}")
    for r, a in found:
        if a is None:
            print(f"  MISSED {r['doc'][:3]} {r['source']}: {r['task_quote']}")
        else:
            for w in compare(r, a):
                print(f"  DIFF   {r['doc'][:3]} {r['source']}: {r['task_quote'][:40]} — {w}")
    assert recall >= 0.9
