"""Robustness: property-based tests of normalisation, segmentation and every extractor, and a bad-input batch.

Properties (hypothesis): on arbitrary Unicode, policy-like text, huge lines,
deeply nested numbering and ragged tab tables, nothing raises, nothing hangs,
and every emitted span points at its text in the raw string
(``raw[start:end] == text``).  Examples are few and small enough that the
file runs in about a minute on two cores.
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors.document import Document  # noqa: E402
from extractors.normalize import normalize  # noqa: E402
from extractors.segment import segment  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

# (name, module, function): each returns records, or tuples of lists of records (targets, results).
EXTRACTORS = (
    ("citations", "extractors.citations", "find_citations"),
    ("targets", "extractors.targets", "find_targets"),
    ("deadlines", "extractors.deadlines", "find_deadlines"),
    ("assignments", "extractors.assignments", "find_assignments"),
    ("bodies", "extractors.bodies", "find_bodies"),
)
# Longest a single example may take before it counts as a hang (catastrophic backtracking).
EXAMPLE_SECONDS = 30

PROPS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(PROPS, max_examples=6)

# Pieces of real policy text and of the debris conversions leave in it.
FRAGMENTS = (
    "Phấn đấu đến năm 2030, ", "100% ", "trên 90% ", "xã, phường ", "đạt chuẩn nông thôn mới",
    "Nghị quyết số 21-NQ/TU ngày 12/3/2026 của Ban Thường vụ Tỉnh ủy", "Chỉ thị 18-CT/TW", "Kết luận số 01-KL/TW",
    "Quyết định số 1050-QĐ/TU", "Luật Mặt trận Tổ quốc Việt Nam năm 2015", "MTTQ", "MITQ", "Phân đấu", "Uỷ ban",
    "Ủy ban nhân dân tỉnh chủ trì, phối hợp với Sở Nội vụ ", "Đơn vị chủ trì: ", "Phối hợp: ",
    "trước ngày 31/12/2025", "hằng năm", "Quý I/2026", "giai đoạn 2025-2030", "ngày 05 tháng 02 năm 2024",
    "**", "## ", "*", "…", "Căn cứ ", "Điều 5. ", "khoản 2 Điều 3 ", "(1)- ", "a) ", "- ", "+ ", "I. ", "IV- ",
    "Phần thứ hai ", "[1]", "¹", "\t", "\u00a0", "\u200b", "\ufeff", "\u0301", "o\u0302\u0301", "\r\n", "\n", "\n\n",
    "\f", "đ", "Đ", "Hà Nội", "Thái Nguyên", "Kẻ Sặt", "TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số: 02-ĐA/TU",
)
policy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=120).map("".join)


@st.composite
def nested_numbering(draw) -> str:
    """Outline headings nested far deeper than any real document ("1.1.1.1.1.1.1.1.")."""
    depth = draw(st.integers(1, 40))
    lines, label = [], []
    for _ in range(draw(st.integers(1, 60))):
        label = label[: draw(st.integers(0, min(len(label), depth - 1)))] + [draw(st.integers(1, 99))]
        style = draw(st.sampled_from(["{}. ", "{}- ", "{}) ", "({}) ", "{} "]))
        lines.append(style.format(".".join(map(str, label))) + draw(st.sampled_from(FRAGMENTS)) + draw(policy_text))
    return "\n\n".join(lines)


@st.composite
def ragged_tables(draw) -> str:
    """Tab-separated rows of any number of cells, merged-cell gaps and all."""
    parts = [draw(policy_text)]
    for _ in range(draw(st.integers(1, 3))):
        rows = draw(st.lists(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=14),
                             min_size=1, max_size=25))
        parts.append("\n".join("\t".join(c.replace("\n", " ") for c in row) for row in rows))
        parts.append(draw(policy_text))
    return "\n".join(parts)


@st.composite
def huge_lines(draw) -> str:
    piece = draw(st.sampled_from(FRAGMENTS)).replace("\n", " ") + draw(st.sampled_from(FRAGMENTS)).replace("\n", " ")
    n = draw(st.integers(2_000, 30_000)) // max(1, len(piece))
    return draw(policy_text) + "\n" + piece * n + "\n" + draw(policy_text)


any_text = st.one_of(st.text(max_size=3000), policy_text, nested_numbering(), ragged_tables())


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail an example that runs too long instead of hanging the suite (main thread, POSIX only)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def fire(*_):
        raise TimeoutError(f"no result after {seconds}s: catastrophic backtracking?")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def spans(obj: Any) -> Iterator[dict[str, Any]]:
    """Every dict with integer ``start``/``end`` and a string ``text``, however deep."""
    if isinstance(obj, dict):
        if isinstance(obj.get("start"), int) and isinstance(obj.get("end"), int) and isinstance(obj.get("text"), str):
            yield obj
        for v in obj.values():
            yield from spans(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from spans(v)


def as_dicts(found: Any) -> list[Any]:
    if isinstance(found, tuple):
        return [as_dicts(x) for x in found]
    return [r.to_dict() if hasattr(r, "to_dict") else r for r in found]


def assert_spans(raw: str, found: Any) -> None:
    for s in spans(found):
        assert 0 <= s["start"] <= s["end"] <= len(raw), s
        assert raw[s["start"]:s["end"]] == s["text"], s


def check_document(raw: str) -> Document:
    with time_limit(EXAMPLE_SECONDS):
        norm = normalize(raw)
        assert norm.raw == raw
        assert len(norm.starts) == len(norm.ends) == len(norm.text)
        for i in range(0, len(norm.text), max(1, len(norm.text) // 50)):  # sampled: the map is per character
            lo, hi = norm.raw_span(i, i + 1)
            assert 0 <= lo <= hi <= len(raw)
        doc = segment("hypothesis", norm)
    assert_spans(raw, [s.to_dict() for s in doc.sections])
    assert_spans(raw, [t.to_dict() for t in doc.tables])
    assert_spans(raw, [f.to_dict() for f in doc.footnotes])
    assert_spans(raw, doc.metadata.to_dict())
    return doc


def extractor(module: str, func: str):
    mod = pytest.importorskip(module, reason=f"{module} is not part of this build yet")
    fn = getattr(mod, func, None)
    if fn is None:
        pytest.skip(f"{module}.{func} is not there yet")
    return fn


# ---------------------------------------------------------------- normalisation and segmentation


@PROPS
@given(any_text)
def test_normalize_and_segment_keep_raw_offsets(raw):
    check_document(raw)


@FEW
@given(huge_lines())
def test_huge_lines_normalize_and_segment(raw):
    check_document(raw)


# ---------------------------------------------------------------- every extractor


@pytest.mark.parametrize("name,module,func", EXTRACTORS, ids=[e[0] for e in EXTRACTORS])
def test_extractor_spans_point_into_the_raw_text(name, module, func):
    fn = extractor(module, func)

    @PROPS
    @given(any_text)
    def prop(raw):
        doc = check_document(raw)
        with time_limit(EXAMPLE_SECONDS):
            found = fn(doc)
        assert_spans(raw, as_dicts(found))

    prop()


@pytest.mark.parametrize("name,module,func", EXTRACTORS, ids=[e[0] for e in EXTRACTORS])
def test_extractor_survives_huge_lines(name, module, func):
    fn = extractor(module, func)

    @FEW
    @given(huge_lines())
    def prop(raw):
        doc = check_document(raw)
        with time_limit(EXAMPLE_SECONDS):
            found = fn(doc)
        assert_spans(raw, as_dicts(found))

    prop()


@pytest.mark.parametrize("name,module,func", EXTRACTORS, ids=[e[0] for e in EXTRACTORS])
def test_extractor_spans_on_transformed_real_documents(name, module, func):
    """Real text through the benchmark's seeded transformations (slips, swapped places, renumbered symbols)."""
    from generate import synthetic

    fn = extractor(module, func)
    for i in range(5):
        raw = synthetic(i, seed=99)[1]
        with time_limit(EXAMPLE_SECONDS * 4):
            found = fn(Document.from_text(raw, f"synthetic-{i}"))
        assert_spans(raw, as_dicts(found))


