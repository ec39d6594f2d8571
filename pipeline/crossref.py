"""crossref: canonical keys for cited documents, the registry, resolution and conflicts.

A key says which document a reference means:

* national symbols (TW, QH, CP, TTg, MTTW …) are one namespace:
  ``TW|25-NQ/TW|XI``;
* local symbols (TU, ĐU, UBND, MTTQ of a province or commune) are scoped by
  jurisdiction — the citing document's, unless the reference names another
  place: ``Tuyên Quang|02-ĐA/TU|2020``;
* Party numbering restarts every term and administrative numbering every
  year, so the key carries the term (Party form) or the year (other forms);
  a mention that states neither joins the only edition of its symbol, or is
  AMBIGUOUS when there are several.

Resolution is pluggable: ``crossref(..., resolvers=[...])`` takes callables
``(entry) -> Resolution | None`` tried in order; the default links an entry
to a corpus document with the same jurisdiction, symbol and edition.

As in every corpus table, nested values of the registry and the conflicts
(``dates``, ``mentions``, ``sides`` …) are JSON text; ``pipeline.store.json_value``
reads a cell back (a resolver gets them decoded, except ``mentions``).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import regex

from extractors.jurisdiction import fold, match_province
from extractors.records import Status

from .store import json_text, json_value, records

# First year of each national Party term (Đại hội toàn quốc); a provincial
# congress sits a few months earlier, hence the local offset below.
PARTY_TERMS = {"VIII": 1996, "IX": 2001, "X": 2006, "XI": 2011, "XII": 2016, "XIII": 2021, "XIV": 2026}
NATIONAL_ISSUERS = {"TW", "CP", "TTG", "QH", "MTTW", "UBTVQH", "BCT", "BBT", "BCHTW", "TANDTC", "VKSNDTC"}
CONTEXT = 160


def _term_of_year(year: int, local: bool) -> str:
    """The Party term a year falls in (local congresses meet in the year before)."""
    best = ""
    for term, start in PARTY_TERMS.items():
        if year >= start - (1 if local else 0):
            best = term
    return best


def _year(value: Any) -> int | None:
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    if isinstance(value, (int, float)) and not pd.isna(value):
        return int(value)
    return None


def _symbol_key(symbol: str) -> str:
    return symbol.upper().replace(" ", "")


def _missing(v: Any) -> bool:
    try:
        return v is None or (not isinstance(v, (list, tuple, dict, str)) and bool(pd.isna(v)))
    except (TypeError, ValueError):
        return False


def _issuer_code(row: dict[str, Any]) -> str:
    code = row.get("issuer_code") or ""
    if not code and row.get("symbol"):
        code = re.split(r"[/-]", row["symbol"])[-1]
    return str(code)


def _is_national(row: dict[str, Any]) -> bool:
    scope = row.get("scope")
    if scope in ("national", "local"):
        return scope == "national"
    code = _issuer_code(row).upper().split("-")[0]
    return code in NATIONAL_ISSUERS or code.startswith("QH")


def _edition(row: dict[str, Any], local: bool) -> str:
    """Term (Party form) or year (other forms) of a mention; "" when the text gives neither."""
    symbol = row.get("symbol") or ""
    if re.match(r"^\d+/\d{4}/", symbol):  # the year is in the symbol itself
        return ""
    party_form = bool(re.match(r"^\d+-", symbol))
    term = row.get("term") or ""
    year = _year(row.get("date")) or _year(row.get("year"))
    if party_form:
        if term and str(term).upper() in PARTY_TERMS:
            return str(term).upper()
        return _term_of_year(year, local) if year else ""
    return str(year) if year else ""


def _jurisdiction(row: dict[str, Any], doc: dict[str, Any]) -> str:
    """Whose local symbol this is: the place named in the issuer, else the citing document's."""
    issuer = row.get("issuer") or ""
    m = re.search(r"(?:tỉnh|thành phố)\s+(\w+(?:\s+\w+){0,2})", issuer)
    if m:
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            hit = match_province(" ".join(words[:n]))
            if hit and hit.score >= 95:
                return hit.name
    code = _issuer_code(row).upper()
    if doc.get("level") == "xã" and code in ("ĐU", "DU") and doc.get("commune"):
        return f"{doc.get('province') or ''}/{doc['commune']}"
    return doc.get("province") or ""


@dataclass(frozen=True)
class Resolution:
    status: Status
    reason: str
    doc: str | None = None


