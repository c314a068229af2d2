"""PAdES signing and the TTE import check: the issued bytes must stay an exact prefix, signatures intact."""

from __future__ import annotations

import ast
import hashlib
import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from bimtek.certificates import signing
from bimtek.certificates.pdf.model import CertificateData
from bimtek.certificates.pdf.render import render_certificate

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"
_PDF_PACKAGE = Path(signing.__file__).parent / "pdf"
# The certificate labels moved to bimtek/core/labels.py, kept pure by tests/unit/test_structure.py.
PURE = ("numbering.py", "signing.py", *sorted(f"pdf/{p.name}" for p in _PDF_PACKAGE.glob("*.py")))


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    path = tmp_path_factory.mktemp("p12") / "ttd.p12"
    path.write_bytes(signing.generate_self_signed_p12("Pejabat Uji", "rahasia"))
    return signing.load_signer(path, "rahasia")


@pytest.fixture(scope="module")
def original() -> bytes:
    cert = CertificateData(
        number="007/BIMTEK-MEDSOS/KOMINFO/VIII/2022", name="Siti Rahmawati", role="PESERTA", event_title="Bimtek",
        organizer="Kominfo", date_text="Kamis, 25 Agustus 2022", place_text="Batam", jp=4, issue_place="Batam",
        issue_date_text="25 Agustus 2022", signatory_title="Direktur", signatory_name="Dr. A",
        verify_url="http://localhost/verify/ABCD-EFGH-JKMN", verification_code="ABCD-EFGH-JKMN",
    )  # fmt: skip
    return render_certificate(cert, None, FONTS)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_pades_signature_validates_and_one_byte_change_breaks_it(signer, original):
    signed = signing.pades_sign(original, signer, reason="Sertifikat", location="Batam")
    assert signed.startswith(original)
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert validate_sig_integrity(sig.signer_info, sig.signer_cert, "data", sig.compute_digest()) == (True, True)
    tampered = bytearray(signed)
    tampered[len(original) // 2] ^= 0x01
    bad = PdfFileReader(io.BytesIO(bytes(tampered)), strict=False).embedded_signatures[0]
    intact, _valid = validate_sig_integrity(bad.signer_info, bad.signer_cert, "data", bad.compute_digest())
    assert intact is False


def test_signed_copy_accepted(signer, original):
    signed = signing.pades_sign(original, signer)
    check = signing.check_signed_copy(signed, len(original), _sha(original))
    assert check.ok and check.code == "ok" and check.signatures == 1


def test_second_signature_on_signed_original_is_accepted(signer, original):
    first = signing.pades_sign(original, signer, field_name="Sig1")
    second = signing.pades_sign(first, signer, field_name="Sig2")
    assert signing.check_signed_copy(second, len(first), _sha(first)).ok


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda o, s: o, "no_new_signature"),  # the unsigned original itself
        (lambda o, s: s[:100] + bytes([s[100] ^ 1]) + s[101:], "not_prefix"),  # issued part altered
        (lambda o, s: b"not a pdf", "not_pdf"),
        (lambda o, s: o + b"\n% an appended comment, no signature\n", "no_new_signature"),
    ],
)
def test_signed_copy_refused(signer, original, mutate, code):
    signed = signing.pades_sign(original, signer)
    assert signing.check_signed_copy(mutate(original, signed), len(original), _sha(original)).code == code


def test_broken_signature_refused(signer, original):
    signed = bytearray(signing.pades_sign(original, signer, reason="Sertifikat"))
    # A byte inside the signed update (the reason text), outside /Contents: the digest no longer matches.
    signed[signed.rfind(b"Sertifikat")] = ord("s")
    assert signing.check_signed_copy(bytes(signed), len(original), _sha(original)).code == "broken_signature"


def test_pdf_title_is_the_number(original):
    assert signing.pdf_title(original) == "007/BIMTEK-MEDSOS/KOMINFO/VIII/2022"
    assert signing.pdf_title(b"garbage") is None


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_no_flask_or_database(name):
    tree = ast.parse((Path(signing.__file__).parent / name).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0] if not node.module.startswith("bimtek") else node.module)
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "bimtek.extensions"}
