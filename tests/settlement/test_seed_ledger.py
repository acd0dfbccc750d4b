"""seed_demo writes the ledger entry of every demo payment and the prepayment it pays for, once."""

import pytest
from django.db.models import Sum

from heating.demo import demo_seed
from heating.models import LedgerEntry, Payment

pytestmark = pytest.mark.django_db


def test_every_demo_payment_has_its_entry_and_a_second_run_adds_none():
    demo_seed(accounts=30)
    entries = LedgerEntry.objects.count()

    demo_seed(accounts=30)

    assert LedgerEntry.objects.count() == entries
    assert LedgerEntry.objects.filter(payment__isnull=False).count() == Payment.objects.count() > 0
    assert not Payment.objects.filter(entries__isnull=True).exists()
    # Each account's season is charged its prepayment once; a payment is at most that (some partial).
    # (The demo residents' homes are also settled: their statements carry the prepayment charged out.)
    charged = LedgerEntry.objects.filter(kind="prepayment_due", statement__isnull=True)
    assert charged.count() == Payment.objects.count()
    assert not charged.filter(amount__lte=0).exists()
    due = {(e.account_id, e.season_year): e.amount for e in charged}
    paid = list(Payment.objects.values_list("account_id", "season_year", "amount"))
    assert all(amount <= due[account, season] for account, season, amount in paid)
    assert any(amount < due[account, season] for account, season, amount in paid)
    received = LedgerEntry.objects.filter(kind="payment").aggregate(total=Sum("amount"))["total"]
    assert -received == Payment.objects.aggregate(total=Sum("amount"))["total"]
