"""A household disputing its billing area and the people around the dispute: the resident (a home of
80 m², paid and settled for 2019-2020), a neighbour with a home of their own, a clerk of the company, a
clerk of another company, an officer of the bureau deciding areas and an officer of a bureau without
that duty. Uploaded documents go to a temporary MEDIA_ROOT."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from heating.models import Duty, Role
from heating.services.disputes import dispute_answer, dispute_file
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_account,
)
from tests.settlement.helpers import pay, settle
from tests.test_calculator_page import load_policy_2019
from tests.uploads import PDF


@dataclass
class People:
    company: object
    resident: object
    home: object
    neighbour: object
    neighbours_home: object
    clerk: object
    other_clerk: object
    officer: object
    bureau: object
    other_officer: object


def build_people() -> People:
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    other_company = CompanyFactory(name="沂源城南供热有限公司")
    resident = UserFactory(username="resident1", last_name="张", first_name="建国")
    home = make_account(
        area="80.00", company=company, number="H1001",
        customer=CustomerFactory(company=company, name="张建国", user=resident),
    )
    neighbour = UserFactory(username="neighbour", last_name="李", first_name="秀兰")
    neighbours_home = make_account(
        company=company, number="H2001", customer=CustomerFactory(company=company, user=neighbour)
    )
    pay(home, "1680.00", paid_on=datetime.date(2019, 10, 20))
    settle(company, home)
    bureau = BureauFactory(name="沂源县住房和城乡建设局", duties=[Duty.AREA_DECISION])
    return People(
        company=company,
        resident=resident,
        home=home,
        neighbour=neighbour,
        neighbours_home=neighbours_home,
        clerk=MembershipFactory(organisation=company, role=Role.CLERK).user,
        other_clerk=MembershipFactory(organisation=other_company, role=Role.CLERK).user,
        officer=MembershipFactory(organisation=bureau, role=Role.OFFICER).user,
        bureau=bureau,
        other_officer=MembershipFactory(
            organisation=BureauFactory(name="沂源县民政局", duties=[Duty.ELIGIBILITY_CIVIL_AFFAIRS]),
            role=Role.OFFICER,
        ).user,
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def people(db):
    return build_people()


def pdf(name="房产证.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def filed(people, **kwargs):
    fields = {
        "user": people.resident,
        "account_id": people.home.pk,
        "from_year": 2019,
        "parts": [{"kind": "flat", "area": "70.00"}],
        "statement": "房产证上的套内面积是 70 平方米。",
        "documents": [pdf()],
    }
    return dispute_file(**{**fields, **kwargs})


def answered(people, **kwargs):
    dispute = filed(people, **kwargs)
    return dispute_answer(user=people.clerk, dispute_id=dispute.pk, response="登记面积按测绘报告 80 平方米。")


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
