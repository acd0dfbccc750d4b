import pytest
from django.utils import translation

from tests.factories import CompanyFactory

from .helpers import staff


@pytest.fixture(autouse=True)
def staff_language():
    """Staff read Chinese, the default language, whatever an earlier test in this process left active
    (a request with Accept-Language: en leaves English active in the thread)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def company():
    """The clerk's company; the entry and review pages' tests act as its clerk (`client_in`)."""
    return CompanyFactory()


@pytest.fixture
def clerk(company):
    return staff(company, "clerk")


@pytest.fixture
def client_in(client, clerk):
    client.force_login(clerk)
    return client
