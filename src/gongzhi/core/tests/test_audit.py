import pytest
from django.db import DatabaseError, transaction

from gongzhi.core import audit
from gongzhi.core.models import AuditEntry


@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted_even_through_the_orm():
    entry = audit.record_write(actor=None, action="test.write", object_label="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
