from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "gongzhi.dispatch"
    label = "dispatch"
    verbose_name = "秒拨"

    def ready(self) -> None:
        # function-level: Django's app registry must be ready before the models these modules import
        from gongzhi.appeals import hooks
        from gongzhi.dispatch import actions, predict, queries

        # appeals sits below dispatch and asks through these (decision 0043)
        hooks.register(
            predict_at_intake=predict.for_intake,
            record_dispatch_choice=actions.record_correction,
            suggestion=queries.suggestion,
        )
