"""Certificate eligibility rules (bimtek.attendance.eligibility)."""

from datetime import UTC, datetime

import pytest

from bimtek.attendance.eligibility import (
    ParticipantAttendance,
    Rule,
    SessionInfo,
    evaluate,
    format_number,
    session_jp,
)


def t(hhmm):
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(2022, 8, 25, hour, minute, tzinfo=UTC)


# Three sessions on 25 August 2022 (UTC): 90, 90 and 60 minutes, worth 2, 2 and 1 JP.
SESSIONS = [
    SessionInfo(1, "Pembukaan dan Materi 1", t("02:00"), t("03:30"), 2),
    SessionInfo(2, "Materi 2", t("03:30"), t("05:00"), 2),
    SessionInfo(3, "Evaluasi Kinerja", t("06:00"), t("07:00"), 1),
]


def make_attendance(**overrides):
    values = {
        "registration_id": 7,
        "intervals_by_session": {},
        "presensi_windows_by_session": {},
        "venue_present_sessions": set(),
        "evaluation_done": True,
    }
    values.update(overrides)
    return ParticipantAttendance(**values)


def stay(start, end):
    return [(t(start), t(end))]


FULL = {1: stay("02:00", "03:30"), 2: stay("03:30", "05:00"), 3: stay("06:00", "07:00")}


def test_full_attendance_under_strict_rule():
    rule = Rule(min_session_percent=70, require_presensi_windows=False, require_evaluation=True)
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=FULL))

    assert verdict.eligible
    assert verdict.reasons == []
    assert verdict.attended_sessions == [1, 2, 3]
    assert verdict.total_jp == 5
    assert verdict.per_session[2].percent == pytest.approx(100)


def test_short_session_reason_in_indonesian():
    rule = Rule(min_session_percent=70)
    intervals = {**FULL, 2: stay("03:30", "04:08")}  # 38 of 90 minutes
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert not verdict.eligible
    assert [(r.code, r.message_id, r.session_id) for r in verdict.reasons] == [
        ("session_short", "Sesi 2: 38 dari 90 menit (42%), minimal 70%", 2)
    ]
    assert verdict.attended_sessions == [1, 3]
    assert verdict.total_jp == 3
    assert verdict.per_session[2].minutes == pytest.approx(38)


def test_shown_percent_is_rounded_down_so_it_never_looks_like_a_pass():
    rule = Rule(min_session_percent=70)
    # 62 min 50 s of 90 = 69.8%
    intervals = {**FULL, 1: [(t("02:00"), datetime(2022, 8, 25, 3, 2, 50, tzinfo=UTC))]}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.reasons[0].message_id == "Sesi 1: 62 dari 90 menit (69%), minimal 70%"


def test_exact_threshold_passes():
    rule = Rule(min_session_percent=70)
    intervals = {**FULL, 1: stay("02:00", "03:03")}  # 63 of 90 = exactly 70%
    assert evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals)).eligible


def test_decimal_threshold_uses_decimal_comma():
    rule = Rule(min_session_percent=66.5)
    intervals = {**FULL, 3: stay("06:00", "06:30")}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.reasons[0].message_id == "Sesi 3: 30 dari 60 menit (50%), minimal 66,5%"


def test_rejoins_inside_a_session_are_merged_before_the_percent():
    rule = Rule(min_session_percent=70)
    # 02:00-02:40 and 02:30-03:10: 70 minutes, not 80; 77.8% passes either way, so check the figure.
    intervals = {**FULL, 1: stay("02:00", "02:40") + stay("02:30", "03:10")}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.per_session[1].minutes == pytest.approx(70)
    assert verdict.eligible


def test_time_outside_the_session_does_not_count():
    rule = Rule(min_session_percent=70)
    # Joined an hour early and left 30 minutes into session 1.
    intervals = {**FULL, 1: stay("01:00", "02:30")}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.per_session[1].minutes == pytest.approx(30)
    assert verdict.reasons[0].message_id == "Sesi 1: 30 dari 90 menit (33%), minimal 70%"


def test_venue_check_in_counts_as_the_whole_session():
    rule = Rule(min_session_percent=100, require_presensi_windows=True)
    verdict = evaluate(rule, SESSIONS, make_attendance(venue_present_sessions={1, 2, 3}))

    assert verdict.eligible
    assert verdict.per_session[1].venue
    assert verdict.per_session[1].minutes == 90


def test_hybrid_participant_venue_morning_zoom_afternoon():
    rule = Rule(min_session_percent=70)
    verdict = evaluate(
        rule,
        SESSIONS,
        make_attendance(venue_present_sessions={1, 2}, intervals_by_session={3: stay("06:00", "06:50")}),
    )

    assert verdict.eligible
    assert verdict.total_jp == 5


@pytest.mark.parametrize(
    ("attended_ids", "min_sessions", "eligible", "first_message"),
    [
        ({1, 2, 3}, 2, True, None),
        ({1, 3}, 2, True, None),
        ({3}, 2, False, "Hadir 1 dari 3 sesi, minimal 2 sesi"),
        (set(), 1, False, "Hadir 0 dari 3 sesi, minimal 1 sesi"),
        ({1, 2}, 5, False, "Hadir 2 dari 3 sesi, minimal 3 sesi"),  # more than exist means all
    ],
)
def test_min_sessions(attended_ids, min_sessions, eligible, first_message):
    rule = Rule(min_session_percent=70, min_sessions=min_sessions)
    intervals = {sid: FULL[sid] for sid in attended_ids}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.eligible is eligible
    if first_message:
        assert verdict.reasons[0].code == "min_sessions"
        assert verdict.reasons[0].message_id == first_message
        # the sessions that fell short are listed after it
        assert {r.session_id for r in verdict.reasons[1:]} == {1, 2, 3} - attended_ids


