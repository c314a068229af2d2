import ast
from collections import Counter
from pathlib import Path

import pytest

from bimtek.reference import regions
from bimtek.reference.regions import (
    Province,
    Regency,
    RegionError,
    province,
    provinces,
    regencies,
    regency,
    timezone_for_province,
    zone_abbreviation,
)


def all_regencies() -> list[Regency]:
    return [r for p in provinces() for r in regencies(p.code)]


def test_counts_match_kepmendagri_2025():
    regs = all_regencies()
    assert len(provinces()) == 38
    assert len(regs) == 514
    assert Counter(r.kind for r in regs) == {"kabupaten": 416, "kota": 98}


def test_codes_are_unique_and_in_dotted_form():
    provs = provinces()
    regs = all_regencies()
    assert len({p.code for p in provs}) == len(provs)
    assert len({r.code for r in regs}) == len(regs)
    assert all(len(p.code) == 2 and p.code.isdigit() for p in provs)
    assert all(len(r.code) == 5 and r.code[2] == "." and r.code.replace(".", "").isdigit() for r in regs)


def test_every_regency_belongs_to_an_existing_province():
    for r in all_regencies():
        assert province(r.province_code).code == r.province_code
        assert r.code.startswith(r.province_code + ".")
        assert regency(r.code) == r


def test_kota_batam():
    batam = regency("21.71")
    assert batam == Regency(code="21.71", province_code="21", name="Kota Batam", kind="kota")
    assert province("21").name == "Kepulauan Riau"
    assert batam in regencies("21")
    assert timezone_for_province(batam.province_code) == "Asia/Jakarta"


def test_time_zone_counts():
    assert Counter(p.timezone for p in provinces()) == {
        "Asia/Jakarta": 18,
        "Asia/Makassar": 12,
        "Asia/Jayapura": 8,
    }


@pytest.mark.parametrize(
    ("code", "name", "tz", "abbr"),
    [
        ("11", "Aceh", "Asia/Jakarta", "WIB"),
        ("21", "Kepulauan Riau", "Asia/Jakarta", "WIB"),
        ("31", "Daerah Khusus Ibukota Jakarta", "Asia/Jakarta", "WIB"),
        ("36", "Banten", "Asia/Jakarta", "WIB"),
        ("61", "Kalimantan Barat", "Asia/Jakarta", "WIB"),
        ("62", "Kalimantan Tengah", "Asia/Jakarta", "WIB"),
        ("51", "Bali", "Asia/Makassar", "WITA"),
        ("53", "Nusa Tenggara Timur", "Asia/Makassar", "WITA"),
        ("63", "Kalimantan Selatan", "Asia/Makassar", "WITA"),
        ("65", "Kalimantan Utara", "Asia/Makassar", "WITA"),
        ("73", "Sulawesi Selatan", "Asia/Makassar", "WITA"),
        ("76", "Sulawesi Barat", "Asia/Makassar", "WITA"),
        ("81", "Maluku", "Asia/Jayapura", "WIT"),
        ("82", "Maluku Utara", "Asia/Jayapura", "WIT"),
        ("91", "Papua", "Asia/Jayapura", "WIT"),
        ("96", "Papua Barat Daya", "Asia/Jayapura", "WIT"),
    ],
)
def test_province_time_zone(code, name, tz, abbr):
    assert province(code) == Province(code=code, name=name, timezone=tz)
    assert timezone_for_province(code) == tz
    assert zone_abbreviation(tz) == abbr


@pytest.mark.parametrize(
    ("code", "province_code", "name", "kind"),
    [
        ("11.01", "11", "Kabupaten Aceh Selatan", "kabupaten"),
        ("31.71", "31", "Kota Administrasi Jakarta Pusat", "kota"),
        ("34.04", "34", "Kabupaten Sleman", "kabupaten"),
        ("51.71", "51", "Kota Denpasar", "kota"),
        ("64.72", "64", "Kota Samarinda", "kota"),
        ("91.71", "91", "Kota Jayapura", "kota"),
    ],
)
def test_regency_lookup(code, province_code, name, kind):
    assert regency(code) == Regency(code=code, province_code=province_code, name=name, kind=kind)


@pytest.mark.parametrize(
    ("province_code", "count"),
    [("21", 7), ("31", 6), ("32", 27), ("35", 38), ("91", 9), ("93", 4), ("96", 6)],
)
def test_regencies_per_province(province_code, count):
    regs = regencies(province_code)
    assert len(regs) == count
    assert [r.code for r in regs] == sorted(r.code for r in regs)


def test_lookup_tolerates_surrounding_whitespace():
    assert province(" 21 ").code == "21"
    assert regency("21.71\n").name == "Kota Batam"


@pytest.mark.parametrize(
    ("call", "arg", "reason"),
    [
        (province, "20", "unknown_province"),
        (province, "", "unknown_province"),
        (province, None, "unknown_province"),
        (regencies, "99", "unknown_province"),
        (timezone_for_province, "2171", "unknown_province"),
        (regency, "2171", "unknown_regency"),
        (regency, "21.99", "unknown_regency"),
        (regency, "21", "unknown_regency"),
        (zone_abbreviation, "Asia/Singapore", "unknown_timezone"),
        (zone_abbreviation, "WIB", "unknown_timezone"),
    ],
)
def test_unknown_codes_raise_region_error(call, arg, reason):
    with pytest.raises(RegionError) as exc:
        call(arg)
    assert exc.value.code == reason
    assert isinstance(exc.value, ValueError)
    assert str(exc.value)  # carries an Indonesian default message


def test_returned_lists_are_copies():
    provinces().clear()
    regencies("21").clear()
    assert len(provinces()) == 38
    assert len(regencies("21")) == 7


def test_module_is_pure():
    tree = ast.parse(Path(regions.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not imported & {"flask", "sqlalchemy", "bimtek.extensions"}
