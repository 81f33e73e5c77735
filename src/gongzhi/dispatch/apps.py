from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "gongzhi.dispatch"
    label = "dispatch"
    verbose_name = "秒拨"
