"""Personal identity numbers (身份证号): encrypted at rest, matched by a keyed hash, shown masked.

The plain number never reaches a column, a history row or a page: callers store `protect(number)`
and look people up with `fingerprint(number)`.
"""
import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# Anything that could be an identity number inside free text: 18 characters of digits with a final
# digit or X (any case, full-width too), not part of a longer run of digits.
_IN_TEXT = re.compile(r"(?<![0-9０-９])[0-9０-９]{17}[0-9０-９XxＸｘ](?![0-9０-９])")


def _key(purpose: bytes) -> bytes:
    return hmac.new(settings.ID_NUMBER_KEY.encode(), purpose, hashlib.sha256).digest()


def keyed_fernet(purpose: bytes) -> Fernet:
    """A Fernet whose key is derived from ID_NUMBER_KEY for one purpose (one secret, one key per use)."""
    return Fernet(base64.urlsafe_b64encode(_key(purpose)))


def normalise(number: str) -> str:
    """Strip spaces, upper-case the check letter, and check the GB 11643 checksum.

    Full-width digits and letters (as a Chinese input method types them) become ASCII first, so
    that one person has one fingerprint however the number was typed; other digits are refused.
    """
    number = re.sub(r"\s", "", unicodedata.normalize("NFKC", number or "")).upper()
    if not _SHAPE.fullmatch(number):
        raise ValidationError(_("身份证号应为18位：17位数字加1位数字或X。"), code="shape")
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise ValidationError(_("身份证号校验位不符，请核对。"), code="checksum")
    return number


def fingerprint(number: str) -> str:
    return hmac.new(_key(b"id-number-hash"), normalise(number).encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    number = normalise(number)
    return number[:4] + "*" * 10 + number[-4:]


def mask_id_numbers_in(text: str) -> str:
    """`text` with every identity-number-shaped run masked, checksum or not: for messages and logs,
    which must never carry a number, even a mistyped one."""
    return _IN_TEXT.sub(lambda m: m[0][:4] + "*" * 10 + m[0][-4:], text)


def _fernet() -> Fernet:
    return keyed_fernet(b"id-number-encryption")


@dataclass(frozen=True)
class Protected:
    cipher: str
    hash: str
    masked: str


def protect(number: str) -> Protected:
    number = normalise(number)
    return Protected(
        cipher=_fernet().encrypt(number.encode()).decode(),
        hash=fingerprint(number),
        masked=mask(number),
    )


def reveal(cipher: str) -> str:
    return _fernet().decrypt(cipher.encode()).decode()
