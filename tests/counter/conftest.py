"""Two companies with homes to find: in building 3 of 历山街道 (DEMO-like), accounts whose keys overlap
(a 户号 that is a prefix of another, a name in an address) so the ranking has something to rank."""

from dataclasses import dataclass

import pytest
from django.test import Client

from heating.models import Role
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    MeterFactory,
    PremisesFactory,
    id_number,
    make_account,
)

ID_NUMBER = id_number("37032319800101001")


@dataclass
class Counter:
    company: object
    other: object
    clerk: object
    manager: object
    other_clerk: object
    exact: object  # 户号 H1001
    longer: object  # 户号 H10015: H1001 is its prefix
    wang: object  # 王建国 in 历山街道3号楼 2单元301, phone 13805331234, meter M-7788, identity number
    stranger: object  # another company's account, same address words and name


def home(company, building, unit):
    return PremisesFactory(company=company, building=building, unit=unit)


def build_counter() -> Counter:
    company, other = CompanyFactory(), CompanyFactory()
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    other_clerk = MembershipFactory(organisation=other, role=Role.CLERK).user
    building = BuildingFactory(
        company=company, code="LS-03", name="历山街道3号楼", address="沂源县历山路18号"
    )
    exact = make_account(number="H1001", premises=home(company, building, "1-101"))
    longer = make_account(number="H10015", premises=home(company, building, "1-102"))
    customer = CustomerFactory(company=company, name="王建国", phone="13805331234", id_number=ID_NUMBER)
    wang = make_account(
        number="H2002",
        customer=customer,
        premises=home(company, building, "2单元301"),
        metered=False,
    )
    MeterFactory(account=wang, serial="M-7788")
    other_building = BuildingFactory(company=other, name="历山街道3号楼", address="沂源县历山路18号")
    stranger_customer = CustomerFactory(
        company=other, name="王建国", phone="13805331234", id_number=ID_NUMBER
    )
    stranger = make_account(
        number="H2002", customer=stranger_customer, premises=home(other, other_building, "2单元301")
    )
    MeterFactory(account=stranger, serial="M-7788")
    return Counter(company, other, clerk, manager, other_clerk, exact, longer, wang, stranger)


@pytest.fixture
def counter(db):
    return build_counter()


@pytest.fixture
def clerk_client(counter):
    client = Client()
    client.force_login(counter.clerk)
    return client
