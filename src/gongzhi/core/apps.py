from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gongzhi.core import checks  # noqa: F401 - registers the deploy checks
        from gongzhi.core.filemodes import owner_only_sqlite

        connection_created.connect(owner_only_sqlite, dispatch_uid="gongzhi.core.owner_only_sqlite")
