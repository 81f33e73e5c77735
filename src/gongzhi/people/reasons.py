"""Why someone looks at personal data in full: a reason from a fixed list, with words of one's own
when the list has none that fits (decision 0039). The audit row keeps the code and the Chinese text."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

OTHER_MIN_CHARS = 4
TEXT_MAX_CHARS = 200


class RevealReason(models.TextChoices):
    VISIT = "visit", _("入户走访核实")
    APPEAL = "appeal", _("办理诉求需联系本人")
    AID = "aid", _("困难帮扶救助")
    EMERGENCY = "emergency", _("应急处置")
    REVIEW = "review", _("上级核查")
    OTHER = "other", _("其他")


# The audit log is read by Chinese auditors whatever language the reader chose: the stored reason
# is always these words, never the translated label.
CHINESE = {
    RevealReason.VISIT: "入户走访核实",
    RevealReason.APPEAL: "办理诉求需联系本人",
    RevealReason.AID: "困难帮扶救助",
    RevealReason.EMERGENCY: "应急处置",
    RevealReason.REVIEW: "上级核查",
    RevealReason.OTHER: "其他",
}


class BadReason(ValueError):
    """Carries a message in Chinese for the user."""


def reason_text(code: str, text: str = "") -> str:
    """The reason as the audit row stores it ("上级核查" or "其他:核实低保申请"), or BadReason."""
    text = " ".join((text or "").split())
    if code not in CHINESE:
        raise BadReason(gettext("请选择查看事由"))
    if len(text) > TEXT_MAX_CHARS:
        raise BadReason(gettext("事由说明不能超过200字"))
    if code == RevealReason.OTHER and len(text) < OTHER_MIN_CHARS:
        raise BadReason(gettext("选择“其他”时请写明具体事由(至少4个字)"))
    label = CHINESE[RevealReason(code)]
    return f"{label}:{text}" if text else label
