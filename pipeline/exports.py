"""exports: the comparison report and the citation index as Markdown and Word (.docx).

For people who work in Word and spreadsheets: ``out/exports/comparison.md``,
``comparison.docx``, ``citations.md`` and ``citations.docx``.  Both reports
are built from the same view models as the site (``pipeline.render``), so
the three forms always agree.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd
import regex

from .render import citation_index, comparison
from .store import atomic_write_bytes, atomic_write_text

# XML 1.0 forbids most control characters; python-docx refuses them, and a
# stray one in a scanned document must not stop the export.
RE_XML_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Table = tuple[Sequence[str], Iterable[Sequence[str]]]


def exports_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out: Path, inputs) -> None:
    """Output stage: ``out/exports/``."""
    write_exports(tables, documents, Path(out) / "exports")


def write_exports(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], directory: str | Path) -> list[Path]:
    directory = Path(directory)
    written = []
    for name, report in (("comparison", comparison_report(tables, documents)),
                         ("citations", citation_report(tables, documents))):
        atomic_write_text(directory / f"{name}.md", to_markdown(report))
        atomic_write_bytes(directory / f"{name}.docx", to_docx(report))
        written += [directory / f"{name}.md", directory / f"{name}.docx"]
    return written


# A report is a title and a list of blocks: ("h2"|"h3", text), ("p", text) or ("table", (header, rows)).
Report = dict[str, Any]


def comparison_report(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> Report:
    view = comparison(tables, documents)
    labels = [d["label"] for d in view["docs"]]
    blocks: list[tuple[str, Any]] = [("h2", "Chỉ tiêu theo chủ đề (targets by topic)")]
    for t in view["topics"]:
        blocks.append(("h3", f"{t['topic']} ({t['n']})"))
        cells = ["\n".join(f"{x['frame']}: {x['indicator']}" for x in cell) or "—" for cell in t["cells"]]
        blocks.append(("table", (labels, [cells])))
    blocks.append(("h2", "Ai chủ trì việc gì (who leads what: C = chủ trì, P = phối hợp)"))
    lead_rows = [[r["body"], str(r["lead"]), str(r["total"])]
                 + [" · ".join(x for x in (f"C {c['lead']}" if c["lead"] else "", f"P {c['support']}" if c["support"] else "") if x)
                    for c in r["cells"]] for r in view["leads"]]
    blocks.append(("table", (["Cơ quan", "Chủ trì", "Tổng", *labels], lead_rows)))
    blocks.append(("h2", "Tiến độ (deadlines with an interval)"))
    bars = [b for b in view["timeline"]["bars"] if not b["heading"]]
    doc_of = {}
    current = ""
    for b in view["timeline"]["bars"]:
        if b["heading"]:
            current = b["label"]
        else:
            doc_of[id(b)] = current
    blocks.append(("table", (["Văn bản", "Thời hạn", "Khoảng thời gian"], [[doc_of[id(b)], b["label"], b["title"]] for b in bars])))
    blocks.append(("h2", "Căn cứ thường được dẫn theo loại văn bản (commonly cited bases)"))
    for k in view["bases"]:
        blocks.append(("h3", f"{k['kind']} ({k['n_docs']} văn bản)"))
        blocks.append(("table", (["Văn bản được dẫn", "Số văn bản dẫn"], [[b["name"], str(b["n"])] for b in k["bases"]])))
    if view["detail"]["rows"]:
        blocks.append(("h2", "Bảng so sánh chi tiết (target_comparison)"))
        blocks.append(("table", (view["detail"]["columns"], view["detail"]["rows"])))
    return {"title": "Báo cáo so sánh (comparison report)", "blocks": blocks}


def citation_report(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> Report:
    view = citation_index(tables, documents)
    blocks: list[tuple[str, Any]] = [("p", f"{len(view['entries'])} văn bản được dẫn.")]
    blocks.append(("h2", "Được dẫn nhiều nhất (most cited)"))
    blocks.append(("table", (["Văn bản được dẫn", "Loại", "Cơ quan ban hành", "Số VB dẫn", "Số lần"],
                             [[str(e["display"]), _s(e.get("kind")), _s(e.get("issuer")), str(e.get("n_citing_docs")),
                               str(e.get("n_mentions"))] for e in view["ranking"]])))
    for g in view["kinds"]:
        blocks.append(("h2", f"{g['kind']} ({g['n']})"))
        body = []
        for i in g["issuers"]:
            for e in i["entries"]:
                dates = "; ".join(f"{d['date']} (theo {', '.join(x['label'] for x in d['docs'])})" for d in e["date_sources"])
                citing = "; ".join(f"{c['label']} ×{len(c['mentions'])}" for c in e["citing"])
                flag = " ⚠" if e.get("has_conflict") else ""
                body.append([i["issuer"], f"{e['display']}{flag}", dates, citing, _s(e.get("status"))])
        blocks.append(("table", (["Cơ quan ban hành", "Số, ký hiệu / tên", "Ngày nêu", "Văn bản dẫn", "Tình trạng"], body)))
    conflicts = [c for e in view["entries"] for c in e["conflicts"]]
    if conflicts:
        blocks.append(("h2", "Mâu thuẫn (conflicts)"))
        blocks.append(("table", (["Văn bản được dẫn", "Loại", "Chi tiết"], [[_s(c.get("symbol")), _s(c.get("type")), _s(c.get("detail"))] for c in conflicts])))
    ov = view["overlap"]
    blocks.append(("h2", "Ma trận căn cứ chung (citation overlap)"))
    blocks.append(("table", (["", *[d["label"] for d in ov["docs"]]], [[r["label"], *[str(c["n"]) for c in r["cells"]]] for r in ov["rows"]])))
    return {"title": "Mục lục trích dẫn (citation index)", "blocks": blocks}


def _s(v: Any) -> str:
    from .render import show

    return show(v)


# --- Markdown -----------------------------------------------------------------------

def md_cell(text: Any) -> str:
    """A table cell: one line, pipes escaped, and HTML neutralised (Markdown passes raw HTML through).

    >>> md_cell('a | b\\n<script>')
    'a \\\\| b<br>&lt;script>'
    """
    s = str(text).replace("<", "&lt;")
    return s.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_text(text: Any) -> str:
    return md_cell(text).replace("<br>", " ")


def to_markdown(report: Report) -> str:
    lines = [f"# {md_text(report['title'])}", ""]
    for kind, value in report["blocks"]:
        if kind in ("h2", "h3"):
            lines += [f"{'#' * int(kind[1])} {md_text(value)}", ""]
        elif kind == "p":
            lines += [md_text(value), ""]
        elif kind == "table":
            header, body = value
            lines.append("| " + " | ".join(md_cell(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            for row in body:
                lines.append("| " + " | ".join(md_cell(c) for c in row) + " |")
            lines.append("")
    return "\n".join(lines)


# --- Word ----------------------------------------------------------------------------

def _x(text: Any) -> str:
    return RE_XML_ILLEGAL.sub("", str(text))


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_x(report["title"]), level=1)
    for kind, value in report["blocks"]:
        if kind in ("h2", "h3"):
            doc.add_heading(_x(value), level=int(kind[1]))
        elif kind == "p":
            doc.add_paragraph(_x(value))
        elif kind == "table":
            header, body = value
            body = list(body)
            table = doc.add_table(rows=1 + len(body), cols=max(1, len(header)))
            table.style = "Table Grid"
            for j, h in enumerate(header):
                cell = table.rows[0].cells[j]
                cell.text = _x(h)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for i, row in enumerate(body, 1):
                cells = table.rows[i].cells
                for j, v in enumerate(row[: len(cells)]):
                    cells[j].text = _x(v)
            doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
