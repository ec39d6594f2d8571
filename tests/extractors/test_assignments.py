"""Assignments from prose, labels and tables: phrasings with expected lead and support."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.assignments import Assignment, find_assignments, is_body, normalise_times
from extractors.bodies import match_body
from extractors.document import Document
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment

ROOT = Path(__file__).resolve().parents[2]
HEADER = "TỈNH ỦY TUYÊN QUANG\n\nKẾ HOẠCH\n\n"
DUTY = HEADER + "III. TỔ CHỨC THỰC HIỆN\n\n"


def leads(text: str, source: str = "prose"):
    doc = Document.from_text(text)
    return [([b.text for b in a.lead], [b.text for b in a.support])
            for a in find_assignments(doc) if a.source == source]


PHRASINGS = [
    # (text, expected (lead, support) of the first assignment)
    (DUTY + "1. Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Văn hóa, Thể thao và Du lịch, các cơ quan báo chí tổ chức tuyên truyền.",
     (["Ban Tuyên giáo Tỉnh ủy"], ["Sở Văn hóa, Thể thao và Du lịch", "các cơ quan báo chí"])),
    (HEADER + "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tham mưu bố trí biên chế.",
     (["Sở Nội vụ"], ["Sở Tài chính"])),
    (HEADER + "Hằng năm, Ủy ban MTTQ tỉnh chủ trì phối hợp các tổ chức chính trị - xã hội tổ chức giám sát.",
     (["Ủy ban MTTQ tỉnh"], ["các tổ chức chính trị - xã hội"])),
    (HEADER + "Hội Liên hiệp Phụ nữ tỉnh có trách nhiệm hướng dẫn các cơ sở hội thực hiện.",
     (["Hội Liên hiệp Phụ nữ tỉnh"], [])),
    (DUTY + "2. Văn phòng Tỉnh ủy tham mưu Ban Thường vụ Tỉnh ủy theo dõi, đôn đốc.",
     (["Văn phòng Tỉnh ủy"], [])),
    (DUTY + "3. Ban Dân vận Tỉnh ủy: Tham mưu giúp Ban Thường vụ Tỉnh ủy xây dựng chương trình; phối hợp với Ban Tổ chức Tỉnh ủy kiểm tra.",
     (["Ban Dân vận Tỉnh ủy"], ["Ban Tổ chức Tỉnh ủy"])),
    (DUTY + "1. Đảng ủy MTTQ tỉnh\n\nCó nhiệm vụ tham mưu xây dựng kế hoạch; chủ động phối hợp với Văn phòng Ủy ban nhân dân tỉnh theo dõi.",
     (["Đảng ủy MTTQ tỉnh"], ["Văn phòng Ủy ban nhân dân tỉnh"])),
    (DUTY + "2. Đảng ủy các xã chỉ đạo Ban Thường trực Ủy ban MTTQ cấp xã chủ trì, phối hợp với các cơ quan, đơn vị liên quan triển khai.",
     (["Ban Thường trực Ủy ban MTTQ cấp xã"], ["các cơ quan, đơn vị liên quan"])),
    (DUTY + "(1) Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy tổ chức hội nghị quán triệt.",
     (["Các huyện ủy", "thành ủy", "đảng ủy trực thuộc Tỉnh ủy"], [])),
    (DUTY + "(2) Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội cấp tỉnh tổ chức hội nghị.",
     (["Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội cấp tỉnh"], [])),
    (DUTY + "Định kỳ 6 tháng, các địa phương, cơ quan, đơn vị (tại mục III) tổng hợp tình hình, báo cáo.",
     (["các địa phương, cơ quan, đơn vị"], [])),
    (DUTY + "1. Sở Y tế\n\na) Chủ trì, phối hợp với Sở Tư pháp và các cơ quan liên quan tổ chức phổ biến chính sách.\n\nb) Phối hợp với Sở Nội vụ tham mưu kiện toàn bộ máy.",
     (["Sở Y tế"], ["Sở Tư pháp", "các cơ quan liên quan"])),
]


@pytest.mark.parametrize("text, expected", PHRASINGS, ids=[p[0][len(HEADER):][:50] for p in PHRASINGS])
def test_prose_phrasings(text, expected):
    found = leads(text)
    assert found, "no assignment"
    assert found[0] == expected


MUST_NOT = [
    # past results are not assignments; a capitalised verb is not a body
    HEADER + "Năm 2024, Ủy ban MTTQ tỉnh đã chủ trì tổ chức 05 cuộc giám sát.",
    HEADER + "Tổ chức hội nghị cấp tỉnh sơ kết đánh giá kết quả.",
    HEADER + "Đoàn viên, hội viên tham gia tích cực các phong trào.",
    HEADER + "I. MỤC TIÊU\n\n1. Mục tiêu chung\n\nNâng cao chất lượng hoạt động của Mặt trận.",
    # outside the sections that distribute work, goals and reported results hold no duties
    HEADER + "I. MỤC TIÊU\n\n2. Mục tiêu cụ thể\n\nHằng năm, Ủy ban MTTQ xã chủ trì thực hiện ít nhất 03 cuộc giám sát.",
    HEADER + "II. MỤC TIÊU\n\n2. Một số chỉ tiêu cụ thể\n\n(11) Hằng năm, 100% Mặt trận Tổ quốc các cấp chủ trì phối hợp giám sát.",
    HEADER + "Phần thứ nhất\n\nI. KẾT QUẢ ĐẠT ĐƯỢC\n\nHàng năm, MTTQ chủ trì phối hợp tổ chức từ 3-5 hội nghị góp ý.",
    HEADER + "I. THỰC TRẠNG\n\nBan Dân vận Tỉnh ủy có trách nhiệm theo dõi phong trào, nhưng còn hạn chế.",
    # a heading label or a document symbol cut by a line break is never a lead
    HEADER + "Phần thứ nhất: chủ trì, phối hợp với Sở Y tế tổ chức hội nghị.",
    DUTY + "Chương II: có trách nhiệm hướng dẫn thực hiện.",
    DUTY + "KL/TW, Chương trình hành động số 31-CTr/TW chịu trách nhiệm tổ chức thực hiện.",
]


@pytest.mark.parametrize("text", MUST_NOT, ids=[t[len(HEADER):][:40] for t in MUST_NOT])
def test_not_assignments(text):
    assert leads(text) == []


@pytest.mark.parametrize("text, lead", [
    ("Phần thứ nhất", False), ("PHẦN THỨ HAI", False), ("Chương II", False), ("Mục 3", False), ("IV.", False),
    ("KL/TW, Chương", False), ("75-KL/TW", False), ("Viettel", False), ("Nâng cao chất lượng", False),
    ("Sở Y tế", True), ("Ban Dân vận Tỉnh ủy", True), ("UBND/HĐND", True), ("Hợp tác xã Tân Phong", True),
    ("Phòng Văn hóa - Xã hội", True), ("Trung tâm Chính trị", True), ("xã", True),
])
def test_what_can_lead(text, lead):
    assert is_body(match_body(text)) is lead


def test_a_supporting_cell_may_name_an_unknown_body():
    assert is_body(match_body("Viettel Điện Biên"), lead=False)
    assert not is_body(match_body("Phần thứ nhất"), lead=False)


def test_heading_labels_in_a_role_table_are_reported_not_kept():
    text = HEADER + ("TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
                     "1\tTuyên truyền\tPhần thứ nhất\tSở Y tế\tNăm 2027\n")
    [a] = [a for a in find_assignments(Document.from_text(text)) if a.source == "table"]
    assert a.lead == () and "lead not a body: Phần thứ nhất" in a.issues
    assert [b.text for b in a.support] == ["Sở Y tế"]


def test_an_assignment_has_the_record_shape():
    doc = Document.from_text(HEADER + "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tham mưu bố trí biên chế.")
    [a] = find_assignments(doc)
    d = a.to_dict()
    assert d["text"] == d["task"] == doc.raw[d["start"]:d["end"]]
    assert Assignment("x", "abc", 0, 3, (), ()).text == "abc"


def test_labels():
    text = HEADER + ("IV. GIẢI PHÁP\n\n1. Giải pháp đổi mới công tác tuyên truyền\n\nNội dung …\n\n"
                     "**Đơn vị chủ trì:** Ủy ban MTTQ xã, các tổ chức chính trị - xã hội.\n\n"
                     "**Phối hợp:** HĐND, UBND xã, các phòng ban chuyên môn của xã.\n\nThời gian: Quý IV/2026.\n")
    doc = Document.from_text(text)
    [a] = [a for a in find_assignments(doc) if a.source == "label"]
    assert [b.text for b in a.lead] == ["Ủy ban MTTQ xã", "các tổ chức chính trị - xã hội"]
    assert [b.text for b in a.support] == ["HĐND", "UBND xã", "các phòng ban chuyên môn của xã"]
    assert a.due == "2026-Q4" and "Giải pháp đổi mới" in a.task


def test_table_roles_sub_rows_and_issues():
    text = HEADER + ("TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
                     "1\tCông tác cứu trợ\tỦy ban MTTQ tỉnh\tCông tác cứu trợ\tThực hiện thường xuyên; tổng kết 2030\n"
                     "2\tTuyên truyền\t\tSở Lao động - Thương binh và Xã hội; UBND cấp xã\tQuý I, quý II năm 2026\n"
                     "\tTập huấn\tHội Nông dân tỉnh\tSở Y tế\tNăm 2027\n")
    doc = Document.from_text(text)
    rows = [a for a in find_assignments(doc) if a.source == "table"]
    assert [a.row for a in rows] == [0, 1, 2]
    assert rows[0].support == () and "support cell repeats the task" in rows[0].issues
    assert rows[0].due == "ongoing;2030"
    assert rows[1].lead == () and "lead cell empty" in rows[1].issues
    assert [b.canonical for b in rows[1].support] == ["Sở Lao động - Thương binh và Xã hội", "Ủy ban nhân dân"]
    assert rows[1].due == "2026-Q1;2026-Q2"
    assert [b.text for b in rows[2].lead] == ["Hội Nông dân tỉnh"] and rows[2].due == "2027"


@pytest.mark.parametrize("written, value", [
    ("Quý IV/2030", "2030-Q4"), ("quý IV năm 2030", "2030-Q4"), ("Tháng 6/2021 Quý II/2021", "2021-06;2021-Q2"),
    ("Năm 2022 Năm 2024", "2022;2024"), ("Hàng năm", "yearly"), ("Định kỳ 6 tháng, hằng năm", "half-yearly;yearly"),
    ("Giai đoạn 2025-2030", "2025/2030"), ("Sơ kết 2028, tổng kết 2030", "2028;2030"),
    ("Triển khai thường xuyên; sơ kết 2027", "ongoing;2027"), ("trước ngày 20/12/2025", "2025-12-20"),
    ("hằng quý", "quarterly"),
])
def test_time_values(written, value):
    assert normalise_times(written) == value


CORPUS = sorted((ROOT / "corpora").glob("*.txt")) + sorted(Path("/work/shared/corpora/extra").glob("*.txt"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:20])
def test_offsets_point_at_raw_text(path):
    r = ingest(path)
    doc = segment(r.doc_id, normalize(r.raw))
    for a in find_assignments(doc):
        assert r.raw[a.start:a.end] == a.task == a.text
        assert all(is_body(b) for b in a.lead), a.lead
        assert a.source in ("table", "prose", "label")
