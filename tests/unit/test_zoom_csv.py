"""Zoom participant / webinar report parsing (bimtek.attendance.zoom_csv)."""

import unicodedata
from datetime import UTC, datetime

import pytest

from bimtek.attendance.intervals import merge_intervals, minutes_in_window, total_minutes
from bimtek.attendance.zoom_csv import ZoomCsvError, file_fingerprint, parse_zoom_report

WIB = "Asia/Jakarta"

# The three samples of /work/shared/samples/zoom, byte for byte (the first one gets its BOM and CRLF below).
MEETING_BLOCK_TEXT = """\
Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Bimtek Strategi Komunikasi Media Sosial - Sesi 1,08/25/2022 08:45:00 AM,08/25/2022 12:10:00 PM,humas@kominfo.go.id,205,8
,,,,,,
Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
"DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)",rina.marlina@kepriprov.go.id,08/25/2022 08:52:10 AM,08/25/2022 10:31:45 AM,100,No
"DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)",rina.marlina@kepriprov.go.id,08/25/2022 10:33:02 AM,08/25/2022 12:05:40 PM,93,No
KEMENKEU_Ahmady Muhadjiri,ahmady.m@kemenkeu.go.id,08/25/2022 08:45:00 AM,08/25/2022 12:10:00 PM,205,No
Budi Santoso,,08/25/2022 09:10:11 AM,08/25/2022 09:40:00 AM,30,Yes
Budi Santoso,,08/25/2022 09:41:30 AM,08/25/2022 11:58:12 AM,137,Yes
PEMKAB NATUNA_Siti Nurhaliza,siti.nurhaliza@natunakab.go.id,08/25/2022 09:00:05 AM,08/25/2022 09:05:00 AM,5,No
iPhone Andi,,08/25/2022 09:20:00 AM,08/25/2022 12:01:00 PM,161,Yes
DISKOMINFO KOTA BATAM_Yohanes Tanoto,yohanes.t@batam.go.id,08/25/2022 08:59:59 AM,08/25/2022 12:00:30 PM,182,No
Ni Luh Putu Ayu Lestari,niluh.ayu@baliprov.go.id,08/25/2022 09:02:00 AM,08/25/2022 10:15:00 AM,73,No
Ni Luh Putu Ayu Lestari,niluh.ayu@baliprov.go.id,08/25/2022 10:10:00 AM,08/25/2022 11:59:00 AM,109,No
"""  # noqa: E501
MEETING_BLOCK = ("\ufeff" + MEETING_BLOCK_TEXT.replace("\n", "\r\n")).encode("utf-8")

PLAIN = b"""\
Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In Waiting Room
"DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)",rina.marlina@kepriprov.go.id,08/25/2022 08:52:10 AM,08/25/2022 10:31:45 AM,100,No,Y,N
"DISKOMINFO KEPRI_Rina Marlina, S.I.Kom. (Rina Marlina)",rina.marlina@kepriprov.go.id,08/25/2022 10:33:02 AM,08/25/2022 12:05:40 PM,93,No,Y,N
KEMENKEU_Ahmady Muhadjiri,ahmady.m@kemenkeu.go.id,08/25/2022 08:45:00 AM,08/25/2022 12:10:00 PM,205,No,Y,N
Budi Santoso,,08/25/2022 09:10:11 AM,08/25/2022 09:40:00 AM,30,Yes,Y,N
Budi Santoso,,08/25/2022 09:41:30 AM,08/25/2022 11:58:12 AM,137,Yes,Y,N
PEMKAB NATUNA_Siti Nurhaliza,siti.nurhaliza@natunakab.go.id,08/25/2022 09:00:05 AM,08/25/2022 09:05:00 AM,5,No,Y,N
"""  # noqa: E501

