"""Evaluation results arithmetic, without an app: rows per target, merged means, the overall figure."""

from __future__ import annotations

import ast
from pathlib import Path

from bimtek.evaluation import aggregate
from bimtek.evaluation.aggregate import Question, SpeakerSlot

QUESTIONS = [
    Question(1, "Pelayanan panitia", "organisasi", "event"),
    Question(2, "Manfaat kegiatan", "umum", "event"),
    Question(3, "Materi relevan", "materi", "session"),
    Question(4, "Penguasaan materi", "narasumber", "speaker"),
    Question(5, "Cara penyampaian", "narasumber", "speaker"),
]
SESSIONS = [(10, "Strategi Komunikasi"), (11, "Evaluasi Kinerja")]
SLOTS = [SpeakerSlot(10, "Strategi Komunikasi", 100, "Dr. Rina Hapsari", "Kemenkeu")]
LABELS = {(10, None): ("Strategi Komunikasi", ""), (11, None): ("Evaluasi Kinerja", ""),
          (10, 100): ("Dr. Rina Hapsari", "Strategi Komunikasi")}  # fmt: skip
COUNTS = {
    (1, None, None): {5: 2, 4: 1},
    (2, None, None): {3: 1, 5: 1},
    (3, 10, None): {4: 4},
    (4, 10, 100): {5: 3},
    (5, 10, 100): {3: 1, 4: 2},
}


def test_rows_for_every_question_and_target_with_means_and_distribution():
    out = aggregate.aggregate(QUESTIONS, COUNTS, SESSIONS, SLOTS, LABELS)
    assert [(r["question_id"], r["session_id"], r["speaker_id"]) for r in out["scores"]] == [
        (1, None, None), (2, None, None), (3, 10, None), (3, 11, None), (4, 10, 100), (5, 10, 100)]  # fmt: skip
    assert out["general"] == out["scores"][:2]
    first = out["scores"][0]
    assert (first["count"], first["mean"], first["percent_good"], first["distribution"]) == (
        3,
        4.67,
        100.0,
        [0, 0, 0, 1, 2],
    )
    assert (
        out["scores"][3]["count"] == 0
        and out["scores"][3]["mean"] is None
        and out["scores"][3]["target"] == "Evaluasi Kinerja"
    )


def test_sessions_speakers_and_overall_merge_their_answers():
    out = aggregate.aggregate(QUESTIONS, COUNTS, SESSIONS, SLOTS, LABELS)
    assert out["sessions"] == [
        {"session_id": 10, "title": "Strategi Komunikasi", "count": 4, "mean": 4.0},
        {"session_id": 11, "title": "Evaluasi Kinerja", "count": 0, "mean": None},
    ]
    (speaker,) = out["speakers"]
    assert (speaker["name"], speaker["count"], speaker["mean"]) == ("Dr. Rina Hapsari", 6, 4.33)
    assert [a["mean"] for a in speaker["aspects"]] == [5.0, 3.67]
    # Only the "umum" questions asked once make the overall figure.
    assert out["overall"] == {"count": 2, "mean": 4.0, "distribution": [0, 0, 1, 0, 1], "percent_good": 50.0}


def test_no_answers_at_all_gives_empty_figures_not_errors():
    out = aggregate.aggregate(QUESTIONS, {}, SESSIONS, SLOTS, LABELS)
    assert out["overall"]["count"] == 0 and out["overall"]["mean"] is None
    assert all(r["mean"] is None for r in out["scores"])


def test_aggregate_is_pure():
    """No Flask, no database: only the pure scoring module of its own feature."""
    tree = ast.parse(Path(aggregate.__file__).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {n for n in imported if n.split(".")[0] in ("flask", "sqlalchemy", "flask_babel")}
    assert {n for n in imported if n.startswith("bimtek")} == {"bimtek.evaluation"}  # i.e. scoring
