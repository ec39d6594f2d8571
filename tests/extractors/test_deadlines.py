"""find_deadlines: a table of phrasings that must match (with their values),
phrasings that must not, and the raw-offset invariant over every corpus file."""
from __future__ import annotations

import calendar
from pathlib import Path

import pytest

from extractors.deadlines import BRANCHES, Deadline, find_deadlines
from extractors.document import Document
from extractors.ingest import ingest
from extractors.normalize import normalize
from extractors.segment import segment

ROOT = Path(__file__).resolve().parents[2]
CORPORA = sorted((ROOT / "corpora").glob("*.txt")) + sorted(Path("/work/shared/corpora/extra").glob("*.txt"))


def Y(y):
    return f"{y}-01-01", f"{y}-12-31"


def M(y, m):
    return f"{y}-{m:02d}-01", f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def Q(y, q):
    return f"{y}-{3 * q - 2:02d}-01", M(y, 3 * q)[1]


def D(y, m, d):
    return (f"{y}-{m:02d}-{d:02d}",) * 2


def YY(a, b):
    return f"{a}-01-01", f"{b}-12-31"


NONE = ("", "")

# (sentence, surface, kind, value, (from, to), modifier, recurrence, anchors)
MUST_MATCH = [
    # dates
    ("Tham mưu ban hành Kế hoạch trước ngày 20/12/2025.", "trước ngày 20/12/2025", "date", "2025-12-20", D(2025, 12, 20), "by", "", ()),
    ("Báo cáo kết quả chậm nhất ngày 15/7/2026.", "chậm nhất ngày 15/7/2026", "date", "2026-07-15", D(2026, 7, 15), "by", "", ()),
    ("Gửi báo cáo chậm nhất là ngày 05/01/2027.", "chậm nhất là ngày 05/01/2027", "date", "2027-01-05", D(2027, 1, 5), "by", "", ()),
    ("Hoàn thành trước ngày 30 tháng 6 năm 2026.", "Hoàn thành trước ngày 30 tháng 6 năm 2026", "date", "2026-06-30", D(2026, 6, 30), "by", "", ()),
    ("Nghị định có hiệu lực từ ngày 01/01/2026.", "từ ngày 01/01/2026", "date", "2026-01-01", D(2026, 1, 1), "from", "", ()),
    ("Nghị định có hiệu lực thi hành kể từ ngày 19 tháng 11 năm 2025.", "kể từ ngày 19 tháng 11 năm 2025", "date", "2025-11-19", D(2025, 11, 19), "from", "", ()),
    ("Tổ chức hội nghị vào ngày 15/3/2026 tại tỉnh.", "ngày 15/3/2026", "date", "2026-03-15", D(2026, 3, 15), "in", "", ()),
    ("Hoàn thành đến ngày 31/12/2025.", "Hoàn thành đến ngày 31/12/2025", "date", "2025-12-31", D(2025, 12, 31), "by", "", ()),
    ("Nộp hồ sơ không quá ngày 10/10/2026.", "không quá ngày 10/10/2026", "date", "2026-10-10", D(2026, 10, 10), "by", "", ()),
    # months
    ("Đề án hoàn thành trong tháng 6/2021.", "hoàn thành trong tháng 6/2021", "month", "2021-06", M(2021, 6), "by", "", ()),
    ("Ban hành kế hoạch trong tháng 01/2026.", "tháng 01/2026", "month", "2026-01", M(2026, 1), "in", "", ()),
    ("Tổ chức hội nghị vào tháng 9 năm 2026.", "tháng 9 năm 2026", "month", "2026-09", M(2026, 9), "in", "", ()),
    ("Trình Ban Thường vụ trước tháng 3/2026.", "trước tháng 3/2026", "month", "2026-03", M(2026, 3), "by", "", ()),
    ("Triển khai từ tháng 7/2025.", "từ tháng 7/2025", "month", "2025-07", M(2025, 7), "from", "", ()),
    ("Gửi báo cáo chậm nhất trong tháng 12/2025.", "chậm nhất trong tháng 12/2025", "month", "2025-12", M(2025, 12), "by", "", ()),
    ("Thời gian: Tháng 6/2021.", "Tháng 6/2021", "month", "2021-06", M(2021, 6), "in", "", ()),
    ("Ban hành xong hoàn thành trong tháng 7/2021.", "hoàn thành trong tháng 7/2021", "month", "2021-07", M(2021, 7), "by", "", ()),
    # quarters
    ("Tổng kết vào Quý IV/2030.", "Quý IV/2030", "quarter", "2030-Q4", Q(2030, 4), "in", "", ()),
    ("Sơ kết vào quý IV năm 2030.", "quý IV năm 2030", "quarter", "2030-Q4", Q(2030, 4), "in", "", ()),
    ("Tổ chức hội thảo Quý II/2023.", "Quý II/2023", "quarter", "2023-Q2", Q(2023, 2), "in", "", ()),
    ("Hoàn thành trong quý 3/2026.", "Hoàn thành trong quý 3/2026", "quarter", "2026-Q3", Q(2026, 3), "by", "", ()),
    ("Thực hiện trong Quý I/2022.", "Quý I/2022", "quarter", "2022-Q1", Q(2022, 1), "in", "", ()),
    ("Báo cáo trước quý III/2027.", "trước quý III/2027", "quarter", "2027-Q3", Q(2027, 3), "by", "", ()),
    ("Hoàn thành sắp xếp Quý IV/2026.", "Hoàn thành sắp xếp Quý IV/2026", "quarter", "2026-Q4", Q(2026, 4), "by", "", ()),
    ("Hoàn thành frong Quý 1/2026.", "Hoàn thành frong Quý 1/2026", "quarter", "2026-Q1", Q(2026, 1), "by", "", ()),
    # half-years
    ("Sơ kết 6 tháng đầu năm 2026.", "6 tháng đầu năm 2026", "half", "2026-H1", M(2026, 1)[:1] + M(2026, 6)[1:], "in", "", ()),
    ("Đánh giá kết quả 6 tháng cuối năm 2025.", "6 tháng cuối năm 2025", "half", "2025-H2", ("2025-07-01", "2025-12-31"), "in", "", ()),
    ("Hoàn thành trong nửa đầu năm 2027.", "Hoàn thành trong nửa đầu năm 2027", "half", "2027-H1", ("2027-01-01", "2027-06-30"), "by", "", ()),
    ("Báo cáo sơ kết 6 tháng cuối năm.", "6 tháng cuối năm", "half", "H2", NONE, "in", "", ()),
    # years
    ("Phấn đấu đến năm 2030 đạt 100%.", "đến năm 2030", "year", "2030", Y(2030), "by", "", ()),
    ("Đến năm 2030, trên 90% cán bộ được bồi dưỡng.", "Đến năm 2030", "year", "2030", Y(2030), "by", "", ()),
    ("Trở thành tỉnh có thu nhập trung bình cao trước năm 2030.", "trước năm 2030", "year", "2030", Y(2030), "by", "", ()),
    ("Áp dụng từ năm 2027.", "từ năm 2027", "year", "2027", Y(2027), "from", "", ()),
    ("Trọng tâm công tác Mặt trận năm 2024.", "năm 2024", "year", "2024", Y(2024), "in", "", ()),
    ("Hoàn thành đến hết năm 2025.", "Hoàn thành đến hết năm 2025", "year", "2025", Y(2025), "by", "", ()),
    ("Hoàn thành xây dựng 2026.", "Hoàn thành xây dựng 2026", "year", "2026", Y(2026), "by", "", ()),
    ("Mục tiêu đến 2035 đạt chuẩn.", "đến 2035", "year", "2035", Y(2035), "by", "", ()),
    ("MỤC TIÊU ĐẾN NĂM 2030", "ĐẾN NĂM 2030", "year", "2030", Y(2030), "by", "", ()),
    # periods
    ("Đề án giai đoạn 2025 - 2030.", "giai đoạn 2025 - 2030", "period", "2025/2030", YY(2025, 2030), "in", "", ()),
    ("Đề án giai đoạn 2025-2030.", "giai đoạn 2025-2030", "period", "2025/2030", YY(2025, 2030), "in", "", ()),
    ("Đề án giai đoạn 2025– 2030.", "giai đoạn 2025– 2030", "period", "2025/2030", YY(2025, 2030), "in", "", ()),
    ("NHIỆM VỤ GIAI ĐOẠN 2025-2030", "GIAI ĐOẠN 2025-2030", "period", "2025/2030", YY(2025, 2030), "in", "", ()),
    ("Chương trình phối hợp giai đoạn\n2021-2026 được ký kết.", "giai đoạn\n2021-2026", "period", "2021/2026", YY(2021, 2026), "in", "", ()),
    ("Quy hoạch tỉnh thời kỳ 2021 - 2030.", "thời kỳ 2021 - 2030", "period", "2021/2030", YY(2021, 2030), "in", "", ()),
    ("Thời gian thực hiện Đề án trong nhiệm kỳ 2025- 2030.", "nhiệm kỳ 2025- 2030", "period", "2025/2030", YY(2025, 2030), "in", "", ()),
    ("Thời gian: Quý I, quý II năm 2026.", "Quý I, quý II năm 2026", "period", "2026-Q1/2026-Q2", ("2026-01-01", "2026-06-30"), "in", "", ()),
    ("Thực hiện quý II và quý III/2026.", "quý II và quý III/2026", "period", "2026-Q2/2026-Q3", ("2026-04-01", "2026-09-30"), "in", "", ()),
    ("Từ quý II/2021 đến hết quý IV/2025.", "Từ quý II/2021 đến hết quý IV/2025", "period", "2021-Q2/2025-Q4", ("2021-04-01", "2025-12-31"), "from", "", ()),
    ("Triển khai từ năm 2026 đến năm 2030.", "từ năm 2026 đến năm 2030", "period", "2026/2030", YY(2026, 2030), "from", "", ()),
    ("Thực hiện từ tháng 3/2026 đến tháng 9/2026.", "từ tháng 3/2026 đến tháng 9/2026", "period", "2026-03/2026-09", ("2026-03-01", "2026-09-30"), "from", "", ()),
    ("Kéo dài từ ngày 01/6/2026 đến ngày 30/6/2026.", "từ ngày 01/6/2026 đến ngày 30/6/2026", "period", "2026-06-01/2026-06-30", ("2026-06-01", "2026-06-30"), "from", "", ()),
    ("Ban hành kế hoạch trong các năm 2026-2027.", "các năm 2026-2027", "period", "2026/2027", YY(2026, 2027), "in", "", ()),
    # recurrences
    ("Hằng năm, Ban Thường trực xây dựng kế hoạch.", "Hằng năm", "recurrence", "yearly", NONE, "in", "yearly", ()),
    ("Xây dựng kế hoạch hàng năm.", "hàng năm", "recurrence", "yearly", NONE, "in", "yearly", ()),
    ("Mỗi năm tổ chức ít nhất một hội nghị.", "Mỗi năm", "recurrence", "yearly", NONE, "in", "yearly", ()),
    ("Ngân sách cấp theo dự toán từng năm.", "từng năm", "recurrence", "yearly", NONE, "in", "yearly", ()),
    ("Định kỳ hằng quý báo cáo Thường trực Tỉnh ủy.", "hằng quý", "recurrence", "quarterly", NONE, "in", "quarterly", ()),
    ("Giao ban hằng tháng.", "hằng tháng", "recurrence", "monthly", NONE, "in", "monthly", ()),
    ("Sinh hoạt hằng tuần vào thứ Hai.", "hằng tuần", "recurrence", "weekly", NONE, "in", "weekly", ()),
    ("Triển khai theo từng quý.", "theo từng quý", "recurrence", "quarterly", NONE, "in", "quarterly", ()),
    ("Định kỳ 6 tháng báo cáo kết quả.", "Định kỳ 6 tháng", "recurrence", "semiannual", NONE, "in", "semiannual", ()),
    ("Thực hiện 6 tháng/lần.", "6 tháng/lần", "recurrence", "semiannual", NONE, "in", "semiannual", ()),
    ("Tập huấn ít nhất 1 lần/năm.", "1 lần/năm", "recurrence", "yearly", NONE, "in", "yearly", ()),
    ("Kiểm tra 2 lần/năm.", "2 lần/năm", "recurrence", "semiannual", NONE, "in", "semiannual", ()),
    ("Định kỳ 6 tháng và 01 năm, các cấp báo cáo.", "Định kỳ 6 tháng và 01 năm", "recurrence", "semiannual;yearly", NONE, "in", "semiannual;yearly", ()),
    ("Định kỳ (tháng, quý, 6 tháng, cả năm) báo cáo.", "Định kỳ (tháng, quý, 6 tháng, cả năm)", "recurrence", "monthly;quarterly;semiannual;yearly", NONE, "in", "monthly;quarterly;semiannual;yearly", ()),
    ("Đánh giá hằng quý, tháng, 6 tháng, năm về việc thực hiện.", "hằng quý, tháng, 6 tháng, năm", "recurrence", "quarterly;monthly;semiannual;yearly", NONE, "in", "quarterly;monthly;semiannual;yearly", ()),
    ("Báo cáo trước ngày 15/6 và ngày 15/12 hằng năm.", "trước ngày 15/6 và ngày 15/12 hằng năm", "recurrence", "semiannual", NONE, "by", "semiannual", ("--06-15", "--12-15")),
    ("Báo cáo trước ngày 15/6 và ngày 20/12 hằng năm.", "trước ngày 15/6 và ngày 20/12 hằng năm", "recurrence", "yearly", NONE, "by", "yearly", ("--06-15", "--12-20")),
    ("Ban hành kế hoạch trước ngày 20/12 của năm liền trước.", "trước ngày 20/12 của năm liền trước", "recurrence", "yearly", NONE, "by", "yearly", ("--12-20",)),
    ("Hằng năm, trước ngày 30/11 gửi báo cáo.", "Hằng năm, trước ngày 30/11", "recurrence", "yearly", NONE, "by", "yearly", ("--11-30",)),
    ("Báo cáo vào ngày 25 hằng tháng.", "ngày 25 hằng tháng", "recurrence", "monthly", NONE, "in", "monthly", ("---25",)),
    ("Tổ chức vào tháng 6 và tháng 12 hằng năm.", "tháng 6 và tháng 12 hằng năm", "recurrence", "semiannual", NONE, "in", "semiannual", ("--06", "--12")),
    # milestones
    ("Sơ kết 2028, tổng kết 2030.", "Sơ kết 2028", "milestone", "sơ kết 2028", Y(2028), "in", "", ()),
    ("Sơ kết 2028, tổng kết 2030.", "tổng kết 2030", "milestone", "tổng kết 2030", Y(2030), "in", "", ()),
    ("Sơ kết thực hiện Đề án vào năm 2028.", "Sơ kết thực hiện Đề án vào năm 2028", "milestone", "sơ kết 2028", Y(2028), "in", "", ()),
    ("Thực hiện hàng năm; tổng kết toàn khóa 2030", "tổng kết toàn khóa 2030", "milestone", "tổng kết 2030", Y(2030), "in", "", ()),
    ("Giữa nhiệm kỳ và cuối giai đoạn 2025-2030, tổ chức tổng kết, đánh giá.", "Giữa nhiệm kỳ", "milestone", "tổng kết giữa nhiệm kỳ 2025-2030", NONE, "in", "", ()),
    ("Giữa nhiệm kỳ và cuối giai đoạn 2025-2030, tổ chức tổng kết, đánh giá.", "cuối giai đoạn 2025-2030", "milestone", "tổng kết cuối giai đoạn 2030", Y(2030), "in", "", ()),
    # several values in one cell
    ("Ban hành Quý I/2026; tổng kết Quý IV/2030", "Quý I/2026", "quarter", "2026-Q1", Q(2026, 1), "in", "", ()),
    ("Ban hành Quý I/2026; tổng kết Quý IV/2030", "Quý IV/2030", "quarter", "2030-Q4", Q(2030, 4), "in", "", ()),
    ("Thời gian: Tháng 6/2021 Quý II/2021", "Quý II/2021", "quarter", "2021-Q2", Q(2021, 2), "in", "", ()),
]