Resolver = Callable[[dict[str, Any]], "Resolution | None"]


def corpus_resolver(documents: pd.DataFrame) -> Resolver:
    """Link a registry entry to the corpus document with the same jurisdiction and symbol."""
    index: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # only the cells resolve reads are kept for each indexed document
    for d in records(documents[[c for c in ("doc", "symbol", "province", "date") if c in documents]]):
        if d.get("symbol"):
            index[_symbol_key(d["symbol"])].append(d)

    def resolve(entry: dict[str, Any]) -> Resolution | None:
        if not entry.get("symbol"):
            return None
        hits = []
        for d in index.get(_symbol_key(entry["symbol"]), []):
            if not entry["national"] and (d.get("province") or "") != entry["jurisdiction"].split("/")[0]:
                continue
            years = {y for y in (_year(x) for x in entry["dates"]) if y}
            if years and _year(d.get("date")) and _year(d.get("date")) not in years and len(years) == 1:
                # same symbol, another year: another edition of the numbering
                if abs(next(iter(years)) - _year(d.get("date"))) > 1:
                    continue
            hits.append(d)
        if len(hits) == 1:
            return Resolution(Status.RESOLVED, "in the corpus", hits[0]["doc"])
        if len(hits) > 1:
            return Resolution(Status.AMBIGUOUS, f"{len(hits)} corpus documents carry this symbol")
        return None

    return resolve


def authority_resolver(path: str | Path) -> Resolver:
    """A resolver from a user's authority list: a CSV with columns ``symbol`` and ``url`` (and optional ``jurisdiction``)."""
    table = pd.read_csv(path, dtype=str).fillna("")
    known = {(_symbol_key(r["symbol"]), r.get("jurisdiction", "")): r for r in table.to_dict("records")}

    def resolve(entry: dict[str, Any]) -> Resolution | None:
        for jur in (entry["jurisdiction"], ""):
            r = known.get((_symbol_key(entry.get("symbol") or ""), jur))
            if r:
                return Resolution(Status.RESOLVED, f"authority list: {r.get('url', '')}")
        return None

    return resolve


@dataclass
class CrossrefResult:
    citations: pd.DataFrame
    registry: pd.DataFrame
    conflicts: pd.DataFrame


def crossref(citations: pd.DataFrame, documents: pd.DataFrame,
             resolvers: Iterable[Resolver] | None = None) -> CrossrefResult:
    """Canonical keys, registry, resolution and conflicts for a corpus's citations.

    A national corpus has hundreds of thousands of mentions, each with a long
    ``context``: the citations are read as Python dicts one block of rows at a
    time (:data:`BLOCK_ROWS`), and a registry entry's mentions are gathered by
    row position, so the working set stays a small fraction of the tables.
    """
    docs = {d["doc"]: d for d in records(documents[[c for c in DOCUMENT_FIELDS if c in documents]])}
    cited = _with_keys(citations, _mention_keys(citations, docs))
    groups = _group_by_key(cited)
    registry = _registry(cited, groups)
    resolvers = list(resolvers) if resolvers is not None else []
    resolvers.append(corpus_resolver(documents))
    linked, link_reason = [], []
    for entry in _decoded_entries(registry):
        res = None
        for resolve in resolvers:
            res = resolve(entry)
            if res is not None:
                break
        linked.append(res.doc if res and res.status is Status.RESOLVED else None)
        link_reason.append(res.reason if res else "cited only: not in the corpus or any authority list")
    if not registry.empty:
        registry["corpus_doc"] = linked
        registry["link"] = link_reason
    conflicts = _conflicts(cited, groups, docs)
    if not registry.empty:
        flagged = set(conflicts["key"]) if not conflicts.empty else set()
        registry["has_conflict"] = registry["key"].isin(flagged)
    return CrossrefResult(cited, registry, conflicts)


# What keying reads of a citing document.
DOCUMENT_FIELDS = ("doc", "province", "level", "commune", "date")
# The fields of a mention that keying, the registry and the conflicts read (each only its own).
KEY_FIELDS = ("doc", "text", "symbol", "issuer_code", "year", "date", "issuer", "term", "name", "scope")
REGISTRY_FIELDS = ("doc", "start", "end", "kind", "symbol", "date", "issuer", "term", "title", "role", "section",
                   "name", "context", "national", "jurisdiction", "status", "reason")
