"""Rotating presensi codes (bimtek.attendance.presensi_codes): rotation, grace window, expiry, typing."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bimtek.attendance import presensi_codes as pc

KEY = b"k" * 32
T0 = datetime(2022, 8, 25, 2, 0, 10, tzinfo=UTC)


def test_code_shape_and_alphabet():
    code, seconds = pc.current_code(KEY, 1, 2, T0)
    assert len(code) == 6 and set(code) <= set(pc.CODE_ALPHABET)
    assert seconds == 50


def test_code_changes_every_minute_and_depends_on_window_session_and_key():
    codes = {pc.current_code(KEY, 1, 2, T0 + timedelta(minutes=m))[0] for m in range(30)}
    assert len(codes) == 30
    base = pc.current_code(KEY, 1, 2, T0)[0]
    assert pc.current_code(KEY, 1, 3, T0)[0] != base
    assert pc.current_code(KEY, 9, 2, T0)[0] != base
    assert pc.current_code(b"x" * 32, 1, 2, T0)[0] != base
    assert pc.current_code(KEY, 1, 2, T0 + timedelta(seconds=49))[0] == base


@pytest.mark.parametrize(
    ("shown_at", "typed_at", "valid"),
    [
        (0, 0, True),
        (0, 59, True),
        (0, 60 + 50, True),  # next minute: still in grace
        (0, 120 + 49, True),  # two minutes later: last moment of grace
        (0, 180, False),  # a screenshot passed around expires
        (0, 600, False),
        (120, 0, False),  # a future code is never accepted
    ],
)
def test_grace_window(shown_at, typed_at, valid):
    code = pc.current_code(KEY, 1, 2, T0 + timedelta(seconds=shown_at))[0]
    assert pc.verify_code(KEY, 1, 2, code, T0 + timedelta(seconds=typed_at), grace_minutes=2) is valid


def test_code_of_another_window_is_refused():
    code = pc.current_code(KEY, 1, 2, T0)[0]
    assert not pc.verify_code(KEY, 1, 3, code, T0)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("abc234", "ABC234"), (" AB C-23 4 ", "ABC234"), ("ＡＢＣ２３４", "ABC234"), ("ABC23", None), ("ABC2340", None),
     ("ABC10O", None), ("", None)],
)  # fmt: skip
def test_typed_codes_are_normalised(typed, expected):
    assert pc.normalize_code(typed) == expected


def test_lower_case_typed_code_verifies():
    code = pc.current_code(KEY, 1, 2, T0)[0]
    assert pc.verify_code(KEY, 1, 2, code.lower()[:3] + " " + code.lower()[3:], T0)


def test_module_is_pure():
    tree = ast.parse(Path(pc.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m and m.split(".")[0] in ("flask", "sqlalchemy", "bimtek")}
