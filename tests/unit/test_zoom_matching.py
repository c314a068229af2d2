"""Matching Zoom rows to registrations (bimtek.attendance.matching)."""

from dataclasses import dataclass

import pytest

from bimtek.attendance.matching import (
    Candidate,
    build_index,
    clean_display_name,
    extract_keys,
    link_key,
    match_row,
)


@dataclass
class Row:
    display_name: str
    original_name: str | None = None
    email: str | None = None
    registrant_id: str | None = None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DISKOMINFO KEPRI_Budi Santoso, S.Kom", "budi santoso"),
        ("DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)", "rina marlina"),
        ("KEMENKEU_Ahmady Muhadjiri", "ahmady muhadjiri"),
        ("PEMKAB NATUNA - Siti Nurhaliza", "siti nurhaliza"),
        ("Pemkot Batam | Yohanes Tanoto", "yohanes tanoto"),
        ("Budi Santoso - Diskominfo Kota Batam", "budi santoso"),  # name first, instansi after
        ("Dr. Ir. H. Budi Santoso, M.T.", "budi santoso"),
        ("Prof.Dr.Ir.Budi Santoso", "budi santoso"),
        ("Hj. Siti Nurhaliza S.E. M.Si.", "siti nurhaliza"),
        ("Drs. Ahmad Yani, M.M.", "ahmad yani"),
        ("dr. Wati Lestari, Sp.A", "wati lestari"),
        ("Budi Santoso S.Kom", "budi santoso"),
        ("Budi Santoso, S.H., M.H.", "budi santoso"),
        ("Budi Santoso, S.Sos.", "budi santoso"),
        ("  BUDI   SANTOSO ", "budi santoso"),
        ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
        ("Łukasz Żółw", "lukasz zolw"),
        ("Renée O'Brien", "renee o brien"),
        ("Ni Luh Putu Ayu Lestari", "ni luh putu ayu lestari"),
        ("M. Rizky Pratama", "m rizky pratama"),  # an initial is not a title
        ("Budi S.", "budi s"),
        ("ABCD-2345_Budi Santoso", "budi santoso"),  # a registration code is not part of the name
        ("196608011988031001_Budi Santoso", "budi santoso"),
        ("HERMAWAN", "hermawan"),  # eight capitals from the code alphabet, but still a name
        ("(Budi)", "budi"),
        ("", ""),
    ],
)
def test_clean_display_name(name, expected):
    assert clean_display_name(name) == expected


@pytest.mark.parametrize(
    ("name", "codes", "nips"),
    [
        ("Budi Santoso", [], []),
        ("ABCD-2345_Budi Santoso", ["ABCD2345"], []),
        ("Budi 7kq2x9mz", ["7KQ2X9MZ"], []),  # typed in lower case
        ("Budi 7KQ2 X9MZ", [], []),  # split by a space: too loose to trust
        ("Budi ABCD2O45", [], []),  # the letter O is not in the alphabet
        ("Budi ABCD23456", [], []),  # nine characters
        ("196608011988031001 Budi", [], ["196608011988031001"]),
        ("19660801 198803 1 001_Budi", [], ["196608011988031001"]),
        ("Budi (19660801.198803.1.001)", [], ["196608011988031001"]),
        ("Budi 1966080119880310011", [], []),  # nineteen digits
        ("Budi 19660801198803100", [], []),  # seventeen digits
        ("ABCD-2345 196608011988031001", ["ABCD2345"], ["196608011988031001"]),
    ],
)
def test_extract_keys(name, codes, nips):
    assert extract_keys(name) == (codes, nips)


CANDIDATES = [
    Candidate(1, "rina.marlina@kepriprov.go.id", "ABCD2345", None, "Rina Marlina, S.I.Kom."),
    Candidate(2, "Ahmady.M@kemenkeu.go.id", "BCDE3456", "196608011988031001", "Ahmady Muhadjiri, S.E."),
    Candidate(3, None, "CDEF4567", None, "Budi Santoso", zoom_registrant_id="reg-budi-1"),
    Candidate(4, None, "DEFG5678", None, "Drs. Budi Santoso, M.M."),  # same name as 3
    Candidate(5, "humas@batam.go.id", "EFGH6789", None, "Yohanes Tanoto"),
    Candidate(6, "humas@batam.go.id", "FGHJ7892", None, "Maria Ulfa"),  # shared office email
    Candidate(7, "siti@natunakab.go.id", "GHJK8923", None, "Hj. Siti Nurhaliza"),
]
LINKS = {"iPhone Andi": 7}


