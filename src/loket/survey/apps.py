from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "loket.survey"
    label = "survey"
    verbose_name = "Survei kepuasan"

    def ready(self) -> None:
        from loket.messaging import port
        from loket.survey import flow, invitations, retention  # noqa: F401  (signals, retention kinds)

        port.expect_answers(flow.PREFIX, flow.on_choice, flow.on_text)
