"""Runner: walk inputs → per-document stages (parallel, cached) → corpus stages → manifest.

Every input ends up in ``run.json`` either processed or with its coded
reason.  Three things keep a national corpus cheap on one laptop:

* **Cache.**  A document's result is stored under a key made of its bytes,
  its id and the *code version* (the package version plus a digest of the
  extractor sources and vocabularies, so editing an extractor invalidates the
  cache without anyone remembering to bump a number).  An index of
  ``(size, mtime)`` per input spares re-reading and re-hashing unchanged
  files, and records which ``documents/*.json`` are already up to date so a
  re-run does not rewrite them.  When the set of per-document results and
  the code are both unchanged, the corpus stages are not redone either.
* **Streaming.**  Workers write ``documents/<doc>.json`` (with the raw text)
  and a text-less cache entry themselves; the runner keeps only a pointer
  per document.  :class:`DocumentSet` hands the corpus stages one text-less
  document at a time, read back from the cache, and :func:`load_text` reads
  a document's raw text when a consumer needs it.
* **Isolation.**  A document that raises becomes an ``E020`` row; a worker
  process that dies (a crash in a C extension, the OOM killer) costs only the
  documents it was running, which are retried one by one and, if they kill
  their worker again, listed with ``E020``.

Output does not depend on the number of workers or the engine: documents
are written under their own names and every table is built in input order.
"""
from __future__ import annotations

import gc
import hashlib
import os
import platform
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import orjson

from extractors.errors import VnPolicyError
from extractors.ingest import MAX_BYTES

from .analyse import PIPELINE_VERSION, analyse, error_json, normalisation_steps
from .store import atomic_write_bytes, atomic_write_json, doc_filename, json_bytes

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpora"
DEFAULT_OUT = Path("outputs")
SKIP_NAMES = {"readme.md", "readme.txt", "readme", ".ds_store", "thumbs.db"}
INDEX_NAME = "index.json"
# How often the index is saved during a long run, so that a killed run loses
# at most this much bookkeeping (the per-document cache entries are durable anyway).
INDEX_FLUSH_SECONDS = 30.0
# An index entry is trusted only for files last modified this long before the
# index was saved: a file rewritten within the same clock tick keeps its mtime.
RACY_SECONDS = 2.0
# Parsed text-less documents kept in memory between the corpus stages' passes (estimated bytes).
DOCUMENT_MEMORY_BYTES = int(os.environ.get("VNPOLICY_DOCUMENT_MEMORY_MB", "512")) * 1024 * 1024

Progress = Callable[[int, int, str], None]


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


# ---------------------------------------------------------------- versions


