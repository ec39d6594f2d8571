"""Score find_deadlines against the hand-built gold set tests/gold/deadlines.tsv.

Counting follows tests/gold/NOTES_deadlines.md: a surface is an exact raw
substring listed once per document; its occurrences are found longest first
without overlap (so ``hằng năm`` inside ``trước ngày 15/6 và ngày 15/12 hằng
năm`` is not counted twice).  An occurrence is *found* when an extracted
deadline overlaps it; the deadline with the largest overlap is the one whose
normalisation (kind, value, from, to) is compared.

Figures (run with ``-s``):
- row recall: gold rows with at least one found occurrence;
- normalisation: rows whose every found occurrence is normalised right,
  over all gold rows (the issue's floor: ≥ 0.97) and over found rows;
- occurrence recall: found occurrences against the notes' "counted" column;
- modifier agreement (informative: the extractor reads start/finish columns
  of plan tables as from/by where the gold keeps "in", see the notes);
- extracted deadlines overlapping no gold surface (a precision proxy; the
  gold leaves out what it excludes, so these are candidates to review).
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import regex

from extractors.deadlines import Deadline, find_deadlines
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "gold"
CORPUS = ROOT / "corpora"
FLOOR_NORMALISATION = 0.97
FLOOR_ROW_RECALL = 0.97


def gold_rows() -> list[dict[str, str]]:
    with open(GOLD / "deadlines.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def counted_occurrences() -> dict[tuple[str, str], int]:
    """(doc prefix, surface) → occurrences the notes count."""
    out = {}
    text = (GOLD / "NOTES_deadlines.md").read_text(encoding="utf-8")
    for m in regex.finditer(r"^\| (\d{3}) \| `([^`]+)` \| [^|]+\| [^|]+\| (\d+) \| (\d+) \|", text, regex.M):
        out[(m.group(1), m.group(2))] = int(m.group(4))
    return out


@lru_cache(maxsize=None)
def raw_and_deadlines(doc_id: str) -> tuple[str, tuple[Deadline, ...]]:
    r = ingest(CORPUS / f"{doc_id}.txt")
    doc = segment(r.doc_id, normalize(r.raw))
    return doc.raw, tuple(find_deadlines(doc))


def occurrences(raw: str, surfaces: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Longest-first, non-overlapping occurrences of each surface."""
    taken: list[tuple[int, int]] = []
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in sorted(set(surfaces), key=len, reverse=True):
        for m in regex.finditer(regex.escape(s), raw):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            out[s].append((a, b))
    return out


def normalised(d: Deadline) -> tuple[str, str, str, str]:
    return d.kind, d.value, d.from_, d.to


def score() -> dict:
    rows = gold_rows()
    counted = counted_occurrences()
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_doc[r["doc"]].append(r)
    found_rows = right_rows = right_any = mod_agree = mod_total = 0
    occ_found = occ_counted = occ_over = 0
    misses, wrong, unmatched = [], [], []
    for doc_id, grows in by_doc.items():
        raw, deadlines = raw_and_deadlines(doc_id)
        occ = occurrences(raw, [r["surface"] for r in grows])
        used: set[int] = set()
        for r in grows:
            expected = (r["kind"], r["value"], r["from"], r["to"])
            hits = []
            for a, b in occ[r["surface"]]:
                over = [(min(b, d.end) - max(a, d.start), i) for i, d in enumerate(deadlines) if d.start < b and a < d.end]
                if over:
                    i = max(over)[1]
                    hits.append(deadlines[i])
                    used.update(j for _, j in over)
            n_counted = counted.get((doc_id[:3], r["surface"]), len(occ[r["surface"]]))
            occ_counted += n_counted
            occ_found += min(len(hits), n_counted)
            occ_over += max(0, len(hits) - n_counted)
            if not hits:
                misses.append((doc_id[:3], r["surface"]))
                continue
            found_rows += 1
            results = [normalised(d) == expected for d in hits]
            if all(results):
                right_rows += 1
            else:
                wrong.append((doc_id[:3], r["surface"], expected, sorted({normalised(d) for d in hits if normalised(d) != expected})))
            right_any += any(results)
            for d in hits:
                mod_total += 1
                mod_agree += d.modifier == r["modifier"]
        unmatched.extend((doc_id[:3], d.text, d.kind, d.value) for i, d in enumerate(deadlines) if i not in used)
    n = len(rows)
    return dict(
        rows=n, found=found_rows, right=right_rows, right_any=right_any,
        row_recall=found_rows / n, normalisation=right_rows / n,
        normalisation_found=right_rows / max(found_rows, 1),
        occ_recall=occ_found / max(occ_counted, 1), occ_found=occ_found, occ_counted=occ_counted, occ_over=occ_over,
        modifier=mod_agree / max(mod_total, 1),
        misses=misses, wrong=wrong, unmatched=unmatched,
    )


@pytest.fixture(scope="module")
def figures() -> dict:
    f = score()
    print(
        f"\ndeadlines gold: {f['rows']} rows; row recall {f['row_recall']:.3f} ({f['found']}); "
        f"normalisation right {f['normalisation']:.3f} of all rows ({f['right']}; "
        f"{f['normalisation_found']:.3f} of found; any-occurrence {f['right_any']}); "
        f"occurrence recall {f['occ_recall']:.3f} ({f['occ_found']}/{f['occ_counted']}; excluded occurrences extracted {f['occ_over']}); "
        f"modifier agreement {f['modifier']:.3f}; extracted deadlines overlapping no gold surface: {len(f['unmatched'])}"
    )
    for m in f["misses"]:
        print("  MISS", m)
    for w in f["wrong"]:
        print("  WRONG", w)
    for u in Counter(f["unmatched"]).most_common():
        print("  EXTRA", u)
    return f


def test_row_recall(figures):
    assert figures["row_recall"] >= FLOOR_ROW_RECALL, figures["misses"]


def test_normalisation_floor(figures):
    assert figures["normalisation"] >= FLOOR_NORMALISATION, figures["wrong"] + figures["misses"]


def test_every_gold_surface_is_in_its_document():
    for r in gold_rows():
        raw, _ = raw_and_deadlines(r["doc"])
        assert r["surface"] in raw, r
