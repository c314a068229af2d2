"""Certificate number patterns: agency formats render exactly, and user patterns can't reach str.format."""

from datetime import date

import pytest

from bimtek.certificates.numbering import NumberingError, format_number, roman_month, validate_pattern

AUG_2022 = date(2022, 8, 25)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (6, "VI"),
        (7, "VII"),
        (8, "VIII"),
        (9, "IX"),
        (10, "X"),
        (11, "XI"),
        (12, "XII"),
    ],
)
def test_roman_month(month, expected):
    assert roman_month(month) == expected


@pytest.mark.parametrize("month", [0, 13, -1, "8", 8.0, True, None])
def test_roman_month_rejects_non_months(month):
    with pytest.raises(NumberingError) as err:
        roman_month(month)
    assert err.value.code == "month_invalid"


@pytest.mark.parametrize(
    ("pattern", "seq", "code", "issued", "expected"),
    [
        (
            "{seq:03d}/BIMTEK-MEDSOS/KOMINFO/{roman_month}/{year}",
            1,
            "",
            AUG_2022,
            "001/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
        ),
        (
            "{seq:03d}/{code}/KOMINFO/{roman_month}/{year}",
            1,
            "BIMTEK-MEDSOS",
            AUG_2022,
            "001/BIMTEK-MEDSOS/KOMINFO/VIII/2022",
        ),
        (
            "{seq:03d}/{code}/KOMINFO/{roman_month}/{year}",
            45,
            "BIMTEK-MEDSOS",
            date(2023, 12, 1),
            "045/BIMTEK-MEDSOS/KOMINFO/XII/2023",
        ),
        ("{seq:03d}/X/{year}", 1234, "", AUG_2022, "1234/X/2022"),  # wider than the pad: never cut
        ("{seq}/X", 7, "", AUG_2022, "7/X"),
        ("{seq:5d}", 42, "", AUG_2022, "00042"),  # zero-padded even without the 0 flag: no spaces
        ("{seq:06d}-{code}", 42, "A", AUG_2022, "000042-A"),
        ("{seq:d}", 42, "", AUG_2022, "42"),
        ("{seq:03d}/{month}/{year}", 3, "", date(2024, 1, 9), "003/01/2024"),
        ("{seq:03d}/{month:d}/{year}", 3, "", date(2024, 1, 9), "003/1/2024"),
        ("{seq:03d}/{month:02d}/{year:d}", 3, "", date(2024, 11, 9), "003/11/2024"),
        ("{{{seq}}}", 5, "", AUG_2022, "{5}"),  # doubled braces are literal braces
        ("SERT-{{X}}-{seq:02d}", 5, "", AUG_2022, "SERT-{X}-05"),
        ("{code}{seq}{code}", 1, "ÅB", AUG_2022, "ÅB1ÅB"),
        ("No. {seq:03d} / {roman_month} / {year}", 9, "", date(2025, 4, 30), "No. 009 / IV / 2025"),
        ("{seq}-{seq:04d}", 12, "", AUG_2022, "12-0012"),
    ],
)
def test_format_number(pattern, seq, code, issued, expected):
    validate_pattern(pattern)
    assert format_number(pattern, seq, code, issued) == expected


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ("", "pattern_empty"),
        ("   ", "pattern_empty"),
        ("X" * 201 + "{seq}", "pattern_too_long"),
        ("BIMTEK/{roman_month}/{year}", "pattern_missing_seq"),
        ("{{seq}}/{year}", "pattern_missing_seq"),  # escaped braces are not a placeholder
        ("{seq:03d}/{tahun}", "pattern_unknown_placeholder"),
        ("{}/{seq}", "pattern_unknown_placeholder"),
        ("{0}/{seq}", "pattern_unknown_placeholder"),
        ("{seq.__class__}", "pattern_unknown_placeholder"),
        ("{seq.__class__.__mro__}", "pattern_unknown_placeholder"),
        ("{seq[0]}", "pattern_unknown_placeholder"),
        ("{seq!r}", "pattern_unknown_placeholder"),
        ("{code.__init__.__globals__}/{seq}", "pattern_unknown_placeholder"),
        ("{SEQ}", "pattern_unknown_placeholder"),
        ("{ seq }", "pattern_unknown_placeholder"),
        ("{seq:x}", "pattern_bad_format"),
        ("{seq:03}", "pattern_bad_format"),
        ("{seq:>10d}", "pattern_bad_format"),
        ("{seq:,d}", "pattern_bad_format"),
        ("{seq:013d}", "pattern_bad_format"),  # absurd widths
        ("{seq:{year}d}", "pattern_syntax"),
        ("{seq:03d}/{code:10}", "pattern_bad_format"),
        ("{seq:03d}/{roman_month:d}", "pattern_bad_format"),
        ("{seq", "pattern_syntax"),
        ("seq}", "pattern_syntax"),
        ("{seq}}", "pattern_syntax"),
        ("{{seq}", "pattern_syntax"),
        ("{seq{year}}", "pattern_syntax"),
    ],
)
def test_invalid_patterns(pattern, code):
    with pytest.raises(NumberingError) as err:
        validate_pattern(pattern)
    assert err.value.code == code
    assert isinstance(err.value, ValueError)
    with pytest.raises(NumberingError):
        format_number(pattern, 1, "X", AUG_2022)


@pytest.mark.parametrize("seq", [0, -1, True, "1", 1.0, None])
def test_sequence_must_be_a_positive_int(seq):
    with pytest.raises(NumberingError) as err:
        format_number("{seq:03d}", seq, "", AUG_2022)
    assert err.value.code == "seq_invalid"


@pytest.mark.parametrize("code", ["{seq}", "A}B", "A\nB", "A\rB"])
def test_code_cannot_inject_braces_or_newlines(code):
    with pytest.raises(NumberingError) as err:
        format_number("{seq}/{code}", 1, code, AUG_2022)
    assert err.value.code == "code_invalid"


def test_errors_carry_indonesian_messages():
    with pytest.raises(NumberingError) as err:
        validate_pattern("BIMTEK/{year}")
    assert "nomor urut" in str(err.value)
    with pytest.raises(NumberingError) as err:
        validate_pattern("{seq}/{tahun}")
    assert "{tahun}" in str(err.value) and "tidak dikenal" in str(err.value)


def test_validate_pattern_returns_none_for_valid_patterns():
    assert validate_pattern("{seq:03d}/{code}/KOMINFO/{roman_month}/{year}") is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{seq:03d}/{code}/KOMINFO/{roman_month}/{year}", "XXX/MEDSOS/KOMINFO/VIII/2022"),
        ("{seq}/LIVE/{roman_month}", "XXX/LIVE/VIII"),
        ("{seq:05d}-{code}", "XXXXX-MEDSOS"),
    ],
)
def test_specimen_numbers_show_the_sequence_as_xs(pattern, expected):
    from bimtek.certificates.numbering import format_specimen

    assert format_specimen(pattern, "MEDSOS", date(2022, 8, 25)) == expected
