"""The spaCy components: entry points, spans and fields, analyze_pipes, nlp.pipe, DocBin, displaCy."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest
import spacy
from spacy import displacy
from spacy.tokens import DocBin

from pipeline import spacy_components as sc
from pipeline.spacy_components import blank_vi, vnpolicy_nlp

NAMES = ["vnpolicy_citations", "vnpolicy_targets", "vnpolicy_bodies", "vnpolicy_deadlines"]

TEXT = """ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG

KẾ HOẠCH
Thực hiện Nghị quyết số 25-NQ/TW

Căn cứ Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương Đảng (khóa XI);

I. KẾT QUẢ
Năm 2024, toàn tỉnh đã đạt 80% hộ dân sử dụng nước sạch.

II. MỤC TIÊU
Phấn đấu đến năm 2030, 95% hộ dân sử dụng nước sạch.

III. TỔ CHỨC THỰC HIỆN
Sở Y tế chủ trì, phối hợp với Ủy ban MTTQ tỉnh hoàn thành trước ngày 31/12/2025.
"""


@pytest.fixture(scope="module")
def nlp():
    return vnpolicy_nlp()


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(TEXT)


def test_factories_are_declared_as_entry_points():
    eps = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    for name in NAMES:
        assert eps.get(name, "").startswith("pipeline.spacy_components:"), name


def test_add_pipe_by_name_works_without_importing_the_package():
    # A fresh interpreter that never imports pipeline/: spaCy must find the factories itself.
    code = (
        "import spacy\n"
        "nlp = spacy.blank('vi', config={'nlp': {'tokenizer': {'use_pyvi': False}}})\n"
        f"for n in {NAMES!r}: nlp.add_pipe(n)\n"
        "doc = nlp('Căn cứ Chỉ thị số 18-CT/TW của Ban Bí thư.')\n"
        "print([s._.vnpolicy['symbol'] for s in doc.spans['vnpolicy_citations']])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "['18-CT/TW']"


def test_blank_vi_tokenizes_on_whitespace_without_pyvi():
    assert [t.text for t in blank_vi()("số 25-NQ/TW, ngày")] == ["số", "25-NQ/TW,", "ngày"]


def test_analyze_pipes_reports_no_problems(nlp):
    analysis = nlp.analyze_pipes()
    assert all(not p for p in analysis["problems"].values())
    for name in NAMES:
        assert "doc.spans" in analysis["summary"][name]["assigns"]
        assert "span._.vnpolicy" in analysis["summary"][name]["assigns"]


@pytest.mark.parametrize("key, labels, must_find", [
    ("vnpolicy_citations", {"CITATION"}, "Nghị quyết số 25-NQ/TW"),
    ("vnpolicy_targets", {"TARGET", "RESULT"}, "95%"),
    ("vnpolicy_bodies", {"BODY"}, "Sở Y tế"),
    ("vnpolicy_deadlines", {"DEADLINE"}, "31/12/2025"),
])
def test_each_component_puts_its_records_on_doc_spans(doc, key, labels, must_find):
    spans = doc.spans[key]
    assert spans, key
    assert {s.label_ for s in spans} <= labels
    assert any(must_find in s.text for s in spans)
    for s in spans:
        rec = s._.vnpolicy
        # the record keeps the extractor's exact raw offsets; the span covers them
        assert doc.text[rec["start"]:rec["end"]] == rec["text"]
        assert s.start_char <= rec["start"] and rec["end"] <= s.end_char


def test_targets_and_results_are_told_apart(doc):
    by_label = {s.label_: s._.vnpolicy for s in doc.spans["vnpolicy_targets"]}
    assert by_label["TARGET"]["value_min"] == 95.0
    assert by_label["RESULT"]["value_min"] == 80.0


def test_records_match_the_pure_extractor(doc):
    from extractors.citations import find_citations
    from extractors.document import Document

    expected = [c.to_dict() for c in find_citations(Document.from_text(TEXT))]
    assert [s._.vnpolicy for s in doc.spans["vnpolicy_citations"]] == sc._lists(expected)
    assert doc._.vnpolicy["vnpolicy_citations"] == sc._lists(expected)


def test_records_on_the_same_tokens_keep_their_own_fields(monkeypatch):
    # regression: a default-valued span extension is keyed by offsets, so the second record overwrote the first
    class Fake:
        def __init__(self, n):
            self.n = n

        def to_dict(self):
            return {"start": 0, "end": 6, "text": "Căn cứ", "n": self.n}

    monkeypatch.setitem(sc.FINDERS, "citations", lambda d: [Fake(1), Fake(2)])
    nlp = blank_vi()
    nlp.add_pipe("vnpolicy_citations")
    doc = nlp("Căn cứ gì")
    assert [s._.vnpolicy["n"] for s in doc.spans["vnpolicy_citations"]] == [1, 2]


def test_nlp_pipe_over_many_texts(nlp):
    texts = [TEXT, "", "   ", "Sở Y tế chủ trì.", "Hoàn thành trước ngày 31/12/2025."] * 4
    docs = list(nlp.pipe(texts, batch_size=3))
    assert len(docs) == len(texts)
    for d in docs:
        assert set(d.spans) == set(NAMES)
    assert [len(d.spans["vnpolicy_bodies"]) for d in docs[:5]] == [len(nlp(t).spans["vnpolicy_bodies"]) for t in texts[:5]]
    assert docs[4].spans["vnpolicy_deadlines"][0]._.vnpolicy["value"] == "2025-12-31"


def test_docbin_round_trip_keeps_spans_and_fields(nlp, doc):
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    back = list(DocBin().from_bytes(data).get_docs(nlp.vocab))[0]
    for key in NAMES:
        before = [(s.start_char, s.end_char, s.label_, s._.vnpolicy) for s in doc.spans[key]]
        after = [(s.start_char, s.end_char, s.label_, s._.vnpolicy) for s in back.spans[key]]
        assert after == before, key


def test_pipeline_saves_and_loads(tmp_path, nlp):
    nlp.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert again.pipe_names == NAMES
    assert again(TEXT).spans["vnpolicy_bodies"]


def test_spans_key_is_configurable():
    nlp = blank_vi()
    nlp.add_pipe("vnpolicy_deadlines", config={"spans_key": "hạn"})
    doc = nlp("Hoàn thành trước ngày 31/12/2025.")
    assert doc.spans["hạn"][0]._.vnpolicy["value"] == "2025-12-31"


def test_displacy_renders_the_spans(doc):
    html = displacy.render(doc, style="span", options={"spans_key": "vnpolicy_citations"}, jupyter=False)
    assert "CITATION" in html and "25-NQ/TW" in html


def test_nlp_pipe_with_several_processes(nlp):
    # the components and their records must pickle: records travel in doc.user_data
    docs = list(nlp.pipe(["Hoàn thành trước ngày 31/12/2025."] * 4, n_process=2, batch_size=2))
    assert [d.spans["vnpolicy_deadlines"][0]._.vnpolicy["value"] for d in docs] == ["2025-12-31"] * 4


def test_plain_blank_vi_takes_the_components_as_the_issue_writes_it():
    import spacy

    nlp = spacy.blank("vi")
    nlp.add_pipe("vnpolicy_citations")
    doc = nlp("Căn cứ Quyết định số 217-QĐ/TW ngày 12/12/2013 của Bộ Chính trị.")
    spans = doc.spans["vnpolicy_citations"]
    assert [s._.vnpolicy["symbol"] for s in spans] == ["217-QĐ/TW"]
