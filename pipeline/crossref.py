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
from typing import Any, Callable, Iterable

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
    for d in records(documents):
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
    """Canonical keys, registry, resolution and conflicts for a corpus's citations."""
    docs = {d["doc"]: d for d in records(documents)}
    # Only the columns read here become Python dicts (a national corpus has hundreds of
    # thousands of mentions); the keyed table is the input plus the new columns.
    rows = records(citations[[c for c in citations.columns if c in MENTION_FIELDS]])
    # 1. a base key per mention: namespace + symbol (or named document)
    for r in rows:
        doc = docs.get(r["doc"], {})
        national = _is_national(r) if r.get("symbol") else True
        r["national"] = national
        r["jurisdiction"] = "" if national else _jurisdiction(r, doc)
        if r.get("symbol"):
            ns = "national" if national else (r["jurisdiction"] or "?")
            r["base_key"] = f"{ns}|{r['symbol']}"
            r["edition"] = _edition(r, local=not national)
        else:
            name = r.get("name") or r.get("text") or ""
            local_name = bool(re.search(r"(?i)đảng bộ (tỉnh|xã|huyện)|tỉnh lần thứ", name))
            jur = (doc.get("province") or "?") if local_name else "national"
            r["jurisdiction"] = "" if not local_name else jur
            r["national"] = not local_name
            r["base_key"] = f"{jur}|name:{fold(name)}"
            r["edition"] = ""
    # 2. editions: a mention without a term/year joins the only edition, or is ambiguous
    editions: dict[str, set[str]] = defaultdict(set)
    doc_editions: dict[tuple[str, str], set[str]] = defaultdict(set)  # (base key, doc) → editions it cites
    for r in rows:
        if r["edition"]:
            editions[r["base_key"]].add(r["edition"])
            doc_editions[(r["base_key"], r["doc"])].add(r["edition"])
    for r in rows:
        eds = editions.get(r["base_key"], set())
        if r["edition"] or not eds:
            r["key"] = r["base_key"] + (f"|{r['edition']}" if r["edition"] else "")
            r["status"], r["reason"] = Status.RESOLVED.value, "symbol and edition stated" if r["edition"] else "only one edition cited"
        elif len(eds) == 1:
            r["key"] = f"{r['base_key']}|{next(iter(eds))}"
            r["status"], r["reason"] = Status.RESOLVED.value, "no date or term: the only edition cited in the corpus"
        else:
            same_doc = doc_editions.get((r["base_key"], r["doc"]), set())
            if len(same_doc) == 1:
                r["key"] = f"{r['base_key']}|{next(iter(same_doc))}"
                r["status"], r["reason"] = Status.RESOLVED.value, "no date or term: the edition its document cites elsewhere"
            else:
                r["key"] = r["base_key"] + "|?"
                r["status"] = Status.AMBIGUOUS.value
                r["reason"] = f"no date or term, and {len(eds)} editions are cited: {', '.join(sorted(eds))}"
        if r.get("symbol") and not r["national"] and not r["jurisdiction"]:
            r["status"], r["reason"] = Status.UNRESOLVED.value, "local symbol in a document without a known jurisdiction"
    cited = _with_keys(citations, rows)
    registry = _registry(rows, docs)
    resolvers = list(resolvers) if resolvers is not None else []
    resolvers.append(corpus_resolver(documents))
    linked, link_reason = [], []
    for entry in records(registry):
        entry = {k: v if k == "mentions" else json_value(v) for k, v in entry.items()}  # mentions stay JSON text
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
    conflicts = _conflicts(rows, docs)
    if not registry.empty:
        flagged = set(conflicts["key"]) if not conflicts.empty else set()
        registry["has_conflict"] = registry["key"].isin(flagged)
    return CrossrefResult(cited, registry, conflicts)


# The fields of a mention that keying, the registry and the conflicts read.
MENTION_FIELDS = frozenset({
    "doc", "text", "start", "end", "kind", "symbol", "issuer_code", "year", "date", "issuer", "term", "title",
    "self", "role", "section", "name", "scope", "context",
})
# The columns keying adds, in this order, after the input's.
KEY_COLUMNS = ("national", "jurisdiction", "base_key", "edition", "key", "status", "reason")


def _with_keys(citations: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The citations table with the columns :data:`KEY_COLUMNS` set from ``rows`` (one per citation, in order)."""
    if not rows:
        return citations.assign(key=[], status=[], reason=[])
    cited = citations.copy(deep=False)
    for c in KEY_COLUMNS:  # a column the input already has keeps its place, as in a frame of the rows
        cited[c] = pd.Series([r[c] for r in rows], index=cited.index)
    return cited


def _registry(rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> pd.DataFrame:
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_key[r["key"]].append(r)
    entries = []
    for key, ms in by_key.items():
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
        contexts = []
        for m in ms:
            contexts.append({"doc": m["doc"], "start": m.get("start"), "end": m.get("end"),
                             "context": m.get("context", ""), "section": m.get("section", "")})
        first = ms[0]
        entries.append({
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
            "mentions": json_text(contexts),
            "roles": json_text(dict(Counter(m.get("role") or "" for m in ms))),
            "mention_status": json_text(dict(Counter(m["status"] for m in ms))),
            "status": _entry_status(key, ms),
            "reason": Counter(m["reason"] for m in ms).most_common(1)[0][0],
        })
    df = pd.DataFrame(entries)
    if not df.empty:
        df = df.sort_values(["n_citing_docs", "n_mentions", "key"], ascending=[False, False, True]).reset_index(drop=True)
    return df


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


def _conflicts(rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> pd.DataFrame:
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if not r["key"].endswith("|?"):
            by_key[r["key"]].append(r)
    out = []

    def sides(ms, attr):
        groups: dict[str, list[str]] = defaultdict(list)
        for m in ms:
            if m.get(attr) and m["doc"] not in groups[m[attr]]:
                groups[m[attr]].append(m["doc"])
        return groups

    for key, ms in by_key.items():
        symbol = ms[0].get("symbol") or ms[0].get("name") or ""
        dates = sides(ms, "date")
        if len(dates) > 1:
            out.append({"key": key, "symbol": symbol, "type": "date",
                        "detail": " vs ".join(f"{d} ({', '.join(ds)})" for d, ds in sorted(dates.items())),
                        "sides": [{"value": d, "docs": ds} for d, ds in sorted(dates.items())]})
        kinds = sides(ms, "kind")
        if len(kinds) > 1:
            out.append({"key": key, "symbol": symbol, "type": "kind",
                        "detail": " vs ".join(f"{k} ({', '.join(ds)})" for k, ds in sorted(kinds.items())),
                        "sides": [{"value": k, "docs": ds} for k, ds in sorted(kinds.items())]})
        issuers = sides(ms, "issuer")
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
    for c in out:
        c["sides"] = json_text(c["sides"])
    df = pd.DataFrame(out, columns=["key", "symbol", "type", "detail", "sides"])
    return df.drop_duplicates(subset=["key", "type", "detail"]).reset_index(drop=True)


def crossref_stage(tables: dict[str, pd.DataFrame], documents: list[dict[str, Any]], out: Path, inputs) -> None:
    """Corpus stage: replaces ``citations`` with keyed rows and adds ``registry`` and ``conflicts``."""
    result = crossref(tables["citations"], tables["documents"])
    tables["citations"] = result.citations
    tables["registry"] = result.registry
    tables["conflicts"] = result.conflicts
