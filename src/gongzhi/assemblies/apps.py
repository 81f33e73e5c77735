from django.apps import AppConfig


class AssembliesConfig(AppConfig):
    name = "gongzhi.assemblies"
    label = "assemblies"
    verbose_name = "业主大会"
