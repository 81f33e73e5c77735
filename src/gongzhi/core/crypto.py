"""Encryption at rest and blind indexes for personal data (PIPL art. 51: encryption, de-identification).

- Ciphertext: Fernet (AES-128-CBC + HMAC-SHA256) with MultiFernet so keys rotate without downtime.
- Blind index: HMAC-SHA256 of the normalised value, so we can look up and enforce uniqueness
  (same ID number imported twice) without decrypting every row.
Development derives both keys from SECRET_KEY; production must set its own (settings refuse to start).
A configured key shorter than MIN_KEY_BYTES is refused everywhere (settings in production, a deploy
check, and at first use), since an HMAC key is only as strong as its length (issue 13 point 10).
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gongzhi.core.cache import pure

MIN_KEY_BYTES = 32


def short_key_problems(*, secret_key: str, blind_index_key: str, production: bool) -> list[str]:
    """What is wrong with the configured keys' lengths, one sentence per key (empty: all fine).
    SECRET_KEY is held to it in production only (development has a fixed, long placeholder)."""
    problems = []
    if blind_index_key and len(blind_index_key.encode()) < MIN_KEY_BYTES:
        problems.append(
            f"BLIND_INDEX_KEY is {len(blind_index_key.encode())} bytes; use at least {MIN_KEY_BYTES} random bytes"
        )
    if production and len(secret_key.encode()) < MIN_KEY_BYTES:
        problems.append(
            f"SECRET_KEY is {len(secret_key.encode())} bytes; use at least {MIN_KEY_BYTES} random bytes"
        )
    return problems


def _derive(label: str, secret_key: str) -> bytes:
    return hashlib.sha256(f"gongzhi:{label}:{secret_key}".encode()).digest()


# The keys are built once per configuration (core.cache.pure): the settings' values are the
# arguments, so a changed setting (tests) is simply another entry, with nothing to reset.
@pure(maxsize=8)
def _fernet_for(configured: tuple[str | bytes, ...], secret_key: str) -> MultiFernet:
    keys = list(configured) or [base64.urlsafe_b64encode(_derive("fernet", secret_key)).decode()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


@pure(maxsize=8)
def _index_key_for(configured: str, secret_key: str) -> bytes:
    if configured and len(configured.encode()) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"BLIND_INDEX_KEY must be at least {MIN_KEY_BYTES} bytes")
    return configured.encode() if configured else _derive("blind-index", secret_key)


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def _index_key() -> bytes:
    return _index_key_for(settings.BLIND_INDEX_KEY, settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered row: never return garbage silently
        raise ValueError("personal data could not be decrypted with the configured keys") from exc


def blind_index(value: str) -> str:
    if not value:
        return ""
    return hmac.new(_index_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()
