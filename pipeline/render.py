"""render: the static site (jinja2), readable offline from ``file://``.

Pages: ``index.html`` (overview), one ``doc-*.html`` per document (text with
highlighted records), ``citations.html`` (citation index), ``compare.html``
(province comparison), ``quality.html`` and ``bodies.html``.

Templates come from a user folder first (``templates_dir`` or the
``VNPOLICY_TEMPLATES`` environment variable), then the package's; they are
autoescaped and fail on undefined variables.  Document text is untrusted:
it only ever reaches a page through escaping — the highlighted text is built
here from escaped slices, and every other value is escaped by the template.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jinja2
import pandas as pd
import regex
from markupsafe import Markup, escape

from .store import atomic_write_text

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
STATIC_FILES = ("style.css", "site.js")
HIGHLIGHT_KINDS = {  # kind → (id prefix, Vietnamese label, English label)
    "citation": ("c", "Trích dẫn", "citation"),
    "target": ("t", "Chỉ tiêu", "target"),
    "result": ("k", "Kết quả", "result"),
    "body": ("b", "Cơ quan", "body"),
    "deadline": ("d", "Thời hạn", "deadline"),
    "task": ("a", "Nhiệm vụ", "assignment"),
    "meta": ("e", "Thông tin văn bản", "metadata evidence"),
    "heading": ("s", "Đề mục", "heading"),
    "ocr": ("o", "Nghi lỗi OCR (đã chuẩn hoá)", "suspected OCR slip"),
}
METADATA_LABELS = {
    "kind": "Loại văn bản", "symbol": "Số, ký hiệu", "number": "Số", "date": "Ngày ban hành", "title": "Trích yếu",
    "period_start": "Giai đoạn từ", "period_end": "Giai đoạn đến", "issuer": "Cơ quan ban hành", "signer": "Người ký",
    "recipients": "Nơi nhận", "province": "Tỉnh", "commune": "Xã", "level": "Cấp",
}
FREQUENCIES = {"yearly": "hằng năm", "half-yearly": "6 tháng", "semiannual": "6 tháng", "quarterly": "hằng quý",
               "monthly": "hằng tháng", "weekly": "hằng tuần"}
# Fields of a record shown in its tooltip, in this order; others follow.
TOOLTIP_SKIP = {"doc_id", "doc", "start", "end", "text", "context", "context_start", "context_end", "idx", "province"}


# --- small helpers ------------------------------------------------------------

def anchor(prefix: str, key: Any) -> str:
    """A stable, URL-safe id for a key of any script: ``r-<hash>``."""
    return f"{prefix}-{hashlib.sha1(str(key).encode('utf-8')).hexdigest()[:10]}"


def doc_page(doc_id: str) -> str:
    """The page of a document: ASCII, so links work from disk without URL-encoding."""
    stem = regex.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)
    if stem != doc_id:
        stem += "-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:6]
    return f"doc-{stem}.html"


def obj(v: Any) -> Any:
    """A table cell as a Python value: JSON text parsed back, NaN as None."""
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except ValueError:
            return v
    if isinstance(v, (list, tuple, dict)):
        return v
    if hasattr(v, "tolist"):  # numpy arrays from Parquet
        return v.tolist()
    try:
        if v is None or pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def rows(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    if df is None or df.empty:
        return []
    return [{k: obj(v) for k, v in r.items()} for r in df.to_dict("records")]


def show(v: Any) -> str:
    """A value as short display text."""
    v = obj(v)
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "có" if v else "không"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return "; ".join(show(x) for x in v if show(x))
    if isinstance(v, dict):
        if "canonical" in v or "text" in v:
            return str(v.get("canonical") or v.get("text"))
        return ", ".join(f"{k}: {show(x)}" for k, x in v.items() if show(x))
    return str(v)


def tooltip(record: dict[str, Any], limit: int = 140) -> str:
    parts = []
    for k, v in record.items():
        if k in TOOLTIP_SKIP:
            continue
        s = show(v)
        if s:
            parts.append(f"{k}: {s[:limit]}{'…' if len(s) > limit else ''}")
    return "\n".join(parts)


def body_name(item: Any) -> str:
    """The canonical name of a body item (a dict from the bodies stage, or a plain string)."""
    if isinstance(item, dict):
        inner = item.get("body") if isinstance(item.get("body"), dict) else item
        return str(inner.get("canonical") or inner.get("text") or item.get("text") or "")
    return str(item or "")


def doc_label(d: dict[str, Any]) -> str:
    """A short human name for a document row: kind, symbol, place."""
    bits = [show(d.get("kind")), show(d.get("symbol"))]
    place = show(d.get("commune")) or show(d.get("province"))
    label = " ".join(b for b in bits if b)
    if place:
        label = f"{label} ({place})" if label else place
    return label or str(d.get("doc"))


def year_of(v: Any) -> int | None:
    s = show(v)
    m = regex.match(r"(\d{4})", s)
    return int(m.group(1)) if m else None


# --- highlighted text -----------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    title: str = ""
    href: str = ""
    id: str = ""


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with each span wrapped in ``<span class="hl hl-KIND">``.

    Overlapping spans are split into properly nested pieces; the first piece
    carries the span's id, the last is followed by its link.  Only escaped
    slices of ``text`` and escaped attribute values are ever joined.

    >>> str(highlight("a <b> c", [Span(0, 5, "citation", "x\\"y", "r.html", "c-0"), Span(2, 7, "target")]))
    '<span class="hl hl-citation" title="x&#34;y" id="c-0">a <span class="hl hl-target">&lt;b&gt;</span></span><a class="go" href="r.html" aria-label="xem">↗</a><span class="hl hl-target"> c</span>'
    """
    n = len(text)
    spans = sorted({s for s in spans if 0 <= s.start < s.end <= n}, key=lambda s: (s.start, -s.end, s.kind))
    order = {s: i for i, s in enumerate(spans)}
    starts: dict[int, list[Span]] = defaultdict(list)
    ends: dict[int, list[Span]] = defaultdict(list)
    for s in spans:
        starts[s.start].append(s)
        ends[s.end].append(s)
    bounds = sorted({0, n, *starts, *ends})
    out: list[str] = []
    stack: list[Span] = []
    active: set[Span] = set()
    opened: set[Span] = set()
    for a, b in zip(bounds, bounds[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        want = sorted(active, key=order.__getitem__)
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        for s in reversed(stack[keep:]):
            out.append("</span>")
            if s.end <= a and s.href:
                out.append(f'<a class="go" href="{escape(s.href)}" aria-label="xem">↗</a>')
        stack = stack[:keep]
        for s in want[keep:]:
            attrs = f' title="{escape(s.title)}"' if s.title else ""
            if s.id and s not in opened:
                attrs += f' id="{escape(s.id)}"'
            opened.add(s)
            out.append(f'<span class="hl hl-{escape(s.kind)}"{attrs}>')
            stack.append(s)
        out.append(str(escape(text[a:b])))
    for s in reversed(stack):
        out.append("</span>")
        if s.href:
            out.append(f'<a class="go" href="{escape(s.href)}" aria-label="xem">↗</a>')
    return Markup("".join(out))


def _find_in(raw: str, needle: str, start: int, end: int) -> tuple[int, int] | None:
    if not needle:
        return None
    i = raw.find(needle, start, end)
    return (i, i + len(needle)) if i >= 0 else None


def document_spans(d: dict[str, Any], cite_keys: dict[tuple[str, int], dict[str, Any]],
                   ocr: Iterable[dict[str, Any]] = ()) -> list[Span]:
    """Every highlight of a document, with its tooltip, link and anchor id."""
    raw = d.get("text") or ""
    doc = d["doc"]
    spans: list[Span] = []
    used_ids: set[str] = set()

    def add(kind: str, start: Any, end: Any, title: str, href: str = "", id_: str = "") -> None:
        if not isinstance(start, int) or not isinstance(end, int):
            return
        label = HIGHLIGHT_KINDS[kind][1]
        id_ = id_ or f"{HIGHLIGHT_KINDS[kind][0]}-{start}"
        if id_ in used_ids:
            id_ = ""
        used_ids.add(id_)
        spans.append(Span(start, end, kind, f"{label}\n{title}".strip(), href, id_))

    for c in d.get("citations") or []:
        info = cite_keys.get((doc, c.get("start")), {})
        key = info.get("key")
        extra = {k: info.get(k) for k in ("key", "status", "reason") if info.get(k)}
        add("citation", c.get("start"), c.get("end"), tooltip({**c, **extra}),
            f"citations.html#{anchor('r', key)}" if key else "")
    for kind, key in (("target", "targets"), ("result", "results"), ("deadline", "deadlines")):
        for r in d.get(key) or []:
            add(kind, r.get("start"), r.get("end"), tooltip(r))
    for a in d.get("assignments") or []:
        add("task", a.get("start"), a.get("end"), tooltip(a))
    for m in d.get("bodies") or []:
        name = body_name(m)
        add("body", m.get("start"), m.get("end"), tooltip(m.get("body") if isinstance(m.get("body"), dict) else m),
            f"bodies.html#{anchor('b', name)}" if name else "")
    if not d.get("bodies"):
        # no body mentions of their own: the bodies named in assignments, found in the task's span
        for a in d.get("assignments") or []:
            lo, hi = a.get("start"), a.get("end")
            if not isinstance(lo, int) or not isinstance(hi, int):
                continue
            for role in ("lead", "support"):
                for item in a.get(role) or []:
                    text = item.get("text") if isinstance(item, dict) else item
                    hit = _find_in(raw, str(text or ""), max(0, lo - 300), min(len(raw), hi + 300))
                    if hit:
                        name = body_name(item)
                        title = f"vai trò: {'chủ trì' if role == 'lead' else 'phối hợp'}\n" + (tooltip(item) if isinstance(item, dict) else "")
                        add("body", hit[0], hit[1], title, f"bodies.html#{anchor('b', name)}")
    for name, f in (d.get("metadata") or {}).items():
        ev = f.get("evidence") if isinstance(f, dict) else None
        if ev:
            add("meta", ev.get("start"), ev.get("end"), f"{METADATA_LABELS.get(name, name)}: {show(f.get('value'))}",
                id_=f"e-{name}")
    for o in ocr:
        add("ocr", o["start"], o["end"], f"{o['step']}: {o['raw']} → {o['new']}")
    for s in d.get("sections") or []:
        add("heading", s.get("start"), s.get("end"), show(s.get("path")), id_=f"s-{s.get('id')}")
    return spans


# --- view models ------------------------------------------------------------------

def _docs(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    out = {}
    for d in rows(tables.get("documents")):
        d["label"] = doc_label(d)
        d["page"] = doc_page(d["doc"])
        out[d["doc"]] = d
    return out


def _conflicts(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    out = []
    for c in rows(tables.get("conflicts")):
        c["anchor"] = anchor("r", c.get("key"))
        c["docs"] = sorted({x for side in c.get("sides") or [] for x in side.get("docs") or []})
        out.append(c)
    return out


def _snippet(context: str, needle: str) -> dict[str, str]:
    """The context around a mention, split so the template can mark the mention."""
    needle = " ".join((needle or "").split())
    i = context.find(needle) if needle else -1
    if i < 0:
        return {"before": context, "match": "", "after": ""}
    return {"before": context[:i], "match": needle, "after": context[i + len(needle):]}


# Registry columns the citation index shows, with their value when a build lacks them.
REGISTRY_DEFAULTS: dict[str, Any] = {
    "symbol": "", "name": "", "kind": "", "issuer": "", "term": "", "national": True, "jurisdiction": "", "dates": [],
    "date_sources": [], "titles": [], "citing_docs": {}, "n_citing_docs": 0, "n_mentions": 0, "mentions": [],
    "corpus_doc": None, "status": "", "reason": "", "has_conflict": False,
}


def citation_index(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The citation index: registry entries grouped by kind and issuer, rankings, overlap matrix."""
    docs = _docs(tables)
    texts = {d["doc"]: d.get("text") or "" for d in documents}
    conflicts = defaultdict(list)
    for c in _conflicts(tables):
        conflicts[c.get("key")].append(c)
    entries = []
    for e in rows(tables.get("registry")):
        e = {**REGISTRY_DEFAULTS, **e}
        e["anchor"] = anchor("r", e["key"])
        e["display"] = e.get("symbol") or e.get("name") or e["key"]
        e["conflicts"] = conflicts.get(e["key"], [])
        by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in e.get("mentions") or []:
            s, t = m.get("start"), m.get("end")
            raw = texts.get(m.get("doc"), "")
            text = raw[s:t] if isinstance(s, int) and isinstance(t, int) else ""
            by_doc[m.get("doc")].append({**m, **_snippet(m.get("context") or "", text),
                                          "href": f"{doc_page(m.get('doc'))}#c-{s}"})
        e["citing"] = [{"doc": k, "label": docs.get(k, {}).get("label", k), "page": doc_page(k), "mentions": v}
                       for k, v in sorted(by_doc.items())]
        e["date_sources"] = [{"date": x.get("date"), "count": x.get("count"),
                              "docs": [{"doc": k, "label": docs.get(k, {}).get("label", k)} for k in x.get("docs") or []]}
                             for x in e.get("date_sources") or []]
        entries.append(e)
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for e in sorted(entries, key=lambda e: (e.get("issuer") or "~", str(e["display"]))):
        groups[e.get("kind") or "Khác"][e.get("issuer") or "(không rõ)"].append(e)
    kinds = [{"kind": k, "anchor": anchor("g", k), "n": sum(len(v) for v in g.values()),
              "issuers": [{"issuer": i, "entries": es} for i, es in g.items()]}
             for k, g in sorted(groups.items(), key=lambda kv: -sum(len(v) for v in kv[1].values()))]
    ranking = sorted(entries, key=lambda e: (-(e.get("n_citing_docs") or 0), -(e.get("n_mentions") or 0), str(e["display"])))[:20]
    return {"kinds": kinds, "entries": entries, "ranking": ranking, "overlap": overlap_matrix(entries, docs)}


def overlap_matrix(entries: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Which bases each pair of documents shares (ambiguous keys left out)."""
    cited: dict[str, set[str]] = defaultdict(set)
    names = {}
    for e in entries:
        if str(e["key"]).endswith("|?"):
            continue
        names[e["key"]] = str(e["display"])
        for d in (e.get("citing_docs") or {}):
            cited[d].add(e["key"])
    ids = sorted(docs)
    matrix = []
    for a in ids:
        cells = []
        for b in ids:
            shared = sorted(cited[a] & cited[b], key=lambda k: names[k])
            cells.append({"n": len(shared), "title": "; ".join(names[k] for k in shared), "diag": a == b})
        matrix.append({"doc": a, "label": docs[a]["label"], "cells": cells})
    pairs = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            shared = sorted(cited[a] & cited[b], key=lambda k: names[k])
            if shared:
                pairs.append({"a": docs[a]["label"], "b": docs[b]["label"],
                              "shared": [{"name": names[k], "anchor": anchor("r", k)} for k in shared]})
    return {"docs": [docs[d] for d in ids], "rows": matrix, "pairs": pairs}


def _topics(r: dict[str, Any]) -> list[str]:
    t = r.get("topics", r.get("topic"))
    if isinstance(t, list):
        return [str(x) for x in t if x] or ["khác"]
    if isinstance(t, str) and t:
        return [x.strip() for x in t.split(";") if x.strip()]
    return ["khác"]


def target_frame(r: dict[str, Any]) -> str:
    """"≥ 3 cuộc / năm" from a target's comparator, values, unit and frequency."""
    lo, hi = show(r.get("value_min", r.get("value"))), show(r.get("value_max"))
    value = lo if not hi or hi == lo else f"{lo}–{hi}"
    comp = {">=": "≥", "<=": "≤"}.get(show(r.get("comparator")), show(r.get("comparator")))
    unit = show(r.get("unit"))
    bits = [f"{comp} {value}{unit if unit == '%' else ' ' + unit}".strip()]
    for k in ("frequency", "level", "deadline"):
        v = show(r.get(k))
        if v:
            bits.append(FREQUENCIES.get(v, v) if k == "frequency" else (f"cấp {v}" if k == "level" else f"đến {v}"))
    return " · ".join(b for b in bits if b)


def comparison(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The comparison report: targets by topic side by side, who leads what, deadlines, common bases."""
    docs = _docs(tables)
    ids = sorted(docs)
    by_topic: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows(tables.get("targets")):
        doc = r.get("doc") or r.get("doc_id")
        item = {"frame": target_frame(r), "indicator": show(r.get("indicator")) or show(r.get("text")),
                "text": show(r.get("text")), "href": f"{doc_page(doc)}#t-{r.get('start')}"}
        for t in _topics(r):
            by_topic[t][doc].append(item)
    topics = [{"topic": t, "anchor": anchor("p", t), "n": sum(len(v) for v in per.values()),
               "cells": [per.get(d, []) for d in ids]}
              for t, per in sorted(by_topic.items(), key=lambda kv: (kv[0] == "khác", kv[0]))]
    tc = tables.get("target_comparison")
    detail = {"columns": [str(c) for c in tc.columns], "rows": [[show(v) for v in r.values()] for r in rows(tc)]} \
        if tc is not None and not tc.empty else {"columns": [], "rows": []}
    return {"docs": [docs[d] for d in ids], "topics": topics, "detail": detail,
            "leads": lead_matrix(tables, docs, ids), "timeline": timeline(tables, docs),
            "bases": common_bases(tables, docs)}


def lead_matrix(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """Bodies × documents: how many tasks each body leads (chủ trì) and supports (phối hợp)."""
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for a in rows(tables.get("assignments")):
        doc = a.get("doc") or a.get("doc_id")
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                name = body_name(item)
                if name:
                    counts[name][doc][role] += 1
    out = []
    for name, per in counts.items():
        total = sum(c["lead"] + c["support"] for c in per.values())
        out.append({"body": name, "anchor": anchor("b", name), "total": total,
                    "lead": sum(c["lead"] for c in per.values()),
                    "cells": [{"lead": per[d]["lead"], "support": per[d]["support"]} for d in ids]})
    return sorted(out, key=lambda r: (-r["lead"], -r["total"], r["body"]))[:40]


def timeline(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], width: int = 900) -> dict[str, Any]:
    """A Gantt-like chart of the deadlines that have an interval: geometry for an inline SVG."""
    items, seen = [], set()
    for r in rows(tables.get("deadlines")):
        lo, hi = show(r.get("from")), show(r.get("to"))
        if not (year_of(lo) and year_of(hi)):
            continue
        doc = r.get("doc") or r.get("doc_id")
        key = (doc, show(r.get("value")))
        if key in seen:
            continue
        seen.add(key)
        items.append({"doc": doc, "from": lo, "to": hi, "label": show(r.get("text")), "value": show(r.get("value")),
                      "kind": show(r.get("kind")), "href": f"{doc_page(doc)}#d-{r.get('start')}"})
    if not items:
        return {"bars": [], "years": [], "width": width, "height": 0, "n": 0}

    def pos(iso: str, end: bool) -> float:
        y = year_of(iso) or 0
        m = regex.match(r"\d{4}-(\d{2})", iso)
        month = int(m.group(1)) if m else (12 if end else 1)
        return y + (month - (0 if end else 1)) / 12

    y0 = min(int(pos(i["from"], False)) for i in items)
    y1 = max(int(pos(i["to"], True) - 1e-9) + 1 for i in items)
    left, right, row_h = 230, 40, 16
    scale = (width - left - right) / max(1, y1 - y0)
    items.sort(key=lambda i: (i["doc"], i["from"], i["to"]))
    bars, y, last_doc = [], 24, None
    for i in items:
        if i["doc"] != last_doc:
            y += 6
            bars.append({"heading": True, "y": y + 12, "label": docs.get(i["doc"], {}).get("label", i["doc"])})
            y += row_h + 2
            last_doc = i["doc"]
        a, b = pos(i["from"], False), pos(i["to"], True)
        x = left + (a - y0) * scale
        bars.append({"heading": False, "y": y, "x": round(x, 1), "w": round(max(3.0, (b - a) * scale), 1),
                     "h": row_h - 4, "label": i["label"][:38], "title": f"{i['label']} → {i['value']} ({i['from']} – {i['to']})",
                     "href": i["href"], "kind": i["kind"]})
        y += row_h
    years = [{"year": yr, "x": round(left + (yr - y0) * scale, 1)} for yr in range(y0, y1 + 1)]
    return {"bars": bars, "years": years, "width": width, "height": y + 10, "n": len(items), "top": 16}


def common_bases(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], top: int = 8) -> list[dict[str, Any]]:
    """Per kind of citing document, the bases cited by most documents of that kind."""
    names = {e["key"]: (e.get("symbol") or e.get("name") or e["key"]) for e in rows(tables.get("registry"))}
    per_kind: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in rows(tables.get("citations")):
        key = c.get("key")
        if not key or str(key).endswith("|?") or c.get("self"):
            continue
        kind = show(docs.get(c.get("doc"), {}).get("kind")) or "(không rõ)"
        per_kind[kind][key].add(c.get("doc"))
    out = []
    for kind, keys in sorted(per_kind.items()):
        n_docs = sum(1 for d in docs.values() if (show(d.get("kind")) or "(không rõ)") == kind)
        ranked = sorted(keys.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0], kv[0])))[:top]
        out.append({"kind": kind, "n_docs": n_docs,
                    "bases": [{"name": names.get(k, k), "anchor": anchor("r", k), "n": len(v)} for k, v in ranked]})
    return out


def bar_chart(items: list[tuple[str, float, str]], width: int = 640, bar: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: (label, value, href) → bars for an inline SVG."""
    top = max([v for _, v, _ in items] or [1]) or 1
    left = 220
    bars = [{"label": label, "value": show(v), "href": href, "y": i * (bar + 6),
             "w": round((width - left - 50) * v / top, 1), "x": left} for i, (label, v, href) in enumerate(items)]
    return {"bars": bars, "width": width, "height": max(1, len(items)) * (bar + 6), "bar": bar}


def overview(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> dict[str, Any]:
    docs = list(_docs(tables).values())
    counts = {k: len(tables[k]) if tables.get(k) is not None else 0
              for k in ("citations", "registry", "targets", "results", "assignments", "deadlines", "bodies", "conflicts")}

    def group(field: str) -> list[tuple[str, int]]:
        return sorted(Counter(show(d.get(field)) or "(không rõ)" for d in docs).items())

    years = Counter(str(year_of(d.get("date")) or "(không rõ)") for d in docs)
    per_year: Counter = Counter()
    for r in rows(tables.get("deadlines")):
        y = year_of(r.get("to")) or year_of(r.get("from")) or year_of(r.get("value"))
        if y:
            per_year[y] += 1
    cites = bar_chart([(d["label"], d.get("n_citations") or 0, d["page"]) for d in docs])
    deadline_chart = bar_chart([(str(y), n, "compare.html#timeline") for y, n in sorted(per_year.items())])
    return {"docs": docs, "counts": counts, "by": {"Tỉnh / province": group("province"), "Cấp / level": group("level"),
                                                    "Loại / kind": group("kind"), "Năm / year": sorted(years.items())},
            "charts": {"citations": cites, "deadlines": deadline_chart}}


def ocr_changes(documents: list[dict[str, Any]], step_names: tuple[str, ...] = ("ocr_slips", "tone_placement")) -> list[dict[str, Any]]:
    """Edits that OCR-fixing normalisation steps made, in raw positions (suspected OCR slips)."""
    from array import array

    from extractors.normalize import DEFAULT_STEPS, _apply

    out = []
    last = max((i for i, s in enumerate(DEFAULT_STEPS) if s.name in step_names), default=-1)
    for d in documents:
        raw = d.get("text") or ""
        text, starts, ends = raw, array("l", range(len(raw))), array("l", range(1, len(raw) + 1))
        for step in DEFAULT_STEPS[: last + 1]:
            edits = list(step.find(text))
            if step.name in step_names:
                for e in edits:
                    if e.end <= e.start:
                        continue
                    lo, hi = starts[e.start], ends[e.end - 1]
                    new = "".join(p if isinstance(p, str) else text[p[0]:p[1]] for p in e.pieces)
                    out.append({"doc": d["doc"], "step": step.name, "start": lo, "end": hi, "raw": raw[lo:hi], "new": new,
                                "context": " ".join(raw[max(0, lo - 50):hi + 50].split()),
                                "href": f"{doc_page(d['doc'])}#o-{lo}"})
            text, starts, ends = _apply(text, starts, ends, edits)
    # OCR slips first: tone placement is house style more often than a scanning error
    return sorted(out, key=lambda o: (o["step"] != "ocr_slips", o["doc"], o["start"]))


def quality(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], inputs: list[dict[str, Any]],
            ocr: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    docs = _docs(tables)
    unresolved = [{"doc": show(c.get("doc")), "text": show(c.get("text")), "status": show(c.get("status")),
                   "reason": show(c.get("reason")), "href": f"{doc_page(c.get('doc'))}#c-{c.get('start')}"}
                  for c in rows(tables.get("citations")) if c.get("status") not in (None, "RESOLVED")]
    missing = [{"doc": d["doc"], "label": docs.get(d["doc"], {}).get("label", d["doc"]), "page": doc_page(d["doc"]),
                "field": METADATA_LABELS.get(k, k), "reason": show(f.get("reason"))}
               for d in documents for k, f in (d.get("metadata") or {}).items()
               if isinstance(f, dict) and f.get("status") == "MISSING"]
    unmatched: dict[str, dict[str, Any]] = {}
    for a in rows(tables.get("assignments")):
        doc = a.get("doc") or a.get("doc_id")
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                if isinstance(item, dict) and item.get("matched") is False:
                    name = show(item.get("text"))
                    u = unmatched.setdefault(name, {"name": name, "docs": set(), "n": 0,
                                                    "href": f"{doc_page(doc)}#a-{a.get('start')}"})
                    u["docs"].add(str(doc))
                    u["n"] += 1
    for u in unmatched.values():
        u["docs"] = sorted(u["docs"])
    issues = [dict(a, href=f"{doc_page(a.get('doc'))}#a-{a.get('start')}")
              for a in rows(tables.get("assignments")) if a.get("issues")]
    failed = [dict(i, message=show((i.get("error") or {}).get("message")) if isinstance(i.get("error"), dict) else show(i.get("error")),
                   code=show((i.get("error") or {}).get("code")) if isinstance(i.get("error"), dict) else "")
              for i in inputs if i.get("status") != "ok"]
    return {"conflicts": _conflicts(tables), "unresolved": unresolved, "missing": missing, "ocr": ocr_changes(documents) if ocr is None else ocr,
            "unmatched": sorted(unmatched.values(), key=lambda u: (-u["n"], u["name"])), "assignment_issues": issues, "failed": failed, "docs": docs}


def bodies_view(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]]) -> dict[str, Any]:
    docs = _docs(tables)
    roles: dict[str, dict[str, Any]] = {}
    for a in rows(tables.get("assignments")):
        doc = a.get("doc") or a.get("doc_id")
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                name = body_name(item)
                if not name:
                    continue
                b = roles.setdefault(name, {"name": name, "anchor": anchor("b", name), "lead": 0, "support": 0,
                                            "family": "", "level": "", "matched": True, "docs": {}, "variants": set()})
                b[role] += 1
                if isinstance(item, dict):
                    b["family"] = b["family"] or show(item.get("family"))
                    b["level"] = b["level"] or show(item.get("level"))
                    b["matched"] = b["matched"] and item.get("matched") is not False
                    if item.get("text"):
                        b["variants"].add(str(item["text"]))
                tasks = b["docs"].setdefault(doc, [])
                if len(tasks) < 6:
                    tasks.append({"task": show(a.get("task"))[:160], "role": "chủ trì" if role == "lead" else "phối hợp",
                                  "href": f"{doc_page(doc)}#a-{a.get('start')}"})
    table = tables.get("bodies")
    listed = []
    for r in rows(table):
        name = show(r.get("canonical") or r.get("body") or r.get("name"))
        listed.append({"name": name, "anchor": anchor("b", name), "cells": [show(v) for v in r.values()]})
    for b in roles.values():
        b["variants"] = sorted(b["variants"])
        b["docs"] = [{"doc": k, "label": docs.get(k, {}).get("label", k), "page": doc_page(k), "tasks": v}
                     for k, v in sorted(b["docs"].items())]
    return {"table": {"columns": [str(c) for c in table.columns] if table is not None else [], "rows": listed},
            "roles": sorted(roles.values(), key=lambda b: (-(b["lead"] + b["support"]), b["name"]))}


def document_view(d: dict[str, Any], cite_keys, conflicts, docs, ocr: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    md = []
    for name, f in (d.get("metadata") or {}).items():
        f = f if isinstance(f, dict) else {"value": f}
        ev = f.get("evidence") or {}
        md.append({"name": name, "label": METADATA_LABELS.get(name, name), "value": show(f.get("value")),
                   "status": show(f.get("status")), "source": show(f.get("source")), "reason": show(f.get("reason")),
                   "evidence": show(ev.get("text")), "href": f"#e-{name}" if ev else ""})
    outline = [{"id": f"s-{s.get('id')}", "label": show(s.get("label")), "title": show(s.get("title")),
                "level": s.get("level") or 1} for s in d.get("sections") or []]
    doc_tables = []
    for t in d.get("tables") or []:
        body = [[show(c.get("value") if isinstance(c, dict) else c) for c in row] for row in t.get("rows") or []]
        doc_tables.append({"id": t.get("id"), "caption": show(t.get("caption")), "section": show(t.get("section")),
                           "columns": [show(c) for c in t.get("columns") or []], "rows": body})
    counts = {k: len(d.get(k) or []) for k in ("citations", "targets", "results", "assignments", "deadlines")}
    spans = document_spans(d, cite_keys, ocr)
    counts["bodies"] = sum(1 for s in spans if s.kind == "body")
    return {"doc": d["doc"], "info": docs.get(d["doc"], {"label": d["doc"]}), "metadata": md, "outline": outline,
            "text": highlight(d.get("text") or "", spans), "tables": doc_tables, "counts": counts,
            "conflicts": [c for c in conflicts if d["doc"] in c["docs"]],
            "footnotes": [{"mark": show(f.get("mark")), "text": show(f.get("body") or f.get("text"))} for f in d.get("footnotes") or []]}


# --- the site ---------------------------------------------------------------------

def environment(templates_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    """The jinja2 environment: user templates first, autoescaped, strict about undefined names."""
    user = templates_dir or os.environ.get("VNPOLICY_TEMPLATES")
    loaders: list[jinja2.BaseLoader] = []
    if user:
        loaders.append(jinja2.FileSystemLoader(str(user)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(KINDS=HIGHLIGHT_KINDS, doc_page=doc_page, anchor=anchor)
    env.filters["show"] = show
    return env


def site_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out: Path, inputs) -> None:
    """Output stage: ``out/site/``."""
    render_site(tables, documents, Path(out) / "site", list(inputs or []))


def render_site(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], site: str | os.PathLike[str],
                inputs: list[dict[str, Any]] | None = None, templates_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Render every page (all in memory first, so a template error writes nothing), then write each atomically."""
    site = Path(site)
    inputs = inputs or []
    env = environment(templates_dir)
    docs = _docs(tables)
    nav = [("index.html", "Tổng quan"), ("citations.html", "Trích dẫn"), ("compare.html", "So sánh"),
           ("bodies.html", "Cơ quan"), ("quality.html", "Chất lượng")]
    common = {"nav": nav, "documents": list(docs.values()), "generated": pd.Timestamp.now().strftime("%Y-%m-%d %H:%M")}
    pages: dict[str, str] = {}

    def page(name: str, template: str, **ctx: Any) -> None:
        pages[name] = env.get_template(template).render(page=name, **common, **ctx)

    page("index.html", "index.html", view=overview(tables, documents))
    page("citations.html", "citations.html", view=citation_index(tables, documents))
    page("compare.html", "compare.html", view=comparison(tables, documents))
    ocr = ocr_changes(documents)
    page("quality.html", "quality.html", view=quality(tables, documents, inputs, ocr))
    page("bodies.html", "bodies.html", view=bodies_view(tables, documents))
    cite_keys = {(c.get("doc"), c.get("start")): c for c in rows(tables.get("citations"))}
    conflicts = _conflicts(tables)
    for d in documents:
        view = document_view(d, cite_keys, conflicts, docs, [o for o in ocr if o["doc"] == d["doc"]])
        page(doc_page(d["doc"]), "document.html", view=view)
    for name in STATIC_FILES:
        pages[name] = env.get_template(name).render()
    written = []
    for name, html in pages.items():
        atomic_write_text(site / name, html)
        written.append(site / name)
    return written
