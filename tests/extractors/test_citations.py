"""find_citations on reference strings (must match, with fields), strings that
must not match, and the raw-offset contract over the whole corpus."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest

from extractors.citations import Citation, find_citations
from extractors.document import Document
from extractors.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]


def cites(text: str) -> list[Citation]:
    # normalised but not segmented: a one-line string has no header to read
    # metadata from, and the table rows test the grammar, not segment.py
    return find_citations(Document("t", normalize(text)))


def numbered(text: str) -> list[Citation]:
    return [c for c in cites(text) if not c.named]


# (text, index of the numbered citation, expected fields)
NUMBERED = [
    # kinds written out, "số", "số:", missing "số"
    ("Quyết định số 217-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị (khóa XI) về việc ban hành Quy chế giám sát.", 0,
     dict(kind="Quyết định", symbol="217-QĐ/TW", number="217", date="2013-12-12", issuer="Bộ Chính trị", term="XI",
          title="ban hành Quy chế giám sát", type_code="QĐ", issuer_code="TW", scope="national")),
    ("Quy định số 124-QĐ/TW, ngày 02/02/2018 của Ban Bí thư quy định về giám sát.", 0,
     dict(kind="Quy định", symbol="124-QĐ/TW", date="2018-02-02", issuer="Ban Bí thư")),
    ("Chỉ thị 03-CT/TW ngày 19/5/2021 của Ban Bí thư về tăng cường sự lãnh đạo.", 0,
     dict(kind="Chỉ thị", symbol="03-CT/TW", date="2021-05-19", issuer="Ban Bí thư", title="tăng cường sự lãnh đạo")),
    ("Kế hoạch số: 165/KH-UBND ngày 21/11/2025 của UBND thành phố Cần Thơ.", 0,
     dict(kind="Kế hoạch", symbol="165/KH-UBND", issuer="UBND thành phố Cần Thơ", scope="local")),
    ("theo Quyết định 318/QĐ-TTg, ngày 08/3/2022.", 0,
     dict(kind="Quyết định", symbol="318/QĐ-TTg", date="2022-03-08", issuer="")),
    ("Hướng dẫn 90/HD-MTTW-BTT ngày 20/9/2022 về việc lấy ý kiến.", 0,
     dict(kind="Hướng dẫn", symbol="90/HD-MTTW-BTT", date="2022-09-20", title="lấy ý kiến")),
    # Thông báo Kết luận is one Thông báo
    ("Thông báo Kết luận số 160-TB/TW ngày 15/01/2020 của Bộ Chính trị.", 0,
     dict(kind="Thông báo", symbol="160-TB/TW", date="2020-01-15", text="Thông báo Kết luận số 160-TB/TW")),
    ("Thông báo số 303/TB-MTTW-BTT ngày 05/10/2023 của Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam về một số nhiệm vụ.", 0,
     dict(kind="Thông báo", symbol="303/TB-MTTW-BTT", issuer="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam")),
    # dates
    ("Nghị quyết số 43-NQ/TW, ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII về tiếp tục phát huy.", 0,
     dict(date="2023-11-24", issuer="Ban Chấp hành Trung ương Đảng", term="XIII")),
    ("chương trình phối hợp số 260/CTPH-MTTQ-LHCTCHN ngày 14 tháng 7 năm 2023 giữa Ủy ban MTTQ tỉnh và các tổ chức.", 0,
     dict(kind="Chương trình phối hợp", symbol="260/CTPH-MTTQ-LHCTCHN", date="2023-07-14", issuer="")),
    ("Quyết định số 1050-QĐ/TU, ngày 24/5/2022 của Ban Thường vụ Tỉnh ủy ban hành Quy chế.", 0,
     dict(date="2022-05-24", issuer="Ban Thường vụ Tỉnh ủy")),
    ("THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC TĂNG CƯỜNG", 0,
     dict(kind="Chỉ thị", symbol="27/CT-TTG", date="2024-08-15", issuer="THỦ TƯỚNG CHÍNH PHỦ", role="căn cứ")),
    ("Kế hoạch số 254/KH-MTTQ-BTT ngày 08/2/2023 của Ban Thường trực Ủy ban MTTQ tỉnh.", 0, dict(date="2023-02-08")),
    ("Chỉ thị số 12-CT/TW ngày 05/1/2022 của Ban Bí thư.", 0, dict(date="2022-01-05")),
    ("Quyết định số 2539/QĐ-BYT ngày 24 tháng 05 năm\n2021 của Bộ Y tế ban hành Kế hoạch.", 0,
     dict(date="2021-05-24", issuer="Bộ Y tế")),
    ("Nghị quyết số 99-NQ/TU ngày 31/02/2020 của Tỉnh ủy.", 0, dict(date=None, issuer="Tỉnh ủy")),
    # issuers
    ("Kết luận số 21-KL/TW ngày 25/10/2021 Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng (khóa XIII) về đẩy mạnh.", 0,
     dict(issuer="Ban Chấp hành Trung ương Đảng", term="XIII")),
    ("Nghị quyết số 21-NQ/TW ngày 25 tháng 10 năm 2017 của Hội nghị lần thứ sáu Ban\nChấp hành Trung ương Khóa XII về công tác dân số.", 0,
     dict(issuer="Ban Chấp hành Trung ương", term="XII", date="2017-10-25")),
    ("Nghị quyết liên tịch số 403/2017/NQLT, ngày 15/6/2017 của Ủy ban Thường vụ Quốc hội, Chính phủ, Đoàn Chủ tịch Ủy ban "
     "Trung ương Mặt trận Tổ quốc Việt Nam quy định chi tiết.", 0,
     dict(kind="Nghị quyết liên tịch", symbol="403/2017/NQLT", year=2017,
          issuer="Ủy ban Thường vụ Quốc hội, Chính phủ, Đoàn Chủ tịch Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam")),
    ("Nghị quyết số 203/2025/QH15 ngày 16/6/2025 của Quốc hội khóa XV.", 0,
     dict(symbol="203/2025/QH15", issuer="Quốc hội", term="XV", year=2025, issuer_code="QH15")),
    ("Kế hoạch số 463/KH-BCĐ ngày 02/02/2024 của Ban Chỉ đạo Trung ương Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” về Kế hoạch công tác năm 2024.", 0,
     dict(issuer="Ban Chỉ đạo Trung ương Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
          title="Kế hoạch công tác năm 2024")),
    ("Quyết định số 3112/QĐ-UBND ngày 13/12/2022 của UBND tỉnh phê duyệt Kế hoạch.", 0, dict(issuer="UBND tỉnh")),
    ("Thông tri số 36/TT-MTTW-BTT ngày 06/5/2019 của Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam Quy định, hướng dẫn.", 0,
     dict(kind="Thông tri", issuer="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam")),
    ("Đề án số 01/ĐA-MTTW-BTT của Ủy ban Trung ương MTTQ Việt Nam khóa VIII về “Đổi mới công tác thông tin”.", 0,
     dict(issuer="Ủy ban Trung ương MTTQ Việt Nam", term="VIII", title="“Đổi mới công tác thông tin”")),
    ("Chỉ thị số 17-CT/TU ngày 07/03/2022 của Ban Thường vụ\nTỉnh ủy Hậu Giang về tăng cường.", 0,
     dict(issuer="Ban Thường vụ Tỉnh ủy Hậu Giang", date="2022-03-07")),
    ("Nghị quyết số 137/NQ-CP ngày 31/12/2017 của Chính phủ và Chương trình số 27-CTr/TU ngày 12/3/2018.", 0,
     dict(issuer="Chính phủ")),
    ("Chương trình số 27-CTr/TU ngày 12/3/2018 của Ban Chấp hành Đảng bộ tỉnh Sóc Trăng; Chỉ thị", 0,
     dict(kind="Chương trình", issuer="Ban Chấp hành Đảng bộ tỉnh Sóc Trăng")),
    ("Thông tư số 01/2021/TT-BYT ngày 25/01/2021 của Bộ trưởng Bộ Y tế về hướng dẫn.", 0,
     dict(kind="Thông tư", issuer="Bộ trưởng Bộ Y tế", type_code="TT", issuer_code="BYT")),
    ("Chương trình hành động số 19/CTr-MTTW ngày 19/01/2017 của MTTQ Việt Nam thực hiện Nghị quyết.", 0,
     dict(issuer="MTTQ Việt Nam")),
    ("Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương (khóa XII).", 0,
     dict(issuer="Ban Chấp hành Trung ương", term="XII", date=None)),
    ("Công văn số 2133/MTTQ-BTT ngày 16/8/2022 của Ban Thường trực Ủy ban MTTQ tỉnh về việc tiếp tục nâng cao.", 0,
     dict(kind="Công văn", type_code="", issuer_code="MTTQ-BTT", scope="local", title="tiếp tục nâng cao")),
    ("Thông báo số 157/TB-VPCP ngày 11 tháng 4 năm 2024 của Văn phòng Chính phủ.", 0, dict(issuer="Văn phòng Chính phủ")),
    # symbol variants
    ("Quy định số 212-QĐ-TW ngày 30/12/2019 của Ban Bí thư.", 0,
     dict(symbol="212-QĐ/TW", text="Quy định số 212-QĐ-TW")),
    ("Đề án Số 02 - ĐA/TU ngày 23/5/2021", 0, dict(symbol="02-ĐA/TU", number="02")),
    ("Kết luận số 75-\nKL/TW ngày 28/7/2026 của Ban Chấp hành\nTrung ương Đảng khóa XIV", 0,
     dict(symbol="75-KL/TW", issuer="Ban Chấp hành Trung ương Đảng", term="XIV")),
    ("Chương trình\nsố 30-CTr/TU ngày 29/12/2017 của Thành ủy Cần Thơ", 0,
     dict(kind="Chương trình", symbol="30-CTr/TU", issuer="Thành ủy Cần Thơ")),
    ("thực hiện Nghị\nquyết số 21-NQ/TW; Chương trình", 0, dict(kind="Nghị quyết", symbol="21-NQ/TW")),
    ("Kế hoạch số 75/KH- UBND ngày 09/7/2018 của UBND tỉnh Sóc Trăng", 0, dict(symbol="75/KH-UBND")),
    ("Chỉ\nthị số 27/CTTg ngày 15/7/2024 của Thủ tướng Chính phủ", 0, dict(kind="Chỉ thị", symbol="27/CTTg")),
    ("(Kèm theo Chương trình hành động số 104 CTr/TU ngày 30 /8/2026 của Tỉnh uỷ Lào Cai)", 0,
     dict(symbol="104-CTr/TU", date="2026-08-30", issuer="Tỉnh ủy Lào Cai", self=True)),
    ("Kết luận số 62 – KL/TW của **Bộ Chính trị** (khoá X)", 0,
     dict(symbol="62-KL/TW", issuer="Bộ Chính trị", term="X")),
    ("Luật Mặt trận Tổ quốc Việt Nam số 75/2015/QH13, Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15", 0,
     dict(kind="Luật", symbol="75/2015/QH13", text="Luật Mặt trận Tổ quốc Việt Nam số 75/2015/QH13")),
    ("Luật Mặt trận Tổ quốc Việt Nam số 75/2015/QH13, Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15", 1,
     dict(kind="Luật", symbol="10/2022/QH15", text="Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15")),
    ("Căn cứ Luật Quản lý, sử dụng tài sản công số 15/2017/QH14;", 0,
     dict(kind="Luật", symbol="15/2017/QH14", role="căn cứ")),
    ("Luật số 97/2025/QH15 sửa đổi, bổ sung một số điều", 0, dict(kind="Luật", symbol="97/2025/QH15")),
    ("Nghị định số 93/2021/NĐ-CP ngày 27/10/2021 của Chính phủ về vận động", 0,
     dict(kind="Nghị định", year=2021, issuer="Chính phủ", scope="national")),
    ("Chương trình phối hợp số 258/CTrPH-MTTQ-SLĐ ngày 14/7/2023", 0,
     dict(kind="Chương trình phối hợp", type_code="CTrPH")),
    ("Chương trình phối hợp số 17-CTPH/MTTQ-TT-STP-HLG-ĐLS ngày 27/02/2015 giữa Ban Thường trực", 0,
     dict(symbol="17-CTPH/MTTQ-TT-STP-HLG-ĐLS", issuer="", date="2015-02-27")),
    # nested, role, self
    ("Kết luận số 54-KL/TW, ngày 09/5/2023 của Ban Bí thư về tiếp tục thực hiện Quyết định số 99-QĐ/TW, ngày 03/10/2017 của Ban Bí thư về phát huy.", 1,
     dict(symbol="99-QĐ/TW", date="2017-10-03", issuer="Ban Bí thư")),
    ("Căn cứ Nghị quyết số 201/2025/QH15 của Quốc hội thí điểm về một số cơ chế;", 0,
     dict(role="căn cứ", issuer="Quốc hội")),
    ("Thực hiện Chương trình hành động số 09-CTr/ĐU, ngày 08/10/2025 của Ban Chấp hành Đảng bộ xã thực hiện Nghị quyết.", 0,
     dict(role="căn cứ", issuer="Ban Chấp hành Đảng bộ xã", scope="local", date="2025-10-08")),
    ("Thực hiện Thông báo số 303/TB-MTTW-BTT ngày 05/10/2023; Công văn số 6676/BYT-CDS ngày 29/10/2024 của Bộ Y tế.", 1,
     dict(role="căn cứ", symbol="6676/BYT-CDS")),
    ("- Tăng cường giám sát theo Quyết định số 217-QĐ/TW của Bộ Chính trị.", 0, dict(role="dẫn chiếu")),
    ("(kèm theo Nghị quyết số 21-NQ/TU, ngày 12/3/2026 của Ban Thường vụ Tỉnh ủy về nâng cao", 0,
     dict(self=True, date="2026-03-12")),
    ("thực hiện tốt Quy chế ban hành kèm theo Quyết định số 290-QĐ/TW ngày 25/02/2010 của Bộ Chính trị.", 0,
     dict(self=False, symbol="290-QĐ/TW")),
    ("Quyết định số 217-QĐ/TW và Quyết định số 218-QĐ/TW của Bộ Chính trị", 1, dict(symbol="218-QĐ/TW")),
    ("Nghị quyết số 25-NQ/TW ngày 03/6/2013 Hội nghị lần thứ 7 Ban Chấp hành Trung ương Đảng (khóa XI) về dân vận", 0,
     dict(date="2013-06-03", term="XI")),
    ("¹ Chỉ thị số 22-CT/TW ngày 25/5/2023 của Ban Bí thư Trung ương Đảng về lãnh đạo Đại hội", 0,
     dict(symbol="22-CT/TW", issuer="Ban Bí thư Trung ương Đảng")),
    ("1\tThực hiện Kế hoạch số 125-KH/TU, ngày 16/8/2023 của Ban Thường vụ Tỉnh ủy\tBan Dân vận", 0,
     dict(symbol="125-KH/TU", date="2023-08-16", issuer="Ban Thường vụ Tỉnh ủy")),
    ("Quy chế số 11-QC/TU ngày 26/3/2019 của Ban Thường vụ Tỉnh ủy về người đứng đầu", 0,
     dict(kind="Quy chế", type_code="QC")),
    # a bare symbol after a kind-ed one keeps the kind of its code
    ("Kết luận 75-KL/TW, 31-CTr/TW và Chương trình hành động này", 1,
     dict(symbol="31-CTr/TW", kind="Chương trình hành động")),
]


@pytest.mark.parametrize("text, index, expected", NUMBERED)
def test_numbered_reference(text, index, expected):
    cs = numbered(text)
    assert len(cs) > index, cs
    c = cs[index]
    got = {k: getattr(c, k) for k in expected}
    assert got == expected


# (text, expected canonical names in order)
NAMED = [
    ("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013; Cương lĩnh", ["Hiến pháp 2013"]),
    ("theo Hiến pháp (2013) và", ["Hiến pháp 2013"]),
    ("- Luật Tổ chức chính quyền địa phương năm 2025.", ["Luật Tổ chức chính quyền địa phương năm 2025"]),
    ("của Luật Mặt trận Tổ quốc Việt Nam, Luật Công đoàn, Luật Thanh niên và Luật Thực hiện dân chủ ở cơ sở.",
     ["Luật Mặt trận Tổ quốc Việt Nam", "Luật Công đoàn", "Luật Thanh niên", "Luật Thực hiện dân chủ ở cơ sở"]),
    ("các dự án: Luật Bảo hiểm xã hội (sửa đổi), Luật Quy hoạch đô thị và quy hoạch nông thôn;",
     ["Luật Bảo hiểm xã hội (sửa đổi)", "Luật Quy hoạch đô thị và quy hoạch nông thôn"]),
    ("Luật Thi đua, khen thưởng ngày 15/6/2022;", ["Luật Thi đua, khen thưởng"]),
    ("Luật Ngân sách Nhà nước và quy định về sử dụng ngân sách", ["Luật Ngân sách Nhà nước"]),
    ("Pháp lệnh Cựu chiến binh và các chỉ thị", ["Pháp lệnh Cựu chiến binh"]),
    ("theo quy định của Điều lệ Mặt trận Tổ quốc Việt Nam và Hướng dẫn", ["Điều lệ Mặt trận Tổ quốc Việt Nam"]),
    ("Điều lệ Đảng Cộng sản Việt Nam; Điều lệ Hội Liên hiệp Phụ nữ Việt Nam,",
     ["Điều lệ Đảng Cộng sản Việt Nam", "Điều lệ Hội Liên hiệp Phụ nữ Việt Nam"]),
    ("Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội; Văn kiện",
     ["Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội"]),
    ("Văn kiện Đại hội đại biểu toàn quốc lần thứ XII, XIII của Đảng;",
     ["Văn kiện Đại hội đại biểu toàn quốc lần thứ XII của Đảng", "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"]),
    ("Văn kiện Đại hội đại biểu Đảng bộ tỉnh Tuyên Quang lần thứ XVI, lần thứ XVII;",
     ["Văn kiện Đại hội đại biểu Đảng bộ tỉnh Tuyên Quang lần thứ XVI",
      "Văn kiện Đại hội đại biểu Đảng bộ tỉnh Tuyên Quang lần thứ XVII"]),
    ("thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII, nhiệm kỳ 2020 - 2025.",
     ["Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVII"]),
    ("thực hiện Nghị quyết Đại hội Đảng lần thứ XIII của Đảng", ["Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"]),
    ("theo tinh thần Nghị quyết Trung ương 6 (khóa XII) và", ["Nghị quyết Trung ương 6 (khóa XII)"]),
    ("Nghị quyết Trung ương 4 (khóa XI, khóa XII) về xây dựng Đảng",
     ["Nghị quyết Trung ương 4 (khóa XI)", "Nghị quyết Trung ương 4 (khóa XII)"]),
    ("thực hiện Nghị quyết Hội nghị lần thứ tư của BCH Trung ương Đảng (khóa XII) về tăng cường",
     ["Nghị quyết Trung ương 4 (khóa XII)"]),
    ("Tiếp tục triển khai Chương trình phối hợp “Phát huy vai trò các tôn giáo tham gia bảo vệ môi trường”.",
     ["Chương trình phối hợp “Phát huy vai trò các tôn giáo tham gia bảo vệ môi trường”"]),
    ("thực hiện tốt Quy chế công tác dân vận của hệ thống chính trị ban hành kèm theo",
     ["Quy chế công tác dân vận của hệ thống chính trị"]),
    ("Thực hiện tốt Đề án của Ban Thường vụ Tỉnh uỷ về nâng cao năng lực lãnh đạo, sức chiến đấu",
     ["Đề án của Ban Thường vụ Tỉnh ủy về nâng cao năng lực lãnh đạo"]),
]


@pytest.mark.parametrize("text, names", NAMED)
def test_named_reference(text, names):
    got = [c.name for c in cites(text) if c.named]
    assert got == names
    assert all(c.symbol == "" for c in cites(text) if c.named)


NOT_REFERENCES = [
    "ngày 12/12/2013 tổ chức hội nghị",
    "Lào Cai, ngày 30 tháng 8 năm 2026",
    "điện thoại: 0208.3855.123",
    "01 ngày/tháng",
    "tối thiểu 01 lần/năm",
    "đạt 100% số xã",
    "tăng 2,5% so với năm 2020",
    "2.2.1. Nâng cao chất lượng giám sát",
    "Biểu số 3: Tổng hợp trình độ",
    "(Có phụ lục biểu số 1, 2, 3, 4, 5 kèm theo)",
    "Đại hội đại biểu toàn quốc Mặt trận Tổ quốc Việt Nam lần thứ X",
    "lần thứ XIII",
    "Quý II/2022\tQuý IV/2025",
    "các chủ trương, nghị quyết của Đảng, chính sách, pháp luật của Nhà nước",
    "Nghị quyết này có hiệu lực từ ngày ký.",
    "Tổ chức quán triệt Chương trình hành động này đến cán bộ",
    "theo Luật định, tiến tới thành lập",
    "Hội Luật gia tỉnh, Đoàn Luật sư tỉnh",
    "Quy định rõ trách nhiệm, cơ chế phối hợp",
    "giai đoạn 2021 - 2025, nhiệm kỳ 2025-2030",
    "Tổng số\t2016\t62\t20",
    "tỉnh/thành phố đã tổ chức",
    "khoản 4 Điều 12 của Nghị quyết này",
    "luật và điều lệ của các tổ chức",
]


@pytest.mark.parametrize("text", NOT_REFERENCES)
def test_not_a_reference(text):
    assert cites(text) == []


def test_generic_plural_is_not_named():
    assert cites("các Hướng dẫn của Trung ương, của tỉnh về công tác") == []


def test_header_number_line_is_not_a_citation():
    text = "TỈNH ỦY TUYÊN QUANG\nSố 02 - ĐA/TU\nTuyên Quang, ngày 23 tháng 5 năm 2021\n\nĐỀ ÁN\n\n(kèm theo Đề án số 02-ĐA/TU ngày 23/5/2021)"
    cs = find_citations(Document.from_text(text, "t"))
    assert [c.symbol for c in cs] == ["02-ĐA/TU"] and cs[0].self


CORPUS = sorted(glob.glob(str(ROOT / "corpora" / "*.txt"))) + sorted(glob.glob("/work/shared/corpora/extra/*.txt"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: Path(p).stem[:24])
def test_raw_offsets_hold_for_every_citation(path):
    doc = Document.from_text(Path(path).read_text(encoding="utf-8"), Path(path).stem)
    cs = find_citations(doc)
    for c in cs:
        assert doc.raw[c.start:c.end] == c.text
        assert c.text.strip() == c.text and c.text
    assert all(isinstance(c.to_dict(), dict) for c in cs)
