"""Writes of notifications: an inbox row in the same transaction as the change, SMS sent after
commit by the task worker (a failed send is retried there and never rolls the appeal back). The
texts and the department's handlers are read in notify.py."""

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.sms import get_sms_backend
from gongzhi.appeals.models import Appeal, Notification
from gongzhi.appeals.notify import RESIDENT_TEXT, department_rows

MAX_SMS_ATTEMPTS = 5


def notify_resident(appeal: Appeal, kind: str) -> None:
    if appeal.submitter_id is None or appeal.anonymous:
        return
    department = appeal.department.name if appeal.department is not None else ""
    text = RESIDENT_TEXT[kind].format(number=appeal.number, department=department)
    account = getattr(appeal.submitter, "account", None)
    row = Notification.objects.create(
        recipient=account,
        recipient_person_id=appeal.submitter_id,
        appeal=appeal,
        kind=kind,
        text=text,
        sms_wanted=True,
    )
    _enqueue_sms(row.pk)


def notify_department(appeal: Appeal, kind: str, text: str, handlers: list[int] | None = None) -> None:
    """Every current handler account of the appeal's department gets an inbox row."""
    rows = department_rows(appeal, kind, text, handlers)
    if rows:
        Notification.objects.bulk_create(rows)


def _enqueue_sms(notification_id: int) -> None:
    # function-level: tasks imports this module (the task calls notification_sms_try)
    from gongzhi.appeals.tasks import send_notification_sms

    transaction.on_commit(lambda: send_notification_sms.enqueue(notification_id))


@transaction.atomic
def notification_sms_try(notification_id: int) -> Notification | None:
    """One try at the notification's SMS, recorded on its row (attempts, sent time or the gateway's
    error). None when there is nothing to send: already sent, out of tries, or no recipient.
    Idempotent: the row is locked, and a sent one is skipped, so a retried task never double-sends."""
    row = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient_person")
        .filter(pk=notification_id, sms_wanted=True, sms_sent_at__isnull=True)
        .first()
    )
    if row is None or row.sms_attempts >= MAX_SMS_ATTEMPTS or row.recipient_person is None:
        return None
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
    return row
