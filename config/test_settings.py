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
ID_NUMBER_KEY = "test-id-number-key-not-secret"
# Serve static files from the finders, so no test needs collectstatic first.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
