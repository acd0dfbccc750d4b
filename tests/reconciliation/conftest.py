import pytest
from django.test import Client
from django.utils import translation

from heating.models import Role
from tests.factories import AccountFactory, CompanyFactory, MembershipFactory, UserFactory

HEADER = ["户号", "金额", "银行流水号", "入账日期", "供暖季"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files waiting for a commit go under MEDIA_ROOT: a fresh one per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def staff_language():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def company(db):
    return CompanyFactory(code="A")


@pytest.fixture
def other_company(db):
    return CompanyFactory(code="B")


def _staff(username, company, role):
    return MembershipFactory(user=UserFactory(username=username), organisation=company, role=role).user


@pytest.fixture
def alice(company):
    """A clerk of company A."""
    return _staff("alice", company, Role.CLERK)


@pytest.fixture
def martin(company):
    """A manager of company A."""
    return _staff("martin", company, Role.MANAGER)


@pytest.fixture
def bob(other_company):
    """A clerk of company B."""
    return _staff("bob", other_company, Role.CLERK)


@pytest.fixture
def accounts(company):
    """`accounts(n)`: n accounts of company A numbered 0001, 0002, …"""

    def make(n, of=None, start=1):
        return [AccountFactory(company=of or company, number=f"{i:04d}") for i in range(start, start + n)]

    return make


@pytest.fixture
def client_for():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login
