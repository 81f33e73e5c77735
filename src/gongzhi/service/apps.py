from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "gongzhi.service"
    label = "service"
    verbose_name = "服务(红小二、双报到、点单、微心愿、结对)"
