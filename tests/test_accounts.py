"""Accounts belong to homes (POLICY.md §4): one account open on a premises at a time, and a change of
owner (过户) is a dated change of the account's customer that leaves every season's bill as it was."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from heating.models import Account, AccountHolder
from heating.selectors.accounts import account_holdings
from heating.selectors.bills import season_bills
from heating.services.accounts import account_open, account_transfer

from .factories import (
    AccountFactory,
    CustomerFactory,
    PaymentFactory,
    PremisesFactory,
    UserFactory,
    make_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
day = datetime.date


def open_on(premises, opened_on, closed_on=None, number="N1"):
    return account_open(
        company=premises.company,
        number=number,
        customer=CustomerFactory(company=premises.company),
        premises=premises,
        opened_on=opened_on,
        closed_on=closed_on,
    )


# One account per home -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "existing, new",
    [
        ((day(2019, 1, 1), None), (day(2020, 1, 11), None)),
        ((day(2019, 1, 1), day(2020, 1, 10)), (day(2020, 1, 10), None)),  # the same day, both counted
        ((day(2020, 2, 1), None), (day(2019, 1, 1), day(2020, 2, 1))),
        ((day(2019, 1, 1), day(2019, 12, 31)), (day(2019, 6, 1), day(2019, 7, 1))),
    ],
)
def test_a_second_account_open_on_the_same_home_at_the_same_time_is_refused(existing, new):
    premises = PremisesFactory()
    AccountFactory(premises=premises, number="H0001", opened_on=existing[0], closed_on=existing[1])

    with pytest.raises(ValidationError) as caught:
        open_on(premises, *new)

    assert caught.value.code == "premises_occupied"
    assert "账户 H0001" in caught.value.messages[0]
    assert Account.objects.filter(premises=premises).count() == 1


def test_the_refusal_reads_in_english_on_request():
    premises = PremisesFactory()
    AccountFactory(premises=premises, number="H0001", opened_on=day(2019, 1, 1))

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        open_on(premises, day(2020, 1, 11))

    assert "H0001" in caught.value.messages[0]
    assert caught.value.messages[0] == (
        "The home already has account H0001 (open since 2019-01-01); a home has one account at a time. "
        "For a new owner, record a change of owner instead of opening another account."
    )


def test_an_account_opened_the_day_after_the_old_one_closed_is_kept():
    premises = PremisesFactory()
    AccountFactory(premises=premises, opened_on=day(2019, 1, 1), closed_on=day(2020, 1, 10))

    account = open_on(premises, day(2020, 1, 11))

    assert account.pk and account.premises == premises
    assert [h.customer for h in account_holdings(account)] == [account.customer]


def test_accounts_on_other_homes_do_not_count():
    AccountFactory(opened_on=day(2019, 1, 1))
    assert open_on(PremisesFactory(), day(2019, 1, 1)).pk


@pytest.mark.postgres
@pytest.mark.parametrize(
    "closed_on, opened_on",
    [(None, day(2020, 1, 11)), (day(2020, 1, 10), day(2020, 1, 10))],
)
def test_postgresql_itself_refuses_two_accounts_open_on_one_home(closed_on, opened_on):
    """The exclusion constraint holds even for a writer that skips the service."""
    premises = PremisesFactory()
    AccountFactory(premises=premises, opened_on=day(2019, 1, 1), closed_on=closed_on)

    with pytest.raises(IntegrityError, match="one_open_account_per_premises"), transaction.atomic():
        AccountFactory(premises=premises, opened_on=opened_on)


@pytest.mark.postgres
def test_postgresql_keeps_accounts_that_follow_each_other_on_one_home():
    premises = PremisesFactory()
    AccountFactory(premises=premises, opened_on=day(2019, 1, 1), closed_on=day(2020, 1, 10))
    AccountFactory(premises=premises, opened_on=day(2020, 1, 11))
    assert Account.objects.filter(premises=premises).count() == 2


# Change of owner (过户) ----------------------------------------------------------------------------


def test_a_transfer_changes_the_holder_not_the_account_nor_the_seasons_bill():
    account = make_account("80.00")
    first = account.customer
    PaymentFactory(account=account, season_year=2019, amount=D("1680.00"))
    before = season_bills([account], 2019)[account.id]
    buyer = CustomerFactory(company=account.company, name="王五")
    clerk = UserFactory()

    holder = account_transfer(account=account, customer=buyer, on=day(2020, 1, 20), user=clerk)

    account.refresh_from_db()
    assert account.customer == buyer
    assert Account.objects.filter(premises=account.premises).count() == 1
    after = season_bills([account], 2019)[account.id]
    assert after == before
    assert after.breakdown.amount_due == D("1680.00")
    assert (holder.customer, holder.from_date, holder.recorded_by) == (buyer, day(2020, 1, 20), clerk)
    assert [(h.customer, h.since, h.until) for h in account_holdings(account)] == [
        (first, day(2019, 1, 1), day(2020, 1, 19)),
        (buyer, day(2020, 1, 20), None),
    ]


def test_transfers_in_a_row_keep_the_whole_history():
    account = make_account()
    first = account.customer
    second, third = CustomerFactory(company=account.company), CustomerFactory(company=account.company)

    account_transfer(account=account, customer=second, on=day(2020, 1, 20), user=None)
    account_transfer(account=account, customer=third, on=day(2021, 5, 1), user=None)

    assert [(h.customer, h.since) for h in account_holdings(account)] == [
        (first, day(2019, 1, 1)),
        (second, day(2020, 1, 20)),
        (third, day(2021, 5, 1)),
    ]
    assert AccountHolder.history.count() == 3


@pytest.mark.parametrize(
    "on, code",
    [
        (day(2018, 12, 31), "outside_account"),
        (day(2019, 1, 1), "outside_account"),
        (day(2020, 1, 20), "before_last_transfer"),
        (day(2099, 1, 1), "future"),
    ],
)
def test_a_transfer_out_of_order_is_refused(on, code):
    account = make_account()
    account_transfer(
        account=account, customer=CustomerFactory(company=account.company), on=day(2020, 1, 20), user=None
    )
    account.refresh_from_db()
    holder = account.customer

    with pytest.raises(ValidationError) as caught:
        account_transfer(account=account, customer=CustomerFactory(company=account.company), on=on, user=None)

    assert caught.value.code == code
    account.refresh_from_db()
    assert account.customer == holder


def test_a_transfer_to_another_companys_customer_is_refused():
    account = make_account()

    with pytest.raises(ValidationError) as caught:
        account_transfer(account=account, customer=CustomerFactory(), on=day(2020, 1, 20), user=None)

    assert caught.value.code == "other_company"
    assert not AccountHolder.objects.exists()
