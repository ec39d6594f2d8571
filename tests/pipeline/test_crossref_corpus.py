"""The citation index of the bundled corpus (issue 3's 'done when' for the registry and conflicts)."""
from __future__ import annotations

import json

import pytest

DOC_000, DOC_002, DOC_003 = "000_94cb52fd90785ff2.txt", "002_e2032705030b4b05.txt", "003_16b5c5773c00c84f.txt"


def obj(v):
    """A nested cell: load_tables may already have decoded the store's JSON text."""
    return json.loads(v) if isinstance(v, str) else v


def entries(registry, symbol):
    return registry[registry["symbol"] == symbol]


@pytest.mark.parametrize("symbol", ["217-QĐ/TW", "218-QĐ/TW", "18-CT/TW"])
def test_registry_lists_central_documents_with_their_citing_documents(corpus_tables, symbol):
    rows = entries(corpus_tables["registry"], symbol)
    assert len(rows) == 1, rows
    citing = obj(rows.iloc[0]["citing_docs"])
    cits = corpus_tables["citations"]
    expected = set(cits[cits["symbol"] == symbol]["doc"])
    assert set(citing) == expected and len(expected) >= 2


def test_the_two_provincial_02_DA_TU_are_kept_apart(corpus_tables):
    rows = entries(corpus_tables["registry"], "02-ĐA/TU")
    assert set(rows["jurisdiction"]) == {"Thái Nguyên", "Tuyên Quang"}
    tq = rows[rows["jurisdiction"] == "Tuyên Quang"].iloc[0]
    assert tq["corpus_doc"] == DOC_003
    tn = rows[rows["jurisdiction"] == "Thái Nguyên"].iloc[0]
    assert set(obj(tn["citing_docs"])) == {DOC_000, DOC_002}


@pytest.mark.parametrize("symbol, dates", [
    ("02-ĐA/TU", {"2021-04-09", "2021-03-26"}),
    ("62-KL/TW", {"2009-01-08", "2009-12-08"}),
])
def test_real_date_conflicts_are_listed_with_both_sides(corpus_tables, symbol, dates):
    conflicts = corpus_tables["conflicts"]
    hit = conflicts[(conflicts["symbol"] == symbol) & (conflicts["type"] == "date")]
    assert len(hit) == 1
    sides = obj(hit.iloc[0]["sides"])
    assert {s["value"] for s in sides} == dates
    assert all(s["docs"] for s in sides)


def test_two_editions_of_25_NQ_TW_stay_two_documents(corpus_tables):
    rows = entries(corpus_tables["registry"], "25-NQ/TW")
    assert len(rows) == 2
    assert {tuple(obj(d)) for d in rows["dates"]} == {("2008-07-25",), ("2013-06-03",)}


def test_every_citation_has_a_key_and_a_status(corpus_tables):
    cits = corpus_tables["citations"]
    assert cits["key"].notna().all()
    assert set(cits["status"]) <= {"RESOLVED", "AMBIGUOUS", "UNRESOLVED"}
