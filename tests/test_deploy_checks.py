"""Production keys and HTTPS: a server with DEBUG off never runs on a key from the repository."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.core.checks.registry import registry

from config.checks import production_keys_check

ROOT = Path(__file__).resolve().parent.parent
# What the tests below set themselves, dropped from the environment they inherit.
OURS = {
    "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ID_NUMBER_KEY", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "TRUSTED_PROXY_COUNT",
}
KEYS = {"SECRET_KEY": "a-production-key-of-its-own", "ID_NUMBER_KEY": "an-id-number-key-of-its-own"}


def _run(args, **env):
    """Run a command with the real settings (config.settings) under exactly `env` of ours."""
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        args, cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, timeout=60,
    )


def _manage_check(**env):
    return _run([sys.executable, "manage.py", "check"], **env)


def _settings(*names, **env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = _run([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _ids(errors):
    return sorted((error.id, error.msg.split()[0]) for error in errors)


def test_with_debug_off_and_no_keys_check_fails_on_both():
    result = _manage_check(DEBUG="false")

    assert result.returncode == 1
    assert "(config.E002) SECRET_KEY is the development key" in result.stderr
    assert "(config.E001) ID_NUMBER_KEY is not set" in result.stderr


def test_with_debug_off_and_the_development_key_set_outright_check_fails(settings):
    keys = {**KEYS, "ID_NUMBER_KEY": settings.DEVELOPMENT_KEY}

    result = _manage_check(DEBUG="false", **keys)

    assert result.returncode == 1
    assert "(config.E002) ID_NUMBER_KEY is the development key" in result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_with_debug_off_and_keys_of_its_own_check_passes():
    result = _manage_check(DEBUG="false", **KEYS)

    assert result.returncode == 0, result.stderr


def test_development_with_debug_on_runs_on_the_development_key():
    assert _manage_check(DEBUG="true").returncode == 0
    assert _settings("SECRET_KEY", "ID_NUMBER_KEY", DEBUG="true") == {
        "SECRET_KEY": "insecure-dev-key-change-me-in-production-0123456789",
        "ID_NUMBER_KEY": "insecure-dev-key-change-me-in-production-0123456789",
    }


def test_the_keys_check_runs_without_deploy_and_the_test_settings_pass_it():
    assert production_keys_check in registry.get_checks(include_deployment_checks=False)
    assert run_checks(tags=[Tags.security]) == []


@pytest.mark.parametrize(
    ("secret_key", "id_number_key", "expected"),
    [
        ("dev", "dev", [("config.E002", "SECRET_KEY"), ("config.E002", "ID_NUMBER_KEY")]),
        ("own", "", [("config.E001", "ID_NUMBER_KEY")]),
        ("own", "own-too", []),
    ],
)
def test_the_keys_check_names_each_bad_key(settings, secret_key, id_number_key, expected):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_KEY if secret_key == "dev" else secret_key
    settings.ID_NUMBER_KEY = settings.DEVELOPMENT_KEY if id_number_key == "dev" else id_number_key

    assert _ids(production_keys_check(None)) == sorted(expected)


def test_https_settings_are_off_by_default_and_the_throttle_has_defaults():
    assert _settings(
        "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME",
        "TRUSTED_PROXY_COUNT",
    ) == {
        "SECURE_SSL_REDIRECT": False, "SECURE_PROXY_SSL_HEADER": None, "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False,
        "AXES_FAILURE_LIMIT": 5, "AXES_COOLOFF_TIME": "0:15:00", "TRUSTED_PROXY_COUNT": 0,
    }


def test_https_settings_and_the_throttle_come_from_the_environment():
    assert _settings(
        "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME",
        "TRUSTED_PROXY_COUNT",
        SECURE_SSL_REDIRECT="true", SECURE_PROXY_SSL_HEADER="true", SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true", LOGIN_FAILURE_LIMIT="8",
        LOGIN_COOLOFF_MINUTES="60", TRUSTED_PROXY_COUNT="2",
    ) == {
        "SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "AXES_FAILURE_LIMIT": 8, "AXES_COOLOFF_TIME": "1:00:00", "TRUSTED_PROXY_COUNT": 2,
    }


@pytest.fixture
def https_on(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.django_db
def test_with_the_ssl_redirect_on_pages_redirect_but_the_healthcheck_answers(client, https_on):
    page = client.get("/calculator/")
    health = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/calculator/"
    assert health.status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_an_https_request_gets_hsts(client, https_on):
    response = client.get("/calculator/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
