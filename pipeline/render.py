"""render: the static site (jinja2), readable offline from ``file://``.

Pages: ``index.html`` (overview; the documents list continues on
``documents-N.html``), one ``doc-*.html`` per document (text with highlighted
records), ``citations.html`` (citation index, continued on ``citations-N.html``;
an entry cited by many documents lists them all on its ``cite-*.html``),
``compare.html`` (province comparison), ``quality.html`` (with
``ocr_slips.csv``) and ``bodies.html``.

Scale (issue 8): the site of 10,000 documents is built in time linear in the
corpus and memory bounded by one document at a time.  Document pages are
rendered and written one by one (by worker processes from
:data:`PARALLEL_MIN_DOCS` documents on), each reading its record and raw text
once; per-document lookups (citations, conflicts, OCR slips) are grouped once,
not filtered per document; every other page is split into numbered pages or
capped ("the N documents with most …", first :data:`MAX_ROWS` rows) and points
to the complete ``tables/*.csv``.  Pages go to a temporary folder that
replaces ``site/`` only when complete, so an interrupted or failed render
never leaves a half-written site.

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
import shutil
import tempfile
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

import jinja2
import orjson
import pandas as pd
import pyarrow as pa
import regex
from markupsafe import Markup

from .store import records
from .tablestore import TableStore, count_rows, read_table, release_free_memory, table_columns

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
    return _anchor(prefix, str(key))


@lru_cache(maxsize=1 << 16)
def _anchor(prefix: str, key: str) -> str:  # the same bodies and keys are linked from page after page
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


@lru_cache(maxsize=1 << 16)
def doc_page(doc_id: str) -> str:
    """The page of a document: ASCII, so links work from disk without URL-encoding."""
    stem = regex.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)
    if stem != doc_id:
        stem += "-" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:6]
    return f"doc-{stem}.html"


def obj(v: Any) -> Any:
    """A table cell as a Python value: JSON text parsed back, NaN as None."""
    t = type(v)
    if t is str:  # the common cases first: this runs for every cell and tooltip field
        if v[:1] in ("[", "{") and v[-1:] in ("]", "}"):
            try:
                return json.loads(v)
            except ValueError:
                return v
        return v
    if v is None or t is int or t is bool or t is list or t is dict:
        return v
    if t is float:
        return None if v != v else v
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


def rows(df: pd.DataFrame | None, raw: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every row of ``df`` as a dict, values through :func:`obj` except the columns ``raw`` (left as they are)."""
    if df is None or df.empty:
        return []
    raw = set(raw)
    return [{k: v if k in raw else obj(v) for k, v in r.items()} for r in records(df)]


def mentions_of(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """A registry entry's mentions: kept as JSON text in the table and decoded only where they are shown."""
    return obj(entry.get("mentions")) or []


def show(v: Any) -> str:
    """A value as short display text."""
    v = obj(v)
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is int:
        return str(v)
    if isinstance(v, bool):
        return "có" if v else "không"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return "; ".join(x for x in map(show, v) if x)
    if isinstance(v, dict):
        if "canonical" in v or "text" in v:
            return str(v.get("canonical") or v.get("text"))
        return ", ".join(f"{k}: {x}" for k, x in ((k, show(x)) for k, x in v.items()) if x)
    if v == "":
        return ""
    return str(v)


def tooltip(record: dict[str, Any], limit: int = 140) -> str:
    parts = []
    for k, v in record.items():
        if k in TOOLTIP_SKIP:
            continue
        s = v if type(v) is str and v[:1] not in ("[", "{") else show(v)
        if s:
            parts.append(f"{k}: {s[:limit]}…" if len(s) > limit else f"{k}: {s}")
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


RE_YEAR = regex.compile(r"(\d{4})")


def year_of(v: Any) -> int | None:
    m = RE_YEAR.match(show(v))
    return int(m.group(1)) if m else None


# --- highlighted text -----------------------------------------------------------

class Span(NamedTuple):
    """A highlighted stretch of a document's raw text (a tuple: made and hashed by the hundred per page)."""

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
    # a total order (ties by every field): the same page on every run, whatever the set's order
    spans = sorted({s for s in spans if 0 <= s.start < s.end <= n},
                   key=lambda s: (s.start, -s.end, s.kind, s.id, s.title, s.href))
    # spans are handled by their rank (ints hash fast; a Span hashes all its fields every time)
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    first_tag: list[str] = []  # opening tag of a span's first piece (with its id), of later pieces, link after it
    tag: list[str] = []
    link: list[str] = []
    kinds: dict[str, str] = {}
    for i, s in enumerate(spans):
        starts[s.start].append(i)
        ends[s.end].append(i)
        k = kinds.get(s.kind)
        if k is None:
            k = kinds[s.kind] = f'<span class="hl hl-{_esc(s.kind)}"'
        t = k + (f' title="{_esc(s.title)}"' if s.title else "")
        tag.append(t + ">")
        first_tag.append(t + (f' id="{_esc(s.id)}"' if s.id else "") + ">")
        link.append(f'<a class="go" href="{_esc(s.href)}" aria-label="xem">↗</a>' if s.href else "")
    end_of = [s.end for s in spans]
    bounds = sorted({0, n, *starts, *ends})
    out: list[str] = []
    stack: list[int] = []
    active: set[int] = set()
    opened = [False] * len(spans)
    for a, b in zip(bounds, bounds[1:]):
        gone = ends.get(a)
        if gone:
            active.difference_update(gone)
        new = starts.get(a)
        if new:
            active.update(new)
        want = sorted(active)
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] == want[keep]:
            keep += 1
        for i in reversed(stack[keep:]):
            out.append("</span>")
            if end_of[i] <= a and link[i]:
                out.append(link[i])
        del stack[keep:]
        for i in want[keep:]:
            if opened[i]:
                out.append(tag[i])
            else:
                out.append(first_tag[i])
                opened[i] = True
            stack.append(i)
        out.append(_esc(text[a:b]))
    for i in reversed(stack):
        out.append("</span>")
        if link[i]:
            out.append(link[i])
    return Markup("".join(out))


