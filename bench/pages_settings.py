"""The settings of bench/pages.py's gunicorn: the portal's own (DEBUG off), with bench/pages_urls.py as
the urlconf and the static files collected into BENCH_STATIC_ROOT."""

import os

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ROOT_URLCONF = "bench.pages_urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
# The same manifest, so {% static %} costs a page what it costs in production, without whitenoise's
# compressed copies: they serve static files, which the benchmark never asks for, and take minutes.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
