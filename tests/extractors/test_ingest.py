"""ingest: every way a real document arrives gives the same text; every bad input its coded error."""
from __future__ import annotations

import os
import unicodedata

import pytest

from extractors.errors import CATALOGUE, VnPolicyError
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment
from extractors.tables import find_tables
from vn_fixtures import (
    BAD_INPUTS,
    CORPUS,
    build_docx,
    build_pdf,
    corpus_doc,
    encode_cp1258,
    read_text,
    running_as_root,
)

METADATA_FIELDS = ("kind", "symbol", "date", "province")

# How a text file may be stored: (variant name, suffix, text -> bytes).
TEXT_VARIANTS = (
    ("utf8", ".txt", lambda t: t.encode("utf-8")),
    ("utf8_bom", ".txt", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    ("utf16_le_bom", ".txt", lambda t: b"\xff\xfe" + t.encode("utf-16-le")),
    ("utf16_be_bom", ".txt", lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
    ("cp1258", ".txt", encode_cp1258),
    ("nfd_utf8", ".txt", lambda t: unicodedata.normalize("NFD", t).encode("utf-8")),
    ("nfd_utf8_markdown_suffix", ".md", lambda t: unicodedata.normalize("NFD", t).encode("utf-8")),
    ("crlf_utf8", ".txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
)


def _meta(raw: str) -> dict:
    doc = segment("x", normalize(raw))
    return {f: getattr(doc.metadata, f).value for f in METADATA_FIELDS}


@pytest.fixture(scope="module")
def originals():
    """Normalised text and metadata of each corpus document read as plain UTF-8."""
    out = {}
    for path in CORPUS:
        raw = read_text(path)
        out[path.name] = (normalize(raw).text, _meta(raw), raw)
    return out


@pytest.mark.parametrize("variant,suffix,encode", TEXT_VARIANTS, ids=[v[0] for v in TEXT_VARIANTS])
@pytest.mark.parametrize("doc", CORPUS, ids=[p.name[:3] for p in CORPUS])
def test_text_encodings_give_the_same_normalised_text_and_metadata(tmp_path, originals, doc, variant, suffix, encode):
    text, meta, raw = originals[doc.name]
    data = encode(raw)
    p = tmp_path / f"{doc.stem}{suffix}"
    p.write_bytes(data)
    got = ingest(p)
    assert normalize(got.raw).text == text
    assert _meta(got.raw) == meta


def test_cp1258_is_detected_as_cp1258(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes(encode_cp1258(read_text(corpus_doc("003"))))
    assert ingest(p).encoding == "cp1258"


def test_nfd_input_really_is_decomposed():
    """Guard for the NFD rows above: the fixture must differ from its composed form."""
    raw = read_text(corpus_doc("003"))
    assert unicodedata.normalize("NFD", raw) != raw


def _tables_shape(raw: str) -> list[int]:
    return [len(t.rows) for t in find_tables(normalize(raw))]


@pytest.mark.parametrize("doc", CORPUS, ids=[p.name[:3] for p in CORPUS])
def test_docx_gives_the_same_text_metadata_and_tables(tmp_path, originals, doc):
    text, meta, raw = originals[doc.name]
    p = tmp_path / f"{doc.stem} bản Word.docx"
    p.write_bytes(build_docx(raw))
    got = ingest(p)
    assert got.format == "docx"
    assert normalize(got.raw).text == text
    assert _meta(got.raw) == meta
    assert _tables_shape(got.raw) == _tables_shape(raw)


def test_docx_keeps_tables_as_real_tables(tmp_path):
    """The 003 plan table, rebuilt from real docx tables, is still one 17-row table."""
    import docx

    raw = read_text(corpus_doc("003"))
    data = build_docx(raw)
    assert len(docx.Document(__import__("io").BytesIO(data)).tables) >= 3  # the fixture has real tables
    p = tmp_path / "003.docx"
    p.write_bytes(data)
    tables = find_tables(normalize(ingest(p).raw))
    assert len(tables[0].rows) == 17
    assert tables[0].segments == 3


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_pdf_with_text_layer_gives_the_same_words_and_metadata(tmp_path, originals, prefix):
    doc = corpus_doc(prefix)
    text, meta, raw = originals[doc.name]
    p = tmp_path / f"{doc.stem}.pdf"
    p.write_bytes(build_pdf(raw))
    got = ingest(p)
    assert got.format == "pdf"
    # A PDF keeps no blank lines and no tabs, so paragraphs cannot survive; the words must.
    assert normalize(got.raw).text.split() == text.split()
    assert _meta(got.raw) == meta


@pytest.mark.parametrize("name,filename,code", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gives_its_coded_error(bad_input, name, filename, code):
    p = bad_input(name)
    with pytest.raises(VnPolicyError) as info:
        ingest(p)
    assert info.value.code == code
    # the message says what happened and what to do
    kind = CATALOGUE[code]
    assert kind.what in str(info.value) and kind.todo in str(info.value)


def test_file_over_the_size_limit_gives_e004(tmp_path):
    p = tmp_path / "lớn.txt"
    p.write_bytes(read_text(corpus_doc("002")).encode("utf-8"))
    with pytest.raises(VnPolicyError) as info:
        ingest(p, max_bytes=1000)
    assert info.value.code == "E004"
    assert ingest(p, max_bytes=p.stat().st_size).size == p.stat().st_size  # the limit is inclusive


@pytest.mark.skipif(running_as_root(), reason="running as root: root can read a file without read permission")
def test_file_without_read_permission_gives_e002(tmp_path):
    p = tmp_path / "khóa.txt"
    p.write_bytes(read_text(corpus_doc("002")).encode("utf-8"))
    os.chmod(p, 0)
    try:
        with pytest.raises(VnPolicyError) as info:
            ingest(p)
        assert info.value.code == "E002"
    finally:
        os.chmod(p, 0o644)


def test_missing_file_gives_e001(tmp_path):
    with pytest.raises(VnPolicyError) as info:
        ingest(tmp_path / "không có.txt")
    assert info.value.code == "E001"


def test_cyrillic_cp1251_is_not_mistaken_for_cp1258(tmp_path):
    """A legacy single-byte file of another language must be refused, not decoded as Vietnamese."""
    p = tmp_path / "nga.txt"
    p.write_bytes(("Постановление правительства о национальном жилищном фонде. " * 60).encode("cp1251"))
    with pytest.raises(VnPolicyError) as info:
        ingest(p)
    assert info.value.code == "E006"


def test_bom_is_not_part_of_the_raw_text(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "Số 02 - ĐA/TU".encode("utf-8"))
    assert ingest(p).raw == "Số 02 - ĐA/TU"