@pytest.fixture
def index():
    return build_index(CANDIDATES, LINKS)


@pytest.mark.parametrize(
    ("row", "kind", "ids", "automatic"),
    [
        (Row("Budi", registrant_id="reg-budi-1"), "registrant_id", [3], True),
        (Row("DISKOMINFO KEPRI_Rina", email="RINA.MARLINA@kepriprov.go.id"), "email", [1], True),
        (Row("KEMENKEU_Ahmady", email="ahmady.m@kemenkeu.go.id"), "email", [2], True),
        (Row("DISKOMINFO_Andi Wijaya ABCD-5678"), "none", [], False),  # unknown code: nothing
        (Row("Budi Santoso CDEF-4567"), "code", [3], True),
        (Row("Budi Santoso", original_name="cdef4567"), "code", [3], True),
        (Row("19660801 198803 1 001 Ahmady"), "nip", [2], True),
        (Row("iphone  andi"), "link", [7], True),  # remembered from an earlier manual match
        (Row("PEMKAB NATUNA_Siti Nurhaliza"), "name", [7], False),  # a name alone waits for review
        (Row("Budi Santoso"), "ambiguous", [3, 4], False),
        (Row("Tamu Tak Dikenal"), "none", [], False),
        # a shared office email is settled by the code in the display name
        (Row("Maria Ulfa FGHJ-7892", email="humas@batam.go.id"), "code", [6], True),
        # ... or narrowed by name, but then only for review
        (Row("Maria Ulfa", email="humas@batam.go.id"), "ambiguous", [6], False),
        (Row("Humas Batam", email="humas@batam.go.id"), "ambiguous", [5, 6], False),
        # a colleague's account: email says Rina, code says Budi -> review, credit nobody
        (Row("Budi CDEF4567", email="rina.marlina@kepriprov.go.id"), "ambiguous", [1, 3], False),
        # exact keys that agree stay automatic
        (Row("Rina ABCD2345", email="rina.marlina@kepriprov.go.id"), "email", [1], True),
    ],
)
def test_match_row(index, row, kind, ids, automatic):
    result = match_row(row, index)

    assert (result.kind, result.registration_ids, result.automatic) == (kind, ids, automatic)


def test_matching_takes_a_parsed_report_row():
    from bimtek.attendance.zoom_csv import parse_zoom_report

    data = (
        b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        b'"DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)",,08/25/2022 08:52:10 AM,'
        b"08/25/2022 10:31:45 AM,100,Yes\n"
    )
    row = parse_zoom_report(data, "Asia/Jakarta").rows[0]

    result = match_row(row, build_index(CANDIDATES))
    assert (result.kind, result.registration_ids, result.automatic) == ("name", [1], False)


def test_matching_takes_a_webhook_event():
    from bimtek.attendance.zoom_webhook import parse_event

    event = parse_event(
        {
            "event": "meeting.participant_joined",
            "payload": {
                "object": {
                    "id": "1",
                    "participant": {
                        "user_name": "Budi",
                        "registrant_id": "reg-budi-1",
                        "join_time": "2022-08-25T02:00:00Z",
                    },
                }
            },
        }
    )
    assert match_row(event, build_index(CANDIDATES)).registration_ids == [3]


def test_links_are_keyed_case_and_space_insensitively():
    assert link_key("iPhone  Andi") == link_key("IPHONE ANDI") == "iphone andi"


def test_index_ignores_empty_keys():
    index = build_index([Candidate(1, "", "", "", "Budi"), Candidate(2, None, None, None, "Siti")])

    assert index.by_email == {}
    assert index.by_code == {}
    assert index.by_nip == {}
    assert match_row(Row("", email=""), index).kind == "none"
