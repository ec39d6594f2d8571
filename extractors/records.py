"""Typed, frozen records passed between stages.

Every record that points into a document carries ``start``/``end`` in *raw*
text positions and the ``text`` found there, so ``raw[start:end] == text``
always holds.  ``to_dict()`` gives the JSON / pandas / template form.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Record:
    """Mixin: a cheap, recursive ``to_dict`` (``dataclasses.asdict`` deep-copies)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        cls = type(self)
        names = _FIELD_NAMES.get(cls)
        if names is None:  # dataclasses.fields() is slow: look the names up once per class
            names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
        return {name: _plain(getattr(self, name)) for name in names}


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
