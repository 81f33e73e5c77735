"""Deploy checks (`gongzhi check --deploy`): what would leak personal data in production is an Error,
not a warning (issue 13 points 6 and 10; decision 0042)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string

from gongzhi.core.crypto import short_key_problems

# Gateways that show the code to whoever reads the console or the process memory: the demo's and
# the tests'. Named by path so that core need not import accounts.
DEVELOPMENT_SMS_BACKENDS = frozenset(
    {"gongzhi.accounts.sms.ConsoleSmsBackend", "gongzhi.accounts.sms.OutboxSmsBackend"}
)


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@register(Tags.security, deploy=True)
def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    path = settings.SMS_BACKEND
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [Error(f"SMS_BACKEND {path!r} cannot be imported: {exc}", id="gongzhi.E002")]
    mro = {_class_path(cls) for cls in getattr(backend, "__mro__", ())}
    if path in DEVELOPMENT_SMS_BACKENDS or mro & DEVELOPMENT_SMS_BACKENDS:
        return [
            Error(
                f"SMS_BACKEND is {path}, which writes one-time codes to the console or memory.",
                hint="Set SMS_BACKEND to the operator's gateway class (docs/deploy.md).",
                id="gongzhi.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_key_lengths(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problems = short_key_problems(
        secret_key=settings.SECRET_KEY,
        blind_index_key=settings.BLIND_INDEX_KEY,
        production=settings.PRODUCTION,
    )
    return [Error(problem, id="gongzhi.E003") for problem in problems]


@register(Tags.security, deploy=True)
def check_debug_off_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Django's own check is a warning; with DEBUG on, an error page shows request values."""
    if settings.PRODUCTION and settings.DEBUG:
        return [
            Error(
                "DEBUG is on with GONGZHI_ENV=production: error pages would show request data.",
                hint="Unset DEBUG.",
                id="gongzhi.E004",
            )
        ]
    return []
