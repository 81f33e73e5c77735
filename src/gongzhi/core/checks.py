"""Deploy checks (`gongzhi check --deploy`): what would leak personal data in production is an Error,
not a warning (issue 13 points 6 and 10; decision 0042). The SMS gateway's check lives with the
gateways, in accounts/checks.py (core does not know the apps above it: decision 0043)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from gongzhi.core.crypto import short_key_problems


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