# (sentence, substring that no deadline may overlap)
MUST_NOT_MATCH = [
    ("Căn cứ Quyết định số 217-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị.", "ngày 12/12/2013"),
    ("Tiếp tục thực hiện Kết luận 62-KL/TW ngày 08/12/2009 của Bộ Chính trị.", "ngày 08/12/2009"),
    ("Theo Nghị định số 93/2021/NĐ-CP ngày 27/10/2021 của Chính phủ.", "93/2021/NĐ-CP ngày 27/10/2021"),
    ("Thái Nguyên, ngày 26 tháng 02 năm 2024", "ngày 26 tháng 02 năm 2024"),
    ("Kỷ niệm 70 năm Ngày Chiến thắng Điện Biên Phủ (07/5/1954 - 07/5/2024).", "(07/5/1954 - 07/5/2024)"),
    ("Kỷ niệm 55 năm thực hiện Di chúc của Chủ tịch Hồ Chí Minh (1969 - 2024).", "(1969 - 2024)"),
    ("Đại hội đại biểu Đảng bộ tỉnh lần thứ I, nhiệm kỳ 2020-2025.", "nhiệm kỳ 2020-2025"),
    ("Nghị quyết Đại hội Đảng bộ tỉnh Điện Biên nhiệm kỳ 2025-2030.", "nhiệm kỳ 2025-2030"),
    ("Mọi thắc mắc liên hệ số điện thoại 0215.3825.123 hoặc 0912 345 678.", "0215.3825.123 hoặc 0912 345 678"),
    ("Cán bộ dành 01 ngày/tháng để xuống cơ sở.", "01 ngày/tháng"),
    ("Phấn đấu kết nạp 4% đảng viên mới; tỷ lệ đạt 76,1%.", "4% đảng viên mới; tỷ lệ đạt 76,1%"),
    ("2.2.1. Mục tiêu cụ thể", "2.2.1."),
    ("Trực 24/7 để tiếp nhận phản ánh.", "24/7"),
    ("Tổ chức 45-90 buổi tuyên truyền.", "45-90"),
    ("Hưởng ứng Tháng nghe dân nói.", "Tháng nghe dân nói"),
    ("Luật Tổ chức chính quyền địa phương năm 2025.", "năm 2025"),
    ("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013.", "năm 2013"),
    ("Thực hiện Thông báo số 303/TB-MTTW-BTT ngày 05/10/2023 của Ban Thường trực về nhiệm vụ trọng tâm năm 2024; Chương trình phối hợp.",
     "nhiệm vụ trọng tâm năm 2024"),
    ("Tổng kết 10 năm thực hiện Kết luận số 62-KL/TW.", "Tổng kết 10 năm"),
    ("Tổ chức từ 3-5 cuộc giám sát.", "3-5"),
    ("Kinh phí 13.608.610.000 đồng.", "13.608.610.000"),
    ("Xây dựng gia đình 5 có, 3 sạch.", "5 có, 3 sạch"),
    ("Định kỳ báo cáo kết quả thực hiện.", "Định kỳ báo cáo"),
    ("Tổ chức 02 lần Tháng nghe dân nói.", "02 lần Tháng"),
    ("Mỗi tổ chức phụ trách một chuyên đề.", "Mỗi tổ chức"),
]


