"""System checks on the deployment: with DEBUG off, no server starts on a key from the repository.

Registered by heating's AppConfig.ready() and not deploy-only, so plain `manage.py check`, `migrate`,
`runserver` and gunicorn's start (config/gunicorn.py) all run them.
"""
from django.conf import settings
from django.core.checks import Error, Tags, register

KEYS = ("SECRET_KEY", "ID_NUMBER_KEY")


@register(Tags.security)
def production_keys_check(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    for name in KEYS:
        value = getattr(settings, name, "")
        if not value:
            errors.append(
                Error(
                    f"{name} is not set and DEBUG is off.",
                    hint=f"Set {name} in the environment to a long random value of its own.",
                    id="config.E001",
                )
            )
        elif value == settings.DEVELOPMENT_KEY:
            errors.append(
                Error(
                    f"{name} is the development key that is in the repository and DEBUG is off.",
                    hint=f"Set {name} in the environment to a long random value of its own.",
                    id="config.E002",
                )
            )
    return errors
