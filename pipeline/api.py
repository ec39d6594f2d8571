"""A small Python API over the pipeline, for notebooks and scripts.

>>> from pipeline.api import analyse_text
>>> rec = analyse_text("NGHỊ QUYẾT\\nvề công tác Mặt trận\\n\\nI. MỤC TIÊU")
>>> rec["metadata"]["kind"]["value"]
'Nghị quyết'
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from extractors.document import Document
from extractors.ingest import RawDocument

from .analyse import analyse, document_json, extract_records


def analyse_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The per-document JSON of one file (the same as ``vnpolicy extract``)."""
    return analyse(path)


def analyse_text(text: str, doc_id: str = "<text>") -> dict[str, Any]:
    """The per-document JSON of a string."""
    import hashlib

    doc = Document.from_text(text, doc_id)
    raw = RawDocument(doc_id, "", "txt", "utf-8", hashlib.sha256(text.encode()).hexdigest(), len(text.encode()), text)
    return document_json(raw, doc, extract_records(doc))


def run_corpus(paths: Iterable[str | os.PathLike[str]] | None = None, out: str | os.PathLike[str] | None = None,
               **kwargs: Any) -> dict[str, pd.DataFrame]:
    """Run the pipeline and return its tables as DataFrames (outputs go to ``out`` or a cache folder)."""
    from .corpus import build_tables
    from .runner import run

    out = Path(out) if out else Path(os.environ.get("VNPOLICY_OUT", "outputs"))
    result = run(paths, out, **kwargs)
    return load_tables(out) if (out / "tables").exists() else build_tables(result.documents)


def load_tables(out: str | os.PathLike[str] = "outputs") -> dict[str, pd.DataFrame]:
    """The tables of a finished run, without recomputing (Parquet)."""
    tables_dir = Path(out) / "tables"
    return {p.stem: pd.read_parquet(p) for p in sorted(tables_dir.glob("*.parquet"))}


def load_documents(out: str | os.PathLike[str] = "outputs") -> list[dict[str, Any]]:
    """The per-document JSON objects of a finished run."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(out) / "documents").glob("*.json"))]
