"""The one catalogue of errors: each has a code, what happened, and what to do.

Stages raise :class:`VnPolicyError` with a code from :data:`CATALOGUE`; the
runner turns it into the ``error`` object of a document and a manifest row,
so one bad file never stops a batch.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorKind:
    code: str
    what: str
    todo: str


CATALOGUE: dict[str, ErrorKind] = {
    e.code: e
    for e in (
        ErrorKind("E001", "file not found", "check the path"),
        ErrorKind("E002", "file cannot be read (permission denied or I/O error)", "fix the file's permissions, then run again"),
        ErrorKind("E003", "file is empty", "remove it or export the document again"),
        ErrorKind("E004", "file is larger than the size limit", "split the document or raise --max-bytes"),
        ErrorKind("E005", "file looks binary, not text", "export the document as .txt, .docx or a PDF with text"),
        ErrorKind("E006", "text encoding could not be detected reliably", "save the file as UTF-8 and run again"),
        ErrorKind("E007", "old binary Word .doc is not supported", "open it in Word or LibreOffice and save it as .docx"),
        ErrorKind("E008", ".docx file is damaged or not a Word document", "open and save it again in Word or LibreOffice"),
        ErrorKind("E009", "PDF has no text layer (scanned)", "run OCR on it (e.g. ocrmypdf) and use the result"),
        ErrorKind("E010", "PDF is damaged or encrypted", "remove the password or export the PDF again"),
        ErrorKind("E011", "file type is not supported", "use .txt, .md, .docx or .pdf"),
        ErrorKind("E012", "path is a broken link or a link loop", "point the link at a real file"),
        ErrorKind("E020", "an extractor failed on this document", "report it with the file; the other documents were processed"),
        ErrorKind("E030", "draft or corpus output not found", "run `vnpolicy run` first, or pass --corpus DIR"),
    )
}


class VnPolicyError(Exception):
    """An error with a catalogue code; ``str()`` says what happened and what to do."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.kind = CATALOGUE[code]
        self.code = code
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.kind.what}{detail}; {self.kind.todo}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
