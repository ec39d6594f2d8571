"""spaCy components: the pure extractors, put on ``doc.spans`` for those who work in spaCy.

Each component is a thin wrapper (the shape of scispacy's abbreviation
detector): it runs the extractor on ``Document.from_text(doc.text)``, so
the records are exactly those of ``vnpolicy extract``, and writes them in two
places:

* ``doc.spans["vnpolicy_<kind>"]``: one span per record, cut at token
  boundaries (``alignment_mode="expand"``), labelled ``CITATION``,
  ``TARGET``/``RESULT``, ``BODY`` or ``DEADLINE``;
* ``span._.vnpolicy``: the record as a dict (``to_dict()``), with the exact
  raw ``start``/``end``/``text`` the extractor found.

The dicts live in ``doc.user_data`` (``span._.vnpolicy`` is a getter that
reads them through the span's ``id_``), so they survive ``DocBin`` with
``store_user_data=True`` and ``nlp.pipe`` with several processes.

The factories are registered through the ``spacy_factories`` entry points of
the installed package, so no import is needed. spaCy's Vietnamese tokenizer
wants ``pyvi`` by default; without it, ask for the whitespace tokenizer:

>>> import spacy
>>> nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
>>> _ = nlp.add_pipe("vnpolicy_citations")
>>> doc = nlp("Căn cứ Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương.")
>>> [(s.text, s.label_) for s in doc.spans["vnpolicy_citations"]]
[('Nghị quyết số 25-NQ/TW...', 'CITATION')]
>>> c = doc.spans["vnpolicy_citations"][0]._.vnpolicy
>>> c["symbol"], doc.text[c["start"]:c["end"]] == c["text"]
('25-NQ/TW', True)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.document import Document

#: The key of ``doc.user_data`` under which the record dicts are kept, per spans key.
USER_DATA_KEY = "vnpolicy"
#: Extension names: ``span._.vnpolicy`` (one record) and ``doc._.vnpolicy`` (all, per spans key).
EXTENSION = "vnpolicy"

# (kind, spans key, default label) of each component; the label of a record
# may be refined by ``_label`` (targets become TARGET or RESULT).
KINDS: dict[str, str] = {
    "citations": "CITATION",
    "targets": "TARGET",
    "bodies": "BODY",
    "deadlines": "DEADLINE",
}


def spans_key(kind: str) -> str:
    """The default ``doc.spans`` key of a component: ``vnpolicy_<kind>``.

    >>> spans_key("deadlines")
    'vnpolicy_deadlines'
    """
    return f"vnpolicy_{kind}"


def _lists(value: Any) -> Any:
    # DocBin reads msgpack arrays back as tuples: give lists either way, as to_dict() does.
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def _records_of(span: Span) -> dict[str, Any] | None:
    store = span.doc.user_data.get(USER_DATA_KEY) or {}
    key, _, idx = span.id_.rpartition(":")
    records = store.get(key)
    if not records or not idx.isdigit() or int(idx) >= len(records):
        return None
    return _lists(records[int(idx)])


def _all_records(doc: Doc) -> dict[str, list[dict[str, Any]]]:
    return {k: _lists(v) for k, v in (doc.user_data.get(USER_DATA_KEY) or {}).items()}


def _register_extensions() -> None:
    # Getters (not defaults): a default-valued span extension is keyed by
    # offsets only, so two records on the same tokens would overwrite each other.
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, getter=_records_of)
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, getter=_all_records)


@lru_cache(maxsize=4)
def _document(text: str) -> Document:
    # The four components of one pipeline read the same text: normalise and
    # segment it once.  Document is frozen, so sharing it is safe.
    return Document.from_text(text)


def _find_citations(doc: Document) -> list[Any]:
    from extractors.citations import find_citations

    return find_citations(doc)


def _find_targets(doc: Document) -> list[Any]:
    from extractors.targets import find_targets

    targets, results = find_targets(doc)
    return [*targets, *results]


def _find_bodies(doc: Document) -> list[Any]:
    from extractors.bodies import find_bodies

    return find_bodies(doc)


def _find_deadlines(doc: Document) -> list[Any]:
    from extractors.deadlines import find_deadlines

    return find_deadlines(doc)


FINDERS: dict[str, Callable[[Document], list[Any]]] = {
    "citations": _find_citations,
    "targets": _find_targets,
    "bodies": _find_bodies,
    "deadlines": _find_deadlines,
}


class VnPolicyComponent:
    """Run one extractor over ``doc.text`` and put its records on ``doc.spans[spans_key]``."""

    def __init__(self, nlp: Language, name: str, kind: str, spans_key: str) -> None:
        if kind not in FINDERS:
            raise ValueError(f"unknown vnpolicy component kind {kind!r}; expected one of {sorted(FINDERS)}")
        _register_extensions()
        self.name = name
        self.kind = kind
        self.spans_key = spans_key

    def find(self, text: str) -> list[dict[str, Any]]:
        """The records of ``text`` as dicts (raw offsets into ``text``)."""
        return [r.to_dict() for r in FINDERS[self.kind](_document(text))]

    def _label(self, record: dict[str, Any]) -> str:
        if self.kind == "targets" and record.get("kind") == "result":
            return "RESULT"
        return KINDS[self.kind]

    def __call__(self, doc: Doc) -> Doc:
        records = self.find(doc.text) if doc.text.strip() else []
        spans, kept = [], []
        for rec in records:
            span = doc.char_span(rec["start"], rec["end"], label=self._label(rec), alignment_mode="expand")
            if span is None:  # an empty or whitespace-only record: nothing to mark
                continue
            span.id_ = f"{self.spans_key}:{len(kept)}"
            spans.append(span)
            kept.append(rec)
        doc.spans[self.spans_key] = spans
        store = doc.user_data.setdefault(USER_DATA_KEY, {})
        store[self.spans_key] = kept
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in stream:
            yield self(doc)


_ASSIGNS = ["doc.spans", f"span._.{EXTENSION}", f"doc._.{EXTENSION}"]


def _make(kind: str) -> Callable[[Language, str, str], VnPolicyComponent]:
    def make(nlp: Language, name: str, spans_key: str) -> VnPolicyComponent:
        return VnPolicyComponent(nlp, name, kind, spans_key)

    make.__name__ = f"make_{kind}"
    make.__doc__ = f"Factory of the ``vnpolicy_{kind}`` component."
    return make


# Registered under the same names as the entry points in pyproject.toml, so
# that importing this module (as the entry point does) defines them.
make_citations = Language.factory(
    "vnpolicy_citations", default_config={"spans_key": spans_key("citations")}, assigns=_ASSIGNS,
)(_make("citations"))
make_targets = Language.factory(
    "vnpolicy_targets", default_config={"spans_key": spans_key("targets")}, assigns=_ASSIGNS,
)(_make("targets"))
make_bodies = Language.factory(
    "vnpolicy_bodies", default_config={"spans_key": spans_key("bodies")}, assigns=_ASSIGNS,
)(_make("bodies"))
make_deadlines = Language.factory(
    "vnpolicy_deadlines", default_config={"spans_key": spans_key("deadlines")}, assigns=_ASSIGNS,
)(_make("deadlines"))


def blank_vi() -> Language:
    """A blank Vietnamese pipeline that needs no ``pyvi`` (whitespace tokens keep exact offsets).

    >>> nlp = blank_vi()
    >>> [t.text for t in nlp("Kế hoạch số 165/KH-UBND")]
    ['Kế', 'hoạch', 'số', '165/KH-UBND']
    """
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def vnpolicy_nlp(kinds: Iterable[str] = tuple(KINDS)) -> Language:
    """``blank_vi()`` with the vnpolicy components of ``kinds`` added, in that order.

    >>> vnpolicy_nlp(["bodies", "deadlines"]).pipe_names
    ['vnpolicy_bodies', 'vnpolicy_deadlines']
    """
    nlp = blank_vi()
    for kind in kinds:
        nlp.add_pipe(f"vnpolicy_{kind}")
    return nlp


__all__ = ["KINDS", "USER_DATA_KEY", "EXTENSION", "VnPolicyComponent", "spans_key", "blank_vi", "vnpolicy_nlp",
           "make_citations", "make_targets", "make_bodies", "make_deadlines"]
