"""Render time of each printed document at 5,000 participants (medians over repeated runs).

    python bench/documents_bench.py [--runs 5] [--participants 5000]

Daftar hadir and the online annex: 5,000 rows through the real renderers (checkin.pdf, attendance.exports)
with the demo's Kemenkominfo kop and signatories. Laporan kegiatan PDF and DOCX: the real door
(reports.documents) on a throwaway SQLite database of 5,000 registrations and 3,000 evaluations built by
bench/reports_bench.py, so figures, charts and comments come from real queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reports_bench import build  # noqa: E402
from bimtek import create_app  # noqa: E402
from bimtek.attendance import exports  # noqa: E402
from bimtek.checkin.pdf import AttendanceSheet, SheetRow, attendance_pdf  # noqa: E402
from bimtek.core.pdfkit import Letterhead, Signatory, nip_text  # noqa: E402
from bimtek.events.models import Event  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.organizers.demo import PROFILE, emblem_png  # noqa: E402
from bimtek.organizers.queries import Organizer  # noqa: E402
from bimtek.reports import documents  # noqa: E402

KOP = Letterhead(PROFILE["parent_line"], PROFILE["unit_line"], PROFILE["sub_unit_line"], PROFILE["address"],
                 ["Telepon (021) 3452841", "Laman www.kominfo.go.id", "Pos-el humas@mail.kominfo.go.id"],
                 emblem_png())  # fmt: skip
CHAIR = Signatory("Ketua Panitia", PROFILE["chair_name"], PROFILE["chair_nip"])


def timed(fn, runs: int) -> tuple[float, float, int, int]:
    """Median wall seconds, median CPU seconds of this process, bytes, pages (PDF) of ``fn()``.

    CPU time is the steadier figure on a shared machine (wall time grows with other processes' load).
    """
    times, cpu, data = [], [], b""
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        data = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    pages = data.count(b"/Type /Page\n") if data[:4] == b"%PDF" else 0
    return statistics.median(times), statistics.median(cpu), len(data), pages


def people(n: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(full_name=f"Peserta Nomor {i}, S.Kom., M.Si.", nip="196608011988031001" if i % 3 else "",
                            rank="III/a", position="Pranata Humas Ahli Pertama",
                            institution_name="Dinas Komunikasi dan Informatika Provinsi Kepulauan Riau",
                            work_unit="Bidang Informasi dan Komunikasi Publik") for i in range(n)]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--participants", type=int, default=5000)
    args = ap.parse_args()
    n = args.participants
    regs = people(n)
    sheet = AttendanceSheet(
        letterhead=KOP, title="DAFTAR HADIR PESERTA", activity="Bimtek Strategi Komunikasi Media Sosial",
        day_date="Kamis, 25 Agustus 2022", time="09.00 – 12.30 WIB", place="Swiss-Belhotel Harbour Bay, Batam",
        rows=[SheetRow(r.full_name, nip_text(r.nip) if r.nip else "-", f"{r.rank} / {r.position}",
                       f"{r.institution_name} / {r.work_unit}") for r in regs],
        sign_place_date="Batam, 25 Agustus 2022", signatory=CHAIR, footer="Dibuat oleh Bimtek (bench)",
    )  # fmt: skip
    results = [("daftar hadir PDF", *timed(lambda: attendance_pdf(sheet), args.runs))]

    tmp = Path(tempfile.mkdtemp(prefix="documents-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}", "TESTING": True,
                      "INSTANCE_PATH": str(tmp / "instance"), "MAIL_BACKEND": "locmem",
                      "SECRET_KEY": "bench-" + "x" * 32})  # fmt: skip
    with app.app_context():
        db.create_all()
        event = db.session.get(Event, build(n, min(3000, n)))
        cells = {
            s.id: {"minutes": 87.5, "sources": ["zoom"], "attended": True, "percent": 97.2} for s in event.sessions
        }
        rows = [SimpleNamespace(registration=r, cells=cells, verdict=None) for r in regs]
        org = Organizer(KOP, "Jakarta", CHAIR, CHAIR, "Kemenkominfo")
        now = datetime.now(UTC)
        results.append(
            ("online annex PDF", *timed(lambda: exports.annex_pdf(event, rows, now, organizer=org), args.runs))
        )
        results.append(("laporan kegiatan PDF", *timed(lambda: documents.laporan_pdf(event), args.runs)))
        results.append(("laporan kegiatan DOCX", *timed(lambda: documents.laporan_docx(event), args.runs)))
    print(f"\n{n} participants, median of {args.runs} runs")
    print(f"  {'document':24s} {'wall':>8s}    {'CPU':>8s}")
    for label, seconds, cpu, size, pages in results:
        extra = f", {pages} pages" if pages else ""
        print(f"  {label:24s} {seconds * 1000:8.0f} ms {cpu * 1000:8.0f} ms  ({size / 1024:,.0f} KB{extra})")


if __name__ == "__main__":
    main()
