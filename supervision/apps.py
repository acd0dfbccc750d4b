from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "价格执行监督"

    def ready(self):
        # Registers the compliance job's handler with heating's job runner: heating never imports
        # supervision, so supervision hooks itself in when Django starts (as subsidy does).
        from supervision.services import check_job  # noqa: F401
