from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from gongzhi.accounts import checks  # noqa: F401 - registers the SMS gateway's deploy check
        from gongzhi.accounts.roles import compute_scope
        from gongzhi.core import scoping

        scoping.set_scope_resolver(compute_scope)  # core sits below accounts (decision 0043)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with a site whose sign-in is the staff page (lockout and audit, decision 0038)."""

    default = False
    default_site = "gongzhi.accounts.admin_site.AdminSite"
