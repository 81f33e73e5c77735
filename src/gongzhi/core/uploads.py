"""Uploaded files are stored under names we make: <random>.<extension of the type sniffed from the
bytes>. The sender's file name never reaches the disk (a name like `../../x.png` or `evil.html` is
display text at most, cleaned by `display_name`); issue 13 point 10, decision 0042."""

import secrets
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files.base import ContentFile

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
DOCUMENT_TYPES = IMAGE_TYPES | {"application/pdf": "pdf"}

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(content: bytes) -> str | None:
    """The MIME type the first bytes prove (JPEG, PNG, GIF, WebP, PDF), or None."""
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def generated_name(content_type: str) -> str:
    """A fresh name for bytes of this sniffed type: 32 hex digits and the type's extension."""
    return f"{secrets.token_hex(16)}.{DOCUMENT_TYPES[content_type]}"


def stored_file(content: bytes, content_type: str) -> "ContentFile[bytes]":
    """The bytes as a file ready for a FileField, under a generated name."""
    return ContentFile(content, name=generated_name(content_type))


def display_name(name: str | None, *, limit: int = 120) -> str:
    """The sender's file name as text to show: last path component, no control characters."""
    raw = name or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name  # both separators, so `..\\x` too
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    return cleaned[:limit] or "file"
