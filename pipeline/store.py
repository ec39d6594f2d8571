"""store: atomic writes of JSON, CSV, Parquet and text, so an interrupted run never leaves half a file."""
from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import regex


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``, moved onto it only if the block completes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write(path: str | os.PathLike[str], write) -> None:
    """``write(f)`` into a binary file that replaces ``path`` only once it is complete and synced."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    atomic_write(Path(path), lambda f: f.write(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def json_bytes(obj: Any, *, indent: bool = False) -> bytes:
    """``obj`` as UTF-8 JSON, by orjson (several times faster than ``json``, which
    pretty-prints in pure Python).  A value JSON has no type for becomes
    ``str(value)``, dataclasses and datetimes included, as ``json.dumps(default=str)`` did.

    >>> json_bytes({"tỉnh": "Điện Biên", 1: [2.5, None]})
    b'{"t\xe1\xbb\x89nh":"\xc4\x90i\xe1\xbb\x87n Bi\xc3\xaan","1":[2.5,null]}'
    """
    option = _JSON_OPTIONS | orjson.OPT_INDENT_2 if indent else _JSON_OPTIONS
    return orjson.dumps(obj, default=str, option=option)


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    atomic_write_bytes(path, json_bytes(obj, indent=True))


def _nested(v: Any) -> bool:
    return isinstance(v, (list, tuple, dict))


def json_text(v: Any) -> str:
    """A nested value as the JSON text a table cell holds (compact, UTF-8 letters kept).

    >>> json_text({"lead": ["Sở Y tế"], "n": 2})
    '{"lead":["Sở Y tế"],"n":2}'
    """
    return orjson.dumps(v, default=str, option=_JSON_OPTIONS).decode("utf-8")


def json_value(v: Any) -> Any:
    """A table cell as a Python value: JSON array or object text parsed back, anything else as it is.

    >>> json_value('["Sở Y tế"]'), json_value("Sở Y tế"), json_value("[not json")
    (['Sở Y tế'], 'Sở Y tế', '[not json')
    """
    if type(v) is str and v[:1] in ("[", "{"):
        try:
            return orjson.loads(v)
        except orjson.JSONDecodeError:
            return v
    return v


def records(df) -> list[dict[str, Any]]:
    """DataFrame rows as dicts with missing values as None (pandas gives NaN)."""
    if df.empty:
        return []
    names = list(df.columns)
    columns = []
    for col in df.columns:  # column by column: to_dict boxes every cell of an Arrow column one at a time
        values = df[col].tolist()
        mask = df[col].isna().to_numpy()
        if mask.any():  # NaN, NaT, pd.NA → None (lists, dicts and strings are never missing)
            for i in np.flatnonzero(mask).tolist():
                values[i] = None
        columns.append(values)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _flat_json(v: Any) -> Any:
    return json_text(v) if isinstance(v, (list, tuple, dict)) else v


def atomic_write_table(df, directory: str | os.PathLike[str], name: str) -> None:
    """``name.csv`` and ``name.parquet`` of a DataFrame (nested values as JSON text), or of
    consecutive frames of its rows (:meth:`pipeline.tablestore.TableStore.frames`), one in memory at a time."""
    directory = Path(directory)
    if hasattr(df, "columns"):  # a DataFrame
        table, flat = _flat_table(df)
        # Arrow's CSV writer is ~10x faster than pandas'; it quotes only where needed and writes
        # whole floats without ".0" and booleans in lower case, which pandas reads back alike.
        atomic_write(directory / f"{name}.csv", lambda f: pacsv.write_csv(table, f, CSV_OPTIONS))
        atomic_write(directory / f"{name}.parquet", lambda f: flat.to_parquet(f, index=False))
        return
    with atomic_path(directory / f"{name}.csv") as csv_path, atomic_path(directory / f"{name}.parquet") as pq_path:
        csv_writer = parquet_writer = None
        try:
            for frame in df:
                table, _ = _flat_table(frame)
                if csv_writer is None:
                    schema = table.schema
                    csv_writer = pacsv.CSVWriter(str(csv_path), schema, write_options=CSV_OPTIONS)
                    parquet_writer = pq.ParquetWriter(str(pq_path), schema)
                elif table.schema != schema:  # the same types; pandas' metadata may differ
                    table = table.cast(schema)
                csv_writer.write_table(table)
                parquet_writer.write_table(table)
        finally:
            for writer in (csv_writer, parquet_writer):
                if writer is not None:
                    writer.close()
        for path in (csv_path, pq_path):
            _fsync(path)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _flat_table(df):
    """``df`` with nested values as JSON text and object columns as text, and as an Arrow table."""
    flat = df.copy(deep=False)
    for col in flat.columns:
        # only object columns can hold lists or dicts (str and numeric columns cannot)
        if flat[col].dtype == object and any(map(_nested, flat[col].tolist())):
            flat[col] = flat[col].map(_flat_json)
    flat = flat.astype({c: "string" for c in flat.columns if flat[c].dtype == object})
    return pa.Table.from_pandas(flat, preserve_index=False), flat


CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed")


def doc_filename(doc_id: str) -> str:
    """A safe file name for a document id (which may contain folders and spaces).

    A name that had to be changed gets a short hash of the id, so that two ids
    that sanitise alike ("a b.txt", "a_b.txt") never share a file.

    >>> doc_filename("003_16b5c5773c00c84f.txt")
    '003_16b5c5773c00c84f.txt.json'
    >>> doc_filename("a b.txt") != doc_filename("a_b.txt")
    True
    """
    stem = regex.sub(r"[^\w.\-]+", "_", doc_id)
    if stem != doc_id:
        stem += "-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}.json"
