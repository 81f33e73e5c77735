from django.apps import AppConfig


class HotissuesConfig(AppConfig):
    name = "gongzhi.hotissues"
    label = "hotissues"
    verbose_name = "重复与热点"
