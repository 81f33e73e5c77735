"""Deploy check of the SMS gateway (issue 13 point 6; decision 0042): in production, a gateway that
prints one-time codes to the console or keeps them in memory is an Error, not a warning."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from gongzhi.accounts.sms import ConsoleSmsBackend, OutboxSmsBackend

# the demo's gateway and the tests': they show the code to whoever reads the console or the memory
DEVELOPMENT_SMS_BACKENDS = (ConsoleSmsBackend, OutboxSmsBackend)


@register(Tags.security, deploy=True)
def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    path = settings.SMS_BACKEND
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [Error(f"SMS_BACKEND {path!r} cannot be imported: {exc}", id="gongzhi.E002")]
    if isinstance(backend, type) and issubclass(backend, DEVELOPMENT_SMS_BACKENDS):
        return [
            Error(
                f"SMS_BACKEND is {path}, which writes one-time codes to the console or memory.",
                hint="Set SMS_BACKEND to the operator's gateway class (docs/deploy.md).",
                id="gongzhi.E001",
            )
        ]
    return []
