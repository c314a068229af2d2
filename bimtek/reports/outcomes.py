"""Learning outcomes for the report: pre/post-test figures and materials downloads, through the owners' queries.

Both sections are None when the event has no test (or no material), so the pages leave them out.
"""

from __future__ import annotations

from bimtek.events.models import Event
from bimtek.learning import queries as learning
from bimtek.materials import queries as materials

# Institution types by their labels (the report never shows a code); same wording as the registration form.
TYPE_LABELS = {
    "pusat": "Pemerintah pusat (K/L)",
    "provinsi": "Pemerintah provinsi",
    "kabkota": "Pemerintah kabupaten/kota",
    "diskominfo": "Diskominfo",
    "lainnya": "Lainnya",
}
FLAG_LABELS = {"review": "Periksa soal: daya beda rendah", "easy": "Terlalu mudah", "hard": "Terlalu sulit", "": ""}
TEST_LABELS = {"pre": "Pre-test", "post": "Post-test"}


def _groups(values: dict[str, dict], labels: dict[str, str] | None = None) -> list[dict]:
    return [{"label": (labels or {}).get(key, key or "—"), **figures} for key, figures in values.items()]


def learning_section(event: Event) -> dict | None:
    """Pre/post summary, score distribution, gain per instansi type and province, item analysis; or None."""
    data = learning.report_for(event)
    summary = data["summary"]
    has_tests = bool(data["items"]["pre"] or data["items"]["post"] or summary["pre_taken"] or summary["post_taken"])
    if not has_tests:
        return None
    items = [
        {
            "test": TEST_LABELS[kind],
            "number": n,
            "text": item["text"],
            "answered": item["answered"],
            "difficulty": item["difficulty"],
            "discrimination": item["discrimination"],
            "flag": FLAG_LABELS.get(item["flag"], ""),
        }
        for kind in ("pre", "post")
        for n, item in enumerate(data["items"][kind], start=1)
    ]
    return {
        "summary": summary,
        "distribution": data["distribution"],
        "by_type": _groups(data["by_type"], TYPE_LABELS),
        "by_province": _groups(data["by_province"]),
        "items": items,
    }


def materials_section(event: Event) -> dict | None:
    """{"materials": n, "downloads": total}, or None when the event has no material."""
    totals = materials.download_totals(event.id)
    return totals if totals["materials"] else None
