"""Typed, frozen records passed between stages.

Every record that points into a document carries ``start``/``end`` in *raw*
text positions and the ``text`` found there, so ``raw[start:end] == text``
always holds.  ``to_dict()`` gives the JSON / pandas / template form.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Callable


_SCALARS = (str, int, float, bool, type(None))
# Values of exactly these types are what ``_plain`` returns unchanged.  A
# subclass (``Status`` is a ``str`` enum) is left out: it goes through
# ``_plain``, which decides for it as it always did.
_FLAT_TYPES = frozenset(_SCALARS)


def _plain(value: Any) -> Any:
    cls = type(value)
    as_dict = _AS_DICT.get(cls)
    if as_dict is not None:  # a record of a class met before: its to_dict, without the checks below
        return as_dict(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Record):
        return _as_dict(cls)(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        if _FLAT_TYPES.issuperset(map(type, value)):  # ("tỉnh", "xã"), (): a copy, no call per item
            return list(value)
        return records_to_dicts(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def records_to_dicts(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """``[_plain(v) for v in values]``: an extractor's records (or a table's cells) as dicts.

    The items of such a list are nearly always records of one class: the class's
    ``to_dict`` is looked up once, and called straight for each item of that
    class (an item of another type goes through ``_plain``).
    """
    if not values:
        return []
    cls = type(values[0])
    as_dict = _AS_DICT.get(cls)
    if as_dict is None:
        if not (isinstance(values[0], Record) and not isinstance(values[0], _SCALARS)):
            return [_plain(v) for v in values]
        as_dict = _as_dict(cls)
    return [as_dict(v) if type(v) is cls else _plain(v) for v in values]


# What ``_plain`` calls for a record of each class met so far: the class's own
# ``to_dict`` (``Deadline`` renames a key), or the compiled one (below).
_AS_DICT: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _as_dict(cls: type) -> Callable[[Any], dict[str, Any]]:
    fn = _AS_DICT.get(cls)
    if fn is None:
        own = cls.to_dict
        fn = _AS_DICT[cls] = _compiled_to_dict(cls) if own is Record.to_dict else own
    return fn


_TO_DICT: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _compiled_to_dict(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The compiled ``to_dict`` of ``cls`` (made on first use)."""
    fn = _TO_DICT.get(cls)
    if fn is None:
        fn = _TO_DICT[cls] = _compile_to_dict(cls)
    return fn


def _compile_to_dict(cls: type) -> Callable[[Any], dict[str, Any]]:
    """``to_dict`` of one record class, written out for its fields (once per class).

    Records are turned into dicts by the ten thousand per document, and most
    of their values are strings, numbers or None.  A generic loop pays a
    ``getattr`` and a ``_plain`` call per field; the function written here
    (as ``dataclasses`` writes ``__init__``) is one dict display, which
    calls ``_plain`` only for a value of another type.  For ``Evidence``::

        def to_dict(record, _flat=_FLAT_TYPES, _plain=_plain, _type=type):
            v0 = record.start
            v1 = record.end
            v2 = record.text
            return {'start': v0 if _type(v0) in _flat else _plain(v0), 'end': ..., 'text': ...}

    The dict equals the generic one, keys in field order
    (``tests/extractors/test_records_fast_paths.py`` checks it).
    """
    names = [f.name for f in dataclasses.fields(cls)]
    reads = "".join(f"    v{i} = record.{name}\n" for i, name in enumerate(names))
    items = ", ".join(f"{name!r}: v{i} if _type(v{i}) in _flat else _plain(v{i})" for i, name in enumerate(names))
    source = (f"def to_dict(record, _flat=_FLAT_TYPES, _plain=_plain, _type=type):\n{reads}"
              f"    return {{{items}}}\n")
    namespace: dict[str, Any] = {"_FLAT_TYPES": _FLAT_TYPES, "_plain": _plain}
    exec(compile(source, f"<to_dict of {cls.__qualname__}>", "exec"), namespace)
    fn = namespace["to_dict"]
    fn.__qualname__ = f"{cls.__qualname__}.to_dict (compiled)"
    fn.source = source  # for a reader: what runs
    return fn


