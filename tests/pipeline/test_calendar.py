"""The .ics export of the corpus's deadlines parses back and holds the recurrences."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from extractors.deadlines import find_deadlines
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment
from pipeline.calendar import to_ics

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    deadlines, info = [], {}
    for path in sorted((ROOT / "corpora").glob("*.txt")):
        r = ingest(path)
        doc = segment(r.doc_id, normalize(r.raw))
        deadlines.extend(find_deadlines(doc))
        md = doc.metadata
        info[r.doc_id] = {"title": md.title.value or r.doc_id, "date": md.date.value,
                          "period_start": md.period_start.value, "period_end": md.period_end.value}
    return deadlines, info


def test_corpus_calendar_parses_back_with_recurrences(corpus):
    deadlines, info = corpus
    cal = Calendar.from_ical(to_ics(deadlines, info))
    events = cal.walk("VEVENT")
    rules = [e["RRULE"] for e in events if "RRULE" in e]
    dated = [d for d in deadlines if d.to]
    assert len(events) >= len(dated)
    assert rules, "no recurrence exported"
    freqs = {(r["FREQ"][0], (r.get("INTERVAL") or [1])[0]) for r in rules}
    assert {("YEARLY", 1), ("MONTHLY", 6), ("MONTHLY", 3), ("MONTHLY", 1)} <= freqs
    assert len({str(e["UID"]) for e in events}) == len(events)
    print(f"\ncalendar: {len(events)} events, {len(rules)} with RRULE, from {len(deadlines)} deadlines")


def test_uids_are_stable(corpus):
    deadlines, info = corpus
    uids = lambda: [str(e["UID"]) for e in Calendar.from_ical(to_ics(deadlines, info)).walk("VEVENT")]
    assert uids() == uids()


def test_by_deadline_is_one_day_and_anchored_recurrence_starts_on_its_anchor():
    base = {"doc_id": "x", "start": 0, "end": 5, "label": "", "section": "", "source": "prose"}
    by = {**base, "text": "trước Quý IV/2026", "kind": "quarter", "value": "2026-Q4", "from": "2026-10-01",
          "to": "2026-12-31", "modifier": "by", "recurrence": "", "anchors": []}
    rec = {**base, "start": 9, "text": "trước ngày 15/6 và ngày 15/12 hằng năm", "kind": "recurrence",
           "value": "semiannual", "from": "", "to": "", "modifier": "by", "recurrence": "semiannual",
           "anchors": ["--06-15", "--12-15"]}
    cal = Calendar.from_ical(to_ics([by, rec], {"x": {"title": "Đề án", "period_start": 2021, "period_end": 2025}}))
    ev = {str(e["DESCRIPTION"]).split("\n")[0]: e for e in cal.walk("VEVENT")}
    q = ev["trước Quý IV/2026"]
    assert q["DTSTART"].dt == date(2026, 12, 31) and q["DTEND"].dt == date(2027, 1, 1)
    r = ev["trước ngày 15/6 và ngày 15/12 hằng năm"]
    assert r["DTSTART"].dt == date(2021, 6, 15)
    assert r["RRULE"]["FREQ"] == ["MONTHLY"] and r["RRULE"]["INTERVAL"] == [6]
    assert r["RRULE"]["UNTIL"][0] == date(2025, 12, 31)


def test_accepts_table_rows_with_blank_cells():
    row = {"doc": "x", "doc_id": float("nan"), "text": "hằng năm", "start": 1, "end": 9, "kind": "recurrence",
           "value": "yearly", "from": float("nan"), "to": float("nan"), "modifier": "in", "recurrence": "yearly",
           "anchors": float("nan"), "label": float("nan"), "section": "", "source": "prose"}
    cal = Calendar.from_ical(to_ics([row], {"x": {"title": "KH", "date": "2024-02-26"}}))
    (e,) = cal.walk("VEVENT")
    assert e["DTSTART"].dt == date(2024, 1, 1) and e["RRULE"]["FREQ"] == ["YEARLY"]