CONFLICT_FIELDS = ("doc", "symbol", "name", "date", "kind", "issuer", "self")
# The columns keying adds, in this order, after the input's.
KEY_COLUMNS = ("national", "jurisdiction", "base_key", "edition", "key", "status", "reason")
# Mentions read as Python dicts at a time: about 10 MB with their contexts, where all of a
# 10,000-document corpus's (406,000) took about 3 GB.
BLOCK_ROWS = 4096


def _spans(weights: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, stop)`` ranges of about :data:`BLOCK_ROWS` mentions each (at least one item)."""
    start, total = 0, 0
    for i, w in enumerate(weights):
        total += w
        if total >= BLOCK_ROWS:
            yield start, i + 1
            start, total = i + 1, 0
    if start < len(weights):
        yield start, len(weights)


def _row_blocks(table: pd.DataFrame, fields: Iterable[str],
                mentions: Sequence[int] | None = None) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``table``'s ``fields`` (those it has) as dicts, a block at a time, in order.

    ``mentions``: how many mentions each row holds (one each when not given).
    """
    columns = table[[c for c in fields if c in table.columns]]
    for start, stop in _spans(mentions if mentions is not None else [1] * len(columns)):
        yield records(columns.iloc[start:stop])


def _mention_base_key(r: dict[str, Any], doc: dict[str, Any]) -> tuple[bool, str, str, str]:
    """``(national, jurisdiction, base key, edition)`` of a mention: namespace + symbol (or named document)."""
    if r.get("symbol"):
        national = _is_national(r)
        jurisdiction = "" if national else _jurisdiction(r, doc)
        ns = "national" if national else (jurisdiction or "?")
        return national, jurisdiction, f"{ns}|{r['symbol']}", _edition(r, local=not national)
    name = r.get("name") or r.get("text") or ""
    local_name = bool(re.search(r"(?i)đảng bộ (tỉnh|xã|huyện)|tỉnh lần thứ", name))
    jur = (doc.get("province") or "?") if local_name else "national"
    return not local_name, jur if local_name else "", f"{jur}|name:{_folded(name)}", ""


@lru_cache(maxsize=65536)
def _folded(name: str) -> str:
    """:func:`fold`, memoised: a corpus names the same few thousand documents again and again."""
    return fold(name)


