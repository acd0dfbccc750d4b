"""The households of tests/resident_bill (the owing home H1002: 680.00 to pay after settlement) with
their company taking payments online through the sandbox provider."""

import pytest

from heating.payments import sandbox
from tests.resident_bill.conftest import Homes, bill_url, build_homes, client_of  # noqa: F401


def build_paying_homes() -> Homes:
    homes = build_homes()
    sandbox.account_create(company=homes.company)
    return homes


@pytest.fixture
def homes(db):
    return build_paying_homes()


def pay_url(account, season="2019-2020") -> str:
    return bill_url(account, season) + "pay/"
