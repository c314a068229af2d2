"""The backup archive's layout and its safety rules (pure: no Flask, no database).

One uncompressed tar (the PDFs inside are already compressed; gzip would only cost time):

    manifest.json        format, creation time, database dialect, schema revision, file count and sizes,
                         SHA-256 of the database dump
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot)
    database.sqlite3     SQLite: a copy made with the online backup API (consistent while the app writes)
    instance/<path>      the instance folder's files: certificate PDFs, uploads, signing key ...

Never copied from the instance folder: the SQLite database itself (it travels as the consistent copy
above), its journal files, the job queue (transient), and earlier backups. A member whose name could
escape the target folder (absolute, ``..``, links) makes the whole archive refused on restore.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = [
    "FORMAT",
    "MANIFEST",
    "Manifest",
    "ArchiveError",
    "dump_member",
    "is_skipped",
    "safe_member",
    "sha256_file",
]

FORMAT = "bimtek-backup/1"
MANIFEST = "manifest.json"
INSTANCE_PREFIX = "instance/"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

# Instance files that are never part of a backup (relative POSIX paths or their first component).
_SKIP_NAMES = ("jobs.sqlite3", "jobs.sqlite3-wal", "jobs.sqlite3-shm", "jobs.sqlite3-journal")
_SKIP_DIRS = ("backups",)
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class ArchiveError(ValueError):
    """An archive that cannot be restored; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds; written first into the archive, read first on restore."""

    created_at: str
    dialect: str
    revision: str | None
    dump_sha256: str
    dump_bytes: int
    files: int
    files_bytes: int
    format: str = FORMAT

    def to_json(self) -> bytes:
        """UTF-8 JSON, keys sorted."""
        return json.dumps(
            {
                "format": self.format,
                "created_at": self.created_at,
                "dialect": self.dialect,
                "revision": self.revision,
                "dump_sha256": self.dump_sha256,
                "dump_bytes": self.dump_bytes,
                "files": self.files,
                "files_bytes": self.files_bytes,
            },
            sort_keys=True,
            indent=2,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Read a manifest; refuses another format or a missing field."""
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ArchiveError("unknown_format", f"Format cadangan tidak dikenal: {raw.get('format')!r}.")
            return cls(
                created_at=raw["created_at"],
                dialect=raw["dialect"],
                revision=raw.get("revision"),
                dump_sha256=raw["dump_sha256"],
                dump_bytes=int(raw["dump_bytes"]),
                files=int(raw["files"]),
                files_bytes=int(raw["files_bytes"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, ArchiveError):
                raise
            raise ArchiveError("bad_manifest", "Manifest cadangan rusak.") from exc


def dump_member(dialect: str) -> str:
    """The archive member holding the database dump for a dialect."""
    try:
        return DUMP_MEMBERS[dialect]
    except KeyError:
        raise ArchiveError("unsupported_database", f"Basis data {dialect!r} tidak didukung.") from None


def is_skipped(relative: str, sqlite_db_name: str | None = None) -> bool:
    """True for instance files a backup leaves out (the live SQLite file, the job queue, old backups)."""
    path = PurePosixPath(relative)
    if path.parts and path.parts[0] in _SKIP_DIRS:
        return True
    if path.name in _SKIP_NAMES and len(path.parts) == 1:
        return True
    if sqlite_db_name and len(path.parts) == 1:
        return any(path.name == sqlite_db_name + suffix for suffix in _SQLITE_SUFFIXES)
    return False


def safe_member(name: str, *, is_file: bool, is_dir: bool) -> str | None:
    """The instance-relative path of a tar member to extract, None for non-instance members.

    Raises ArchiveError for anything that could write outside the instance folder.
    """
    if not name.startswith(INSTANCE_PREFIX):
        return None
    relative = name[len(INSTANCE_PREFIX) :]
    path = PurePosixPath(relative)
    if not relative or path.is_absolute() or ".." in path.parts or "\\" in relative or "\x00" in relative:
        raise ArchiveError("unsafe_member", f"Isi arsip tidak aman: {name!r}.")
    if not (is_file or is_dir):
        raise ArchiveError("unsafe_member", f"Isi arsip bukan berkas biasa: {name!r}.")
    return relative


def sha256_file(path, chunk: int = 1024 * 1024) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