# ---------------------------------------------------------------- a bad-input batch


def write_good(folder: Path) -> list[str]:
    """Good documents with spaces and Vietnamese letters in their names, one in a sub-folder."""
    from generate import synthetic

    names = ["Nghị quyết số 21 tỉnh ủy.txt", "Đề án đổi mới MTTQ (bản cuối).txt", "thư mục con/Kế hoạch ưu tiên.txt"]
    for i, name in enumerate(names):
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(synthetic(i)[1][:4000], encoding="utf-8")
    return names


def write_bad(folder: Path) -> dict[str, str]:
    """Bad inputs → the code run.json must give them."""
    from vn_fixtures import BAD_INPUTS, make_bad_input

    wanted = {"empty", "binary", "truncated_docx", "scanned_pdf", "encrypted_pdf", "random_high_bytes", "symlink_loop"}
    expected = {}
    for name, filename, code in BAD_INPUTS:
        if name in wanted:
            try:
                make_bad_input(name, folder, filename)
            except pytest.skip.Exception:  # e.g. no reportlab to build the PDFs: the rest still runs
                continue
            expected[filename] = code
    # bytes no Vietnamese encoding defines (a cp1258 guess would find them suspect)
    (folder / "UTF-8 hỏng.txt").write_bytes("Nghị quyết về ".encode("utf-8") + b"\x81\x8d\x8f\x90\x9d\xc3\x28" * 300)
    expected["UTF-8 hỏng.txt"] = "E006"
    with open(folder / "quá lớn 100 MB.txt", "wb") as f:  # sparse: instant, and never read
        f.truncate(100 * 1024 * 1024)
    expected["quá lớn 100 MB.txt"] = "E004"
    loop = folder / "vòng thư mục"
    loop.mkdir()
    (loop / "lên trên").symlink_to(folder, target_is_directory=True)  # a directory loop: walked once
    return expected


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from pipeline.runner import run

    folder = tmp_path_factory.mktemp("batch") / "đầu vào có dấu cách"
    folder.mkdir()
    good = write_good(folder)
    bad = write_bad(folder)
    result = run([folder], tmp_path_factory.mktemp("batch-out"), workers=2)
    return good, bad, result


