"""The ledger (heating/models/ledger.py): append-only, written with the payment it records, and a
credit to the next season counted once (POLICY.md §6)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heating.models import AppendOnlyError, LedgerEntry, Payment
from heating.selectors.ledger import balance, money_held, season_totals
from heating.services.payments import payment_reverse
from tests.factories import PaymentFactory, make_account

from .helpers import pay, settle

pytestmark = pytest.mark.django_db

D = Decimal
Kind = LedgerEntry.Kind


@pytest.fixture
def account():
    return make_account(area="100.00")  # area-billed, 2100.00 for the season


def test_an_entry_is_never_changed_or_deleted(account):
    entry = pay(account, "2100.00").entries.get()

    entry.memo = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == D("-2100.00")


def test_a_payment_writes_its_entry_money_received_is_negative(account):
    payment = pay(account, "1500.00")

    entry = payment.entries.get()
    assert (entry.kind, entry.amount, entry.season_year, entry.account_id) == (
        Kind.PAYMENT,
        D("-1500.00"),
        2019,
        account.id,
    )
    assert balance(account.id, 2019) == D("-1500.00")
    assert money_held([account.id], 2019) == {account.id: D("1500.00")}


def test_money_received_after_settlement_is_a_supplement(account):
    pay(account, "2000.00")
    settle(account.company, account)

    later = pay(account, "100.00")

    assert later.entries.get().kind == Kind.SUPPLEMENT
    assert balance(account.id, 2019) == D("0.00")


def test_a_credit_to_the_next_season_closes_the_refund_and_is_received_once(account):
    pay(account, "2500.00")
    settle(account.company, account)  # 2100.00 due: 400.00 to refund
    assert balance(account.id, 2019) == D("-400.00")

    credit = pay(account, "400.00", season=2020, channel=Payment.Channel.CREDIT)

    legs = {(e.season_year, e.kind): e.amount for e in credit.entries.all()}
    assert legs == {(2019, Kind.CREDIT_OUT): D("400.00"), (2020, Kind.CREDIT_IN): D("-400.00")}
    # Season 2019 owes nothing any more, and 2020 holds the money once.
    assert balance(account.id, 2019) == D("0.00")
    assert season_totals(account.company, 2019).open_refunds == D("0.00")
    assert money_held([account.id], 2020) == {account.id: D("400.00")}
    assert season_totals(account.company, 2020).received == D("400.00")


def test_a_credit_larger_than_the_open_refund_is_refused(account):
    pay(account, "2200.00")
    settle(account.company, account)

    with pytest.raises(ValidationError) as refused:
        pay(account, "100.01", season=2020, channel=Payment.Channel.CREDIT)

    assert "amount" in refused.value.message_dict
    assert not Payment.objects.filter(season_year=2020).exists()


def test_existing_payments_get_their_entries_by_the_data_migration(account):
    plain = PaymentFactory(account=account, season_year=2019, amount=D("2100.00"))
    credit = PaymentFactory(
        account=account, season_year=2020, amount=D("50.00"), channel=Payment.Channel.CREDIT
    )
    assert not LedgerEntry.objects.exists()

    importlib.import_module("heating.migrations.0014_settle_payment_entries").forwards(apps, None)

    assert [(e.season_year, e.kind, e.amount) for e in plain.entries.all()] == [
        (2019, Kind.PAYMENT, D("-2100.00"))
    ]
    assert sorted((e.season_year, e.kind, e.amount) for e in credit.entries.all()) == [
        (2019, Kind.CREDIT_OUT, D("50.00")),
        (2020, Kind.CREDIT_IN, D("-50.00")),
    ]


def test_a_payment_added_in_the_admin_writes_its_entry(admin_client, account):
    response = admin_client.post(
        reverse("admin:heating_payment_add"),
        {
            "account": account.pk,
            "season_year": 2019,
            "amount": "2100.00",
            "paid_on": "2019-11-01",
            "channel": "cash",
            "reference": "",
        },
    )

    assert response.status_code == 302
    assert Payment.objects.get().entries.get().amount == D("-2100.00")


def test_the_admin_shows_the_ledger_and_statements_read_only(admin_client, account):
    entry = pay(account, "2100.00").entries.get()
    settle(account.company, account)
    statement = account.statements.get()

    for name, row in (("ledgerentry", entry), ("statement", statement)):
        assert admin_client.get(reverse(f"admin:heating_{name}_add")).status_code == 403
        change = admin_client.post(reverse(f"admin:heating_{name}_change", args=[row.pk]), {})
        assert change.status_code in (200, 403)
        assert (
            admin_client.post(
                reverse(f"admin:heating_{name}_delete", args=[row.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_a_paid_payment_cannot_be_edited_in_the_admin(admin_client, account):
    payment = pay(account, "2100.00")

    admin_client.post(
        reverse("admin:heating_payment_change", args=[payment.pk]),
        {
            "account": account.pk,
            "season_year": 2019,
            "amount": "1.00",
            "paid_on": "2019-11-01",
            "channel": "cash",
        },
    )

    payment.refresh_from_db()
    assert payment.amount == D("2100.00")
    assert datetime.date(2019, 11, 1) == payment.paid_on


def test_a_reversed_payment_is_no_longer_money_held_and_is_reversed_once(account):
    payment = pay(account, "2100.00")

    reversal = payment_reverse(payment=payment, memo="退票")

    assert [(e.kind, e.amount) for e in reversal] == [(Kind.REVERSAL, D("2100.00"))]
    assert balance(account.id, 2019) == D("0.00")
    assert money_held([account.id], 2019) == {account.id: D("0.00")}
    with pytest.raises(ValidationError):
        payment_reverse(payment=payment)
    settle(account.company, account)
    assert account.statements.get().balance_due == D("2100.00")


def test_reversing_a_credit_reopens_the_refund_it_closed(account):
    pay(account, "2500.00")
    settle(account.company, account)
    credit = pay(account, "400.00", season=2020, channel=Payment.Channel.CREDIT)

    payment_reverse(payment=credit)

    assert balance(account.id, 2019) == D("-400.00")
    assert money_held([account.id], 2020) == {account.id: D("0.00")}


def test_the_season_totals_cost_two_queries_whatever_the_accounts(account):
    for _ in range(5):
        pay(make_account(company=account.company), "100.00")

    with CaptureQueriesContext(connection) as captured:
        totals = season_totals(account.company, 2019)

    assert len(captured) == 2
    assert totals.received == D("500.00")
