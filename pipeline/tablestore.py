"""tablestore: the corpus tables on disk, each column in chunks of rows, for corpus stages run out of core.

A national corpus's tables are more than a gigabyte in memory, and a stage
that walks them (the cross-reference, the site) makes working copies as big
again.  For a big run each corpus stage therefore runs in a process of its
own (see :mod:`pipeline.corpus`), which reads from a :class:`TableStore` only
the tables it asks for, writes back the tables it makes, and gives all its
memory back when it ends.

A :class:`TableStore` is a mutable mapping of table name → DataFrame, so a
stage function works on it as on the in-memory dict of a small run:
``tables.get("targets")`` reads the table, ``tables["registry"] = df`` writes
one.  Nothing is kept in memory between reads: a table read twice is read
from disk twice, and is freed as soon as its reader lets go of it.
:meth:`TableStore.frame` reads only some columns, :meth:`TableStore.frames`
a chunk of rows at a time (the database and the table files), and
:meth:`TableStore.rows` only counts them.  :func:`read_table`,
:func:`frames_of`, :func:`table_columns` and :func:`count_rows` do the same on
a store or on a plain dict of frames.

Columns are pickled (protocol 5), not written as Parquet: a round trip must
give back the very frame that was stored, object columns of mixed values and
all, because a stage after it computes on it.  The store lives in a folder of
the run's own output (removed when the run ends) and only ever reads back
what the run wrote there.  ``tables/*.parquet``, the files users read, are
written from these frames as before.
"""
from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
from pandas.core.indexes.api import default_index

from .store import atomic_write_bytes, json_bytes

_INDEX = "_tables.json"


def read_table(tables: Mapping[str, pd.DataFrame], name: str, cols: Iterable[str] | None = None) -> pd.DataFrame | None:
    """Table ``name``, or None; from a :class:`TableStore` only ``cols`` of it are read from disk
    (a frame from a dict comes whole: a caller picks its columns)."""
    if name not in tables:
        return None
    if cols is not None and isinstance(tables, TableStore):
        return tables.frame(name, list(cols))
    return tables[name]


def table_columns(tables: Mapping[str, pd.DataFrame], name: str) -> list[str]:
    """The column names of table ``name`` ([] if there is none), without reading a stored table."""
    if name not in tables:
        return []
    return tables.columns(name) if isinstance(tables, TableStore) else list(tables[name].columns)


