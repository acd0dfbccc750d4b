"""A household with a cold flat and the people around its complaints: the resident, a neighbour with a
home of their own, two clerks of the company, a clerk of another company, an officer of the
public-utilities administration (service oversight), one of the market bureau (price supervision) and
one of a bureau with neither duty. Photos go to a temporary MEDIA_ROOT; `clock` fixes the time."""

import datetime
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from heating.models import Duty, Role
from heating.services.complaints import complaint_file
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_account,
)
from tests.uploads import PNG

# A Monday morning in the heating season, Beijing time.
MONDAY = timezone.make_aware(datetime.datetime(2019, 12, 2, 9, 0))


@dataclass
class People:
    company: object
    resident: object
    home: object
    neighbour: object
    neighbours_home: object
    clerk: object
    fitter: object
    other_clerk: object
    utilities: object
    utilities_bureau: object
    market: object
    other_officer: object


def build_people() -> People:
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    other_company = CompanyFactory(name="沂源城南供热有限公司")
    resident = UserFactory(username="resident1", last_name="张", first_name="建国")
    home = make_account(
        company=company,
        number="H1001",
        customer=CustomerFactory(company=company, name="张建国", user=resident),
    )
    neighbour = UserFactory(username="neighbour", last_name="李", first_name="秀兰")
    neighbours_home = make_account(
        company=company, number="H2001", customer=CustomerFactory(company=company, user=neighbour)
    )
    utilities_bureau = BureauFactory(name="沂源县住房和城乡建设局", duties=[Duty.SERVICE_OVERSIGHT])
    market_bureau = BureauFactory(name="沂源县市场监督管理局", duties=[Duty.PRICE_SUPERVISION])
    return People(
        company=company,
        resident=resident,
        home=home,
        neighbour=neighbour,
        neighbours_home=neighbours_home,
        clerk=MembershipFactory(organisation=company, role=Role.CLERK, user__username="clerk1").user,
        fitter=MembershipFactory(
            organisation=company,
            role=Role.CLERK,
            user__username="fitter",
            user__last_name="王",
            user__first_name="师傅",
        ).user,
        other_clerk=MembershipFactory(organisation=other_company, role=Role.CLERK).user,
        utilities=MembershipFactory(organisation=utilities_bureau, role=Role.OFFICER).user,
        utilities_bureau=utilities_bureau,
        market=MembershipFactory(organisation=market_bureau, role=Role.OFFICER).user,
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


class Clock:
    """timezone.now() as the test sets it (services and selectors read it through django.utils)."""

    def __init__(self, now):
        self.now = now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock():
    fixed = Clock(MONDAY)
    with mock.patch("django.utils.timezone.now", side_effect=lambda: fixed.now):
        yield fixed


def png(name="暖气片.png", data=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def filed(people, **kwargs):
    fields = {
        "user": people.resident,
        "account_id": people.home.pk,
        "category": "cold",
        "description": "主卧室只有 15 度，已经三天了。",
        "photos": [png()],
    }
    return complaint_file(**{**fields, **kwargs})


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