WEBINAR = b"""\
Attendee Report
Report Generated:,08/26/2022 07:12:44 AM
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views
Bimtek Strategi Komunikasi Media Sosial,845 1111 2222,08/25/2022 08:58:31 AM,190,420,3,388,412,350
Host Details
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,Humas Kominfo,humas@kominfo.go.id,08/25/2022 08:50:00 AM,08/25/2022 12:10:00 PM,200,No,Indonesia
Attendee Details
Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,Rina Marlina,Rina,Marlina,rina.marlina@kepriprov.go.id,08/20/2022 10:00:00 AM,approved,08/25/2022 08:59:00 AM,08/25/2022 10:30:00 AM,91,No,Indonesia
Yes,Rina Marlina,Rina,Marlina,rina.marlina@kepriprov.go.id,08/20/2022 10:00:00 AM,approved,08/25/2022 10:31:00 AM,08/25/2022 12:00:00 PM,89,No,Indonesia
Yes,Yohanes Tanoto,Yohanes,Tanoto,yohanes.t@batam.go.id,08/21/2022 02:13:00 PM,approved,08/25/2022 09:01:00 AM,08/25/2022 12:00:00 PM,179,No,Indonesia
No,Agus Salim,Agus,Salim,agus.salim@jatimprov.go.id,08/22/2022 09:00:00 AM,approved,--,--,--,--,--
"""  # noqa: E501

HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"
SESSION_START = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)  # 09.00 WIB
SESSION_END = datetime(2022, 8, 25, 5, 0, tzinfo=UTC)  # 12.00 WIB


def utc(hour, minute, second=0, day=25, month=8, year=2022):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def one_row(join, leave="08/25/2022 11:00:00 AM", tz=WIB):
    report = parse_zoom_report(f"{HEADER}\nBudi,budi@x.go.id,{join},{leave},60,No\n".encode(), tz)
    return report


def intervals_by_email(report):
    grouped = {}
    for row in report.rows:
        grouped.setdefault(row.email or row.display_name, []).append((row.join_utc, row.leave_utc))
    return grouped


# --- the three samples ----------------------------------------------------------------------------------


def test_meeting_block_sample_reads_meeting_and_every_participant_row():
    report = parse_zoom_report(MEETING_BLOCK, WIB)

    assert report.encoding == "utf-8-sig"
    assert report.kind == "meeting"
    assert report.problems == []
    assert len(report.rows) == 10
    assert report.meeting.meeting_id == "81234567890"
    assert report.meeting.topic == "Bimtek Strategi Komunikasi Media Sosial - Sesi 1"
    assert (report.meeting.start, report.meeting.end) == (utc(1, 45), utc(5, 10))
    first = report.rows[0]
    assert first.line_no == 5  # the table starts on line 4, after the meeting block and a blank row
    assert first.display_name == "DISKOMINFO KEPRI_Rina Marlina, S.I.Kom."
    assert first.original_name == "Rina Marlina"
    assert first.email == "rina.marlina@kepriprov.go.id"
    assert (first.join_utc, first.leave_utc) == (utc(1, 52, 10), utc(3, 31, 45))
    assert first.duration_min == 100
    assert first.guest is False
    assert first.registrant_id is None
    assert report.rows[-1].line_no == 14


def test_meeting_block_sample_guests_have_no_email():
    report = parse_zoom_report(MEETING_BLOCK, WIB)

    guests = [(r.display_name, r.email) for r in report.rows if r.guest]
    assert guests == [("Budi Santoso", None), ("Budi Santoso", None), ("iPhone Andi", None)]


def test_plain_sample_ignores_newer_columns():
    report = parse_zoom_report(PLAIN, WIB)

    assert report.meeting is None
    assert report.encoding == "utf-8"
    assert report.problems == []
    assert [r.line_no for r in report.rows] == [2, 3, 4, 5, 6, 7]
    assert [r.display_name for r in report.rows][2:4] == ["KEMENKEU_Ahmady Muhadjiri", "Budi Santoso"]
    assert report.rows[5].join_utc == utc(2, 0, 5)


def test_webinar_sample_keeps_attendees_only():
    report = parse_zoom_report(WEBINAR, WIB)

    assert report.kind == "webinar"
    assert report.problems == []
    assert [(r.display_name, r.line_no) for r in report.rows] == [
        ("Rina Marlina", 10),
        ("Rina Marlina", 11),
        ("Yohanes Tanoto", 12),
    ]
    assert "humas@kominfo.go.id" not in {r.email for r in report.rows}  # the host is not an attendee
    assert report.no_shows == 1  # Agus Salim, "--" in every time column
    assert report.rows[2].duration_min == 179
    assert report.meeting.meeting_id == "84511112222"
    assert report.meeting.topic == "Bimtek Strategi Komunikasi Media Sosial"
    assert (report.meeting.start, report.meeting.end) == (utc(1, 58, 31), utc(5, 8, 31))


