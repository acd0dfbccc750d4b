"""Wrong activation codes are limited like failed sign-ins (django-axes, config.login_throttle): the
same LOGIN_FAILURE_LIMIT failures within LOGIN_COOLOFF_MINUTES lock out the 户号 typed, and so many from
one address lock out that address, until the cool-off has passed since the last counted failure.
Attempts refused during a lockout are not checked and not counted, so the page can say when to come
back.

Counted in Django's cache: Redis in production, shared by every worker (without REDIS_URL each process
counts alone). The 户号 is counted whether or not an account has it, so the lockout tells nothing
about which numbers exist; it is keyed by its hash, so no cache key holds it."""

import hashlib

from django.conf import settings
from django.core.cache import cache

PREFIX = "activation-failures"


def _keys(number: str, address: str | None) -> list[str]:
    digest = hashlib.sha256(number.strip()[:20].encode()).hexdigest()
    return [f"{PREFIX}:number:{digest}", f"{PREFIX}:address:{address or 'unknown'}"]


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def activation_locked(number: str, address: str | None) -> bool:
    """Whether the number or the address has used up its failures."""
    counts = cache.get_many(_keys(number, address)).values()
    return any(count >= settings.AXES_FAILURE_LIMIT for count in counts)


def activation_failed(number: str, address: str | None) -> bool:
    """Counts a wrong number or code against both; True when that locks either out."""
    timeout = cooloff_seconds()
    for key in _keys(number, address):
        cache.add(key, 0, timeout)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout)
        cache.touch(key, timeout)  # the cool-off runs from the last failure
    return activation_locked(number, address)
