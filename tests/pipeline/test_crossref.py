"""Cross-referencing rules on small hand-made citation tables (the corpus test is in test_crossref_corpus.py)."""
from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import pipeline.crossref as crossref_module
from pipeline.crossref import authority_resolver, crossref
from pipeline.store import json_value, records

DOCS = pd.DataFrame([
    {"doc": "tn.txt", "province": "Thái Nguyên", "commune": None, "level": "tỉnh", "symbol": None, "date": "2025-10-01"},
    {"doc": "tn2.txt", "province": "Thái Nguyên", "commune": None, "level": "tỉnh", "symbol": None, "date": "2024-02-26"},
    {"doc": "tq.txt", "province": "Tuyên Quang", "commune": None, "level": "tỉnh", "symbol": "02-ĐA/TU", "date": "2021-05-23"},
    {"doc": "ks.txt", "province": "Hải Phòng", "commune": "Xã Kẻ Sặt", "level": "xã", "symbol": None, "date": "2025-11-01"},
])


def cite(doc, symbol, date=None, kind="Nghị quyết", issuer="", term="", self=False, scope=None):
    return {"doc": doc, "symbol": symbol, "date": date, "kind": kind, "issuer": issuer, "term": term,
            "self": self, "scope": scope, "text": symbol, "start": 0, "end": len(symbol), "name": "", "title": ""}


def run(rows):
    return crossref(pd.DataFrame(rows), DOCS)


def test_same_local_symbol_in_two_provinces_is_two_documents():
    r = run([cite("tn.txt", "02-ĐA/TU", "2021-04-09", "Đề án"), cite("tq.txt", "02-ĐA/TU", "2021-05-23", "Đề án", self=True)])
    keys = set(r.registry["key"])
    assert len(keys) == 2
    assert {k.split("|")[0] for k in keys} == {"Thái Nguyên", "Tuyên Quang"}


def test_two_dates_for_one_local_document_are_a_conflict_not_two_documents():
    r = run([cite("tn.txt", "02-ĐA/TU", "2021-04-09", "Đề án"), cite("tn2.txt", "02-ĐA/TU", "2021-03-26", "Đề án")])
    assert len(r.registry) == 1
    conflict = r.conflicts[r.conflicts["type"] == "date"]
    assert len(conflict) == 1
    assert "2021-03-26" in conflict.iloc[0]["detail"] and "2021-04-09" in conflict.iloc[0]["detail"]


def test_party_symbol_reused_in_another_term_is_another_document():
    r = run([cite("tq.txt", "25-NQ/TW", "2008-07-25", term="X"), cite("tq.txt", "25-NQ/TW", "2013-06-03", term="XI")])
    assert len(r.registry) == 2
    assert r.conflicts.empty


def test_undated_mention_with_two_candidate_editions_is_ambiguous():
    r = run([cite("tq.txt", "25-NQ/TW", "2008-07-25"), cite("tn.txt", "25-NQ/TW", "2013-06-03"),
             cite("tn2.txt", "25-NQ/TW")])
    undated = r.citations[r.citations["doc"] == "tn2.txt"].iloc[0]
    assert undated["status"] == "AMBIGUOUS"


def test_undated_mention_joins_the_only_edition():
    r = run([cite("tq.txt", "217-QĐ/TW", "2013-12-12", "Quyết định"), cite("tn.txt", "217-QĐ/TW", None, "Quyết định")])
    assert len(r.registry) == 1
    assert r.registry.iloc[0]["n_citing_docs"] == 2


@pytest.mark.parametrize("a, b", [("303/TB-MTTW-BTT", "303/HD-MTTQ-BTT"), ("93/2021/NĐ-CP", "93/2020/NĐ-CP")])
def test_number_alone_does_not_identify_a_document(a, b):
    r = run([cite("tn2.txt", a, "2023-10-05"), cite("tn2.txt", b, "2023-10-05")])
    assert len(r.registry) == 2


def test_kind_and_issuer_disagreement_are_conflicts():
    r = run([cite("tn.txt", "124-QĐ/TW", "2023-10-02", "Quy định", "Bộ Chính trị"),
             cite("tn2.txt", "124-QĐ/TW", "2023-10-02", "Quyết định", "Ban Bí thư")])
    assert set(r.conflicts["type"]) >= {"kind", "issuer"}


def test_issuer_written_longer_is_not_a_conflict():
    r = run([cite("tn.txt", "18-CT/TW", "2022-10-26", "Chỉ thị", "Ban Bí thư"),
             cite("tn2.txt", "18-CT/TW", "2022-10-26", "Chỉ thị", "Ban Bí thư Trung ương Đảng")])
    assert r.conflicts.empty


def test_date_after_the_citing_document_and_year_contradicting_the_symbol():
    r = run([cite("tn2.txt", "01/2024/TT-BNV", "2025-03-01", "Thông tư")])
    assert set(r.conflicts["type"]) == {"date_after_citing", "year_mismatch"}


def test_reference_naming_another_province_is_scoped_there():
    r = run([cite("tn.txt", "05-NQ/TU", "2021-01-01", issuer="Ban Chấp hành Đảng bộ tỉnh Lạng Sơn")])
    assert r.registry.iloc[0]["jurisdiction"] == "Lạng Sơn"


def test_commune_citing_its_province_document_resolves_to_it():
    docs = pd.concat([DOCS, pd.DataFrame([{"doc": "hp.txt", "province": "Hải Phòng", "commune": None, "level": "tỉnh",
                                            "symbol": "02-ĐA/TU", "date": "2021-05-23"}])])
    r = crossref(pd.DataFrame([cite("ks.txt", "02-ĐA/TU", "2021-05-23", "Đề án")]), docs)
    entry = r.registry.iloc[0]
    assert entry["status"] == "RESOLVED" and entry["corpus_doc"] == "hp.txt"


