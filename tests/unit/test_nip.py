"""NIP and NIK parsing: the shapes people type, and the typing mistakes each check catches."""

from datetime import date

import pytest

from bimtek.registration.nip import (
    NikError,
    NipError,
    format_nip,
    mask_nik,
    normalize_nik,
    normalize_nip,
)

TODAY = date(2025, 6, 1)
NIP = "196608011988031001"


@pytest.mark.parametrize(
    ("raw", "status", "expected"),
    [
        (NIP, "pns", NIP),
        ("19660801 198803 1 001", "pns", NIP),
        ("19660801.198803.1.001", "pns", NIP),
        ("19660801-198803-1-001", "pns", NIP),
        ("  19660801  198803 1 001\t", "pns", NIP),
        ("19660801\u00a0198803\u00a01\u00a0001", "pns", NIP),  # no-break spaces from a Word document
        ("19660801 198803 1 001", "PNS", NIP),
        ("199001012015032002", "pns", "199001012015032002"),  # gender 2
        # PPPK: digits 13-14 are a cohort code (here 21), not a month.
        ("19850315 202321 2 001", "pppk", "198503152023212001"),
        ("198503152023012001", "pppk", "198503152023012001"),
        # Youngest and oldest plausible ages on TODAY.
        ("200806012025011001", "pns", "200806012025011001"),
        ("194506011970011001", "pns", "194506011970011001"),  # 80th birthday
    ],
)
def test_normalize_nip_accepts(raw, status, expected):
    assert normalize_nip(raw, status, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("１９６６０８０１１９８８０３１００１", "pns", "nip_format"),  # full-width digits
        ("١٩٦٦٠٨٠١١٩٨٨٠٣١٠٠١", "pns", "nip_format"),  # Arabic-Indic digits
        ("19660801198803100A", "pns", "nip_format"),
        ("19660801/198803/1/001", "pns", "nip_format"),
        ("NIP 196608011988031001", "pns", "nip_format"),
        ("", "pns", "nip_length"),
        ("19660801198803100", "pns", "nip_length"),
        ("1966080119880310011", "pns", "nip_length"),
        ("660801 198803 1 001", "pns", "nip_length"),  # YYMMDD style from wrong web pages
        ("196602301988031001", "pns", "nip_birth_date"),  # 30 February
        ("196613011988031001", "pns", "nip_birth_date"),  # month 13
        ("196608001988031001", "pns", "nip_birth_date"),  # day 0
        ("200806022025011001", "pns", "nip_birth_date"),  # 16 on TODAY
        ("193001011955011001", "pns", "nip_birth_date"),  # 95
        ("196608011988001001", "pns", "nip_tmt"),  # month 00
        ("196608011988131001", "pns", "nip_tmt"),  # month 13
        ("198503152023212001", "pns", "nip_tmt"),  # a PPPK cohort code is not a PNS month
        ("196608011980031001", "pns", "nip_tmt"),  # TMT at age 13
        ("196608011982031001", "pns", "nip_tmt"),  # TMT year = birth year + 16
        ("196608012026011001", "pns", "nip_tmt"),  # TMT next year
        ("198503152026212001", "pppk", "nip_tmt"),  # PPPK still checks the year
        ("198503151990212001", "pppk", "nip_tmt"),
        ("196608011988030001", "pns", "nip_gender"),
        ("196608011988033001", "pns", "nip_gender"),
        ("196608011988031000", "pns", "nip_serial"),
    ],
)
def test_normalize_nip_rejects(raw, status, code):
    with pytest.raises(NipError) as info:
        normalize_nip(raw, status, today=TODAY)
    assert info.value.code == code


def test_age_boundary_is_inclusive_of_80_only_until_the_81st_birthday():
    born = "194506011970011001"
    assert normalize_nip(born, today=date(2025, 5, 31)) == born  # still 79
    assert normalize_nip(born, today=date(2026, 5, 31)) == born  # 80
    with pytest.raises(NipError, match="tanggal lahir"):
        normalize_nip(born, today=date(2026, 6, 1))  # 81


def test_nip_error_is_a_value_error_with_an_indonesian_message():
    with pytest.raises(ValueError) as info:
        normalize_nip("123", today=TODAY)
    assert isinstance(info.value, NipError)
    assert str(info.value) == info.value.message == "NIP harus terdiri dari 18 digit."


def test_unknown_status_is_a_programming_error_not_a_nip_error():
    with pytest.raises(ValueError) as info:
        normalize_nip(NIP, "non_asn", today=TODAY)
    assert not isinstance(info.value, NipError)


@pytest.mark.parametrize(
    ("nip", "shown"),
    [
        (NIP, "19660801 198803 1 001"),
        ("19660801 198803 1 001", "19660801 198803 1 001"),
        ("198503152023212001", "19850315 202321 2 001"),
    ],
)
def test_format_nip_groups_8_6_1_3(nip, shown):
    assert format_nip(nip) == shown


@pytest.mark.parametrize(
    ("nip", "code"), [("12345", "nip_length"), ("１９６６０８０１１９８８０３１００１", "nip_format")]
)
def test_format_nip_refuses_what_is_not_a_nip(nip, code):
    with pytest.raises(NipError) as info:
        format_nip(nip)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3171010501900001", "3171010501900001"),
        ("3171014501900001", "3171014501900001"),  # woman: day + 40
        ("3171 0145 0190 0001", "3171014501900001"),
        ("2171-01-450190-0001", "2171014501900001"),  # Kota Batam
        ("9471012902000001", "9471012902000001"),  # 29 Feb 2000 (1900 was not a leap year, 2000 was)
        ("5103047112850002", "5103047112850002"),  # 31 December, woman
        ("9601013112990001", "9601013112990001"),  # Papua Barat Daya (2022)
    ],
)
def test_normalize_nik_accepts(raw, expected):
    assert normalize_nik(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("３１７１０１０５０１９００００１", "nik_format"),
        ("317101050190000A", "nik_format"),
        ("317101050190001", "nik_length"),
        ("31710105019000011", "nik_length"),
        ("0071010501900001", "nik_region"),  # no province 00
        ("9971010501900001", "nik_region"),  # no province 99
        ("3100010501900001", "nik_region"),  # kabupaten/kota 00
        ("3171000501900001", "nik_region"),  # kecamatan 00
        ("3171010001900001", "nik_date"),  # day 0
        ("3171013201900001", "nik_date"),  # day 32
        ("3171014001900001", "nik_date"),  # 40 is neither a man's nor a woman's day
        ("3171017201900001", "nik_date"),  # woman, day 32
        ("3171011513900001", "nik_date"),  # month 13
        ("3171013002900001", "nik_date"),  # 30 February
        ("3171012902010001", "nik_date"),  # 29 February 1901/2001
        ("3171010501900000", "nik_serial"),
    ],
)
def test_normalize_nik_rejects(raw, code):
    with pytest.raises(NikError) as info:
        normalize_nik(raw)
    assert info.value.code == code
    assert info.value.message


def test_mask_nik_shows_only_region_start_and_serial():
    assert mask_nik("3171010501900001") == "3171********0001"
    with pytest.raises(NikError):
        mask_nik("3171")
