"""Real concurrency on PostgreSQL: two people closing the same decision at once write one "done"
(the decision row lock serialises them; the second sees done and gets a 409 refusal)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongzhi.core.testing import run_together
from gongzhi.councils import actions
from gongzhi.councils.models import Decision, DecisionEvent
from gongzhi.councils.tests.conftest import held, passed_decision
from gongzhi.councils.workflow import CouncilError

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_simultaneous_closings_write_one_done(world):
    held(world)
    d = passed_decision(world, "修复路灯", days=3)
    actions.evidence_add(
        actor=None,
        decision=d,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )

    def close(_i: int):
        return actions.decision_transition(actor=None, decision=Decision(pk=d.pk), to="done")

    results = run_together(3, close)
    assert sum(isinstance(r, Decision) for r in results) == 1, results
    assert sum(isinstance(r, CouncilError) and r.status == 409 for r in results) == 2
    assert DecisionEvent.objects.filter(decision_id=d.pk, to_status="done").count() == 1
