from django.apps import AppConfig


class ParkingConfig(AppConfig):
    name = "gongzhi.parking"
    label = "parking"
    verbose_name = "错峰共享停车"
