"""Signed QR tickets: round trip, tampering, foreign keys, layout the JS scanner relies on, QR size."""

import base64
import io
import re

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from PIL import Image

from bimtek.core.tickets import (
    TicketError,
    TicketMode,
    TicketPayload,
    decode_ticket,
    encode_ticket,
    generate_event_keypair,
    new_ticket_id,
    public_key_for,
    qr_png,
    qr_svg,
    qr_version,
    ticket_id_from_hex,
    ticket_id_hex,
)

QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")
EVENT_ID = 42
TICKET_ID = bytes.fromhex("00112233445566778899")


@pytest.fixture(scope="module")
def keys():
    """Two events with their own key pairs."""
    return {EVENT_ID: generate_event_keypair(), 7: generate_event_keypair()}


@pytest.fixture
def lookup(keys):
    """Public key lookup as the server or the offline scanner would do it."""
    return lambda event_id: keys[event_id][1] if event_id in keys else None


def make_ticket(keys, event_id=EVENT_ID, ticket_id=TICKET_ID, mode=TicketMode.ONSITE):
    return encode_ticket(keys[event_id][0], event_id, ticket_id, mode)


def flip_char(text, index):
    """Replace one base32 character with another valid one."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_keypair_is_raw_32_bytes_and_consistent():
    private, public = generate_event_keypair()
    assert len(private) == len(public) == 32
    assert public_key_for(private) == public
    assert generate_event_keypair()[0] != private


@pytest.mark.parametrize(
    ("event_id", "mode"),
    [(EVENT_ID, TicketMode.ONSITE), (EVENT_ID, TicketMode.ONLINE), (7, 2), (7, 1)],
)
def test_round_trip(keys, lookup, event_id, mode):
    ticket_id = new_ticket_id()
    text = make_ticket(keys, event_id, ticket_id, mode)
    payload = decode_ticket(text, lookup)
    assert payload == TicketPayload(event_id=event_id, ticket_id=ticket_id, mode=TicketMode(mode), version=1)
    assert payload.ticket_id_hex == ticket_id.hex()


def test_text_is_qr_alphanumeric_and_fixed_length(keys):
    text = make_ticket(keys)
    assert text.startswith("BT1")
    assert len(text) == 131
    assert QR_ALPHANUMERIC.fullmatch(text)
    assert "=" not in text


def test_byte_layout_matches_the_documented_format(keys):
    """What the JavaScript scanner will do by hand: base32-decode, slice, verify with WebCrypto."""
    text = make_ticket(keys, EVENT_ID, TICKET_ID, TicketMode.ONLINE)
    blob = base64.b32decode(text[3:])
    assert len(blob) == 80
    assert blob[0] == 1
    assert int.from_bytes(blob[1:5], "big") == EVENT_ID
    assert blob[5] == 2
    assert blob[6:16] == TICKET_ID
    Ed25519PublicKey.from_public_bytes(keys[EVENT_ID][1]).verify(blob[16:80], blob[0:16])


def test_largest_event_id_fits(lookup):
    private, public = generate_event_keypair()
    text = encode_ticket(private, 2**32 - 1, TICKET_ID, TicketMode.ONSITE)
    assert decode_ticket(text, lambda _event_id: public).event_id == 2**32 - 1


def test_scanner_noise_is_tolerated(keys, lookup):
    text = make_ticket(keys)
    assert decode_ticket(f"  {text.lower()}\r\n", lookup).ticket_id == TICKET_ID


def test_every_single_character_change_is_rejected(keys, lookup):
    text = make_ticket(keys)
    for index in range(3, len(text)):
        with pytest.raises(TicketError):
            decode_ticket(flip_char(text, index), lookup)


@pytest.mark.parametrize("index", [3, 10, 20, 30, 60, 100, 130])
def test_tampered_ticket_is_invalid_or_malformed(keys, lookup, index):
    with pytest.raises(TicketError) as info:
        decode_ticket(flip_char(make_ticket(keys), index), lookup)
    assert info.value.code in ("invalid", "malformed")


def test_changing_the_ticket_id_breaks_the_signature(keys, lookup):
    blob = bytearray(base64.b32decode(make_ticket(keys)[3:]))
    blob[10] ^= 0x01
    forged = "BT1" + base64.b32encode(bytes(blob)).decode()
    with pytest.raises(TicketError) as info:
        decode_ticket(forged, lookup)
    assert info.value.code == "invalid"


def test_ticket_signed_with_another_events_key_is_invalid(keys, lookup):
    forged = encode_ticket(keys[7][0], EVENT_ID, TICKET_ID, TicketMode.ONSITE)
    with pytest.raises(TicketError) as info:
        decode_ticket(forged, lookup)
    assert info.value.code == "invalid"


def test_ticket_for_an_unknown_event_is_invalid(lookup):
    private, _public = generate_event_keypair()
    with pytest.raises(TicketError) as info:
        decode_ticket(encode_ticket(private, 999, TICKET_ID, TicketMode.ONSITE), lookup)
    assert info.value.code == "invalid"


def test_garbage_public_key_from_lookup_is_invalid_not_a_crash(keys):
    with pytest.raises(TicketError) as info:
        decode_ticket(make_ticket(keys), lambda _event_id: b"short")
    assert info.value.code == "invalid"


def _reencode(blob: bytes) -> str:
    return "BT1" + base64.b32encode(blob).decode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "BT1",
        "https://example.org/t/abc",
        "XX1" + "A" * 128,  # wrong prefix
        "BT1" + "A" * 127,  # too short
        "BT1" + "A" * 129,  # too long
        "BT1" + "A" * 127 + "1",  # not base32
        "BT1" + "A" * 127 + "=",
        _reencode(b"\x02" + bytes(79)),  # unknown version
        _reencode(b"\x01" + bytes(4) + b"\x03" + bytes(74)),  # unknown mode
        _reencode(b"\x01" + bytes(4) + b"\x00" + bytes(74)),
    ],
)
def test_malformed_texts(lookup, text):
    with pytest.raises(TicketError) as info:
        decode_ticket(text, lookup)
    assert info.value.code == "malformed"
    assert str(info.value) == info.value.message


def test_ticket_error_is_a_value_error_with_indonesian_message(lookup):
    with pytest.raises(ValueError, match="tiket"):
        decode_ticket("halo", lookup)


@pytest.mark.parametrize(
    ("event_id", "ticket_id", "mode"),
    [(-1, TICKET_ID, 1), (2**32, TICKET_ID, 1), (1, b"short", 1), (1, TICKET_ID, 3)],
)
def test_encode_refuses_bad_arguments(keys, event_id, ticket_id, mode):
    with pytest.raises(ValueError):
        encode_ticket(keys[EVENT_ID][0], event_id, ticket_id, mode)


def test_ticket_ids_are_random_10_bytes_with_hex_round_trip():
    ids = {new_ticket_id() for _ in range(200)}
    assert len(ids) == 200
    for ticket_id in ids:
        assert len(ticket_id) == 10
        assert ticket_id_from_hex(ticket_id_hex(ticket_id)) == ticket_id
    assert ticket_id_hex(TICKET_ID) == "00112233445566778899"


@pytest.mark.parametrize("bad", ["", "0011", "zz112233445566778899", "00112233445566778899aa"])
def test_ticket_id_from_hex_rejects(bad):
    with pytest.raises(TicketError):
        ticket_id_from_hex(bad)


def test_ticket_qr_stays_small(keys):
    assert qr_version(make_ticket(keys)) <= 6


def test_ticket_png_decodes_back_to_the_same_text(keys, lookup):
    text = make_ticket(keys, mode=TicketMode.ONLINE)
    png = qr_png(text)
    assert png.startswith(b"\x89PNG")
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [result.text for result in results] == [text]
    assert decode_ticket(results[0].text, lookup).mode is TicketMode.ONLINE


def test_png_box_size_scales_the_image(keys):
    text = make_ticket(keys)
    small = Image.open(io.BytesIO(qr_png(text, box_size=2)))
    large = Image.open(io.BytesIO(qr_png(text, box_size=8)))
    # Version 6 is 41 modules, plus a 4-module quiet zone on each side.
    assert small.size == (2 * 49, 2 * 49)
    assert large.size == (8 * 49, 8 * 49)


def test_svg_is_a_standalone_svg_document(keys):
    svg = qr_svg(make_ticket(keys))
    assert svg.startswith("<svg")
    assert 'viewBox="0 0 49 49"' in svg
    assert "<path" in svg


def test_qr_helpers_also_take_non_ticket_text():
    url = "https://bimtek.example.go.id/verifikasi/abc?x=1"
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert [result.text for result in results] == [url]


def _rasterize_svg_path(svg: str, scale: int = 8) -> Image.Image:
    """Draw qrcode's one-rectangle-per-module SVG path so a decoder can read it."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    rects = re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", svg)
    assert rects
    for x0, y0, x1, y1 in rects:
        image.paste(0, (int(x0) * scale, int(y0) * scale, int(x1) * scale, int(y1) * scale))
    return image


def test_svg_decodes_back_to_the_same_text(keys):
    text = make_ticket(keys)
    results = zxingcpp.read_barcodes(_rasterize_svg_path(qr_svg(text)))
    assert [result.text for result in results] == [text]
