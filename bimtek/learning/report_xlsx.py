"""The pre/post-test report as an XLSX workbook: participants, gain per group, item analysis, distribution.

Pure module (openpyxl and the standard library): the report's plain values and the translated texts in,
bytes out. Every text cell goes through `safe_cell`, so a name like "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from bimtek.core.spreadsheet import safe_cell

__all__ = ["build"]


def _sheet(wb, title: str, header: list, rows) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])


def build(data: dict, text: dict) -> bytes:
    """The workbook's bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = text["sheets"]
    yes, no = text["yes"], text["no"]
    _sheet(wb, sheets[0], text["participants"], (
        [r["code"], r["name"], text["institution"].get(r["institution_type"], ""), r["institution"], r["pre"], r["post"],
         r["gain"], r["normalised_gain"], "" if r["passed"] is None else (yes if r["passed"] else no), r["predikat"] or ""]
        for r in data["rows"]
    ))  # fmt: skip
    _sheet(wb, sheets[1], text["groups"], (
        [text["institution"].get(k, k), v["n"], v["pre"], v["post"], v["gain"], v["normalised_gain"]]
        for k, v in data["by_type"].items()
    ))  # fmt: skip
    _sheet(wb, sheets[2], text["groups"], (
        [k, v["n"], v["pre"], v["post"], v["gain"], v["normalised_gain"]] for k, v in data["by_province"].items()
    ))  # fmt: skip
    _sheet(wb, sheets[3], text["items"], (
        [text["tests"][kind], n, i["text"], text["kind"].get(i["kind"], ""), i["answered"], i["difficulty"],
         i["discrimination"], text["flag"].get(i["flag"], "")]
        for kind in ("pre", "post") for n, i in enumerate(data["items"][kind], start=1)
    ))  # fmt: skip
    bands = [f"{10 * i}–{10 * i + 9 if i < 9 else 100}" for i in range(10)]
    _sheet(wb, sheets[4], text["distribution"], (
        [band, pre, post]
        for band, pre, post in zip(bands, data["distribution"]["pre"], data["distribution"]["post"], strict=True)
    ))  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
