"""The static site: untrusted document text never executes, templates are strict and overridable."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from pipeline.api import analyse_text
from pipeline.corpus import build_tables
from pipeline.crossref import crossref_stage
from pipeline.render import Span, highlight, render_site

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JINJA = "{{ 7*7 }}"
RAW = "{% raw %}"
HOSTILE = f"""NGHỊ QUYẾT
về công tác Mặt trận {SCRIPT} {IMG} {JINJA} {RAW}

Căn cứ Nghị quyết số 43-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng {SCRIPT};

I. MỤC TIÊU {IMG}

Hằng năm, 100% khu dân cư tổ chức Ngày hội Đại đoàn kết {JINJA} đến năm 2030.

II. TỔ CHỨC THỰC HIỆN

Giao Ủy ban MTTQ tỉnh chủ trì, phối hợp với Sở Nội vụ {RAW} thực hiện trước ngày 20/12/2025 {SCRIPT}.
"""


class TagAudit(HTMLParser):
    """Every tag and attribute the browser would build from a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def audit(html: str) -> TagAudit:
    a = TagAudit()
    a.feed(html)
    return a


def build(tmp_path: Path, text: str = HOSTILE, doc_id: str = '<b>"x".txt', **kw) -> Path:
    rec = analyse_text(text, doc_id=doc_id)
    rec["doc"] = doc_id
    documents = [rec]
    tables = build_tables(documents)
    crossref_stage(tables, documents, tmp_path, [])
    site = tmp_path / "site"
    inputs = [{"doc": doc_id, "path": "x", "status": "ok"},
              {"doc": "bad.pdf", "path": f"{SCRIPT}.pdf", "status": "error", "error": {"code": "E001", "message": IMG}}]
    render_site(tables, documents, site, inputs, **kw)
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


def pages(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in site.glob("*.html")}


def test_hostile_text_is_escaped_on_every_page(hostile_site):
    html = pages(hostile_site)
    assert {"index.html", "citations.html", "compare.html", "quality.html", "bodies.html"} <= set(html)
    doc_pages = [n for n in html if n.startswith("doc-")]
    assert len(doc_pages) == 1
    for name, page in html.items():
        assert SCRIPT not in page, name
        assert "<img" not in page, name
        assert "onerror=alert" not in page or "&lt;img src=x onerror=alert(1)&gt;" in page, name
        tags = audit(page).tags
        scripts = [attrs for tag, attrs in tags if tag == "script"]
        assert scripts == [{"src": "site.js"}], name  # our one script, nothing else
        assert not [t for t, _ in tags if t in ("img", "iframe", "object", "embed")], name
        assert not [(t, k) for t, attrs in tags for k in attrs if k.startswith("on")], name
        # {{ 7*7 }} was never evaluated (the footer's build time may hold a 49: leave it out)
        body = re.sub(r"<footer>.*?</footer>", "", page, flags=re.S)
        assert "49" not in body.replace("2049", ""), name
    doc = html[doc_pages[0]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in doc
    assert JINJA in doc and RAW in doc  # template syntax shows as text
    assert doc.count("&lt;script&gt;") >= 3  # title, citation line, task line
    assert "&lt;b&gt;&#34;x&#34;.txt" in html["index.html"]  # a hostile document id too
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in html["quality.html"]  # and a failed input's name


def test_document_page_highlights_records_inside_hostile_text(hostile_site):
    doc = next(p for n, p in pages(hostile_site).items() if n.startswith("doc-"))
    tags = audit(doc).tags
    classes = {c for _, attrs in tags for c in (attrs.get("class") or "").split()}
    assert {"hl-citation", "hl-deadline", "hl-target"} <= classes
    assert doc.count("<span") == doc.count("</span>")  # nesting stays balanced


@pytest.mark.parametrize("text, spans, expected", [
    ("abc", [], "abc"),
    ("<a>", [Span(0, 3, "target")], '<span class="hl hl-target">&lt;a&gt;</span>'),
    # a span inside another
    ("abcd", [Span(0, 4, "citation"), Span(1, 2, "body")],
     '<span class="hl hl-citation">a<span class="hl hl-body">b</span>cd</span>'),
    # crossing spans are split into nested pieces
    ("abcd", [Span(0, 3, "citation"), Span(2, 4, "target")],
     '<span class="hl hl-citation">ab<span class="hl hl-target">c</span></span><span class="hl hl-target">d</span>'),
    # the id goes on the first piece only, the tooltip on every piece; the link follows the last
    ("abcd", [Span(1, 4, "citation", "t", "x.html", "c-1"), Span(0, 2, "target")],
     '<span class="hl hl-target">a<span class="hl hl-citation" title="t" id="c-1">b</span></span>'
     '<span class="hl hl-citation" title="t">cd</span><a class="go" href="x.html" aria-label="xem">↗</a>'),
    # attribute values are escaped
    ("ab", [Span(0, 2, "target", '"><script>', 'javascript:"')],
     '<span class="hl hl-target" title="&#34;&gt;&lt;script&gt;">ab</span><a class="go" href="javascript:&#34;" aria-label="xem">↗</a>'),
    # out of range and empty spans are ignored
    ("ab", [Span(1, 1, "target"), Span(0, 9, "body")], "ab"),
])
def test_highlight(text, spans, expected):
    assert str(highlight(text, spans)) == expected


def test_undefined_variable_fails_loudly(tmp_path):
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "index.html").write_text("{% extends 'base.html' %}{% block main %}{{ no_such_variable }}{% endblock %}")
    with pytest.raises(jinja2.UndefinedError):
        build(tmp_path, templates_dir=user)
    assert not (tmp_path / "site").exists()  # nothing half-written


def test_user_template_overrides_a_page(tmp_path, monkeypatch):
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "bodies.html").write_text(
        "{% extends 'base.html' %}{% block main %}<h1>Trang riêng của tôi</h1>{{ view.roles|length }}{% endblock %}")
    site = build(tmp_path / "a", templates_dir=user)
    assert "Trang riêng của tôi" in (site / "bodies.html").read_text(encoding="utf-8")
    assert "Trang riêng" not in (site / "index.html").read_text(encoding="utf-8")  # other pages: the package's
    monkeypatch.setenv("VNPOLICY_TEMPLATES", str(user))
    site = build(tmp_path / "b")
    assert "Trang riêng của tôi" in (site / "bodies.html").read_text(encoding="utf-8")


def test_empty_corpus_renders(tmp_path):
    import pandas as pd

    site = tmp_path / "site"
    render_site({"documents": pd.DataFrame()}, [], site, [])
    assert "Tổng quan" in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [
    "Ủy ban MITQ tỉnh. Phân đấu 100% xã hoà giải thành; khoá XIV, Uỷ ban nhân dân.",
    "Không có lỗi nào ở đây.",
])
def test_recorded_ocr_changes_equal_those_found_again(text):
    """The analysis records the OCR repairs it made; the site reads them instead of normalising again."""
    from pipeline.render import ocr_changes_of, recorded_ocr_changes

    d = analyse_text(text, doc_id="a.txt")
    raw = d["text"]
    assert recorded_ocr_changes(d, raw) == ocr_changes_of("a.txt", raw)
    for c in d["normalization_changes"]:
        assert raw[c["start"]:c["end"]] == c["text"] and c["text"] != c["new"]
    if "MITQ" in text:
        assert {c["new"] for c in d["normalization_changes"]} >= {"MTTQ", "Phấn đấu"}
    legacy = {k: v for k, v in d.items() if k != "normalization_changes"}  # written before changes were recorded
    assert recorded_ocr_changes(legacy, raw) == ocr_changes_of("a.txt", raw)