def _find(text: str) -> list[Deadline]:
    doc = Document.from_text(text, "t")
    found = find_deadlines(doc)
    for d in found:
        assert doc.raw[d.start : d.end] == d.text
    return found


@pytest.mark.parametrize("sentence,surface,kind,value,interval,modifier,recurrence,anchors", MUST_MATCH,
                         ids=[f"{r[1]}" for r in MUST_MATCH])
def test_must_match(sentence, surface, kind, value, interval, modifier, recurrence, anchors):
    a = sentence.index(surface)
    b = a + len(surface)
    hits = [d for d in _find(sentence) if d.start < b and a < d.end]
    assert hits, f"nothing found on {surface!r}"
    d = max(hits, key=lambda d: min(b, d.end) - max(a, d.start))
    assert (d.kind, d.value, (d.from_, d.to), d.modifier, d.recurrence, d.anchors) == (
        kind, value, interval, modifier, recurrence, anchors)
    assert d.text == surface


@pytest.mark.parametrize("sentence,substring", MUST_NOT_MATCH, ids=[r[1] for r in MUST_NOT_MATCH])
def test_must_not_match(sentence, substring):
    a = sentence.index(substring)
    b = a + len(substring)
    assert [d.text for d in _find(sentence) if d.start < b and a < d.end] == []


