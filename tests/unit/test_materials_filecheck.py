"""Materials are recognised by content and size; release timing follows the rule."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from bimtek.materials import filecheck, release


def office(part: str, extra: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
        if extra:
            z.writestr(extra, "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "extension"),
    [(b"%PDF-1.7\n...", "pdf"), (office("ppt/presentation.xml"), "pptx"), (office("word/document.xml"), "docx"),
     (office("xl/workbook.xml"), "xlsx")],
)  # fmt: skip
def test_accepted_types(content, extension):
    assert filecheck.check_file(content).extension == extension


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b"MZ\x90\x00 executable", "type"), (office("other/thing.xml"), "type"),
     (b"PK\x03\x04 not really a zip", "type"), (office("ppt/presentation.xml", "ppt/vbaProject.bin"), "macro")],
)  # fmt: skip
def test_refused(content, code):
    with pytest.raises(filecheck.FileCheckError) as err:
        filecheck.check_file(content)
    assert err.value.code == code


def test_size_limit():
    with pytest.raises(filecheck.FileCheckError) as err:
        filecheck.check_file(b"%PDF-" + b"x" * 100, max_bytes=50)
    assert err.value.code == "too_large"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x/y.mp4", "https://", "https://a b/c.mp4"])
def test_bad_links(url):
    with pytest.raises(filecheck.FileCheckError):
        filecheck.check_link(url)


def test_release_rules():
    end = datetime(2030, 8, 22, 5, 0, tzinfo=UTC)
    session_end = end - timedelta(hours=2)
    assert release.is_released("now", session_end, end, session_end - timedelta(days=1))
    assert not release.is_released("after_session", session_end, end, session_end - timedelta(seconds=1))
    assert release.is_released("after_session", session_end, end, session_end)
    assert not release.is_released("after_session", None, end, session_end)  # no session: the event's end
    assert not release.is_released("never", session_end, end, end + timedelta(days=365))
