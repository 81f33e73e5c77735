from django.contrib import admin

from gongzhi.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    """Read-only: the audit log can be searched here, never changed."""

    list_display = ["at", "kind", "actor_label", "action", "object_label", "reason"]
    list_filter = ["kind", "action"]
    search_fields = ["actor_label", "object_label", "object_id"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
