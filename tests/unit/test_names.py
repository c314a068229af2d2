"""Names are kept as typed (they go on certificates); only invisible tricks and stray spaces are refused."""

import unicodedata

import pytest

from bimtek.registration.names import PersonNameError, name_search_key, normalize_person_name


@pytest.mark.parametrize(
    "name",
    [
        "Dr. Ir. H. Ahmad, S.Kom., M.T.",
        "Prof. Dr. Hj. Siti Nurhaliza, S.E., M.Si., Ak., CA.",
        "Ni Luh Putu Ayu Sri Dewi",
        "I Gusti Ngurah Rai",
        "Anak Agung Gde Agung",
        "Tan Sioe Lie",
        "Liem Swie King",
        "Kwee Tjie Hoei, S.H.",
        "O'Neil",
        "Ma'ruf Amin",
        "Sukarno",
        "Łukasz Żółć",
        "José Núñez",
        "Nguyễn Thị Minh Khai",
        "Ir. Soekarno (Bung Karno)",
        "Raden Ajeng Kartini - Djojoadhiningrat",
        "Ahmad bin Abdullah",
        "陈志明",
        "X",
    ],
)
def test_names_are_kept_exactly_as_typed(name):
    assert normalize_person_name(name) == name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Tan Sioe Lie  ", "Tan Sioe Lie"),
        ("Ni  Luh   Putu\tAyu", "Ni Luh Putu Ayu"),
        ("I\u00a0Gusti\u3000Ngurah Rai", "I Gusti Ngurah Rai"),  # no-break and ideographic spaces
        ("Dr.  Ir.  H. Ahmad,  S.Kom.", "Dr. Ir. H. Ahmad, S.Kom."),
        ("Ahmad\n", "Ahmad"),
        ("Jose\u0301 Nu\u0301n\u0303ez", "José Núñez"),  # decomposed accents from a Mac become NFC
    ],
)
def test_whitespace_is_tidied_and_accents_composed(raw, expected):
    result = normalize_person_name(raw)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "name_empty"),
        ("   \t ", "name_empty"),
        ("A" * 151, "name_too_long"),
        ("Ahmad\x00", "name_control"),
        ("Ahmad\x07Bakri", "name_control"),
        ("Ahmad\x1fBakri", "name_control"),
        ("Ahmad\x7f", "name_control"),
        ("Ahmad\ue000", "name_control"),  # private use
        ("Ahmad \u202eirkaB", "name_bidi"),  # right-to-left override
        ("Ahmad \u202aBakri\u202c", "name_bidi"),
        ("\u2066Ahmad\u2069", "name_bidi"),
        ("Ahmad\u200e", "name_bidi"),
        ("Ahmad\u200f", "name_bidi"),
        ("Ah\u200bmad", "name_invisible"),  # zero-width space
        ("Ah\u200cmad", "name_invisible"),
        ("Ah\u200dmad", "name_invisible"),
        ("\ufeffAhmad", "name_invisible"),
        ("Ah\u2060mad", "name_invisible"),
        ("Ah\u00admad", "name_invisible"),  # soft hyphen
        ("Ahmad \u3164", "name_invisible"),  # Hangul filler renders as nothing
        ("Ahmad\u2028Bakri", "name_invisible"),  # line separator
        ("Z\u0300\u0301\u0302\u0303algo", "name_combining"),
        ("12345", "name_no_letter"),
        ("-- . ,", "name_no_letter"),
    ],
)
def test_refused_names(raw, code):
    with pytest.raises(PersonNameError) as info:
        normalize_person_name(raw)
    assert info.value.code == code
    assert str(info.value) == info.value.message


def test_length_limit_counts_characters_after_tidying():
    assert normalize_person_name("A" * 150) == "A" * 150
    assert normalize_person_name("  " + "A" * 150 + "  ") == "A" * 150


def test_person_name_error_is_a_value_error_with_indonesian_message():
    with pytest.raises(ValueError, match="Nama wajib diisi"):
        normalize_person_name("  ")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dr. Ir. H. Ahmad, S.Kom., M.T.", "dr. ir. h. ahmad, s.kom., m.t."),
        ("Łukasz Żółć", "lukasz zolc"),
        ("José Núñez", "jose nunez"),
        ("Jose\u0301 Nu\u0301n\u0303ez", "jose nunez"),
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Straße", "strasse"),
        ("Đặng Thị Ngọc", "dang thi ngoc"),
        ("O\u2019Neil", "o'neil"),
        ("O'Neil", "o'neil"),
        ("  Ni  Luh\u00a0Putu ", "ni luh putu"),
        ("ＡＨＭＡＤ", "ahmad"),  # full-width letters
        ("Tan Sioe Lie", "tan sioe lie"),
    ],
)
def test_name_search_key(name, key):
    assert name_search_key(name) == key


def test_search_key_matches_prefix_typed_without_accents():
    stored = name_search_key(normalize_person_name("Ni Luh Putu Ayu Sri Dewi Ñoman"))
    assert stored.startswith(name_search_key("ni luh"))
    assert name_search_key("Noman") in stored


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dr. Ñúñez García, S.Kom.", ["dr", "nunez", "garcia", "s", "kom"]),
        ("Budi Maharani", ["budi", "maharani"]),
        ("Kementerian Keuangan", ["kementerian", "keuangan"]),
        ("O'Neil  O'Neil", ["o", "neil"]),
        ("", []),
        ("x" * 80, ["x" * 60]),
    ],
)
def test_search_words_fold_and_split(text, words):
    from bimtek.registration.names import search_words

    assert search_words(text) == words
