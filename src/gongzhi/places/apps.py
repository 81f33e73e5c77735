from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "gongzhi.places"
    label = "places"
    verbose_name = "党群服务中心、场地与活动"

    def ready(self) -> None:
        from gongzhi.places.geo import CENTRE_INDEX
        from gongzhi.places.models import Centre

        CENTRE_INDEX.watch(Centre)  # every centre saved or deleted moves the nearest-centre index
