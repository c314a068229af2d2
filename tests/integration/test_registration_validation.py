"""The participant rules as one table: names with gelar, NIP for PNS/PPPK, phones, regions, mode, consent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bimtek.errors import Invalid
from bimtek.registration.services import validate_participant
from tests.factories import make_event, registration_data

NOW = datetime(2026, 11, 26, tzinfo=UTC)

ACCEPTED = [
    ({"full_name": "Dr. Ir. H. Ahmad Yani, S.Kom., M.T."}, "full_name", "Dr. Ir. H. Ahmad Yani, S.Kom., M.T."),
    ({"full_name": "Prof. Dr. Hj. Siti Nurhaliza, S.E., M.Si., Ak., CA."}, "full_name",
     "Prof. Dr. Hj. Siti Nurhaliza, S.E., M.Si., Ak., CA."),
    ({"full_name": "O'Neil Ma'ruf"}, "full_name", "O'Neil Ma'ruf"),
    ({"full_name": "Ni Luh Putu Ayu Sri Dewi"}, "full_name", "Ni Luh Putu Ayu Sri Dewi"),
    ({"full_name": "I Gusti Ngurah Rai"}, "full_name", "I Gusti Ngurah Rai"),
    ({"full_name": "Anak Agung Gde Agung, S.H."}, "full_name", "Anak Agung Gde Agung, S.H."),
    ({"full_name": "Tan Sioe Lie"}, "full_name", "Tan Sioe Lie"),
    ({"full_name": "Kwee Tjie Hoei (郭志輝)"}, "full_name", "Kwee Tjie Hoei (郭志輝)"),
    ({"full_name": "  Budi   Santoso  "}, "full_name", "Budi Santoso"),
    ({"full_name": "Jose\u0301 Nun\u0303ez"}, "full_name", "José Nuñez"),  # decomposed input stored NFC
    ({"employment_status": "pns", "nip": "19660801 198803 1 001"}, "nip", "196608011988031001"),
    ({"employment_status": "pns", "nip": "19660801.198803.1.001"}, "nip", "196608011988031001"),
    ({"employment_status": "pppk", "nip": "198501012022211001"}, "nip", "198501012022211001"),  # cohort 21
    ({"phone": "0812-3456-7890"}, "phone", "+6281234567890"),
    ({"phone": "+62 812 3456 7890"}, "phone", "+6281234567890"),
    ({"phone": "6281234567890"}, "phone", "+6281234567890"),
    ({"phone": "81234567890"}, "phone", "+6281234567890"),
    ({"email": "Siti.Aminah@Kominfo.GO.ID"}, "email", "Siti.Aminah@kominfo.go.id"),
    ({"mode": "online"}, "mode", "online"),
    ({"employment_status": "non_asn", "rank": "Penata (III/c)"}, "rank", ""),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "field", "stored"), ACCEPTED)
def test_accepted(app, overrides, field, stored):
    clean = validate_participant(make_event(), registration_data(**overrides), now=NOW)
    assert getattr(clean, field) == stored


REFUSED = [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "Siti\u202eAminah"}, "full_name"),  # bidi override
    ({"full_name": "Budi\u200bSantoso"}, "full_name"),  # zero width space
    ({"full_name": "Budi\x07"}, "full_name"),
    ({"full_name": "12345"}, "full_name"),
    ({"full_name": "x" * 151}, "full_name"),
    ({"email": "budi@"}, "email"),
    ({"email": ""}, "email"),
    ({"phone": "021-5551234"}, "phone"),  # landline
    ({"phone": "+65 8123 4567"}, "phone"),  # not Indonesian
    ({"phone": "0812 abc"}, "phone"),
    ({"employment_status": "pns", "nip": ""}, "nip"),
    ({"employment_status": "pns", "nip": "１９６６０８０１１９８８０３１００１"}, "nip"),  # full-width digits
    ({"employment_status": "pns", "nip": "19661301 198803 1 001"}, "nip"),  # month 13
    ({"employment_status": "pns", "nip": "19660801 198813 1 001"}, "nip"),  # TMT month 13 for PNS
    ({"employment_status": "pns", "nip": "19660801 198803 3 001"}, "nip"),  # gender 3
    ({"employment_status": "pns", "nip": "19660801 198803 1 000"}, "nip"),  # serial 000
    ({"employment_status": "pns", "nip": "1966080119880310"}, "nip"),  # 16 digits
    ({"employment_status": "non_asn", "nip": "196608011988031001"}, "nip"),
    ({"employment_status": "tni"}, "employment_status"),
    ({"institution_type": "swasta"}, "institution_type"),
    ({"institution_name": ""}, "institution_name"),
    ({"position": ""}, "position"),
    ({"province_code": "99"}, "province_code"),
    ({"regency_code": "51.03"}, "regency_code"),  # Badung is not in Kepulauan Riau
    ({"mode": "hybrid"}, "mode"),
    ({"consent": False}, "consent"),
    ({"work_unit": "a\x00b"}, "work_unit"),
]


@pytest.mark.parametrize(("overrides", "field"), REFUSED)
def test_refused(app, overrides, field):
    with pytest.raises(Invalid) as err:
        validate_participant(make_event(), registration_data(**overrides), now=NOW)
    assert field in err.value.fields, err.value.fields


def test_mode_not_offered(app):
    event = make_event(online_capacity=0)
    with pytest.raises(Invalid) as err:
        validate_participant(event, registration_data(mode="online"), now=NOW)
    assert "mode" in err.value.fields
