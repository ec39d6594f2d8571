"""exports: the comparison report and the citation index as Markdown and Word (.docx).

For people who work in Word and spreadsheets: ``out/exports/comparison.md``,
``comparison.docx``, ``citations.md`` and ``citations.docx``.  Both reports
are built from the same view models as the site (``pipeline.render``), so
the three forms always agree, and are bounded the same way for a national
corpus (the documents side by side, the overlap matrix…).  Markdown tables
are complete; a Word table keeps its first :data:`DOCX_MAX_ROWS` rows (python-docx
is slow on huge tables, and Word on huge documents) and says where the rest is.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd
import regex

from .render import MAX_LISTED, citation_index, comparison
from .store import atomic_write_bytes, atomic_write_text

# Rows of one table in a .docx; the Markdown export and tables/*.csv hold all of them.
DOCX_MAX_ROWS = 500

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
    for name, build in (("comparison", comparison_report), ("citations", citation_report)):
        report = build(tables, documents)  # one report in memory at a time
        atomic_write_text(directory / f"{name}.md", to_markdown(report))
        atomic_write_bytes(directory / f"{name}.docx", to_docx(report))
        written += [directory / f"{name}.md", directory / f"{name}.docx"]
    return written


# A report is a title and a list of blocks: ("h2"|"h3", text), ("p", text) or ("table", (header, rows));
# a table may be ("table", (header, rows, where)): where the complete data is, named when a .docx cuts it.
Report = dict[str, Any]


def comparison_report(tables: dict[str, pd.DataFrame], documents: Any = None) -> Report:
    view = comparison(tables)
    labels = [d["label"] for d in view["docs"]]
    lead_labels = [d["label"] for d in view["lead_docs"]]
    blocks: list[tuple[str, Any]] = [("h2", "Chỉ tiêu theo chủ đề (targets by topic)")]
    if len(labels) < view["n_docs"]:
        blocks.append(("p", f"Đặt cạnh nhau {len(labels)} / {view['n_docs']} văn bản có nhiều chỉ tiêu nhất "
                            f"(the {len(labels)} documents with most targets); đầy đủ: tables/targets.csv, tables/target_comparison.csv."))
    for t in view["topics"]:
        blocks.append(("h3", f"{t['topic']} ({t['n']})"))
        cells = ["\n".join(f"{x['frame']}: {x['indicator']}" for x in cell) or "—" for cell in t["cells"]]
        blocks.append(("table", (labels, [cells])))
    blocks.append(("h2", "Ai chủ trì việc gì (who leads what: C = chủ trì, P = phối hợp)"))
    if len(lead_labels) < view["n_docs"]:
        blocks.append(("p", f"Cột: {len(lead_labels)} / {view['n_docs']} văn bản có nhiều nhiệm vụ nhất; đầy đủ: tables/assignments.csv, tables/bodies.csv."))
    lead_rows = [[r["body"], str(r["lead"]), str(r["total"])]
                 + [" · ".join(x for x in (f"C {c['lead']}" if c["lead"] else "", f"P {c['support']}" if c["support"] else "") if x)
                    for c in r["cells"]] for r in view["leads"]]
    blocks.append(("table", (["Cơ quan", "Chủ trì", "Tổng", *lead_labels], lead_rows)))
    blocks.append(("h2", "Tiến độ (deadlines with an interval)"))
    tl = view["timeline"]
    if tl.get("n_shown", 0) < tl.get("n", 0):
        blocks.append(("p", f"{tl['n_shown']} / {tl['n']} mốc, của {tl['docs_shown']} / {tl['n_docs']} văn bản có nhiều mốc nhất; "
                            "đầy đủ: tables/deadlines.csv."))
    rows_ = []
    current = ""
    for b in tl["bars"]:
        if b["heading"]:
            current = b["label"]
        else:
            rows_.append([current, b["label"], b["title"]])
    blocks.append(("table", (["Văn bản", "Thời hạn", "Khoảng thời gian"], rows_, "tables/deadlines.csv")))
    blocks.append(("h2", "Căn cứ thường được dẫn theo loại văn bản (commonly cited bases)"))
    for k in view["bases"]:
        blocks.append(("h3", f"{k['kind']} ({k['n_docs']} văn bản)"))
        blocks.append(("table", (["Văn bản được dẫn", "Số văn bản dẫn"], [[b["name"], str(b["n"])] for b in k["bases"]])))
    if view["detail"]["rows"]:
        blocks.append(("h2", "Bảng so sánh chi tiết (target_comparison)"))
        if len(view["detail"]["rows"]) < view["detail"]["n"]:
            blocks.append(("p", f"{len(view['detail']['rows'])} / {view['detail']['n']} dòng; đầy đủ: tables/target_comparison.csv."))
        blocks.append(("table", (view["detail"]["columns"], view["detail"]["rows"], "tables/target_comparison.csv")))
    return {"title": "Báo cáo so sánh (comparison report)", "blocks": blocks}


def _listed(names: list[str], total: int | None = None) -> str:
    total = len(names) if total is None else total
    shown = names[:MAX_LISTED]
    return ", ".join(shown) + (f" … (+{total - len(shown)})" if total > len(shown) else "")


def citation_report(tables: dict[str, pd.DataFrame], documents: Any = None) -> Report:
    from .render import _docs

    docs = _docs(tables)
    view = citation_index(tables, docs=docs, citing=False)  # citing documents: counts are enough here
    blocks: list[tuple[str, Any]] = [("p", f"{len(view['entries'])} văn bản được dẫn.")]
    blocks.append(("h2", "Được dẫn nhiều nhất (most cited)"))
    blocks.append(("table", (["Văn bản được dẫn", "Loại", "Cơ quan ban hành", "Số VB dẫn", "Số lần"],
                             [[str(e["display"]), _s(e.get("kind")), _s(e.get("issuer")), str(e.get("n_citing_docs")),
                               str(e.get("n_mentions"))] for e in view["ranking"]])))

    def label(doc: str) -> str:
        return docs.get(doc, {}).get("label", doc)

    for g in view["kinds"]:
        blocks.append(("h2", f"{g['kind']} ({g['n']})"))
        body = []
        for i in g["issuers"]:
            for e in i["entries"]:
                dates = "; ".join(f"{d['date']} (theo {_listed([x.label for x in d['docs']], len(d['docs']) + d.get('more', 0))})"
                                  for d in e["date_sources"])
                citing = e.get("citing_docs") or {}
                if not isinstance(citing, dict):
                    citing = {}
                ids = sorted(citing, key=str)
                cited = "; ".join(f"{label(k)} ×{citing[k]}" for k in ids[:MAX_LISTED])
                if len(ids) > MAX_LISTED:
                    cited += f"; … (+{len(ids) - MAX_LISTED} văn bản)"
                flag = " ⚠" if e.get("has_conflict") else ""
                body.append([i["issuer"], f"{e['display']}{flag}", dates, cited, _s(e.get("status"))])
        blocks.append(("table", (["Cơ quan ban hành", "Số, ký hiệu / tên", "Ngày nêu", "Văn bản dẫn", "Tình trạng"], body,
                                 "citations.md, tables/registry.csv")))
    conflicts = [c for e in view["entries"] for c in e["conflicts"]]
    if conflicts:
        blocks.append(("h2", "Mâu thuẫn (conflicts)"))
        blocks.append(("table", (["Văn bản được dẫn", "Loại", "Chi tiết"], [[_s(c.get("symbol")), _s(c.get("type")), _s(c.get("detail"))] for c in conflicts],
                                 "citations.md, tables/conflicts.csv")))
    ov = view["overlap"]
    blocks.append(("h2", "Ma trận căn cứ chung (citation overlap)"))
    if ov.get("capped"):
        blocks.append(("p", f"{len(ov['docs'])} / {ov['n_docs']} văn bản dẫn nhiều căn cứ nhất; đầy đủ: tables/citations.csv."))
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
            header, body = value[0], value[1]
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
            header, body = value[0], list(value[1])
            where = value[2] if len(value) > 2 else "the Markdown export"
            _docx_table(doc, header, body[:DOCX_MAX_ROWS])
            if len(body) > DOCX_MAX_ROWS:
                doc.add_paragraph(_x(f"… {DOCX_MAX_ROWS} / {len(body)} dòng đầu; đầy đủ trong {where} "
                                     f"(first {DOCX_MAX_ROWS} of {len(body)} rows; all in {where})."))
            doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, header: Sequence[str], body: list[Sequence[Any]]) -> None:
    """A "Table Grid" table, header bold, filled through the flat cell list (``rows[i].cells`` is quadratic)."""
    ncols = max(1, len(header))
    table = doc.add_table(rows=1 + len(body), cols=ncols)
    table.style = "Table Grid"
    cells = table._cells  # row-major, one per grid cell (no merged cells here)
    for j, h in enumerate(header):
        cell = cells[j]
        cell.text = _x(h)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for i, row in enumerate(body, 1):
        base = i * ncols
        for j, v in enumerate(row[:ncols]):
            cells[base + j].text = _x(v)
