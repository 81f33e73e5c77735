"""Background work for appeals (Django Tasks, run by `gongzhi db_worker`)."""

import datetime

from django.tasks import task
from django.utils import timezone

from gongzhi.appeals.actions_notify import MAX_SMS_ATTEMPTS, notification_sms_try


@task()
def send_notification_sms(notification_id: int) -> str:
    """Idempotent: a notification already sent is skipped, so a retried task never double-sends."""
    row = notification_sms_try(notification_id)
    if row is None:
        return "skipped"
    if row.sms_sent_at is None and row.sms_attempts < MAX_SMS_ATTEMPTS:
        send_notification_sms.using(
            run_after=timezone.now() + datetime.timedelta(minutes=2**row.sms_attempts)
        ).enqueue(notification_id)
        return "retry"
    return "sent" if row.sms_sent_at else "failed"
