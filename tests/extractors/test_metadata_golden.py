"""Golden metadata of the corpus and the four extra documents, written from issue 2 and from reading them.

Values are what a reader of each document would write down, never what the
code happened to output.  ``MISSING`` rows pin that a field is *not* invented
and that its status says why.
"""
from __future__ import annotations

import pytest

from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.records import Status
from extractors.segment import segment
from vn_fixtures import ALL_DOCS, corpus_doc

MISSING = object()

# document prefix → expected values (a field not listed is not pinned)
GOLDEN: dict[str, dict[str, object]] = {
    "003": {
        "kind": "Đề án", "symbol": "02-ĐA/TU", "number": "02", "date": "2021-05-23",
        "province": "Tuyên Quang", "level": "tỉnh", "issuer": "Ban Thường vụ Tỉnh ủy",
    },
    "001": {
        "kind": "Nghị quyết", "symbol": "21-NQ/TU", "number": "21", "date": "2026-03-12",
        "province": "Điện Biên", "level": "tỉnh", "period_start": 2025, "period_end": 2030,
    },
    "002": {
        "kind": "Hướng dẫn", "date": "2024-02-26", "province": "Thái Nguyên", "level": "tỉnh",
    },
    "000": {
        "kind": "Đề án", "province": "Thái Nguyên", "level": "tỉnh",
        "period_start": 2025, "period_end": 2030, "symbol": MISSING, "number": MISSING,
    },
    "004": {
        "kind": "Đề án", "commune": "Xã Kẻ Sặt", "province": "Hải Phòng", "level": "xã",
        "period_start": 2025, "period_end": 2030,
    },
    # the four extra documents (tests/data/extra), read by hand
    "02_": {  # Tỉnh ủy Lào Cai, "Số 104 -CTr/TU  Lào Cai, ngày 30 tháng 8 năm 2026"
        "kind": "Chương trình hành động", "symbol": "104-CTr/TU", "number": "104", "date": "2026-08-30",
        "province": "Lào Cai", "level": "tỉnh",
    },
    "03_": {  # OCR of a scan: "Số 34 -NQ/TU Lào Cai, ngày 27 tháng 12 năm 2025", "CỦA BAN THƯỜNG VỤ TỈNH ỦY"
        "kind": "Nghị quyết", "symbol": "34-NQ/TU", "number": "34", "date": "2025-12-27",
        "province": "Lào Cai", "level": "tỉnh", "issuer": "Ban Thường vụ Tỉnh ủy",
    },
    "10_": {  # "Số: 165/KH-UBND", "Cần Thơ, ngày 21 tháng 11 năm 2025"
        "kind": "Kế hoạch", "symbol": "165/KH-UBND", "number": "165", "date": "2025-11-21",
        "province": "Cần Thơ", "level": "tỉnh",
    },
    # A Government decree signed in Hà Nội applies to the whole country: filing it
    # under the province of Hà Nội would mislead anyone comparing provinces, so the
    # province is MISSING (with a reason) and the level says "trung ương".
    "14_": {
        "kind": "Nghị định", "symbol": "302/2025/NĐ-CP", "number": "302", "date": "2025-11-19",
        "level": "trung ương", "province": MISSING, "commune": MISSING, "issuer": "Chính phủ",
    },
}

ROWS = [(prefix, name, value) for prefix, fields in GOLDEN.items() for name, value in fields.items()]


@pytest.fixture(scope="module")
def documents():
    out = {}
    for prefix in GOLDEN:
        raw = ingest(corpus_doc(prefix)).raw
        out[prefix] = (raw, segment(prefix, normalize(raw)))
    return out


@pytest.mark.parametrize("prefix,field,expected", ROWS, ids=[f"{p}-{f}" for p, f, _ in ROWS])
def test_golden_metadata(documents, prefix, field, expected):
    got = getattr(documents[prefix][1].metadata, field)
    if expected is MISSING:
        assert got.status is Status.MISSING, f"{field} should be missing, got {got.value!r}"
        assert got.value is None
        assert got.reason, "a MISSING field says why"
    else:
        assert got.status is Status.FOUND, got.reason
        assert got.value == expected


def test_central_decree_is_not_filed_under_its_place_of_signing(documents):
    province = documents["14_"][1].metadata.province
    assert province.value != "Hà Nội"
    assert "trung ương" in province.reason


def test_city_people_committee_is_not_called_a_province_committee(documents):
    issuer = documents["10_"][1].metadata.issuer
    assert issuer.status is Status.FOUND
    assert issuer.value.startswith("Ủy ban nhân dân")
    assert "thành phố" in issuer.value


@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_every_found_field_points_at_its_evidence_in_the_raw_text(doc):
    raw = ingest(doc).raw
    meta = segment(doc.name, normalize(raw)).metadata
    found = 0
    for name in meta.__dataclass_fields__:
        f = getattr(meta, name)
        if f.status is Status.FOUND:
            found += 1
            ev = f.evidence
            assert ev is not None, f"{name} is FOUND without evidence"
            assert 0 <= ev.start <= ev.end <= len(raw)
            assert raw[ev.start : ev.end] == ev.text, name
            assert ev.text.strip(), f"{name}: empty evidence"
        else:
            assert f.value is None and f.reason, f"{name}: MISSING needs a reason and no value"
    assert found >= 4


@pytest.mark.parametrize("doc", ALL_DOCS, ids=[p.name[:6] for p in ALL_DOCS])
def test_metadata_never_comes_from_the_file_name(tmp_path, doc):
    """The same text under a meaningless name gives the same metadata."""
    renamed = tmp_path / "x.txt"
    renamed.write_bytes(doc.read_bytes())
    a = segment("a", normalize(ingest(doc).raw)).metadata.to_dict()
    b = segment("b", normalize(ingest(renamed).raw)).metadata.to_dict()
    assert a == b


@pytest.mark.parametrize("prefix", ["003", "02_", "03_", "10_", "14_"])
def test_symbol_evidence_contains_the_number(documents, prefix):
    meta = documents[prefix][1].metadata
    assert meta.number.value in meta.symbol.evidence.text
