"""check: review a new draft against a corpus built by ``vnpolicy run``.

The draft goes through the same per-document stages; its citations are keyed
with the corpus's (``crossref``) and compared with what the corpus states;
its bases, targets, assignments and deadlines are compared with its peers.
Each finding carries the draft's raw offsets and, where relevant, the corpus
evidence.  Findings are *defects* (something is wrong or missing) or
*suggestions* (what peers do that the draft does not).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from extractors.errors import VnPolicyError
from extractors.ingest import ingest

from .analyse import document_from_raw, document_json, extract_records
from .compare import unit_family
from .corpus import build_tables
from .crossref import crossref, records
from .store import json_value

DRAFT = "__draft__"
# A target this far under the peers' median is called out.
FAR_BELOW = 0.5


@dataclass
class Finding:
    type: str
    severity: str  # "defect" | "suggestion" | "info"
    message: str
    start: int | None = None
    end: int | None = None
    text: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Report:
    draft: str
    metadata: dict[str, Any]
    missing_metadata: list[str]
    findings: list[Finding]
    draft_json: dict[str, Any]

    def defects(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "defect"]

    def to_dict(self) -> dict[str, Any]:
        return {"draft": self.draft, "metadata": self.metadata, "missing_metadata": self.missing_metadata,
                "findings": [f.to_dict() for f in self.findings]}


def load_corpus(corpus: str | Path) -> dict[str, pd.DataFrame]:
    tables_dir = Path(corpus) / "tables"
    if not tables_dir.exists():
        raise VnPolicyError("E030", str(tables_dir))
    return {p.stem: pd.read_parquet(p) for p in tables_dir.glob("*.parquet")}


def review(draft_json: dict[str, Any], corpus: dict[str, pd.DataFrame], exclude: str | None = None) -> Report:
    """Findings for one analysed draft against corpus tables (``exclude`` drops a corpus document: leave-one-out)."""
    docs_t = corpus["documents"]
    cits_t = corpus.get("citations", pd.DataFrame())
    if exclude is not None:
        docs_t = docs_t[docs_t["doc"] != exclude]
        cits_t = cits_t[cits_t["doc"] != exclude] if not cits_t.empty else cits_t
    draft_tables = build_tables([draft_json])
    meta = {k: (v or {}).get("value") for k, v in (draft_json.get("metadata") or {}).items()}
    missing = [k for k in ("kind", "symbol", "date", "province", "period_start", "period_end", "title", "issuer")
               if meta.get(k) in (None, "", [])]
    findings: list[Finding] = []
    findings += _check_citations(draft_tables, docs_t, cits_t, meta)
    findings += _missing_bases(draft_tables, docs_t, cits_t, meta)
    findings += _benchmark_targets(draft_tables, corpus.get("targets", pd.DataFrame()), exclude)
    findings += _check_assignments(draft_json, meta)
    return Report(draft_json["doc"], meta, missing, findings, draft_json)


# --- citations ---------------------------------------------------------------

RE_WRITTEN_SYMBOL = re.compile(r"\d+\s*(?:[-–—/]\s*[\w&]+){1,6}")


def _written_symbol(text: str, symbol: str) -> str:
    """The symbol as the draft writes it (for a malformed-symbol finding)."""
    number = re.match(r"\d+", symbol)
    for m in RE_WRITTEN_SYMBOL.finditer(text):
        if number and m.group().startswith(number.group()):
            return m.group()
    return symbol


def _check_citations(draft_tables, docs_t, cits_t, meta) -> list[Finding]:
    dcits = draft_tables["citations"]
    if dcits.empty:
        return []
    dcits = dcits.assign(doc=DRAFT)
    draft_doc = pd.DataFrame([{"doc": DRAFT, **{k: meta.get(k) for k in ("province", "commune", "level", "symbol", "date", "kind")}}])
    keyed = crossref(pd.concat([cits_t, dcits], ignore_index=True), pd.concat([docs_t, draft_doc], ignore_index=True))
    registry = {r["key"]: r for r in records(keyed.registry)}
    corpus_rows = [r for r in records(keyed.citations) if r["doc"] != DRAFT]
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_symbol: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in corpus_rows:
        by_key[r["key"]].append(r)
        if r.get("symbol"):
            by_symbol[r["symbol"]].append(r)
    out: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()  # one finding per (type, cited document, value)
    draft_dates: dict[str, set[str]] = defaultdict(set)
    for c in (r for r in records(keyed.citations) if r["doc"] == DRAFT):
        span = dict(start=c["start"], end=c["end"], text=c["text"])
        if c.get("self"):
            continue
        sym = c.get("symbol") or ""
        if sym:
            written = _written_symbol(c["text"], sym)
            if written.replace(" ", "") != sym or re.search(r"\s", written):
                out.append(Finding("malformed_symbol", "defect", f"«{written}» should be written «{sym}»", **span))
            if c.get("date"):
                draft_dates[c["key"]].add(c["date"])
        peers = by_key.get(c["key"], [])
        if not peers:
            if sym:
                other = [r for r in by_symbol.get(sym, []) if r["jurisdiction"] != c["jurisdiction"] and not r["national"]]
                if other and not c["national"]:
                    places = sorted({r["jurisdiction"] for r in other})
                    out.append(Finding("foreign_local_symbol", "defect",
                                       f"{sym} is known in the corpus as a document of {', '.join(places)}, not of {c['jurisdiction'] or 'the draft’s jurisdiction'}",
                                       evidence=_evidence(other), **span))
                else:
                    out.append(Finding("unknown_reference", "info", f"{sym} is not cited anywhere in the corpus", **span))
            continue
        dates = Counter(r["date"] for r in peers if r.get("date"))
        date_docs = defaultdict(set)
        for r in peers:
            if r.get("date"):
                date_docs[r["date"]].add(r["doc"])
        if c.get("date") and dates and c["date"] not in dates and ("date", c["key"], c["date"]) not in seen:
            seen.add(("date", c["key"], c["date"]))
            stated = ", ".join(f"{d} ({len(date_docs[d])} document{'s' if len(date_docs[d]) > 1 else ''}, {n} mention{'s' if n > 1 else ''})"
                               for d, n in dates.most_common())
            out.append(Finding("date_differs", "defect", f"{sym or c.get('name')}: the draft says {c['date']}, the corpus says {stated}",
                               evidence=_evidence([r for r in peers if r.get("date")]), **span))
        kinds = Counter(r["kind"] for r in peers if r.get("kind"))
        if c.get("kind") and kinds and c["kind"] not in kinds and ("kind", c["key"], c["kind"]) not in seen:
            seen.add(("kind", c["key"], c["kind"]))
            out.append(Finding("kind_differs", "defect", f"{sym}: cited as {c['kind']}, the corpus cites it as {kinds.most_common(1)[0][0]}",
                               evidence=_evidence(peers), **span))
        entry = registry.get(c["key"])
        if entry and c.get("issuer") and entry.get("issuer"):
            from .crossref import _compatible_issuers

            issuers = Counter(r["issuer"] for r in peers if r.get("issuer"))
            if issuers and not any(_compatible_issuers(c["issuer"], i) for i in issuers) and ("issuer", c["key"], c["issuer"]) not in seen:
                seen.add(("issuer", c["key"], c["issuer"]))
                out.append(Finding("issuer_differs", "defect", f"{sym}: issued by {c['issuer']}? the corpus says {issuers.most_common(1)[0][0]}",
                                   evidence=_evidence(peers), **span))
        if c.get("date") and meta.get("date") and c["date"] > meta["date"]:
            out.append(Finding("date_after_draft", "defect", f"{sym}: dated {c['date']}, after the draft itself ({meta['date']})", **span))
        year = re.match(r"^\d+/(\d{4})/", sym)
        if year and c.get("date") and not c["date"].startswith(year.group(1)):
            out.append(Finding("year_mismatch", "defect", f"{sym}: the symbol says {year.group(1)}, the date says {c['date'][:4]}", **span))
    for key, dates in draft_dates.items():
        if len(dates) > 1:
            sym = key.split("|")[1]
            out.append(Finding("two_dates_in_draft", "defect", f"{sym} is given {len(dates)} dates in the draft: {', '.join(sorted(dates))}"))
    return out


def _evidence(rows: list[dict[str, Any]], limit: int = 6) -> list[dict[str, Any]]:
    return [{"doc": r["doc"], "start": r.get("start"), "end": r.get("end"), "date": r.get("date"),
             "context": r.get("context", "")} for r in rows[:limit]]


# --- missing bases -----------------------------------------------------------

def _missing_bases(draft_tables, docs_t, cits_t, meta) -> list[Finding]:
    if cits_t.empty or "key" not in cits_t.columns:
        return []
    kind = meta.get("kind")
    peers = set(docs_t[docs_t["kind"] == kind]["doc"]) if kind else set()
    if len(peers) < 2:
        peers = set(docs_t["doc"])
    bases = cits_t[cits_t["doc"].isin(peers) & (cits_t["role"] == "căn cứ") & cits_t["national"].astype(bool)]
    if bases.empty:
        return []
    draft_syms = set(draft_tables["citations"].get("symbol", pd.Series(dtype=str)).dropna())
    draft_names = set(draft_tables["citations"].get("name", pd.Series(dtype=str)).dropna())
    out = []
    grouped = bases.groupby("key")
    ranked = sorted(grouped, key=lambda kv: -kv[1]["doc"].nunique())
    for key, rows in ranked:
        n = rows["doc"].nunique()
        sym = rows["symbol"].dropna().iloc[0] if rows["symbol"].notna().any() else ""
        name = rows["name"].dropna().iloc[0] if "name" in rows and rows["name"].notna().any() else ""
        if (sym and sym in draft_syms) or (not sym and name in draft_names):
            continue
        kind_s = rows["kind"].dropna().iloc[0] if rows["kind"].notna().any() else ""
        label = f"{kind_s} {sym}".strip() if sym else name
        out.append(Finding("missing_basis", "suggestion", f"{label} is cited as a basis by {n} peer document{'s' if n > 1 else ''} and not by the draft".strip(),
                           evidence=_evidence(records(rows.drop_duplicates("doc")))))
    return out


# --- targets -----------------------------------------------------------------

def _benchmark_targets(draft_tables, targets_t, exclude) -> list[Finding]:
    dt = draft_tables["targets"]
    if dt.empty or targets_t.empty:
        return []
    if exclude is not None:
        targets_t = targets_t[targets_t["doc"] != exclude]
    peers = records(targets_t)
    for p in peers:
        p["topics"] = json_value(p.get("topics")) or []
    out = []
    for t in records(dt):
        span = dict(start=t["start"], end=t["end"], text=t["text"])
        if not t.get("unit"):
            out.append(Finding("target_without_unit", "info", "target without a unit", **span))
        if not t.get("deadline") and not t.get("frequency"):
            out.append(Finding("target_without_deadline", "info", "target without a deadline or frequency", **span))
        topics = set(json_value(t.get("topics")) or []) - {"khác"}
        same = [p for p in peers if topics & set(p["topics"]) and unit_family(p.get("unit") or "") == unit_family(t.get("unit") or "")
                and (p.get("level") or "") == (t.get("level") or "") and (p.get("frequency") or "") == (t.get("frequency") or "")]
        if not same:
            continue
        values = [float(p["value_min"]) for p in same]
        med = statistics.median(values)
        msg = (f"{t['text'][:60]}: {t.get('comparator')} {t.get('value_min'):g} {t.get('unit')} — peers min {min(values):g}, "
               f"median {med:g}, max {max(values):g} ({len(same)} targets in {len({p['doc'] for p in same})} documents)")
        below = med > 0 and float(t["value_min"]) < FAR_BELOW * med
        out.append(Finding("target_far_below_peers" if below else "target_benchmark", "defect" if below else "info", msg,
                           evidence=[{"doc": p["doc"], "start": p["start"], "end": p["end"], "date": None, "context": p["text"]} for p in same[:8]], **span))
    return out


# --- assignments and deadlines -----------------------------------------------

def _check_assignments(draft_json, meta) -> list[Finding]:
    out = []
    p0, p1 = meta.get("period_start"), meta.get("period_end")
    for a in draft_json.get("assignments") or []:
        text = a.get("text") or a.get("task") or ""
        span = dict(start=a.get("start"), end=a.get("end"), text=text[:200])
        if not a.get("lead"):
            # a table row with an empty lead cell is a defect; prose often leaves the lead implicit
            severity = "defect" if a.get("source") in ("table", "label") else "info"
            out.append(Finding("task_without_lead", severity, "task without a lead body (chủ trì)", **span))
        if not a.get("due") and a.get("source") == "table":
            out.append(Finding("task_without_deadline", "info", "task without a deadline", **span))
    for d in draft_json.get("deadlines") or []:
        if p0 and p1 and d.get("to") and d.get("from"):
            y0, y1 = int(str(d["from"])[:4]), int(str(d["to"])[:4])
            if y1 < int(p0) - 1 or y0 > int(p1):
                out.append(Finding("deadline_outside_period", "defect",
                                   f"{d['text']} falls outside the draft's period {p0}–{p1}", start=d["start"], end=d["end"], text=d["text"]))
    return out


# --- entry point -------------------------------------------------------------

def check_draft(draft: str | Path, corpus: str | Path = "outputs", out: str | Path | None = None) -> str:
    """Check a draft file; writes report.html, report.md, report.json and deadlines.ics; returns a terminal summary."""
    from .render_check import write_report

    corpus_tables = load_corpus(corpus)
    raw = ingest(draft, doc_id=Path(draft).name)
    doc, _ = document_from_raw(raw)
    draft_json = document_json(raw, doc, extract_records(doc))
    report = review(draft_json, corpus_tables)
    out_dir = Path(out) if out else Path(corpus) / "check" / Path(draft).stem
    write_report(report, out_dir)
    return summary(report, out_dir)


def summary(report: Report, out_dir: Path | None = None) -> str:
    counts = Counter(f.type for f in report.findings if f.severity != "info")
    lines = [f"Draft {report.draft}: {len(report.defects())} defects, "
             f"{sum(f.severity == 'suggestion' for f in report.findings)} suggestions"]
    if report.missing_metadata:
        lines.append("  missing metadata: " + ", ".join(report.missing_metadata))
    for t, n in counts.most_common():
        lines.append(f"  {t}: {n}")
    for f in report.defects()[:15]:
        where = f" @{f.start}" if f.start is not None else ""
        lines.append(f"  - {f.message}{where}")
    if out_dir:
        lines.append(f"Report: {out_dir / 'report.html'}")
    return "\n".join(lines)
