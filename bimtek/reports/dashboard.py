"""The dashboard's charts: the report's figures drawn as inline SVG, labelled in the reader's language."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from bimtek.evaluation.queries import display_text
from bimtek.i18n import _locale, format_number
from bimtek.reports import charts


def _svg(text: str) -> Markup:
    """Mark a chart as safe HTML: charts.py escapes every text it draws."""
    return Markup(text)  # noqa: S704


def _fmt(value: float) -> str:
    return format_number(round(value, 1) if isinstance(value, float) and not float(value).is_integer() else int(value))


def _score_fmt(value: float) -> str:
    return format_number(round(value, 2))


def day_label(iso: str, weekly: bool = False) -> str:
    """ "25 Agu" for a day, "mg 22 Agu" for a week starting that day."""
    text = format_date(date.fromisoformat(iso), "d MMM", locale=_locale())
    return (_("mg") + " " + text) if weekly else text


def build(report: dict) -> dict[str, Markup]:
    """Every chart of the dashboard, keyed by name."""
    regs = report["registrations"]
    out: dict[str, Markup] = {}
    if regs["over_time"]:
        weekly = regs["over_time"][0]["weekly"]
        out["over_time"] = _svg(charts.column_chart(
            [(day_label(p["date"], weekly), p["count"]) for p in regs["over_time"]],
            line=[p["cumulative"] for p in regs["over_time"]],
            line_label=_("kumulatif"),
            chart_id="chart-over-time",
            title=_("Pendaftaran per minggu") if weekly else _("Pendaftaran per hari"),
            desc=_("%(n)s pendaftaran dari %(a)s sampai %(b)s; puncak %(peak)s pada %(day)s.",
                   n=_fmt(regs["total"]), a=day_label(regs["over_time"][0]["date"]),
                   b=day_label(regs["over_time"][-1]["date"]),
                   peak=_fmt(max(p["count"] for p in regs["over_time"])),
                   day=day_label(max(regs["over_time"], key=lambda p: p["count"])["date"])),
            fmt=_fmt,
        ))  # fmt: skip
    kinds = [(_(str(t.get("label"))), t["count"]) for t in regs["by_institution_type"]]
    out["institution"] = _svg(charts.hbar_chart(
        kinds,
        chart_id="chart-institution", title=_("Peserta terkonfirmasi per jenis instansi"),
        desc="; ".join(f"{label}: {_fmt(count)}" for label, count in kinds),
        fmt=_fmt,
    ))  # fmt: skip
    # Only the provinces that sent participants, most first: a list of 38 mostly empty rows hides them.
    provinces = sorted((p for p in regs["by_province"] if p["count"]), key=lambda p: (-p["count"], p["name"]))
    if provinces:
        out["province"] = _svg(charts.hbar_chart(
            [(p["name"], p["count"]) for p in provinces],
            chart_id="chart-province", title=_("Peserta terkonfirmasi per provinsi asal"),
            desc=_("%(n)s dari 38 provinsi terwakili. ", n=regs["provinces_reached"]) + "; ".join(
                f'{p["name"]}: {_fmt(p["count"])}' for p in provinces),
            fmt=_fmt,
        ))  # fmt: skip
    modes = regs["by_mode"]
    out["mode"] = _svg(charts.stacked_bar(
        [(_("Luring"), modes["onsite"]["confirmed"]), (_("Daring"), modes["online"]["confirmed"])],
        chart_id="chart-mode", title=_("Peserta terkonfirmasi: luring dan daring"),
        desc=_("Luring %(a)s dari %(ca)s kursi, daring %(b)s dari %(cb)s kursi.",
               a=_fmt(modes["onsite"]["confirmed"]), ca=_fmt(modes["onsite"]["capacity"]),
               b=_fmt(modes["online"]["confirmed"]), cb=_fmt(modes["online"]["capacity"])),
        fmt=_fmt,
    ))  # fmt: skip
    status = regs["by_status"]
    out["status"] = _svg(charts.hbar_chart(
        [(_(label), status[key]) for key, label in STATUS_ORDER],
        chart_id="chart-status", title=_("Status pendaftaran"),
        desc="; ".join(f"{_(label)}: {_fmt(status[key])}" for key, label in STATUS_ORDER),
        fmt=_fmt, colors=(charts.GREEN, charts.ORANGE, charts.BLUE, charts.GREY, charts.GREY),
    ))  # fmt: skip
    ev = report["evaluation"]
    if ev["responses"]:
        out["eval_general"] = _svg(charts.score_chart(
            [(display_text(r["question"]), r["mean"], r["count"]) for r in ev["general"]],
            chart_id="chart-eval-general", title=_("Nilai rata-rata penyelenggaraan dan manfaat (skala 1–5)"),
            desc="; ".join(f'{display_text(r["question"])}: {_score_fmt(r["mean"]) if r["mean"] is not None else "-"}'
                           for r in ev["general"]), fmt=_score_fmt,
        ))  # fmt: skip
        if ev["sessions"]:
            out["eval_sessions"] = _svg(charts.score_chart(
                [(s["title"], s["mean"], s["count"]) for s in ev["sessions"]],
                chart_id="chart-eval-sessions", title=_("Nilai materi per sesi (skala 1–5)"),
                desc="; ".join(f'{s["title"]}: {_score_fmt(s["mean"]) if s["mean"] is not None else "-"}'
                               for s in ev["sessions"]), fmt=_score_fmt,
            ))  # fmt: skip
        if ev["speakers"]:
            out["eval_speakers"] = _svg(charts.score_chart(
                [(s["name"], s["mean"], s["count"]) for s in ev["speakers"]],
                chart_id="chart-eval-speakers", title=_("Nilai narasumber (rata-rata semua aspek, skala 1–5)"),
                desc="; ".join(f'{s["name"]}: {_score_fmt(s["mean"]) if s["mean"] is not None else "-"}'
                               for s in ev["speakers"]), fmt=_score_fmt,
            ))  # fmt: skip
        dist = ev["overall"]["distribution"]
        out["eval_overall"] = _svg(charts.column_chart(
            [(str(i + 1), n) for i, n in enumerate(dist)],
            chart_id="chart-eval-overall", title=_("Sebaran nilai manfaat keseluruhan"),
            desc="; ".join(_("nilai %(s)s: %(n)s orang", s=i + 1, n=n) for i, n in enumerate(dist)),
            fmt=_fmt, height=180, color=charts.GREEN,
        ))  # fmt: skip
    if report.get("online_minutes"):
        om = report["online_minutes"]
        out["minutes"] = _svg(charts.column_chart(
            [(b["label"], b["count"]) for b in om["buckets"]],
            chart_id="chart-minutes", title=_("Sebaran kehadiran daring (persentase durasi acara)"),
            desc="; ".join(f'{b["label"]}: {_fmt(b["count"])}' for b in om["buckets"]), fmt=_fmt, height=180,
        ))  # fmt: skip
    return out


STATUS_ORDER = (
    ("confirmed", "Terkonfirmasi"),
    ("waitlisted", "Daftar tunggu"),
    ("pending", "Menunggu persetujuan"),
    ("rejected", "Ditolak"),
    ("cancelled", "Dibatalkan"),
)