def test_table_sizes():
    assert len(MUST_MATCH) >= 60 and len(MUST_NOT_MATCH) >= 15


def test_every_branch_has_an_example():
    for name, example, _ in BRANCHES:
        assert example, name


def test_past_sections_and_citation_titles_are_skipped():
    text = (
        "I. KẾT QUẢ GIAI ĐOẠN 2021 - 2025\n\nHằng năm, MTTQ đã tổ chức 3 hội nghị.\n\n"
        "II. NHIỆM VỤ\n\nHằng năm tổ chức hội nghị. Thực hiện Đề án số 02-ĐA/TU ngày 09/4/2021 "
        "của Tỉnh ủy về “Phát huy vai trò giám sát, giai đoạn 2021-2025”.\n"
    )
    found = _find(text)
    assert [(d.text, d.section) for d in found] == [("Hằng năm", "II")]


def test_table_cells_take_modifiers_from_their_columns():
    text = ("Stt\tNội dung\tThời gian bắt đầu\tThời gian hoàn thành\n"
            "1\tTổ chức hội nghị\tQuý III/2026\tQuý IV/2026\n")
    found = _find(text)
    assert [(d.value, d.modifier, d.source) for d in found] == [("2026-Q3", "from", "table"), ("2026-Q4", "by", "table")]
    assert found[0].context_start == found[1].context_start  # one row links them


def test_to_dict_names_the_interval_from():
    d = _find("Hoàn thành trước ngày 20/12/2025.")[0].to_dict()
    assert d["from"] == "2025-12-20" and "from_" not in d


@pytest.mark.parametrize("path", CORPORA, ids=[p.name for p in CORPORA])
def test_raw_offsets_over_the_corpus(path):
    r = ingest(path)
    doc = segment(r.doc_id, normalize(r.raw))
    found = find_deadlines(doc)
    assert found
    for d in found:
        assert doc.raw[d.start : d.end] == d.text
        assert d.context_start <= d.start and d.end <= d.context_end
