"""Signed QR tickets: a compact payload signed with the event's Ed25519 key, plus QR rendering.

The QR holds no personal data and no URL, only which event, which ticket and which mode, signed so that an
offline scanner holding the event's public key can tell a real ticket from a made-up one. The server still
decides whether a ticket is usable (cancelled, revoked, re-issued); the signature only proves origin.

Wire format, version 1 (for the JavaScript scanner; all integers big-endian)
----------------------------------------------------------------------------
Ticket text = ASCII prefix ``"BT1"`` + base32(blob), where base32 is RFC 4648 section 6 with the alphabet
``ABCDEFGHIJKLMNOPQRSTUVWXYZ234567``, upper case, and no ``=`` padding. The blob is always 80 bytes, so the
base32 part is always exactly 128 characters and the whole text 131 characters. Every character is in the
QR alphanumeric set, which keeps the code at QR version 6 with error correction M.

Blob (80 bytes)::

    offset  size  field
    0       1     version     uint8, 1
    1       4     event_id    uint32, big-endian (the server's event id)
    5       1     mode        uint8, 1 = onsite (luring), 2 = online (daring)
    6       10    ticket_id   10 random bytes; the server's lookup key for the ticket
    16      64    signature   Ed25519 (RFC 8032, pure, no context/prehash) over blob[0:16]

To verify in a browser: strip surrounding whitespace, upper-case, check the text starts with "BT1", take
the next 128 characters and base32-decode them (reject any other length or character), check blob[0] == 1
and blob[5] in {1, 2}, read event_id from blob[1:5], import that event's 32-byte raw public key with
``crypto.subtle.importKey("raw", key, {name: "Ed25519"}, false, ["verify"])`` and call
``crypto.subtle.verify({name: "Ed25519"}, key, blob.slice(16, 80), blob.slice(0, 16))``. The ticket id as
shown to people and sent to the server is lower-case hex of blob[6:16] (20 characters).

Keys: one key pair per event, both stored raw (32 bytes each). Publishing the public key to scanners is
safe; the private key never leaves the server.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import qrcode
import qrcode.constants
import qrcode.image.svg
import qrcode.util
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "PREFIX",
    "TICKET_ID_LENGTH",
    "TicketError",
    "TicketMode",
    "TicketPayload",
    "decode_ticket",
    "encode_ticket",
    "generate_event_keypair",
    "new_ticket_id",
    "public_key_for",
    "qr_png",
    "qr_svg",
    "qr_version",
    "ticket_id_from_hex",
    "ticket_id_hex",
]

PREFIX = "BT1"
VERSION = 1
TICKET_ID_LENGTH = 10
KEY_LENGTH = 32
SIGNATURE_LENGTH = 64
_HEADER = struct.Struct(">BIB10s")  # version, event_id, mode, ticket_id
BLOB_LENGTH = _HEADER.size + SIGNATURE_LENGTH  # 80
TEXT_LENGTH = len(PREFIX) + BLOB_LENGTH * 8 // 5  # 131: 80 bytes is a whole number of base32 blocks
_UINT32_MAX = 0xFFFFFFFF
_BASE32_BODY = re.compile(r"[A-Z2-7]{128}")
_QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*")

_MESSAGES = {
    "malformed": "Kode QR bukan tiket yang dikenali.",
    "invalid": "Tiket tidak sah: tanda tangan tidak cocok dengan kegiatan ini.",
}


class TicketMode(IntEnum):
    """How the ticket holder attends."""

    ONSITE = 1
    ONLINE = 2


_MODES = frozenset(int(mode) for mode in TicketMode)


class TicketError(ValueError):
    """A scanned text that is not a usable ticket: ``code`` is "malformed" or "invalid"."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class TicketPayload:
    """What a verified ticket says; whether it is still usable is for the server to decide."""

    event_id: int
    ticket_id: bytes
    mode: TicketMode
    version: int = VERSION

    @property
    def ticket_id_hex(self) -> str:
        """The ticket id as 20 lower-case hex characters."""
        return self.ticket_id.hex()


def generate_event_keypair() -> tuple[bytes, bytes]:
    """Return a fresh Ed25519 key pair as (private_raw, public_raw), 32 bytes each."""
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return private_raw, _public_raw(private)


