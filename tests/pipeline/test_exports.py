"""Word and Markdown exports of the comparison report and the citation index."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

from pipeline.exports import write_exports
from pipeline.runner import run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    out = tmp_path_factory.getbasetemp() / "corpus-run"  # shared with the other corpus tests (cached documents)
    result = run([REPO / "corpora"], out=out, workers=2, corpus_stages=False)
    from pipeline.corpus import CORPUS_STAGES, _optional, build_tables

    tables = build_tables(result.documents)
    for _, module, func in CORPUS_STAGES:
        fn = _optional(module, func)
        if fn:
            fn(tables, result.documents, out, [])
    write_exports(tables, result.documents, out / "exports")
    return out / "exports"


def table_text(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_exports_open_and_hold_the_tables(exports):
    for name in ("comparison", "citations"):
        assert (exports / f"{name}.md").stat().st_size > 0
        d = docx.Document(str(exports / f"{name}.docx"))
        assert len(d.tables) >= 3, name
        assert all(len(t.rows) >= 1 for t in d.tables)


def test_citation_index_docx(exports):
    d = docx.Document(str(exports / "citations.docx"))
    cells = [c for t in d.tables for row in table_text(t) for c in row]
    assert any("217-QĐ/TW" in c for c in cells)
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert any("most cited" in h for h in headings) and any("overlap" in h for h in headings)
    ranking = table_text(d.tables[0])
    assert ranking[0][:3] == ["Văn bản được dẫn", "Loại", "Cơ quan ban hành"]
    assert len(ranking) > 5


def test_comparison_docx_puts_documents_side_by_side(exports):
    d = docx.Document(str(exports / "comparison.docx"))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("giám sát") for h in headings)
    first = table_text(d.tables[0])
    assert len(first[0]) == 5  # one column per corpus document
    assert any("Thái Nguyên" in h for h in first[0]) and any("Kẻ Sặt" in h for h in first[0])


def test_markdown_tables(exports):
    md = (exports / "citations.md").read_text(encoding="utf-8")
    assert md.startswith("# Mục lục trích dẫn")
    assert "| Cơ quan ban hành | Số, ký hiệu / tên |" in md
    assert "217-QĐ/TW" in md


def test_hostile_text_in_exports(tmp_path):
    from pipeline.exports import citation_report, md_cell, to_docx

    report = {"title": "t\x0b<script>", "blocks": [("table", (["a|b"], [["<img src=x onerror=alert(1)>\nx\x00"]]))]}
    d = docx.Document(__import__("io").BytesIO(to_docx(report)))
    assert table_text(d.tables[0]) == [["a|b"], ["<img src=x onerror=alert(1)>\nx"]]
    assert md_cell("<img src=x>|\n") == "&lt;img src=x>\\|<br>"
    assert callable(citation_report)