def _esc(s: str) -> str:
    """``markupsafe.escape`` as a plain string (same entities), without a Markup object per call."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "'" in s:
        s = s.replace("'", "&#39;")
    if '"' in s:
        s = s.replace('"', "&#34;")
    return s


def _find_in(raw: str, needle: str, start: int, end: int) -> tuple[int, int] | None:
    if not needle:
        return None
    i = raw.find(needle, start, end)
    return (i, i + len(needle)) if i >= 0 else None


def document_spans(d: dict[str, Any], cite_keys: Mapping[tuple[str, int], dict[str, Any]],
                   ocr: Iterable[dict[str, Any]] = (), text: str | None = None) -> list[Span]:
    """Every highlight of a document, with its tooltip, link and anchor id.

    ``text`` is the document's raw text when the caller already has it (a
    text-less record would otherwise read it from disk again).
    """
    raw = (d.get("text") or "") if text is None else text
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
            (info.get("href") or f"citations.html#{anchor('r', key)}") if key else "")
    for kind, key in (("target", "targets"), ("result", "results"), ("deadline", "deadlines")):
        for r in d.get(key) or []:
            add(kind, r.get("start"), r.get("end"), tooltip(r))
    for a in d.get("assignments") or []:
        add("task", a.get("start"), a.get("end"), tooltip(a))
    # A page names the same few bodies hundreds of times: each distinct body is described once.
    body_titles: dict[tuple, str] = {}
    for m in d.get("bodies") or []:
        name = body_name(m)
        body = m.get("body") if isinstance(m.get("body"), dict) else m
        try:
            memo = tuple(body.items())
            title = body_titles.get(memo)
        except TypeError:  # a nested value: not hashable, described each time
            memo, title = None, None
        if title is None:
            title = tooltip(body)
            if memo is not None:
                body_titles[memo] = title
        add("body", m.get("start"), m.get("end"), title, f"bodies.html#{anchor('b', name)}" if name else "")
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


# --- bounds: every page stays readable, and its size bounded, for a national corpus -------------
#
# Document pages are one per document (their total grows linearly); every other page is
# capped or split into numbered pages, and says where the complete data is (``tables/*.csv``).

DOCS_PER_PAGE = 500       # rows of the documents list per page (index.html, documents-2.html, …)
ENTRIES_PER_PAGE = 250    # citation-index entries per page (citations.html, citations-2.html, …)
CITING_SHOWN = 20         # citing documents listed under an entry of the index (the rest: cite-*.html)
CITING_FULL = 2000        # citing documents listed on an entry's own page
CITING_SNIPPETS = 300     # of those, documents whose mentions show a context snippet
DATE_SOURCE_DOCS = 10     # documents named after a date an entry is stated with
MAX_OVERLAP_DOCS = 30     # documents in the citation-overlap matrix (the ones citing most bases)
MAX_SIDE_DOCS = 30        # documents side by side on the comparison page (the ones with most records)
MAX_TIMELINE_DOCS = 30    # documents on the deadline timeline
MAX_CHART_BARS = 30       # bars of the citations-per-document chart
MAX_ROWS = 500            # rows of any other long list or table
MAX_BODY_DOCS = 30        # documents listed under a body
MAX_LISTED = 20           # names listed in one cell (document ids of an unmatched body, …)


def paged(base: str, i: int) -> str:
    """The name of page ``i`` (0-based) of a split page: ``citations.html``, ``citations-2.html``…"""
    if i == 0:
        return base
    stem, ext = base.rsplit(".", 1)
    return f"{stem}-{i + 1}.{ext}"


def pager(names: Sequence[str], current: int) -> list[dict[str, Any]]:
    """Links to every page of a split page (empty when there is one page)."""
    if len(names) <= 1:
        return []
    return [{"n": i + 1, "href": n, "current": i == current} for i, n in enumerate(names)]


def _top(ids: Sequence[str], weight: Mapping[str, int], limit: int) -> list[str]:
    """``ids`` if there are at most ``limit``; else the ``limit`` heaviest, in ``ids`` order."""
    if len(ids) <= limit:
        return list(ids)
    keep = set(sorted(ids, key=lambda d: (-weight.get(d, 0), d))[:limit])
    return [d for d in ids if d in keep]


def columns(df: pd.DataFrame | None, cols: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Rows of ``df`` as dicts of only ``cols`` (those present), values through :func:`obj`.

    Much cheaper than :func:`rows` on big tables: only the columns a view needs are converted.
    """
    if df is None or df.empty:
        return
    present = [c for c in cols if c in df.columns]
    # a slice at a time: a national corpus's assignments are millions of strings as Python objects
    for lo in range(0, len(df), COLUMN_SLICE_ROWS):
        arrays = [df[c].iloc[lo:lo + COLUMN_SLICE_ROWS].tolist() for c in present]
        for vals in zip(*arrays):
            yield {c: obj(v) for c, v in zip(present, vals)}


def table_rows(tables: Mapping[str, pd.DataFrame], name: str, cols: Iterable[str]) -> Iterator[dict[str, Any]]:
    """:func:`columns` of table ``name``; from a :class:`~pipeline.tablestore.TableStore`, no other column is read."""
    cols = tuple(cols)
    return columns(read_table(tables, name, cols), cols)


# Rows of a table turned into Python values at a time by :func:`columns`.
COLUMN_SLICE_ROWS = 10_000


def _more(items: list[Any], limit: int) -> tuple[list[Any], int]:
    return items[:limit], max(0, len(items) - limit)


# --- view models ------------------------------------------------------------------

