"""Two heating companies, a household with a home in each, a neighbour, and the codes on their notices."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from heating.services.activation import activation_code_issue
from tests.factories import CompanyFactory, CustomerFactory, make_account

PASSWORD = "Heating-2019-winter"
PHONE = "13805331234"


@dataclass
class Households:
    first: object  # 张建国's home with DEMO1
    second: object  # his other home, with DEMO2
    neighbour: object  # another household's home with DEMO1


@pytest.fixture(autouse=True)
def _no_failures_counted():
    """The throttle counts in the cache, which outlives a test in the same process."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def homes(db):
    one, two = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司"), CompanyFactory(code="DEMO2")
    first = make_account(
        company=one, number="0100234", customer=CustomerFactory(company=one, name="张建国"), area="96.50"
    )
    second = make_account(company=two, number="0200017", customer=CustomerFactory(company=two, name="张建国"))
    neighbour = make_account(
        company=one, number="0100235", customer=CustomerFactory(company=one, name="李秀兰")
    )
    return Households(first, second, neighbour)


def code_for(account) -> str:
    return activation_code_issue(account)


def step_one(client, account, code, *, company=None, address="10.0.0.1"):
    data = {
        "company": account.company.code if company is None else company,
        "number": account.number,
        "code": code,
    }
    return client.post("/activate/", data, REMOTE_ADDR=address)


def step_two(client, *, phone=PHONE, password=PASSWORD, again=None, address="10.0.0.1"):
    data = {"phone": phone, "password1": password, "password2": password if again is None else again}
    return client.post("/activate/password/", data, REMOTE_ADDR=address)
