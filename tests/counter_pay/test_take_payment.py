"""Taking a payment at the counter: one payment, one ledger entry, one receipt; reversal by a manager."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from heating.models import LedgerEntry, Payment, Receipt, ReceiptVoid, Role
from heating.selectors.bills import season_bills
from heating.selectors.takings import amount_proposed, counter_season
from heating.services.receipts import payment_take
from tests.factories import BureauFactory, CustomerFactory, MembershipFactory, UserFactory

from .helpers import counter

pytestmark = pytest.mark.django_db


def take(client, user, account, **fields):
    client.force_login(user)
    data = {"season": "2019-2020", "amount": "1200.00", "channel": "card", "reference": "POS-7", **fields}
    return client.post(reverse("payment-take", args=[account.number]), data)


def test_a_payment_writes_one_ledger_entry_and_one_receipt_shown_at_once(client):
    company, clerk, _manager, account = counter()

    response = take(client, clerk, account)

    payment = Payment.objects.get(account=account)
    assert (payment.amount, payment.channel, payment.reference, payment.created_by) == (
        Decimal("1200.00"),
        "card",
        "POS-7",
        clerk,
    )
    entry = LedgerEntry.objects.get(payment=payment)
    assert (entry.kind, entry.amount) == (LedgerEntry.Kind.PAYMENT, Decimal("-1200.00"))
    receipt = Receipt.objects.get()
    assert receipt.number == f"DEMO1-{timezone.localdate().year}-000001"
    assert (receipt.payment, receipt.issued_by, receipt.company) == (payment, clerk, company)
    page = client.get(response["Location"])
    assert reverse("receipt-pdf", args=[receipt.pk]) in page.content.decode()
    assert receipt.number in page.content.decode()


def test_the_page_proposes_the_ledger_balance(client):
    _company, clerk, _manager, account = counter()
    LedgerEntry.objects.create(
        account=account, season_year=2025, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=Decimal("2016.00")
    )
    payment_take(account=account, season_year=2025, amount=Decimal("16.00"), channel="cash", user=clerk)
    client.force_login(clerk)

    page = client.get(reverse("payment-take", args=[account.number]) + "?season=2025-2026").content.decode()

    assert 'value="2000.00"' in page and 'value="2025-2026"' in page


def test_the_page_proposes_the_engines_prepayment_less_payments_when_nothing_is_charged():
    _company, _clerk, _manager, account = counter()
    prepayment = season_bills([account], 2019)[account.id].breakdown.prepayment

    assert amount_proposed(account, 2019) == prepayment > 0
    payment_take(account=account, season_year=2019, amount=Decimal("100.00"), channel="cash")
    assert amount_proposed(account, 2019) == prepayment - Decimal("100.00")


def test_the_default_season_is_the_current_or_the_next():
    assert counter_season(datetime.date(2026, 1, 10)) == 2025
    assert counter_season(datetime.date(2026, 3, 15)) == 2025
    assert counter_season(datetime.date(2026, 7, 1)) == 2026
    assert counter_season(datetime.date(2026, 12, 1)) == 2026


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": "-5"},
        {"amount": "abc"},
        {"amount": "1e9"},
        {"amount": "1.005"},
        {"amount": "NaN"},
        {"season": "2019"},
        {"season": "x" * 5000},
        {"channel": "credit"},
        {"channel": "gold"},
    ],
)
def test_bad_input_is_refused_without_a_payment(client, fields):
    _company, clerk, _manager, account = counter()

    response = take(client, clerk, account, **fields)

    assert response.status_code == 400
    assert not Payment.objects.exists() and not Receipt.objects.exists()


def test_another_companys_account_and_receipt_are_not_found(client):
    _company, clerk, _manager, account = counter()
    _other, other_clerk, _other_manager, other_account = counter("DEMO2")
    receipt = payment_take(account=other_account, season_year=2019, amount=Decimal("5.00"), channel="cash")
    client.force_login(clerk)

    assert take(client, clerk, other_account).status_code == 404
    assert client.get(reverse("receipt-pdf", args=[receipt.pk])).status_code == 404
    assert client.post(reverse("receipt-void", args=[receipt.pk]), {"reason": "x"}).status_code == 403
    assert not Payment.objects.filter(account=other_account, created_by=clerk).exists()
    assert account.payments.count() == 0


@pytest.mark.parametrize("who", ["resident", "bureau"])
def test_residents_and_bureaus_are_refused(client, who):
    _company, _clerk, _manager, account = counter()
    receipt = payment_take(account=account, season_year=2019, amount=Decimal("5.00"), channel="cash")
    if who == "resident":
        user = UserFactory()
        CustomerFactory(company=account.company, user=user)
    else:
        user = MembershipFactory(organisation=BureauFactory(), role=Role.OFFICER).user
    client.force_login(user)

    for url in (
        reverse("payment-take", args=[account.number]),
        reverse("receipt-pdf", args=[receipt.pk]),
        reverse("cashup"),
    ):
        assert client.get(url).status_code == 403
    assert take(client, user, account).status_code == 403
    assert Payment.objects.count() == 1


def test_a_manager_reverses_a_payment_and_voids_its_receipt(client):
    _company, clerk, manager, account = counter()
    receipt = payment_take(
        account=account, season_year=2019, amount=Decimal("300.00"), channel="cash", user=clerk
    )
    client.force_login(manager)

    client.post(reverse("receipt-void", args=[receipt.pk]), {"reason": "收错户号"})

    entries = list(LedgerEntry.objects.filter(payment=receipt.payment).order_by("id"))
    assert [(e.kind, e.amount) for e in entries] == [
        (LedgerEntry.Kind.PAYMENT, Decimal("-300.00")),
        (LedgerEntry.Kind.REVERSAL, Decimal("300.00")),
    ]
    assert entries[1].memo == "收错户号" and entries[1].created_by == manager
    void = ReceiptVoid.objects.get(receipt=receipt)
    assert (void.reason, void.voided_by) == ("收错户号", manager)
    assert Payment.objects.filter(pk=receipt.payment.pk, amount=Decimal("300.00")).exists()
    # A second reversal is refused, and writes nothing.
    client.post(reverse("receipt-void", args=[receipt.pk]), {"reason": "again"})
    assert LedgerEntry.objects.filter(payment=receipt.payment).count() == 2


def test_a_clerk_may_not_reverse_and_a_reason_is_required(client):
    _company, clerk, manager, account = counter()
    receipt = payment_take(
        account=account, season_year=2019, amount=Decimal("300.00"), channel="cash", user=clerk
    )

    client.force_login(clerk)
    assert client.post(reverse("receipt-void", args=[receipt.pk]), {"reason": "x"}).status_code == 403
    client.force_login(manager)
    client.post(reverse("receipt-void", args=[receipt.pk]), {"reason": "   "})

    assert not ReceiptVoid.objects.exists()
    assert LedgerEntry.objects.filter(payment=receipt.payment).count() == 1


def test_receipt_numbers_follow_on_per_company_and_year():
    _company, _clerk, _manager, account = counter()
    _other, _c, _m, other_account = counter("DEMO2")
    year = timezone.localdate().year

    numbers = [
        payment_take(account=a, season_year=2019, amount=Decimal("1.00"), channel="cash").number
        for a in (account, account, other_account, account)
    ]

    assert numbers == [
        f"DEMO1-{year}-000001",
        f"DEMO1-{year}-000002",
        f"DEMO2-{year}-000001",
        f"DEMO1-{year}-000003",
    ]


def test_a_refused_payment_uses_no_receipt_number():
    _company, _clerk, _manager, account = counter()
    with pytest.raises(ValidationError):
        payment_take(account=account, season_year=2019, amount=Decimal("0"), channel="cash")

    receipt = payment_take(account=account, season_year=2019, amount=Decimal("1.00"), channel="cash")

    assert receipt.sequence == 1


def test_the_payment_page_and_the_cashup_take_few_queries_whatever_the_receipts(
    client, django_assert_max_num_queries
):
    _company, clerk, manager, account = counter()
    for _ in range(6):
        payment_take(account=account, season_year=2019, amount=Decimal("5.00"), channel="cash", user=clerk)
    client.force_login(manager)

    with django_assert_max_num_queries(20):
        page = client.get(reverse("payment-take", args=[account.number]) + "?season=2019-2020")
    with django_assert_max_num_queries(8):
        cashup = client.get(reverse("cashup"))

    assert page.content.decode().count('name="reason"') == 6
    assert "¥30.00" in cashup.content.decode()
