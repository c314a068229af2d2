"""The ASCII fast path of name folding gives exactly what the general Unicode path gives."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest

from bimtek.attendance import matching


def _slow_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().translate(matching._FOLD))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text if not unicodedata.combining(ch)).split())


@pytest.mark.parametrize("seed", range(200))
def test_ascii_fast_path_matches_the_unicode_path(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice(string.printable) for _ in range(rnd.randint(0, 40)))
    assert matching._fold(text) == _slow_fold(text)


@pytest.mark.parametrize(
    ("name", "key"),
    [("DISKOMINFO KEPRI_Rina Marlina, S.I.Kom.", "rina marlina"), ("Łukasz Żółć", "lukasz zolc"),
     ("  BUDI   santoso ", "budi santoso")],
)  # fmt: skip
def test_clean_display_name_keys(name, key):
    assert matching.clean_display_name(name) == key
