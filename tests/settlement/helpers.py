"""Accounts with readings and payments for settlement tests, paid through the service (so the
ledger holds the money), and the season settled through the service."""

import datetime
from decimal import Decimal

from heating.models import Payment, Reading
from heating.services.payments import payment_record
from heating.services.settlement import season_settle
from tests.factories import AccountFactory, ReadingFactory, aware, make_account

D = Decimal
SEASON = 2019


def read(account, at, value, **fields):
    return ReadingFactory(meter=account.meters.get(), read_at=at, value_gj=D(value), **fields)


def season_readings(account, opening="100.000000", closing="120.000000"):
    """An opening reading on the first day and a closing one on the last: Q = closing − opening."""
    return read(account, aware(2019, 11, 15, 8), opening), read(account, aware(2020, 3, 15, 8), closing)


def pay(account, amount, season=SEASON, channel=Payment.Channel.CASH, paid_on=datetime.date(2019, 11, 1)):
    return payment_record(
        account=account, season_year=season, amount=D(amount), paid_on=paid_on, channel=channel
    )


def settle(company, *accounts, season=SEASON, **kwargs):
    ids = [a.id for a in accounts] if accounts else None
    return season_settle(company=company, start_year=season, account_ids=ids, **kwargs)


def homes_with_exceptions(company, accounts=3):
    """`accounts` paid area-billed homes, a metered one whose closing reading awaits review, and one
    with no facts: both exceptions."""
    homes = [make_account(company=company) for _ in range(accounts)]
    for home in homes:
        pay(home, "1680.00")
    metered = make_account(company=company, metered=True, area="100.00")
    read(metered, aware(2019, 11, 15, 8), "100.000000")
    read(metered, aware(2020, 3, 15, 8), "120.000000", status=Reading.Status.FLAGGED)
    bare = AccountFactory(company=company, number="0999999")
    return homes, metered, bare
