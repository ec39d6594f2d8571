"""Corpus-level stages: tables from the per-document records, cross-references, database, site.

Each stage is a function of the tables built before it; a stage whose
module is not part of this build is skipped and the manifest says so.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from .store import atomic_write_table

RECORD_KEYS = ("citations", "targets", "results", "assignments", "deadlines", "bodies")


def documents_table(documents: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for d in documents:
        md = d.get("metadata") or {}
        row = {"doc": d["doc"], "status": d["status"], "format": d["source"].get("format"), "chars": d["source"].get("chars")}
        for name, field in md.items():
            value = field.get("value") if isinstance(field, dict) else field
            row[name] = value if not isinstance(value, list) else "; ".join(map(str, value))
            if isinstance(field, dict):
                row[f"{name}_status"] = field.get("status")
        for key in RECORD_KEYS:
            row[f"n_{key}"] = len(d.get(key) or [])
        rows.append(row)
    return pd.DataFrame(rows)


def sections_table(documents: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"doc": d["doc"], **s} for d in documents for s in d.get("sections") or []]
    return pd.DataFrame(rows, columns=["doc", "id", "label", "title", "level", "path", "start", "end", "text", "body_end", "parent"] if not rows else None)


def records_table(documents: list[dict[str, Any]], key: str) -> pd.DataFrame:
    rows = []
    for d in documents:
        md = d.get("metadata") or {}
        province = (md.get("province") or {}).get("value")
        for i, r in enumerate(d.get(key) or []):
            row = {"doc": d["doc"], "province": province, "idx": i}
            row.update(r)
            rows.append(row)
    return pd.DataFrame(rows)


def build_tables(documents: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    tables = {
        "documents": documents_table(documents),
        "sections": sections_table(documents),
    }
    for key in RECORD_KEYS:
        tables[key] = records_table(documents, key)
    return tables


def build_corpus_outputs(documents: list[dict[str, Any]], out: Path, inputs: list[dict[str, Any]]) -> dict[str, float]:
    """Write every corpus output under ``out``; returns seconds per stage."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    tables = build_tables(documents)
    timings["tables"] = time.perf_counter() - t

    for name, module, func in CORPUS_STAGES:
        fn = _optional(module, func)
        if fn is None:
            continue
        t = time.perf_counter()
        fn(tables, documents, out, inputs)
        timings[name] = time.perf_counter() - t

    t = time.perf_counter()
    for name, df in tables.items():
        atomic_write_table(df, out / "tables", name)
    timings["store_tables"] = time.perf_counter() - t

    for name, module, func in OUTPUT_STAGES:
        fn = _optional(module, func)
        if fn is None:
            continue
        t = time.perf_counter()
        fn(tables, documents, out, inputs)
        timings[name] = time.perf_counter() - t
    return timings


# Stages that add tables (name, module, function(tables, documents, out, inputs)).
CORPUS_STAGES: tuple[tuple[str, str, str], ...] = (
    ("crossref", "pipeline.crossref", "crossref_stage"),
    ("compare", "pipeline.compare", "compare_stage"),
    ("bodies", "pipeline.bodies_table", "bodies_stage"),
)
# Stages that only read tables: database, site, calendar.
OUTPUT_STAGES: tuple[tuple[str, str, str], ...] = (
    ("database", "pipeline.database", "database_stage"),
    ("calendar", "pipeline.calendar", "calendar_stage"),
    ("site", "pipeline.render", "site_stage"),
    ("exports", "pipeline.exports", "exports_stage"),
)


def _optional(module: str, func: str):
    """The stage function, or None when its module is not part of this build.

    Only absence is tolerated: an import error inside a present module is raised.
    """
    from importlib import import_module
    from importlib.util import find_spec

    if find_spec(module) is None:
        return None
    return getattr(import_module(module), func, None)
