"""An order's amount is fixed by the server from the ledger; the merchant's keys are kept encrypted."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from heating.models import LedgerEntry, PaymentOrder, ProviderAccount, SandboxTrade
from heating.payments.config import merchant_config
from heating.services.orders import order_create
from heating.services.payments import payment_record

from .helpers import SEASON, new_order, sandbox_company

pytestmark = pytest.mark.django_db


def test_the_prepayment_order_is_the_rest_of_the_prepayment():
    _merchant, account = sandbox_company(prepayment="2016.00")
    payment_record(
        account=account, season_year=SEASON, amount=Decimal("16.00"), paid_on="2025-10-01", channel="cash"
    )

    created = order_create(account=account, season_year=SEASON, purpose="prepayment", provider="sandbox")

    order = created.order
    assert order.amount == Decimal("2000.00") and order.state == PaymentOrder.State.CREATED
    assert order.company == account.company and order.provider == "sandbox"
    assert created.pay["out_trade_no"] == order.out_trade_no
    assert SandboxTrade.objects.get(out_trade_no=order.out_trade_no).amount == Decimal("2000.00")


def test_the_owed_order_is_the_season_balance():
    _merchant, account = sandbox_company(prepayment="2016.00")
    LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.SETTLEMENT, amount=Decimal("100.50")
    )

    assert new_order(account, purpose="owed").amount == Decimal("2116.50")


def test_nothing_owed_is_refused():
    _merchant, account = sandbox_company(prepayment="2016.00")
    payment_record(
        account=account, season_year=SEASON, amount=Decimal("2016.00"), paid_on="2025-10-01", channel="cash"
    )

    for purpose in ("prepayment", "owed"):
        with pytest.raises(ValidationError):
            new_order(account, purpose=purpose)
    assert not PaymentOrder.objects.exists()


def test_a_company_without_the_provider_is_refused():
    _merchant, account = sandbox_company()
    ProviderAccount.objects.update(active=False)

    with pytest.raises(ValidationError):
        new_order(account)
    with pytest.raises(ValidationError):
        order_create(account=account, season_year=SEASON, purpose="prepayment", provider="nosuch")


def test_the_platform_key_is_stored_encrypted_and_shown_masked():
    merchant, _account = sandbox_company()

    private_key = merchant_config(merchant).secrets["platform_private_key"]
    assert private_key.startswith("-----BEGIN PRIVATE KEY-----")
    stored = json.dumps(list(ProviderAccount.objects.values()), default=str)
    assert "PRIVATE KEY" not in stored and private_key[40:80] not in stored
    assert merchant.secrets_masked.startswith("platform_private_key ****")
    assert "PRIVATE" not in repr(merchant_config(merchant))
