"""Evaluation results arithmetic: score rows per question and target, per session, per speaker, overall.

Pure: plain values in (questions, answer counts, the agenda), plain values out; no Flask, no database.
The invariant: every row's figures come from ``scoring.summarize`` of the counts for exactly that question
and target, and every merged figure is ``scoring.merge`` of those rows, so the same answers always give the
same table however the caller read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bimtek.evaluation import scoring

__all__ = ["Question", "SpeakerSlot", "aggregate", "round_or_none"]

# (question id, session id, speaker id) -> {score: number of answers}
Counts = Mapping[tuple[int, "int | None", "int | None"], Mapping[int, int]]


@dataclass(frozen=True)
class Question:
    """A scale question as the arithmetic needs it."""

    id: int
    text: str
    section: str
    scope: str  # event | session | speaker


@dataclass(frozen=True)
class SpeakerSlot:
    """A narasumber in a session (participants rate each slot)."""

    session_id: int
    session_title: str
    speaker_id: int
    name: str
    institution: str


def round_or_none(value: float | None, digits: int) -> float | None:
    """Round for display, keeping "nobody answered" as None."""
    return None if value is None else round(value, digits)


def _overall(summary: scoring.ScoreSummary) -> dict:
    return {
        "count": summary.count,
        "mean": round_or_none(summary.mean, 2),
        "distribution": list(summary.distribution),
        "percent_good": round_or_none(summary.percent_good, 1),
    }


def aggregate(
    questions: Sequence[Question],
    counts: Counts,
    sessions: Sequence[tuple[int, str]],
    speakers: Sequence[SpeakerSlot],
    labels: Mapping[tuple[int | None, int | None], tuple[str, str]],
) -> dict:
    """Score rows and summaries of scale questions.

    ``labels`` names a target: (session id, speaker id) -> (label, detail). Returns ``overall`` (the
    "umum" questions asked once), ``general`` (rows of questions asked once), ``scores`` (every row),
    ``sessions`` and ``speakers`` (merged means per target, speakers with their aspects).
    """

    def row(q: Question, sid: int | None, pid: int | None) -> tuple[dict, scoring.ScoreSummary]:
        summary = scoring.summarize(dict(counts.get((q.id, sid, pid), {})))
        label, sub = labels.get((sid, pid), ("", ""))
        return {
            "question_id": q.id,
            "question": q.text,
            "section": q.section,
            "scope": q.scope,
            "session_id": sid,
            "speaker_id": pid,
            "target": label,
            "target_detail": sub,
            "count": summary.count,
            "mean": round_or_none(summary.mean, 2),
            "percent_good": round_or_none(summary.percent_good, 1),
            "distribution": list(summary.distribution),
        }, summary

    once = [q for q in questions if q.scope == "event"]
    general = [row(q, None, None)[0] for q in once]
    scores = list(general)
    sessions_out = []
    for sid, title in sessions:
        per = []
        for q in questions:
            if q.scope == "session":
                r, summary = row(q, sid, None)
                scores.append(r)
                per.append(summary)
        merged = scoring.merge(per)
        sessions_out.append({"session_id": sid, "title": title, "count": merged.count,
                             "mean": round_or_none(merged.mean, 2)})  # fmt: skip
    speakers_out = []
    for slot in speakers:
        aspects, per = [], []
        for q in questions:
            if q.scope == "speaker":
                r, summary = row(q, slot.session_id, slot.speaker_id)
                scores.append(r)
                per.append(summary)
                aspects.append({"question_id": q.id, "question": q.text, "count": r["count"], "mean": r["mean"]})
        merged = scoring.merge(per)
        speakers_out.append({"speaker_id": slot.speaker_id, "name": slot.name, "institution": slot.institution,
                             "session_id": slot.session_id, "session": slot.session_title, "count": merged.count,
                             "mean": round_or_none(merged.mean, 2), "aspects": aspects})  # fmt: skip
    umum = [q for q in once if q.section == "umum"]
    overall = (
        scoring.merge([scoring.summarize(dict(counts.get((q.id, None, None), {}))) for q in umum])
        if umum
        else scoring.summarize({})
    )
    return {
        "overall": _overall(overall),
        "general": general,
        "scores": scores,
        "sessions": sessions_out,
        "speakers": speakers_out,
    }