def frames_of(tables: Mapping[str, pd.DataFrame], name: str, cols: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """Table ``name`` (nothing if there is none) a chunk of rows at a time from a :class:`TableStore`
    (see :meth:`TableStore.frames`), whole from a dict."""
    if name not in tables:
        return iter(())
    if isinstance(tables, TableStore):
        return tables.frames(name, None if cols is None else list(cols))
    return iter((tables[name],))


def count_rows(tables: Mapping[str, pd.DataFrame], name: str) -> int:
    """The rows of table ``name`` (0 if there is none), without reading a stored table."""
    if name not in tables:
        return 0
    return tables.rows(name) if isinstance(tables, TableStore) else len(tables[name])


class TableStore(MutableMapping):
    """Tables as folders of column files under ``directory`` (see the module docstring).

    >>> import tempfile
    >>> store = TableStore(tempfile.mkdtemp())
    >>> store["documents"] = pd.DataFrame({"doc": ["a.txt", "b.txt"], "chars": [10, 20]})
    >>> list(store), store.rows("documents"), store.frame("documents", ["chars"])["chars"].tolist()
    (['documents'], 2, [10, 20])
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    # --- the mapping -----------------------------------------------------------------

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frame(name)

    def __setitem__(self, name: str, df: pd.DataFrame) -> None:
        index = self._index()
        folder = self.directory / _folder(name)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        spans = _spans(df)
        for i, col in enumerate(df.columns):
            values = df[col].array
            for k, (lo, hi) in enumerate(spans):
                _dump(tmp / f"{i}.{k}.pkl", values[lo:hi])
        if not len(df.columns):  # a placeholder: kept whole, column index and all
            _dump(tmp / "frame.pkl", df)
        if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
            _dump(tmp / "index.pkl", df.index)
        columns = list(df.columns)
        atomic_write_bytes(tmp / "columns.json", json_bytes({"columns": columns, "rows": len(df), "spans": spans}))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        if name not in index:  # a table written again keeps its place, as in a dict
            index.append(name)
            atomic_write_bytes(self.directory / _INDEX, json_bytes(index))

    def __delitem__(self, name: str) -> None:
        index = self._index()
        if name not in index:
            raise KeyError(name)
        index.remove(name)
        atomic_write_bytes(self.directory / _INDEX, json_bytes(index))
        shutil.rmtree(self.directory / _folder(name), ignore_errors=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def __contains__(self, name: object) -> bool:
        return name in self._index()

    # --- reading part of a table -------------------------------------------------------

    def columns(self, name: str) -> list[str]:
        """The column names of table ``name``, in order."""
        return self._meta(name)["columns"]

    def rows(self, name: str) -> int:
        """The number of rows of table ``name``, without reading it."""
        return self._meta(name)["rows"]

    def frame(self, name: str, columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
        """Table ``name``, or only ``columns`` of it (those it has, in the order asked)."""
        meta = self._meta(name)
        if not meta["columns"]:
            return _load(self.directory / _folder(name) / "frame.pkl")
        return self._frame(name, meta, columns, range(len(meta["spans"])))

    def frames(self, name: str, columns: list[str] | tuple[str, ...] | None = None) -> Iterator[pd.DataFrame]:
        """Table ``name`` (or ``columns`` of it) as consecutive frames of at most :data:`CHUNK_ROWS`
        rows each, for a reader that needs only some rows at a time; always at least one frame."""
        meta = self._meta(name)
        if not meta["columns"]:
            yield _load(self.directory / _folder(name) / "frame.pkl")
            return
        for k in range(len(meta["spans"])):
            yield self._frame(name, meta, columns, [k])

    # --- internals -------------------------------------------------------------------------

    def _frame(self, name: str, meta: dict[str, Any], columns, chunks) -> pd.DataFrame:
        folder = self.directory / _folder(name)
        names = meta["columns"]
        wanted = names if columns is None else [c for c in columns if c in names]
        arrays = [_joined([_load(folder / f"{names.index(c)}.{k}.pkl") for k in chunks]) for c in wanted]
        lo, hi = meta["spans"][chunks[0]][0], meta["spans"][chunks[-1]][1]
        index_file = folder / "index.pkl"
        index = _load(index_file)[lo:hi] if index_file.exists() else _range_index(lo, hi)
        if not wanted:
            return pd.DataFrame(index=index, columns=pd.Index([], dtype=object))
        return pd.DataFrame(dict(zip(wanted, arrays)), index=index, copy=False)

    def _index(self) -> list[str]:
        path = self.directory / _INDEX
        return orjson.loads(path.read_bytes()) if path.exists() else []

    def _meta(self, name: str) -> dict[str, Any]:
        path = self.directory / _folder(name) / "columns.json"
        try:
            return orjson.loads(path.read_bytes())
        except FileNotFoundError:
            raise KeyError(name) from None


# Rows per column file: what :meth:`TableStore.frames` gives a reader at a time
# (the environment variable is for tests, whose stage processes inherit it).
CHUNK_ROWS = int(os.environ.get("VNPOLICY_TABLE_CHUNK_ROWS") or 65_536)


# ... and about this many characters of text: the registry's first, most cited rows carry
# megabytes of mentions each, and a chunk is what a reader holds.
CHUNK_BYTES = 32 * 1024 * 1024


def _spans(df: pd.DataFrame) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of ``df``'s rows (one, empty, for no rows: it keeps the column's type)."""
    return row_spans(df, CHUNK_ROWS, CHUNK_BYTES) or [(0, 0)]


def row_spans(df: pd.DataFrame, max_rows: int, max_bytes: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive slices of ``df``'s rows, each of at most ``max_rows`` rows
    and about ``max_bytes`` of text (8 bytes a cell, plus each text cell's characters), whichever
    comes first; a row bigger than that is a slice of its own.  Rows differ widely in size.

    >>> row_spans(pd.DataFrame({"t": ["a" * 90, "b", "c", "d", "e" * 50]}), max_rows=2, max_bytes=100)
    [(0, 1), (1, 3), (3, 5)]
    """
    n = len(df)
    size = np.full(n, 8 * len(df.columns), dtype=np.int64)
    for c in df.columns:
        if isinstance(df[c].dtype, pd.StringDtype):
            size += df[c].str.len().fillna(0).to_numpy(dtype=np.int64)
    ends = np.cumsum(size)
    spans, lo = [], 0
    while lo < n:
        reach = (ends[lo - 1] if lo else 0) + max_bytes
        hi = min(max(int(np.searchsorted(ends, reach, side="right")), lo + 1), lo + max_rows, n)
        spans.append((lo, hi))
        lo = hi
    return spans


def _joined(chunks: list[Any]) -> Any:
    """A column's chunks as one array (Arrow chunks are joined without copying)."""
    return chunks[0] if len(chunks) == 1 else type(chunks[0])._concat_same_type(chunks)


def _range_index(lo: int, hi: int) -> pd.RangeIndex:
    return default_index(hi) if lo == 0 else pd.RangeIndex(lo, hi)


def _folder(name: str) -> str:
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"not a table name: {name!r}")
    return name


def _dump(path: Path, value: Any) -> None:
    with open(path, "wb") as f:
        pickle.dump(value, f, protocol=5)


def _load(path: Path) -> Any:
    with open(path, "rb") as f:
        return pickle.load(f)


def release_free_memory() -> None:
    """Return freed heap memory to the operating system.

    A stage's working copies (the cross-reference's hundreds of thousands of
    mention rows, a page's strings) are freed when it ends, but the C allocator
    and Arrow's memory pool keep the pages for reuse: measured on 3,000
    synthetic documents, the process had grown by ~575 MB over the
    cross-reference, ~200 MB of it the tables it added; after ``malloc_trim``
    (glibc) and Arrow's ``release_unused``, by ~195 MB.  Elsewhere than glibc
    this only releases Arrow's pool.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _malloc_trim():
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, …)
        return None


_MALLOC_TRIM = _malloc_trim()
