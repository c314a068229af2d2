"""Where a registration comes from, and what each door asks of it: one policy table, no scattered ifs.

Every door (the public form, the JSON API, the organizer's "add participant", a spreadsheet import and a
walk-in at the check-in desk) goes through `services.register`; the differences between them are the rows
of CHANNELS below, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHANNELS", "ChannelPolicy", "policy"]


@dataclass(frozen=True)
class ChannelPolicy:
    """What one door requires of a registration.

    window:    refused outside the event's registration window (`Event.registration_open`).
    consent:   the participant must accept the data notice; the consent is recorded.
    approval:  honours `Event.approval_required` (the registration waits as "pending", no seat taken).
    when_full: what happens when the mode has no seat: "waitlist" (always), "ask" (only if the person
               agreed to wait, else refused) or "refuse" (nothing is kept: the caller rolls back).
    questions: the organizer's extra form questions are asked (and validated).
    held:      the caller already holds the seat (an agency's quota, taken when it was invited): the
               registration is confirmed without taking another one.
    """

    source: str
    window: bool
    consent: bool
    approval: bool
    when_full: str
    questions: bool
    held: bool = False


CHANNELS: dict[str, ChannelPolicy] = {
    p.source: p
    for p in (
        ChannelPolicy("form", window=True, consent=True, approval=True, when_full="ask", questions=True),
        ChannelPolicy("api", window=True, consent=True, approval=True, when_full="waitlist", questions=True),
        # The organizer adding someone by hand is the approval; the person consents outside the system.
        ChannelPolicy("manual", window=False, consent=False, approval=False, when_full="ask", questions=True),
        # Invited participants from a spreadsheet: no window, no extra questions, but approval still applies.
        ChannelPolicy("import", window=False, consent=False, approval=True, when_full="waitlist", questions=False),
        # An agency's PIC nominating a person (bimtek.nominations): the agency's quota holds the seat, the
        # nomination is the agency's approval, the PIC answers for the person's consent.
        ChannelPolicy(
            "nomination", window=False, consent=False, approval=False, when_full="refuse", questions=False, held=True
        ),
        # At the door: on site, now, with a seat or not at all.
        ChannelPolicy("walkin", window=False, consent=True, approval=False, when_full="refuse", questions=False),
    )
}


def policy(channel: str) -> ChannelPolicy:
    """The policy of a channel; KeyError for an unknown one (a programming error, not bad input)."""
    return CHANNELS[channel]