def _public_raw(private: Ed25519PrivateKey) -> bytes:
    """Raw 32-byte public key, the form WebCrypto imports with format "raw"."""
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_for(private_key: bytes) -> bytes:
    """Raw public key belonging to a raw private key (to republish it to scanners)."""
    return _public_raw(Ed25519PrivateKey.from_private_bytes(private_key))


def new_ticket_id() -> bytes:
    """A random 10-byte ticket id (80 bits: unguessable, and short enough for a small QR)."""
    return secrets.token_bytes(TICKET_ID_LENGTH)


def ticket_id_hex(ticket_id: bytes) -> str:
    """Lower-case hex form of a ticket id, for URLs, logs and the database."""
    return ticket_id.hex()


def ticket_id_from_hex(text: str) -> bytes:
    """Parse the hex form back; raise TicketError("malformed") if it is not 20 hex characters."""
    try:
        ticket_id = bytes.fromhex(text.strip())
    except ValueError:
        raise TicketError("malformed") from None
    if len(ticket_id) != TICKET_ID_LENGTH:
        raise TicketError("malformed")
    return ticket_id


def encode_ticket(private_key: bytes, event_id: int, ticket_id: bytes, mode: int) -> str:
    """Sign and encode a ticket as QR-alphanumeric text: "BT1" + 128 base32 characters."""
    if not 0 <= event_id <= _UINT32_MAX:
        raise ValueError("event_id must fit in an unsigned 32-bit integer")
    if len(ticket_id) != TICKET_ID_LENGTH:
        raise ValueError(f"ticket_id must be {TICKET_ID_LENGTH} bytes")
    if len(private_key) != KEY_LENGTH:
        raise ValueError(f"private key must be {KEY_LENGTH} raw bytes")
    header = _HEADER.pack(VERSION, event_id, TicketMode(mode), bytes(ticket_id))
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(header)
    return PREFIX + base64.b32encode(header + signature).decode("ascii")


def decode_ticket(text: str, public_key_lookup: Callable[[int], bytes | None]) -> TicketPayload:
    """Check a scanned ticket's format and signature and return its payload, or raise TicketError.

    ``public_key_lookup(event_id)`` returns that event's raw public key, or None when the event is unknown
    here. The caller still has to check that ``event_id`` is the event being checked in, and the ticket's
    state on the server.
    """
    cleaned = text.strip().upper()
    if len(cleaned) != TEXT_LENGTH or not cleaned.startswith(PREFIX):
        raise TicketError("malformed")
    body = cleaned[len(PREFIX) :]
    if not _BASE32_BODY.fullmatch(body):
        raise TicketError("malformed")
    try:
        blob = base64.b32decode(body)
    except (binascii.Error, ValueError):
        raise TicketError("malformed") from None
    header, signature = blob[: _HEADER.size], blob[_HEADER.size :]
    version, event_id, mode, ticket_id = _HEADER.unpack(header)
    if version != VERSION or mode not in _MODES:
        raise TicketError("malformed")

    public_key = public_key_lookup(event_id)
    if not public_key:
        raise TicketError("invalid")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, header)
    except (InvalidSignature, ValueError):
        raise TicketError("invalid") from None
    return TicketPayload(event_id=event_id, ticket_id=ticket_id, mode=TicketMode(mode), version=version)


def _make_qr(text: str, box_size: int = 8, **kwargs: object) -> qrcode.QRCode:
    """Build a QR with error correction M, using alphanumeric mode whenever the text allows it."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4, **kwargs)
    if _QR_ALPHANUMERIC.fullmatch(text):
        qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(text)
    qr.make(fit=True)
    return qr


def qr_version(text: str) -> int:
    """QR version (1-40) the text needs at error correction M; a ticket needs 6."""
    return _make_qr(text).version


def qr_png(text: str, box_size: int = 8) -> bytes:
    """PNG image of the QR code for ``text``, with the standard 4-module quiet zone."""
    buffer = io.BytesIO()
    _make_qr(text, box_size).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(text: str) -> str:
    """Standalone SVG markup (one path, no XML declaration) of the QR code for ``text``."""
    # qrcode's SVG unit is box_size/10 mm: 10 makes one viewBox unit per module, so CSS can size it freely.
    image = _make_qr(text, box_size=10, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    return image.to_string(encoding="unicode")
