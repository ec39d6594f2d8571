"""ingest: turn a file into raw text, or raise a coded :class:`VnPolicyError`.

The raw text is what every offset points into.  ``.docx`` tables become
tab-separated lines (one per table row, merged cells left empty), the same
shape the plain-text corpus uses, so the table segmenter serves both.
"""
from __future__ import annotations

import errno
import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import regex

from .errors import VnPolicyError
from .records import Record

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".doc"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Letters that only Vietnamese uses: a legacy decoding that yields many of
# them (and no stray symbols) is a reliable guess.
RE_VIET_LETTER = regex.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\p{M}àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", regex.I)
RE_SUSPECT = regex.compile(r"[\x80-\x9f\ufffd¤¦§¨ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷]")


def _vietnamese_alphabet() -> frozenset[str]:
    """Every letter a Vietnamese text is written with (composed), in both cases."""
    vowels = "aăâeêioôơuưy"
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones}
    letters |= set("abcdefghijklmnopqrstuvwxyzđ")
    return frozenset(letters | {c.upper() for c in letters})


# Another language's single-byte text read as Windows-1258 turns into Latin
# letters Vietnamese never uses ("Ï", "ñ", "ø", "ü"…): Cyrillic cp1251 would
# otherwise pass for Vietnamese, since it decodes to many accented vowels.
VIETNAMESE_ALPHABET = _vietnamese_alphabet()


@dataclass(frozen=True, slots=True)
class RawDocument(Record):
    doc_id: str
    path: str
    format: str
    encoding: str
    sha256: str
    size: int
    raw: str


def ingest(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES, doc_id: str | None = None) -> RawDocument:
    """Read one file into a :class:`RawDocument`.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes("\\ufeffSố 02-ĐA/TU".encode("utf-8"))
    >>> ingest(p).raw
    'Số 02-ĐA/TU'
    """
    p = Path(path)
    data = _read_bytes(p, max_bytes)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise VnPolicyError("E011", p.suffix)
    if suffix == ".doc" or data.startswith(OLE_MAGIC):
        raise VnPolicyError("E007")
    if suffix == ".docx":
        raw, encoding, fmt = _docx_text(data), "docx", "docx"
    elif suffix == ".pdf":
        raw, encoding, fmt = _pdf_text(data), "pdf", "pdf"
    else:
        raw, encoding = decode_text(data)
        fmt = "md" if suffix in {".md", ".markdown"} else "txt"
    if not raw.strip():
        raise VnPolicyError("E003", "no text after decoding")
    return RawDocument(
        doc_id=doc_id or p.name,
        path=str(p),
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        raw=raw,
    )


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    try:
        st = p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP or p.is_symlink():
            raise VnPolicyError("E012", str(p)) from exc
        raise VnPolicyError("E001", str(p)) from exc
    if st.st_size > max_bytes:
        raise VnPolicyError("E004", f"{st.st_size:,} bytes > {max_bytes:,}")
    try:
        data = p.read_bytes()
    except PermissionError as exc:
        raise VnPolicyError("E002", "permission denied") from exc
    except IsADirectoryError as exc:
        raise VnPolicyError("E011", "a directory") from exc
    except OSError as exc:
        raise VnPolicyError("E002", exc.strerror or str(exc)) from exc
    if not data.strip():
        raise VnPolicyError("E003")
    return data


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, encoding name).

    BOMs decide first; then strict UTF-8; then Windows-1258 if the result
    reads as Vietnamese.  Anything else is refused rather than guessed.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise VnPolicyError("E006", "invalid UTF-16") from exc
    if b"\x00" in data[:4096]:
        raise VnPolicyError("E005", "NUL bytes")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidate = data.decode("cp1258", errors="replace")
    if _reads_as_vietnamese(candidate):
        return candidate, "cp1258"
    if _looks_binary(data):
        raise VnPolicyError("E005")
    raise VnPolicyError("E006", "not UTF-8, UTF-16 or Windows-1258")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    return controls > len(sample) * 0.05


def _reads_as_vietnamese(text: str) -> bool:
    sample = unicodedata.normalize("NFC", text[:20000])
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 20:
        return False
    viet = len(RE_VIET_LETTER.findall(sample))
    suspect = len(RE_SUSPECT.findall(sample))
    foreign = sum(ch.isalpha() and ch not in VIETNAMESE_ALPHABET for ch in sample)
    return viet / letters > 0.05 and suspect / letters < 0.01 and foreign / letters < 0.01


def _docx_text(data: bytes) -> str:
    import io

    import docx
    from docx.document import Document as _Doc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: _Doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise VnPolicyError("E008", type(exc).__name__) from exc
    except Exception as exc:  # lxml errors on damaged XML parts
        raise VnPolicyError("E008", type(exc).__name__) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_docx_table_lines(block))
    return "\n".join(lines)


def _docx_table_lines(table) -> list[str]:
    """Rows as tab-separated lines; a merged cell keeps its text in its first slot only."""
    lines = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            tc = cell._tc
            vmerge = tc.tcPr.vMerge if tc.tcPr is not None else None
            if id(tc) in seen or (vmerge is not None and vmerge.val != "restart"):
                cells.append("")
            else:
                cells.append(" ".join(cell.text.split()))
            seen.add(id(tc))
        lines.append("\t".join(cells))
    return lines


def _pdf_text(data: bytes) -> str:
    import io

    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many types for damaged/encrypted files
        raise VnPolicyError("E010", type(exc).__name__) from exc
    if not "".join(pages).strip():
        raise VnPolicyError("E009")
    return "\n\f\n".join(pages)
