"""WhatsApp without a paid gateway: wa.me links a person clicks, and an optional sender for operators.

Pure module. ``chat_link`` opens a chat with one number and the message filled in; ``share_link`` lets a
participant pick the chat themselves. A sender (``HttpSender``) posts each message as JSON to an operator's
WhatsApp Business API bridge; with no sender configured, staff send by hand from the WhatsApp page.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote

from bimtek.registration.phone import whatsapp_link

__all__ = ["HttpSender", "SendError", "chat_link", "make_sender", "share_link"]

SENDERS = ("", "http")


def chat_link(e164: str, text: str) -> str:
    """``https://wa.me/6281234567890?text=...`` for a stored E.164 number (raises PhoneError otherwise)."""
    return f"{whatsapp_link(e164)}?text={quote(text, safe='')}"


def share_link(text: str) -> str:
    """``https://wa.me/?text=...``: WhatsApp asks whom to send it to."""
    return f"https://wa.me/?text={quote(text, safe='')}"


class SendError(Exception):
    """The gateway refused a message or could not be reached (the text carries no number or message)."""


class HttpSender:
    """POSTs ``{"to": "6281234567890", "text": "..."}`` as JSON to ``url`` with ``Authorization: Bearer token``.

    Any 2xx answer counts as sent. Most WhatsApp Business API providers (or a small bridge in front of
    Meta's Cloud API) accept this shape; the number goes without "+", as wa.me writes it.
    """

    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        if not url.startswith(("http://", "https://")):
            raise ValueError("BIMTEK_WHATSAPP_URL must be an http(s) address")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, e164: str, text: str) -> None:
        body = json.dumps({"to": e164.removeprefix("+"), "text": text}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310 (http(s) checked above)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 (operator's URL)
                status = resp.status
        except urllib.error.HTTPError as err:
            raise SendError(f"gateway answered {err.code}") from None
        except (urllib.error.URLError, OSError) as err:
            raise SendError(f"gateway unreachable: {type(err).__name__}") from None
        if not 200 <= status < 300:
            raise SendError(f"gateway answered {status}")


def make_sender(kind: str, url: str = "", token: str = "") -> HttpSender | None:
    """The configured sender: None for "" (staff send by hand), an HttpSender for "http"."""
    if not kind:
        return None
    if kind == "http":
        return HttpSender(url, token)
    raise ValueError(f"BIMTEK_WHATSAPP_SENDER must be one of {SENDERS!r}")
