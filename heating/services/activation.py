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


def _matches(live: ActivationCode | None, code: str) -> bool:
    """Compared in constant time (hmac.compare_digest); no live code costs the same digest."""
    salt, _, stored = (live.code_hash if live else "0$" + "0" * 64).partition("$")
    matches = hmac.compare_digest(_digest(salt, activation_code_normalise(code or "")), stored)
    return live is not None and matches


def activation_code_check(account: Account, code: str) -> bool:
    """Whether `code` is the account's live code."""
    return _matches(ActivationCode.objects.filter(account=account, voided_at__isnull=True).first(), code)


def activation_code_find(number: str, code: str, company=None) -> ActivationCode | None:
    """The live code that `code` is, of the account `number` of `company` (of any company when None,
    since 户号 are only unique within one), with its account, company and holder; or None. A number that
    no account has costs the same query and digest as a wrong code."""
    live = ActivationCode.objects.filter(account__number=number[:20], voided_at__isnull=True).select_related(
        "account__company", "account__customer__user"
    )
    if company is not None:
        live = live.filter(account__company=company)
    found = None
    for row in list(live) or [None]:
        if _matches(row, code):
            found = row
    return found


def activation_code_live(code_id) -> ActivationCode | None:
    """The code `code_id` while it is live, with its account, company and holder's login; else None."""
    if not isinstance(code_id, int):
        return None
    return (
        ActivationCode.objects.filter(pk=code_id, voided_at__isnull=True)
        .select_related("account__company", "account__customer__user")
        .first()
    )
