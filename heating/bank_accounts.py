"""Refund payees' bank account numbers: encrypted at rest, shown masked (`6222 **** **** 1234`).

Like identity numbers (heating.identity), the plain number never reaches a history row, a page, a URL,
a log or an error; only the bank's export of pending refunds reveals it.
"""
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from heating.identity import keyed_fernet

_SHAPE = re.compile(r"[0-9]{12,30}")
_PURPOSE = b"bank-account-encryption"


def normalise(number: str) -> str:
    """Digits only (spaces, dashes and full-width digits as typed are accepted), 12 to 30 of them."""
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", number or ""))
    if not _SHAPE.fullmatch(number):
        raise ValidationError(_("银行账号应为12至30位数字。"), code="shape")
    return number


def mask(number: str) -> str:
    number = normalise(number)
    return f"{number[:4]} **** **** {number[-4:]}"


@dataclass(frozen=True)
class ProtectedAccount:
    cipher: str
    masked: str


def protect(number: str) -> ProtectedAccount:
    number = normalise(number)
    cipher = keyed_fernet(_PURPOSE).encrypt(number.encode()).decode()
    return ProtectedAccount(cipher=cipher, masked=mask(number))


def reveal(cipher: str) -> str:
    return keyed_fernet(_PURPOSE).decrypt(cipher.encode()).decode()