def _mention_keys(citations: pd.DataFrame, docs: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """The :data:`KEY_COLUMNS` of every citation, as lists in row order.

    Equal strings are kept as one object (:func:`_shared`): a list then costs a
    pointer per mention rather than a string.
    """
    shared: dict[Any, Any] = {}
    doc_of, has_symbol, national, jurisdiction, base_key, edition = [], [], [], [], [], []
    # 1. a base key per mention: namespace + symbol (or named document)
    for block in _row_blocks(citations, KEY_FIELDS):
        for r in block:
            nat, jur, base, ed = _mention_base_key(r, docs.get(r["doc"], {}))
            doc_of.append(_shared(shared, r["doc"]))
            has_symbol.append(bool(r.get("symbol")))
            national.append(nat)
            jurisdiction.append(_shared(shared, jur))
            base_key.append(_shared(shared, base))
            edition.append(_shared(shared, ed))
    # 2. editions: a mention without a term/year joins the only edition, or is ambiguous
    editions: dict[str, set[str]] = defaultdict(set)
    for base, ed in zip(base_key, edition):
        if ed:
            editions[base].add(ed)
    # (base key, doc) → the one edition the document cites, None when several: read only where
    # the corpus cites several editions, so only those are gathered (a set of editions for
    # every pair took ~50 MB at 10,000 documents)
    doc_edition: dict[tuple[str, str], str | None] = {}
    for base, ed, doc in zip(base_key, edition, doc_of):
        if ed and len(editions[base]) > 1 and doc_edition.setdefault((base, doc), ed) != ed:
            doc_edition[(base, doc)] = None
    key, status, reason = [], [], []
    for base, ed, doc, sym, nat, jur in zip(base_key, edition, doc_of, has_symbol, national, jurisdiction):
        k, st, why = _edition_key(base, ed, editions.get(base, set()), doc_edition.get((base, doc)))
        if sym and not nat and not jur:
            st, why = Status.UNRESOLVED.value, "local symbol in a document without a known jurisdiction"
        key.append(_shared(shared, k))
        status.append(st)
        reason.append(_shared(shared, why))
    return {"national": national, "jurisdiction": jurisdiction, "base_key": base_key, "edition": edition,
            "key": key, "status": status, "reason": reason}


def _shared(pool: dict[Any, Any], value: Any) -> Any:
    """``value``, or the equal object already in ``pool``: one string per distinct key, not per mention."""
    return pool.setdefault(value, value)


def _edition_key(base: str, edition: str, editions: set[str], doc_edition: str | None) -> tuple[str, str, str]:
    """``(key, status, reason)`` of a mention, given the editions of its base key cited in the corpus
    and the one its document cites (None: none or several)."""
    if edition or not editions:
        return (base + (f"|{edition}" if edition else ""), Status.RESOLVED.value,
                "symbol and edition stated" if edition else "only one edition cited")
    if len(editions) == 1:
        return (f"{base}|{next(iter(editions))}", Status.RESOLVED.value,
                "no date or term: the only edition cited in the corpus")
    if doc_edition:
        return (f"{base}|{doc_edition}", Status.RESOLVED.value,
                "no date or term: the edition its document cites elsewhere")
    return (base + "|?", Status.AMBIGUOUS.value,
            f"no date or term, and {len(editions)} editions are cited: {', '.join(sorted(editions))}")


def _with_keys(citations: pd.DataFrame, keys: dict[str, list[Any]]) -> pd.DataFrame:
    """The citations table with the columns :data:`KEY_COLUMNS` set from ``keys`` (one value per citation, in order)."""
    if citations.empty:
        return citations.assign(key=[], status=[], reason=[])
    cited = citations.copy(deep=False)
    for c in KEY_COLUMNS:  # a column the input already has keeps its place, as in a frame of the rows
        cited[c] = pd.Series(keys[c], index=cited.index)
    return cited


@dataclass(frozen=True)
class _Groups:
    """The mentions of each key by row position (no row is copied).

    Key ``g`` (numbered in order of first mention, as a dict of lists would
    hold them) is ``keys[g]``; row ``i`` has key ``codes[i]``; key ``g``'s rows
    are ``rows[starts[g]:starts[g + 1]]``, in row order.
    """
    keys: list[str]
    codes: np.ndarray
    rows: np.ndarray
    starts: np.ndarray

    def members(self, g: int) -> np.ndarray:
        return self.rows[self.starts[g]:self.starts[g + 1]]

    def size(self, g: int) -> int:
        return int(self.starts[g + 1] - self.starts[g])


def _group_by_key(cited: pd.DataFrame) -> _Groups:
    """The mentions of each key of the keyed citations, as row positions."""
    codes, keys = pd.factorize(cited["key"]) if not cited.empty else (np.zeros(0, dtype=np.intp), pd.Index([]))
    rows = np.argsort(codes, kind="stable")  # stable: a key's mentions stay in row order
    starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))])
    return _Groups(keys.tolist(), codes, rows, starts)


def _grouped_blocks(table: pd.DataFrame, fields: Iterable[str], groups: _Groups,
                    order: Sequence[int]) -> Iterator[list[tuple[int, list[dict[str, Any]]]]]:
    """``[(g, its mentions as dicts), …]`` for the keys ``g`` of ``order``, a block at a time.

    A block holds about :data:`BLOCK_ROWS` mentions (more when one key has more).
    """
    columns = table[[c for c in fields if c in table.columns]]
    for start, stop in _spans([groups.size(g) for g in order]):
        keys = order[start:stop]
        rows = records(columns.take(np.concatenate([groups.members(g) for g in keys])))
        block, at = [], 0
        for g in keys:
            block.append((g, rows[at:at + groups.size(g)]))
            at += groups.size(g)
        yield block


def _registry_order(cited: pd.DataFrame, groups: _Groups) -> np.ndarray:
    """The keys by citing documents, then mentions (most first), then key: the registry's row order.

    Known before the entries are built, so the big ``mentions`` column is
    written in its final order instead of being copied by a sort.
    """
    doc_codes = pd.factorize(cited["doc"], use_na_sentinel=False)[0]  # a missing doc counts, as in a Counter
    summary = pd.DataFrame({
        "n_citing_docs": pd.Series(doc_codes).groupby(groups.codes).nunique().to_numpy(),
        "n_mentions": np.diff(groups.starts),
        "key": pd.Series(groups.keys, dtype=cited["key"].dtype),
    })
    return summary.sort_values(["n_citing_docs", "n_mentions", "key"], ascending=[False, False, True]).index.to_numpy()


