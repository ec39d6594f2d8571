"""The per-document context every extractor reads.

Extractors search ``doc.text`` (the normalised text) and report raw offsets
through ``doc.evidence(start, end)``; ``doc.section_at(pos)`` gives the
outline path (``"Phần thứ ba > I > 2 > 2.2"``) of a normalised position.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .normalize import Normalized
from .records import Footnote, Metadata, Section, Table


@dataclass(frozen=True)
class Document:
    doc_id: str
    norm: Normalized
    metadata: Metadata = field(default_factory=Metadata)
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    # normalised start of each section heading, parallel to ``sections``
    section_starts: tuple[int, ...] = ()

    @property
    def raw(self) -> str:
        return self.norm.raw

    @property
    def text(self) -> str:
        return self.norm.text

    def evidence(self, start: int, end: int) -> tuple[int, int, str]:
        """Raw ``(start, end, text)`` of the normalised span ``text[start:end]``."""
        return self.norm.evidence(start, end)

    def section_of(self, pos: int) -> Section | None:
        i = bisect_right(self.section_starts, pos) - 1
        return self.sections[i] if i >= 0 else None

    def section_at(self, pos: int) -> str:
        sec = self.section_of(pos)
        return sec.path if sec else ""

    def section_titles_at(self, pos: int) -> list[str]:
        """Titles of the section at ``pos`` and all its ancestors, innermost first."""
        by_id = {s.id: s for s in self.sections}
        out = []
        sec = self.section_of(pos)
        while sec is not None:
            out.append(sec.title)
            sec = by_id.get(sec.parent) if sec.parent else None
        return out

    @classmethod
    def from_text(cls, text: str, doc_id: str = "<text>") -> "Document":
        """Normalise and segment a string (tests, notebooks, the spaCy components).

        >>> Document.from_text("I. MỤC TIÊU\\n\\nPhấn đấu 100% ...").section_at(15)
        'I'
        """
        from .normalize import normalize
        from .segment import segment

        return segment(doc_id, normalize(text))
