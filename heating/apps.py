from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeatingConfig(AppConfig):
    name = "heating"
    verbose_name = _("供暖账户")

    def ready(self):
        # The deployment checks sit beside the settings they check; importing them registers them.
        from config import checks  # noqa: F401
