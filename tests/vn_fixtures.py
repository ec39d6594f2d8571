"""Test support: the corpus, and builders of the variants and bad inputs the tests feed to ``ingest``.

Every variant is built on the fly from the corpus text, so no test depends on
files outside the repository (the four extra documents live in tests/data/extra/).
"""
from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpora").glob("*.txt"))
EXTRAS = sorted((Path(__file__).resolve().parent / "data" / "extra").glob("*.txt"))
ALL_DOCS = CORPUS + EXTRAS

# Vietnamese tone marks: Windows-1258 stores them as combining characters
# after a base letter that may itself carry a circumflex, breve or horn.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def corpus_doc(prefix: str) -> Path:
    """The corpus or extra document whose file name starts with ``prefix`` ("003", "14_")."""
    hits = [p for p in ALL_DOCS if p.name.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r} names {len(hits)} documents"
    return hits[0]


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of ``text``: precomposed where the code page has the letter,
    otherwise base letter (with its circumflex/breve/horn) plus a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += (base + tones).encode("cp1258")  # raises: the fixture cannot be built
    return bytes(out)


def build_docx(text: str) -> bytes:
    """A .docx with one paragraph per line; consecutive tab-separated lines become one real table."""
    import docx

    document = docx.Document()
    body = document.element.body
    for sect in body.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        body.remove(sect)  # the template's empty first paragraph would add a line
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            rows = [ln.split("\t") for ln in lines[i:j]]
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells):
                    table.cell(r, c).text = value
            i = j
        else:
            document.add_paragraph(lines[i])
            i += 1
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def unicode_font() -> str | None:
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    return None


def build_pdf(text: str) -> bytes:
    """A one-page PDF with a text layer: every line drawn on its own baseline, on a page
    large enough that nothing wraps or breaks across pages."""
    reportlab = pytest.importorskip("reportlab", reason="reportlab is not installed (pip install -e .[dev])")
    del reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with Vietnamese letters (DejaVu Sans) on this machine")
    pdfmetrics.registerFont(TTFont("VN", font))
    lines = [ln.replace("\t", "   ") for ln in text.split("\n")]
    size, leading = 6, 8
    width = max(pdfmetrics.stringWidth(ln, "VN", size) for ln in lines) + 72
    height = leading * (len(lines) + 2) + 72
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFont("VN", size)
    y = height - 36
    for ln in lines:
        c.drawString(36, y, ln)
        y -= leading
    c.showPage()
    c.save()
    return buf.getvalue()


def build_image_pdf() -> bytes:
    """A "scanned" PDF: one page holding only an image, no text layer."""
    pytest.importorskip("reportlab", reason="reportlab is not installed (pip install -e .[dev])")
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("RGB", (200, 100), (240, 240, 240))
    for x in range(20, 180):
        img.putpixel((x, 50), (0, 0, 0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.drawImage(ImageReader(img), 50, 600, width=400, height=200)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_blank_pdf() -> bytes:
    pytest.importorskip("reportlab", reason="reportlab is not installed (pip install -e .[dev])")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.showPage()
    c.save()
    return buf.getvalue()


def build_encrypted_pdf() -> bytes:
    pytest.importorskip("reportlab", reason="reportlab is not installed (pip install -e .[dev])")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), encrypt="mật-khẩu")
    c.drawString(72, 720, "Secret text")
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx_without_document_part() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/other.xml", "<x/>")
    return buf.getvalue()


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# (name, file name, what makes it bad, expected error code); built by make_bad_inputs.
BAD_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("empty", "rỗng.txt", "E003"),
    ("whitespace_only", "chỉ khoảng trắng.txt", "E003"),
    ("binary", "nhị phân.txt", "E005"),
    ("old_doc", "văn bản cũ.doc", "E007"),
    ("ole_renamed_docx", "đổi tên.docx", "E007"),
    ("truncated_docx", "cụt.docx", "E008"),
    ("docx_without_document", "hỏng.docx", "E008"),
    ("zip_garbage_docx", "rác.docx", "E008"),
    ("scanned_pdf", "bản quét.pdf", "E009"),
    ("blank_pdf", "trang trắng.pdf", "E009"),
    ("encrypted_pdf", "mật khẩu.pdf", "E010"),
    ("damaged_pdf", "hỏng.pdf", "E010"),
    ("shift_jis", "tiếng Nhật.txt", "E006"),
    ("random_high_bytes", "ngẫu nhiên.txt", "E006"),
    ("unsupported_suffix", "bảng tính.xlsx", "E011"),
    ("broken_symlink", "liên kết gãy.txt", "E012"),
    ("symlink_loop", "vòng lặp.txt", "E012"),
)


def make_bad_input(name: str, folder: Path, filename: str) -> Path:
    """Write the bad input ``name`` into ``folder``; returns its path."""
    import random

    p = folder / filename
    sample = read_text(corpus_doc("002"))[:3000]
    if name == "empty":
        p.write_bytes(b"")
    elif name == "whitespace_only":
        p.write_bytes(b" \n\n\t \r\n")
    elif name == "binary":
        p.write_bytes(bytes(range(256)) * 40)
    elif name == "old_doc":
        p.write_bytes(OLE_MAGIC + b"\x00" * 504 + sample.encode("utf-16-le"))
    elif name == "ole_renamed_docx":
        p.write_bytes(OLE_MAGIC + b"\x00" * 504)
    elif name == "truncated_docx":
        data = build_docx(sample)
        p.write_bytes(data[: len(data) // 2])
    elif name == "docx_without_document":
        p.write_bytes(_docx_without_document_part())
    elif name == "zip_garbage_docx":
        p.write_bytes(b"PK\x03\x04" + b"not really a zip archive" * 20)
    elif name == "scanned_pdf":
        p.write_bytes(build_image_pdf())
    elif name == "blank_pdf":
        p.write_bytes(build_blank_pdf())
    elif name == "encrypted_pdf":
        p.write_bytes(build_encrypted_pdf())
    elif name == "damaged_pdf":
        p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n" + b"\x8f\x00garbage" * 50)
    elif name == "shift_jis":
        p.write_bytes(("日本語の文書です。これはベトナム語ではありません。" * 40).encode("shift_jis"))
    elif name == "random_high_bytes":
        rng = random.Random(1258)
        p.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(4000)))
    elif name == "unsupported_suffix":
        p.write_bytes(sample.encode("utf-8"))
    elif name == "broken_symlink":
        p.symlink_to(folder / "không tồn tại.txt")
    elif name == "symlink_loop":
        other = folder / (filename + ".vòng")
        p.symlink_to(other)
        other.symlink_to(p)
    else:  # pragma: no cover - a typo in the table
        raise KeyError(name)
    return p


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
