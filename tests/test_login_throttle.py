"""Password guessing: django-axes locks out a username and an address after LOGIN_FAILURE_LIMIT failures."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from config.login_throttle import client_address

from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED_ZH = "登录失败次数过多，已暂停登录。请 15 分钟后再试，或请管理员解锁。"
LOCKED_EN = "Too many failed sign-ins: signing in is paused. Try again in 15 minutes"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def _sign_in(client, username, password, url=LOGIN, address="127.0.0.1", **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def _guess(client, username, times, url=LOGIN, address="127.0.0.1"):
    for _ in range(times):
        assert _sign_in(client, username, "wrong", url, address).status_code in (200, 429)


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_it_signs_in_after_fewer_failures_than_the_limit(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT - 1)

    assert _signed_in(_sign_in(client, "alice", "pw"))


def test_after_the_limit_the_right_password_is_refused_with_the_reason(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)

    response = _sign_in(client, "alice", "pw")

    assert response.status_code == 429
    assert not _signed_in(response)
    assert LOCKED_ZH in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # The login page again, ready for the visitor's return.
    assert 'name="password"' in response.content.decode()


def test_the_lockout_reason_is_in_english_on_request(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)

    response = _sign_in(client, "alice", "pw", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()


def test_the_lockout_page_keeps_a_safe_next_and_drops_another_site(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)

    kept = client.post(LOGIN, {"username": "alice", "password": "pw", "next": "/company/readings/entry/"})
    dropped = client.post(LOGIN, {"username": "alice", "password": "pw", "next": "https://evil.example/"})

    assert 'value="/company/readings/entry/"' in kept.content.decode()
    assert "evil.example" not in dropped.content.decode()


def test_another_user_from_the_same_address_is_limited_by_the_address_rule(client, alice, bob, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT, address="10.0.0.7")

    assert _sign_in(client, "bob", "pw", address="10.0.0.7").status_code == 429
    assert _signed_in(_sign_in(client, "bob", "pw", address="10.0.0.8"))


def test_guessing_one_username_from_many_addresses_is_limited_by_the_username_rule(client, alice, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _guess(client, "alice", 1, address=f"10.0.1.{n}")

    assert _sign_in(client, "alice", "pw", address="10.0.2.1").status_code == 429


def test_sign_ins_refused_during_the_lockout_do_not_extend_it(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)
    last_failure = AccessAttempt.objects.get().attempt_time

    assert _sign_in(client, "alice", "wrong").status_code == 429

    assert AccessAttempt.objects.get().attempt_time == last_failure


def test_the_cool_off_ends(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, "alice", "pw").status_code == 429
    # As if the cool-off had passed since the last failure.
    attempt = AccessAttempt.objects.get()
    attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    attempt.save()

    assert _signed_in(_sign_in(client, "alice", "pw"))


def test_an_administrator_unlocks_a_username(client, alice, settings):
    _guess(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, "alice", "pw").status_code == 429

    call_command("axes_reset_username", "alice")

    assert _signed_in(_sign_in(client, "alice", "pw"))


def test_the_admin_login_is_throttled_too(client, settings):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    _guess(client, "root", settings.AXES_FAILURE_LIMIT, url=ADMIN_LOGIN)

    response = _sign_in(client, "root", "pw", url=ADMIN_LOGIN)

    assert response.status_code == 429
    assert not _signed_in(response)
    assert LOCKED_ZH in response.content.decode()


def test_failures_on_the_portal_lock_the_admin_login_as_well(client, settings):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    _guess(client, "root", settings.AXES_FAILURE_LIMIT)

    assert _sign_in(client, "root", "pw", url=ADMIN_LOGIN).status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302


def _request(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post(LOGIN, **headers)


def test_without_a_trusted_proxy_the_address_is_the_peer_and_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_trusted_proxy_the_address_is_the_one_it_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The left entry is the client's own claim; the proxy appended what it saw.
    assert client_address(_request("172.18.0.5", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_address(_request("172.18.0.5")) == "172.18.0.5"


def test_behind_a_proxy_visitors_do_not_lock_each_other_out(client, bob, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "172.18.0.5"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "alice", "password": "x"}, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR="198.51.100.1")

    response = client.post(LOGIN, {"username": "bob", "password": "pw"}, REMOTE_ADDR=proxy,
                           HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert _signed_in(response)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("name", ["x" * 300, "admin\x00"])
def test_an_overlong_or_nul_username_is_an_ordinary_failure(client, path, name):
    """axes records the username it counts: longer than any user's, or with a NUL, PostgreSQL would
    refuse the row (a 500)."""
    client.raise_request_exception = False

    response = client.post(path, {"username": name, "password": "wrong"})

    assert response.status_code == 200
