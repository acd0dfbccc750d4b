"""The ledger reconciles to the fen, per account and in total (POLICY.md §6): money received less
money paid back equals the amount due once everything is paid; before that, the open refunds and
supplements account for the difference exactly."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heating.models import Payment, Statement
from heating.selectors.ledger import balance, season_totals
from heating.services.payments import refund_record
from tests.factories import CompanyFactory, LowIncomeCertificateFactory, make_account

from .helpers import SEASON, pay, season_readings, settle

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=400_000).map(lambda n: Decimal(n) / 100)
accounts = st.lists(
    st.fixed_dictionaries(
        {
            "area": st.integers(min_value=1_000, max_value=30_000).map(lambda n: f"{Decimal(n) / 100:.2f}"),
            "metered": st.booleans(),
            "heat": st.integers(min_value=0, max_value=80_000_000).map(lambda n: Decimal(n) / 1_000_000),
            "low_income": st.booleans(),
            "payments": st.lists(cents, max_size=4),
            # Of the refund owed after settlement: the share paid out, then the share credited on.
            "refund_paid": st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1)]),
            "credited": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
)


def position(account_id, season=SEASON):
    """(received, paid back, charged) for one account and season, from its ledger entries."""
    received = paid_out = charged = Decimal(0)
    for entry in Statement.objects.get(account_id=account_id, status="issued").account.ledger.filter(
        season_year=season
    ):
        if entry.kind in ("payment", "supplement", "credit_in", "reversal"):
            received -= entry.amount
        elif entry.kind in ("refund", "credit_out"):
            paid_out += entry.amount
        else:
            charged += entry.amount
    return received, paid_out, charged


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(plans=accounts)
def test_the_ledger_reconciles_to_the_fen(plans):
    company = CompanyFactory()
    made = []
    for plan in plans:
        account = make_account(area=plan["area"], metered=plan["metered"], company=company)
        if plan["metered"]:
            season_readings(account, "100.000000", f"{Decimal(100) + plan['heat']:.6f}")
        if plan["low_income"]:
            LowIncomeCertificateFactory(account=account)
        for amount in plan["payments"]:
            pay(account, amount)
        made.append((account, plan))
    settle(company)

    for account, plan in made:
        statement = account.statements.get()
        owed = -balance(account.id, SEASON)
        assert owed == statement.refund - statement.balance_due
        paid = (owed * plan["refund_paid"]).quantize(Decimal("0.01")) if owed > 0 else Decimal(0)
        if paid:
            refund_record(account=account, season_year=SEASON, amount=paid)
        if plan["credited"] and owed - paid > 0:
            pay(account, owed - paid, season=SEASON + 1, channel=Payment.Channel.CREDIT)

    # Before everything is paid: the open refunds and supplements are the difference, exactly.
    totals = season_totals(company, SEASON)
    assert totals.received - totals.paid_out == (
        totals.charged + totals.open_refunds - totals.open_supplements
    )
    for account, _plan in made:
        received, paid_out, charged = position(account.id)
        open_item = balance(account.id, SEASON)
        assert received - paid_out + open_item == charged == account.statements.get().amount_due

    # Then everything is paid: refunds out, supplements in.
    for account, _plan in made:
        open_item = balance(account.id, SEASON)
        if open_item < 0:
            refund_record(account=account, season_year=SEASON, amount=-open_item)
        elif open_item > 0:
            pay(account, open_item, paid_on=datetime.date(2020, 4, 1))
    totals = season_totals(company, SEASON)
    assert (totals.open_refunds, totals.open_supplements) == (Decimal(0), Decimal(0))
    assert totals.received - totals.paid_out == totals.charged
    assert totals.charged == sum(account.statements.get().amount_due for account, _plan in made)
    for account, _plan in made:
        received, paid_out, _charged = position(account.id)
        assert received - paid_out == account.statements.get().amount_due
