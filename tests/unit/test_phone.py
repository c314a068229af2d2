"""Indonesian mobile numbers: every common way of typing one is stored the same way."""

import pytest

from bimtek.registration.phone import PhoneError, format_phone, normalize_phone, whatsapp_link


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("(0812) 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("+62 (0)812-3456-7890", "+6281234567890"),
        ("  0812 3456 7890  ", "+6281234567890"),
        ("０８１２３４５６７８９０", "+6281234567890"),  # full-width: harmless, stored as ASCII E.164
        ("0811-1234-567", "+628111234567"),  # 11 digits
        ("0811123456", "+62811123456"),  # 10 digits, the shortest
        ("0895-1234-56789", "+62895123456789"),  # 13 digits, the longest
    ],
)
def test_normalize_phone_accepts(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone_format"),
        ("   ", "phone_format"),
        ("abc", "phone_format"),
        ("0812 3456 7890 ext 12", "phone_format"),
        ("+6281234567890x", "phone_format"),
        ("0812+3456+7890", "phone_format"),
        ("0" * 41, "phone_format"),
        ("+1 650 253 0000", "phone_not_id"),
        ("+60 12-345 6789", "phone_not_id"),
        ("+628123", "phone_length"),
        ("0812345", "phone_length"),
        ("08951234567890", "phone_length"),  # 14 digits
        ("0812 3456 7890 123", "phone_length"),
        ("021-5551234", "phone_not_mobile"),  # Jakarta landline
        ("(0778) 123456", "phone_not_mobile"),  # Batam landline
    ],
)
def test_normalize_phone_rejects(raw, code):
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw)
    assert info.value.code == code
    assert str(info.value) == info.value.message


def test_phone_error_messages_are_indonesian():
    with pytest.raises(ValueError, match="nomor HP"):
        normalize_phone("021-5551234")


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("+628111234567", "0811-1234-567"),
        ("+62895123456789", "0895-1234-56789"),
        ("+16502530000", "+1 650-253-0000"),
    ],
)
def test_format_phone_uses_the_indonesian_style(e164, shown):
    assert format_phone(e164) == shown


def test_whatsapp_link_uses_digits_without_plus():
    assert whatsapp_link("+6281234567890") == "https://wa.me/6281234567890"
    assert whatsapp_link(normalize_phone("0812-3456-7890")) == "https://wa.me/6281234567890"


@pytest.mark.parametrize("bad", ["0812-3456-7890", "081234567890", "+62 812", "+62812<script>", "+62"])
def test_whatsapp_link_refuses_non_e164(bad):
    with pytest.raises(PhoneError):
        whatsapp_link(bad)
