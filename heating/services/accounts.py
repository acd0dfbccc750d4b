"""Accounts belong to homes (POLICY.md §4): one account open on a premises at a time, and a change of
owner (过户) is a dated change of the account's customer, never a second account."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, AccountHolder, Customer, Organisation, Premises


def _overlapping(premises: Premises, opened_on: datetime.date, closed_on: datetime.date | None):
    """The other account open on `premises` on some day from opened_on to closed_on (open-ended: None)."""
    still_open = Q(closed_on__isnull=True) | Q(closed_on__gte=opened_on)
    others = Account.objects.filter(still_open, premises=premises)
    if closed_on is not None:
        others = others.filter(opened_on__lte=closed_on)
    return others.order_by("opened_on").first()


def _refusal(other: Account) -> ValidationError:
    opened = other.opened_on.isoformat()
    if other.closed_on is None:
        period = _("%(opened)s 开户至今") % {"opened": opened}
    else:
        period = _("%(opened)s 至 %(closed)s") % {"opened": opened, "closed": other.closed_on.isoformat()}
    return ValidationError(
        _(
            "该房屋已有账户 %(number)s（%(period)s）；同一房屋同一时间只能有一个账户。"
            "换了户主请办理过户，不要另开账户。"
        ),
        code="premises_occupied",
        params={"number": other.number, "period": period},
    )


@transaction.atomic
def account_open(
    *,
    company: Organisation,
    number: str,
    customer: Customer,
    premises: Premises,
    opened_on: datetime.date,
    closed_on: datetime.date | None = None,
    user=None,
) -> Account:
    """A new account on `premises`; ValidationError naming the other account when one is open there on
    any of its days. On PostgreSQL an exclusion constraint (migration 0012) holds the same rule."""
    # Writers opening accounts on one home queue here, so the check below sees the one before.
    list(Premises.objects.select_for_update(of=("self",)).filter(pk=premises.pk).order_by().values_list("pk"))
    other = _overlapping(premises, opened_on, closed_on)
    if other is not None:
        raise _refusal(other)
    account = Account(
        company=company,
        number=number,
        customer=customer,
        premises=premises,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    account.full_clean()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        other = _overlapping(premises, opened_on, closed_on)
        if other is None:
            raise
        raise _refusal(other) from None
    AccountHolder.objects.create(account=account, customer=customer, from_date=opened_on, recorded_by=user)
    return account


@transaction.atomic
def account_transfer(*, account: Account, customer: Customer, on: datetime.date, user) -> AccountHolder:
    """过户: `customer` holds the account from the day `on`. The account, its number, facts, meters and
    seasons stay as they are; Account.customer becomes the new holder in the same transaction."""
    account = Account.objects.select_for_update(of=("self",)).order_by().get(pk=account.pk)
    if customer.company_id != account.company_id:
        raise ValidationError(_("新户主须是本供热企业的客户。"), code="other_company")
    if customer.pk == account.customer_id:
        raise ValidationError(_("新户主与现户主相同。"), code="same_holder")
    if on > timezone.localdate():
        raise ValidationError(_("过户日期不能晚于今天。"), code="future")
    if on <= account.opened_on or (account.closed_on is not None and on > account.closed_on):
        raise ValidationError(
            _("过户日期须在开户日期 %(opened)s 之后、账户销户之前。"),
            code="outside_account",
            params={"opened": account.opened_on.isoformat()},
        )
    holders = AccountHolder.objects.filter(account=account)
    latest = holders.order_by("-from_date").first()
    if latest is None:
        # Accounts opened before holders were recorded: their first holder held it from the opening day.
        AccountHolder.objects.create(
            account=account, customer_id=account.customer_id, from_date=account.opened_on, recorded_by=user
        )
    elif on <= latest.from_date:
        raise ValidationError(
            _("过户日期须晚于上一次过户日期 %(since)s。"),
            code="before_last_transfer",
            params={"since": latest.from_date.isoformat()},
        )
    holder = AccountHolder.objects.create(account=account, customer=customer, from_date=on, recorded_by=user)
    account.customer = customer
    account.save(update_fields=["customer"])
    return holder


@transaction.atomic
def account_transfer_to_new_holder(
    *, account: Account, name: str, phone: str, id_number: str, on: datetime.date, user
) -> AccountHolder:
    """过户 at the counter: a new customer of the account's company (its identity number, if given,
    stored as Customer stores it: encrypted, hashed and masked) holds the account from `on`. Either
    both are recorded or neither."""
    customer = Customer(company_id=account.company_id, name=name, phone=phone)
    if id_number:
        try:
            customer.set_id_number(id_number)
        except ValidationError as refused:
            raise ValidationError({"id_number": refused.error_list}) from None
    customer.full_clean()
    customer.save()
    return account_transfer(account=account, customer=customer, on=on, user=user)
