"""segment: outline, tables, footnotes and metadata of one normalised document."""
from __future__ import annotations

from dataclasses import replace

import regex

from .document import Document
from .metadata import find_metadata
from .normalize import Normalized, finditer_at, line_starts, positions
from .outline import find_sections
from .records import Footnote
from .tables import find_tables

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
RE_FOOTNOTE = regex.compile(rf"^[ \t]*(?P<mark>[{SUPERSCRIPTS}]+)[ \t]*(?P<body>\S[^\n]*)$", regex.M)


def find_footnotes(norm: Normalized) -> list[Footnote]:
    """Footnote lines ("¹ …") with the position of their mark in the running text."""
    text = norm.text
    notes = []
    # A footnote line opens with a superscript: try the pattern only at such
    # line starts instead of scanning the text (most texts have none).
    hits = [i for c in SUPERSCRIPTS if c in text for i in positions(text, c)]
    for m in finditer_at(RE_FOOTNOTE, text, line_starts(text, hits)):
        mark = m.group("mark")
        ref = None
        for r in regex.finditer(regex.escape(mark) + rf"(?![{SUPERSCRIPTS}])", text[: m.start()]):
            if r.start() > 0 and text[r.start() - 1] not in "\n" + SUPERSCRIPTS:
                ref = r
        lo, hi, raw_text = norm.evidence(*m.span())
        ref_lo = ref_hi = None
        if ref:
            ref_lo, ref_hi = norm.raw_span(*ref.span())
        notes.append(Footnote(mark=mark, start=lo, end=hi, text=raw_text, body=m.group("body").strip(),
                              ref_start=ref_lo, ref_end=ref_hi))
    return notes


def segment(doc_id: str, norm: Normalized) -> Document:
    """Outline, tables, footnotes and metadata of a normalised text.

    >>> from extractors.normalize import normalize
    >>> doc = segment("x", normalize("NGHỊ QUYẾT\\nvề công tác Mặt trận\\n\\nI. MỤC TIÊU\\n1. Mục tiêu chung"))
    >>> doc.metadata.kind.value, [s.path for s in doc.sections]
    ('Nghị quyết', ['I', 'I > 1'])
    """
    sections, starts = find_sections(norm)
    tables = find_tables(norm)
    tables = [_with_section(t, sections, starts) for t in tables]
    return Document(
        doc_id=doc_id,
        norm=norm,
        metadata=find_metadata(norm, sections, starts),
        sections=tuple(sections),
        tables=tuple(tables),
        footnotes=tuple(find_footnotes(norm)),
        section_starts=tuple(starts),
    )


def _with_section(table, sections, starts):
    from bisect import bisect_right

    i = bisect_right(starts, table.norm_start) - 1
    return replace(table, section=sections[i].path) if i >= 0 else table
