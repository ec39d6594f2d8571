"""Corpus-level stages: tables from the per-document records, cross-references, database, site.

Each stage is a function of the tables built before it; a stage whose
module is not part of this build is skipped and the manifest says so.
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.core.indexes.api import default_index
from pandas.core.internals.construction import convert_object_array

from .store import atomic_write_table, json_text
from .tablestore import TableStore, frames_of, release_free_memory

RECORD_KEYS = ("citations", "targets", "results", "assignments", "deadlines", "bodies")
# Documents per chunk of :func:`build_tables` (a few MB of rows).
CHUNK_DOCUMENTS = 200


class _Columns:
    """Rows accumulated column by column; :meth:`frame` equals ``pd.DataFrame(list_of_row_dicts)``
    with nested values (lists, dicts) as JSON text.

    Column order is the order of first appearance, a key missing from a row
    is NaN, and each column's type is inferred exactly as pandas does for a
    list of dicts, but without keeping a dict per row.

    Nested values are JSON text in the tables, in memory as in ``tables/*.parquet``
    and the database: a text column is one Arrow buffer, where a column of
    lists of dicts was millions of Python objects that outlived the documents
    they came from and kept the heap fragmented.  :func:`pipeline.store.json_value`
    (or ``pipeline.render.obj``) reads a cell back.
    """

    __slots__ = ("cols", "n")

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {}
        self.n = 0

    def add(self, row: dict[str, Any]) -> None:
        cols, n = self.cols, self.n
        for k, v in row.items():
            col = cols.get(k)
            if col is None:
                col = cols[k] = [_NAN] * n
            col.append(v)
        self.n = n = n + 1
        if len(row) != len(cols):
            for col in cols.values():
                if len(col) != n:
                    col.append(_NAN)

    def frame(self, columns: list[str] | None = None) -> pd.DataFrame:
        if not self.n:
            return pd.DataFrame([], columns=columns)
        names = list(self.cols)
        arrays = [_json_cells(np.fromiter(self.cols.pop(k), dtype=object, count=self.n)) for k in names]
        arrays = convert_object_array(arrays, dtype=None)
        return pd.DataFrame._from_arrays(arrays, columns=names, index=default_index(self.n))


_NAN = np.nan
_NESTED = (list, dict, tuple)


def _json_cells(values: np.ndarray) -> np.ndarray:
    """``values`` with every list, dict or tuple replaced by its JSON text (see :class:`_Columns`)."""
    if any(type(v) in _NESTED for v in values):
        values = np.fromiter((json_text(v) if type(v) in _NESTED else v for v in values), dtype=object, count=len(values))
    return values


SECTION_COLUMNS = ["doc", "id", "label", "title", "level", "path", "start", "end", "text", "body_end", "parent"]


def _document_row(d: dict[str, Any]) -> dict[str, Any]:
    md = d.get("metadata") or {}
    row = {"doc": d["doc"], "status": d["status"], "format": d["source"].get("format"), "chars": d["source"].get("chars")}
    for name, field in md.items():
        value = field.get("value") if isinstance(field, dict) else field
        row[name] = value if not isinstance(value, list) else "; ".join(map(str, value))
        if isinstance(field, dict):
            row[f"{name}_status"] = field.get("status")
    for key in RECORD_KEYS:
        row[f"n_{key}"] = len(d.get(key) or [])
    return row


def _add_sections(acc: _Columns, d: dict[str, Any]) -> None:
    doc = d["doc"]
    for s in d.get("sections") or []:
        acc.add({"doc": doc, **s})


def _add_records(acc: _Columns, d: dict[str, Any], key: str) -> None:
    records = d.get(key)
    if not records:
        return
    md = d.get("metadata") or {}
    province = (md.get("province") or {}).get("value")
    doc = d["doc"]
    for i, r in enumerate(records):
        row = {"doc": doc, "province": province, "idx": i}
        row.update(r)
        acc.add(row)


def documents_table(documents: list[dict[str, Any]]) -> pd.DataFrame:
    acc = _Columns()
    for d in documents:
        acc.add(_document_row(d))
    return acc.frame()


def sections_table(documents: list[dict[str, Any]]) -> pd.DataFrame:
    acc = _Columns()
    for d in documents:
        _add_sections(acc, d)
    return acc.frame(SECTION_COLUMNS)


def records_table(documents: list[dict[str, Any]], key: str) -> pd.DataFrame:
    acc = _Columns()
    for d in documents:
        _add_records(acc, d, key)
    return acc.frame()


def build_tables(documents: list[dict[str, Any]], skip: tuple[str, ...] = (),
                 chunk: int = CHUNK_DOCUMENTS, workers: int | None = None) -> dict[str, pd.DataFrame]:
    """Every table in ONE pass over ``documents`` (each read from the cache once).

    Rows are gathered ``chunk`` documents at a time and turned into frames
    chunk by chunk: the Python objects of one chunk's rows are all that ever
    wait for conversion, where one big gathering held every string of the
    corpus at once (several GB at 10,000 documents) and left the heap
    fragmented.  The chunks are then joined with the types inference gives
    the whole column (:func:`_join`), so the tables do not depend on ``chunk``.

    A run's :class:`~pipeline.runner.DocumentSet` of at least
    :data:`PARALLEL_TABLE_DOCUMENTS` is read by ``workers`` processes (default:
    one per core), a chunk each at a time; the frames come back in order and
    are joined the same way, so the tables do not depend on ``workers`` either.
    The parsing garbage stays in the workers: this process receives only the
    frames' Arrow buffers.

    ``skip``: record tables a later stage replaces anyway (left as empty placeholders, in their place).
    """
    names = ["documents", "sections", *(key for key in RECORD_KEYS if key not in skip)]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in names}
    for frames in _chunk_frames(documents, names, chunk, workers):
        for name, frame in frames.items():
            parts[name].append(frame)
    return dict(_joined_tables(parts.pop, skip))


def _joined_tables(frames_of_table, skip: tuple[str, ...]) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(name, table)`` in the order of :func:`build_tables`, each joined from its chunks' frames
    (``frames_of_table(name)``), an empty placeholder for those in ``skip``; one table at a time."""
    for name in ("documents", "sections", *RECORD_KEYS):
        if name in skip:
            yield name, pd.DataFrame()
        else:
            yield name, _join(frames_of_table(name), SECTION_COLUMNS if name == "sections" else None)


def _spans(n: int, chunk: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of ``n`` documents."""
    return [(lo, min(lo + chunk, n)) for lo in range(0, n, chunk)]


# From this many documents on, a run's tables are gathered by worker processes.
PARALLEL_TABLE_DOCUMENTS = 1000


def _chunk_frames(documents, names: list[str], chunk: int, workers: int | None) -> Iterator[dict[str, pd.DataFrame]]:
    """The frames of each chunk of ``chunk`` documents, in order (tables with no rows in a chunk left out)."""
    from .runner import DocumentSet, default_workers

    workers = workers or default_workers()
    if isinstance(documents, DocumentSet) and len(documents) >= PARALLEL_TABLE_DOCUMENTS and workers > 1:
        spans = _spans(len(documents), chunk)
        # spawned, not forked: a forked child would appear to hold this process's memory
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            yield from pool.map(_frames_of, [documents[lo:hi] for lo, hi in spans], [names] * len(spans))
        return
    # A DocumentSet is read once, without pinning parsed documents through the stages after.
    scan = documents.scan() if hasattr(documents, "scan") else iter(documents)
    while frames := _frames_of(islice(scan, chunk), names):  # every document has a row in ``documents``
        yield frames


def _frames_of(documents: Iterable[dict[str, Any]], names: list[str]) -> dict[str, pd.DataFrame]:
    """The rows of ``documents`` as one frame per table of ``names`` (those with rows)."""
    acc = {name: _Columns() for name in names}
    scan = documents.scan() if hasattr(documents, "scan") else documents
    for d in scan:
        acc["documents"].add(_document_row(d))
        _add_sections(acc["sections"], d)
        for key in names[2:]:
            _add_records(acc[key], d, key)
        del d
    return {name: a.frame() for name, a in acc.items() if a.n}


def _join(frames: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    """The chunks' frames as one, equal to the frame of all their rows at once.

    ``pd.concat`` keeps the columns in order of first appearance and fills a
    column a chunk lacks with NaN, as one frame would; only a column whose
    chunks were inferred apart (text in one, all-NaN floats in another) comes
    out as ``object``, and is inferred again over the whole column.
    """
    if not frames:
        return pd.DataFrame([], columns=columns)
    if len(frames) == 1:
        return frames[0]
    df = pd.concat(frames, ignore_index=True, sort=False)
    mixed = [c for c in df.columns if df[c].dtype == object
             and any(c in f.columns and f[c].dtype != object for f in frames)]
    if mixed:
        arrays = convert_object_array([df[c].to_numpy(dtype=object) for c in mixed], dtype=None)
        for c, arr in zip(mixed, arrays):
            df[c] = arr
    return df


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Let the garbage collector skip what the corpus stages keep, until the block ends.

    The tables and the stages' views hold millions of Python objects for a
    national corpus.  Every full collection walks all of them, and collections
    come more often the more is allocated, so the time spent collecting grows
    with the square of the corpus (on 1,000 documents, freezing took the corpus
    stages from ~65 s to ~50 s in one run on a shared machine).  :func:`settle` moves what is alive into the collector's
    permanent generation (``gc.freeze``); objects made afterwards are collected
    as usual, and leaving the block hands everything back to the collector.
    """
    try:
        yield
    finally:
        gc.unfreeze()


def settle() -> None:
    """Collect the garbage of a finished step, freeze what survived (see :func:`long_lived_objects`)
    and give the memory the step freed back to the system (:func:`release_free_memory`)."""
    gc.collect()
    gc.freeze()
    release_free_memory()


def build_corpus_outputs(documents: list[dict[str, Any]], out: Path, inputs: list[dict[str, Any]]) -> dict[str, float]:
    """Write every corpus output under ``out``; returns seconds per stage.

    A run's :class:`~pipeline.runner.DocumentSet` of at least
    :data:`OUT_OF_CORE_DOCUMENTS` is built out of core (:func:`_build_out_of_core`);
    a smaller corpus in this process, its tables in memory.  The outputs are the same.
    """
    from .runner import DocumentSet

    _remove_leftovers(Path(out))
    if isinstance(documents, DocumentSet) and len(documents) >= OUT_OF_CORE_DOCUMENTS:
        return _build_out_of_core(documents, Path(out), inputs)
    with long_lived_objects():
        return _build_corpus_outputs(documents, out, inputs)


# From this many documents on, the corpus stages run out of core.
OUT_OF_CORE_DOCUMENTS = 1000
# The output stages of an out-of-core build, two at a time, each of the rest as soon as one ends.
# The site, the longest, starts first.  Its index pages take the most memory (~0.9 GB at 10,000
# documents), the exports next (~0.7 GB, the same citation index): the exports come last, when the
# site is on its document pages; the database (~0.55 GB at most) may meet the index pages.
OUT_OF_CORE_ORDER = ("site", "store_tables", "calendar", "database", "exports")
# The folder of an out-of-core build's tables, under the run's output folder (removed when it ends).
WORK_PREFIX = ".corpus-tables-"


def _build_out_of_core(documents, out: Path, inputs: list[dict[str, Any]]) -> dict[str, float]:
    """The corpus outputs of a big run, with the tables on disk and each stage in a process of its own.

    Held in one process, a national corpus's tables take more than a gigabyte
    and each stage's working copies as much again, and what a stage frees
    stays fragmented in the heap.  Here the tables go to a
    :class:`~pipeline.tablestore.TableStore` as they are gathered, one chunk
    and then one table at a time; each corpus stage then runs in a fresh
    process that reads only the tables (and, where the stage asks, the
    columns) it uses, writes back those it makes, and returns all its memory
    when it ends.  The output stages run two at a time, one per core of a
    laptop, in the order of :data:`OUT_OF_CORE_ORDER`.
    """
    timings: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out))
    try:
        store = TableStore(work / "tables")
        t = time.perf_counter()
        skip = ("bodies",) if _optional("pipeline.bodies_table", "bodies_stage") is not None else ()
        _tables_into(store, documents, skip, cache=_made(Path(documents.out) / PARTS_CACHE))
        timings["tables"] = time.perf_counter() - t
        documents = documents[:]  # what a stage process receives: the entries, no parsed documents
        # max_tasks_per_child=1: every stage in a fresh process, whose memory goes back when it ends
        context = get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context, max_tasks_per_child=1) as pool:
            for name, module, func in CORPUS_STAGES:
                if _optional(module, func) is not None:
                    timings[name] = pool.submit(_stage_process, module, func, store.directory, documents, out,
                                                inputs).result()
        outputs = [stage for stage in (*OUTPUT_STAGES, ("store_tables", __name__, "store_tables_stage"))
                   if _optional(stage[1], stage[2]) is not None]
        outputs.sort(key=lambda stage: OUT_OF_CORE_ORDER.index(stage[0]))
        with ProcessPoolExecutor(max_workers=2, mp_context=context, max_tasks_per_child=1) as pool:
            running = {name: pool.submit(_stage_process, module, func, store.directory, documents, out, inputs)
                       for name, module, func in outputs}
            for name, future in running.items():
                timings[name] = future.result()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return timings


def _stage_process(module: str, func: str, tables: Path, documents, out: Path, inputs) -> float:
    """Run one stage on the tables stored in the folder ``tables`` (in a stage process); returns its seconds."""
    fn = _optional(module, func)
    t = time.perf_counter()
    fn(TableStore(tables), documents, out, inputs)
    return time.perf_counter() - t


def store_tables_stage(tables, documents, out: Path, inputs) -> None:
    """Output stage: ``tables/*.csv`` and ``tables/*.parquet``, a chunk of a table's rows in memory at a time."""
    for name in list(tables):
        atomic_write_table(frames_of(tables, name), Path(out) / "tables", name)


def _tables_into(store, documents, skip: tuple[str, ...], cache: Path | None = None) -> None:
    """What :func:`build_tables` returns, into ``store``, without this process holding any of it.

    Worker processes gather the rows of a chunk of documents each into a
    store of its own (a *part*); one more process joins each table's parts, a
    table at a time, as :func:`build_tables` joins its chunks (the same
    tables: tested).

    With ``cache`` (a run's ``.cache/parts``), parts are kept there between
    runs under a key of their documents' cache keys and the code's version,
    and a part already there is not gathered again: a re-run after one file
    changed gathers the rows of one chunk, not of the whole corpus.  Chunks
    end where their documents' ids say (:func:`_chunk_spans`), so that a file
    added or removed moves the ends of one chunk, not of every chunk after it.
    Parts no chunk of this run uses are removed.  Without ``cache`` the parts
    are gathered in a folder beside ``store`` and removed afterwards.
    """
    from .runner import default_workers

    names = ["documents", "sections", *(key for key in RECORD_KEYS if key not in skip)]
    if cache is None:
        spans = _spans(len(documents), CHUNK_DOCUMENTS)
        parts = [store.directory.parent / "parts" / f"{i:06d}" for i in range(len(spans))]
    else:
        entries = documents.entries()
        spans = _chunk_spans([e.doc_id for e in entries], CHUNK_DOCUMENTS)
        version = _part_version(names)
        parts = [cache / _part_key(version, entries[lo:hi]) for lo, hi in spans]
    todo = [i for i, part in enumerate(parts) if not (part / _PART_DONE).exists()]
    context = get_context("spawn")
    try:
        if todo:
            with ProcessPoolExecutor(max_workers=default_workers(), mp_context=context) as pool:
                list(pool.map(_store_part, [documents[spans[i][0]:spans[i][1]] for i in todo],
                              [parts[i] for i in todo], [names] * len(todo)))
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(_join_parts, store.directory, parts, skip).result()
    finally:
        if cache is None:
            shutil.rmtree(store.directory.parent / "parts", ignore_errors=True)
    if cache is not None:
        keep = {part.name for part in parts}
        for old in cache.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)


# Where a run keeps its table parts between runs (under its output folder).
PARTS_CACHE = Path(".cache") / "parts"
# Marks a complete part (written last, so that a part cut short by a killed run is gathered again).
_PART_DONE = ".complete"


def _chunk_spans(doc_ids: list[str], chunk: int) -> list[tuple[int, int]]:
    """``(start, end)`` of chunks of at most ``chunk`` documents, ended by the documents' ids.

    A chunk ends after a document whose id hashes to 0 modulo ``chunk // 2``
    (every other document on average: chunks of about half ``chunk``), or when
    it is full.  An id added or removed changes the chunk it falls in (and,
    when full chunks follow, the chunks up to the next end set by an id), not
    every chunk after it, as cutting every ``chunk`` documents would.

    >>> _chunk_spans([], 4)
    []
    >>> spans = _chunk_spans([f"{i:03d}.txt" for i in range(50)], 8)
    >>> spans[0][0], spans[-1][1], all(a < b <= a + 8 for a, b in spans), all(b == c for (_, b), (c, _) in zip(spans, spans[1:]))
    (0, 50, True, True)
    """
    every = max(1, chunk // 2)
    spans, lo = [], 0
    for i, doc_id in enumerate(doc_ids):
        if i + 1 - lo >= chunk or _id_hash(doc_id) % every == 0:
            spans.append((lo, i + 1))
            lo = i + 1
    if lo < len(doc_ids):
        spans.append((lo, len(doc_ids)))
    return spans


def _id_hash(doc_id: str) -> int:
    """A hash of a document id that is the same in every process and on every run."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _part_version(names: list[str]) -> str:
    """What a part's rows depend on besides its documents: the code that gathers them, the tables asked for."""
    from .runner import corpus_code_version

    return f"{corpus_code_version()}|{','.join(names)}"


def _part_key(version: str, entries) -> str:
    """The cache key of the part of ``entries`` (each a document's id, cache key and file)."""
    h = hashlib.blake2b(version.encode("utf-8"), digest_size=16)
    for e in entries:
        h.update(f"\0{e.doc_id}\0{e.key}\0{e.path}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _store_part(documents, folder: Path, names: list[str]) -> None:
    """The frames of ``documents`` (a worker's chunk) into a store of their own at ``folder``.

    The store is written beside ``folder`` and renamed to it when complete.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=_made(folder.parent)))
    try:
        part = TableStore(tmp)
        for name, frame in _frames_of(documents, names).items():
            part[name] = frame
        (tmp / _PART_DONE).touch()
        shutil.rmtree(folder, ignore_errors=True)  # an incomplete one, left by a killed run
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _join_parts(directory: Path, parts: list[Path], skip: tuple[str, ...]) -> None:
    """Each table joined from the ``parts`` stores, in order, into the store at ``directory``."""
    def frames_of_table(name: str) -> list[pd.DataFrame]:
        return [frame for frame in (TableStore(part).get(name) for part in parts) if frame is not None]

    store = TableStore(directory)
    for name, table in _joined_tables(frames_of_table, skip):
        store[name] = table
        del table
        release_free_memory()


def _remove_leftovers(out: Path) -> None:
    """The tables folders of out-of-core builds that were interrupted."""
    for leftover in out.glob(WORK_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _build_corpus_outputs(documents: list[dict[str, Any]], out: Path, inputs: list[dict[str, Any]]) -> dict[str, float]:
    timings: dict[str, float] = {}
    t = time.perf_counter()
    # The bodies stage replaces the per-mention ``bodies`` records with its own table: not built for nothing.
    skip = ("bodies",) if _optional("pipeline.bodies_table", "bodies_stage") is not None else ()
    # Parsed documents are trees, freed as soon as their rows are taken: nothing for the
    # collector to find while the tables are gathered, only survivors to walk again and again.
    gc.disable()
    try:
        tables = build_tables(documents, skip=skip)
    finally:
        gc.enable()
    settle()
    timings["tables"] = time.perf_counter() - t

    _run_stages(CORPUS_STAGES, tables, documents, out, inputs, timings)

    # From here on the tables are only read.  Writing the table files and the database is
    # mostly C code that lets other threads run (Arrow's writers, SQLite's inserts and
    # full-text indexing): they go on in threads beside the other output stages, which
    # would otherwise leave the second core idle.  Their errors are raised here.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="vnpolicy-output") as pool:
        running = [pool.submit(_timed, timings, "store_tables", _store_tables, tables, out)]
        _run_stages(OUTPUT_STAGES, tables, documents, out, inputs, timings, pool=pool, running=running)
        for future in running:
            future.result()
    return timings


def _store_tables(tables: dict[str, pd.DataFrame], out: Path) -> None:
    for name, df in tables.items():
        atomic_write_table(df, out / "tables", name)


def _timed(timings: dict[str, float], name: str, fn, *args) -> None:
    t = time.perf_counter()
    fn(*args)
    timings[name] = time.perf_counter() - t


def _run_stages(stages, tables, documents, out, inputs, timings: dict[str, float],
                pool: ThreadPoolExecutor | None = None, running: list[Future] | None = None) -> None:
    """Run each stage of this build in order, timing it; those of BACKGROUND_STAGES in ``pool``."""
    for name, module, func in stages:
        fn = _optional(module, func)
        if fn is None:
            continue
        if pool is not None and running is not None and name in BACKGROUND_STAGES:
            running.append(pool.submit(_timed, timings, name, fn, tables, documents, out, inputs))
        else:
            _timed(timings, name, fn, tables, documents, out, inputs)
            if pool is None:  # the table-adding stages: what they added lives to the end
                settle()
            else:
                release_free_memory()


# Stages that add tables (name, module, function(tables, documents, out, inputs)).
CORPUS_STAGES: tuple[tuple[str, str, str], ...] = (
    ("crossref", "pipeline.crossref", "crossref_stage"),
    ("compare", "pipeline.compare", "compare_stage"),
    ("bodies", "pipeline.bodies_table", "bodies_stage"),
)
# Output stages that can run in a thread beside the others (see build_corpus_outputs).
BACKGROUND_STAGES = frozenset({"database"})
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