def test_bad_inputs_are_listed_with_their_codes(batch):
    good, bad, result = batch
    rows = {r["doc"]: r for r in result.manifest["inputs"]}
    got = {doc: (rows[doc]["status"], (rows[doc]["error"] or {}).get("code")) for doc in bad}
    assert got == {doc: ("error", code) for doc, code in bad.items()}
    assert all(rows[doc]["error"]["message"] for doc in bad)


def test_good_inputs_are_all_processed(batch):
    good, bad, result = batch
    rows = {r["doc"]: r for r in result.manifest["inputs"]}
    assert {doc: rows[doc]["status"] for doc in good} == {doc: "ok" for doc in good}
    from pipeline.store import doc_filename

    for doc in good:
        data = json.loads((result.out / "documents" / doc_filename(doc)).read_text(encoding="utf-8"))
        assert data["doc"] == doc and data["text"]


def test_the_directory_loop_is_walked_once(batch):
    good, bad, result = batch
    docs = [r["doc"] for r in result.manifest["inputs"]]
    assert len(docs) == len(set(docs))
    assert not [d for d in docs if "lên trên/lên trên" in d]


def test_a_file_without_read_permission_is_listed_with_E002(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: root reads any file whatever its permissions")
    from pipeline.runner import run

    (tmp_path / "in").mkdir()
    locked = tmp_path / "in" / "không đọc được.txt"
    locked.write_text("Nghị quyết", encoding="utf-8")
    locked.chmod(0)
    try:
        r = run([tmp_path / "in"], tmp_path / "out", workers=1, corpus_stages=False)
    finally:
        locked.chmod(0o600)
    row = next(x for x in r.manifest["inputs"] if x["doc"] == locked.name)
    assert (row["status"], row["error"]["code"]) == ("error", "E002")
