"""find_targets: a table of target phrasings, must-not-match rows, results vs targets, offsets."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from extractors.document import Document
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment
from extractors.targets import Target, find_targets, fold, topics_of

ROOT = Path(__file__).resolve().parents[2]
CORPORA = sorted((ROOT / "corpora").glob("*.txt")) + sorted(Path("/work/shared/corpora/extra").glob("*.txt"))


def frames(body: str, heading: str = "I. MỤC TIÊU") -> list[tuple]:
    doc = Document.from_text(f"{heading}\n\n{body}\n")
    targets, _ = find_targets(doc)
    for t in targets:
        assert doc.raw[t.start:t.end] == t.text
    return [(t.comparator, t.value_min, t.value_max, t.unit, t.frequency, t.deadline, t.aspiration) for t in targets]


def f(cmp, lo, unit, freq="", deadline="", asp=False, hi=None):
    return (cmp, float(lo), float(lo if hi is None else hi), unit, freq, deadline, asp)


# (name, body, expected frames) — names say what the row exercises
PHRASINGS = [
    ("bare_percent", "100% khu dân cư tổ chức Ngày hội Đại đoàn kết toàn dân tộc.", [f("=", 100, "%")]),
    ("percent_with_space", "Bảo đảm 95 % cán bộ được tập huấn.", [f("=", 95, "%")]),
    ("it_nhat_leading_zero", "Tổ chức ít nhất 03 cuộc giám sát.", [f(">=", 3, "cuộc")]),
    ("it_nhat_la", "Tổ chức ít nhất là 02 hội nghị đối thoại.", [f(">=", 2, "hội nghị")]),
    ("toi_thieu", "Mỗi xã xây dựng tối thiểu 01 mô hình điểm.", [f(">=", 1, "mô hình")]),
    ("tren_percent", "Trên 90% hộ gia đình đạt danh hiệu Gia đình văn hóa.", [f(">", 90, "%")]),
    ("hon_percent", "Có hơn 80% đoàn viên tham gia sinh hoạt.", [f(">", 80, "%")]),
    ("khong_qua", "Số cuộc họp không quá 04 cuộc mỗi quý.", [f("<=", 4, "cuộc", "quarterly")]),
    ("khong_vuot_qua", "Chi phí quản lý không vượt quá 10% tổng kinh phí.", [f("<=", 10, "%")]),
    ("duoi", "Giảm tỷ lệ hộ nghèo xuống dưới 3%.", [f("<", 3, "%")]),
    ("tu_tro_len_after_noun", "Từ 90% khu dân cư trở lên có mô hình tự quản.", [f(">=", 90, "%")]),
    ("tu_tro_len_after_percent", "Từ 85% trở lên Ban Thanh tra Nhân dân hoạt động hiệu quả.", [f(">=", 85, "%")]),
    ("tro_len_without_tu", "Có 70% trở lên chi hội trưởng là đảng viên.", [f(">=", 70, "%")]),
    ("dat_tu", "Tỷ lệ tập hợp hội viên đạt từ 75% trở lên.", [f(">=", 75, "%")]),
    ("dat_tu_no_tro_len", "Tỷ lệ tập hợp hội viên đạt từ 75%.", [f(">=", 75, "%")]),
    ("dat_tren_subject_first", "Tỷ lệ kiến nghị được giải quyết đạt trên 80%.", [f(">", 80, "%")]),
    ("range_tu", "Mỗi năm tổ chức từ 3-5 cuộc giám sát chuyên đề.", [f("=", 3, "cuộc", "yearly", hi=5)]),
    ("range_bare", "Tổ chức 45-90 buổi tuyên truyền.", [f("=", 45, "buổi", hi=90)]),
    ("range_den", "Tổ chức từ 2 đến 4 lớp tập huấn.", [f("=", 2, "lớp", hi=4)]),
    ("range_percent", "Tỷ lệ lấp đầy đạt khoảng 60-70%.", [f("=", 60, "%", hi=70)]),
    ("decimal_comma", "Tỷ lệ thu hút đạt 76,1%.", [f("=", 76.1, "%")]),
    ("thousands_dot", "Vận động ít nhất 1.155 tỷ đồng cho Quỹ Vì người nghèo.", [f(">=", 1155, "tỷ đồng")]),
    ("number_word_mot", "Xây dựng ít nhất một mô hình tự quản.", [f(">=", 1, "mô hình")]),
    ("number_word_hai", "Tổ chức tối thiểu hai hội nghị.", [f(">=", 2, "hội nghị")]),
    ("distributed_comma", "Hằng năm, Ủy ban MTTQ xã thực hiện ít nhất 03 cuộc giám sát, 02 cuộc phản biện xã hội.",
     [f(">=", 3, "cuộc", "yearly"), f(">=", 2, "cuộc", "yearly")]),
    ("distributed_va_word", "Duy trì ít nhất một mô hình tự quản và một công trình thiết thực.",
     [f(">=", 1, "mô hình"), f(">=", 1, "công trình")]),
    ("distributed_semicolon", "Hằng năm tổ chức ít nhất một hoạt động văn hóa; một hoạt động biểu dương.",
     [f(">=", 1, "hoạt động", "yearly"), f(">=", 1, "hoạt động", "yearly")]),
    ("new_verb_stops_comparator", "Tổ chức ít nhất 01 hoạt động và triển khai 01 mô hình điểm.",
     [f(">=", 1, "hoạt động"), f("=", 1, "mô hình")]),
    ("no_carry_to_100_percent", "Trên 90% cán bộ có trình độ trung cấp, 100% có kỹ năng CNTT.",
     [f(">", 90, "%"), f("=", 100, "%")]),
    ("two_goals_two_comparators", "Có trên 90% thôn đạt danh hiệu văn hóa; trên 90% hộ đạt gia đình văn hóa.",
     [f(">", 90, "%"), f(">", 90, "%")]),
    ("nested_trong_do", "Trên 90% cán bộ hoàn thành tốt nhiệm vụ, trong đó có 20% hoàn thành xuất sắc.",
     [f(">", 90, "%"), f("=", 20, "%")]),
    ("hang_nam_yearly", "Hằng năm, 100% chi hội tổ chức sinh hoạt.", [f("=", 100, "%", "yearly")]),
    ("hang_nam_old_spelling", "Hàng năm, 100% chi hội tổ chức sinh hoạt.", [f("=", 100, "%", "yearly")]),
    ("moi_nam", "Mỗi năm, mỗi chi hội phát triển ít nhất 05 hội viên.", [f(">=", 5, "hội viên", "yearly")]),
    ("trailing_hang_nam", "100% cán bộ thôn đạt loại khá trở lên hằng năm.", [f("=", 100, "%", "yearly")]),
    ("hang_quy", "Hằng quý, tổ chức ít nhất 01 buổi giao ban.", [f(">=", 1, "buổi", "quarterly")]),
    ("hang_thang", "Hằng tháng, tổ chức 01 buổi sinh hoạt chuyên đề.", [f("=", 1, "buổi", "monthly")]),
    ("rate_ngay_thang", "Cán bộ về cơ sở ít nhất 01 ngày/tháng.", [f(">=", 1, "ngày/tháng", "monthly")]),
    ("rate_lan_nam", "Cán bộ được tập huấn ít nhất 1 lần/năm.", [f(">=", 1, "lần", "yearly")]),
    ("rate_percent_year", "Giảm năng lượng tiêu hao bình quân 1,0-1,5%/năm.", [f("=", 1.0, "%", "yearly", hi=1.5)]),
    ("frequency_clause_only", "Giới thiệu quần chúng ưu tú, bảo đảm bình quân hàng năm kết nạp 4% đảng viên mới; "
     "đến năm 2030, 100% trưởng thôn là đảng viên.",
     [f("=", 4, "%", "yearly"), f("=", 100, "%", "", "2030")]),
    ("bullet_head_carries", "- Hằng năm, 100% khu dân cư tổ chức Ngày hội. Từ 90% khu dân cư trở lên có mô hình.",
     [f("=", 100, "%", "yearly"), f(">=", 90, "%", "yearly")]),
    ("head_without_goal_does_not_carry", "Hằng quý, cấp ủy tổ chức giao ban. 100% chi bộ phân công đảng viên phụ trách.",
     [f("=", 100, "%")]),
    ("den_nam_deadline", "Đến năm 2030, trên 90% cán bộ có trình độ trung cấp lý luận.", [f(">", 90, "%", "", "2030")]),
    ("giai_doan_deadline", "Trong giai đoạn 2025 - 2030, phấn đấu 95% cán bộ được bồi dưỡng.",
     [f("=", 95, "%", "", "2025/2030", True)]),
    ("phan_dau_aspiration", "Phấn đấu 100% chi đoàn xây dựng được quỹ hội.", [f("=", 100, "%", asp=True)]),
    ("phan_dau_ocr_phan_dau", "Phân đầu 100% cán bộ chuyên trách được bồi dưỡng.", [f("=", 100, "%", asp=True)]),
    ("phan_dau_ocr_phan_dau_2", "Phần đầu đến năm 2025, trên 80% chi đoàn ứng dụng công nghệ thông tin.",
     [f(">", 80, "%", "", "2025", True)]),
    ("phan_dau_deadline_mid_sentence", "Quan tâm xây dựng công đoàn, đến năm 2025 phấn đấu 100% doanh nghiệp có công đoàn.",
     [f("=", 100, "%", "", "2025", True)]),
    ("qualifier_is_not_a_goal", "100% doanh nghiệp có từ 20 lao động thường xuyên trở lên có tổ chức công đoàn.",
     [f("=", 100, "%")]),
    ("qualifying_level_keeps_comparator", "100% tổ chức hoàn thành tốt nhiệm vụ trở lên.", [f("=", 100, "%")]),
    ("riêng_parenthetical", "Tỷ lệ tập hợp đạt trên 80% (riêng Đoàn thanh niên đạt trên 75%).",
     [f(">", 80, "%"), f(">", 75, "%")]),
    ("subject_before_percent_list", "Tỷ lệ xếp loại tốt: Hội Nông dân đạt trên 90%; Hội Cựu chiến binh đạt trên 85%.",
     [f(">", 90, "%"), f(">", 85, "%")]),
    ("heading_yearly", "(1) 100% kiến nghị được xem xét, giải quyết.", [f("=", 100, "%", "yearly")]),
    ("money_trieu", "Hỗ trợ tối thiểu 50 triệu đồng cho mỗi mô hình.", [f(">=", 50, "triệu đồng")]),
    ("hectare_glued", "Hoàn thiện ít nhất 500ha mặt bằng sạch.", [f(">=", 500, "ha")]),
    ("hard_wrapped_line", "- 100% nguồn nước thải tại các khu công nghiệp được\nlắp đặt quan trắc tự động.", [f("=", 100, "%")]),
]


@pytest.mark.parametrize("name,body,expected", PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_phrasings(name, body, expected):
    heading = "2.2.1. Mục tiêu hằng năm" if name == "heading_yearly" else "I. MỤC TIÊU"
    assert frames(body, heading) == expected


def test_heading_period_deadline():
    doc = Document.from_text("Phần thứ hai\nMỤC TIÊU GIAI ĐOẠN\n2025-2030\n\nI. MỤC TIÊU\n\n100% thôn có mô hình tự quản.\n")
    assert [t.deadline for t in find_targets(doc)[0]] == ["2025/2030"]


def test_heading_deadline():
    doc = Document.from_text("2.2.2. Mục tiêu đến năm 2030\n\n(1)- 100% Ủy ban MTTQ các cấp ứng dụng công nghệ thông tin.\n")
    assert [t.deadline for t in find_targets(doc)[0]] == ["2030"]


NOT_TARGETS = [
    ("date", "Căn cứ Kết luận số 62-KL/TW ngày 08/12/2009 của Bộ Chính trị."),
    ("document_number", "Thực hiện Đề án số 02-ĐA/TU ngày 23/5/2021 của Ban Thường vụ Tỉnh ủy."),
    ("ordinal_congress", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng."),
    ("table_number", "Biểu số 3: Tổng hợp trình độ cán bộ chuyên trách."),
    ("item_number", "(5) Tăng cường công tác giám sát."),
    ("term", "Các mục tiêu Đại hội nhiệm kỳ 2020-2025 đã đề ra."),
    ("period_without_unit", "Kế hoạch đào tạo giai đoạn 2026 - 2030."),
    ("anniversary", "Kỷ niệm 70 năm Ngày truyền thống Mặt trận."),
    ("article", "Theo quy định tại Điều 5 khoản 2 của Luật."),
    ("quarter", "Hoàn thành trong Quý IV/2025."),
    ("slogan_in_quotes", "Theo phương châm “3 cùng” với Nhân dân."),
    ("slogan_counts", "Giữ “3 gần”, “5 phải”, “4 không”; chính quyền địa phương 2 cấp."),
    ("periodicity", "Thực hiện 6 tháng/lần; định kỳ 6 tháng và 01 năm sơ kết."),
    ("comrade_is_not_money", "Phân công 01 đồng chí Ủy viên Ban Thường vụ phụ trách."),
    ("years_of_review", "Tổng kết 10 năm thực hiện Kết luận; trong 05 năm qua."),
    ("bare_number_word", "Đây là một nhiệm vụ quan trọng, một trong những giải pháp."),
    ("year", "Năm 2025 là năm tổ chức đại hội."),
]


@pytest.mark.parametrize("name,body", NOT_TARGETS, ids=[n for n, _ in NOT_TARGETS])
def test_not_targets(name, body):
    doc = Document.from_text(f"I. MỤC TIÊU\n\n{body}\n")
    targets, results = find_targets(doc)
    assert targets == [] and results == []


RESULT_TEXT = """Phần thứ hai
THỰC TRẠNG HOẠT ĐỘNG GIAI ĐOẠN 2021 - 2025

