"""Demo evaluation: the finished Batam event's evaluation, answered by most of its participants."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bimtek.evaluation import responses, services
from bimtek.extensions import db
from bimtek.registration.models import Registration

SUGGESTIONS = [
    "Durasi sesi praktik ditambah agar peserta bisa langsung mencoba membuat konten.",
    "Materi evaluasi kinerja media sosial sangat membantu; mohon dibagikan templat laporannya.",
    "Koneksi Zoom sempat terputus di sesi kedua, mohon disiapkan jaringan cadangan.",
    "Kegiatan serupa sebaiknya diadakan rutin setiap tahun untuk pengelola media sosial daerah.",
    "Mohon bahan paparan dikirim sebelum kegiatan dimulai.",
    "Waktu tanya jawab terlalu singkat.",
]
SPEAKER_COMMENTS = [
    "Penyampaian jelas dan banyak contoh nyata.",
    "Sangat inspiratif, contoh konten instansi pemerintah relevan.",
    "Tempo penyampaian agak cepat.",
]


def seed(ctx) -> None:
    """Open the Batam evaluation (25 August 2022, 12.00 WIB) and record answers from 40 of its participants."""
    event = ctx["finished"]
    settings = services.ensure_evaluation(event)
    settings.opens_at = datetime(2022, 8, 25, 5, 0, tzinfo=UTC)  # 12.00 WIB, after the last session
    settings.closes_at = datetime(2022, 9, 1, 16, 59, tzinfo=UTC)
    settings.anonymous = True
    db.session.flush()
    rnd = random.Random(25082022)
    regs = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    start = datetime(2022, 8, 25, 5, 10, tzinfo=UTC)
    for n, reg in enumerate(regs[:40]):
        answers: dict[str, str] = {}
        for item in responses.form_items(responses.build_form(event, reg.mode)):
            q = item.question
            if q.kind == "scale":
                # Mostly satisfied, the Zoom connection a little less so, as real evaluations tend to be.
                low = 2 if q.mode == "online" else 3
                answers[item.key] = str(min(5, max(1, rnd.choice([low, 4, 4, 5, 5, 4, 3, 5]))))
            elif q.section == "saran" and rnd.random() < 0.6:
                answers[item.key] = rnd.choice(SUGGESTIONS)
            elif rnd.random() < 0.15:
                answers[item.key] = rnd.choice(SPEAKER_COMMENTS)
        responses.submit_response(reg, answers, now=start + timedelta(minutes=11 * n + rnd.randint(0, 9)))
    db.session.flush()
