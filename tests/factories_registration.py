"""Helpers for registration tests: the in-memory outbox and form data as a browser posts it."""

from __future__ import annotations

from flask import current_app, has_app_context

from tests.factories import registration_data


def outbox() -> list:
    """Messages the current app sent through the locmem backend since the last clear."""
    state = current_app.extensions["mailman"]
    if not hasattr(state, "outbox"):
        state.outbox = []
    return state.outbox


def clear_outbox() -> None:
    if has_app_context():
        current_app.extensions["mailman"].outbox = []


def form_data(**overrides) -> dict:
    """Registration data as the HTML form posts it (checkboxes as "y")."""
    data = registration_data(**overrides)
    data["consent"] = "y" if data.get("consent") is True else (data.get("consent") or "")
    return {k: v for k, v in data.items() if v is not None}


def manage_token(resp) -> str:
    """The manage token from a redirect to /r/<token>."""
    location = resp.headers["Location"]
    return location.split("/r/")[1].split("?")[0]
