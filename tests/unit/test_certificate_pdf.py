"""Certificate PDFs: what a reader extracts and a phone scans, for any name, in both designs."""

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from bimtek.certificates.pdf.errors import CertificateRenderError
from bimtek.certificates.pdf.kit import FONT_FILES, register_fonts
from bimtek.certificates.pdf.model import PAGE_SIZE, CertificateData, FieldSpec, TemplateSpec
from bimtek.certificates.pdf.render import pdf_sha256, render_certificate, render_many
from bimtek.certificates.pdf.text import fit_text, format_jp, format_nip

PROJECT_FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
VERIFY_URL = "https://bimtek.komdigi.go.id/v/7KQ2-M4XP-9RTA"

CERT = CertificateData(
    number="001/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
    name="Dra. Siti Rahmawati, M.Si.",
    role="PESERTA",
    event_title="Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial",
    organizer="Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
    date_text="Kamis, 25 Agustus 2022",
    place_text="Batam",
    jp=8,
    issue_place="Batam",
    issue_date_text="25 Agustus 2022",
    signatory_title="Direktur Tata Kelola dan Kemitraan Komunikasi Publik",
    signatory_name="Dr. Hasyim Gautama",
    signatory_nip="196608011988031001",
    verify_url=VERIFY_URL,
    verification_code="7KQ2-M4XP-9RTA",
)


@pytest.fixture(scope="module")
def fonts_dir() -> Path:
    """The project's bundled fonts when present, else Debian's copy of the same DejaVu files."""
    for candidate in (PROJECT_FONTS, DEBIAN_FONTS):
        if all((candidate / name).is_file() for name in FONT_FILES.values()):
            return candidate
    pytest.skip("DejaVu fonts not installed")


@pytest.fixture(scope="module")
def fonts(fonts_dir) -> dict[str, str]:
    return register_fonts(fonts_dir)


@pytest.fixture
def background(tmp_path) -> Path:
    """A 150-dpi A4-landscape JPEG in a distinctive light blue with a dark band at the top."""
    img = Image.new("RGB", (1754, 1240), (200, 225, 250))
    ImageDraw.Draw(img).rectangle((0, 0, 1754, 120), fill=(20, 40, 90))
    path = tmp_path / "background.jpg"
    img.save(path, quality=90)
    return path


