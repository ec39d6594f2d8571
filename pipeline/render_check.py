"""The drafting-check report: HTML (the draft with its findings anchored), Markdown, JSON and an .ics."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .store import atomic_write_bytes, atomic_write_json, atomic_write_text

SEVERITY_ORDER = {"defect": 0, "suggestion": 1, "info": 2}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("pipeline", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def annotated_text(raw: str, findings: list[dict[str, Any]]) -> Markup:
    """The draft's raw text, escaped, with each finding's span marked and anchored as ``#f-<i>``."""
    spans = sorted(((f["start"], f["end"], i) for i, f in enumerate(findings)
                    if f.get("start") is not None and f.get("end") is not None and f["end"] > f["start"]),
                   key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    pos = 0
    for start, end, i in spans:
        if start < pos:  # nested or overlapping finding: its anchor is enough
            out.append(f'<a id="f-{i}"></a>')
            continue
        out.append(str(escape(raw[pos:start])))
        out.append(f'<mark id="f-{i}" class="sev-{escape(findings[i]["severity"])}" title="{escape(findings[i]["message"])}">')
        out.append(str(escape(raw[start:end])))
        out.append("</mark>")
        pos = end
    out.append(str(escape(raw[pos:])))
    return Markup("".join(out))


def markdown(report) -> str:
    d = report.to_dict()
    lines = [f"# Kiểm tra dự thảo / Draft check: {d['draft']}", ""]
    lines.append("## Thông tin văn bản / Metadata")
    for k in ("kind", "symbol", "date", "province", "commune", "level", "period_start", "period_end", "title"):
        lines.append(f"- **{k}**: {d['metadata'].get(k) if d['metadata'].get(k) not in (None, '') else '—'}")
    if d["missing_metadata"]:
        lines.append(f"- **missing**: {', '.join(d['missing_metadata'])}")
    lines.append("")
    for sev, title in (("defect", "Lỗi cần sửa / Defects"), ("suggestion", "Gợi ý / Suggestions"), ("info", "Tham khảo / Notes")):
        items = [f for f in d["findings"] if f["severity"] == sev]
        lines.append(f"## {title} ({len(items)})")
        for f in items:
            where = f" (ký tự {f['start']}–{f['end']})" if f.get("start") is not None else ""
            lines.append(f"- `{f['type']}` {f['message']}{where}")
            for e in f.get("evidence", [])[:3]:
                lines.append(f"  - {e.get('doc')}: {str(e.get('context', ''))[:160]}")
        lines.append("")
    return "\n".join(lines)


def write_report(report, out_dir: str | Path) -> None:
    out_dir = Path(out_dir)
    d = report.to_dict()
    findings = sorted(d["findings"], key=lambda f: SEVERITY_ORDER.get(f["severity"], 9))
    raw = report.draft_json.get("text", "")
    html = _env().get_template("check.html").render(
        report=d, findings=findings, indexed=list(enumerate(findings)), text=annotated_text(raw, findings))
    atomic_write_text(out_dir / "report.html", html)
    atomic_write_text(out_dir / "report.md", markdown(report))
    atomic_write_json(out_dir / "report.json", d)
    deadlines = report.draft_json.get("deadlines") or []
    try:
        from .calendar import to_ics

        info = {report.draft: {"title": d["metadata"].get("title") or report.draft,
                               "date": d["metadata"].get("date"),
                               "period_start": d["metadata"].get("period_start"),
                               "period_end": d["metadata"].get("period_end")}}
        rows = [{**x, "doc": report.draft} for x in deadlines]
        atomic_write_bytes(out_dir / "deadlines.ics", to_ics(rows, info))
    except ImportError:
        pass
