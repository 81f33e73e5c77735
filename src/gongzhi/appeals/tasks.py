"""Background work for appeals (Django Tasks, run by `gongzhi db_worker`)."""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from gongzhi.accounts.sms import get_sms_backend

MAX_SMS_ATTEMPTS = 5


@task()
def send_notification_sms(notification_id: int) -> str:
    """Idempotent: a notification already sent is skipped, so a retried task never double-sends."""
    from gongzhi.appeals.models import Notification

    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient_person")
            .filter(pk=notification_id, sms_wanted=True, sms_sent_at__isnull=True)
            .first()
        )
        if row is None or row.sms_attempts >= MAX_SMS_ATTEMPTS or row.recipient_person is None:
            return "skipped"
        phone = row.recipient_person.decrypt_phone()
        row.sms_attempts += 1
        try:
            if phone:
                get_sms_backend().send(phone, f"【共治】{row.text}")
            row.sms_sent_at = timezone.now()
            row.sms_error = ""
        except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded and retried
            row.sms_error = str(exc)[:200]
        row.save(update_fields=["sms_attempts", "sms_sent_at", "sms_error"])
    if row.sms_sent_at is None and row.sms_attempts < MAX_SMS_ATTEMPTS:
        send_notification_sms.using(
            run_after=timezone.now() + timezone.timedelta(minutes=2**row.sms_attempts)
        ).enqueue(notification_id)
        return "retry"
    return "sent" if row.sms_sent_at else "failed"
