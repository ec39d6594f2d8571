"""Runner: walk inputs → per-document stages (parallel, cached) → corpus stages → manifest.

Every input ends up in ``run.json`` either processed or with its coded
reason.  Per-document results are cached by file content and pipeline
version, so a re-run only analyses new or changed files.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from extractors.errors import VnPolicyError
from extractors.ingest import MAX_BYTES

from .analyse import PIPELINE_VERSION, analyse, error_json, normalisation_steps
from .store import atomic_write_json, doc_filename

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpora"
DEFAULT_OUT = Path("outputs")
SKIP_NAMES = {"readme.md", "readme.txt", "readme", ".ds_store", "thumbs.db"}


@dataclass
class Input:
    path: Path
    doc_id: str
    skipped: str = ""  # reason an input is not analysed (listed in the manifest)


def walk(paths: Iterable[str | os.PathLike[str]]) -> list[Input]:
    """Files under ``paths`` (recursively, links not followed into loops), in a stable order."""
    found: list[Input] = []
    seen_dirs: set[tuple[int, int]] = set()
    for root in paths:
        root = Path(root)
        if root.is_dir():
            base = root
            for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
                try:
                    st = os.stat(dirpath)
                except OSError:
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:  # a symlink loop: do not descend twice
                    dirnames[:] = []
                    continue
                seen_dirs.add(key)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    rel = p.relative_to(base).as_posix()
                    skipped = "documentation file, not a document" if name.lower() in SKIP_NAMES else ""
                    if name.startswith("."):
                        skipped = "hidden file"
                    found.append(Input(p, rel, skipped))
        else:
            found.append(Input(root, root.name))
    return found


def _cache_key(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data + PIPELINE_VERSION.encode()).hexdigest()


def _analyse_one(args: tuple[str, str, int]) -> dict[str, Any]:
    path, doc_id, max_bytes = args
    return analyse(path, doc_id=doc_id, max_bytes=max_bytes)


@dataclass
class RunResult:
    out: Path
    manifest: dict[str, Any]
    documents: list[dict[str, Any]] = field(default_factory=list)


def _map(items: list[tuple[str, str, int]], workers: int, engine: str, scheduler: str | None) -> Iterator[dict[str, Any]]:
    if engine == "dask":
        from .dask_engine import map_documents

        yield from map_documents(items, scheduler=scheduler, workers=workers)
    elif workers <= 1 or len(items) <= 1:
        for item in items:
            yield _analyse_one(item)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_analyse_one, items, chunksize=max(1, len(items) // (workers * 8)))


def run(
    inputs: Iterable[str | os.PathLike[str]] | None = None,
    out: str | os.PathLike[str] = DEFAULT_OUT,
    *,
    workers: int | None = None,
    force: bool = False,
    max_bytes: int = MAX_BYTES,
    engine: str = "local",
    scheduler: str | None = None,
    corpus_stages: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> RunResult:
    """Analyse every input, write per-document JSON, corpus outputs and ``run.json``."""
    started = time.time()
    out = Path(out)
    docs_dir = out / "documents"
    cache_dir = out / ".cache"
    docs_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    inputs_list = walk(list(inputs) if inputs else [DEFAULT_CORPUS])

    rows: list[dict[str, Any]] = []
    todo: list[tuple[int, Input, str | None]] = []
    results: dict[int, dict[str, Any]] = {}
    for i, inp in enumerate(inputs_list):
        if inp.skipped:
            rows.append({"doc": inp.doc_id, "path": str(inp.path), "status": "skipped", "error": {"code": "", "message": inp.skipped}})
            continue
        key = _cache_key(inp.path)
        cached = cache_dir / f"{key}.json" if key else None
        if cached is not None and cached.exists() and not force:
            try:
                doc = json.loads(cached.read_text(encoding="utf-8"))
                doc["doc"] = inp.doc_id
                results[i] = doc
                results[i]["cached"] = True
                continue
            except (OSError, json.JSONDecodeError):
                pass  # a damaged cache entry is simply recomputed
        todo.append((i, inp, key))

    t = time.perf_counter()
    items = [(str(inp.path), inp.doc_id, max_bytes) for _, inp, _ in todo]
    for n, ((i, inp, key), doc) in enumerate(zip(todo, _map(items, workers, engine, scheduler)), 1):
        results[i] = doc
        if key and doc["status"] == "ok":
            atomic_write_json(cache_dir / f"{key}.json", doc)
        if progress:
            progress(n, len(todo), inp.doc_id)
    per_doc_seconds = time.perf_counter() - t

    documents = []
    stage_totals: dict[str, float] = {}
    for i in sorted(results):
        doc = results[i]
        inp = inputs_list[i]
        if doc["status"] == "ok":
            atomic_write_json(docs_dir / doc_filename(doc["doc"]), doc)
            documents.append(doc)
        for stage, secs in (doc.get("timings") or {}).items():
            if not doc.get("cached"):
                stage_totals[stage] = stage_totals.get(stage, 0.0) + secs
        rows.append({
            "doc": doc["doc"], "path": str(inp.path), "status": doc["status"], "error": doc.get("error"),
            "cached": bool(doc.get("cached")), "chars": (doc.get("source") or {}).get("chars"),
        })
    rows.sort(key=lambda r: r["doc"])

    corpus_timings: dict[str, float] = {}
    if corpus_stages:
        from .corpus import build_corpus_outputs

        corpus_timings = build_corpus_outputs(documents, out, rows)

    manifest = {
        "pipeline_version": PIPELINE_VERSION,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "inputs": rows,
        "counts": {
            "inputs": len(rows),
            "ok": sum(r["status"] == "ok" for r in rows),
            "error": sum(r["status"] == "error" for r in rows),
            "skipped": sum(r["status"] == "skipped" for r in rows),
            "cached": sum(bool(r.get("cached")) for r in rows),
        },
        "normalization_steps": normalisation_steps(),
        "timings": {
            "per_document_wall": round(per_doc_seconds, 4),
            "per_document_stages_cpu": {k: round(v, 4) for k, v in stage_totals.items()},
            "corpus_stages": {k: round(v, 4) for k, v in corpus_timings.items()},
        },
        "workers": workers,
        "engine": engine,
        "versions": _versions(),
    }
    atomic_write_json(out / "run.json", manifest)
    return RunResult(out, manifest, documents)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("vnpolicy", "underthesea", "spacy", "pandas", "pyarrow", "regex", "jinja2", "python-docx",
                "pdfplumber", "vietnam-provinces", "rapidfuzz"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


__all__ = ["run", "walk", "RunResult", "VnPolicyError", "error_json"]
