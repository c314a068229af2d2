"""Reading the nominations forms (shape of input only; services hold the rules).

The pages post plain HTML forms (CSRF is checked for every POST by the app's CSRFProtect); these helpers
pick out the fields each form may set, so nothing else posted (event, status, counters) reaches a service.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bimtek.core.time import as_utc
from bimtek.errors import Invalid
from bimtek.registration.services import PARTICIPANT_FIELDS

AGENCY_FIELDS = ("name", "onsite_quota", "online_quota", "pic_name", "pic_email", "pic_phone", "region_code")
PERSON_FIELDS = tuple(f for f in PARTICIPANT_FIELDS if f not in ("consent", "answers"))


def _get(form, name: str, limit: int = 400) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def agency_input(form) -> dict:
    return {name: _get(form, name) for name in AGENCY_FIELDS}


def person_input(form) -> dict:
    return {name: _get(form, name) for name in PERSON_FIELDS}


def settings_input(form, tz: str) -> tuple[str, datetime | None, bool]:
    """(intake, deadline as UTC or None, auto release) from the settings form; Invalid on a bad time."""
    text = _get(form, "deadline", 40).strip()
    deadline = None
    if text:
        try:
            value = datetime.fromisoformat(text)
        except ValueError as err:
            msg = "Format waktu tidak valid."
            raise Invalid("invalid", "Periksa kembali isian yang ditandai.", fields={"deadline": msg}) from err
        deadline = as_utc(value if value.tzinfo else value.replace(tzinfo=ZoneInfo(tz)))
    return _get(form, "intake", 20), deadline, form.get("auto_release") in ("1", "on", "y")


def region_input(form) -> tuple[str, bool, bool, dict]:
    """(province code, include the province's own Diskominfo, include every kabupaten/kota, quotas)."""
    quotas = {"onsite_quota": _get(form, "onsite_quota", 10), "online_quota": _get(form, "online_quota", 10)}
    return (_get(form, "province_code", 8), form.get("include_province") in ("1", "on", "y"),
            form.get("include_regencies") in ("1", "on", "y"), quotas)  # fmt: skip
