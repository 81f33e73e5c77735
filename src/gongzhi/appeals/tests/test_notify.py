"""The resident's SMS: sent once after commit by the task, a gateway failure recorded and retried
with back-off, given up after MAX_SMS_ATTEMPTS; no SMS for an anonymous appeal."""

import pytest
from django.test import override_settings

from gongzhi.accounts.sms import OutboxSmsBackend
from gongzhi.appeals.actions_notify import MAX_SMS_ATTEMPTS, notify_resident
from gongzhi.appeals.models import Notification
from gongzhi.appeals.tasks import send_notification_sms
from gongzhi.appeals.tests.helpers import submit
from gongzhi.core import crypto

pytestmark = pytest.mark.django_db


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("网关超时")


@pytest.fixture
def notice(actors, world) -> Notification:  # type: ignore[no-untyped-def]
    person = actors.resident_a.person
    person.phone_cipher = crypto.encrypt("13800138000")
    person.save(update_fields=["phone_cipher"])
    appeal = submit(actors, world)
    Notification.objects.filter(appeal=appeal).delete()
    notify_resident(appeal, "replied")
    return Notification.objects.get(appeal=appeal, kind="replied")


@override_settings(SMS_BACKEND="gongzhi.accounts.sms.OutboxSmsBackend")
def test_the_sms_is_sent_once(notice):
    OutboxSmsBackend.outbox.clear()
    assert send_notification_sms.call(notice.pk) == "sent"
    assert send_notification_sms.call(notice.pk) == "skipped"
    assert OutboxSmsBackend.outbox == [("13800138000", f"【共治】{notice.text}")]
    notice.refresh_from_db()
    assert (notice.sms_attempts, notice.sms_error) == (1, "")
    assert notice.sms_sent_at is not None


@override_settings(SMS_BACKEND="gongzhi.appeals.tests.test_notify.BrokenGateway")
def test_a_failing_gateway_is_recorded_retried_and_given_up(notice):
    assert send_notification_sms.call(notice.pk) == "retry"
    notice.refresh_from_db()
    assert (notice.sms_attempts, notice.sms_error, notice.sms_sent_at) == (1, "网关超时", None)
    for _ in range(MAX_SMS_ATTEMPTS - 2):
        assert send_notification_sms.call(notice.pk) == "retry"
    assert send_notification_sms.call(notice.pk) == "failed"
    assert send_notification_sms.call(notice.pk) == "skipped"
    notice.refresh_from_db()
    assert notice.sms_attempts == MAX_SMS_ATTEMPTS


def test_an_anonymous_appeal_gets_no_resident_notice(actors, world):
    appeal = submit(actors, world, anonymous=True)
    Notification.objects.filter(appeal=appeal).delete()
    notify_resident(appeal, "replied")
    assert not Notification.objects.filter(appeal=appeal).exists()
