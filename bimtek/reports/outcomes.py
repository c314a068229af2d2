"""Learning outcomes for the report: pre/post-test figures and materials downloads, through the owners' queries.

Both sections are None when the event has no test (or no material), so the pages leave them out.
"""

from __future__ import annotations

from bimtek.core.labels import label
from bimtek.events.models import Event
from bimtek.learning import queries as learning
from bimtek.materials import queries as materials


def _groups(values: dict[str, dict], kind: str | None = None) -> list[dict]:
    """Groups by their labels in Indonesian (the report never shows a code); templates translate them."""
    return [
        {"label": label(kind, key, "id") if kind and key else key or "—", **figures} for key, figures in values.items()
    ]


def learning_section(event: Event) -> dict | None:
    """Pre/post summary, score distribution, gain per instansi type and province, item analysis; or None."""
    data = learning.report_for(event)
    summary = data["summary"]
    has_tests = bool(data["items"]["pre"] or data["items"]["post"] or summary["pre_taken"] or summary["post_taken"])
    if not has_tests:
        return None
    items = [
        {
            "test": label("test_kind", kind, "id"),
            "number": n,
            "text": item["text"],
            "answered": item["answered"],
            "difficulty": item["difficulty"],
            "discrimination": item["discrimination"],
            "flag": label("item_flag", item["flag"] or "", "id"),
        }
        for kind in ("pre", "post")
        for n, item in enumerate(data["items"][kind], start=1)
    ]
    return {
        "summary": summary,
        "distribution": data["distribution"],
        "by_type": _groups(data["by_type"], "institution_type_short"),
        "by_province": _groups(data["by_province"]),
        "items": items,
    }


def materials_section(event: Event) -> dict | None:
    """{"materials": n, "downloads": total}, or None when the event has no material."""
    totals = materials.download_totals(event.id)
    return totals if totals["materials"] else None