I. KẾT QUẢ

Trong 05 năm qua, MTTQ các cấp đã chủ trì tổ chức 3.807 cuộc giám sát; đã huy động trên 1.155 tỷ đồng.

Hằng năm, MTTQ tổ chức từ 3-5 cuộc giám sát chuyên đề. Trên 80% kiến nghị sau giám sát được tiếp thu.

Phần thứ ba
MỤC TIÊU, NHIỆM VỤ

I. MỤC TIÊU

Hằng năm, MTTQ cấp xã tổ chức ít nhất 03 cuộc giám sát.
"""


def test_results_vs_targets():
    doc = Document.from_text(RESULT_TEXT)
    targets, results = find_targets(doc)
    assert [(r.kind, r.comparator, r.value_min, r.value_max, r.unit) for r in results] == [
        ("result", "=", 3807, 3807, "cuộc"), ("result", ">", 1155, 1155, "tỷ đồng"),
        ("result", "=", 3, 5, "cuộc"), ("result", ">", 80, 80, "%")]
    assert [(t.kind, t.comparator, t.value_min, t.level, t.frequency) for t in targets] == [
        ("target", ">=", 3, "xã", "yearly")]


def test_past_tense_outside_known_sections():
    doc = Document.from_text("ĐỀ ÁN\n\nNăm qua, Hội đã tổ chức 12 lớp tập huấn. Phấn đấu ít nhất 15 lớp tập huấn.\n")
    targets, results = find_targets(doc)
    assert [r.value_min for r in results] == [12] and [t.value_min for t in targets] == [15]


def test_nested_parent_links():
    doc = Document.from_text("I. MỤC TIÊU\n\nTrên 90% cán bộ hoàn thành tốt nhiệm vụ, trong đó có 20% hoàn thành xuất sắc.\n")
    targets, _ = find_targets(doc)
    assert [t.parent for t in targets] == [None, 0]


def test_level_actor_and_topics():
    doc = Document.from_text("I. MỤC TIÊU\n\nHằng năm, MTTQ cấp tỉnh tổ chức giám sát ít nhất 05 chương trình, nội dung; "
                             "MTTQ cấp xã phản biện xã hội ít nhất 03 dự thảo văn bản.\n")
    t1, t2 = find_targets(doc)[0]
    assert (t1.level, t1.actor, t1.topics) == ("tỉnh", "MTTQ cấp tỉnh", ("giám sát",))
    assert (t2.level, t2.actor, t2.topics) == ("xã", "MTTQ cấp xã", ("phản biện xã hội",))


def test_location_is_not_level():
    doc = Document.from_text("I. MỤC TIÊU\n\n100% hộ nghèo trên địa bàn tỉnh được thăm hỏi.\n")
    assert find_targets(doc)[0][0].level == ""


def test_table_cells_take_row_context():
    doc = Document.from_text(
        "III. TỔ CHỨC THỰC HIỆN\n\nTT\tNội dung\tCơ quan chủ trì\tThời gian thực hiện\n"
        "1\tTổ chức 02 hội nghị liên ngành\tUBND tỉnh\tHằng năm\n"
        "2\tTổ chức 45-90 buổi tuyên truyền\tỦy ban MTTQ tỉnh\tQuý IV/2026\n")
    targets, _ = find_targets(doc)
    assert [(t.source, t.value_min, t.unit, t.frequency, t.level) for t in targets] == [
        ("table", 2, "hội nghị", "yearly", "tỉnh"), ("table", 45, "buổi", "", "tỉnh")]


def test_statistics_tables_are_neither():
    doc = Document.from_text("I. MỤC TIÊU\n\nĐơn vị\tNăm\tSố hội viên\tTỷ lệ (%)\n"
                             "Hội Nông dân\t2016\t114.648\t76,1\nHội Cựu chiến binh\t2020\t38.146\t85 %\n")
    assert find_targets(doc) == ([], [])


def test_fold_keeps_length():
    s = "Phấn đấu Hằng năm ĐẠT"
    assert fold(s) == "phan dau hang nam dat" and len(fold(s)) == len(s)


def test_topics_multi_label_and_other():
    assert topics_of("100% kiến nghị sau giám sát được giải quyết") == ("giám sát", "kiến nghị được giải quyết")
    assert topics_of("tỷ lệ che phủ rừng") == ("khác",)


def test_record_shape():
    doc = Document.from_text("I. MỤC TIÊU\n\nTổ chức ít nhất 03 cuộc giám sát.\n")
    t = find_targets(doc)[0][0]
    assert isinstance(t, Target)
    d = t.to_dict()
    assert d["topics"] == ["giám sát"] and d["kind"] == "target" and d["source"] == "prose"


@lru_cache(maxsize=None)
def _doc(path: Path):
    raw = ingest(path)
    return segment(raw.doc_id, normalize(raw.raw))


@pytest.mark.parametrize("path", CORPORA, ids=[p.stem[:24] for p in CORPORA])
def test_offsets_point_at_raw_text(path):
    doc = _doc(path)
    targets, results = find_targets(doc)
    for t in targets + results:
        assert doc.raw[t.start:t.end] == t.text
        assert t.start < t.end and t.value_min <= t.value_max


def test_speed():
    import time
    docs = [_doc(p) for p in CORPORA]
    size = sum(len(d.raw) for d in docs)
    find_targets(docs[0])
    t0 = time.perf_counter()
    for d in docs:
        find_targets(d)
    rate = size / (time.perf_counter() - t0) / 1e6
    print(f"\nfind_targets: {rate:.2f} MB/s over {len(docs)} documents")
    assert rate > 0.5  # the aim is ≥ 2 MB/s; the floor only catches pathological slowdowns
