"""seed_demo writes the ledger entry of every demo payment, once."""

import pytest
from django.db.models import Sum

from heating.demo import demo_seed
from heating.models import LedgerEntry, Payment

pytestmark = pytest.mark.django_db


def test_every_demo_payment_has_its_entry_and_a_second_run_adds_none():
    demo_seed(accounts=30)
    entries = LedgerEntry.objects.count()

    demo_seed(accounts=30)

    assert LedgerEntry.objects.count() == entries == Payment.objects.count() > 0
    assert not Payment.objects.filter(entries__isnull=True).exists()
    received = LedgerEntry.objects.filter(kind="payment").aggregate(total=Sum("amount"))["total"]
    assert -received == Payment.objects.aggregate(total=Sum("amount"))["total"]
