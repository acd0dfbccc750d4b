"""A household with a home (and a second one elsewhere), a neighbour, the civil-affairs bureau and its
officer, another bureau, and a clerk; scans kept under a fresh MEDIA_ROOT."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from heating.models import Duty, Role
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_account,
)
from tests.test_calculator_page import load_policy_2019
from tests.uploads import PDF

ID_NUMBER = "11010519491231002X"
OTHER_ID = "370323197512014569"


def scan(name="cert.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type)


@dataclass
class County:
    company: object
    resident: object
    home: object
    neighbour_user: object
    neighbour: object
    civil: object
    officer: object
    other_officer: object
    clerk: object


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def build_county():
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    resident = UserFactory(username="13805331234", email="zhang@example.com")
    person = CustomerFactory(company=company, name="张建国", user=resident, id_number=ID_NUMBER)
    home = make_account(company=company, number="0100234", customer=person, area="100.00")
    neighbour_user = UserFactory(username="13805330000")
    neighbour = make_account(
        company=company, number="0100235",
        customer=CustomerFactory(company=company, name="李秀兰", user=neighbour_user, id_number=OTHER_ID),
    )
    civil = BureauFactory(code="MZJ", name="沂源县民政局", duties=[Duty.ELIGIBILITY_CIVIL_AFFAIRS])
    officer = UserFactory(username="civil")
    MembershipFactory(organisation=civil, role=Role.OFFICER, user=officer)
    housing = BureauFactory(code="ZJJ", duties=[Duty.AREA_DECISION])
    other_officer = MembershipFactory(organisation=housing, role=Role.OFFICER).user
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    return County(company, resident, home, neighbour_user, neighbour, civil, officer, other_officer, clerk)


@pytest.fixture
def county(db):
    return build_county()


def apply_form(account, **overrides):
    data = {
        "account": account.pk,
        "kind": "dibao",
        "number": "DB2019-0042",
        "valid_from": "2019-01-01",
        "valid_until": "2020-06-30",
        "scan": scan(),
    }
    data.update(overrides)
    return data


DAY = datetime.date(2019, 12, 1)
