"""Drafting check (issue 7): drafts built from corpus documents with seeded defects.

Each draft is checked leave-one-out (its source document removed from the
corpus), and its defects are compared with those of the unmodified document:
the difference must be exactly the seeded defect.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.analyse import document_from_raw, document_json, extract_records
from pipeline.check import check_draft, review
from extractors.ingest import ingest

CORPUS = Path(__file__).resolve().parents[2] / "corpora"
D000, D001, D002, D003, D004 = (
    "000_94cb52fd90785ff2.txt", "001_03820004599efee5.txt", "002_e2032705030b4b05.txt",
    "003_16b5c5773c00c84f.txt", "004_ec767b8f8ee3764e.txt")


def analyse_text_file(tmp_path: Path, name: str, text: str) -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    raw = ingest(path, doc_id=name)
    doc, _ = document_from_raw(raw)
    return document_json(raw, doc, extract_records(doc))


def defects(draft_json, corpus_tables, exclude):
    return {(f.type, f.message) for f in review(draft_json, corpus_tables, exclude=exclude).defects()}


def seeded(tmp_path, corpus_tables, source: str, edit) -> tuple[set, set, dict]:
    original = (CORPUS / source).read_text(encoding="utf-8")
    changed = edit(original)
    assert changed != original, "the seeded edit must change the draft"
    before = defects(analyse_text_file(tmp_path, source, original), corpus_tables, source)
    draft = analyse_text_file(tmp_path, "draft_" + source, changed)
    report = review(draft, corpus_tables, exclude=source)
    after = {(f.type, f.message) for f in report.defects()}
    return after - before, before - after, draft


def test_wrong_date_on_a_well_known_reference(tmp_path, corpus_tables):
    new, gone, _ = seeded(tmp_path, corpus_tables, D003,
                          lambda t: t.replace("217-QĐ/TW ngày 12/12/2013", "217-QĐ/TW ngày 12/12/2014"))
    assert {t for t, _ in new} == {"date_differs"}
    (_, message), = new
    assert "217-QĐ/TW" in message and "2014-12-12" in message and "2013-12-12" in message
    assert not gone


def test_malformed_symbol_gets_its_correct_form(tmp_path, corpus_tables):
    new, gone, _ = seeded(tmp_path, corpus_tables, D003, lambda t: t.replace("218-QĐ/TW", "218 - QĐ-TW"))
    assert {t for t, _ in new} == {"malformed_symbol"}
    assert all("218-QĐ/TW" in m for _, m in new)
    assert not gone


def test_deleted_basis_that_peers_cite_is_suggested(tmp_path, corpus_tables):
    def drop_217(text):
        return "\n".join(line for line in text.split("\n") if "217-QĐ/TW" not in line)

    source = D003
    original = (CORPUS / source).read_text(encoding="utf-8")
    draft = analyse_text_file(tmp_path, "draft.txt", drop_217(original))
    report = review(draft, corpus_tables, exclude=source)
    missing = [f for f in report.findings if f.type == "missing_basis"]
    assert any("217-QĐ/TW" in f.message for f in missing)
    before = review(analyse_text_file(tmp_path, source, original), corpus_tables, exclude=source)
    assert not any("217-QĐ/TW" in f.message for f in before.findings if f.type == "missing_basis")
    assert {(f.type, f.message) for f in report.defects()} <= {(f.type, f.message) for f in before.defects()}


def test_target_lowered_far_below_peers(tmp_path, corpus_tables):
    # Kè Sắt's yearly commune supervision target, lowered from 03 to 01 (peers: Thái Nguyên ≥ 3)
    def lower(text):
        return re.sub(r"(ít nhất|tối thiểu)\s+0?3\s+cuộc giám sát", r"\1 01 cuộc giám sát", text, count=1)

    new, gone, _ = seeded(tmp_path, corpus_tables, D004, lower)
    assert {t for t, _ in new} == {"target_far_below_peers"}
    assert not gone


def test_task_stripped_of_its_lead_body(tmp_path, corpus_tables):
    # the plan table's row 15 loses its lead cell "Ban Dân vận Tỉnh ủy"
    def strip_lead(text):
        return text.replace("Tổ chức sơ kết đánh giá kết quả triển khai Đề án.\tBan Dân vận Tỉnh ủy\t",
                            "Tổ chức sơ kết đánh giá kết quả triển khai Đề án.\t\t")

    new, gone, _ = seeded(tmp_path, corpus_tables, D003, strip_lead)
    assert {t for t, _ in new} == {"task_without_lead"}
    assert not gone


CITATION_DEFECTS = {"date_differs", "kind_differs", "issuer_differs", "date_after_draft", "year_mismatch"}


@pytest.mark.parametrize("source", [D000, D001, D002, D003, D004])
def test_unmodified_documents_show_only_real_corpus_problems(tmp_path, corpus_tables, source):
    """Citation defects of an unmodified document are all real conflicts of the corpus's own sources."""
    draft = analyse_text_file(tmp_path, source, (CORPUS / source).read_text(encoding="utf-8"))
    report = review(draft, corpus_tables, exclude=None)
    conflicts = corpus_tables["conflicts"]
    conflicted = set(conflicts["symbol"])
    for f in report.defects():
        if f.type in CITATION_DEFECTS:
            symbol = f.message.split(":")[0]
            assert symbol in conflicted, f.message
        elif f.type == "malformed_symbol":
            assert re.search(r"\d+-[^/\s]+-", f.text) or re.search(r"\s[-/]|[-/]\s", f.text), f.text
        else:
            assert f.type == "task_without_lead", f.message
            rows = [a for a in draft["assignments"] if a["start"] == f.start]
            assert rows and rows[0]["source"] in ("table", "label") and not rows[0]["lead"]


def test_check_command_writes_html_markdown_and_calendar(tmp_path, corpus_run):
    source = (CORPUS / D003).read_text(encoding="utf-8").replace("217-QĐ/TW ngày 12/12/2013", "217-QĐ/TW ngày 12/12/2014")
    draft = tmp_path / "du_thao.txt"
    draft.write_text(source, encoding="utf-8")
    out = tmp_path / "report"
    summary = check_draft(draft, corpus_run.out, out)
    assert "date_differs" in summary
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "2014-12-12" in html and 'id="f-' in html
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# ")
    assert (out / "deadlines.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