def test_without_percent_rule_any_presence_attends():
    rule = Rule(min_sessions=3)
    intervals = {1: stay("02:00", "02:05"), 2: stay("04:59", "05:00"), 3: stay("06:30", "06:31")}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert verdict.eligible
    assert verdict.total_jp == 5


def test_without_percent_rule_absent_session_is_named():
    rule = Rule(min_sessions=3)
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session={1: FULL[1], 3: FULL[3]}))

    assert [(r.code, r.message_id) for r in verdict.reasons] == [
        ("min_sessions", "Hadir 2 dari 3 sesi, minimal 3 sesi"),
        ("session_absent", "Sesi 2: tidak hadir"),
    ]


@pytest.mark.parametrize(
    ("windows", "messages"),
    [
        ({1: {"start", "end"}, 2: {"start", "end"}, 3: {"start", "end"}}, []),
        (
            {1: {"start", "end"}, 2: {"start"}, 3: {"start", "end"}},
            ["Sesi 2: presensi akhir belum diisi"],
        ),
        (
            {1: {"start", "end"}, 2: {"start", "end"}},
            ["Sesi 3: presensi awal dan akhir belum diisi"],
        ),
    ],
)
def test_presensi_windows(windows, messages):
    rule = Rule(min_session_percent=70, require_presensi_windows=True)
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=FULL, presensi_windows_by_session=windows))

    assert [r.message_id for r in verdict.reasons] == messages
    assert verdict.eligible is (messages == [])


def test_presensi_forms_alone_count_as_presence_without_percent_rule():
    # Live-stream viewers never appear in Zoom reports; their forms are the record.
    rule = Rule(require_presensi_windows=True)
    windows = {1: {"start", "end"}, 2: {"start", "end"}, 3: {"start", "end"}}
    verdict = evaluate(rule, SESSIONS, make_attendance(presensi_windows_by_session=windows))

    assert verdict.eligible
    assert verdict.attended_sessions == [1, 2, 3]


@pytest.mark.parametrize(
    ("min_total_jp", "attended_ids", "message"),
    [
        (4, {1, 2}, None),
        (4, {1, 3}, "Total 3 JP, minimal 4 JP"),
        (4.5, {1, 2}, "Total 4 JP, minimal 4,5 JP"),
    ],
)
def test_min_total_jp(min_total_jp, attended_ids, message):
    rule = Rule(min_total_jp=min_total_jp)
    intervals = {sid: FULL[sid] for sid in attended_ids}
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=intervals))

    assert [r.message_id for r in verdict.reasons] == ([message] if message else [])


def test_evaluation_required():
    rule = Rule(require_evaluation=True)
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=FULL, evaluation_done=False))

    assert not verdict.eligible
    assert [(r.code, r.message_id) for r in verdict.reasons] == [
        ("evaluation_missing", "Evaluasi kegiatan belum diisi")
    ]


def test_nobody_is_eligible_with_no_presence_at_all():
    verdict = evaluate(Rule(), SESSIONS, make_attendance())

    assert not verdict.eligible
    assert verdict.reasons[0].code == "no_attendance"


def test_several_failures_are_all_reported():
    rule = Rule(min_session_percent=70, min_total_jp=5, require_evaluation=True)
    verdict = evaluate(rule, SESSIONS, make_attendance(intervals_by_session={1: FULL[1]}, evaluation_done=False))

    assert [r.code for r in verdict.reasons] == [
        "session_short",
        "session_short",
        "min_total_jp",
        "evaluation_missing",
    ]


def test_sessions_are_numbered_by_start_time_not_list_order():
    rule = Rule(min_session_percent=70)
    verdict = evaluate(rule, list(reversed(SESSIONS)), make_attendance(intervals_by_session={1: FULL[1]}))

    assert [r.message_id.split(":")[0] for r in verdict.reasons] == ["Sesi 2", "Sesi 3"]


@pytest.mark.parametrize(
    ("session", "jp_minutes", "jp"),
    [
        (SessionInfo(9, "x", t("02:00"), t("03:30"), None), 45, 2),
        (SessionInfo(9, "x", t("02:00"), t("03:00"), None), 45, 1.33),
        (SessionInfo(9, "x", t("02:00"), t("03:00"), None), 60, 1),
        (SessionInfo(9, "x", t("02:00"), t("03:00"), 3), 45, 3),
    ],
)
def test_session_jp(session, jp_minutes, jp):
    assert session_jp(session, Rule(jp_minutes=jp_minutes)) == jp


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(70, 1, "70"), (66.5, 1, "66,5"), (1234567.5, 1, "1.234.567,5"), (4.25, 2, "4,25"), (0, 0, "0")],
)
def test_format_number_indonesian(value, decimals, text):
    assert format_number(value, decimals) == text


def test_post_test_pass_required():
    rule = Rule(require_post_test_pass=True)
    failed = evaluate(rule, SESSIONS, make_attendance(intervals_by_session=FULL, post_test_passed=False))
    assert [(r.code, r.message_id) for r in failed.reasons] == [("post_test_not_passed", "Belum lulus post-test")]
    assert evaluate(rule, SESSIONS, make_attendance(intervals_by_session=FULL, post_test_passed=True)).eligible
    assert evaluate(Rule(), SESSIONS, make_attendance(intervals_by_session=FULL)).eligible
