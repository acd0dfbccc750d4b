"""Activation codes for the resident portal: issued (voiding the previous one) and checked.

Only an HMAC of the code is kept, keyed by the portal's secret and salted per code: a notice run issues
hundreds at once, which a password hasher's deliberate slowness would make minutes; the code's 40 bits
are out of reach without the key, and a check is throttled where residents type it."""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from heating.models import Account, ActivationCode

# Easy to read off paper and type: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def activation_code_normalise(code: str) -> str:
    """What a resident typed, as it was printed: capitals, no spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()[: LENGTH * 2]


def _digest(salt: str, code: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"activation-code", hashlib.sha256).digest()
    return hmac.new(key, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def activation_code_hash(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, code)}"


@transaction.atomic
def activation_code_issue(account: Account, user=None) -> str:
    """A fresh code for the account, returned in the clear this once; the previous code is void."""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    ActivationCode.objects.filter(account=account, voided_at__isnull=True).update(voided_at=timezone.now())
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    ActivationCode.objects.create(account=account, code_hash=activation_code_hash(code), issued_by=user)
    return code


def activation_code_check(account: Account, code: str) -> bool:
    """Whether `code` is the account's live code, compared in constant time (hmac.compare_digest);
    an account without a live code costs the same digest."""
    live = ActivationCode.objects.filter(account=account, voided_at__isnull=True).first()
    salt, _, stored = (live.code_hash if live else "0$" + "0" * 64).partition("$")
    matches = hmac.compare_digest(_digest(salt, activation_code_normalise(code or "")), stored)
    return live is not None and matches
