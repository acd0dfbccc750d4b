"""Activation codes cannot be guessed: LOGIN_FAILURE_LIMIT wrong codes lock out the 户号 (from any
address) and the address (for any 户号) for LOGIN_COOLOFF_MINUTES, and during the lockout even the
right code is refused, unchecked and unconsumed; the page says why, in the visitor's language."""

import pytest
from django.core.cache import cache

from heating.services.activation import activation_code_check

from .conftest import code_for, step_one

pytestmark = pytest.mark.django_db
LOCKED_ZH = "户号或激活码输错次数过多，已暂停开通。请 15 分钟后再试"
LOCKED_EN = "Too many wrong account numbers or codes: activation is paused. Try again in 15 minutes"


def guesses(client, account, count, **where):
    return [step_one(client, account, f"GUESS{n:03d}", **where).status_code for n in range(count)]


def test_a_brute_force_is_stopped_and_the_right_code_then_refused(client, homes, settings):
    code = code_for(homes.first)

    statuses = guesses(client, homes.first, settings.AXES_FAILURE_LIMIT + 3)
    right = step_one(client, homes.first, code)

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * 4
    assert right.status_code == 429 and right["Retry-After"] == str(15 * 60)
    assert LOCKED_ZH in right.content.decode()
    assert "resident_activation" not in client.session
    assert activation_code_check(homes.first, code), "refused unchecked: still the household's to use"


def test_the_number_is_locked_from_every_address(client, homes, settings):
    code = code_for(homes.first)
    for n in range(settings.AXES_FAILURE_LIMIT):
        step_one(client, homes.first, "WRONG", address=f"10.0.1.{n}")

    assert step_one(client, homes.first, code, address="10.9.9.9").status_code == 429


def test_the_address_is_locked_for_every_number(client, homes, settings):
    code = code_for(homes.second)
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/activate/", {"number": f"0{n:06d}", "code": "WRONG"}, REMOTE_ADDR="10.0.0.7")

    assert step_one(client, homes.second, code, address="10.0.0.7").status_code == 429
    assert step_one(client, homes.second, code, address="10.0.0.8").status_code == 302


def test_a_number_no_account_has_locks_out_just_the_same(client, homes, settings):
    statuses = [
        client.post(
            "/activate/", {"number": "0999999", "code": "WRONG"}, REMOTE_ADDR=f"10.0.2.{n}"
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert statuses[-1] == 429


def test_the_lockout_ends_with_the_cooloff(client, homes, settings):
    code = code_for(homes.first)
    guesses(client, homes.first, settings.AXES_FAILURE_LIMIT)
    cache.clear()  # what the cache's expiry does LOGIN_COOLOFF_MINUTES after the last failure

    assert step_one(client, homes.first, code).status_code == 302


def test_the_reason_is_in_english_on_request(client, homes, settings):
    guesses(client, homes.first, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/activate/",
        {"number": homes.first.number, "code": "X"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429 and LOCKED_EN in response.content.decode()


def test_a_taken_phone_counts_as_a_failure(client, homes, settings):
    from tests.factories import UserFactory

    from .conftest import PHONE, step_two

    UserFactory(username=PHONE)
    code = code_for(homes.first)
    step_one(client, homes.first, code)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        step_two(client)

    assert step_one(client, homes.first, code).status_code == 429


@pytest.mark.redis
def test_the_counts_live_in_redis_where_every_worker_sees_them(client, homes, settings):
    import uuid

    from django.core.cache import caches

    from heating.services.activation_throttle import _keys

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # the database is shared: touch only our keys
        }
    }
    code = code_for(homes.first)
    try:
        guesses(client, homes.first, settings.AXES_FAILURE_LIMIT)
        keys = caches["default"].get_many(_keys(homes.first.number, "10.0.0.1"))

        assert list(keys.values()) == [settings.AXES_FAILURE_LIMIT] * 2
        assert step_one(client, homes.first, code).status_code == 429
        ttl = (
            caches["default"]
            ._cache.get_client()
            .ttl(caches["default"].make_and_validate_key(_keys(homes.first.number, "x")[0]))
        )
        assert 0 < ttl <= 15 * 60
    finally:
        caches["default"].delete_many(_keys(homes.first.number, "10.0.0.1"))
