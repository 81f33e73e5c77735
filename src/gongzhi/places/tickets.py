"""QR tickets for check-in: a signed, single-use token.

The token is django.core.signing over (kind, row id, nonce). The nonce lives on the row and is cleared
by the check-in under a row lock, so a forged code fails the signature and a reused one finds no
nonce. The QR encodes the full check-in URL so any phone camera opens it for the staff member."""

import secrets

import segno
from django.core import signing
from django.urls import reverse

SALT = "gongzhi.places.checkin"


def make_token(kind: str, row_id: int, nonce: str) -> str:
    return signing.dumps({"k": kind, "id": row_id, "n": nonce}, salt=SALT, compress=False)


def read_token(token: str) -> tuple[str, int, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in {"b", "s"}:
        return None
    return data["k"], int(data["id"]), str(data["n"])


def new_nonce() -> str:
    return secrets.token_hex(16)


def checkin_path(token: str) -> str:
    return reverse("places:checkin", args=[token])


def qr_svg(url: str) -> str:
    """An inline SVG of the QR code (no external image, works under the CSP)."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
