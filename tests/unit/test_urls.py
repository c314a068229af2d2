"""Redirect targets: only paths on this site."""

import pytest

from bimtek.core.urls import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/manage/events/3?tab=peserta", "/manage/events/3?tab=peserta"),
        ("/e/bimtek-medsos-2022", "/e/bimtek-medsos-2022"),
        (None, "/"),
        ("", "/"),
        ("//evil.example/x", "/"),
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("manage", "/"),
        ("/\n/evil.example", "/"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target, "/") == expected
