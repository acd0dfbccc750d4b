"""Fast settings for the test suite: the real settings, minus slow hashing, manifests and brokers.

Tests marked `redis` or `postgres` reach the real services themselves (see conftest.py).
"""
from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
# Keys of their own, not the development key: pytest-django runs with DEBUG off, where the
# production-keys check (config/checks.py) refuses that one.
SECRET_KEY = "test-secret-key-not-secret"
ID_NUMBER_KEY = "test-id-number-key-not-secret"
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.RequestOptionalAxesBackend",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
# No row per force_login(); failed sign-ins are still counted.
AXES_DISABLE_ACCESS_LOG = True
# Serve static files from the finders, so no test needs collectstatic first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