def _tree_digest(roots: Iterable[Path], suffixes: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts:
                h.update(p.relative_to(root.parent).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """``PIPELINE_VERSION`` plus a digest of everything a per-document result depends on."""
    import extractors

    pkg = Path(extractors.__file__).resolve().parent
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(_tree_digest([pkg], (".py", ".tsv", ".json", ".yaml", ".yml", ".txt")).encode())
    h.update((here / "analyse.py").read_bytes())
    return f"{PIPELINE_VERSION}+{h.hexdigest()[:16]}"


@lru_cache(maxsize=1)
def corpus_code_version() -> str:
    """:func:`code_version` plus the corpus stages and templates (decides whether they must rerun)."""
    here = Path(__file__).resolve().parent
    return f"{code_version()}+{_tree_digest([here], ('.py', '.html', '.css', '.js', '.md', '.j2', '.svg'))}"


def content_key(data: bytes, doc_id: str, version: str | None = None) -> str:
    """Cache key of a document: its bytes, its id (records carry it) and the code version."""
    h = hashlib.sha256((version or code_version()).encode() + b"\0" + doc_id.encode() + b"\0")
    h.update(data)
    return h.hexdigest()


def _file_key(path: Path, doc_id: str) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return content_key(data, doc_id)


# ---------------------------------------------------------------- documents kept out of memory


def load_text(out: str | os.PathLike[str], doc: str | Mapping[str, Any]) -> str:
    """The raw text of a processed document (``doc`` is its id or its record), read from ``documents/``."""
    doc_id = doc if isinstance(doc, str) else doc["doc"]
    data = orjson.loads((Path(out) / "documents" / doc_filename(doc_id)).read_bytes())
    return data.get("text") or ""


class SlimDocument(dict):
    """A per-document record without its raw ``text``; ``d["text"]`` / ``d.get("text")`` read it from disk.

    The text is not kept: each access reads ``documents/<doc>.json`` again, so
    prefer :func:`load_text` once per document in a loop.
    """

    __slots__ = ("_out",)

    def __init__(self, data: Mapping[str, Any], out: Path) -> None:
        super().__init__(data)
        self._out = out

    def __missing__(self, key: str) -> Any:
        if key == "text":
            return load_text(self._out, self["doc"])
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key == "text" and not dict.__contains__(self, "text"):
            return load_text(self._out, self["doc"])
        return dict.get(self, key, default)


@dataclass(frozen=True)
class _Entry:
    doc_id: str
    key: str
    path: str


class DocumentSet(Sequence):
    """The processed documents of a run, in input order, read from the cache when asked for.

    Holding 10,000 parsed documents would take several GB; this holds three
    strings per document, plus parsed documents up to ``budget`` bytes
    (estimated): API users and tests read the documents many times, and
    re-parsing costs about as much as a small corpus's whole corpus stage.
    The run's own single pass (:meth:`scan`) pins nothing.  The first
    documents that fit stay parsed (a scan over more documents than an LRU
    holds would never hit); the rest are read again on every pass.
    """

    # Parsed JSON takes about this many times its size in bytes.
    PARSED_PER_JSON_BYTE = 3.5

    def __init__(self, out: Path, entries: list[_Entry], budget: int | None = None) -> None:
        self.out = Path(out)
        self._entries = entries
        self.budget = DOCUMENT_MEMORY_BYTES if budget is None else budget
        self._pinned: dict[int, dict[str, Any]] = {}
        self._pinned_bytes = 0.0

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return DocumentSet(self.out, self._entries[i], self.budget)
        return self._get(i, pin=True)

    def _get(self, i: int, pin: bool) -> "SlimDocument":
        if i < 0:
            i += len(self._entries)
        doc = self._pinned.get(i)
        if doc is None:
            e = self._entries[i]
            doc, size = self._read(e)
            doc["doc"] = e.doc_id
            doc.setdefault("source", {})["path"] = e.path
            cost = size * self.PARSED_PER_JSON_BYTE
            if pin and self._pinned_bytes + cost <= self.budget:
                self._pinned[i] = doc
                self._pinned_bytes += cost
        return SlimDocument(doc, self.out)  # a shallow copy: a consumer's new keys do not leak

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(len(self._entries)):
            yield self[i]

    def scan(self) -> Iterator[dict[str, Any]]:
        """Every document once, none kept parsed: for a single pass such as the run's
        own table building, where pinning would only hold memory through the later stages."""
        for i in range(len(self._entries)):
            yield self._get(i, pin=False)

    def _read(self, e: _Entry) -> tuple[dict[str, Any], int]:
        """The parsed cache entry and its size in bytes; if it was damaged since,
        rebuilt from ``documents/`` (same content, plus text)."""
        path = self.out / ".cache" / f"{e.key}.json"
        try:
            data = path.read_bytes()
            return orjson.loads(data), len(data)
        except (OSError, ValueError):
            doc = orjson.loads((self.out / "documents" / doc_filename(e.doc_id)).read_bytes())
            doc.pop("text", None)
            data = json_bytes(doc)
            atomic_write_bytes(path, data)
            return doc, len(data)

    @property
    def ids(self) -> list[str]:
        return [e.doc_id for e in self._entries]

    def entries(self) -> list[_Entry]:
        """Each document's id, cache key and file, in order."""
        return list(self._entries)

    def texts(self) -> Iterator[tuple[str, str]]:
        """``(doc id, raw text)`` of every document, one at a time, none kept."""
        for e in self._entries:
            try:
                text = _text_entry(self.out, e.key).read_bytes().decode("utf-8", "surrogatepass")
            except (OSError, UnicodeDecodeError):  # an older cache, or a damaged entry
                text = load_text(self.out, e.doc_id)
            yield e.doc_id, text


# ---------------------------------------------------------------- per-document work (runs in workers)


@dataclass(frozen=True)
class Task:
    path: str
    doc_id: str
    key: str | None
    max_bytes: int = MAX_BYTES
    # The result is cached but documents/<doc>.json is missing or stale: only
    # the raw text is read again (ingest), the stages are not rerun.
    rewrite: bool = False


def analyse_task(task: Task) -> dict[str, Any]:
    """The full per-document JSON of one task (what every engine runs on its workers)."""
    return analyse(task.path, doc_id=task.doc_id, max_bytes=task.max_bytes)


def worker_task(task: Task) -> dict[str, Any]:
    """:func:`analyse_task` in a worker process of a cluster (readied on its first task)."""
    prepare_worker()
    return analyse_task(task)


# Allocations between young-generation collections in a worker (Python's default: 700).
WORKER_GC_THRESHOLD = (10_000, 20, 20)
_prepared = False


def prepare_worker() -> None:
    """Ready a worker process to analyse documents: extractors loaded, the collector tuned (once).

    A worker keeps its vocabularies, gazetteers and compiled patterns for its
    whole life, and every collection walked them again; a document's records
    are trees freed by reference counting, so the collector finds little.
    The long-lived objects are frozen out of the collector's sight and young
    collections come less often: ~10% less CPU per document (150 synthetic
    documents, single process: 1.88 -> 2.08 MB/s), same output.  Only for worker
    processes: the caller's own process is left as it is.
    """
    global _prepared
    if _prepared:
        return
    _prepared = True
    from .analyse import available_extractors

    available_extractors()  # imports every extractor module and its data
    _warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLD)


# A short made-up document in the language of the corpus (heading, symbol and date, a base,
# a target, an assignment with a deadline, table cells, old tone placement, an OCR slip and a
# province merged in 2025): every stage's first use happens on it (see _warm_up).
WARM_UP_TEXT = """ĐẢNG BỘ TỈNH BẮC GIANG
TỈNH ỦY
Số 12-KH/TU	Bắc Giang, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
thực hiện công tác dân vận năm 2024

I. CĂN CỨ
- Căn cứ Quyết định số 217-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị;
- Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XX, nhiệm kỳ 2020 - 2025.

II. MỤC TIÊU
1. Phân đấu đến năm 2025, 100% xã, phường có mô hình dân vận khéo; hằng năm tăng ít nhất 5%.

III. TỔ CHỨC THỰC HIỆN
1. Ban Dân vận Tỉnh uỷ chủ trì, phối hợp với Ủy ban MTTQ Việt Nam tỉnh và UBND các huyện
triển khai thực hiện; báo cáo kết quả trước ngày 15/12/2024 và trong Quý IV/2025.

TT	Nội dung	Đơn vị chủ trì	Thời gian
1	Tuyên truyền	Sở Thông tin và Truyền thông	Tháng 6/2024

Nơi nhận:
- Ban Bí thư Trung ương Đảng,
- Lưu Văn phòng Tỉnh ủy.
T/M BAN THƯỜNG VỤ
BÍ THƯ
Nguyễn Văn A
"""


def _warm_up() -> None:
    """Analyse :data:`WARM_UP_TEXT` once, before the first document.

    Some data is built on first use (tone tables, gazetteer indexes, patterns
    compiled when first needed): about half a second of CPU that would
    otherwise fall on a worker's first document, and be frozen out of the
    collector's sight with the rest only if it exists by then.
    """
    from extractors.ingest import RawDocument

    from .analyse import document_from_raw, extract_records

    raw = RawDocument(doc_id="warm-up.txt", path="", format="txt", encoding="utf-8", sha256="",
                      size=len(WARM_UP_TEXT.encode("utf-8")), raw=WARM_UP_TEXT)
    doc, _ = document_from_raw(raw)
    extract_records(doc)


def store_result(doc: dict[str, Any], key: str | None, out: Path) -> dict[str, Any]:
    """Write ``documents/<doc>.json`` and the text-less cache entry; return the manifest summary.

    The document file is written before the cache entry, so a cache entry
    always means its document file was completely written at least once.
    """
    timings = doc.pop("timings", None) or {}
    summary = {
        "doc": doc["doc"], "status": doc["status"], "error": doc.get("error"),
        "chars": (doc.get("source") or {}).get("chars"), "size": (doc.get("source") or {}).get("size"),
        "timings": timings,
    }
    if doc.get("traceback"):
        summary["traceback"] = doc["traceback"]
    if doc["status"] != "ok":
        return summary
    target = out / "documents" / doc_filename(doc["doc"])
    slim, data = _document_bytes(doc)
    # Compact: indented, a document's records took twice the bytes to write and to read back
    # (the site reads every one), and a national corpus is gigabytes of them.
    atomic_write_bytes(target, data)
    st = target.stat()
    # [cache key, file size, file mtime, chars, input bytes]: lets a re-run skip the file and still report it
    summary["written"] = [key, st.st_size, st.st_mtime_ns, summary["chars"], summary["size"]]
    if key:
        _write_text_entry(out, key, doc.get("text") or "")
        atomic_write_bytes(out / ".cache" / f"{key}.json", slim)
    return summary


def _document_bytes(doc: dict[str, Any]) -> tuple[bytes, bytes]:
    """``(json_bytes(doc without "text"), json_bytes(doc))``, the records serialised once.

    The document's text is its last key (:func:`~pipeline.analyse.document_json`
    puts it there, a cached document gets it back there): the whole document is
    then the text-less one with the text appended, byte for byte.  Serialising
    the records twice, for the cache entry and for ``documents/``, had cost a
    millisecond a document.
    """
    slim = json_bytes({k: v for k, v in doc.items() if k != "text"})
    if next(reversed(doc), None) != "text" or slim == b"{}":
        return slim, json_bytes(doc)
    return slim, slim[:-1] + b',"text":' + json_bytes(doc["text"]) + b"}"


def _text_entry(out: Path, key: str) -> Path:
    """``.cache/<key>.txt``: the raw text of a cached document, as plain UTF-8.

    The corpus stages that need only the text (the database's full-text index)
    read it here: parsing a whole ``documents/<doc>.json`` for it cost about as
    much as indexing it.
    """
    return out / ".cache" / f"{key}.txt"


def _write_text_entry(out: Path, key: str, text: str) -> None:
    atomic_write_bytes(_text_entry(out, key), text.encode("utf-8", "surrogatepass"))


def process_task(task: Task, out: str) -> dict[str, Any]:
    """Analyse and store one document inside a worker (the local engine)."""
    if task.rewrite:
        return rewrite_document(task, Path(out))
    return store_result(analyse_task(task), task.key, Path(out))


def rewrite_document(task: Task, out: Path) -> dict[str, Any]:
    """Write ``documents/<doc>.json`` from the cache entry and the file's text (no stage reruns)."""
    from extractors.ingest import ingest

    try:
        doc = orjson.loads((out / ".cache" / f"{task.key}.json").read_bytes())
        raw = ingest(task.path, max_bytes=task.max_bytes, doc_id=task.doc_id)
    except (OSError, ValueError, VnPolicyError):
        return store_result(analyse_task(task), task.key, out)  # cache entry or file gone meanwhile
    doc["doc"] = task.doc_id
    doc["source"]["path"] = raw.path
    doc["text"] = raw.raw
    if not _text_entry(out, task.key).exists():  # a cache written before text entries existed
        _write_text_entry(out, task.key, raw.raw)
    summary = store_result(doc, None, out)  # the cache entry is already there
    summary["written"][0] = task.key
    summary["cached"] = True
    return summary


def _died(task: Task, detail: str) -> dict[str, Any]:
    doc = error_json(task.doc_id, task.path, VnPolicyError("E020", detail))
    return {"doc": task.doc_id, "status": "error", "error": doc["error"], "chars": None, "size": None, "timings": {}}


def _local_map(tasks: list[Task], out: Path, workers: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index, summary)`` for every task, in completion order, over a process pool."""
    if workers <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            yield i, process_task(task, str(out))
        return
    queue = list(range(len(tasks)))[::-1]  # popped from the end: input order
    suspects: list[int] = []
    window = workers * 4  # bounded in flight: results never pile up in the parent
    while queue:
        broken = False
        with ProcessPoolExecutor(max_workers=workers, initializer=prepare_worker) as pool:
            running: dict[Any, int] = {}
            while (queue or running) and not broken:
                while queue and len(running) < window:
                    i = queue.pop()
                    running[pool.submit(process_task, tasks[i], str(out))] = i
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = running.pop(fut)
                    try:
                        yield i, fut.result()
                    except BrokenProcessPool:
                        broken = True
                        suspects.append(i)
            if broken:
                suspects.extend(running.values())
        # A dead worker takes every running task with it: retry those alone,
        # so that only the document that kills its worker is reported.
        for i in sorted(suspects):
            with ProcessPoolExecutor(max_workers=1, initializer=prepare_worker) as solo:
                try:
                    yield i, solo.submit(process_task, tasks[i], str(out)).result()
                except BrokenProcessPool:
                    yield i, _died(tasks[i], "the worker process died on this document")
        suspects = []


# ---------------------------------------------------------------- the index


class _Index:
    """``(size, mtime)`` → cache key per input, and what each ``documents/*.json`` holds."""

    def __init__(self, path: Path, version: str, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.version = version
        data = data if data and data.get("version") == version else {}
        saved = data.get("saved_ns", 0)
        margin = int(RACY_SECONDS * 1e9)
        self.files: dict[str, list] = {k: v for k, v in (data.get("files") or {}).items() if v[1] < saved - margin}
        self.written: dict[str, list] = data.get("written") or {}
        self.corpus: str = data.get("corpus", "")

    @classmethod
    def load(cls, cache_dir: Path, version: str) -> "_Index":
        path = cache_dir / INDEX_NAME
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, ValueError):
            data = None
        return cls(path, version, data)

    def key_for(self, inp: Input, st: os.stat_result | None) -> str | None:
        ident = f"{inp.path}\0{inp.doc_id}"
        if st is not None:
            hit = self.files.get(ident)
            if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
                return hit[2]
        key = _file_key(inp.path, inp.doc_id)
        if key and st is not None:
            self.files[ident] = [st.st_size, st.st_mtime_ns, key]
        return key

    def up_to_date(self, docs_dir: Path, docfile: str, key: str) -> bool:
        rec = self.written.get(docfile)
        if not rec or rec[0] != key:
            return False
        try:
            st = (docs_dir / docfile).stat()
        except OSError:
            return False
        return [st.st_size, st.st_mtime_ns] == rec[1:3]

    def save(self) -> None:
        atomic_write_bytes(self.path, json_bytes({
            "version": self.version, "saved_ns": time.time_ns(), "files": self.files,
            "written": self.written, "corpus": self.corpus,
        }))


# ---------------------------------------------------------------- run


@dataclass
class RunResult:
    out: Path
    manifest: dict[str, Any]
    # Text-less per-document records in input order (a :class:`DocumentSet`);
    # the raw text is in ``documents/<doc>.json``: see :func:`load_text`.
    documents: Sequence[dict[str, Any]] = field(default_factory=list)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    progress: Progress | None = None,
) -> RunResult:
    """Analyse every input, write per-document JSON, corpus outputs and ``run.json``."""
    if engine not in ("local", "dask"):
        raise ValueError(f"unknown engine {engine!r}: use 'local' or 'dask'")
    started = time.time()
    out = Path(out)
    docs_dir = out / "documents"
    cache_dir = out / ".cache"
    docs_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _clean_temporary(docs_dir, cache_dir, out / "tables")
    workers = workers or default_workers()
    version = code_version()
    index = _Index.load(cache_dir, version)
    inputs_list = walk(list(inputs) if inputs else [DEFAULT_CORPUS])

    # 1. Probe the cache: unchanged files are neither read nor hashed.
    t = time.perf_counter()
    summaries: dict[int, dict[str, Any]] = {}
    keys: dict[int, str | None] = {}
    todo: list[int] = []
    rewrite: set[int] = set()
    for i, inp in enumerate(inputs_list):
        if inp.skipped:
            continue
        try:
            st = inp.path.stat()
        except OSError:
            st = None  # ingest reports why (missing, link loop…)
        # A file over the size limit is refused by ingest: do not read it to hash it.
        key = keys[i] = index.key_for(inp, st) if st is not None and st.st_size <= max_bytes else None
        if key and not force and (cache_dir / f"{key}.json").exists():
            docfile = doc_filename(inp.doc_id)
            if not index.up_to_date(docs_dir, docfile, key):
                todo.append(i)
                rewrite.add(i)  # cached, but its documents/ file must be (re)written
                continue
            rec = index.written[docfile]
            summaries[i] = {"doc": inp.doc_id, "status": "ok", "error": None, "cached": True,
                            "chars": rec[3], "size": rec[4]}
        else:
            todo.append(i)
    probe_seconds = time.perf_counter() - t

    # 2. Per-document stages for the rest, streamed through the workers.
    t = time.perf_counter()
    tasks = [Task(str(inputs_list[i].path), inputs_list[i].doc_id, keys.get(i), max_bytes, i in rewrite) for i in todo]
    last_flush = time.monotonic()
    for n, (j, summary) in enumerate(_map(tasks, out, workers, engine, scheduler), 1):
        i = todo[j]
        summaries[i] = summary
        if summary.get("written"):
            index.written[doc_filename(summary["doc"])] = summary["written"]
        if progress:
            progress(n, len(tasks), summary["doc"])
        if time.monotonic() - last_flush > INDEX_FLUSH_SECONDS:
            index.save()
            last_flush = time.monotonic()
    per_doc_seconds = time.perf_counter() - t

    rows, entries, stage_totals = _rows(inputs_list, summaries, keys)
    documents = DocumentSet(out, entries)
    _remove_stale(docs_dir, index, {doc_filename(e.doc_id) for e in entries})
    index.save()

    # 3. Corpus stages, from the cached per-document results.
    corpus_timings: dict[str, float] = {}
    fingerprint = _corpus_fingerprint(rows, keys, inputs_list)
    corpus_skipped = False
    if corpus_stages:
        # Skipped only when nothing at all was (re)written and the outputs are still there (`make clean`).
        if not force and not tasks and fingerprint == index.corpus and (out / "tables").is_dir() \
                and (out / "run.json").exists():
            corpus_skipped = True
        else:
            from .corpus import build_corpus_outputs

            index.corpus = ""
            index.save()  # an interrupted corpus stage must rerun next time
            corpus_timings = build_corpus_outputs(documents, out, rows)
            index.corpus = fingerprint
            index.save()

    manifest = {
        "pipeline_version": PIPELINE_VERSION,
        "code_version": version,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "inputs": rows,
        "counts": {
            "inputs": len(rows),
            "ok": sum(r["status"] == "ok" for r in rows),
            "error": sum(r["status"] == "error" for r in rows),
            "skipped": sum(r["status"] == "skipped" for r in rows),
            "cached": sum(bool(r.get("cached")) for r in rows),
            "analysed": len(tasks) - len(rewrite),
        },
        "normalization_steps": normalisation_steps(),
        "timings": {
            "cache_probe": round(probe_seconds, 4),
            "per_document_wall": round(per_doc_seconds, 4),
            "per_document_stages_cpu": {k: round(v, 4) for k, v in stage_totals.items()},
            "corpus_stages": {k: round(v, 4) for k, v in corpus_timings.items()},
            "corpus_stages_skipped": corpus_skipped,
        },
        "workers": workers,
        "engine": engine,
        "versions": _versions(),
    }
    atomic_write_json(out / "run.json", manifest)
    return RunResult(out, manifest, documents)


def _map(tasks: list[Task], out: Path, workers: int, engine: str, scheduler: str | None
         ) -> Iterator[tuple[int, dict[str, Any]]]:
    if engine == "dask":
        from .dask_engine import map_tasks

        # Rewrites only read a file and the cache: cheaper here than a round trip.
        remote = [i for i, t in enumerate(tasks) if not t.rewrite]
        for i, t in enumerate(tasks):
            if t.rewrite:
                yield i, rewrite_document(t, out)
        for j, doc in map_tasks([tasks[i] for i in remote], scheduler=scheduler, workers=workers):
            yield remote[j], store_result(doc, tasks[remote[j]].key, out)
    else:
        yield from _local_map(tasks, out, workers)


def _rows(inputs_list: list[Input], summaries: dict[int, dict[str, Any]], keys: dict[int, str | None]
          ) -> tuple[list[dict[str, Any]], list[_Entry], dict[str, float]]:
    rows: list[dict[str, Any]] = []
    entries: list[_Entry] = []
    stage_totals: dict[str, float] = {}
    for i, inp in enumerate(inputs_list):
        if inp.skipped:
            rows.append({"doc": inp.doc_id, "path": str(inp.path), "status": "skipped",
                         "error": {"code": "", "message": inp.skipped}})
            continue
        s = summaries[i]
        for stage, secs in (s.get("timings") or {}).items():
            stage_totals[stage] = stage_totals.get(stage, 0.0) + secs
        row = {"doc": inp.doc_id, "path": str(inp.path), "status": s["status"], "error": s.get("error"),
               "cached": bool(s.get("cached"))}
        if s.get("chars") is not None:
            row["chars"], row["bytes"] = s["chars"], s.get("size")
        if s.get("traceback"):
            row["traceback"] = s["traceback"]
        rows.append(row)
        if s["status"] == "ok" and keys.get(i):
            entries.append(_Entry(inp.doc_id, keys[i], str(inp.path)))
    rows.sort(key=lambda r: r["doc"])
    return rows, entries, stage_totals


def _clean_temporary(*dirs: Path) -> None:
    """Remove the ``.name.XXXX.tmp`` files an atomic write leaves behind when its run is killed."""
    for d in dirs:
        for p in d.glob(".*.tmp") if d.is_dir() else ():
            try:
                p.unlink()
            except OSError:
                pass


def _remove_stale(docs_dir: Path, index: _Index, keep: set[str]) -> None:
    """Delete ``documents/*.json`` that an earlier run wrote for inputs that are gone."""
    for docfile in list(index.written):
        if docfile not in keep:
            try:
                (docs_dir / docfile).unlink()
            except FileNotFoundError:
                pass
            del index.written[docfile]


def _corpus_fingerprint(rows: list[dict[str, Any]], keys: dict[int, str | None], inputs_list: list[Input]) -> str:
    by_doc = {inp.doc_id: keys.get(i) for i, inp in enumerate(inputs_list)}
    h = hashlib.sha256(corpus_code_version().encode())
    for r in rows:
        h.update(json_bytes([r["doc"], r["path"], r["status"], (r.get("error") or {}).get("code"), by_doc.get(r["doc"])]))
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("vnpolicy", "underthesea", "spacy", "pandas", "pyarrow", "regex", "jinja2", "python-docx",
                "pdfplumber", "vietnam-provinces", "rapidfuzz", "dask", "distributed"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


__all__ = ["run", "walk", "load_text", "RunResult", "DocumentSet", "SlimDocument", "Task", "analyse_task",
           "code_version", "VnPolicyError", "error_json"]
