"""`flask backup` and `flask restore`: one archive with a consistent database dump and the instance files.

The database is dumped first (pg_dump's snapshot, or SQLite's online backup API), the files copied
after: every certificate in the dump already has its PDF on disk, and a file written meanwhile is a
harmless extra. Restore goes into an empty installation (no rows, no instance files) unless forced.
The database password travels to pg_dump/pg_restore in the environment, never on the command line.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, literal, select, table, text
from sqlalchemy.engine import make_url

from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.ops.archive import (
    MANIFEST,
    ArchiveError,
    Manifest,
    dump_member,
    is_skipped,
    safe_member,
    sha256_file,
)

log = logging.getLogger("bimtek.ops")


@dataclass(frozen=True, slots=True)
class BackupResult:
    """Where the archive went, what it holds, how long it took."""

    path: Path
    manifest: Manifest
    seconds: float
    size: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore brought back and how long it took."""

    manifest: Manifest
    files: int
    seconds: float


def _dialect() -> str:
    return db.engine.dialect.name


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise ArchiveError("unsupported_database", "Basis data SQLite di memori tidak dapat dicadangkan.")
    return Path(database).resolve()


def _sqlite_name_in_instance() -> str | None:
    """The SQLite file's name when it lives directly in the instance folder (it is then skipped as a file)."""
    if _dialect() != "sqlite":
        return None
    path = _sqlite_path()
    return path.name if path.parent == Path(current_app.instance_path).resolve() else None


def _pg_env() -> tuple[dict, str]:
    """libpq environment for pg_dump/pg_restore from the SQLAlchemy URL (password never in argv)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    env = dict(os.environ)
    host = url.query.get("host") or url.host
    for key, value in (
        ("PGHOST", host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value:
            env[key] = str(value)
    return env, url.database or ""


def _run(args: list[str], env: dict, what: str) -> None:
    # A fixed program and options; only the database name comes from our own configuration.
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        # The tool's own message names the object that failed; it carries no password.
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ArchiveError(f"{what}_failed", f"{what} gagal: " + " | ".join(detail))


def _revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        db.session.rollback()
        return None


def _dump_database(target: Path) -> None:
    if _dialect() == "postgresql":
        env, name = _pg_env()
        pg_dump = current_app.config.get("PG_DUMP_BIN", "pg_dump")
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), name], env, "pg_dump")
        return
    if _dialect() != "sqlite":
        dump_member(_dialect())  # raises: unsupported
    source = sqlite3.connect(_sqlite_path())
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)  # page by page, consistent while the app keeps writing
    finally:
        dest.close()
        source.close()


def _instance_files() -> list[tuple[str, Path, int]]:
    root = Path(current_app.instance_path)
    skip_db = _sqlite_name_in_instance()
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file() or is_skipped(relative, skip_db):
                continue
            found.append((relative, path, path.stat().st_size))
    return found


def default_output() -> Path:
    """instance/backups/bimtek-backup-YYYYmmdd-HHMMSS.tar (the backups folder itself is never backed up)."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"bimtek-backup-{stamp}.tar"


def create_backup(output: Path | None = None) -> BackupResult:
    """Write the archive (database dump first, then the instance files); returns where and how big."""
    started = time.perf_counter()
    output = Path(output or default_output()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    member = dump_member(_dialect())
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".bimtek-backup-") as tmp:
        dump = Path(tmp) / member
        revision = _revision()
        db.session.rollback()  # no transaction of ours holds locks while dumping
        _dump_database(dump)
        files = _instance_files()
        manifest = Manifest(
            created_at=utcnow().isoformat(),
            dialect=_dialect(),
            revision=revision,
            dump_sha256=sha256_file(dump),
            dump_bytes=dump.stat().st_size,
            files=len(files),
            files_bytes=sum(size for _, _, size in files),
        )
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            data = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=member, recursive=False)
            for relative, path, _ in files:
                tar.add(path, arcname="instance/" + relative, recursive=False)
        os.chmod(partial, 0o600)  # it holds every participant's personal data
        os.replace(partial, output)
    seconds = time.perf_counter() - started
    log.info("backup written: %s files, %.1f s", manifest.files, seconds)
    return BackupResult(output, manifest, seconds, output.stat().st_size)


def installation_contents() -> tuple[int, int]:
    """(tables with rows, instance files) of this installation; (0, 0) means empty."""
    engine = db.engine
    db.session.rollback()
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        filled = sum(1 for n in names if conn.execute(select(literal(1)).select_from(table(n)).limit(1)).first())
    return filled, len(_instance_files())


def read_manifest(archive: Path) -> Manifest:
    """The manifest of an archive (the first member)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise ArchiveError("bad_manifest", "Manifest cadangan rusak.")
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise ArchiveError("not_an_archive", f"Berkas ini bukan arsip cadangan Bimtek: {exc}.") from exc


def _restore_database(dump: Path, manifest: Manifest) -> None:
    db.session.remove()
    db.engine.dispose()
    if manifest.dialect == "postgresql":
        env, name = _pg_env()
        pg_restore = current_app.config.get("PG_RESTORE_BIN", "pg_restore")
        args = [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*args, "--exit-on-error", "--dbname", name, str(dump)], env, "pg_restore")
        return
    source = sqlite3.connect(dump)
    dest = sqlite3.connect(_sqlite_path())
    try:
        with dest:
            source.backup(dest)  # replaces the whole database, schema and rows
    finally:
        dest.close()
        source.close()


def restore_backup(archive: Path, *, force: bool = False) -> RestoreResult:
    """Bring an archive back; refuses a non-empty installation unless ``force``."""
    started = time.perf_counter()
    manifest = read_manifest(archive)
    if manifest.dialect != _dialect():
        raise ArchiveError(
            "dialect_mismatch",
            f"Cadangan ini dari {manifest.dialect}, basis data tujuan {_dialect()}: pulihkan ke jenis yang sama.",
        )
    tables, files = installation_contents()
    if (tables or files) and not force:
        raise ArchiveError(
            "not_empty",
            f"Instalasi tujuan tidak kosong ({tables} tabel berisi, {files} berkas di instance/). "
            "Gunakan --force untuk menimpanya.",
        )
    root = Path(current_app.instance_path)
    restored = 0
    with tempfile.TemporaryDirectory(dir=root, prefix=".bimtek-restore-") as tmp, tarfile.open(archive, "r:*") as tar:
        member_name = dump_member(manifest.dialect)
        dump = Path(tmp) / member_name
        source = tar.extractfile(member_name)
        if source is None:
            raise ArchiveError("bad_archive", "Arsip tidak berisi salinan basis data.")
        with open(dump, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        if sha256_file(dump) != manifest.dump_sha256:
            raise ArchiveError("dump_corrupt", "Salinan basis data dalam arsip rusak (SHA-256 tidak cocok).")
        # Check every member before writing anything: a bad archive changes nothing.
        members = []
        for member in tar.getmembers():
            relative = safe_member(member.name, is_file=member.isfile(), is_dir=member.isdir())
            if relative is not None and member.isfile():
                members.append((relative, member))
        _restore_database(dump, manifest)
        for relative, member in members:
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = Path(tmp) / "file"
            with tar.extractfile(member) as src, open(staged, "wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
            os.replace(staged, target)
            restored += 1
    seconds = time.perf_counter() - started
    log.info("backup restored: %s files, %.1f s", restored, seconds)
    return RestoreResult(manifest, restored, seconds)
