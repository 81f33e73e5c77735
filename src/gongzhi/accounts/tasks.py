"""Background work for sign-in (Django Tasks, run by `gongzhi db_worker`)."""

import logging

from django.tasks import task
from django.utils import timezone

from gongzhi.accounts.actions import otp_take_for_sending
from gongzhi.accounts.sms import get_sms_backend

log = logging.getLogger("gongzhi.accounts")


@task()
def send_sign_in_code(code_id: int) -> str:
    """Send a one-time code by SMS if its phone belongs to a person; otherwise do nothing.

    The request answered the same either way (accounts.actions.otp_request); the lookup happens only
    here, in the worker. The code is read from its row, where it was kept encrypted, and wiped in the
    same transaction, so it is never in the task's arguments or result, and a second run sends
    nothing. The result is the same word whether or not a message went out."""
    taken = otp_take_for_sending(code_id=code_id, now=timezone.now())
    if taken is None:
        return "done"
    phone, code, minutes = taken
    if phone:
        try:
            get_sms_backend().send(
                phone, f"【共治】您的登录验证码是{code},{minutes}分钟内有效。请勿告诉他人。"
            )
        except Exception:  # noqa: BLE001 - the gateway's error may quote the text: log no details
            log.warning("sign-in code %s: the SMS gateway refused the message", code_id)
    return "done"