def _registry(cited: pd.DataFrame, groups: _Groups) -> pd.DataFrame:
    """One entry per key, in :func:`_registry_order`.

    Each block of entries becomes a frame at once, so only one block's
    entries are ever dicts and strings: the ``mentions`` cells (every
    mention's context) are soon UTF-8 in Arrow, where a Python string of
    Vietnamese text takes two bytes a letter.
    """
    if cited.empty:
        return pd.DataFrame([])
    frames = [pd.DataFrame([_entry(groups.keys[g], ms) for g, ms in block])
              for block in _grouped_blocks(cited, REGISTRY_FIELDS, groups, _registry_order(cited, groups))]
    return pd.concat(frames, ignore_index=True)


def _mentions_text(ms: list[dict[str, Any]]) -> str:
    """The ``mentions`` cell of a registry entry: where each mention stands, as JSON text."""
    return json_text([{"doc": m["doc"], "start": m.get("start"), "end": m.get("end"),
                       "context": m.get("context", ""), "section": m.get("section", "")} for m in ms])


def _entry(key: str, ms: list[dict[str, Any]]) -> dict[str, Any]:
    """The registry entry of a key from its mentions (in row order)."""
    kinds = Counter(m.get("kind") for m in ms if m.get("kind"))
    issuers = Counter(m.get("issuer") for m in ms if m.get("issuer"))
    dates: dict[str, dict[str, Any]] = {}
    for m in ms:
        if m.get("date"):
            d = dates.setdefault(m["date"], {"date": m["date"], "count": 0, "docs": []})
            d["count"] += 1
            if m["doc"] not in d["docs"]:
                d["docs"].append(m["doc"])
    citing = Counter(m["doc"] for m in ms)
    first = ms[0]
    return {
        "key": key,
        "symbol": first.get("symbol") or "",
        "name": first.get("name") or "",
        "kind": kinds.most_common(1)[0][0] if kinds else "",
        "issuer": issuers.most_common(1)[0][0] if issuers else "",
        "term": next((m.get("term") for m in ms if m.get("term")), ""),
        "national": first["national"],
        "jurisdiction": first["jurisdiction"],
        # nested values as JSON text, as in every table: one string per entry, where lists
        # and dicts were Python objects outliving the mentions and fragmenting the heap
        "dates": json_text(sorted(dates)),
        "date_sources": json_text(list(dates.values())),
        "titles": json_text(sorted({m.get("title") for m in ms if m.get("title")})),
        "citing_docs": json_text(dict(citing)),
        "n_citing_docs": len(citing),
        "n_mentions": len(ms),
        "mentions": _mentions_text(ms),
        "roles": json_text(dict(Counter(m.get("role") or "" for m in ms))),
        "mention_status": json_text(dict(Counter(m["status"] for m in ms))),
        "status": _entry_status(key, ms),
        "reason": Counter(m["reason"] for m in ms).most_common(1)[0][0],
    }


