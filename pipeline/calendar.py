"""calendar: deadlines as an iCalendar file (``vnpolicy calendar``).

* a dated deadline is an all-day VEVENT: the day it falls due for ``by``
  (the end of its interval), else its whole interval;
* a recurrence is a VEVENT with an RRULE (yearly → ``FREQ=YEARLY``,
  semiannual → ``FREQ=MONTHLY;INTERVAL=6``, quarterly → ``INTERVAL=3``,
  monthly, weekly), one per frequency of a compound ("semiannual;yearly")
  and one per anchor of a yearly one; it starts on its anchor dates in the
  first year of the document's period (or of its date) and ends with the
  period;
* UIDs hash the document, the raw span and the value, so re-exports of the
  same corpus update events instead of duplicating them.

A recurrence with no year to start from (no anchor year, no document period
or date) is left out: a calendar program cannot place it.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from icalendar import Calendar, Event, vRecur

RRULES: dict[str, dict[str, Any]] = {
    "yearly": {"freq": "yearly"},
    "semiannual": {"freq": "monthly", "interval": 6},
    "quarterly": {"freq": "monthly", "interval": 3},
    "monthly": {"freq": "monthly"},
    "weekly": {"freq": "weekly"},
}


def _blank(v: Any) -> Any:
    # pandas gives NaN for an empty cell
    return "" if v is None or (isinstance(v, float) and v != v) else v


def _as_dict(d: Any) -> dict[str, Any]:
    d = d if isinstance(d, Mapping) else d.to_dict()
    out = {k: _blank(v) for k, v in d.items()}
    if not out.get("doc_id"):  # corpus tables name it "doc"
        out["doc_id"] = out.get("doc", "")
    if isinstance(out.get("anchors"), str):  # a table cell: "--06-15; --12-15"
        out["anchors"] = [a.strip() for a in out["anchors"].replace(",", ";").split(";") if a.strip()]
    return out


def _doc_info(documents: Mapping[str, Any], doc_id: str) -> dict[str, Any]:
    """``documents[doc_id]`` is a title, or a mapping with title / date / period_start / period_end."""
    info = documents.get(doc_id, "")
    if isinstance(info, str):
        return {"title": info}
    return {k: _blank(v) for k, v in dict(info).items()}


def _day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _uid(*parts: Any) -> str:
    h = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]
    return f"{h}@vnpolicy"


def _start_year(info: dict[str, Any]) -> int | None:
    for key in ("period_start", "date"):
        v = info.get(key)
        if v:
            try:
                return int(str(v)[:4])
            except ValueError:
                continue
    return None


def _anchor_dates(anchors: Iterable[str], year: int) -> list[date]:
    """``--06-15`` → 15 June, ``--06`` → 1 June, ``---25`` → 25 January of ``year``."""
    out = []
    for a in anchors:
        try:
            if a.startswith("---"):
                out.append(date(year, 1, int(a[3:5])))
            elif a.startswith("--") and len(a) >= 7:
                out.append(date(year, int(a[2:4]), int(a[5:7])))
            elif a.startswith("--"):
                out.append(date(year, int(a[2:4]), 1))
        except ValueError:
            continue
    return out


def _event(uid: str, start: date, end: date, summary: str, description: str) -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("summary", summary)
    ev.add("description", description)
    ev.add("transp", "TRANSPARENT")
    return ev


def to_ics(deadlines: Iterable[Any], documents: Mapping[str, Any], *, stamp: datetime | None = None) -> bytes:
    """An iCalendar file of ``deadlines`` (Deadline records or their ``to_dict()``).

    >>> from icalendar import Calendar
    >>> d = {"doc_id": "x", "text": "trước ngày 20/12/2025", "start": 0, "end": 21, "kind": "date",
    ...      "value": "2025-12-20", "from": "2025-12-20", "to": "2025-12-20", "modifier": "by",
    ...      "recurrence": "", "anchors": [], "label": "", "section": "", "source": "prose"}
    >>> cal = Calendar.from_ical(to_ics([d], {"x": "Đề án 02"}))
    >>> [str(e["summary"]) for e in cal.walk("VEVENT")]
    ['Hạn: Đề án 02 — trước ngày 20/12/2025']
    """
    stamp = stamp or datetime.now(timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//vnpolicy//deadlines//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "vnpolicy deadlines")
    seen: set[str] = set()
    for raw in deadlines:
        d = _as_dict(raw)
        info = _doc_info(documents, d["doc_id"])
        title = info.get("title") or d["doc_id"]
        what = d.get("task") or title
        head = {"by": "Hạn", "from": "Bắt đầu"}.get(d.get("modifier", ""), d.get("label") or "Thời gian")
        summary = f"{head}: {what} — {d['text']}"
        description = "\n".join(
            x for x in (d["text"], f"{d['kind']} {d['value']}", d.get("section", ""), f"{d['doc_id']} [{d['start']}:{d['end']}]") if x
        )
        events: list[Event] = []
        if d.get("recurrence"):
            year = _start_year(info)
            anchors = list(d.get("anchors") or [])
            until = info.get("period_end")
            for freq in d["recurrence"].split(";"):
                rule = RRULES.get(freq)
                if rule is None or year is None:
                    continue
                starts = _anchor_dates(anchors, year) if anchors else [date(year, 1, 1)]
                if freq != "yearly" and len(starts) > 1:
                    starts = starts[:1]  # "15/6 và 15/12" every 6 months: one series
                for i, start in enumerate(starts):
                    ev = _event(_uid(d["doc_id"], d["start"], d["end"], freq, i), start, start + timedelta(days=1),
                                f"{summary} ({freq})", description)
                    rrule = dict(rule)
                    if until:
                        rrule["until"] = date(int(until), 12, 31)
                    ev.add("rrule", vRecur(rrule))
                    events.append(ev)
        else:
            lo, hi = _day(d.get("from", "")), _day(d.get("to", ""))
            if lo and hi:
                start = hi if d.get("modifier") == "by" else lo
                events.append(_event(_uid(d["doc_id"], d["start"], d["end"], d["value"]), start, hi + timedelta(days=1),
                                     summary, description))
        for ev in events:
            uid = str(ev["uid"])
            if uid in seen:
                continue
            seen.add(uid)
            ev.add("dtstamp", stamp)
            cal.add_component(ev)
    return cal.to_ical()


def document_info(documents_table) -> dict[str, dict[str, Any]]:
    """``doc → {title, date, period_start, period_end}`` from the corpus ``documents`` table."""
    cols = [c for c in ("title", "date", "period_start", "period_end") if c in documents_table.columns]
    return {row["doc"]: {c: row[c] for c in cols} for row in documents_table.to_dict("records")}


def calendar_stage(tables: dict[str, Any], documents: list[dict[str, Any]], out, inputs) -> None:
    """Output stage: ``out/calendar.ics``."""
    from pathlib import Path

    from .store import atomic_write_bytes

    deadlines = tables.get("deadlines")
    if deadlines is None or "documents" not in tables:
        return
    atomic_write_bytes(Path(out) / "calendar.ics", to_ics(deadlines.to_dict("records"), document_info(tables["documents"])))
