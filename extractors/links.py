"""Link each deadline to the records it bounds: those sharing its table row or sentence.

A deadline carries the raw span of its context (``context_start``/``context_end``:
its sentence or table row); an assignment or target whose span lies in, or
overlaps, that context is bounded by it.

>>> from types import SimpleNamespace as R
>>> d = R(start=50, end=60, context_start=0, context_end=100)
>>> link_deadlines([d], {"assignments": [R(start=10, end=40), R(start=200, end=220)]})
[[{'kind': 'assignments', 'index': 0}]]
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Any, Mapping, Sequence


def _get(rec: Any, name: str) -> Any:
    return rec.get(name) if isinstance(rec, Mapping) else getattr(rec, name)


def _by_start(recs: Sequence[Any]) -> tuple[list[int], list[int], list[int]]:
    """``(order, starts, ends)``: the records' indices sorted by start, and their spans in that order.

    The spans are read once per record here rather than once per deadline
    that looks at the record (``_get`` tests the record's type each time).
    """
    starts = [_get(r, "start") for r in recs]
    ends = [_get(r, "end") for r in recs]
    order = sorted(range(len(recs)), key=starts.__getitem__)
    return order, [starts[i] for i in order], [ends[i] for i in order]


def link_deadlines(deadlines: Sequence[Any], others: Mapping[str, Sequence[Any]]) -> list[list[dict[str, Any]]]:
    """For each deadline, the ``{"kind", "index"}`` of the records in its context (same row or sentence)."""
    # sorted by kind: the links come out ordered by (kind, index)
    indexed = [(kind, *_by_start(recs)) for kind, recs in sorted(others.items())]
    out = []
    for d in deadlines:
        lo, hi = _get(d, "context_start"), _get(d, "context_end")
        if not hi or hi <= lo:
            lo, hi = _get(d, "start"), _get(d, "end")
        links = []
        for kind, order, starts, ends in indexed:
            # records starting before the context ends and ending after it starts
            found = []
            for k in range(bisect_left(starts, hi) - 1, -1, -1):
                if ends[k] > lo:
                    found.append(order[k])
                elif starts[k] < lo - 5000:
                    break
            links += [{"kind": kind, "index": i} for i in sorted(found)]
        out.append(links)
    return out
