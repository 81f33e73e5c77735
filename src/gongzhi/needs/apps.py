from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "gongzhi.needs"
    label = "needs"
    verbose_name = "项目库(需求与资源)"