def record_maker(cls: type) -> Callable[..., Any]:
    """``cls(*values)`` (every field given, in field order) without the frozen ``__init__``.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; records made by the thousand per document
    (deadlines, targets, sections, table rows) are made here by setting their
    slots through the slots' own descriptors, in a function written out for
    the class (as ``_compile_to_dict`` writes ``to_dict``), about twice as
    fast.  A missing or extra value raises ``ValueError``.  A class with a
    ``__post_init__`` gets its own constructor back.  For ``Evidence``::

        def make(*values, _new=object.__new__, _cls=Evidence, _s0=..., _s1=..., _s2=...):
            (v0, v1, v2, ) = values
            record = _new(_cls)
            _s0(record, v0)
            ...
            return record
    """
    if hasattr(cls, "__post_init__"):
        return cls
    names = [f.name for f in dataclasses.fields(cls)]
    setters = {f"_s{i}": getattr(cls, name).__set__ for i, name in enumerate(names)}
    values = "".join(f"v{i}, " for i in range(len(names)))
    source = (f"def make(*values, _new=object.__new__, _cls=_cls, {', '.join(f'{k}={k}' for k in setters)}):\n"
              f"    ({values}) = values\n    record = _new(_cls)\n"
              + "".join(f"    _s{i}(record, v{i})\n" for i in range(len(names)))
              + "    return record\n")
    namespace: dict[str, Any] = {"_cls": cls, **setters}
    exec(compile(source, f"<record_maker of {cls.__qualname__}>", "exec"), namespace)
    fn = namespace["make"]
    fn.__qualname__ = f"{cls.__qualname__} (made by record_maker)"
    fn.source = source  # for a reader: what runs
    return fn


class Record:
    """Mixin: a cheap, recursive ``to_dict`` (``dataclasses.asdict`` deep-copies)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        fn = _TO_DICT.get(type(self))
        if fn is None:
            fn = _compiled_to_dict(type(self))
        return fn(self)


class Status(str, enum.Enum):
    """Outcome of finding a metadata field or resolving a reference."""

    FOUND = "FOUND"
    MISSING = "MISSING"
    RESOLVED = "RESOLVED"
    AMBIGUOUS = "AMBIGUOUS"
    UNRESOLVED = "UNRESOLVED"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True, slots=True)
class Evidence(Record):
    """A span of the raw text that supports a value."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Field(Record):
    """A metadata value with its evidence, or a status saying why it is absent."""

    value: Any = None
    status: Status = Status.MISSING
    evidence: Evidence | None = None
    source: str = ""
    reason: str = ""

    @classmethod
    def missing(cls, reason: str) -> "Field":
        return cls(None, Status.MISSING, None, "", reason)


@dataclass(frozen=True, slots=True)
class Section(Record):
    """A heading of the outline; ``path`` is the chain of labels from the root."""

    id: str
    label: str
    title: str
    level: int
    path: str
    start: int
    end: int
    text: str
    body_end: int
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Cell(Record):
    row: int
    col: int
    start: int
    end: int
    text: str
    value: str
    number: float | None = None


@dataclass(frozen=True, slots=True)
class Table(Record):
    """A table rebuilt from tab-separated blocks or .docx tables.

    ``rows`` hold the body rows; a row continued over several source lines
    (an empty first cell) is one row whose cells may join several spans.
    """

    id: str
    start: int
    end: int
    text: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int
    segments: int
    section: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Footnote(Record):
    mark: str
    start: int
    end: int
    text: str
    body: str
    ref_start: int | None = None
    ref_end: int | None = None


@dataclass(frozen=True, slots=True)
class Metadata(Record):
    kind: Field = field(default_factory=Field)
    symbol: Field = field(default_factory=Field)
    number: Field = field(default_factory=Field)
    date: Field = field(default_factory=Field)
    title: Field = field(default_factory=Field)
    period_start: Field = field(default_factory=Field)
    period_end: Field = field(default_factory=Field)
    issuer: Field = field(default_factory=Field)
    signer: Field = field(default_factory=Field)
    recipients: Field = field(default_factory=Field)
    province: Field = field(default_factory=Field)
    commune: Field = field(default_factory=Field)
    level: Field = field(default_factory=Field)

    def value(self, name: str) -> Any:
        return getattr(self, name).value
