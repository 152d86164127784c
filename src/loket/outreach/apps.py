from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "loket.outreach"
    label = "outreach"
    verbose_name = "Pengingat dan persetujuan"

    def ready(self) -> None:
        from loket.outreach import campaigns, question, reminders, retention  # noqa: F401  (jobs, the question)

        retention.register()
        from loket.outreach.preferences import summary_line
        from loket.privacy.rights import register_summary_line

        register_summary_line(summary_line)  # DATA SAYA says whether reminders are on
