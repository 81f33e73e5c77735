"""Writes of the hotissues app: a resident's "me too" (附议)."""

from typing import Any

from django.db import transaction
from django.http import Http404

from gongzhi.appeals.models import Appeal
from gongzhi.core.errors import BadInput
from gongzhi.core.scoping import get_scope
from gongzhi.hotissues.models import Support


class SupportError(BadInput):
    """A "me too" we refuse (400)."""


@transaction.atomic
def support_add(*, actor: Any, appeal_id: int) -> tuple[Support, int]:
    """Idempotent: a second "me too" by the same person changes nothing. Only open, public appeals
    (or ones the actor may see) can be supported. Returns the support and the appeal's count."""
    person_id = get_scope(actor).person_id
    if person_id is None:
        raise SupportError("请先登录")
    visible = Appeal.objects.visible_to(actor) | Appeal.objects.filter(public=True)
    appeal = visible.open().filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404
    support, _ = Support.objects.get_or_create(appeal=appeal, person_id=person_id)
    return support, Support.objects.filter(appeal=appeal).count()
