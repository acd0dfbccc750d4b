import pytest

from heating.models import Role
from heating.payments import sandbox
from tests.factories import CompanyFactory, MembershipFactory, make_account


@pytest.fixture
def company():
    company = CompanyFactory(code="CHR1")
    sandbox.account_create(company=company)
    return company


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def account(company):
    return make_account(company=company)
