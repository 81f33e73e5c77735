from django.apps import AppConfig


class HotissuesConfig(AppConfig):
    name = "gongzhi.hotissues"
    label = "hotissues"
    verbose_name = "重复与热点"

    def ready(self) -> None:
        # function-level: Django's app registry must be ready before the models these modules import
        from gongzhi.appeals import hooks
        from gongzhi.hotissues.duplicates import fingerprint_row

        hooks.register(fingerprint_row=fingerprint_row)  # written with intake's statement (decision 0043)
