"""Backup and restore times for the demo scaled to 5,000 participants with their certificate PDFs.

    /work/main/.venv/bin/python bench/backup_bench.py [--participants 5000] [--repeat 3] [--db sqlite|postgresql|both]

Seeds the demo into a throwaway database, grows the finished Batam event to N confirmed participants,
issues their certificates through the real issue job (PDFs in instance/), then times `flask backup` and
`flask restore` into an empty database and instance folder (a new one per run). Prints medians.
PostgreSQL at BIMTEK_BENCH_PG (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BIMTEK_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

CONFIG = {
    "JOBS_IMMEDIATE": True,
    "MAIL_BACKEND": "locmem",
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
    "BASE_URL": "https://bimtek.komdigi.go.id",
    "SECRET_KEY": "bench-" + "x" * 40,
}


class Databases:
    """Throwaway databases of one kind: a URL per name, all dropped at the end."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp, self.created = kind, tmp, []
        if kind == "postgresql":
            import sqlalchemy as sa

            self.admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")

    def new(self) -> str:
        name = f"bimtek_bench_backup_{secrets.token_hex(4)}"
        if self.kind == "sqlite":
            (self.tmp / name).mkdir()
            return f"sqlite:///{self.tmp / name / 'bimtek.sqlite3'}"
        import sqlalchemy as sa

        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return sa.engine.make_url(PG).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self.kind != "postgresql":
            return
        import sqlalchemy as sa

        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def seed(app, participants: int) -> int:
    """The demo, its finished event grown to N confirmed participants, each with an issued certificate."""
    from sqlalchemy import delete, func, select

    from bimtek import demo
    from bimtek.attendance.models import EligibilityRule
    from bimtek.certificates.models import Certificate
    from bimtek.certificates.services import jobs as cert_jobs
    from bimtek.certificates.tasks import run_issue_job
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration import services as registration
    from bimtek.registration.models import Registration

    with app.app_context():
        db.create_all()
        demo.seed()
        event = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
        event.onsite_capacity = event.online_capacity = participants
        have = db.session.scalar(select(func.count()).where(Registration.event_id == event.id))
        # The bench wants every participant certified: drop the demo's attendance rule (all confirmed qualify).
        db.session.execute(delete(EligibilityRule).where(EligibilityRule.event_id == event.id))
        for i in range(participants - have):
            registration.create_registration(
                event,
                registration.RegistrationInput(
                    full_name=f"Peserta Skala {i + 1:04d}, S.Kom.",
                    email=f"skala{i}@contoh.go.id",
                    phone="+6281234567890",
                    employment_status="non_asn",
                    nip=None,
                    rank="",
                    position="Pranata Humas",
                    institution_type="provinsi",
                    institution_name="Pemprov Kepri",
                    work_unit="Biro Humas",
                    province_code="21",
                    regency_code="21.71",
                    mode="online" if i % 4 else "onsite",
                ),
                source="import",
            )
        db.session.commit()
        job = cert_jobs.start_issue_job(
            event,
            {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir", "notify": False},
            user=None,
        )
        db.session.commit()
        run_issue_job(job.id)
        count = db.session.scalar(select(func.count()).select_from(Certificate))
        db.session.remove()
        db.engine.dispose()
        return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"backup bench: {args.participants} participants, repeat={args.repeat} (medians; {os.cpu_count()} CPUs)")
    for kind in kinds:
        tmp = Path(tempfile.mkdtemp(prefix=f"bimtek-backup-bench-{kind}-"))
        os.environ["BIMTEK_INSTANCE_PATH"] = str(tmp / "source-instance")
        from bimtek import create_app
        from bimtek.extensions import db
        from bimtek.ops import backup

        dbs = Databases(kind, tmp)
        try:
            source = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": dbs.new(), "INSTANCE_PATH": str(tmp / "src")})
            t = time.perf_counter()
            certs = seed(source, args.participants)
            print(f"  [{kind}] seeded {certs} certificates in {time.perf_counter() - t:.0f} s")
            backups, restores, sizes = [], [], []
            for i in range(args.repeat):
                archive = tmp / f"backup-{i}.tar"
                with source.app_context():
                    result = backup.create_backup(archive)
                    db.session.remove()
                backups.append(result.seconds)
                sizes.append(result.size)
                target = create_app(
                    {**CONFIG, "SQLALCHEMY_DATABASE_URI": dbs.new(), "INSTANCE_PATH": str(tmp / f"dst-{i}")}
                )
                with target.app_context():
                    restored = backup.restore_backup(archive)
                    db.session.remove()
                    db.engine.dispose()
                restores.append(restored.seconds)
                assert restored.files == result.manifest.files
                archive.unlink()  # keep the disk free for the next run
                shutil.rmtree(tmp / f"dst-{i}", ignore_errors=True)
            m = result.manifest
            print(
                f"  [{kind}] archive {statistics.median(sizes) / 1e6:.0f} MB "
                f"(dump {m.dump_bytes / 1e6:.1f} MB, {m.files} files {m.files_bytes / 1e6:.0f} MB)"
            )
            print(
                f"  [{kind}] flask backup:  median {statistics.median(backups):.2f} s  (runs {backups})".replace(
                    str(backups), ", ".join(f"{s:.2f}" for s in backups)
                )
            )
            print(
                f"  [{kind}] flask restore: median {statistics.median(restores):.2f} s  (runs {restores})".replace(
                    str(restores), ", ".join(f"{s:.2f}" for s in restores)
                )
            )
        finally:
            with source.app_context():
                db.engine.dispose()
            dbs.drop_all()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
