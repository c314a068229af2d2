"""CLI doors onto the operations services: `flask backup`, `flask restore ARCHIVE`, `flask check-redis`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from bimtek.ops import backup, redis_check
from bimtek.ops.archive import ArchiveError


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def register(app: Flask) -> None:
    """Add `flask backup`, `flask restore` and `flask check-redis`."""

    @app.cli.command("backup")
    @click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="archive path (default: instance/backups/bimtek-backup-<UTC time>.tar)",
    )
    def backup_command(output: Path | None):
        """Write one archive: a consistent database dump and the instance/ files."""
        try:
            result = backup.create_backup(output)
        except ArchiveError as err:
            raise click.ClickException(err.message) from err
        m = result.manifest
        click.echo(f"Cadangan: {result.path}")
        click.echo(
            f"Basis data {m.dialect} ({_mb(m.dump_bytes)}), {m.files} berkas instance ({_mb(m.files_bytes)}); "
            f"arsip {_mb(result.size)} dalam {result.seconds:.1f} detik."
        )

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="overwrite a database and instance folder that are not empty")
    def restore_command(archive: Path, force: bool):
        """Restore an archive of `flask backup` into an empty installation."""
        try:
            result = backup.restore_backup(archive, force=force)
        except ArchiveError as err:
            raise click.ClickException(err.message) from err
        m = result.manifest
        click.echo(
            f"Dipulihkan: cadangan {m.created_at} ({m.dialect}, revisi {m.revision or '-'}), "
            f"{result.files} berkas, dalam {result.seconds:.1f} detik."
        )

    @app.cli.command("check-redis")
    def check_redis_command():
        """Ping BIMTEK_REDIS_URL and say whether rate limits and jobs can use it (exit 1 if not)."""
        url = current_app.config.get("REDIS_URL") or ""
        if not url:
            click.echo("BIMTEK_REDIS_URL tidak diisi: batas laju dihitung per proses, antrean memakai SQLite.")
            return
        ok, latency, reason = redis_check.ping(url)
        if not ok:
            raise click.ClickException(f"Redis di {redis_check.redact(url)} tidak dapat dipakai: {reason}.")
        click.echo(f"Redis di {redis_check.redact(url)} menjawab dalam {latency} ms.")
