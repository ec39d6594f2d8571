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
import io
from datetime import date, datetime, timedelta, timezone
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping

from icalendar import Calendar, Event, vRecur, vText

from .store import json_value, records

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
    if isinstance(out.get("anchors"), str):  # a table cell: JSON text, or "--06-15; --12-15" typed by hand
        anchors = json_value(out["anchors"])
        out["anchors"] = anchors if isinstance(anchors, list) else \
            [a.strip() for a in anchors.replace(",", ";").split(";") if a.strip()]
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
    """One event as an icalendar ``Event`` (what :func:`to_ics` writes, for callers that want objects)."""
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("summary", summary)
    ev.add("description", description)
    ev.add("transp", "TRANSPARENT")
    return ev


def _fold(line: str, limit: int = 75) -> bytes:
    """``icalendar``'s line folding (RFC 5545: at most 74 octets a line, never inside a UTF-8 character
    nor right after a backslash escape), on the encoded line at once instead of character by character."""
    b = line.encode("utf-8")
    size = limit - 1
    if len(b) <= size:
        return b
    parts = []
    pos, n = 0, len(b)
    while n - pos > size:
        end = pos + size
        while b[end] & 0xC0 == 0x80:  # do not split a character
            end -= 1
        # icalendar keeps an escape's backslash (or ^) with what it escapes, unless it is alone on its line
        if b[end - 1] in (0x5C, 0x5E) and end - 1 > pos:
            end -= 1
        parts.append(b[pos:end])
        pos = end
    parts.append(b[pos:])
    return b"\r\n ".join(parts)


def _date(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _text(value: str) -> str:
    return vText(value).to_ical().decode("utf-8")


class _Writer:
    """Serialises events exactly as ``icalendar`` does, without building a component per event.

    Properties come in icalendar's canonical order for a VEVENT (SUMMARY,
    DTSTART, DTEND, DTSTAMP, UID, RRULE, then the rest alphabetically);
    values are escaped by icalendar itself; lines are folded as icalendar folds them.
    """

    def __init__(self, stamp: datetime, write: Callable[[bytes], Any]) -> None:
        self.write = write
        probe = Event()
        probe.add("dtstamp", stamp)
        self.dtstamp = probe.to_ical().decode("utf-8").split("\r\n")[1]  # icalendar's own DTSTAMP line
        self.rrules: dict[tuple, str] = {}

    def rrule(self, rule: dict[str, Any]) -> str:
        key = tuple(sorted((k, str(v)) for k, v in rule.items()))
        line = self.rrules.get(key)
        if line is None:
            line = self.rrules[key] = vRecur(rule).to_ical().decode("utf-8")
        return line

    def add(self, uid: str, start: date, end: date, summary: str, description: str, rrule: str | None) -> None:
        lines = [
            b"BEGIN:VEVENT",
            _fold(f"SUMMARY:{_text(summary)}"),
            f"DTSTART;VALUE=DATE:{_date(start)}\r\nDTEND;VALUE=DATE:{_date(end)}\r\n{self.dtstamp}".encode("utf-8"),
            _fold(f"UID:{_text(uid)}"),
        ]
        if rrule is not None:
            lines.append(_fold(f"RRULE:{rrule}"))
        lines.append(_fold(f"DESCRIPTION:{_text(description)}"))
        lines.append(b"TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n")
        self.write(b"\r\n".join(lines))


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
    out = io.BytesIO()
    write_ics(out, deadlines, documents, stamp=stamp)
    return out.getvalue()


def write_ics(f: BinaryIO, deadlines: Iterable[Any], documents: Mapping[str, Any], *,
              stamp: datetime | None = None) -> None:
    """:func:`to_ics` into the binary file ``f``, an event at a time (a national corpus's
    calendar is hundreds of MB: built in memory, it was held twice)."""
    stamp = stamp or datetime.now(timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//vnpolicy//deadlines//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "vnpolicy deadlines")
    head = cal.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert head.endswith(tail)
    f.write(head[: -len(tail)])
    writer = _Writer(stamp, f.write)
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
        # (uid, start, end, summary, rrule line or None)
        events: list[tuple[str, date, date, str, str | None]] = []
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
                    rrule = dict(rule)
                    if until:
                        rrule["until"] = date(int(until), 12, 31)
                    events.append((_uid(d["doc_id"], d["start"], d["end"], freq, i), start, start + timedelta(days=1),
                                   f"{summary} ({freq})", writer.rrule(rrule)))
        else:
            lo, hi = _day(d.get("from", "")), _day(d.get("to", ""))
            if lo and hi:
                start = hi if d.get("modifier") == "by" else lo
                events.append((_uid(d["doc_id"], d["start"], d["end"], d["value"]), start, hi + timedelta(days=1),
                               summary, None))
        for uid, start, end, text, rrule in events:
            if uid in seen:
                continue
            seen.add(uid)
            writer.add(uid, start, end, text, description, rrule)
    f.write(tail)


def document_info(documents_table) -> dict[str, dict[str, Any]]:
    """``doc → {title, date, period_start, period_end}`` from the corpus ``documents`` table."""
    cols = [c for c in ("title", "date", "period_start", "period_end") if c in documents_table.columns]
    if "doc" not in documents_table.columns:
        return {row["doc"]: {} for row in documents_table.to_dict("records")}  # raises KeyError as before
    values = [documents_table[c].tolist() for c in cols]
    return {doc: dict(zip(cols, row)) for doc, *row in zip(documents_table["doc"].tolist(), *values)}


def calendar_stage(tables: dict[str, Any], documents: list[dict[str, Any]], out, inputs) -> None:
    """Output stage: ``out/calendar.ics``."""
    from pathlib import Path

    from .store import atomic_write
    from .tablestore import frames_of

    if "deadlines" not in tables or "documents" not in tables:
        return
    info = document_info(tables["documents"])
    deadlines = (row for frame in frames_of(tables, "deadlines") for row in _records(frame))
    atomic_write(Path(out) / "calendar.ics", lambda f: write_ics(f, deadlines, info))


def _records(df, rows: int = 20_000) -> Iterator[dict[str, Any]]:
    """The rows of ``df`` as dicts, a slice at a time (a national corpus has hundreds of thousands)."""
    for lo in range(0, len(df), rows):
        yield from records(df.iloc[lo:lo + rows])
