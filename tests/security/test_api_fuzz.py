"""Issue 13 point 7: a schema fuzzer (schemathesis) over EVERY operation of /api/v1/openapi.json,
in-process against the Django WSGI app, once with a staff token and once with a resident token.

Asserted for every generated request, valid (positive) and schema-breaking (negative) alike:
no 5xx, the status code is documented for the operation, and the body matches the published schema.
Bounded for CI (decision 0041): a few examples per operation and mode, no shrinking, a fixed seed
(derandomised), so a run takes the same path every time; GONGZHI_FUZZ_EXAMPLES raises the count for
a longer hunt. Each example runs inside a savepoint that is rolled back, so nothing stays behind
(and one example's writes cannot change the next one's answer)."""

import datetime
import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gongzhi.accounts.actions import token_create
from gongzhi.config.wsgi import application
from gongzhi.orgs.models import Organisation
from gongzhi.parking import actions as parking_actions

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


def _something_to_read(actors: Any) -> None:
    """A parking offer in community A, so the resident's offer list has a row to check (its
    `starts_at` broke the schema once)."""
    unit = Organisation.objects.create(
        name="甲科技公司", kind="partner_unit", territory=actors.net.a.community
    )
    parking_actions.offer_save(
        actor=actors.staff_a,
        organisation=unit,
        title="夜间共享车位",
        address="光明大道1号",
        weekdays="1234567",
        starts_at=datetime.time(19),
        ends_at=datetime.time(8),
        spaces=2,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
    )


def fuzz(user: Any) -> tuple[int, list[str]]:
    """Run every operation; return how many requests were made and what failed (one line each)."""
    _token, raw = token_create(actor=user, name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    calls = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:

            @hypothesis_settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                nonlocal calls
                calls += 1
                savepoint = transaction.savepoint_create()
                try:
                    response = case.call(headers=headers)
                    case.validate_response(response, checks=CHECKS)
                finally:
                    transaction.savepoint_rollback(savepoint)

            try:
                run()
            # schemathesis reports through a FailureGroup (a BaseExceptionGroup, not an Exception)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    return calls, failures


@pytest.fixture
def app_keeps_the_test_connection():
    """The WSGI handler closes the database connection after each request; inside the test's
    transaction that would close it under the test (django.test.Client unhooks the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("app_keeps_the_test_connection")
@pytest.mark.parametrize("who", ["staff_a", "resident_a"])
def test_the_fuzzer_finds_no_server_error_and_no_answer_outside_the_schema(actors, who):
    _something_to_read(actors)
    calls, failures = fuzz(getattr(actors, who))
    assert calls >= 77 * len(MODES)  # every operation was called (77 when this was written)
    assert not failures, "\n\n".join(failures)