def _decoded_entries(registry: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Registry entries as a resolver gets them: nested values decoded, ``mentions`` left as JSON text.

    Read a block at a time: all the entries at once would hold every mention's context as a Python string.
    """
    if registry.empty:
        return
    for block in _row_blocks(registry, registry.columns, registry["n_mentions"].tolist()):
        for entry in block:
            yield {k: v if k == "mentions" else json_value(v) for k, v in entry.items()}


def _entry_status(key: str, mentions: list[dict[str, Any]]) -> str:
    """RESOLVED: the key names one document; AMBIGUOUS: mentions that could be several; UNRESOLVED: no namespace."""
    if key.endswith("|?"):
        return Status.AMBIGUOUS.value
    if any(m["status"] == Status.UNRESOLVED.value for m in mentions):
        return Status.UNRESOLVED.value
    return Status.RESOLVED.value


RE_TERM = re.compile(r"\s*\(?(?:khóa|khoá)\s+[IVXL]+\)?", re.I)
RE_PLACE = regex.compile(r"\s+(?:(?:tỉnh|thành phố|xã|phường)\s+)?(?:\p{Lu}\p{L}*\s*){1,3}$")


@lru_cache(maxsize=65536)
def issuer_canonical(name: str) -> str:
    """One name per issuing body: "Tỉnh ủy Thái Nguyên" and "Ban Chấp hành Đảng bộ tỉnh" are the same body."""
    from extractors.bodies import match_body

    bare = RE_TERM.sub("", name).strip()
    for candidate in (bare, RE_PLACE.sub("", bare)):
        body = match_body(candidate)
        if body.matched:
            return body.canonical
    return fold(bare)


def _compatible_issuers(a: str, b: str) -> bool:
    ca, cb = issuer_canonical(a), issuer_canonical(b)
    if ca == cb:
        return True
    fa, fb = fold(RE_TERM.sub("", a)), fold(RE_TERM.sub("", b))
    return fa.startswith(fb) or fb.startswith(fa)


def _conflicts(cited: pd.DataFrame, groups: _Groups, docs: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Disagreements between the mentions of a key (ambiguous keys left out), keys in order of first mention."""
    stated = [g for g, key in enumerate(groups.keys) if not key.endswith("|?")]
    out = []
    seen: set[tuple[str, str, str]] = set()  # the first of each (key, type, detail), kept as it comes
    for block in _grouped_blocks(cited, CONFLICT_FIELDS, groups, stated):
        for g, ms in block:
            for c in _key_conflicts(groups.keys[g], ms, docs):
                if (c["key"], c["type"], c["detail"]) not in seen:
                    seen.add((c["key"], c["type"], c["detail"]))
                    out.append({**c, "sides": json_text(c["sides"])})
    return pd.DataFrame(out, columns=["key", "symbol", "type", "detail", "sides"])


def _sides(ms: list[dict[str, Any]], attr: str) -> dict[str, list[str]]:
    """Each value of ``attr`` among the mentions, with the documents that state it (in order)."""
    # a dict as an ordered set: a key can have thousands of mentions, a list would be searched for each
    groups: dict[str, dict[str, None]] = defaultdict(dict)
    for m in ms:
        if m.get(attr):
            groups[m[attr]][m["doc"]] = None
    return {value: list(docs) for value, docs in groups.items()}


def _key_conflicts(key: str, ms: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The conflicts among the mentions of one key (``sides`` still a list)."""
    out = []
    symbol = ms[0].get("symbol") or ms[0].get("name") or ""
    dates = _sides(ms, "date")
    if len(dates) > 1:
        out.append({"key": key, "symbol": symbol, "type": "date",
                    "detail": " vs ".join(f"{d} ({', '.join(ds)})" for d, ds in sorted(dates.items())),
                    "sides": [{"value": d, "docs": ds} for d, ds in sorted(dates.items())]})
    kinds = _sides(ms, "kind")
    if len(kinds) > 1:
        out.append({"key": key, "symbol": symbol, "type": "kind",
                    "detail": " vs ".join(f"{k} ({', '.join(ds)})" for k, ds in sorted(kinds.items())),
                    "sides": [{"value": k, "docs": ds} for k, ds in sorted(kinds.items())]})
    issuers = _sides(ms, "issuer")
    names = sorted(issuers)
    clash = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if not _compatible_issuers(a, b)]
    if clash:
        out.append({"key": key, "symbol": symbol, "type": "issuer",
                    "detail": " vs ".join(f"{k} ({', '.join(ds)})" for k, ds in sorted(issuers.items())),
                    "sides": [{"value": k, "docs": ds} for k, ds in sorted(issuers.items())]})
    for m in ms:
        citing_date = docs.get(m["doc"], {}).get("date")
        if m.get("date") and citing_date and m["date"] > citing_date and not m.get("self"):
            out.append({"key": key, "symbol": symbol, "type": "date_after_citing",
                        "detail": f"cited as {m['date']} in {m['doc']}, dated {citing_date}",
                        "sides": [{"value": m["date"], "docs": [m["doc"]]}]})
        sym_year = re.match(r"^\d+/(\d{4})/", m.get("symbol") or "")
        if sym_year and _year(m.get("date")) and int(sym_year.group(1)) != _year(m.get("date")):
            out.append({"key": key, "symbol": symbol, "type": "year_mismatch",
                        "detail": f"symbol year {sym_year.group(1)} but dated {m['date']} in {m['doc']}",
                        "sides": [{"value": m["date"], "docs": [m["doc"]]}]})
    return out


def crossref_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out: Path, inputs) -> None:
    """Corpus stage: replaces ``citations`` with keyed rows and adds ``registry`` and ``conflicts``."""
    result = crossref(tables["citations"], tables["documents"])
    tables["citations"] = result.citations
    tables["registry"] = result.registry
    tables["conflicts"] = result.conflicts
