from django.apps import AppConfig


class SubsidyConfig(AppConfig):
    name = "subsidy"
    verbose_name = "财政补贴"

    def ready(self):
        # Registers the subsidy job handler with heating's job runner and the subsidy demo data with
        # seed_demo: heating never imports subsidy, so subsidy hooks itself in when Django starts.
        from subsidy import demo  # noqa: F401
        from subsidy.services import figures_job, whatif  # noqa: F401