@pytest.fixture
def signature_png(tmp_path) -> Path:
    img = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(img).line((10, 100, 100, 20, 180, 100, 290, 15), fill=(10, 10, 120, 255), width=5)
    path = tmp_path / "ttd.png"
    img.save(path)
    return path


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def scan_qr(data: bytes, page: int = 0) -> list[str]:
    image = pdfium.PdfDocument(data)[page].render(scale=3).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def text_runs(data: bytes, page: int = 0) -> list[tuple[str, float, float, str, float]]:
    """(text, x, y, base font, size) for every text run on a page."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict is not None:
            runs.append((text.strip(), tm[4] + cm[4], tm[5] + cm[5], str(font_dict["/BaseFont"]), font_size))

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return runs


def font_role(base_font: str) -> str:
    """Map '/ABCDEF+DejaVuSerif-Bold' back to 'serif-bold'."""
    face = base_font.split("+", 1)[-1]
    return next(role for role, file in FONT_FILES.items() if file == f"{face}.ttf")


# ------------------------------------------------------------------------------------ default design


def test_default_design_text(fonts_dir):
    data = render_certificate(CERT, None, fonts_dir)
    texts = page_texts(data)
    assert len(texts) == 1
    text = flat(texts[0])
    for expected in [
        "SERTIFIKAT",
        "Nomor: 001/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
        "diberikan kepada",
        "Dra. Siti Rahmawati, M.Si.",
        "sebagai PESERTA",
        "dalam kegiatan",
        "Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial",
        "DIREKTORAT TATA KELOLA DAN KEMITRAAN KOMUNIKASI PUBLIK",
        "yang diselenggarakan oleh Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
        "pada Kamis, 25 Agustus 2022 di Batam selama 8 JP",
        "Batam, 25 Agustus 2022",
        "Direktur Tata Kelola dan Kemitraan Komunikasi Publik",
        "Dr. Hasyim Gautama",
        "NIP. 19660801 198803 1 001",
        "7KQ2-M4XP-9RTA",
    ]:
        assert expected in text, expected


def test_document_is_a4_landscape_titled_with_the_number(fonts_dir):
    reader = PdfReader(io.BytesIO(render_certificate(CERT, None, fonts_dir)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert reader.metadata.title == CERT.number


@pytest.mark.parametrize("role", ["PESERTA", "NARASUMBER", "MODERATOR", "PANITIA", "peserta"])
def test_roles(fonts_dir, role):
    text = flat(page_texts(render_certificate(dataclasses.replace(CERT, role=role), None, fonts_dir))[0])
    assert f"sebagai {role.upper()}" in text


@pytest.mark.parametrize(
    ("place", "jp", "expected"),
    [
        ("Batam", 8, "pada Kamis, 25 Agustus 2022 di Batam selama 8 JP"),
        ("secara luring dan daring", 32, "pada Kamis, 25 Agustus 2022 secara luring dan daring selama 32 JP"),
        (
            "di Swiss-Belhotel Harbour Bay, Batam",
            Decimal("2.5"),
            "pada Kamis, 25 Agustus 2022 di Swiss-Belhotel Harbour Bay, Batam selama 2,5 JP",
        ),
        ("Batam", None, "pada Kamis, 25 Agustus 2022 di Batam"),
    ],
)
def test_date_place_and_jp_phrase(fonts_dir, place, jp, expected):
    cert = dataclasses.replace(CERT, place_text=place, jp=jp)
    text = flat(page_texts(render_certificate(cert, None, fonts_dir))[0])
    assert expected in text
    if jp is None:
        assert "JP" not in text


def test_empty_nip_prints_no_nip_line(fonts_dir):
    text = page_texts(render_certificate(dataclasses.replace(CERT, signatory_nip=""), None, fonts_dir))[0]
    assert "NIP" not in text
    assert "Dr. Hasyim Gautama" in text


@pytest.mark.parametrize(
    "url",
    [
        VERIFY_URL,
        "https://sertifikat.example.go.id/verifikasi/2022/BIMTEK-MEDSOS/0001?k=" + "x" * 60,
        "HTTPS://BIMTEK.GO.ID/V/7KQ2M4XP9RTA",
    ],
)
def test_qr_decodes_to_the_verify_url(fonts_dir, url):
    data = render_certificate(dataclasses.replace(CERT, verify_url=url), None, fonts_dir)
    assert scan_qr(data) == [url]


def test_no_verify_url_means_no_qr(fonts_dir):
    data = render_certificate(dataclasses.replace(CERT, verify_url=""), None, fonts_dir)
    assert scan_qr(data) == []


@pytest.mark.parametrize(
    "name",
    [
        "<b>Budi</b> & Sons",
        'O\'Brien "Bud" <script>alert(1)</script>',
        "Nguyễn Thị Minh Khai",
        "Łukasz Żółć",
        "Γεώργιος Παπαδόπουλος",
        "Сергей Иванов",
        "Ir. H. Muhammad Ṣāliḥ, S.T., M.T.",
        "100% (A+B) \\ back/slash #1",
    ],
)
def test_names_are_printed_literally(fonts_dir, name):
    data = render_certificate(dataclasses.replace(CERT, name=name), None, fonts_dir)
    assert name in page_texts(data)[0]


def test_decomposed_unicode_is_normalised(fonts_dir):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Minh Khai"  # NFD as some keyboards/browsers send it
    data = render_certificate(dataclasses.replace(CERT, name=decomposed), None, fonts_dir)
    assert "Nguyễn Thị Minh Khai" in page_texts(data)[0]


def test_control_characters_in_user_text_become_spaces(fonts_dir):
    cert = dataclasses.replace(CERT, name="Budi\nSantoso\t\x00 S.Kom")
    text = page_texts(render_certificate(cert, None, fonts_dir))[0]
    assert "Budi Santoso S.Kom" in text


LONG_NAME = (
    "Prof. Dr. Ir. Raden Mas Haryo Bimo Adikusumo Wicaksono Hadiningrat Sastrowardoyo, "
    "S.H., M.H., M.Kom., M.B.A., Ph.D."
)


@pytest.mark.parametrize(
    "cert",
    [
        dataclasses.replace(CERT, name=LONG_NAME),
        dataclasses.replace(CERT, name="Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft" * 2),
        dataclasses.replace(
            CERT,
            name=LONG_NAME,
            logo_path=None,
            event_title="Bimbingan Teknis " * 12,
            organizer="Direktorat Jenderal Informasi dan " * 6,
            place_text="Swiss-Belhotel Harbour Bay, Batam, Kepulauan Riau, secara luring dan daring " * 2,
            signatory_title="Plt. Direktur Tata Kelola dan Kemitraan Komunikasi Publik " * 2,
        ),
    ],
    ids=["long-name", "unbreakable-name", "everything-long"],
)
def test_long_texts_stay_inside_the_frame(fonts_dir, fonts, cert):
    data = render_certificate(cert, None, fonts_dir)
    width, _ = PAGE_SIZE
    runs = text_runs(data)
    assert runs
    for text, x, _, base_font, size in runs:
        line_width = stringWidth(text, fonts[font_role(base_font)], size)
        if text == "SERTIFIKAT":
            continue  # drawn letter-spaced; fixed text, never long
        assert x >= 12 * mm, text
        assert x + line_width <= width - 12 * mm, text
    # every word of the name is on the page, and the name never drops below the minimum size
    name_runs = [r for r in runs if font_role(r[3]) == "serif-bold" and r[4] < 30 and r[0] in cert.name]
    assert "".join(r[0] for r in name_runs).replace(" ", "") == cert.name.replace(" ", "")
    assert all(r[4] >= 16 for r in name_runs)


def test_long_texts_keep_the_body_above_the_signatory_block(fonts_dir):
    cert = dataclasses.replace(
        CERT,
        name=LONG_NAME,
        event_title="Bimbingan Teknis Strategi Komunikasi " * 5,
        organizer="Direktorat Tata Kelola dan Kemitraan Komunikasi Publik, " * 3,
    )
    runs = text_runs(render_certificate(cert, None, fonts_dir))
    detail = [r for r in runs if "JP" in r[0]]
    issue_line = next(r for r in runs if r[0] == "Batam, 25 Agustus 2022")
    assert detail and min(r[2] for r in detail) > issue_line[2] + 10


def test_deterministic_output_and_hash(fonts_dir):
    first = render_certificate(CERT, None, fonts_dir)
    second = render_certificate(CERT, None, fonts_dir)
    assert first == second
    assert pdf_sha256(first) == pdf_sha256(second)
    other = render_certificate(dataclasses.replace(CERT, name="Siti Rahmawati"), None, fonts_dir)
    assert pdf_sha256(other) != pdf_sha256(first)


def test_pdf_sha256_is_hex_sha256():
    assert pdf_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert pdf_sha256(b"%PDF-1.4") == pdf_sha256(b"%PDF-1.4")


def test_logo_and_signature_images(fonts_dir, tmp_path, signature_png):
    logo = tmp_path / "logo.jpg"
    Image.new("RGB", (200, 200), (200, 20, 20)).save(logo)
    cert = dataclasses.replace(CERT, logo_path=logo, signature_image_path=signature_png)
    data = render_certificate(cert, None, fonts_dir)
    image = pdfium.PdfDocument(data)[0].render(scale=1).to_pil().convert("RGB")
    # the red logo sits at the top centre
    red = sum(
        1
        for x in range(380, 460)
        for y in range(40, 110)
        if image.getpixel((x, y))[0] > 150 and image.getpixel((x, y))[1] < 80
    )
    assert red > 1000
    # the name, the QR and all texts still come out
    assert "Dra. Siti Rahmawati, M.Si." in page_texts(data)[0]
    assert scan_qr(data) == [VERIFY_URL]


@pytest.mark.parametrize("field", ["logo_path", "signature_image_path"])
def test_missing_image_is_an_error(fonts_dir, tmp_path, field):
    cert = dataclasses.replace(CERT, **{field: tmp_path / "nope.png"})
    with pytest.raises(CertificateRenderError) as err:
        render_certificate(cert, None, fonts_dir)
    assert err.value.code == "image_missing"


def test_missing_fonts_are_an_error(tmp_path):
    with pytest.raises(CertificateRenderError) as err:
        render_certificate(CERT, None, tmp_path)
    assert err.value.code == "font_missing"


# -------------------------------------------------------------------------------------- back page

SESSIONS = (
    ("Strategi Komunikasi Media Sosial Pemerintah", 2, ["Drs. Andi Pratama", "Rina Wulandari, S.Sos."]),
    ("Evaluasi Kinerja Media Sosial", Decimal("2.5"), "Praktisi Media Sosial"),
    ("Praktik: Menyusun Konten <Infografis> & Video Pendek", 3.5, ()),
)


def test_back_page_lists_materi_and_jp(fonts_dir):
    data = render_certificate(dataclasses.replace(CERT, sessions=SESSIONS), None, fonts_dir)
    texts = page_texts(data)
    assert len(texts) == 2
    back = flat(texts[1])
    assert "MATERI KEGIATAN" in back
    assert CERT.number in back
    for title, _, _ in SESSIONS:
        assert title in back
    assert "Drs. Andi Pratama, Rina Wulandari, S.Sos." in back
    assert "Praktisi Media Sosial" in back
    assert "2,5" in back and "3,5" in back
    assert "Jumlah 8" in back


def test_many_sessions_continue_on_more_pages(fonts_dir):
    sessions = tuple(
        (f"Sesi {i}: Pengelolaan Akun Media Sosial Instansi Pemerintah", 1, "Narasumber") for i in range(1, 41)
    )
    texts = page_texts(render_certificate(dataclasses.replace(CERT, sessions=sessions), None, fonts_dir))
    assert len(texts) >= 3
    assert "lanjutan" in texts[2]
    joined = flat(" ".join(texts[1:]))
    for i in range(1, 41):
        assert f"Sesi {i}: Pengelolaan" in joined
    assert "Jumlah 40" in joined


# --------------------------------------------------------------------------------- template mode


def template(background: Path, **extra: FieldSpec) -> TemplateSpec:
    fields = {
        "name": FieldSpec(x_mm=30, y_mm=95, width_mm=237, font="serif-bold", size_pt=28, color="#102040"),
        "number_line": FieldSpec(x_mm=30, y_mm=60, width_mm=237, size_pt=12),
        "role_line": FieldSpec(x_mm=30, y_mm=110, width_mm=237, font="sans-bold", size_pt=14),
        "event_title": FieldSpec(x_mm=30, y_mm=125, width_mm=237, font="serif", size_pt=15),
        "jp_text": FieldSpec(x_mm=30, y_mm=140, width_mm=237, size_pt=12),
        "qr": FieldSpec(x_mm=25, y_mm=150, width_mm=30),
        "signature": FieldSpec(x_mm=205, y_mm=150, width_mm=50),
        "signatory_name": FieldSpec(x_mm=190, y_mm=185, width_mm=80, font="sans-bold", size_pt=11),
        "signatory_nip": FieldSpec(x_mm=190, y_mm=190, width_mm=80, size_pt=10, align="left"),
        "issue_line": FieldSpec(x_mm=190, y_mm=146, width_mm=80, size_pt=10, align="right"),
    }
    fields.update(extra)
    return TemplateSpec(background_jpeg_path=background, fields=fields)


def test_template_mode_draws_background_and_fields(fonts_dir, background, signature_png):
    cert = dataclasses.replace(CERT, signature_image_path=signature_png)
    data = render_certificate(cert, template(background), fonts_dir)
    text = flat(page_texts(data)[0])
    for expected in [
        "Dra. Siti Rahmawati, M.Si.",
        "Nomor: 001/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
        "sebagai PESERTA",
        CERT.event_title,
        "selama 8 JP",
        "Dr. Hasyim Gautama",
        "NIP. 19660801 198803 1 001",
        "Batam, 25 Agustus 2022",
    ]:
        assert expected in text
    assert "SERTIFIKAT" not in text  # the uploaded design supplies its own heading
    assert scan_qr(data) == [VERIFY_URL]
    image = pdfium.PdfDocument(data)[0].render(scale=1).to_pil().convert("RGB")
    r, g, b = image.getpixel((400, 520))
    assert abs(r - 200) < 8 and abs(g - 225) < 8 and abs(b - 250) < 8
    r, g, b = image.getpixel((400, 10))
    assert r < 40 and b > 70


def test_template_field_positions_and_alignment(fonts_dir, fonts, background):
    data = render_certificate(CERT, template(background), fonts_dir)
    runs = {r[0]: r for r in text_runs(data)}
    height = PAGE_SIZE[1]
    nip = runs["NIP. 19660801 198803 1 001"]
    assert nip[1] == pytest.approx(190 * mm, abs=0.1)  # left-aligned at the box's left edge
    assert nip[2] == pytest.approx(height - 190 * mm, abs=0.1)  # baseline y_mm from the top
    issue = runs["Batam, 25 Agustus 2022"]
    issue_width = stringWidth(issue[0], fonts["sans"], issue[4])
    assert issue[1] + issue_width == pytest.approx(270 * mm, abs=0.1)  # right-aligned
    name = runs["Dra. Siti Rahmawati, M.Si."]
    name_width = stringWidth(name[0], fonts["serif-bold"], name[4])
    assert name[1] + name_width / 2 == pytest.approx((30 + 237 / 2) * mm, abs=0.1)  # centred


def test_template_long_name_shrinks_then_wraps_within_its_box(fonts_dir, fonts, background):
    cert = dataclasses.replace(CERT, name=LONG_NAME)
    data = render_certificate(cert, template(background), fonts_dir)
    name_runs = [r for r in text_runs(data) if font_role(r[3]) == "serif-bold"]
    assert len(name_runs) == 2
    for text, x, _, _, size in name_runs:
        assert size >= 28 * 0.6
        assert x >= 30 * mm - 0.01
        assert x + stringWidth(text, fonts["serif-bold"], size) <= (30 + 237) * mm + 0.01
    assert " ".join(r[0] for r in name_runs) == LONG_NAME


def test_template_portrait_page_size(fonts_dir, background):
    spec = dataclasses.replace(template(background), page_width_mm=210, page_height_mm=297)
    box = PdfReader(io.BytesIO(render_certificate(CERT, spec, fonts_dir))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_template_output_is_deterministic(fonts_dir, background):
    spec = template(background)
    assert render_certificate(CERT, spec, fonts_dir) == render_certificate(CERT, spec, fonts_dir)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda bg: TemplateSpec(bg, {"nama": FieldSpec(10, 10, 100)}), "template_unknown_field"),
        (lambda bg: TemplateSpec(bg, {"name": FieldSpec(10, 10, 100, font="comic")}), "template_bad_value"),
        (lambda bg: TemplateSpec(bg, {"name": FieldSpec(10, 10, 100, align="justify")}), "template_bad_value"),
        (lambda bg: TemplateSpec(bg, {"name": FieldSpec(10, 10, 100, color="red")}), "template_bad_value"),
        (lambda bg: TemplateSpec(bg, {"name": FieldSpec(10, 10, 0)}), "template_bad_value"),
        (lambda bg: TemplateSpec(bg, {"name": FieldSpec(10, 10, 100, size_pt=float("nan"))}), "template_bad_value"),
        (lambda bg: TemplateSpec(bg, {}, page_width_mm=5), "template_bad_value"),
    ],
)
def test_template_validation(background, make, code):
    with pytest.raises(CertificateRenderError) as err:
        make(background)
    assert err.value.code == code
    assert isinstance(err.value, ValueError)


def test_template_missing_background(fonts_dir, tmp_path):
    with pytest.raises(CertificateRenderError) as err:
        render_certificate(CERT, template(tmp_path / "missing.jpg"), fonts_dir)
    assert err.value.code == "image_missing"


def test_template_with_back_page(fonts_dir, background):
    data = render_certificate(dataclasses.replace(CERT, sessions=SESSIONS), template(background), fonts_dir)
    texts = page_texts(data)
    assert len(texts) == 2 and "MATERI KEGIATAN" in texts[1]


# ----------------------------------------------------------------------------------- render_many


@pytest.mark.parametrize("use_template", [False, True])
def test_render_many_one_page_per_certificate_in_order(fonts_dir, background, use_template):
    spec = template(background) if use_template else None
    certs = [
        dataclasses.replace(
            CERT,
            number=f"{i:03d}/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
            name=f"Peserta Nomor {i}",
            verify_url=f"{VERIFY_URL}{i}",
        )
        for i in range(1, 13)
    ]
    data = render_many(certs, spec, fonts_dir)
    texts = page_texts(data)
    assert len(texts) == 12
    for i, text in enumerate(texts, start=1):
        assert f"Peserta Nomor {i}" in text
        assert f"{i:03d}/BIMTEK-MEDSOS" in text
    assert scan_qr(data, page=6) == [f"{VERIFY_URL}7"]
    if use_template:
        # the background is embedded once and reused, so twelve pages cost little more than one
        single = render_certificate(certs[0], spec, fonts_dir)
        assert len(data) < 2 * len(single)


def test_render_many_includes_back_pages(fonts_dir):
    certs = [CERT, dataclasses.replace(CERT, sessions=SESSIONS), CERT]
    assert len(page_texts(render_many(certs, None, fonts_dir))) == 4


def test_render_many_needs_certificates(fonts_dir):
    with pytest.raises(CertificateRenderError) as err:
        render_many([], None, fonts_dir)
    assert err.value.code == "no_certificates"


# --------------------------------------------------------------------------------------- fit_text


@pytest.mark.parametrize(
    ("text", "max_size", "min_size", "width_mm", "max_lines", "lines_expected", "size_check"),
    [
        ("Budi", 30, 16, 225, 2, 1, lambda s: s == 30),
        ("Dra. Siti Rahmawati, M.Si.", 30, 16, 225, 2, 1, lambda s: s == 30),
        (LONG_NAME[:50], 30, 16, 225, 2, 1, lambda s: 16 <= s < 30),
        (LONG_NAME, 30, 16, 225, 2, 2, lambda s: 16 <= s <= 30),
        (LONG_NAME * 2, 30, 16, 225, 2, None, lambda s: s == 16),
        ("A" * 200, 30, 16, 225, 2, None, lambda s: s == 16),
        (LONG_NAME, 12, 8, 80, 3, 3, lambda s: 8 <= s <= 12),
        (LONG_NAME, 20, 20, 100, 1, None, lambda s: s == 20),
    ],
)
def test_fit_text(fonts, text, max_size, min_size, width_mm, max_lines, lines_expected, size_check):
    font = fonts["serif-bold"]
    max_width = width_mm * mm
    size, lines = fit_text(text, font, max_size, min_size, max_width, max_lines)
    assert size_check(size)
    if lines_expected is not None:
        assert len(lines) == lines_expected
    for line in lines:
        assert stringWidth(line, font, size) <= max_width
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_fit_text_balances_two_lines(fonts):
    font = fonts["serif-bold"]
    size, lines = fit_text(LONG_NAME, font, 30, 16, 225 * mm, 2)
    widths = [stringWidth(line, font, size) for line in lines]
    assert abs(widths[0] - widths[1]) < max(widths) * 0.35


@pytest.mark.parametrize("text", ["", "   ", None, "\n\t"])
def test_fit_text_empty(fonts, text):
    assert fit_text(text, fonts["sans"], 12, 8, 100)[1] == []


def test_fit_text_works_with_builtin_fonts():
    size, lines = fit_text("Budi Santoso " * 10, "Helvetica", 20, 10, 200)
    assert all(stringWidth(line, "Helvetica", size) <= 200 for line in lines)


# ------------------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("jp", "expected"),
    [(8, "8"), (8.0, "8"), (Decimal("2.50"), "2,5"), (2.5, "2,5"), (0.25, "0,25"), (None, ""), (0, "0")],
)
def test_format_jp(jp, expected):
    assert format_jp(jp) == expected


@pytest.mark.parametrize(
    ("nip", "expected"),
    [
        ("196608011988031001", "19660801 198803 1 001"),
        ("19660801 198803 1 001", "19660801 198803 1 001"),
        ("19660801.198803.1.001", "19660801 198803 1 001"),
        ("", ""),
        ("12345", "12345"),  # not a NIP: printed as given rather than mangled
    ],
)
def test_format_nip(nip, expected):
    assert format_nip(nip) == expected