def _docs(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    out = {}
    for d in rows(tables.get("documents")):
        d["label"] = doc_label(d)
        d["page"] = doc_page(d["doc"])
        out[d["doc"]] = d
    return out


def _conflicts(tables: dict[str, pd.DataFrame], with_docs: bool = True) -> list[dict[str, Any]]:
    """The conflicts with their anchor, link and detail; ``with_docs``: also ``docs``, every document
    on any side (what a document page looks up; thousands for a key every document cites)."""
    out = []
    for c in rows(tables.get("conflicts")):
        c["anchor"] = anchor("r", c.get("key"))
        c["href"] = f"citations.html#{c['anchor']}"
        if with_docs:
            c["docs"] = sorted({x for side in c.get("sides") or [] for x in side.get("docs") or []})
        c["detail"] = conflict_detail(c)
        c.pop("sides", None)  # its documents are in docs and detail: a page shows no more (tables/conflicts.csv has it all)
        out.append(c)
    return out


def conflict_detail(c: dict[str, Any], limit: int = MAX_LISTED) -> str:
    """A conflict's detail for a page: each side's documents, the first ``limit`` named.

    The table's ``detail`` names every document on each side; for a document
    cited by thousands that is a page-long line, repeated on each of their pages
    (``tables/conflicts.csv`` keeps it whole).

    >>> conflict_detail({"detail": "x", "sides": [{"value": "2013-12-12", "docs": ["a", "b", "c"]},
    ...                                           {"value": "2013-12-21", "docs": ["d"]}]}, limit=2)
    '2013-12-12 (a, b … +1) vs 2013-12-21 (d)'
    """
    sides = c.get("sides") or []
    if len(sides) < 2 or all(len(side.get("docs") or []) <= limit for side in sides):
        return show(c.get("detail"))
    return " vs ".join(f"{show(side.get('value'))} ({_listed([str(x) for x in side.get('docs') or []], limit)})"
                       for side in sides)


def _listed(names: list[str], limit: int) -> str:
    shown = names[:limit]
    return ", ".join(shown) + (f" … +{len(names) - len(shown)}" if len(names) > len(shown) else "")


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


def _group_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries grouped by kind (biggest first), then issuer, then display name."""
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for e in sorted(entries, key=lambda e: (e.get("issuer") or "~", str(e["display"]))):
        groups[e.get("kind") or "Khác"][e.get("issuer") or "(không rõ)"].append(e)
    return [{"kind": k, "anchor": anchor("g", k), "n": sum(len(v) for v in g.values()),
             "issuers": [{"issuer": i, "entries": es} for i, es in g.items()]}
            for k, g in sorted(groups.items(), key=lambda kv: -sum(len(v) for v in kv[1].values()))]


class DocRef(NamedTuple):
    """A document named on a page: its id and label (a tuple: an index lists tens of thousands)."""
    doc: str
    label: str


class RegistryMentions:
    """Each registry entry's mentions, read when a page first needs them and decoded per entry.

    They are most of the registry: every citation's place and context, as
    JSON text, about 230 MB for 10,000 documents.  They are read only if some
    page shows mentions (the exports never do), and kept as one Arrow array,
    not a Python string per entry (twice the bytes, for Vietnamese text).
    An entry (a row of :func:`citation_index`) finds its own by ``row``.
    """

    def __init__(self, read: Callable[[], pd.DataFrame | None]) -> None:
        self._read: Callable[[], pd.DataFrame | None] | None = read
        self._texts: pa.Array | pa.ChunkedArray | None = None

    def of(self, e: dict[str, Any]) -> list[dict[str, Any]]:
        if self._read is not None:
            column, self._read = self._read(), None
            if column is not None and "mentions" in column.columns:
                self._texts = pa.array(column["mentions"], from_pandas=True)
        row = e.get("row")
        if self._texts is None or row is None:
            return mentions_of(e)
        return obj(self._texts[row].as_py()) or []


class CitationTexts:
    """``(doc, start)`` → the citation's raw text, from the ``citations`` table, one document at a time.

    Mention snippets need the cited text; this avoids a dictionary of every
    citation of the corpus (or every document's text) in memory.
    """

    COLUMNS = ("doc", "start", "text")  # the columns of ``citations`` read

    def __init__(self, citations: pd.DataFrame | None, cache: int = 4096) -> None:
        self._pos: dict[Any, Any] = {}
        if citations is not None and not citations.empty and {"doc", "start", "text"} <= set(citations.columns):
            self._pos = citations.groupby("doc", sort=False).indices
            self._start = _arrow_or_objects(citations["start"])
            self._text = _arrow_or_objects(citations["text"])
        self._cache: dict[Any, dict[Any, str]] = {}
        self._size = cache

    def doc(self, doc: Any) -> dict[Any, str]:
        hit = self._cache.get(doc)
        if hit is None:
            pos = self._pos.get(doc)
            hit = {} if pos is None else {s: t if isinstance(t, str) else ""
                                          for s, t in zip(_take(self._start, pos), _take(self._text, pos))}
            if len(self._cache) >= self._size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[doc] = hit
        return hit

    def get(self, key: tuple[Any, Any], default: str = "") -> str:
        return self.doc(key[0]).get(key[1], default)


def citing_documents(e: dict[str, Any], docs: dict[str, dict[str, Any]], texts: CitationTexts | Mapping | None,
                     limit: int | None = CITING_SHOWN, snippets: int | None = None,
                     mentions: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The documents citing an entry (the first ``limit``, by id), each with its mentions and their snippets.

    ``mentions``: the entry's mentions, if not in the entry itself (see :class:`RegistryMentions`).
    """
    by_doc: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for m in mentions_of(e) if mentions is None else mentions:
        by_doc[m.get("doc")].append(m)
    ids = sorted(by_doc, key=str)
    out = []
    for n, k in enumerate(ids if limit is None else ids[:limit]):
        snip = snippets is None or n < snippets
        ms = []
        for m in by_doc[k]:
            s, t = m.get("start"), m.get("end")
            text = (texts.get((k, s), "") if texts is not None else "") if isinstance(s, int) and isinstance(t, int) else ""
            parts = _snippet(m.get("context") or "", text) if snip else {"before": "", "match": "", "after": ""}
            ms.append({**m, **parts, "snip": snip, "href": f"{doc_page(k)}#c-{s}"})
        out.append({"doc": k, "label": docs.get(k, {}).get("label", k), "page": doc_page(k), "mentions": ms})
    return out


def citation_index(tables: dict[str, pd.DataFrame], documents: Any = None, *,
                   docs: dict[str, dict[str, Any]] | None = None, citing: bool = True,
                   conflicts_list: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The citation index: registry entries grouped by kind and issuer, split into pages, rankings, overlap matrix.

    Every entry gets ``page`` and ``href`` (where it is rendered) and ``n_citing``;
    with ``citing``, also ``citing``: its first :data:`CITING_SHOWN` citing
    documents with their mentions (the site fills it one page at a time instead).
    """
    docs = _docs(tables) if docs is None else docs
    conflicts = defaultdict(list)
    for c in _conflicts(tables, with_docs=False) if conflicts_list is None else conflicts_list:
        conflicts[c.get("key")].append(c)
    entries = []
    # Mentions are read only when a page shows them (see RegistryMentions).
    registry = read_table(tables, "registry", [c for c in table_columns(tables, "registry") if c != "mentions"])
    if registry is not None and "mentions" in registry.columns:  # a frame from a dict comes whole
        registry = registry.drop(columns="mentions")
    mentions = RegistryMentions(lambda: read_table(tables, "registry", ("mentions",)))
    for row, e in enumerate(rows(registry)):
        e = {**REGISTRY_DEFAULTS, **e, "row": row}
        e["anchor"] = anchor("r", e["key"])
        e["display"] = e.get("symbol") or e.get("name") or e["key"]
        e["conflicts"] = conflicts.get(e["key"], [])
        e["n_citing"] = len(e.get("citing_docs") or {}) or len({m.get("doc") for m in mentions.of(e)})
        e["more"] = max(0, e["n_citing"] - CITING_SHOWN)
        e["all_href"] = f"cite-{e['anchor'][2:]}.html" if e["more"] else ""
        e["citing"] = []
        sources = []
        for x in e.get("date_sources") or []:
            shown, more = _more(list(x.get("docs") or []), DATE_SOURCE_DOCS)
            sources.append({"date": x.get("date"), "count": x.get("count"), "more": more,
                            "docs": [DocRef(k, docs.get(k, {}).get("label", k)) for k in shown]})
        e["date_sources"] = sources
        entries.append(e)
    kinds = _group_entries(entries)
    ordered = [e for g in kinds for i in g["issuers"] for e in i["entries"]]
    names = [paged("citations.html", p) for p in range(max(1, -(-len(ordered) // ENTRIES_PER_PAGE)))]
    pages = []
    for p, name in enumerate(names):
        chunk = ordered[p * ENTRIES_PER_PAGE:(p + 1) * ENTRIES_PER_PAGE]
        segs: list[dict[str, Any]] = []
        for e in chunk:
            e["page"] = name
            e["href"] = f"{name}#{e['anchor']}"
        pages.append({"name": name, "number": p + 1, "first": p == 0, "entries": chunk,
                      "lo": p * ENTRIES_PER_PAGE + 1, "hi": p * ENTRIES_PER_PAGE + len(chunk),
                      "pager": pager(names, p), "kinds": segs})
    # each page's slice of the kind → issuer grouping (a kind may continue on the next page)
    seen_kinds: set[str] = set()
    page_no = {n: i for i, n in enumerate(names)}
    for g in kinds:
        g["href"] = g["issuers"][0]["entries"][0]["page"] + f"#{g['anchor']}"
        for i in g["issuers"]:
            for e in i["entries"]:
                segs = pages[page_no[e["page"]]]["kinds"]
                if not segs or segs[-1]["kind"] != g["kind"]:
                    first = g["kind"] not in seen_kinds
                    seen_kinds.add(g["kind"])
                    segs.append({"kind": g["kind"], "anchor": g["anchor"] if first else "", "n": g["n"],
                                 "continued": not first, "issuers": []})
                seg = segs[-1]
                if not seg["issuers"] or seg["issuers"][-1]["issuer"] != i["issuer"]:
                    seg["issuers"].append({"issuer": i["issuer"], "entries": []})
                seg["issuers"][-1]["entries"].append(e)
    hrefs = {e["key"]: e["href"] for e in entries}
    for es in conflicts.values():
        for c in es:
            c["href"] = hrefs.get(c.get("key"), c["href"])
    if citing:
        texts = CitationTexts(read_table(tables, "citations", CitationTexts.COLUMNS))
        for e in entries:
            e["citing"] = citing_documents(e, docs, texts, mentions=mentions.of(e))
    ranking = sorted(entries, key=lambda e: (-(e.get("n_citing_docs") or 0), -(e.get("n_mentions") or 0), str(e["display"])))[:20]
    return {"kinds": kinds, "entries": entries, "ranking": ranking, "pages": pages, "hrefs": hrefs,
            "overlap": overlap_matrix(entries, docs, hrefs=hrefs), "mentions": mentions}


def overlap_matrix(entries: list[dict[str, Any]], docs: dict[str, dict[str, Any]], limit: int = MAX_OVERLAP_DOCS,
                   hrefs: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Which bases each pair of documents shares (ambiguous keys left out), among the ``limit`` documents citing most bases."""
    names = {}
    n_keys: Counter = Counter()
    for e in entries:
        if str(e["key"]).endswith("|?"):
            continue
        names[e["key"]] = str(e["display"])
        for d in (e.get("citing_docs") or {}):
            n_keys[d] += 1
    ids = _top(sorted(docs), n_keys, limit)
    chosen = set(ids)
    cited: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e["key"] in names:
            for d in (e.get("citing_docs") or {}):
                if d in chosen:
                    cited[d].add(e["key"])
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
                              "shared": [{"name": names[k], "anchor": anchor("r", k),
                                          "href": (hrefs or {}).get(k) or f"citations.html#{anchor('r', k)}"}
                                         for k in shared]})
    return {"docs": [docs[d] for d in ids], "rows": matrix, "pairs": pairs, "n_docs": len(docs),
            "capped": len(ids) < len(docs)}


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


TARGET_COLUMNS = ("doc", "doc_id", "start", "text", "indicator", "topics", "topic", "value", "value_min", "value_max",
                  "comparator", "unit", "frequency", "level", "deadline")
ASSIGNMENT_COLUMNS = ("doc", "doc_id", "start", "task", "lead", "support", "issues")


PER_DOC_COLUMNS = ("doc", "doc_id")


def _per_doc(df: pd.DataFrame | None) -> Counter:
    if df is None or df.empty:
        return Counter()
    col = "doc" if "doc" in df.columns else "doc_id" if "doc_id" in df.columns else None
    return Counter(df[col].tolist()) if col else Counter()


def comparison(tables: dict[str, pd.DataFrame], documents: Any = None, *,
               docs: dict[str, dict[str, Any]] | None = None, hrefs: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The comparison report: targets by topic side by side, who leads what, deadlines, common bases.

    Side by side are at most :data:`MAX_SIDE_DOCS` documents (those with the
    most targets; for "who leads what", the most assignments); counts are over the whole corpus.
    """
    docs = _docs(tables) if docs is None else docs
    ids = sorted(docs)
    side = _top(ids, _per_doc(read_table(tables, "targets", PER_DOC_COLUMNS)), MAX_SIDE_DOCS)
    side_set = set(side)
    by_topic: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    n_topic: Counter = Counter()
    for r in table_rows(tables, "targets", TARGET_COLUMNS):
        doc = r.get("doc") or r.get("doc_id")
        topics = _topics(r)
        n_topic.update(topics)
        if doc not in side_set:
            continue
        item = {"frame": target_frame(r), "indicator": show(r.get("indicator")) or show(r.get("text")),
                "text": show(r.get("text")), "href": f"{doc_page(doc)}#t-{r.get('start')}"}
        for t in topics:
            by_topic[t][doc].append(item)
    topics = [{"topic": t, "anchor": anchor("p", t), "n": n,
               "cells": [by_topic[t].get(d, []) for d in side]}
              for t, n in sorted(n_topic.items(), key=lambda kv: (kv[0] == "khác", kv[0]))]
    tc = tables.get("target_comparison")
    detail = {"columns": [str(c) for c in tc.columns], "rows": [[show(v) for v in r.values()] for r in rows(tc.head(MAX_ROWS))],
              "n": len(tc)} if tc is not None and not tc.empty else {"columns": [], "rows": [], "n": 0}
    lead_ids = _top(ids, _per_doc(read_table(tables, "assignments", PER_DOC_COLUMNS)), MAX_SIDE_DOCS)
    return {"docs": [docs[d] for d in side], "n_docs": len(ids), "topics": topics, "detail": detail,
            "lead_docs": [docs[d] for d in lead_ids],
            "leads": lead_matrix(tables, docs, lead_ids), "timeline": timeline(tables, docs),
            "bases": common_bases(tables, docs, hrefs=hrefs)}


def lead_matrix(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """Bodies × documents: how many tasks each body leads (chủ trì) and supports (phối hợp)."""
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for a in table_rows(tables, "assignments", ("doc", "doc_id", "lead", "support")):
        doc = a.get("doc") or a.get("doc_id")
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                name = body_name(item)
                if name:
                    counts[name][doc][role] += 1
    out = []
    for name, per in counts.items():
        out.append({"body": name, "anchor": anchor("b", name), "total": sum(c["lead"] + c["support"] for c in per.values()),
                    "lead": sum(c["lead"] for c in per.values()), "per": per})
    out = sorted(out, key=lambda r: (-r["lead"], -r["total"], r["body"]))[:40]
    for r in out:
        per = r.pop("per")
        r["cells"] = [{"lead": per[d]["lead"] if d in per else 0, "support": per[d]["support"] if d in per else 0}
                      for d in ids]
    return out


def timeline(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], width: int = 900,
             limit: int = MAX_TIMELINE_DOCS) -> dict[str, Any]:
    """A Gantt-like chart of the deadlines that have an interval (of at most ``limit`` documents): geometry for an inline SVG."""
    items, seen = [], set()
    for r in table_rows(tables, "deadlines", ("doc", "doc_id", "from", "to", "value", "text", "kind", "start")):
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
        return {"bars": [], "years": [], "width": width, "height": 0, "n": 0, "n_shown": 0, "n_docs": 0, "docs_shown": 0}
    n_all = len(items)
    per_doc = Counter(i["doc"] for i in items)
    keep = set(_top(sorted(per_doc, key=str), per_doc, limit))
    items = [i for i in items if i["doc"] in keep]

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
    return {"bars": bars, "years": years, "width": width, "height": y + 10, "n": n_all, "top": 16,
            "n_shown": len(items), "n_docs": len(per_doc), "docs_shown": len(keep)}


def common_bases(tables: dict[str, pd.DataFrame], docs: dict[str, dict[str, Any]], top: int = 8,
                 hrefs: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Per kind of citing document, the bases cited by most documents of that kind."""
    names = {e["key"]: (e.get("symbol") or e.get("name") or e["key"])
             for e in table_rows(tables, "registry", ("key", "symbol", "name"))}
    kind_of = {d: show(v.get("kind")) or "(không rõ)" for d, v in docs.items()}
    per_kind: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in table_rows(tables, "citations", ("doc", "key", "self")):
        key = c.get("key")
        if not key or str(key).endswith("|?") or c.get("self"):
            continue
        per_kind[kind_of.get(c.get("doc"), "(không rõ)")][key].add(c.get("doc"))
    n_docs = Counter(kind_of.values())
    out = []
    for kind, keys in sorted(per_kind.items()):
        ranked = sorted(keys.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0], kv[0])))[:top]
        out.append({"kind": kind, "n_docs": n_docs.get(kind, 0),
                    "bases": [{"name": names.get(k, k), "anchor": anchor("r", k), "n": len(v),
                               "href": (hrefs or {}).get(k) or f"citations.html#{anchor('r', k)}"} for k, v in ranked]})
    return out


