"""The intake's writes sent together (core.rowsql, decision 0031): the stored rows are the ones the
ORM would store, the daily rollup adds up, and on PostgreSQL the writes are one statement — also
when many intakes race for a DailyStat row that does not exist yet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.appeals import actions_stats as stats
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent, DailyStat, Notification, RoutingRuleSet
from gongzhi.appeals.tests.helpers import IN_A, submit
from gongzhi.appeals.workflow import Action, Status
from gongzhi.core import rowsql
from gongzhi.core.testing import run_together
from gongzhi.hotissues.models import AppealFingerprint


def test_a_dispatching_intake_stores_the_appeal_events_inbox_fingerprint_and_rollup(actors, world):
    before = timezone.now()
    appeal = submit(actors, world)
    stored = Appeal.objects.get(pk=appeal.pk)
    assert stored.status == Status.DISPATCHED
    assert stored.department_id == world.urban.pk
    assert stored.number == appeal.number
    assert stored.number.endswith(f"{appeal.pk:07d}")
    assert before <= stored.created_at == appeal.created_at <= timezone.now()
    assert stored.updated_at is not None
    assert stored.sign_due_at == appeal.sign_due_at
    assert stored.contact_name == appeal.contact_name
    assert stored.lon == appeal.lon
    assert list(AppealEvent.objects.filter(appeal=appeal).order_by("pk").values_list("action", "data")) == [
        (Action.SUBMIT, {"channel": "resident_app"}),
        (Action.ACCEPT, {}),
        (Action.DISPATCH, {"department_id": world.urban.pk}),
    ]
    assert Notification.objects.filter(appeal=appeal, kind="assigned", recipient=world.urban_handler).exists()
    fingerprint = AppealFingerprint.objects.get(appeal=appeal)
    assert (fingerprint.lon, fingerprint.created_at) == (appeal.lon, stored.created_at)
    assert DailyStat.objects.get(department=world.urban, community=appeal.community_id).dispatched == 1
    submit(actors, world)
    assert DailyStat.objects.get(department=world.urban, community=appeal.community_id).dispatched == 2


def test_the_stored_instance_behaves_as_saved(actors, world):
    appeal = submit(actors, world)
    assert not appeal._state.adding
    appeal.title = "改过的标题"
    appeal.save(update_fields=["title"])  # an UPDATE, not a second INSERT
    assert Appeal.objects.get(pk=appeal.pk).title == "改过的标题"


def test_a_triage_intake_writes_no_rollup(actors, world):
    RoutingRuleSet.objects.update(is_active=False)
    appeal = submit(actors, world)
    assert appeal.status == Status.SUBMITTED
    assert AppealEvent.objects.filter(appeal=appeal).count() == 1
    assert AppealFingerprint.objects.filter(appeal=appeal).exists()
    assert not DailyStat.objects.exists()


def test_bump_statement_adds_to_the_counters_it_names_only(actors, world):
    appeal = submit(actors, world)
    sql, params = stats.bump_statement(appeal, rated=1, solved=1)
    rowsql.execute([(sql, params)])
    row = DailyStat.objects.get(department=world.urban, community=appeal.community_id)
    assert (row.dispatched, row.rated, row.solved, row.satisfied) == (1, 1, 1, 0)
    other_day = timezone.localdate() - datetime.timedelta(days=1)
    rowsql.execute([stats.bump_statement(appeal, day=other_day, dispatched=2)])
    assert DailyStat.objects.get(day=other_day).dispatched == 2


def test_bump_statement_refuses_what_its_conflict_target_cannot_decide(actors, world):
    appeal = submit(actors, world)
    with pytest.raises(ValueError, match="unknown counters"):
        stats.bump_statement(appeal, opened=1)
    appeal.community_id = None
    with pytest.raises(ValueError, match="community"):
        stats.bump_statement(appeal, dispatched=1)


def test_rowsql_refuses_mixed_rows_and_stray_percent_signs(actors, world):
    appeal = submit(actors, world)
    with pytest.raises(ValueError, match="one model"):
        rowsql.insert([AppealEvent(appeal=appeal, pk=10**9), AppealEvent(appeal=appeal)])
    with pytest.raises(ValueError, match="placeholders"):
        rowsql._template("UPDATE t SET a = 'x%' WHERE b = %s")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_on_postgresql_the_writes_of_an_intake_are_one_statement(actors, world):
    """A 12345 hotline call (no resident to notify, so no SMS rows that need their ids back)."""

    def hotline() -> Appeal:
        return appeal_submit(
            actor=actors.staff_a, channel="hotline", text="路灯不亮", category=world.cat_urban, **IN_A
        ).appeal

    hotline()  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        appeal = hotline()
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"] or "UPDATE" in q["sql"]]
    assert len(writes) == 1, writes
    for table in (
        "appeals_appeal",
        "appeals_appealevent",
        "appeals_notification",
        "hotissues_appealfingerprint",
        "appeals_dailystat",
    ):
        assert f'INSERT INTO "{table}"' in writes[0]
    assert Appeal.objects.filter(pk=appeal.pk).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_simultaneous_intakes_add_up_in_a_rollup_row_none_of_them_found(actors, world):
    count = 6

    def intake(i: int) -> int:
        return appeal_submit(
            actor=None,
            channel="api",
            text=f"同时提交的诉求{i}",
            category=world.cat_urban,
            idempotency_key=f"rollup-race-{i}",
            **IN_A,
        ).appeal.pk

    results = run_together(count, intake)
    assert all(isinstance(r, int) for r in results), results
    assert DailyStat.objects.get(department=world.urban).dispatched == count
    assert AppealFingerprint.objects.filter(appeal_id__in=results).count() == count
    assert AppealEvent.objects.filter(appeal_id__in=results).count() == 3 * count


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_outside_a_transaction_a_hotline_intake_needs_no_begin_or_commit_and_a_replay_finds_it(actors, world):
    def hotline() -> tuple[Appeal, bool]:
        result = appeal_submit(
            actor=actors.staff_a,
            channel="hotline",
            text="路灯不亮",
            category=world.cat_urban,
            idempotency_key="no-begin",
            **IN_A,
        )
        return result.appeal, result.created

    with CaptureQueriesContext(connection) as queries:
        appeal, created = hotline()
    assert created
    assert not [q["sql"] for q in queries.captured_queries if q["sql"] in {"BEGIN", "COMMIT"}]
    assert AppealEvent.objects.filter(appeal=appeal).count() == 3
    assert hotline() == (appeal, False)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_a_resident_intake_still_runs_in_a_transaction(actors, world):
    with CaptureQueriesContext(connection) as queries:
        submit(actors, world)
    assert [q["sql"] for q in queries.captured_queries if q["sql"] in {"BEGIN", "COMMIT"}] == [
        "BEGIN",
        "COMMIT",
    ]


def test_percent_signs_and_quotes_in_the_text_are_stored_as_written(actors, world):
    text = "物业费上涨50%,业主说'不合理' %s %(x)s \\ 结尾"
    appeal = submit(actors, world, text=text, contact_name="O'Brien")
    stored = Appeal.objects.get(pk=appeal.pk)
    assert (stored.text, stored.contact_name) == (text, "O'Brien")
    assert AppealFingerprint.objects.get(appeal=appeal).text.startswith("物业费上涨")
