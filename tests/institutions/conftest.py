"""A school with a 1,000 m² building billed as an institution (paid and settled for 2019-2020 at the
non-residential price), its contact's login, another institution's contact with an account of its
own, staff of the school's company and of another company, and officers of the education, HR and
civil-affairs bureaus. Uploaded documents go to a temporary MEDIA_ROOT."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from heating.billing import INSTITUTION
from heating.models import Duty, Role
from heating.services.institutions import institution_apply
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
class County:
    company: object
    contact: object
    school: object
    other_contact: object
    other_school: object
    clerk: object
    other_clerk: object
    education: object
    hr: object
    civil: object


def build_county() -> County:
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    other_company = CompanyFactory(code="DEMO2", name="沂源城南供热有限公司")
    contact = UserFactory(username="school1", last_name="王", first_name="老师")
    school = make_account(
        area="1000.00", price_class=INSTITUTION, company=company, number="S1001",
        customer=CustomerFactory(company=company, name="沂源县第一小学", user=contact),
    )
    other_contact = UserFactory(username="school2")
    other_school = make_account(
        area="500.00", price_class=INSTITUTION, company=company, number="S1002",
        customer=CustomerFactory(company=company, name="沂源县第二小学", user=other_contact),
    )
    pay(school, "35000.00", paid_on=datetime.date(2019, 10, 20))
    settle(company, school)

    def officer(name, duty):
        bureau = BureauFactory(name=name, duties=[duty])
        return MembershipFactory(organisation=bureau, role=Role.OFFICER).user

    return County(
        company=company,
        contact=contact,
        school=school,
        other_contact=other_contact,
        other_school=other_school,
        clerk=MembershipFactory(organisation=company, role=Role.CLERK).user,
        other_clerk=MembershipFactory(organisation=other_company, role=Role.CLERK).user,
        education=officer("沂源县教育和体育局", Duty.ELIGIBILITY_EDUCATION),
        hr=officer("沂源县人力资源和社会保障局", Duty.ELIGIBILITY_HR),
        civil=officer("沂源县民政局", Duty.ELIGIBILITY_CIVIL_AFFAIRS),
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def county(db):
    return build_county()


def pdf(name="办学许可证.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def applied(county, **kwargs):
    fields = {
        "user": county.contact,
        "account_id": county.school.pk,
        "category": "school",
        "from_year": 2019,
        "statement": "教学楼和办公楼共 1000 平方米，全部自用。",
        "documents": [pdf()],
    }
    return institution_apply(**{**fields, **kwargs})


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
