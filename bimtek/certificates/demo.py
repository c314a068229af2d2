"""Demo certificates: the finished Batam bimtek gets its signatory and its certificates issued."""

from __future__ import annotations

from bimtek.certificates.services.holders import participant_holders, speaker_holders
from bimtek.certificates.services.issuing import issue_batch, issue_context
from bimtek.certificates.services.settings import update_settings


def seed(ctx: dict) -> None:
    """Configure the Batam event's certificates and issue them for everyone who qualifies and the speakers.

    Until the attendance feature stores verdicts, "qualifies" falls back to confirmed registrations.
    """
    event, user = ctx["finished"], ctx["users"]["organizer"]
    update_settings(
        event,
        {
            "signatory_name": "Dr. Hasyim Gautama, M.Si.",
            "signatory_nip": "196608011988031001",
            "signatory_title": "Direktur Tata Kelola dan Kemitraan Komunikasi Publik",
            "issue_place": "Batam",
        },
        user=user,
    )
    run = issue_context(event, user=user)
    holders = participant_holders(event) + speaker_holders(event)
    issue_batch(run, holders, actor="demo")
    upcoming = ctx["upcoming"]
    update_settings(
        upcoming,
        {"signatory_name": "Dr. Hasyim Gautama, M.Si.", "signatory_nip": "196608011988031001",
         "signatory_title": "Direktur Tata Kelola dan Kemitraan Komunikasi Publik"},
        user=user,
    )  # fmt: skip