def test_rejoin_with_overlap_is_not_counted_twice():
    by_person = intervals_by_email(parse_zoom_report(MEETING_BLOCK, WIB))

    ni_luh = by_person["niluh.ayu@baliprov.go.id"]
    assert sum(r.duration_min for r in parse_zoom_report(MEETING_BLOCK, WIB).rows[-2:]) == 182
    assert merge_intervals(ni_luh) == [(utc(2, 2), utc(4, 59))]
    assert total_minutes(ni_luh) == 177  # 09.02-11.59, the 5 overlapping minutes once


@pytest.mark.parametrize(
    ("person", "minutes"),
    [
        # 09.00-10.31:45 and 10.33:02-12.00 inside the session; time before 09.00 and after 12.00 dropped
        ("rina.marlina@kepriprov.go.id", 91.75 + 86 + 58 / 60),
        ("ahmady.m@kemenkeu.go.id", 180),
        ("Budi Santoso", 29 + 49 / 60 + 136 + 42 / 60),
        ("siti.nurhaliza@natunakab.go.id", 4 + 55 / 60),
        ("yohanes.t@batam.go.id", 180),
        ("niluh.ayu@baliprov.go.id", 177),
        ("iPhone Andi", 160),
    ],
)
def test_sample_minutes_clipped_to_session_window(person, minutes):
    by_person = intervals_by_email(parse_zoom_report(MEETING_BLOCK, WIB))

    assert minutes_in_window(by_person[person], SESSION_START, SESSION_END) == pytest.approx(minutes)


# --- timestamps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/25/2022 09:03:10 AM", utc(2, 3, 10)),
        ("08/25/2022 12:03:10 PM", utc(5, 3, 10)),
        ("08/25/2022 01:03:10 PM", utc(6, 3, 10)),
        ("08/25/2022 12:03:10 AM", utc(17, 3, 10, day=24)),  # midnight hour, the previous day in UTC
        ("08/25/2022 09:03:10 am", utc(2, 3, 10)),
        ("08/25/2022 13:03:10", utc(6, 3, 10)),  # 24-hour, as a spreadsheet re-saves it
        ("8/25/2022 9:03 AM", utc(2, 3)),
        ("8/25/2022 9:03", utc(2, 3)),
        ("08/25/22 09:03:10 AM", utc(2, 3, 10)),
        ("2022-08-25 09:03:10", utc(2, 3, 10)),
        ("2022-08-25T09:03:10", utc(2, 3, 10)),
        ("2022-08-25T02:03:10Z", utc(2, 3, 10)),  # an explicit zone wins over the event's
        ("2022-08-25 10:03:10+08:00", utc(2, 3, 10)),
        ("25/08/2022 09:03", utc(2, 3)),  # day first, unambiguous because 25 > 12
        ("25/08/2022 09.03.10", utc(2, 3, 10)),  # Indonesian locale time separator
        ("  08/25/2022 09:03:10 AM ", utc(2, 3, 10)),
    ],
)
def test_time_formats(text, expected):
    report = one_row(text, leave="08/25/2022 23:00:00")

    assert report.problems == []
    assert report.rows[0].join_utc == expected
    assert report.rows[0].join_utc.tzinfo is UTC


@pytest.mark.parametrize(
    ("tz", "expected"),
    [("Asia/Jakarta", utc(2, 3, 10)), ("Asia/Makassar", utc(1, 3, 10)), ("Asia/Jayapura", utc(0, 3, 10))],
)
def test_local_times_follow_the_given_zone(tz, expected):
    assert one_row("08/25/2022 09:03:10 AM", tz=tz).rows[0].join_utc == expected


def test_day_first_file_is_detected_as_a_whole():
    # 25/08 proves the file is day-first, so 05/08 is 5 August, not 8 May.
    data = (
        f"{HEADER}\n"
        "A,a@x.id,25/08/2022 09:00,25/08/2022 10:00,60,No\n"
        "B,b@x.id,05/08/2022 09:00,05/08/2022 10:00,60,No\n"
    )
    report = parse_zoom_report(data.encode(), WIB)

    assert [r.join_utc for r in report.rows] == [utc(2, 0), utc(2, 0, day=5)]


def test_month_first_stays_default_when_ambiguous():
    report = one_row("05/08/2022 09:00:00 AM", leave="05/08/2022 10:00:00 AM")

    assert report.rows[0].join_utc == utc(2, 0, day=8, month=5)


