"""Two companies and the people around a household's bill: its resident (two homes: one owed a refund
after a correction, one that owes), a neighbour with a home of their own, a clerk of the company, a
clerk of the other company (which has a home with the same 户号) and a bureau officer."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from heating.models import Role, ServiceCounter
from heating.services.refunds import refunds_open_for_season
from tests.factories import (
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    id_number,
    make_account,
)
from tests.settlement.helpers import pay, settle

ID_NUMBER = id_number("37032319800101001")
BANK_ACCOUNT = "1603 0012 0920 0058 817"


@dataclass
class Homes:
    company: object
    other_company: object
    resident: object
    neighbour: object
    clerk: object
    other_clerk: object
    officer: object
    refunded: object  # H1001: paid 2000.00, settled, corrected to 70 m² (1470.00): 530.00 to refund
    owing: object  # H1002: paid 1000.00 of 1680.00: 680.00 to pay
    neighbours_home: object
    twin: object  # the other company's H1001


def bill_url(account, season="2019-2020", pdf=False) -> str:
    return f"/me/{account.company.code}/{account.number}/{season}/" + ("statement.pdf" if pdf else "")


def build_homes() -> Homes:
    company = CompanyFactory(
        name="沂源县鑫源热力有限公司", bank_name="中国工商银行沂源支行", bank_account=BANK_ACCOUNT
    )
    ServiceCounter.objects.create(
        organisation=company, name="胜利路营业厅", address="沂源县胜利路 86 号", hours="每日 8:00–17:30"
    )
    other_company = CompanyFactory(name="沂源城南供热有限公司")
    resident = UserFactory(username="resident1", last_name="张", first_name="建国")
    holder = CustomerFactory(company=company, name="张建国", id_number=ID_NUMBER, user=resident)
    refunded = make_account(company=company, number="H1001", customer=holder)
    owing = make_account(company=company, number="H1002", customer=holder)
    neighbour = UserFactory(username="neighbour", last_name="李", first_name="秀兰")
    neighbours_home = make_account(
        company=company, number="H2001", customer=CustomerFactory(company=company, user=neighbour)
    )
    twin = make_account(company=other_company, number="H1001")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    other_clerk = MembershipFactory(organisation=other_company, role=Role.CLERK).user
    officer = MembershipFactory(
        organisation=BureauFactory(name="沂源县住房和城乡建设局"), role=Role.OFFICER
    ).user

    pay(refunded, "1500.00", paid_on=datetime.date(2019, 10, 20), channel="wechat")
    pay(refunded, "500.00", paid_on=datetime.date(2019, 11, 2), channel="bank")
    pay(owing, "1000.00")
    pay(neighbours_home, "1680.00")
    settle(company, refunded, owing, neighbours_home)
    AreaDecisionFactory(account=refunded, area=Decimal("70.00"))
    settle(company, refunded)
    refunds_open_for_season(company=company, start_year=2019)
    return Homes(
        company,
        other_company,
        resident,
        neighbour,
        clerk,
        other_clerk,
        officer,
        refunded,
        owing,
        neighbours_home,
        twin,
    )


@pytest.fixture
def homes(db):
    return build_homes()


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