def bar_chart(items: list[tuple[str, float, str]], width: int = 640, bar: int = 18) -> dict[str, Any]:
    """Geometry of a horizontal bar chart: (label, value, href) → bars for an inline SVG."""
    top = max([v for _, v, _ in items] or [1]) or 1
    left = 220
    bars = [{"label": label, "value": show(v), "href": href, "y": i * (bar + 6),
             "w": round((width - left - 50) * v / top, 1), "x": left} for i, (label, v, href) in enumerate(items)]
    return {"bars": bars, "width": width, "height": max(1, len(items)) * (bar + 6), "bar": bar}


def overview(tables: dict[str, pd.DataFrame], documents: Any = None, *,
             docs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The overview: counts, groupings, charts, and the documents list split into pages of :data:`DOCS_PER_PAGE`."""
    docs_list = list((_docs(tables) if docs is None else docs).values())
    counts = {k: count_rows(tables, k) for k in ("citations", "registry", "targets", "results", "assignments", "deadlines", "bodies", "conflicts")}

    def group(field: str) -> list[tuple[str, int]]:
        return sorted(Counter(show(d.get(field)) or "(không rõ)" for d in docs_list).items())

    years = Counter(str(year_of(d.get("date")) or "(không rõ)") for d in docs_list)
    per_year: Counter = Counter()
    for r in table_rows(tables, "deadlines", ("to", "from", "value")):
        y = year_of(r.get("to")) or year_of(r.get("from")) or year_of(r.get("value"))
        if y:
            per_year[y] += 1
    charted = docs_list
    if len(docs_list) > MAX_CHART_BARS:
        charted = sorted(docs_list, key=lambda d: (-(obj(d.get("n_citations")) or 0), d["doc"]))[:MAX_CHART_BARS]
    cites = bar_chart([(d["label"], d.get("n_citations") or 0, d["page"]) for d in charted])
    deadline_chart = bar_chart([(str(y), n, "compare.html#timeline") for y, n in sorted(per_year.items())])
    names = ["index.html"] + [paged("documents.html", p) for p in range(1, -(-len(docs_list) // DOCS_PER_PAGE))]
    return {"docs": docs_list, "counts": counts, "by": {"Tỉnh / province": group("province"), "Cấp / level": group("level"),
                                                         "Loại / kind": group("kind"), "Năm / year": sorted(years.items())},
            "charts": {"citations": cites, "deadlines": deadline_chart}, "charted": len(charted),
            "doclist": docs_list[:DOCS_PER_PAGE], "page_names": names, "pager": pager(names, 0), "lo": 1,
            "hi": min(len(docs_list), DOCS_PER_PAGE)}


class _EditMap:
    """Where the characters of a normalisation step's output come from in its input.

    The same answer as the per-character maps :func:`extractors.normalize.normalize`
    keeps, computed for the few characters asked about instead of for every
    character (an edit that rewrites a piece maps it to the whole edit; a
    same-length replacement or a copied piece, character by character).
    """

    __slots__ = ("out_starts", "edits")

    def __init__(self, edits: Iterable[Any]) -> None:
        self.out_starts: list[int] = []
        self.edits: list[tuple[int, int, Any, int]] = []  # (out start, out end, edit, shift)
        pos = shift = 0
        for e in edits:
            if e.start < pos:
                continue  # overlapping edit: the earlier one wins (as in _apply)
            n = sum(len(p) if isinstance(p, str) else p[1] - p[0] for p in e.pieces)
            out = e.start + shift
            self.out_starts.append(out)
            self.edits.append((out, out + n, e, shift))
            shift += n - (e.end - e.start)
            pos = e.end

    def span(self, c: int) -> tuple[int, int]:
        """Input ``[first, last)`` that output character ``c`` comes from."""
        i = bisect_right(self.out_starts, c) - 1
        if i < 0:
            return c, c + 1
        out, out_end, e, _ = self.edits[i]
        if c >= out_end:
            x = e.end + (c - out_end)
            return x, x + 1
        if len(e.pieces) == 1 and isinstance(e.pieces[0], str) and out_end - out == e.end - e.start:
            x = e.start + (c - out)
            return x, x + 1
        at = out
        for p in e.pieces:
            n = len(p) if isinstance(p, str) else p[1] - p[0]
            if c < at + n:
                if isinstance(p, str):
                    return e.start, e.end
                x = p[0] + (c - at)
                return x, x + 1
            at += n
        return e.start, e.end


def _to_raw(layers: list[_EditMap], first: int, last: int) -> tuple[int, int]:
    """Raw ``(start, end)`` of characters ``[first, last)`` of the text after ``layers``."""
    for layer in reversed(layers):
        if last > first:
            first, last = layer.span(first)[0], layer.span(last - 1)[1]
        else:
            first = last = layer.span(first)[0]
    return first, last


def ocr_changes_of(doc: str, raw: str, step_names: tuple[str, ...] = ("ocr_slips", "tone_placement")) -> list[dict[str, Any]]:
    """Edits that OCR-fixing normalisation steps made in one document, in raw positions."""
    from extractors.normalize import DEFAULT_STEPS, _apply

    out: list[dict[str, Any]] = []
    last = max((i for i, s in enumerate(DEFAULT_STEPS) if s.name in step_names), default=-1)
    text = raw
    layers: list[_EditMap] = []
    for k, step in enumerate(DEFAULT_STEPS[: last + 1]):
        edits = list(step.find(text))
        if step.name in step_names:
            for e in edits:
                if e.end <= e.start:
                    continue
                lo = _to_raw(layers, e.start, e.start + 1)[0]
                hi = _to_raw(layers, e.end - 1, e.end)[1]
                new = "".join(p if isinstance(p, str) else text[p[0]:p[1]] for p in e.pieces)
                out.append(_ocr_change(doc, raw, step.name, lo, hi, new))
        if not edits or k == last:
            continue
        layers.append(_EditMap(edits))
        text = _apply(text, None, None, edits)[0]
    return out


def _ocr_change(doc: str, raw: str, step: str, lo: int, hi: int, new: str) -> dict[str, Any]:
    return {"doc": doc, "step": step, "start": lo, "end": hi, "raw": raw[lo:hi], "new": new,
            "context": " ".join(raw[max(0, lo - 50):hi + 50].split()), "href": f"{doc_page(doc)}#o-{lo}"}


def recorded_ocr_changes(d: dict[str, Any], raw: str,
                         step_names: tuple[str, ...] = ("ocr_slips", "tone_placement")) -> list[dict[str, Any]]:
    """:func:`ocr_changes_of` from the changes the analysis recorded (``normalization_changes``),
    without normalising again; computed afresh for a record written before they were."""
    changes = d.get("normalization_changes")
    if changes is None:
        return ocr_changes_of(d["doc"], raw, step_names)
    return [_ocr_change(d["doc"], raw, c["step"], c["start"], c["end"], c["new"])
            for c in changes if c["step"] in step_names]


def _ocr_order(o: dict[str, Any]) -> tuple:
    # OCR slips first: tone placement is house style more often than a scanning error
    return (o["step"] != "ocr_slips", o["doc"], o["start"])


def ocr_changes(documents: Iterable[dict[str, Any]], step_names: tuple[str, ...] = ("ocr_slips", "tone_placement")) -> list[dict[str, Any]]:
    """Edits that OCR-fixing normalisation steps made, in raw positions (suspected OCR slips)."""
    out = []
    for d in documents:
        out += recorded_ocr_changes(d, d.get("text") or "", step_names)
    return sorted(out, key=_ocr_order)


def missing_metadata(d: dict[str, Any], docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"doc": d["doc"], "label": docs.get(d["doc"], {}).get("label", d["doc"]), "page": doc_page(d["doc"]),
             "field": METADATA_LABELS.get(k, k), "reason": show(f.get("reason"))}
            for k, f in (d.get("metadata") or {}).items() if isinstance(f, dict) and f.get("status") == "MISSING"]


def quality(tables: dict[str, pd.DataFrame], documents: Iterable[dict[str, Any]], inputs: list[dict[str, Any]],
            ocr: list[dict[str, Any]] | None = None, missing: list[dict[str, Any]] | None = None, *,
            docs: dict[str, dict[str, Any]] | None = None, hrefs: Mapping[str, str] | None = None,
            counts: Mapping[str, int] | None = None, conflicts_list: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The quality report; every list is capped at :data:`MAX_ROWS` rows (``n`` holds the full counts;
    ``counts`` gives them for ``ocr`` and ``missing`` when those lists come already capped)."""
    docs = _docs(tables) if docs is None else docs
    n: dict[str, int] = {}
    unresolved = []
    n["unresolved"] = 0
    for c in table_rows(tables, "citations", ("doc", "text", "status", "reason", "start")):
        if c.get("status") in (None, "RESOLVED"):
            continue
        n["unresolved"] += 1
        if len(unresolved) < MAX_ROWS:
            unresolved.append({"doc": show(c.get("doc")), "text": show(c.get("text")), "status": show(c.get("status")),
                               "reason": show(c.get("reason")), "href": f"{doc_page(c.get('doc'))}#c-{c.get('start')}"})
    if missing is None:
        missing = [m for d in documents for m in missing_metadata(d, docs)]
    if ocr is None:
        ocr = ocr_changes(documents)
    unmatched: dict[str, dict[str, Any]] = {}
    issues = []
    n["assignment_issues"] = 0
    for a in table_rows(tables, "assignments", ASSIGNMENT_COLUMNS):
        doc = a.get("doc") or a.get("doc_id")
        if a.get("issues"):
            n["assignment_issues"] += 1
            if len(issues) < MAX_ROWS:
                issues.append(dict(a, href=f"{doc_page(a.get('doc'))}#a-{a.get('start')}"))
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                if isinstance(item, dict) and item.get("matched") is False:
                    name = show(item.get("text"))
                    u = unmatched.setdefault(name, {"name": name, "docs": set(), "n": 0,
                                                    "href": f"{doc_page(doc)}#a-{a.get('start')}"})
                    u["docs"].add(str(doc))
                    u["n"] += 1
    for u in unmatched.values():
        u["docs"], u["more_docs"] = _more(sorted(u["docs"]), MAX_LISTED)
    failed = [dict(i, message=show((i.get("error") or {}).get("message")) if isinstance(i.get("error"), dict) else show(i.get("error")),
                   code=show((i.get("error") or {}).get("code")) if isinstance(i.get("error"), dict) else "")
              for i in inputs if i.get("status") != "ok"]
    conflicts = _conflicts(tables) if conflicts_list is None else conflicts_list
    for c in conflicts:
        c["href"] = (hrefs or {}).get(c.get("key")) or c["href"]
    unmatched_list = sorted(unmatched.values(), key=lambda u: (-u["n"], u["name"]))
    n.update(conflicts=len(conflicts), ocr=len(ocr), unmatched=len(unmatched_list), missing=len(missing), failed=len(failed))
    n.update(counts or {})
    return {"conflicts": conflicts[:MAX_ROWS], "unresolved": unresolved, "missing": missing[:MAX_ROWS],
            "ocr": sorted(ocr, key=_ocr_order)[:MAX_ROWS], "unmatched": unmatched_list[:MAX_ROWS],
            "assignment_issues": issues, "failed": failed[:MAX_ROWS], "docs": docs, "n": n, "limit": MAX_ROWS}


def bodies_view(tables: dict[str, pd.DataFrame], documents: Any = None, *,
                docs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Bodies: the ``bodies`` table (first :data:`MAX_ROWS` rows) and each body's roles, with up to :data:`MAX_BODY_DOCS` documents."""
    docs = _docs(tables) if docs is None else docs
    roles: dict[str, dict[str, Any]] = {}
    for a in table_rows(tables, "assignments", ASSIGNMENT_COLUMNS):
        doc = a.get("doc") or a.get("doc_id")
        for role in ("lead", "support"):
            for item in a.get(role) or []:
                name = body_name(item)
                if not name:
                    continue
                b = roles.setdefault(name, {"name": name, "anchor": anchor("b", name), "lead": 0, "support": 0,
                                            "family": "", "level": "", "matched": True, "docs": {}, "variants": set(),
                                            "n_docs": set()})
                b[role] += 1
                if isinstance(item, dict):
                    b["family"] = b["family"] or show(item.get("family"))
                    b["level"] = b["level"] or show(item.get("level"))
                    b["matched"] = b["matched"] and item.get("matched") is not False
                    if item.get("text") and len(b["variants"]) < 50:
                        b["variants"].add(str(item["text"]))
                b["n_docs"].add(doc)
                if doc not in b["docs"] and len(b["docs"]) >= MAX_BODY_DOCS:
                    continue
                tasks = b["docs"].setdefault(doc, [])
                if len(tasks) < 6:
                    tasks.append({"task": show(a.get("task"))[:160], "role": "chủ trì" if role == "lead" else "phối hợp",
                                  "href": f"{doc_page(doc)}#a-{a.get('start')}"})
    table = tables.get("bodies")
    listed = []
    for r in rows(table.head(MAX_ROWS) if table is not None else None):
        name = show(r.get("canonical") or r.get("body") or r.get("name"))
        listed.append({"name": name, "anchor": anchor("b", name), "cells": [show(v) for v in r.values()]})
    for b in roles.values():
        b["variants"] = sorted(b["variants"])
        b["n_docs"] = len(b["n_docs"])
        b["docs"] = [{"doc": k, "label": docs.get(k, {}).get("label", k), "page": doc_page(k), "tasks": v}
                     for k, v in sorted(b["docs"].items(), key=lambda kv: str(kv[0]))]
        b["more_docs"] = b["n_docs"] - len(b["docs"])
    return {"table": {"columns": [str(c) for c in table.columns] if table is not None else [], "rows": listed,
                      "n": len(table) if table is not None else 0},
            "roles": sorted(roles.values(), key=lambda b: (-(b["lead"] + b["support"]), b["name"]))}


def document_view(d: dict[str, Any], cite_keys, conflicts, docs, ocr: Iterable[dict[str, Any]] = (),
                  text: str | None = None) -> dict[str, Any]:
    """One document page; ``text`` is its raw text when the caller has already read it."""
    text = (d.get("text") or "") if text is None else text
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
    spans = document_spans(d, cite_keys, ocr, text=text)
    counts["bodies"] = sum(1 for s in spans if s.kind == "body")
    return {"doc": d["doc"], "info": docs.get(d["doc"], {"label": d["doc"]}), "metadata": md, "outline": outline,
            "text": highlight(text, spans), "tables": doc_tables, "counts": counts,
            "conflicts": [c for c in conflicts if "docs" not in c or d["doc"] in c["docs"]],  # or already this page's
            "footnotes": [{"mark": show(f.get("mark")), "text": show(f.get("body") or f.get("text"))} for f in d.get("footnotes") or []]}


class CitationKeys:
    """``(doc, start)`` → a citation's registry key, status, reason and index link, one document at a time."""

    COLUMNS = ("doc", "start", "key", "status", "reason")  # the columns of ``citations`` read

    def __init__(self, citations: pd.DataFrame | None, hrefs: Mapping[str, str]) -> None:
        self.hrefs = hrefs
        self._pos: dict[Any, Any] = {}
        if citations is not None and not citations.empty and "doc" in citations.columns:
            self._pos = citations.groupby("doc", sort=False).indices
            # Arrow arrays, a document's values taken when its page is rendered: as Python
            # objects, three strings per citation of the corpus would wait for their page.
            self._cols = {c: _arrow_or_objects(citations[c]) for c in ("start", "key", "status", "reason")
                          if c in citations.columns}

    def of(self, doc: Any) -> dict[tuple[Any, Any], dict[str, Any]]:
        pos = self._pos.get(doc)
        if pos is None or "start" not in self._cols:
            return {}
        out = {}
        values = {c: _take(v, pos) for c, v in self._cols.items()}
        for vals in zip(*values.values()):
            info = {c: obj(v) for c, v in zip(values, vals)}
            key = info.get("key")
            if key:
                info["href"] = self.hrefs.get(key) or f"citations.html#{anchor('r', key)}"
            out[(doc, info["start"])] = info
        return out


def _arrow_or_objects(column: pd.Series) -> Any:
    """A column as one Arrow array (missing values as null), or as objects if Arrow has no type for it.

    One array, not chunks: taking rows from a chunked array joins its chunks
    again at every call (a stored table comes in chunks, see :mod:`pipeline.tablestore`).
    """
    try:
        values = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return column.to_numpy(dtype=object)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _take(values: Any, positions: Any) -> list[Any]:
    """``values`` at ``positions``, as Python values."""
    if isinstance(values, pa.Array):
        return values.take(pa.array(positions)).to_pylist()
    return values[positions].tolist()


# --- the site ---------------------------------------------------------------------

class _Environment(jinja2.Environment):
    """``x.name`` on a view dict looks the key up directly.

    Jinja tries ``getattr(x, "name")`` first and falls back to ``x["name"]``; on a
    dict, whose only attributes are its methods, the failed attribute lookup was
    most of the time of a big page (millions of lookups for a national citation
    index).  The result is the same: a method name still finds the method.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def environment(templates_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    """The jinja2 environment: user templates first, autoescaped, strict about undefined names."""
    user = templates_dir or os.environ.get("VNPOLICY_TEMPLATES")
    loaders: list[jinja2.BaseLoader] = []
    if user:
        loaders.append(jinja2.FileSystemLoader(str(user)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = _Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             auto_reload=False, cache_size=-1)
    env.globals.update(KINDS=HIGHLIGHT_KINDS, doc_page=doc_page, anchor=anchor)
    env.filters["show"] = show
    return env


def site_stage(tables: dict[str, pd.DataFrame], documents: Sequence[dict[str, Any]], out: Path, inputs) -> None:
    """Output stage: ``out/site/``."""
    render_site(tables, documents, Path(out) / "site", list(inputs or []))


# Seconds per part of the last render (for benchmarks).
LAST_TIMINGS: dict[str, float] = {}

NAV = [("index.html", "Tổng quan"), ("citations.html", "Trích dẫn"), ("compare.html", "So sánh"),
       ("bodies.html", "Cơ quan"), ("quality.html", "Chất lượng")]


def render_site(tables: dict[str, pd.DataFrame], documents: Sequence[dict[str, Any]], site: str | os.PathLike[str],
                inputs: list[dict[str, Any]] | None = None, templates_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Render every page into a fresh folder next to ``site``, then swap it in: all or nothing.

    Pages are written as they are rendered (one document's text and page in
    memory at a time), into ``.<site>.tmp-*``; only when every page is there
    does that folder replace ``site``.  A template error or an interrupted
    run leaves the previous site untouched (and the next run removes the
    leftover folder).
    """
    site = Path(site)
    site.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}.tmp-", dir=site.parent))
    try:
        names = _render_into(tmp, tables, documents, inputs or [], templates_dir)
        os.chmod(tmp, 0o755 & ~_umask())
        _swap_in(tmp, site)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [site / n for n in names]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_leftovers(site: Path) -> None:
    """Folders an interrupted render left next to ``site``."""
    for p in site.parent.glob(f".{site.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in site.parent.glob(f".{site.name}.old-*"):
        if site.exists():
            shutil.rmtree(p, ignore_errors=True)
        else:  # killed between the two renames: the old site comes back until a new one is ready
            os.replace(p, site)


def _swap_in(tmp: Path, site: Path) -> None:
    if not site.exists():
        os.replace(tmp, site)
        return
    old = site.parent / f".{site.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    os.replace(site, old)
    os.replace(tmp, site)
    shutil.rmtree(old, ignore_errors=True)


def _render_into(folder: Path, tables: dict[str, pd.DataFrame], documents: Sequence[dict[str, Any]],
                 inputs: list[dict[str, Any]], templates_dir: str | os.PathLike[str] | None) -> list[str]:
    LAST_TIMINGS.clear()
    generated = pd.Timestamp.now().strftime("%Y-%m-%d %H:%M")
    if isinstance(tables, TableStore):
        # Out of core, the index pages are rendered in a process of their own: their working
        # copies (the whole citation index) die with it, instead of staying fragmented in this
        # process's heap through the longest part, the document pages.
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            written, hrefs, laps = pool.submit(_index_pages_apart, folder, tables, templates_dir, generated).result()
        pages = _Pages(folder, tables, templates_dir, generated)
        pages.written += written
        pages.laps.update(laps)
    else:
        pages = _Pages(folder, tables, templates_dir, generated)
        hrefs = _index_pages(pages, tables)
    _document_and_quality_pages(pages, tables, documents, inputs, hrefs)
    LAST_TIMINGS.update(pages.laps)
    return pages.written


class _Pages:
    """Pages rendered into ``folder`` and written at once: the names written, the seconds of each part."""

    def __init__(self, folder: Path, tables: dict[str, pd.DataFrame], templates_dir: str | os.PathLike[str] | None,
                 generated: str) -> None:
        self.folder = folder
        self.templates_dir = templates_dir
        self.env = environment(templates_dir)
        self.docs = _docs(tables)
        self.common = {"nav": NAV, "documents": list(self.docs.values()), "generated": generated}
        self.written: list[str] = []
        self.laps: dict[str, float] = {}
        self._clock = time.perf_counter()

    def write(self, name: str, html: str) -> None:
        with open(self.folder / name, "wb") as f:
            f.write(html.encode("utf-8"))
        self.written.append(name)

    def page(self, name: str, template: str, **ctx: Any) -> None:
        self.write(name, self.env.get_template(template).render(page=name, **self.common, **ctx))

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._clock, 3)
        self._clock = now


def _index_pages_apart(folder: Path, tables: dict[str, pd.DataFrame], templates_dir: str | os.PathLike[str] | None,
                       generated: str) -> tuple[list[str], dict[str, str], dict[str, float]]:
    """:func:`_index_pages` in a process of its own; returns the names written, the links and the seconds."""
    pages = _Pages(folder, tables, templates_dir, generated)
    hrefs = _index_pages(pages, tables)
    return pages.written, hrefs, pages.laps


def _index_pages(pages: _Pages, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The overview, citation index, comparison and bodies pages; returns each registry key's link in the index."""
    docs, page = pages.docs, pages.page
    pages.lap("setup")
    # 1. Overview (its first page; the documents list continues on documents-N.html).
    ov = overview(tables, docs=docs)
    page("index.html", "index.html", view=ov)
    for p, name in enumerate(ov["page_names"][1:], 1):
        chunk = ov["docs"][p * DOCS_PER_PAGE:(p + 1) * DOCS_PER_PAGE]
        page(name, "documents.html", view=ov, doclist=chunk, pager=pager(ov["page_names"], p),
             lo=p * DOCS_PER_PAGE + 1, hi=p * DOCS_PER_PAGE + len(chunk))
    del ov

    pages.lap("overview")
    # 2. Citation index, one page of entries at a time (citing documents filled just before rendering).
    cidx = citation_index(tables, docs=docs, citing=False, conflicts_list=_conflicts(tables, with_docs=False))
    hrefs = cidx["hrefs"]
    texts = CitationTexts(read_table(tables, "citations", CitationTexts.COLUMNS))
    mentions = cidx["mentions"]
    for part in cidx["pages"]:
        for e in part["entries"]:
            e["citing"] = citing_documents(e, docs, texts, mentions=mentions.of(e))
        page(part["name"], "citations.html", view=cidx, part=part)
        for e in part["entries"]:
            if e["more"]:
                full = dict(e, citing=citing_documents(e, docs, texts, CITING_FULL, CITING_SNIPPETS,
                                                       mentions=mentions.of(e)), more=0)
                page(e["all_href"], "citation.html", e=full)
            e["citing"] = []
    del cidx, texts, mentions
    release_free_memory()

    pages.lap("citations")
    # 3. Comparison and bodies.
    page("compare.html", "compare.html", view=comparison(tables, docs=docs, hrefs=hrefs))
    page("bodies.html", "bodies.html", view=bodies_view(tables, docs=docs))
    pages.lap("compare_bodies")
    return hrefs


def _document_and_quality_pages(pages: _Pages, tables: dict[str, pd.DataFrame], documents: Sequence[dict[str, Any]],
                                inputs: list[dict[str, Any]], hrefs: Mapping[str, str]) -> None:
    """Every document's page, then the quality page and the static files."""
    docs, written = pages.docs, pages.written
    conflicts = _conflicts(tables)
    for c in conflicts:  # linked to their entry in the index, as citation_index links them
        c["href"] = hrefs.get(c.get("key"), c["href"])
    # 4. Document pages, written as they are rendered (by worker processes for a big corpus);
    #    OCR slips and missing metadata gathered for the quality page, bounded.
    cite_keys = CitationKeys(read_table(tables, "citations", CitationKeys.COLUMNS), hrefs)
    conflicts_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in conflicts:  # a page needs only what it shows
        shown = {k: c.get(k) for k in ("href", "symbol", "type", "detail")}
        for doc in c["docs"]:
            conflicts_of[doc].append(shown)
    found = _Findings(pages.folder)
    tasks = ((doc, source, cite_keys.of(doc), conflicts_of.get(doc, [])) for doc, source in _page_sources(documents))
    try:
        for name, ocr_d, missing_d in _document_pages(tasks, len(documents), pages.folder, pages.templates_dir,
                                                      pages.common, docs, pages.env):
            written.append(name)
            found.add(ocr_d, missing_d)
    finally:
        found.close()
    if found.n_ocr:
        written.append(found.csv_name)

    pages.lap("documents")
    # 5. Quality, then the static files.
    pages.page("quality.html", "quality.html",
               view=quality(tables, (), inputs, found.ocr(), found.missing, docs=docs, hrefs=hrefs,
                            counts={"ocr": found.n_ocr, "missing": found.n_missing}, conflicts_list=conflicts))
    for name in STATIC_FILES:
        pages.write(name, pages.env.get_template(name).render())
    pages.lap("quality_static")


# --- document pages -------------------------------------------------------------------

# From this many documents on, pages are rendered by worker processes (one per core).
PARALLEL_MIN_DOCS = 200
_WORKER: dict[str, Any] = {}


def _page_sources(documents: Sequence[dict[str, Any]]) -> Iterator[tuple[str, Any]]:
    """``(doc id, source)``: the path of ``documents/<doc>.json`` for a run's :class:`DocumentSet`
    (record and raw text in one read, in whichever process renders the page), else the record itself."""
    from .runner import DocumentSet
    from .store import doc_filename

    if isinstance(documents, DocumentSet):
        base = documents.out / "documents"
        for doc in documents.ids:
            yield doc, str(base / doc_filename(doc))
    else:
        for d in documents:
            yield d["doc"], d


def _document_page(task: tuple[str, Any, Mapping, list], folder: Path, env: jinja2.Environment,
                   common: dict[str, Any], docs: dict[str, dict[str, Any]]) -> tuple[str, list, list]:
    """Render and write one document's page; returns its name, OCR slips and missing metadata."""
    doc, source, cites, conflicts = task
    if isinstance(source, str):
        d = orjson.loads(Path(source).read_bytes())
        text = d.pop("text", None) or ""
        d["doc"] = doc
    else:
        d = source
        text = d.get("text") or ""
    ocr = recorded_ocr_changes(d, text)
    view = document_view(d, cites, conflicts, docs, ocr, text=text)
    name = doc_page(doc)
    html = env.get_template("document.html").render(page=name, **common, view=view)
    with open(folder / name, "wb") as f:
        f.write(html.encode("utf-8"))
    return name, ocr, missing_metadata(d, docs)


def _init_worker(folder: str, templates_dir: Any, common: dict[str, Any], docs: dict[str, dict[str, Any]]) -> None:
    _WORKER.update(folder=Path(folder), env=environment(templates_dir), common=common, docs=docs)


def _worker_page(task: tuple[str, Any, Mapping, list]) -> tuple[str, list, list]:
    w = _WORKER
    return _document_page(task, w["folder"], w["env"], w["common"], w["docs"])


def _document_pages(tasks: Iterable[tuple[str, Any, Mapping, list]], n: int, folder: Path, templates_dir: Any,
                    common: dict[str, Any], docs: dict[str, dict[str, Any]], env: jinja2.Environment
                    ) -> Iterator[tuple[str, list, list]]:
    """Every document page, results in input order; in ``spawn``ed workers for a big corpus.

    Spawned rather than forked workers: a forked child would appear to hold
    the parent's whole memory (its tables) in the benchmark's resident-memory sum.
    """
    from .runner import default_workers

    workers = min(default_workers(), int(os.environ.get("VNPOLICY_SITE_WORKERS", "0")) or default_workers())
    if n < PARALLEL_MIN_DOCS or workers <= 1:
        for task in tasks:
            yield _document_page(task, folder, env, common, docs)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker,
                             initargs=(str(folder), templates_dir, common, docs)) as pool:
        pending: deque = deque()
        try:
            for task in tasks:
                pending.append(pool.submit(_worker_page, task))
                if len(pending) >= workers * 8:  # bounded in flight; results taken in input order
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:
            for f in pending:
                f.cancel()
            raise


class _Findings:
    """OCR slips and missing metadata of every document, kept bounded: the first rows for the
    quality page (in its order), counts, and every OCR slip streamed to ``ocr_slips.csv``."""

    csv_name = "ocr_slips.csv"
    CSV_COLUMNS = ("doc", "step", "start", "end", "raw", "new", "context")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ocr: list[dict[str, Any]] = []
        self.missing: list[dict[str, Any]] = []
        self.n_ocr = self.n_missing = 0
        self._csv = None
        self._writer = None

    def add(self, ocr: list[dict[str, Any]], missing: list[dict[str, Any]]) -> None:
        self.n_missing += len(missing)
        if len(self.missing) < MAX_ROWS:
            self.missing += missing[: MAX_ROWS - len(self.missing)]
        if not ocr:
            return
        if self._writer is None:
            import csv

            self._csv = open(self.folder / self.csv_name, "w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._csv)
            self._writer.writerow(self.CSV_COLUMNS)
        self._writer.writerows([o.get(c) for c in self.CSV_COLUMNS] for o in ocr)
        self.n_ocr += len(ocr)
        self._ocr += ocr
        if len(self._ocr) > 4 * MAX_ROWS:
            self._ocr = sorted(self._ocr, key=_ocr_order)[:MAX_ROWS]

    def ocr(self) -> list[dict[str, Any]]:
        return sorted(self._ocr, key=_ocr_order)[:MAX_ROWS]

    def close(self) -> None:
        if self._csv is not None:
            self._csv.close()
