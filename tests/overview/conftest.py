"""Two companies' 2019 seasons with known figures: prepayments charged and paid in two buildings, a
payment reversed, one account settled, readings on a route, and refunds pending, paid and credited."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from heating.models import LedgerEntry, Payment, Refund, Role
from heating.services.payments import payment_reverse
from heating.services.refunds import refund_credit, refunds_mark_paid, refunds_open_for_season
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    MembershipFactory,
    ReadingFactory,
    RouteFactory,
    aware,
    make_account,
)
from tests.settlement.helpers import SEASON, pay, settle
from tests.test_calculator_page import load_policy_2019

D = Decimal
Channel = Payment.Channel


def charge(account, amount):
    """The prepayment charged before the season (what a prepayment notice asks for)."""
    return LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=D(amount)
    )


@dataclass
class Season:
    company: object
    manager: object
    clerk: object
    east: object
    west: object
    route: object
    other_manager: object


def build_season() -> Season:
    company = CompanyFactory()
    manager = MembershipFactory(organisation=company, role=Role.MANAGER, user__username="m1").user
    clerk = MembershipFactory(organisation=company, role=Role.CLERK, user__username="c1").user
    route = RouteFactory(company=company, code="R1", name="东线")
    RouteFactory(company=company, code="R2", name="西线")  # no readings
    east = BuildingFactory(company=company, code="E1", name="东楼", route=route)
    west = BuildingFactory(company=company, code="W1", name="西楼")
    a1 = make_account(company=company, premises__building=east, number="0001")
    a2 = make_account(company=company, premises__building=east, number="0002", metered=True)
    a3 = make_account(company=company, premises__building=west, number="0003")
    # Not open in the season: closed before it, opened after it.
    make_account(company=company, premises__building=west, number="0004", closed_on=datetime.date(2019, 6, 1))
    make_account(company=company, premises__building=west, number="0005", opened_on=datetime.date(2020, 6, 1))
    for account, amount in ((a1, "1680.00"), (a2, "1680.00"), (a3, "1000.00")):
        charge(account, amount)
    pay(a1, "1680.00", channel=Channel.CASH)
    pay(a2, "840.00", channel=Channel.WECHAT)
    pay(a3, "500.00", channel=Channel.ALIPAY)
    payment_reverse(payment=pay(a3, "200.00", channel=Channel.BANK), memo="退票")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=yesterday):
        pay(a3, "300.00", channel=Channel.CASH)  # recorded yesterday: not today's takings
    meter = a2.meters.get()  # unsettled: its readings are only counted
    for day, status in ((16, "valid"), (17, "flagged"), (18, "void")):
        void_reason = "抄错" if status == "void" else ""
        ReadingFactory(
            meter=meter, read_at=aware(2019, 11, day, 8), value_gj=D(day), status=status,
            void_reason=void_reason,
        )
    ReadingFactory(meter=meter, read_at=aware(2019, 3, 1, 8), value_gj=D("1"))  # the season before
    settle(company, a1)

    other = CompanyFactory()
    other_manager = MembershipFactory(organisation=other, role=Role.MANAGER, user__username="m2").user
    stranger = make_account(company=other, premises__building__code="X1", number="OTHER-9001")
    charge(stranger, "999.00")
    pay(stranger, "999.00", channel=Channel.CASH)
    return Season(company, manager, clerk, east, west, route, other_manager)


@pytest.fixture
def season(db):
    return build_season()


@pytest.fixture
def refunds(season):
    """Three over-payers in a building of their own, settled: a refund pending, one paid, one credited."""
    building = BuildingFactory(company=season.company, code="R9")
    accounts = [make_account(company=season.company, premises__building=building) for _ in range(3)]
    for account, paid in zip(accounts, ("2000.00", "2100.00", "2200.00"), strict=True):
        pay(account, paid)  # 80 m² at 21 元: 1680 due, so refunds of 320, 420 and 520
    settle(season.company, *accounts)
    refunds_open_for_season(company=season.company, start_year=SEASON, user=season.manager)
    by_account = {r.account_id: r for r in Refund.objects.filter(account__in=accounts)}
    refunds_mark_paid(
        refund_ids=[by_account[accounts[1].id].id], bank_reference="B-1", paid_on=datetime.date(2020, 6, 1),
        user=season.clerk,
    )
    refund_credit(
        refund_id=by_account[accounts[2].id].id, credited_on=datetime.date(2020, 6, 1), user=season.clerk
    )
    return accounts


@pytest.fixture
def committed_season(transactional_db):
    """For the live server, which reads from another thread: committed, not in a rollback."""
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    return build_season()
