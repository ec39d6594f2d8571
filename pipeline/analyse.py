"""analyse: every per-document stage over one file, isolated so that one bad file never stops a batch.

The result is the per-document JSON object (see ``docs/schema.md``):
``doc``, ``status``, ``error``, ``source``, ``metadata``, ``sections``,
``tables``, ``footnotes`` and one key per extractor.
"""
from __future__ import annotations

import time
import traceback
from importlib import import_module
from pathlib import Path
from typing import Any, Callable

from extractors.document import Document
from extractors.errors import VnPolicyError
from extractors.ingest import MAX_BYTES, RawDocument, ingest
from extractors.normalize import DEFAULT_STEPS, normalize
from extractors.records import records_to_dicts
from extractors.segment import segment

PIPELINE_VERSION = "0.1.0"

# (output key, module, function): each extractor is a pure function of a Document.
# ``find_targets`` returns (targets, results).
EXTRACTORS: tuple[tuple[str, str, str], ...] = (
    ("citations", "extractors.citations", "find_citations"),
    ("targets", "extractors.targets", "find_targets"),
    ("assignments", "extractors.assignments", "find_assignments"),
    ("deadlines", "extractors.deadlines", "find_deadlines"),
    ("bodies", "extractors.bodies", "find_bodies"),
)


# Stage timings are the CPU time of the process doing the work (a worker runs one
# document at a time): the seconds a stage really cost, not counting the time the
# operating system gave the core to another worker.  Summed over workers they are
# the core-seconds behind the benchmark's "MB/s per core".  Every step of
# :func:`analyse` after reading the file is timed: the extractors (their records'
# ``to_dict`` included), "links" (citation contexts, deadlines' bounds) and
# "document" (the per-document JSON object put together).
_clock = time.process_time

def _load(module: str, func: str) -> Callable[[Document], Any] | None:
    """The extractor, or None when its module is not part of this build (a broken one raises)."""
    from importlib.util import find_spec

    if find_spec(module) is None:
        return None
    return getattr(import_module(module), func, None)


def available_extractors() -> list[tuple[str, Callable[[Document], Any]]]:
    out = []
    for key, module, func in EXTRACTORS:
        fn = _load(module, func)
        if fn is not None:
            out.append((key, fn))
    return out


def document_from_raw(raw: RawDocument) -> tuple[Document, dict[str, float]]:
    timings: dict[str, float] = {}
    t = _clock()
    norm = normalize(raw.raw)
    timings["normalize"] = _clock() - t
    t = _clock()
    doc = segment(raw.doc_id, norm)
    timings["segment"] = _clock() - t
    return doc, timings


def extract_records(doc: Document, timings: dict[str, float] | None = None) -> dict[str, list[dict]]:
    """Run every available extractor over ``doc``; records as plain dicts."""
    out: dict[str, list[dict]] = {}
    for key, fn in available_extractors():
        t = _clock()
        found = fn(doc)
        if key == "targets":
            targets, results = found
            out["targets"] = records_to_dicts(targets)
            out["results"] = records_to_dicts(results)
        else:
            out[key] = records_to_dicts(found)
        if timings is not None:
            timings[key] = _clock() - t
    t = _clock()
    for rec in out.get("citations", []):
        rec["context"] = context_of(doc.raw, rec["start"], rec["end"])
    if "deadlines" in out:
        from extractors.links import link_deadlines

        bounded = {k: out[k] for k in ("assignments", "targets") if k in out}
        for rec, links in zip(out["deadlines"], link_deadlines(out["deadlines"], bounded)):
            rec["bounds"] = links
    if timings is not None:
        timings["links"] = _clock() - t
    return out


def context_of(raw: str, start: int, end: int, width: int = 160) -> str:
    """The words around a span, on one line (for the citation index)."""
    a, b = max(0, start - width), min(len(raw), end + width)
    return " ".join(raw[a:b].split())


def document_json(raw: RawDocument, doc: Document, records: dict[str, list[dict]]) -> dict[str, Any]:
    return {
        "doc": raw.doc_id,
        "status": "ok",
        "error": None,
        "source": {
            "path": raw.path,
            "format": raw.format,
            "encoding": raw.encoding,
            "sha256": raw.sha256,
            "size": raw.size,
            "chars": len(raw.raw),
        },
        "metadata": doc.metadata.to_dict(),
        "sections": records_to_dicts(doc.sections),
        "tables": [_table_dict(t) for t in doc.tables],
        "footnotes": records_to_dicts(doc.footnotes),
        # suspected OCR slips the normalisation repaired: raw[start:end] == text became new
        "normalization_changes": [{"step": c.step, "start": c.start, "end": c.end, "text": raw.raw[c.start:c.end],
                                   "new": c.new} for c in doc.norm.changes],
        **records,
        "text": raw.raw,
    }


def _table_dict(table) -> dict[str, Any]:
    d = table.to_dict()
    d.pop("norm_start", None)
    return d


def analyse(path: str | Path, *, doc_id: str | None = None, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The per-document JSON of one file; errors become ``status: "error"`` with a code."""
    timings: dict[str, float] = {}
    name = doc_id or Path(path).name
    try:
        t = _clock()
        raw = ingest(path, max_bytes=max_bytes, doc_id=name)
        timings["ingest"] = _clock() - t
    except VnPolicyError as exc:
        return error_json(name, str(path), exc)
    try:
        doc, t2 = document_from_raw(raw)
        timings.update(t2)
        records = extract_records(doc, timings)
        t = _clock()
        out = document_json(raw, doc, records)
        timings["document"] = _clock() - t
    except Exception as exc:  # an extractor bug must not stop the batch
        err = VnPolicyError("E020", f"{type(exc).__name__}: {exc}")
        out = error_json(name, str(path), err)
        out["traceback"] = traceback.format_exc(limit=5)
    out["timings"] = timings
    return out


def error_json(doc_id: str, path: str, exc: VnPolicyError) -> dict[str, Any]:
    return {"doc": doc_id, "status": "error", "error": exc.to_dict(), "source": {"path": path}}


def normalisation_steps() -> list[dict[str, str]]:
    return [{"name": s.name, "description": s.description, "example_in": s.example[0], "example_out": s.example[1]}
            for s in DEFAULT_STEPS]