def test_user_authority_list_resolves_what_the_corpus_cannot(tmp_path):
    path = tmp_path / "authority.csv"
    path.write_text("symbol,url\n217-QĐ/TW,https://example.org/217\n", encoding="utf-8")
    r = crossref(pd.DataFrame([cite("tn.txt", "217-QĐ/TW", "2013-12-12")]), DOCS, resolvers=[authority_resolver(path)])
    assert r.registry.iloc[0]["status"] == "RESOLVED"
    assert "example.org/217" in r.registry.iloc[0]["link"]


def test_a_document_citing_one_edition_elsewhere_decides_its_undated_mention():
    r = run([cite("tq.txt", "25-NQ/TW", "2008-07-25"), cite("tn.txt", "25-NQ/TW", "2013-06-03"),
             cite("tn.txt", "25-NQ/TW"),  # tn.txt cites only the 2013 edition: the undated one is that
             cite("tn2.txt", "25-NQ/TW", "2008-07-25"), cite("tn2.txt", "25-NQ/TW", "2013-06-03"),
             cite("tn2.txt", "25-NQ/TW")])  # tn2.txt cites both: its undated one stays ambiguous
    undated = r.citations[r.citations["date"].isna()].set_index("doc")
    assert undated.loc["tn.txt", "key"] == r.citations.iloc[1]["key"]
    assert undated.loc["tn.txt", "status"] == "RESOLVED"
    assert undated.loc["tn2.txt", "key"].endswith("|?") and undated.loc["tn2.txt", "status"] == "AMBIGUOUS"


def test_conflict_sides_list_each_document_once_in_order_of_first_mention():
    r = run([cite("tn.txt", "02-ĐA/TU", "2021-04-09", "Đề án"),
             cite("tn2.txt", "02-ĐA/TU", "2021-03-26", "Đề án"),
             cite("tn.txt", "02-ĐA/TU", "2021-04-09", "Đề án"),
             cite("tn.txt", "02-ĐA/TU", "2021-03-26", "Đề án")])
    date = r.conflicts[r.conflicts["type"] == "date"]
    assert len(date) == 1
    assert json_value(date.iloc[0]["sides"]) == [{"value": "2021-03-26", "docs": ["tn2.txt", "tn.txt"]},
                                                 {"value": "2021-04-09", "docs": ["tn.txt"]}]


def test_a_conflict_stated_twice_is_listed_once():
    twice = cite("tn2.txt", "05-CT/TU", "2025-03-01", "Chỉ thị")  # dated after tn2.txt (2024-02-26)
    r = run([twice, dict(twice)])
    assert list(r.conflicts["type"]) == ["date_after_citing"]


def mixed_rows():
    """Citations of a few keys, interleaved, some with missing dates, contexts, sections and offsets."""
    rows = [cite("tn.txt", "02-ĐA/TU", "2021-04-09", "Đề án"), cite("tq.txt", "25-NQ/TW", None),
            cite("tn2.txt", "02-ĐA/TU", None, "Đề án"), cite("ks.txt", "18-CT/TW", "2022-10-26", "Chỉ thị"),
            cite("tq.txt", "02-ĐA/TU", "2021-05-23", "Đề án", self=True), cite("tn.txt", "25-NQ/TW", "2013-06-03"),
            cite("tn.txt", "18-CT/TW", None, "Chỉ thị"), cite("tn2.txt", "02-ĐA/TU", "2021-03-26", "Đề án")]
    for i, row in enumerate(rows):
        row["context"] = None if i % 3 == 0 else f"… ngữ cảnh {i} …"
        row["section"] = None if i % 4 == 1 else f"Phần {i}"
        row["start"] = None if i == 5 else row["start"]
    return rows


def test_registry_mentions_are_the_rows_of_each_key_in_row_order():
    """The grouped ``mentions`` cells hold what each keyed citation row says, missing values as null."""
    r = run(mixed_rows())
    keyed = records(r.citations)
    for entry in records(r.registry):
        expected = [{field: m[field] for field in ("doc", "start", "end", "context", "section")}
                    for m in keyed if m["key"] == entry["key"]]
        assert json_value(entry["mentions"]) == expected
        assert entry["n_mentions"] == len(expected)
        assert json_value(entry["citing_docs"]) == dict(Counter(m["doc"] for m in expected))


def test_registry_is_ordered_by_citing_documents_then_mentions_then_key():
    registry = run(mixed_rows()).registry
    ordered = registry.sort_values(["n_citing_docs", "n_mentions", "key"], ascending=[False, False, True])
    assert list(ordered.index) == list(range(len(registry)))


@pytest.mark.parametrize("block_rows", [1, 2, 3])
def test_results_do_not_depend_on_the_block_size(monkeypatch, block_rows):
    rows = mixed_rows()
    table = pd.DataFrame(rows, index=[f"c{i}" for i in range(len(rows))])  # not a range index
    whole = crossref(table, DOCS)
    monkeypatch.setattr(crossref_module, "BLOCK_ROWS", block_rows)
    blocks = crossref(table, DOCS)
    for name in ("citations", "registry", "conflicts"):
        pd.testing.assert_frame_equal(getattr(blocks, name), getattr(whole, name), check_exact=True)


def test_no_citations_give_an_empty_registry_and_no_conflicts():
    r = crossref(pd.DataFrame([cite("tn.txt", "02-ĐA/TU")]).iloc[:0], DOCS)
    assert r.citations.empty and r.registry.empty and r.conflicts.empty
    assert list(r.conflicts.columns) == ["key", "symbol", "type", "detail", "sides"]