@pytest.mark.parametrize(
    ("join", "leave", "column", "message"),
    [
        (
            "kemarin",
            "08/25/2022 10:00:00 AM",
            "Join Time",
            "Baris 3, kolom Join Time: waktu tidak dapat dibaca",
        ),
        ("08/25/2022 25:00:00", "08/25/2022 10:00:00 AM", "Join Time", "waktu tidak dapat dibaca"),
        ("08/25/2022 13:00:00 PM", "08/25/2022 10:00:00 PM", "Join Time", "waktu tidak dapat dibaca"),
        ("08/25/2022 09:61:00 AM", "08/25/2022 10:00:00 AM", "Join Time", "waktu tidak dapat dibaca"),
        ("02/30/2022 09:00:00 AM", "08/25/2022 10:00:00 AM", "Join Time", "waktu tidak dapat dibaca"),
        ("08/25/2022", "08/25/2022 10:00:00 AM", "Join Time", "waktu tidak dapat dibaca"),
        ("08/25/2022 09:00:00 AM", "", "Leave Time", "Baris 3, kolom Leave Time: waktu kosong"),
        ("08/25/2022 10:00:00 AM", "08/25/2022 09:00:00 AM", "Leave Time", "lebih awal dari waktu bergabung"),
    ],
)
def test_unreadable_time_becomes_a_problem_naming_row_and_column(join, leave, column, message):
    data = (
        f"{HEADER}\n"
        "Rina,rina@x.go.id,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,No\n"
        f"Budi,budi@x.go.id,{join},{leave},60,No\n"
        "Siti,siti@x.go.id,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,No\n"
    )
    report = parse_zoom_report(data.encode(), WIB)

    assert [r.display_name for r in report.rows] == ["Rina", "Siti"]  # the other rows survive
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.line_no, problem.column) == (3, column)
    assert message in problem.message_id
    assert problem.message_id.startswith(f"Baris 3, kolom {column}: ")


def test_both_times_broken_gives_two_problems():
    report = one_row("??", leave="??")

    assert report.rows == []
    assert [(p.column, p.code) for p in report.problems] == [
        ("Join Time", "time_unreadable"),
        ("Leave Time", "time_unreadable"),
    ]


# --- encodings and layouts ------------------------------------------------------------------------------


def test_bom_and_crlf():
    data = f"\ufeff{HEADER}\r\nBudi,budi@x.go.id,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,No\r\n"
    report = parse_zoom_report(data.encode("utf-8"), WIB)

    assert report.encoding == "utf-8-sig"
    assert report.rows[0].display_name == "Budi"
    assert report.rows[0].duration_min == 60


def test_semicolon_export_from_indonesian_excel():
    data = (
        "Name (Original Name);User Email;Join Time;Leave Time;Duration (Minutes);Guest\r\n"
        '"Santoso, Budi; S.Kom";BUDI@X.GO.ID;25/08/2022 09:00;25/08/2022 10:30;90;Tidak\r\n'
        "Siti;;25/08/2022 09:15;25/08/2022 10:30;75;Ya\r\n"
    )
    report = parse_zoom_report(data.encode("utf-8"), WIB)

    assert report.delimiter == ";"
    assert report.problems == []
    assert [(r.display_name, r.email, r.guest) for r in report.rows] == [
        ("Santoso, Budi; S.Kom", "budi@x.go.id", False),
        ("Siti", None, True),
    ]
    assert report.rows[1].join_utc == utc(2, 15)


def test_cp1252_file_resaved_by_a_spreadsheet():
    data = f"{HEADER}\r\nJosé Müller – Dinas,jose@x.go.id,08/25/2022 09:00:00,08/25/2022 10:00:00,60,No\r\n"
    report = parse_zoom_report(data.encode("cp1252"), WIB)

    assert report.encoding == "cp1252"
    assert report.rows[0].display_name == "José Müller – Dinas"


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    data = HEADER.encode() + b"\nAn\x81dre,a@x.go.id,08/25/2022 09:00:00,08/25/2022 10:00:00,60,No\n"
    report = parse_zoom_report(data, WIB)

    assert report.encoding == "latin-1"
    assert report.rows[0].display_name == "An\x81dre"


