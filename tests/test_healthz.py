import socket

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_it_reports_the_database_ok(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "ok"


def test_it_reports_an_eager_broker_as_in_process(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("healthz"))

    assert response.json()["broker"] == "in-process"


@pytest.mark.redis
def test_it_pings_a_real_redis_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_is_503_naming_the_error_when_the_broker_is_down(client, settings):
    port = _closed_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"].startswith("ConnectionError")
    assert str(port) in body["broker"]


def test_it_is_503_naming_the_error_when_the_database_is_down(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    monkeypatch.setattr("config.health.connection", _UnreachableDatabase())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "OperationalError: connection refused"
