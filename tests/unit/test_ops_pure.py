"""Pure operations rules: the health verdict, the backup archive's safety, Redis URL redaction."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bimtek.ops import archive, verdict
from bimtek.ops.archive import ArchiveError, Manifest
from bimtek.ops.redis_check import redact

GiB = 1024**3


@pytest.mark.parametrize("module", [archive, verdict])
def test_pure_modules_import_no_flask_or_database(module):
    tree = ast.parse(Path(module.__file__).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {n for n in names if n.split(".")[0] in ("flask", "sqlalchemy")} and "bimtek.extensions" not in names


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ({"database": "ok", "redis": "ok", "queue": "ok", "disk": "ok"}, ("ok", 200)),
        ({"database": "ok", "redis": "not_configured", "queue": "ok", "disk": "ok"}, ("ok", 200)),
        ({"database": "ok", "redis": "down", "queue": "unknown", "disk": "ok"}, ("degraded", 200)),
        ({"database": "ok", "redis": "ok", "queue": "stalled", "disk": "ok"}, ("degraded", 200)),
        ({"database": "ok", "redis": "ok", "queue": "ok", "disk": "low"}, ("degraded", 200)),
        ({"database": "down", "redis": "ok", "queue": "ok", "disk": "ok"}, ("down", 503)),
    ],
)
def test_overall(checks, expected):
    assert verdict.overall(checks) == expected


@pytest.mark.parametrize(
    ("free", "total", "status"),
    [(50 * GiB, 100 * GiB, "ok"), (GiB // 2, 100 * GiB, "low"), (2 * GiB, 100 * GiB, "low"), (0, 0, "unknown")],
)
def test_disk_status(free, total, status):
    assert verdict.disk_status(free, total) == status


def test_queue_stalls_after_fifteen_minutes():
    assert verdict.queue_status(None) == "ok"
    assert verdict.queue_status(14 * 60) == "ok"
    assert verdict.queue_status(16 * 60) == "stalled"


@pytest.mark.parametrize(
    ("relative", "db_name", "skipped"),
    [
        ("certificates/1/001.pdf", "bimtek.sqlite3", False),
        ("bimtek.sqlite3", "bimtek.sqlite3", True),
        ("bimtek.sqlite3-wal", "bimtek.sqlite3", True),
        ("jobs.sqlite3", None, True),
        ("backups/bimtek-backup-1.tar", None, True),
        ("uploads/bimtek.sqlite3", "bimtek.sqlite3", False),
        ("signing.p12", None, False),
    ],
)
def test_what_a_backup_leaves_out(relative, db_name, skipped):
    assert archive.is_skipped(relative, db_name) is skipped


@pytest.mark.parametrize(
    "name", ["instance/../etc/passwd", "instance//etc/passwd", "instance/a/../../x", "instance/a\\b", "instance/"]
)
def test_members_that_could_escape_the_instance_folder_are_refused(name):
    with pytest.raises(ArchiveError) as err:
        archive.safe_member(name, is_file=True, is_dir=False)
    assert err.value.code == "unsafe_member"


def test_links_are_refused_and_other_members_ignored():
    with pytest.raises(ArchiveError):
        archive.safe_member("instance/link", is_file=False, is_dir=False)
    assert archive.safe_member("database.pgdump", is_file=True, is_dir=False) is None
    assert archive.safe_member("instance/certificates/1.pdf", is_file=True, is_dir=False) == "certificates/1.pdf"


def test_manifest_round_trip_and_unknown_format():
    m = Manifest("2026-12-06T05:00:00+00:00", "sqlite", "40a5ef8ab02b", "ab" * 32, 10, 2, 20)
    assert Manifest.from_json(m.to_json()) == m
    with pytest.raises(ArchiveError) as err:
        Manifest.from_json(b'{"format": "other/9"}')
    assert err.value.code == "unknown_format"
    with pytest.raises(ArchiveError) as err:
        Manifest.from_json(b"not json")
    assert err.value.code == "bad_manifest"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:s3cret@cache:6380/2", "redis://:***@cache:6380/2"),
        ("rediss://app:s3cret@cache/1", "rediss://app:***@cache/1"),
    ],
)
def test_redis_url_never_shows_its_password(url, shown):
    assert redact(url) == shown
