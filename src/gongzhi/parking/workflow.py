"""States of applications and permits (core.lifecycle tables whose actions are the target states;
the final states go nowhere), and the priority tiers of the draw (decision 0019)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import StatusTable


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待摇号")
    ALLOCATED = "allocated", _("已获停车证")
    NOT_ALLOCATED = "not_allocated", _("未中签")
    WITHDRAWN = "withdrawn", _("已撤回")


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")


class Tier(models.IntegerChoices):
    """Lower goes first. Need is read from the household when the application is made."""

    NEED = 0, _("优先:老人或残疾人家庭")
    NO_OWN_SPACE = 1, _("优先:无自有车位")
    OTHER = 2, _("其他")


# A pending application is drawn (allocated or not) or withdrawn; every other state is final. An
# active permit may be revoked.
APPLICATION_TABLE = StatusTable.from_moves(
    {ApplicationStatus.PENDING: set(ApplicationStatus) - {ApplicationStatus.PENDING}},
    labels=(ApplicationStatus,),
)
PERMIT_TABLE = StatusTable.from_moves({PermitStatus.ACTIVE: {PermitStatus.REVOKED}}, labels=(PermitStatus,))
