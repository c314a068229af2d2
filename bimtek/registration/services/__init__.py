"""Registration rules, one module per task, shared by the pages, the JSON API, imports, walk-ins and the CLI.

- register.py      the one door in (`register`, `register_many`), per-channel policy in ../channels.py
- seats.py         the one seat allocator (`take_seats`), a conditional UPDATE
- status.py        the one status door (`transition`) with its allowed-transitions table
- validation.py    what a participant typed, every field at once
- changes.py       name fixes, new tickets, staff corrections
- questions.py     the organizer's extra form questions
- search.py        the participant list's search; search_index.py keeps its word table
- imports.py, export.py   spreadsheets in and out
- data_rights.py   UU PDP: a copy of my data, deletion requests

Services flush and never commit; they raise `bimtek.errors.DomainError` subclasses. The names below are
the package's public surface.
"""

from bimtek.registration.services.changes import (
    STAFF_EDITABLE,
    reissue_ticket,
    staff_update,
    ticket_text,
    update_name,
)
from bimtek.registration.services.data_rights import close_data_request, my_data, request_deletion
from bimtek.registration.services.questions import add_question, copy_questions, delete_question, event_questions
from bimtek.registration.services.register import (
    CONSENT_VERSION,
    DUPLICATE,
    MODE_FULL,
    check_open,
    create_registration,
    find_duplicate,
    find_registered,
    new_ticket_id,
    register,
    register_many,
    registrations_by_email,
)
from bimtek.registration.services.search import (
    COUNT_CAP,
    SEARCH_FIELDS,
    _name_order,
    counts,
    find_participants,
    search,
    search_conditions,
    search_page,
)
from bimtek.registration.services.seats import release_seat, take_seat, take_seats
from bimtek.registration.services.status import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Outcome,
    action_for_target,
    approve,
    cancel_registration,
    lock,
    promote,
    promote_waitlist,
    reject,
    seat_is_held,
    switch_mode,
    transition,
)
from bimtek.registration.services.validation import (
    PARTICIPANT_FIELDS,
    STORED_FILE,
    RegistrationInput,
    clean_answers,
    validate_participant,
)

__all__ = [
    "ACTIVE_STATUSES", "CONSENT_VERSION", "COUNT_CAP", "DUPLICATE", "MODE_FULL", "PARTICIPANT_FIELDS",
    "SEARCH_FIELDS", "STAFF_EDITABLE", "STORED_FILE", "TRANSITIONS", "Outcome", "RegistrationInput",
    "_name_order", "action_for_target", "add_question", "copy_questions", "approve", "cancel_registration", "check_open",
    "clean_answers", "close_data_request", "counts", "create_registration", "delete_question", "event_questions",
    "find_duplicate", "find_participants", "find_registered", "lock", "my_data", "new_ticket_id", "promote",
    "promote_waitlist", "register", "register_many", "registrations_by_email", "reissue_ticket", "reject", "release_seat",
    "request_deletion", "search", "search_conditions", "search_page", "seat_is_held", "staff_update", "switch_mode", "take_seat", "take_seats",
    "ticket_text", "transition", "update_name", "validate_participant",
]  # fmt: skip
