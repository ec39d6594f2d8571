"""The Python API: everything the CLI does, for notebooks and scripts.

Four verbs, each returning plain Python or pandas:

* :func:`analyse_text` / :func:`analyse_file` — one document → its per-document
  JSON object (metadata, sections, tables and one list of records per
  extractor, every record with raw ``start``/``end``/``text``);
  :func:`records` turns one list into a DataFrame;
* :func:`run_corpus` — a folder → every output of ``vnpolicy run`` on disk, and
  its tables as DataFrames;
* :func:`load_tables`, :func:`load_documents`, :func:`load_manifest` — a
  finished run's outputs, without recomputing.

>>> from pipeline.api import analyse_text, records
>>> rec = analyse_text("NGHỊ QUYẾT\\nvề công tác Mặt trận\\n\\nI. MỤC TIÊU")
>>> rec["metadata"]["kind"]["value"]
'Nghị quyết'
>>> d = analyse_text("Căn cứ Chỉ thị số 18-CT/TW ngày 26/10/2022 của Ban Bí thư; "
...                  "đến năm 2030, 100% xã có Trạm y tế.")
>>> records(d, "citations")[["symbol", "kind"]].to_dict("records")
[{'symbol': '18-CT/TW', 'kind': 'Chỉ thị'}]
>>> all(d["text"][r["start"]:r["end"]] == r["text"] for k in ("citations", "targets", "deadlines") for r in d[k])
True
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.document import Document
from extractors.ingest import RawDocument

from .analyse import analyse, document_json, extract_records

PathLike = str | os.PathLike[str]

#: Keys of the per-document JSON that hold lists of records.
RECORD_KINDS: tuple[str, ...] = ("citations", "targets", "results", "assignments", "deadlines")


def analyse_file(path: PathLike, *, doc_id: str | None = None) -> dict[str, Any]:
    """The per-document JSON of one file (``.txt``, ``.md``, ``.docx``, ``.pdf``), as ``vnpolicy extract`` prints it.

    A file that cannot be read is not an exception: ``status`` is ``"error"``
    and ``error`` holds a code and what to do.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "kh.txt"
    >>> _ = p.write_text("KẾ HOẠCH\\nPhấn đấu đến năm 2030, 95% hộ dân dùng nước sạch.", encoding="utf-8")
    >>> d = analyse_file(p)
    >>> d["status"], d["doc"], [t["value_min"] for t in d["targets"]]
    ('ok', 'kh.txt', [95.0])
    >>> analyse_file(p.with_name("missing.txt"))["error"]["code"]
    'E001'
    """
    return analyse(path, doc_id=doc_id)


def analyse_text(text: str, doc_id: str = "<text>") -> dict[str, Any]:
    """The per-document JSON of a string (``source.path`` is empty).

    >>> d = analyse_text("Hoàn thành trước ngày 31/12/2025.", doc_id="draft")
    >>> d["doc"], [x["value"] for x in d["deadlines"]]
    ('draft', ['2025-12-31'])
    """
    doc = Document.from_text(text, doc_id)
    data = text.encode("utf-8")
    raw = RawDocument(doc_id, "", "txt", "utf-8", hashlib.sha256(data).hexdigest(), len(data), text)
    return document_json(raw, doc, extract_records(doc))


def records(document: dict[str, Any], kind: str) -> pd.DataFrame:
    """One kind of record of a per-document JSON object as a DataFrame (one row per record).

    ``kind`` is one of ``citations``, ``targets``, ``results``, ``assignments``,
    ``deadlines``, or ``sections``; an absent kind gives an empty frame.

    >>> records(analyse_text("Phấn đấu đến năm 2030, 95% hộ dân dùng nước sạch."), "targets")[["value_min", "unit"]]
       value_min unit
    0       95.0    %
    """
    rows = document.get(kind) or []
    return pd.DataFrame([{"doc": document.get("doc"), **r} for r in rows])


def run_corpus(paths: Iterable[PathLike] | PathLike | None = None, out: PathLike | None = None, *,
               workers: int | None = None, force: bool = False, **kwargs: Any) -> dict[str, pd.DataFrame]:
    """Run every stage over ``paths`` and return the run's tables as DataFrames.

    ``paths`` are files or folders (default: the bundled corpus). Every output
    of ``vnpolicy run`` is written under ``out`` (default: ``$VNPOLICY_OUT`` or
    ``outputs``); re-runs reuse its cache, so calling this again is cheap.
    Other keyword arguments go to :func:`pipeline.runner.run` (``engine``,
    ``max_bytes``, ``corpus_stages`` …). The tables are those of
    :func:`load_tables`: ``documents``, ``sections``, ``citations``,
    ``registry``, ``conflicts``, ``targets``, ``results``, ``assignments``,
    ``deadlines`` and whatever corpus stages this build has.

    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> (tmp / "in").mkdir()
    >>> _ = (tmp / "in" / "a.txt").write_text(
    ...     "NGHỊ QUYẾT\\nCăn cứ Chỉ thị số 18-CT/TW của Ban Bí thư.", encoding="utf-8")
    >>> tables = run_corpus(tmp / "in", out=tmp / "out", workers=1)
    >>> tables["documents"]["doc"].tolist(), tables["citations"]["symbol"].tolist()
    (['a.txt'], ['18-CT/TW'])
    >>> {"documents", "run.json", "tables"} <= {p.name for p in (tmp / "out").iterdir()}
    True
    """
    from .corpus import build_tables
    from .runner import run

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = Path(out) if out is not None else Path(os.environ.get("VNPOLICY_OUT", "outputs"))
    result = run(list(paths) if paths is not None else None, out, workers=workers, force=force, **kwargs)
    if (out / "tables").exists() and kwargs.get("corpus_stages", True):
        return load_tables(out)
    return {name: _decode_json_columns(df) for name, df in build_tables(result.documents).items()}


def load_tables(out: PathLike = "outputs", names: Iterable[str] | None = None, *,
                decode: bool = True) -> dict[str, pd.DataFrame]:
    """The tables of a finished run (read from ``out/tables/*.parquet``), without recomputing.

    The store keeps nested values (lists, dicts) as JSON text; with ``decode``
    (the default) they are Python lists and dicts again, as the stages built
    them. ``names`` picks some tables (default: all).

    >>> import tempfile
    >>> load_tables(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    FileNotFoundError: no tables in .../tables: run `vnpolicy run --out ...` or run_corpus(out=...) first
    """
    tables_dir = Path(out) / "tables"
    files = sorted(tables_dir.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no tables in {tables_dir}: run `vnpolicy run --out {out}` or run_corpus(out=...) first")
    wanted = set(names) if names is not None else None
    tables = {}
    for p in files:
        if wanted is not None and p.stem not in wanted:
            continue
        df = pd.read_parquet(p)
        tables[p.stem] = _decode_json_columns(df) if decode else df
    return tables


def _decode_json_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every value is JSON array/object text, parsed back (the inverse of the store's flattening)."""
    for col in df.columns:
        series = df[col]
        if series.dtype.kind in "biufcmM":
            continue
        present = series.dropna()
        if present.empty or not present.map(lambda v: isinstance(v, str) and v[:1] in "[{" and v[-1:] in "]}").all():
            continue
        try:
            parsed = [json.loads(v) if isinstance(v, str) else None for v in series]
        except ValueError:
            continue
        df[col] = pd.Series(parsed, index=df.index, dtype=object)
    return df


def load_documents(out: PathLike = "outputs") -> list[dict[str, Any]]:
    """The per-document JSON objects of a finished run (``out/documents/*.json``), in file-name order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(out) / "documents").glob("*.json"))]


def load_manifest(out: PathLike = "outputs") -> dict[str, Any]:
    """The manifest of a finished run (``out/run.json``): inputs with status or error, steps, timings, versions."""
    return json.loads((Path(out) / "run.json").read_text(encoding="utf-8"))


__all__ = ["analyse_file", "analyse_text", "records", "run_corpus", "load_tables", "load_documents",
           "load_manifest", "RECORD_KINDS"]
