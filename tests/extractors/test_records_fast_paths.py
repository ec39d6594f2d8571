"""``Record.to_dict`` (a function written out per record class) agrees with the generic one.

:mod:`extractors.records` turns a record into a dict with a function compiled
once per class (one dict display, ``_plain`` only for values that are not
exactly ``str``/``int``/``float``/``bool``/``None``).  The *reference* below
is the generic loop it replaced: ``_plain(getattr(record, name))`` for every
field.  They must give the same dict: the same keys in the same order, and
values of the same types (a ``Status`` stays a ``Status``, a tuple becomes a
list, ``True`` stays a ``bool``).  Checked three ways:

* a hypothesis property over records of small test classes holding values of
  every kind ``_plain`` tells apart (exact scalars and their subclasses, enums,
  lists, tuples, dicts, nested records, arbitrary objects);
* a table of rows, one per record class of the package, with the dict each
  must give written out;
* every record every stage makes from the documents of ``corpora/`` and
  ``tests/data/extra/``.
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors import records as R  # noqa: E402
from extractors.bodies import Body, BodyMention  # noqa: E402
from extractors.citations import Citation  # noqa: E402
from extractors.deadlines import Deadline  # noqa: E402
from extractors.document import Document  # noqa: E402
from extractors.ingest import RawDocument, ingest  # noqa: E402
from extractors.records import Cell, Evidence, Field, Footnote, Metadata, Record, Section, Status  # noqa: E402
from extractors.tables import Row  # noqa: E402
from fast_path_support import CORPUS, CORPUS_IDS, MANY  # noqa: E402
from pipeline.analyse import available_extractors  # noqa: E402


# ---------------------------------------------------------------- the reference

def reference_to_dict(record: Record) -> dict[str, Any]:
    """The generic ``to_dict`` the compiled ones stand for, recursing into itself."""
    return {f.name: reference_plain(getattr(record, f.name)) for f in dataclasses.fields(record)}


def reference_plain(value: Any) -> Any:
    if isinstance(value, R._SCALARS):
        return value
    if isinstance(value, Record):
        # a class with its own to_dict (Deadline renames "from_") keeps it
        if type(value).to_dict is not Record.to_dict:
            return value.to_dict()
        return reference_to_dict(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [reference_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: reference_plain(v) for k, v in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down and dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    return a == b


def assert_agrees(record: Record) -> None:
    expected = record.to_dict() if type(record).to_dict is not Record.to_dict else reference_to_dict(record)
    if type(record).to_dict is not Record.to_dict:
        # an override builds on Record.to_dict: check that part against the reference
        assert same(Record.to_dict(record), reference_to_dict(record)), record
    got = record.to_dict()
    assert same(got, expected), (record, got, expected)


# ---------------------------------------------------------------- the property

class Colour(enum.Enum):
    RED = "red"
    BLUE = 2


class Level(enum.IntEnum):
    ONE = 1


class Tag(str):
    """A str subclass: ``_plain`` returns it unchanged, the compiled path must not copy it."""


class Ratio(float):
    pass


class Opaque:
    """Neither a scalar, a record, an enum nor a container: returned as it is."""

    def __eq__(self, other):
        return type(other) is Opaque

    __hash__ = object.__hash__


@dataclass(frozen=True, slots=True)
class Leaf(Record):
    a: Any
    b: Any = None


@dataclass(frozen=True)
class Node(Record):  # not slotted, with a field named like the compiled function's parameters
    record: Any
    self: Any = None
    type: Any = None
    v0: Any = None


@dataclass(frozen=True, slots=True)
class One(Record):
    only: Any


@dataclass(frozen=True, slots=True)
class Empty(Record):
    pass


SCALARS = st.one_of(
    st.text(max_size=4), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.sampled_from([Status.FOUND, Status.MISSING, Colour.RED, Colour.BLUE, Level.ONE, Tag("x"), Ratio(0.5), Opaque()]),
)


def values(depth: int = 2):
    if depth == 0:
        return SCALARS
    inner = values(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=2), inner, max_size=3),
        st.builds(Leaf, inner, inner),
        st.builds(One, inner),
        st.just(Empty()),
        st.builds(Evidence, st.integers(), st.integers(), st.text(max_size=3)),
    )


RECORDS = st.one_of(
    st.builds(Leaf, values(), values()),
    st.builds(Node, values(), values(), values(), values()),
    st.builds(One, values()),
    st.builds(Field, values(), st.sampled_from(list(Status)), st.none() | st.builds(Evidence, st.integers(), st.integers(), st.text()),
              st.text(max_size=3), st.text(max_size=3)),
    st.just(Empty()),
)


@MANY
@given(RECORDS)
def test_compiled_to_dict_agrees_with_the_generic_one(record):
    assert_agrees(record)


def reference_list(values) -> list:
    """What ``records_to_dicts`` stands for: each item as ``to_dict`` (a record) or ``_plain`` makes it."""
    return [v.to_dict() if isinstance(v, Record) and not isinstance(v, R._SCALARS) else reference_plain(v)
            for v in values]


@MANY
@given(st.lists(st.one_of(RECORDS, values(1)), max_size=5) | st.lists(RECORDS, max_size=5).map(tuple))
def test_records_to_dicts_agrees_with_a_call_per_item(items):
    """Lists of records of one class, of several, with scalars and containers among them."""
    assert same(R.records_to_dicts(items), reference_list(items))


# ---------------------------------------------------------------- the rows

EV = Evidence(3, 9, "Số 62")
BODY = Body("UBND tỉnh", "Ủy ban nhân dân tỉnh", "state", "tỉnh", "Phú Thọ", True, 100.0)
CELL = Cell(row=0, col=1, start=5, end=8, text="76,1", value="76,1", number=76.1)

ROWS = [
    (EV, {"start": 3, "end": 9, "text": "Số 62"}),
    (Field("KL", Status.FOUND, EV, "header"),
     {"value": "KL", "status": Status.FOUND, "evidence": {"start": 3, "end": 9, "text": "Số 62"}, "source": "header", "reason": ""}),
    (Field(["a", "b"], Status.FOUND, None, "Nơi nhận"),
     {"value": ["a", "b"], "status": Status.FOUND, "evidence": None, "source": "Nơi nhận", "reason": ""}),
    (Field.missing("no kind line"), {"value": None, "status": Status.MISSING, "evidence": None, "source": "", "reason": "no kind line"}),
    (Section("s0", "I", "MỤC TIÊU", 1, "I", 0, 11, "I. MỤC TIÊU", 40),
     {"id": "s0", "label": "I", "title": "MỤC TIÊU", "level": 1, "path": "I", "start": 0, "end": 11,
      "text": "I. MỤC TIÊU", "body_end": 40, "parent": None}),
    (CELL, {"row": 0, "col": 1, "start": 5, "end": 8, "text": "76,1", "value": "76,1", "number": 76.1}),
    (Row(0, 0, 8, "a\t76,1", (CELL,)),
     {"index": 0, "start": 0, "end": 8, "text": "a\t76,1", "cells": [CELL.to_dict()], "continues": None}),
    (Footnote("¹", 0, 5, "¹ Đề", "Đề", None, None),
     {"mark": "¹", "start": 0, "end": 5, "text": "¹ Đề", "body": "Đề", "ref_start": None, "ref_end": None}),
    (BodyMention("d", 1, 10, "UBND tỉnh", BODY, "I > 1"),
     {"doc_id": "d", "start": 1, "end": 10, "text": "UBND tỉnh", "body": {
         "text": "UBND tỉnh", "canonical": "Ủy ban nhân dân tỉnh", "family": "state", "level": "tỉnh",
         "jurisdiction": "Phú Thọ", "matched": True, "score": 100.0}, "section": "I > 1"}),
    (Deadline("d", "năm 2030", 0, 8, "year", "2030", "2030-01-01", "2030-12-31", anchors=("sơ kết",)),
     {"doc_id": "d", "text": "năm 2030", "start": 0, "end": 8, "kind": "year", "value": "2030", "to": "2030-12-31",
      "modifier": "in", "recurrence": "", "anchors": ["sơ kết"], "label": "", "section": "", "source": "prose",
      "context_start": 0, "context_end": 0, "from": "2030-01-01"}),
    (RawDocument("a", "a.txt", "txt", "utf-8", "ab", 2, "x"),
     {"doc_id": "a", "path": "a.txt", "format": "txt", "encoding": "utf-8", "sha256": "ab", "size": 2, "raw": "x"}),
    (One(Colour.BLUE), {"only": 2}),
    (One(Level.ONE), {"only": Level.ONE}),  # an int subclass: _plain keeps it
    (One((Tag("x"), "y")), {"only": [Tag("x"), "y"]}),
    (Empty(), {}),
]


@pytest.mark.parametrize("record,expected", ROWS, ids=[type(r).__name__ for r, _ in ROWS])
def test_rows(record, expected):
    assert same(record.to_dict(), expected)
    assert_agrees(record)


def test_metadata_defaults():
    assert_agrees(Metadata())
    assert list(Metadata().to_dict()) == [f.name for f in dataclasses.fields(Metadata)]


# ---------------------------------------------------------------- the corpus

@pytest.mark.parametrize("path", CORPUS, ids=CORPUS_IDS)
def test_every_record_of_the_corpus(path):
    raw = ingest(path)
    assert_agrees(raw)
    doc = Document.from_text(raw.raw, raw.doc_id)
    records: list[Record] = [doc.metadata, *doc.sections, *doc.tables, *doc.footnotes]
    for key, fn in available_extractors():
        found = fn(doc)
        records += [*found[0], *found[1]] if key == "targets" else list(found)
    assert records
    for record in records:
        assert_agrees(record)


# ---------------------------------------------------------------- records_to_dicts

DEADLINE = Deadline("d", "Quý IV/2030", 0, 11, "quarter", "2030-Q4", "2030-10-01", "2030-12-31")


@pytest.mark.parametrize("items", [
    [],
    (),
    [EV, EV],
    [EV, Leaf(1), EV],  # another class after the first: its own to_dict
    [DEADLINE, DEADLINE],  # a class with its own to_dict keeps it ("from_" becomes "from")
    [EV, DEADLINE],
    ["a", EV, None],  # the first item no record
    [Tag("x"), EV],
    [Status.FOUND, EV],  # a str enum stays itself
], ids=["empty", "empty tuple", "one class", "two classes", "override", "override second", "scalar first",
        "str subclass first", "enum first"])
def test_records_to_dicts_rows(items):
    got = R.records_to_dicts(items)
    assert same(got, reference_list(items))
    assert type(got) is list
    if DEADLINE in items:
        assert got[items.index(DEADLINE)]["from"] == "2030-10-01" and "from_" not in got[items.index(DEADLINE)]


# ---------------------------------------------------------------- record_maker

@pytest.mark.parametrize("record", [r for r, _ in ROWS] + [DEADLINE, Empty(), Leaf(1, [2])],
                         ids=lambda r: type(r).__name__)
def test_record_maker_makes_the_dataclass_record(record):
    values = [getattr(record, f.name) for f in dataclasses.fields(record)]
    make = R.record_maker(type(record))
    made = make(*values)
    assert type(made) is type(record) and made == record and same(made.to_dict(), record.to_dict())
    with pytest.raises(ValueError):
        make(*values, None)  # an extra value, like a missing one, is an error, not a record
    if values:  # still frozen
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, dataclasses.fields(made)[0].name, values[0])


def test_record_maker_leaves_a_class_with_post_init_its_constructor():
    @dataclass(frozen=True, slots=True)
    class Checked(Record):
        a: int

        def __post_init__(self):
            assert self.a >= 0

    assert R.record_maker(Checked) is Checked
