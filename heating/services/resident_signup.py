"""A household's login: opened with the activation code of a prepayment notice, more homes added to it
with further codes, and its password set anew with a fresh code from the counter (no e-mail).

Each use consumes the code: it is voided by a conditional update in the same transaction as the change
it allows, so two requests with one code cannot both succeed. The login is linked to the account's
customer (Customer.user), so it sees every account that customer holds with that company.

A customer who already has a login is never given a second one: with no one signed in, the code
resets that login's password (the lost-password path); signed in as someone else, it is refused and
the holder's login is named (masked), since one customer has one login."""

import re

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from heating.models import ActivationCode, Customer

PHONE = re.compile(r"1[3-9]\d{9}")


class ActivationFailed(Exception):
    """The step cannot be done; `reason` is one of the class attributes below."""

    CODE_USED = "code_used"  # voided since it was checked (reissued, or used in another tab)
    HELD_BY_ANOTHER = "held_by_another"  # the customer's login is someone else's
    HAS_LOGIN = "has_login"  # a login was opened for the customer since the code was checked
    NO_LOGIN = "no_login"  # the login was unlinked since the code was checked
    PHONE_TAKEN = "phone_taken"  # another login has this phone number as its username

    def __init__(self, reason: str, holder: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.holder = holder


def phone_normalise(text: str) -> str | None:
    """A mainland mobile number as 11 digits (spaces, dashes and a +86 prefix dropped), or None."""
    digits = re.sub(r"[\s\-()]", "", text or "")[:20]
    digits = re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)
    return digits if PHONE.fullmatch(digits) else None


def username_masked(username: str) -> str:
    """A login named without giving it away: 138****5678."""
    return username[:3] + "****" + username[-4:] if len(username) >= 8 else username[:1] + "***"


def _consume(code_id: int) -> Customer:
    """Voids the code and locks its account's customer; refuses a code voided in the meantime."""
    if not ActivationCode.objects.filter(pk=code_id, voided_at__isnull=True).update(voided_at=timezone.now()):
        raise ActivationFailed(ActivationFailed.CODE_USED)
    return (
        Customer.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(accounts__activation_codes=code_id)
    )


@transaction.atomic
def resident_account_link(*, user, code_id: int) -> Customer:
    """Adds the code's account (its customer's accounts) to a signed-in resident's login."""
    customer = _consume(code_id)
    if customer.user_id not in (None, user.id):
        raise ActivationFailed(ActivationFailed.HELD_BY_ANOTHER, username_masked(customer.user.username))
    customer.user = user
    customer.save(update_fields=["user"])
    return customer


@transaction.atomic
def resident_signup(*, code_id: int, phone: str, password: str):
    """A new login for the code's customer: the username is the phone number, which also becomes the
    customer's contact phone. The caller has validated the password."""
    customer = _consume(code_id)
    if customer.user_id is not None:
        raise ActivationFailed(ActivationFailed.HAS_LOGIN)
    User = get_user_model()
    if User.objects.filter(username=phone).exists():
        raise ActivationFailed(ActivationFailed.PHONE_TAKEN)
    # The portal writes a Chinese name surname-first from last_name + first_name (person_name): the
    # holder's whole name as the company records it.
    user = User(username=phone, last_name=customer.name[: User._meta.get_field("last_name").max_length])
    user.set_password(password)
    user.save()
    customer.user = user
    customer.phone = phone
    customer.save(update_fields=["user", "phone"])
    return user


@transaction.atomic
def resident_password_reset(*, code_id: int, password: str):
    """A new password for the login of the code's customer, which lifts its sign-in lockout; every
    other session of that login ends (Django checks a session against the password it was made with)."""
    customer = _consume(code_id)
    if customer.user is None:
        raise ActivationFailed(ActivationFailed.NO_LOGIN)
    user = customer.user
    user.set_password(password)
    user.save(update_fields=["password"])
    transaction.on_commit(lambda: axes_reset(username=user.username))
    return user
