"""Registration codes a person can read and type without confusing characters; private-link tokens."""

import ast
import re
from pathlib import Path

import pytest

import bimtek
from bimtek.core.codes import (
    CODE_ALPHABET,
    format_code,
    new_private_token,
    new_registration_code,
    normalize_code,
)


def test_alphabet_has_no_confusable_characters():
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 30
    assert not set("0O1IL U") & set(CODE_ALPHABET)


@pytest.mark.parametrize("length", [4, 8, 12])
def test_new_code_uses_only_the_alphabet(length):
    for _ in range(200):
        code = new_registration_code(length)
        assert len(code) == length
        assert set(code) <= set(CODE_ALPHABET)


def test_new_codes_are_random_and_cover_the_alphabet():
    codes = [new_registration_code() for _ in range(500)]
    assert len(set(codes)) == 500
    assert set("".join(codes)) == set(CODE_ALPHABET)


def test_new_code_length_must_be_positive():
    with pytest.raises(ValueError):
        new_registration_code(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ABCD2345", "ABCD2345"),
        ("abcd2345", "ABCD2345"),
        ("ABCD-2345", "ABCD2345"),
        (" abcd 2345 ", "ABCD2345"),
        ("ab-cd_23.45", "ABCD2345"),
        ("ＡＢＣＤ－２３４５", "ABCD2345"),  # full-width from a phone keyboard
        ("ABCD\u20132345", "ABCD2345"),  # en dash
    ],
)
def test_normalize_code_accepts(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ABCD234",  # too short
        "ABCD23456",  # too long
        "ABCD0345",  # zero could be O or D
        "ABCDO345",
        "ABCD1345",  # one could be I or L
        "ABCDI345",
        "ABCDL345",
        "ABCDU345",
        "ABCD/2345",
        "ABCD 234é",
    ],
)
def test_normalize_code_rejects(raw):
    assert normalize_code(raw) is None


def test_normalize_code_with_other_length():
    assert normalize_code("abc-def", length=6) == "ABCDEF"
    assert normalize_code("abc-def") is None


def test_generated_codes_survive_a_round_trip_through_display():
    for _ in range(50):
        code = new_registration_code()
        assert normalize_code(format_code(code).lower()) == code


@pytest.mark.parametrize(
    ("code", "shown"),
    [("ABCD2345", "ABCD-2345"), ("ABCD", "ABCD"), ("ABCD2345XY", "ABCD-2345-XY"), ("", "")],
)
def test_format_code(code, shown):
    assert format_code(code) == shown


def test_private_token_is_long_urlsafe_and_unique():
    tokens = {new_private_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


@pytest.mark.parametrize(
    "module", ["core/codes", "registration/names", "registration/nip", "registration/phone", "core/tickets"]
)
def test_pure_modules_import_no_framework(module):
    """Domain modules stay usable without an app: no Flask, SQLAlchemy or extensions."""
    path = Path(next(iter(bimtek.__path__))) / f"{module}.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "sqlalchemy", "flask_sqlalchemy"}
    assert "bimtek.extensions" not in imported
