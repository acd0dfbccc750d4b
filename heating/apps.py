from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeatingConfig(AppConfig):
    name = "heating"
    verbose_name = _("供暖账户")
