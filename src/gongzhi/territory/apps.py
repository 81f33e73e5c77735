from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "gongzhi.territory"
    label = "territory"
    verbose_name = "区划网格"

    def ready(self) -> None:
        # Imported in ready(): views and queries load models, which the app registry holds only now.
        from gongzhi.core import views as core_views
        from gongzhi.territory.queries import home_summary

        core_views.set_home_summary(home_summary)  # core's home page reads it here (decision 0043)
