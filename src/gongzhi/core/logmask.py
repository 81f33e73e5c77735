"""The last line before a log file: ID numbers, mobile numbers and one-time codes are masked in every
record that reaches the project's handlers (Django's, gunicorn's, the worker's).

A safety net, not the rule: code must not log these values in the first place (issue 13 point 6).
Pure `re` and `logging`, so gunicorn's master can load it before Django is set up."""

import logging
import re

# Resident ID (GB 11643): 17 digits and a check digit or X; not part of a longer run of digits.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Mainland mobile: 1, then 3-9, then 9 digits; optionally +86 / 86 in front.
MOBILE = re.compile(r"(?<![\d.])(?:\+?86[ -]?)?1[3-9]\d{9}(?![\d.])")
# Sign-in codes: six digits standing alone, after a word that names a code ("验证码是482913",
# "code=482913"). Not every six-digit number: row ids in paths (/nodes/104233) must stay readable.
CODE = re.compile(r"((?:验证码|code|otp)[^\d\n]{0,16})(?<![\d.])\d{6}(?![\d.])", re.IGNORECASE)


def mask_personal(text: str) -> str:
    """The text with each ID number, mobile number and named 6-digit code replaced by a fixed token."""
    if not any(c.isdigit() for c in text):
        return text
    text = ID_NUMBER.sub("[身份证号已隐去]", text)
    text = MOBILE.sub("[手机号已隐去]", text)
    return CODE.sub(r"\1[******]", text)


class MaskPersonalData(logging.Filter):
    """Handler filter: formats the record's message once, masks it, and drops the arguments; the
    traceback text is masked too (an exception message can quote the value that failed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter's own error path
            return True
        record.msg = mask_personal(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True
