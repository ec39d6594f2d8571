"""The corpus commands of the CLI: citations, compare, calendar (run is covered by test_runner)."""
from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

CORPUS = Path(__file__).resolve().parents[2] / "corpora"


def test_citations_compare_and_calendar_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("VNPOLICY_OUT", str(tmp_path / "out"))
    runner = CliRunner()
    cited = runner.invoke(app, ["citations", str(CORPUS), "--top", "60"])
    assert cited.exit_code == 0, cited.output
    assert "217-QĐ/TW" in cited.output and "62-KL/TW" in cited.output

    compared = runner.invoke(app, ["compare", str(CORPUS), "--topic", "giám sát"])
    assert compared.exit_code == 0, compared.output
    assert "Thái Nguyên" in compared.output and ("Hải Phòng" in compared.output or "Kẻ Sặt" in compared.output)

    ics = tmp_path / "deadlines.ics"
    cal = runner.invoke(app, ["calendar", str(CORPUS), "--out", str(ics)])
    assert cal.exit_code == 0, cal.output
    data = ics.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR") and b"RRULE:" in data