def test_utf16_tab_separated_unicode_text_export():
    row = "Budi\tb@x.id\t08/25/2022 09:00:00 AM\t08/25/2022 10:00:00 AM\t60\tNo"
    data = HEADER.replace(",", "\t") + "\r\n" + row + "\r\n"
    report = parse_zoom_report(data.encode("utf-16"), WIB)

    assert report.delimiter == "\t"
    assert report.rows[0].join_utc == utc(2, 0)


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Thị Minh Khai", "Łukasz Żółw", "Ni Luh Putu Ayu Lestari 🙂", "黄丽", "Σοφία", "Renée O'Brien"],
)
def test_unicode_names_survive_and_come_out_nfc(name):
    decomposed = unicodedata.normalize("NFD", name)
    data = f'{HEADER}\n"{decomposed}",,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,Yes\n'
    report = parse_zoom_report(data.encode("utf-8"), WIB)

    assert report.rows[0].display_name == name
    assert report.rows[0].email is None


def test_columns_are_found_by_name_not_position():
    data = (
        "Department,Join Time,Guest,Leave Time,Registrant ID,User Email,Name (Original Name),Extra\n"
        "Humas,08/25/2022 09:00:00 AM,No,08/25/2022 09:45:30 AM,reg-abc,Budi@X.go.id,Budi (budi),x\n"
    )
    row = parse_zoom_report(data.encode(), WIB).rows[0]

    assert (row.display_name, row.original_name, row.email) == ("Budi", "budi", "budi@x.go.id")
    assert row.registrant_id == "reg-abc"
    assert row.duration_min == 46  # no duration column: computed, rounded up like Zoom does


def test_name_with_nested_parentheses_splits_at_the_last_group():
    name = '"Budi (Batam) (Budi Santoso (Kepri))"'
    data = f"{HEADER}\n{name},,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,Yes\n"
    row = parse_zoom_report(data.encode(), WIB).rows[0]

    assert (row.display_name, row.original_name) == ("Budi (Batam)", "Budi Santoso (Kepri)")


def test_quoted_name_across_lines_keeps_physical_line_numbers():
    data = (
        f'{HEADER}\n"Budi\nSantoso",,08/25/2022 09:00:00 AM,08/25/2022 10:00:00 AM,60,Yes\n'
        "Siti,,08/25/2022 09:00:00 AM,,60,Yes\n"
    )
    report = parse_zoom_report(data.encode(), WIB)

    assert report.rows[0].display_name == "Budi Santoso"
    assert report.problems[0].line_no == 4


def test_header_only_report_is_empty_not_an_error():
    report = parse_zoom_report(f"{HEADER}\n".encode(), WIB)

    assert (report.rows, report.problems) == ([], [])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty"),
        (b",,,\n;;;\n", "empty"),
        (b"nama,email\nBudi,b@x.id\n", "not_zoom_report"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not_zoom_report"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet_file"),
        (
            b"Name (Original Name),User Email,Join Time,Duration (Minutes)\nBudi,,08/25/2022 09:00:00 AM,5\n",
            "missing_columns",
        ),
    ],
)
def test_unreadable_files_raise_with_a_code(data, code):
    with pytest.raises(ZoomCsvError) as info:
        parse_zoom_report(data, WIB)

    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert str(info.value)  # an Indonesian message for the web layer


def test_missing_columns_message_names_the_column():
    data = b"Name (Original Name),User Email,Join Time\nBudi,,08/25/2022 09:00:00 AM\n"
    with pytest.raises(ZoomCsvError, match="Leave Time"):
        parse_zoom_report(data, WIB)


def test_unknown_time_zone_is_rejected():
    with pytest.raises(ZoomCsvError) as info:
        parse_zoom_report(PLAIN, "Asia/Atlantis")
    assert info.value.code == "bad_timezone"


def test_ten_thousand_rows_parse_without_problems():
    lines = [HEADER]
    for i in range(10_000):
        minute = i % 60
        lines.append(
            f"P{i},p{i}@x.id,08/25/2022 09:{minute:02d}:{i % 60:02d} AM,08/25/2022 11:{minute:02d}:00 AM,120,No"
        )
    report = parse_zoom_report("\r\n".join(lines).encode(), WIB)

    assert len(report.rows) == 10_000
    assert report.rows[-1].line_no == 10_001
    assert report.rows[-1].join_utc == utc(2, 39, 39)


def test_file_fingerprint_identifies_identical_uploads():
    assert file_fingerprint(PLAIN) == file_fingerprint(bytes(PLAIN))
    assert file_fingerprint(PLAIN) != file_fingerprint(PLAIN + b"\n")
    assert len(file_fingerprint(b"")) == 64
    assert file_fingerprint(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
