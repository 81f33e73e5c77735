"""Background work for sign-in (Django Tasks, run by `gongzhi db_worker`)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from gongzhi.accounts.sms import get_sms_backend
from gongzhi.core import crypto

log = logging.getLogger("gongzhi.accounts")


@task()
def send_sign_in_code(code_id: int) -> str:
    """Send a one-time code by SMS if its phone belongs to a person; otherwise do nothing.

    The request answered the same either way (accounts.actions.otp_request); the lookup happens only
    here, in the worker. The code is read from its row, where it was kept encrypted, and wiped in the
    same transaction, so it is never in the task's arguments or result, and a second run sends
    nothing. The result is the same word whether or not a message went out."""
    from gongzhi.accounts.models import OneTimeCode
    from gongzhi.people.models import Person

    now = timezone.now()
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(pk=code_id, sent_at__isnull=True)
            .exclude(code_encrypted="")
            .first()
        )
        if otp is None:
            return "done"
        code = crypto.decrypt(otp.code_encrypted)
        otp.code_encrypted = ""
        otp.sent_at = now
        otp.save(update_fields=["code_encrypted", "sent_at"])
        if otp.used_at is not None or otp.expires_at <= now:
            return "done"
        person = Person.objects.filter(phone_index=otp.phone_index).order_by("id").first()
        phone = person.decrypt_phone() if person is not None else ""
        minutes = max(1, round((otp.expires_at - now).total_seconds() / 60))
    if phone:
        try:
            get_sms_backend().send(
                phone, f"【共治】您的登录验证码是{code},{minutes}分钟内有效。请勿告诉他人。"
            )
        except Exception:  # noqa: BLE001 - the gateway's error may quote the text: log no details
            log.warning("sign-in code %s: the SMS gateway refused the message", code_id)
    return "done"
