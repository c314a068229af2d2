"""Certificate figures: render rate (default design, uploaded background, vs a naive render), 1,000 issued
through the real service on SQLite, the ZIP of 1,000, PAdES signing, and verification page requests/s.

    /work/main/.venv/bin/python bench/certificates_bench.py [--count 1000] [--repeat 3]

Prints medians. Runs in a throwaway instance directory; nothing else is touched.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_rate(fn, n: int, repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(n)
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def make_background(path: Path) -> None:
    """A 300-dpi A4-landscape photo-like background (noise + gradient), saved as JPEG as uploads are."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = 3508, 2480
    img = Image.effect_noise((w // 4, h // 4), 40).convert("RGB").resize((w, h)).filter(ImageFilter.GaussianBlur(3))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, w, 260), fill=(20, 40, 90))
    draw.rectangle((60, 60, w - 60, h - 60), outline=(176, 141, 87), width=24)
    img.save(path, "JPEG", quality=88)
    img.save(path.with_suffix(".png"), "PNG")


def naive_render(cert, png_background: Path | None, fonts: dict) -> bytes:
    """How one would write it first: ImageReader of a PNG per page, reportlab's QR widget, A85 streams."""
    from reportlab import rl_config
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 1
    try:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=landscape(A4))
        width, height = landscape(A4)
        if png_background:
            c.drawImage(str(png_background), 0, 0, width, height)
        c.setFont(fonts["serif-bold"], 34)
        c.drawCentredString(width / 2, 150 * mm, "SERTIFIKAT")
        c.setFont(fonts["sans"], 11)
        c.drawCentredString(width / 2, 140 * mm, f"Nomor: {cert.number}")
        c.setFont(fonts["serif-bold"], 28)
        c.drawCentredString(width / 2, 115 * mm, cert.name)
        c.setFont(fonts["sans"], 13)
        c.drawCentredString(width / 2, 100 * mm, f"sebagai {cert.role}")
        c.drawCentredString(width / 2, 90 * mm, cert.event_title)
        c.drawCentredString(width / 2, 80 * mm, f"pada {cert.date_text} di {cert.place_text}")
        c.drawCentredString(width - 75 * mm, 60 * mm, f"{cert.issue_place}, {cert.issue_date_text}")
        c.drawCentredString(width - 75 * mm, 24 * mm, cert.signatory_name)
        widget = QrCodeWidget(cert.verify_url)
        b = widget.getBounds()
        size = 27 * mm
        d = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
        d.add(widget)
        renderPDF.draw(d, c, 27 * mm, 25 * mm)
        c.showPage()
        c.save()
        return buf.getvalue()
    finally:
        rl_config.useA85 = 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--render", type=int, default=150, help="certificates per render measurement")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-cert-bench-"))
    os.environ["BIMTEK_INSTANCE_PATH"] = str(tmp / "instance")
    from bimtek import create_app
    from bimtek.accounts import services as accounts
    from bimtek.certificates.pdf import model as pdf
    from bimtek.certificates.pdf.kit import FONTS_DIR, register_fonts
    from bimtek.certificates.pdf.render import render_certificate
    from bimtek.certificates.services.delivery import zip_entries, zip_stream
    from bimtek.certificates.services.issuing import issue_context
    from bimtek.certificates.services.jobs import start_issue_job
    from bimtek.certificates.services.preview import sample_data
    from bimtek.certificates.services.settings import DEFAULT_LAYOUT, layout_fields, update_settings
    from bimtek.certificates.signing import generate_self_signed_p12, load_signer, pades_sign
    from bimtek.certificates.tasks import run_issue_job
    from bimtek.events import services as events
    from bimtek.extensions import db
    from bimtek.registration import services as registration

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}", "INSTANCE_PATH": str(tmp / "instance"),
        "JOBS_IMMEDIATE": True, "MAIL_BACKEND": "locmem", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "BASE_URL": "https://bimtek.komdigi.go.id", "SECRET_KEY": "bench-" + "x" * 40,
    })  # fmt: skip
    print(f"certificates bench: count={args.count} repeat={args.repeat} (medians; {os.cpu_count()} CPUs)")
    with app.app_context():
        db.create_all()
        user = accounts.create_user("bench@kominfo.go.id", "correct-horse-battery", "organizer", "Bench")
        start = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)

        def setup_event(code: str):
            event = events.create_event({
                "title": "Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial",
                "code": code, "organizer_unit": "Direktorat Tata Kelola dan Kemitraan Komunikasi Publik",
                "venue_name": "Swiss-Belhotel Harbour Bay", "city": "Batam", "province_code": "21",
                "starts_at": start, "ends_at": start + timedelta(hours=3, minutes=30),
                "onsite_capacity": args.count, "online_capacity": args.count,
            }, user=user)  # fmt: skip
            for i in range(3):
                events.add_session(event, {"title": f"Sesi {i + 1}", "starts_at": start + timedelta(hours=i),
                                           "ends_at": start + timedelta(hours=i + 1), "jp": 1.5,
                                           "speakers": [{"name": f"Narasumber {i + 1}"}]}, user=user)  # fmt: skip
            update_settings(event, {"signatory_name": "Dr. Hasyim Gautama, M.Si.",
                                             "signatory_nip": "196608011988031001", "signatory_title": "Direktur",
                                             "issue_place": "Batam"}, user=user)  # fmt: skip
            for i in range(args.count):
                registration.create_registration(event, registration.RegistrationInput(
                    full_name=f"Peserta Bench {i + 1:04d}, S.Kom.", email=f"p{i}@contoh.go.id",
                    phone="+6281234567890", employment_status="non_asn", nip=None, rank="", position="Pranata Humas",
                    institution_type="provinsi", institution_name="Pemprov Kepri", work_unit="Biro",
                    province_code="21", regency_code="21.71", mode="online" if i % 4 else "onsite",
                ), source="import")  # fmt: skip
            db.session.commit()
            return event

        t = time.perf_counter()
        event = setup_event("BIMTEK-MEDSOS")
        event2 = setup_event("BIMTEK-PAR")
        print(f"  setup: 2 events x {args.count} registrations in {time.perf_counter() - t:.1f} s")

        # ---- render only, one core
        ctx = issue_context(event)
        sample = sample_data(event, ctx.settings)
        fonts = register_fonts(FONTS_DIR)
        bg = tmp / "background.jpg"
        make_background(bg)
        layout = layout_fields(DEFAULT_LAYOUT)
        spec = pdf.TemplateSpec(background_jpeg_path=bg, fields=layout)
        front_only = pdf.CertificateData(**{**sample.__dict__, "sessions": ()})

        def many(template, data):
            def run(n):
                for i in range(n):
                    d = pdf.CertificateData(**{**data.__dict__, "number": f"{i + 1:03d}/X/VIII/2022",
                                               "verify_url": f"https://bimtek.komdigi.go.id/verify/AAAA-BBBB-{i:04d}"})  # fmt: skip
                    render_certificate(d, template, FONTS_DIR)

            return run

        def naive(png):
            def run(n):
                for i in range(n):
                    d = pdf.CertificateData(**{**front_only.__dict__,
                                               "verify_url": f"https://bimtek.komdigi.go.id/verify/AAAA-BBBB-{i:04d}"})  # fmt: skip
                    naive_render(d, png, fonts)

            return run

        n = args.render
        default_rate = median_rate(many(None, front_only), n, args.repeat)
        default_back = median_rate(many(None, sample), n, args.repeat)
        bg_rate = median_rate(many(spec, front_only), n, args.repeat)
        naive_plain = median_rate(naive(None), max(20, n // 3), args.repeat)
        naive_bg = median_rate(naive(bg.with_suffix(".png")), max(5, n // 15), args.repeat)
        print("  render, one core (front page + QR):")
        print(
            f"    default design        {default_rate:7.1f} /s   (naive {naive_plain:6.1f} /s, ratio {default_rate / naive_plain:4.1f}x)"
        )
        print(f"    default + back page   {default_back:7.1f} /s")
        print(
            f"    300-dpi background    {bg_rate:7.1f} /s   (naive PNG {naive_bg:6.1f} /s, ratio {bg_rate / naive_bg:4.1f}x)"
        )

        # ---- PAdES per certificate
        p12 = tmp / "bench.p12"
        p12.write_bytes(generate_self_signed_p12("Bench", "pw"))
        signer = load_signer(p12, "pw")
        one = render_certificate(sample, None, FONTS_DIR)
        times = []
        for _ in range(30):
            t = time.perf_counter()
            pades_sign(one, signer)
            times.append(time.perf_counter() - t)
        print(f"  PAdES (EC P-256) signing: {statistics.median(times) * 1000:.1f} ms per certificate")

        # ---- issue 1,000 through the real service (job runner, commit per batch, SQLite)
        from bimtek.certificates.models import Certificate

        def issue_all(ev, processes: int):
            app.config["CERT_RENDER_PROCESSES"] = processes
            job = start_issue_job(ev, {"scope": "eligible", "notify": False}, user=user)
            db.session.commit()
            t = time.perf_counter()
            run_issue_job(job.id)
            seconds = time.perf_counter() - t
            certs = db.session.query(Certificate).filter_by(event_id=ev.id).order_by(Certificate.seq).all()
            assert len(certs) == args.count and [c.seq for c in certs] == list(range(1, args.count + 1))
            size = sum(c.pdf_size for c in certs) / len(certs)
            print(f"  issue {args.count} with back page, {processes} render process(es): {seconds:.1f} s = "
                  f"{args.count / seconds:.0f} certificates/s, {size / 1024:.0f} KB each")  # fmt: skip
            return certs, seconds

        certs, issue_s = issue_all(event, 1)
        _certs2, issue2_s = issue_all(event2, 2)

        # ---- ZIP of all
        zip_times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            total = sum(len(chunk) for chunk in zip_stream(list(zip_entries(certs))))
            zip_times.append(time.perf_counter() - t)
        print(f"  ZIP of {args.count} (stored, streamed): {statistics.median(zip_times):.2f} s, {total / 1e6:.0f} MB")
        print(f"  end to end issue + ZIP: {issue_s + statistics.median(zip_times):.1f} s (1 process), "
              f"{issue2_s + statistics.median(zip_times):.1f} s (2 render processes)")  # fmt: skip

        # ---- verification page
        client = app.test_client()
        codes = [c.verification_code for c in certs[:200]]
        for path in ("/verify/{}", "/verify/{}.json"):
            rates = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                for i in range(1000):
                    resp = client.get(path.format(codes[i % len(codes)]))
                    assert resp.status_code == 200
                rates.append(1000 / (time.perf_counter() - t))
            print(f"  GET {path:<16} {statistics.median(rates):7.0f} req/s (in-process test client, one thread)")


if __name__ == "__main__":
    main()
