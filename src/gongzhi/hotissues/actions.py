"""Writes of the hotissues app: a resident's "me too" (附议), and the duplicate-check fingerprints
of stored appeals (a new appeal's is written with intake's own statement, decision 0031)."""

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from gongzhi.appeals.models import Appeal
from gongzhi.core.actors import Actor
from gongzhi.core.errors import BadInput
from gongzhi.core.scoping import get_scope
from gongzhi.hotissues.duplicates import PLACE_LEVELS, fingerprint_row
from gongzhi.hotissues.models import AppealFingerprint, Support


class SupportError(BadInput):
    """A "me too" we refuse (400)."""


@transaction.atomic
def support_add(*, actor: Actor, appeal_id: int) -> tuple[Support, int]:
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


def fingerprint_appeal(appeal: Appeal, *, new: bool = False) -> AppealFingerprint | None:
    """Write (or refresh) the fingerprint of a stored appeal. Idempotent; `new=True` (an appeal
    just inserted in this transaction) writes with one INSERT instead of update_or_create's
    savepoint, locking read and write."""
    fp = fingerprint_row(appeal)
    if fp is None or new:
        if fp is not None:
            fp.save(force_insert=True)
        return fp
    fields = {
        f.name: getattr(fp, f.attname) for f in AppealFingerprint._meta.concrete_fields if not f.primary_key
    }
    fp, _ = AppealFingerprint.objects.update_or_create(appeal=appeal, defaults=fields)
    return fp


def fingerprint_missing(batch: int = 2000) -> int:
    """Backfill: fingerprints for pinned (or address-matched) appeals that have none."""
    done = 0
    missing = (
        Appeal.objects.filter(Q(lon__isnull=False, lat__isnull=False) | Q(territory__level__in=PLACE_LEVELS))
        .exclude(pk__in=AppealFingerprint.objects.values("appeal_id"))
        .select_related("territory")
    )
    for appeal in missing.iterator(chunk_size=batch):
        done += fingerprint_appeal(appeal) is not None
    return done
