"""PDF signatures: PAdES signing with an operator's PKCS#12 key, and checks of TTE-signed files brought back.

Plain values in, plain values out (no Flask, no database). A signed PDF is never rewritten: signing
appends an incremental update, so the bytes that were issued stay a byte-exact prefix of the signed file,
and that is what the import check relies on.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SignedCheck",
    "check_signed_copy",
    "generate_self_signed_p12",
    "load_signer",
    "pades_sign",
    "pdf_title",
]

_signers: dict[tuple[str, float], object] = {}
_lock = threading.Lock()


def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko's sync API calls asyncio.run(), which fails inside a running loop: use a thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def load_signer(p12_path: Path | str, password: str | bytes | None):
    """A pyHanko signer for a PKCS#12 file, loaded once per process (and again when the file changes)."""
    from pyhanko.sign import signers

    path = Path(p12_path)
    key = (str(path.resolve()), path.stat().st_mtime)
    with _lock:
        signer = _signers.get(key)
        if signer is None:
            secret = password.encode() if isinstance(password, str) else password
            signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=secret or None)
            if signer is None:
                raise ValueError("PKCS#12 tidak dapat dibuka (periksa berkas dan kata sandinya).")
            _signers[key] = signer
        return signer


def pades_sign(
    pdf: bytes, signer, *, reason: str = "", location: str = "", field_name: str = "BimtekSignature"
) -> bytes:
    """Sign PDF bytes (PAdES baseline B) as an incremental update; the input stays a prefix of the output."""
    return _outside_event_loop(_pades_sign, pdf, signer, reason, location, field_name)


def _pades_sign(pdf: bytes, signer, reason: str, location: str, field_name: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason or None, location=location or None, subfilter=None
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@dataclass(frozen=True)
class SignedCheck:
    """Outcome of checking a signed file against the issued original."""

    ok: bool
    code: str  # ok | not_pdf | not_prefix | no_new_signature | broken_signature
    signatures: int = 0


def check_signed_copy(signed: bytes, original_size: int, original_sha256: str) -> SignedCheck:
    """Whether ``signed`` is the issued PDF plus incremental updates carrying at least one intact signature.

    The issued bytes must be an exact prefix (same size and SHA-256), every signature added after them
    must cover the whole file up to its own revision with an intact digest; nothing before is rewritten.
    """
    return _outside_event_loop(_check_signed_copy, signed, original_size, original_sha256)


def _check_signed_copy(signed: bytes, original_size: int, original_sha256: str) -> SignedCheck:
    if not signed.startswith(b"%PDF-"):
        return SignedCheck(False, "not_pdf")
    if len(signed) == original_size and hashlib.sha256(signed).hexdigest() == original_sha256:
        return SignedCheck(False, "no_new_signature")
    if len(signed) < original_size or hashlib.sha256(signed[:original_size]).hexdigest() != original_sha256:
        return SignedCheck(False, "not_prefix")
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation.generic_cms import validate_sig_integrity

        reader = PdfFileReader(io.BytesIO(signed), strict=False)
        original_reader = PdfFileReader(io.BytesIO(signed[:original_size]), strict=False)
        before = len(original_reader.embedded_signatures)
        sigs = reader.embedded_signatures
        new = sigs[before:]
        if not new:
            return SignedCheck(False, "no_new_signature", len(sigs))
        for sig in new:
            intact, valid = validate_sig_integrity(
                sig.signer_info, sig.signer_cert, expected_content_type="data", actual_digest=sig.compute_digest()
            )
            if not (intact and valid):
                return SignedCheck(False, "broken_signature", len(sigs))
    except Exception:  # any parse failure of an untrusted upload is a refusal, not a crash
        return SignedCheck(False, "not_pdf")
    return SignedCheck(True, "ok", len(sigs))


def pdf_title(data: bytes) -> str | None:
    """The document title from a PDF's info dictionary, if readable."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(io.BytesIO(data)).metadata
        title = meta.title if meta else None
        return str(title).strip() if title else None
    except Exception:  # untrusted upload: unreadable metadata just means "no title"
        return None


def generate_self_signed_p12(common_name: str, password: str, *, days: int = 3650) -> bytes:
    """A PKCS#12 with an EC P-256 key and a self-signed certificate, for trying PAdES out and for tests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = _dt.datetime.now(_dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=days))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, None, serialization.BestAvailableEncryption(password.encode())
    )
