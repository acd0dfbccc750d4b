import pytest

from heating.models import Role
from heating.services.refunds import refunds_open_for_season
from tests.factories import CompanyFactory, MembershipFactory, make_account
from tests.settlement.helpers import SEASON, pay, settle


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


@pytest.fixture
def settled(company, manager):
    """Two settled accounts: one paid far too much (a refund), one too little (a supplement)."""
    over, under = make_account(company=company), make_account(company=company)
    pay(over, "5000.00")
    pay(under, "100.00")
    settle(company)
    refunds_open_for_season(company=company, start_year=SEASON, user=manager)
    return over, under
