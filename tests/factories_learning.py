"""Factories for the pre/post-test and materials tests (through the real services)."""

from __future__ import annotations

from bimtek.extensions import db
from bimtek.learning.services import bank, setup

# Five questions: four closed (keys known to the tests), one short answer marked by hand.
QUESTIONS = [
    {"kind": "choice", "text": "Apa kepanjangan SPBE?", "options": ["Sistem Pelayanan", "Sistem Pemerintahan Berbasis Elektronik", "Standar Pemerintahan"], "correct": 1},
    {"kind": "choice", "text": "Platform mana yang paling banyak dipakai warga?", "options": ["Surat kabar", "Radio", "Media sosial", "Faksimile"], "correct": 2},
    {"kind": "truefalse", "text": "Hoaks boleh dibagikan bila sumbernya akun resmi.", "correct": False},
    {"kind": "truefalse", "text": "Verifikasi dilakukan sebelum membagikan berita.", "correct": True, "weight": 2},
    {"kind": "short", "text": "Sebutkan satu langkah verifikasi berita.", "weight": 2, "guidance": "PEDOMAN-RAHASIA cek sumber"},
]  # fmt: skip
RIGHT = {0: "1", 1: "2", 2: "false", 3: "true"}


def make_bank(event, owner, questions=QUESTIONS):
    """The question bank, in order; returns the question rows (committed)."""
    rows = [bank.add_question(event, dict(q), user=owner) for q in questions]
    db.session.commit()
    return rows


def enable_test(event, owner, kind: str = "pre", **settings):
    """Turn a test on with settings (committed)."""
    values = {"enabled": True, "time_limit_minutes": 30, "max_attempts": 1, "counting": "best", "shuffle": True,
              "pass_mark": 70, **settings}  # fmt: skip
    test = setup.update_test(event, kind, values, user=owner)
    db.session.commit()
    return test


def right_answers(questions) -> dict[str, str]:
    """{question id: the right answer} for the closed questions of make_bank's bank."""
    return {str(questions[i].id): value for i, value in RIGHT.items()}
