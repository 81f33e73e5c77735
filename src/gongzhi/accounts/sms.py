"""Sending SMS. Production plugs in its operator's gateway by naming a class in SMS_BACKEND."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("gongzhi.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Development: prints the message (the one-time code) to the server console."""

    def send(self, phone: str, text: str) -> None:
        print(f"[短信 SMS] to {phone}: {text}", flush=True)  # noqa: T201


class OutboxSmsBackend:
    """Tests: keeps messages in memory so a test can read the code it was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
