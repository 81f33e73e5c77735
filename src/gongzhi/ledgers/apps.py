from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "gongzhi.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"
