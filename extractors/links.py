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


def link_deadlines(deadlines: Sequence[Any], others: Mapping[str, Sequence[Any]]) -> list[list[dict[str, Any]]]:
    """For each deadline, the ``{"kind", "index"}`` of the records in its context (same row or sentence)."""
    indexed = {}
    for kind, recs in others.items():
        order = sorted(range(len(recs)), key=lambda i: _get(recs[i], "start"))
        indexed[kind] = (order, [_get(recs[i], "start") for i in order], recs)
    out = []
    for d in deadlines:
        lo, hi = _get(d, "context_start"), _get(d, "context_end")
        if not hi or hi <= lo:
            lo, hi = _get(d, "start"), _get(d, "end")
        links = []
        for kind, (order, starts, recs) in indexed.items():
            # records starting before the context ends and ending after it starts
            j = bisect_left(starts, hi)
            for k in range(j - 1, -1, -1):
                rec = recs[order[k]]
                if _get(rec, "end") > lo:
                    links.append({"kind": kind, "index": order[k]})
                elif starts[k] < lo - 5000:
                    break
        out.append(sorted(links, key=lambda x: (x["kind"], x["index"])))
    return out
