"""The built site in headless Chromium, from file:// — what a reader actually sees.

Needs the ``playwright`` package and the distribution's Chromium
(``/usr/bin/chromium``; ``.ci/run`` installs it).  Never ``playwright install``.
Screenshots go to ``outputs/screenshots/`` for review.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.render import doc_page
from pipeline.runner import run

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "outputs" / "screenshots"
CHROMIUM = os.environ.get("VNPOLICY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.getbasetemp() / "corpus-run"  # shared with the other corpus tests (cached documents)
    result = run([REPO / "corpora"], out=out, workers=2)
    assert (out / "site" / "index.html").exists()
    return out / "site", {d["doc"]: d for d in result.documents}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that records console errors and uncaught exceptions; the test fails on any."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    pg.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url}"))
    yield pg
    ctx.close()
    assert errors == []


def url(site_dir: Path, name: str) -> str:
    return (site_dir / name).as_uri()


def shot(pg, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def test_every_page_loads_without_errors(site, page):
    site_dir, docs = site
    for name in ["index.html", "citations.html", "compare.html", "quality.html", "bodies.html", *map(doc_page, docs)]:
        page.goto(url(site_dir, name))
        assert page.title().endswith("vnpolicy")
        assert page.locator("main h1").count() >= 1
    page.goto(url(site_dir, "quality.html"))
    shot(page, "quality")
    page.goto(url(site_dir, "bodies.html"))
    shot(page, "bodies")


def test_index_lists_the_five_documents(site, page):
    site_dir, docs = site
    page.goto(url(site_dir, "index.html"))
    rows = page.locator("#doc-list tbody tr")
    assert rows.count() == 5 == len(docs)
    listed = set(page.locator("#doc-list tbody tr .muted").all_inner_texts())
    assert listed == set(docs)
    assert page.locator("svg.chart rect").count() >= 5  # citations per document chart
    # sorting by a header reorders the rows (and the page worked before the script ran)
    page.locator("#doc-list thead th", has_text="Trích dẫn").click()
    first = page.locator("#doc-list tbody tr").first.locator(".muted").inner_text()
    assert first == min(docs, key=lambda d: len(docs[d].get("citations") or []))
    shot(page, "index", full=True)


def test_citation_index_lists_217_and_links_to_the_mention(site, page):
    site_dir, docs = site
    citing = {d for d, rec in docs.items() if any("217-QĐ/TW" in (c.get("text") or "") for c in rec.get("citations") or [])}
    assert len(citing) >= 2
    page.goto(url(site_dir, "citations.html"))
    entry = page.locator('section.entry[data-symbol="217-QĐ/TW"]')
    assert entry.count() == 1
    listed = entry.locator("li.citing-doc > a").all_inner_texts()
    assert len(listed) == len(citing)
    hrefs = set(entry.locator("li.citing-doc > a").evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == {doc_page(d) for d in citing}
    entry.scroll_into_view_if_needed()
    shot(page, "citations_217")
    mention = entry.locator("a.mention").first
    href = mention.get_attribute("href")
    mention.click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    anchor = href.split("#", 1)[1]
    target = page.locator(f"[id='{anchor}']")
    assert "hl-citation" in target.get_attribute("class")
    assert "217" in target.inner_text()
    assert page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") == anchor
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 900  # scrolled into view
    shot(page, "citation_mention")


def test_document_page_highlights_every_kind(site, page):
    site_dir, docs = site
    seen = set()
    for doc in sorted(docs):
        page.goto(url(site_dir, doc_page(doc)))
        counts = {k: page.locator(f"#text .hl-{k}").count() for k in ("citation", "target", "body", "deadline")}
        if all(counts.values()):
            seen.add(doc)
            tip = page.locator("#text .hl-citation").first.get_attribute("title")
            assert tip and "kind:" in tip and "key:" in tip  # parsed fields and the registry key
            assert page.locator("aside.outline a").count() > 3
            page.locator("#text .hl-target").first.scroll_into_view_if_needed()
            shot(page, f"document_{doc.split('_')[0]}")
    assert seen, "no document page highlights a citation, a target, a body and a deadline"


def test_comparison_shows_supervision_targets_side_by_side(site, page):
    site_dir, docs = site
    page.goto(url(site_dir, "compare.html"))
    topic = page.locator('section.topic[data-topic="giám sát"]')
    assert topic.count() == 1
    cells = topic.locator("table.side tbody td")
    assert cells.count() == len(docs)  # one column per document
    filled = [i for i in range(cells.count()) if cells.nth(i).locator(".frame").count()]
    assert len(filled) >= 2
    headers = topic.locator("thead th").all_inner_texts()
    assert any("Thái Nguyên" in headers[i] for i in filled) and any("Kẻ Sặt" in headers[i] for i in filled)
    topic.scroll_into_view_if_needed()
    shot(page, "compare_supervision")
    assert page.locator("svg.gantt rect").count() > 0
    page.locator("#timeline").scroll_into_view_if_needed()
    shot(page, "compare_timeline")
