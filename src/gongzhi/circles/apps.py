from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "gongzhi.circles"
    label = "circles"
    verbose_name = "资源库与15分钟服务圈"
