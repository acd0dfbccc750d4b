from decimal import Decimal

from heating.models import LedgerEntry
from heating.payments import sandbox
from heating.services.orders import order_create
from tests.factories import CompanyFactory, make_account

SEASON = 2025


def sandbox_company(code="PAY1", prepayment="2016.00"):
    """A company with a sandbox merchant account, and an account charged a prepayment for SEASON."""
    company = CompanyFactory(code=code)
    merchant = sandbox.account_create(company=company)
    account = make_account(company=company)
    LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=Decimal(prepayment)
    )
    return merchant, account


def new_order(account, purpose="prepayment"):
    return order_create(account=account, season_year=SEASON, purpose=purpose, provider="sandbox").order
