"""A season with one planted violation of each kind, checked by the market bureau; the people who
may and may not see it."""

import pytest

from heating.models import Duty, Role
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, UserFactory

from .helpers import market_bureau, run_check, season


@pytest.fixture
def company(db):
    return CompanyFactory(code="C1", name="第一热力")


@pytest.fixture
def other_company(db):
    return CompanyFactory(code="C2", name="第二热力")


@pytest.fixture
def market(db):
    return market_bureau()


@pytest.fixture
def planted(company, other_company):
    found = season(company, plant=True, homes=2)
    season(other_company, plant=True, homes=1)
    return found


@pytest.fixture
def check(market, planted):
    bureau, officer = market
    return run_check(bureau, officer)


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def other_clerk(other_company):
    return MembershipFactory(organisation=other_company, role=Role.CLERK).user


@pytest.fixture
def other_bureau_officer(db):
    bureau = BureauFactory(duties=[Duty.REFUND_OVERSIGHT, Duty.ELIGIBILITY_CIVIL_AFFAIRS])
    return MembershipFactory(organisation=bureau, role=Role.OFFICER).user


@pytest.fixture
def resident(planted):
    user = UserFactory()
    customer = planted.fee.customer
    customer.user = user
    customer.save()
    return user
