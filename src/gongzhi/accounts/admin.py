from django.contrib import admin

from gongzhi.accounts.models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["territory", "organisation"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "person", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "person__name"]
    list_filter = ["is_active", "is_staff"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]
    raw_id_fields = ["person"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "territory", "organisation", "starts_on", "ends_on"]
    list_filter = ["role"]
    search_fields = ["person__name"]
    raw_id_fields = ["person", "territory", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are created through accounts.actions.token_create (raw value shown once)
