"""Grouping Zoom review rows into identities (bimtek.attendance.identities), table-driven."""

from types import SimpleNamespace

import pytest

from bimtek.attendance.identities import group_rows


def row(id, session, name, email=None, minutes=90.0, candidates=(), original=None):  # noqa: A002
    key = " ".join(name.lower().split())
    return SimpleNamespace(id=id, session_id=session, display_name=name, original_name=original, email=email,
                           link_key=key, minutes=minutes, candidate_ids=list(candidates))  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # 15 rows of 5 people over 3 sessions: 5 identities.
        (
            [
                row(s * 10 + i, s, n, e)
                for s in (1, 2, 3)
                for i, (n, e) in enumerate(
                    [
                        ("Rani HP", "rani@x.id"),
                        ("Host", "host@x.id"),
                        ("iPad", None),
                        ("Galaxy", None),
                        ("Pak Yos", None),
                    ]
                )
            ],
            [[n] * 3 for n in ("Galaxy", "Host", "Pak Yos", "Rani HP", "iPad")],
        ),
        # A guest row (no email) joins the one email seen with the same name.
        ([row(1, 1, "Rani HP", "rani@x.id"), row(2, 2, "Rani HP")], [["Rani HP", "Rani HP"]]),
        # Two emails use the name: the guest row cannot tell which, so it stays on its own.
        (
            [row(1, 1, "iPhone", "a@x.id"), row(2, 2, "iPhone", "b@x.id"), row(3, 3, "iPhone")],
            [["iPhone"], ["iPhone"], ["iPhone"]],
        ),
        # The same email under two names is one person.
        ([row(1, 1, "Rani", "rani@x.id"), row(2, 2, "Rani HP", "rani@x.id")], [["Rani", "Rani HP"]]),
        # Neither name nor email: each row alone.
        ([row(1, 1, ""), row(2, 2, "")], [[""], [""]]),
    ],
    ids=["15-rows-5-people", "guest-joins-email", "ambiguous-guest", "email-two-names", "nameless"],
)
def test_rows_group_into_identities(rows, expected):
    by_id = {r.id: r.display_name for r in rows}
    assert sorted(sorted(by_id[i] for i in g.row_ids) for g in group_rows(iter(rows))) == sorted(expected)


def test_an_identity_sums_minutes_per_session_and_keeps_every_candidate_once():
    rows = [
        row(5, 1, "Rani HP", "rani@x.id", 30.5, [7]),
        row(3, 1, "Rani HP", "rani@x.id", 20.0, [7, 9], original="Rani Maharani"),
        row(8, 2, "Rani HP", None, 88.2, [9]),
    ]
    [rani] = group_rows(rows)
    assert rani.row_id == 3 and rani.key == "email:rani@x.id" and rani.email == "rani@x.id"
    assert rani.minutes_by_session == {1: 50.5, 2: 88.2} and rani.minutes == pytest.approx(138.7)
    assert rani.candidate_ids == [7, 9] and rani.names == ["Rani Maharani"] and rani.link_keys == {"rani hp"}
