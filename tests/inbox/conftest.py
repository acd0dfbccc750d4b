"""A county where every step of the eligibility decisions has someone to tell and someone who must not
hear: a household (a home of 80 m²) and its company DEMO1 with two clerks, another company DEMO2 with a
clerk, a school (an institution account) and its contact, and officers of the civil-affairs (MZJ),
housing (ZJJ), education (JYJ) and finance (CZJ, no decision duty) bureaus. Every login has an e-mail
address but the second clerk. Uploads go to a temporary MEDIA_ROOT."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from heating.billing import INSTITUTION
from heating.models import Duty, Message, Role
from heating.services.disputes import dispute_answer, dispute_file
from heating.services.institutions import institution_apply
from heating.services.lowincome import certificate_apply
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

CERTIFICATE_NUMBER = "370323-DB-20190087"


@dataclass
class County:
    company: object
    other_company: object
    resident: object
    home: object
    contact: object
    school: object
    clerk: object
    second_clerk: object
    other_clerk: object
    civil: object
    housing: object
    education: object
    finance: object


def officer(code, name, duties):
    bureau = BureauFactory(code=code, name=name, duties=duties)
    user = UserFactory(username=code.lower())
    return MembershipFactory(organisation=bureau, role=Role.OFFICER, user=user).user


def build_county() -> County:
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    other_company = CompanyFactory(code="DEMO2", name="沂源城南供热有限公司")
    resident = UserFactory(username="resident")
    home = make_account(
        area="80.00", company=company, number="H1001",
        customer=CustomerFactory(company=company, name="张建国", user=resident),
    )
    contact = UserFactory(username="school")
    school = make_account(
        area="1000.00", price_class=INSTITUTION, company=company, number="S1001",
        customer=CustomerFactory(company=company, name="沂源县第一小学", user=contact),
    )
    staff = lambda name, org: MembershipFactory(  # noqa: E731
        organisation=org, role=Role.CLERK, user=UserFactory(username=name)
    ).user
    return County(
        company=company,
        other_company=other_company,
        resident=resident,
        home=home,
        contact=contact,
        school=school,
        clerk=staff("clerk", company),
        second_clerk=staff("clerk2", company),
        other_clerk=staff("clerk-demo2", other_company),
        civil=officer("MZJ", "沂源县民政局", [Duty.ELIGIBILITY_CIVIL_AFFAIRS]),
        housing=officer("ZJJ", "沂源县住房和城乡建设局", [Duty.AREA_DECISION]),
        education=officer("JYJ", "沂源县教育和体育局", [Duty.ELIGIBILITY_EDUCATION]),
        finance=officer("CZJ", "沂源县财政局", [Duty.SUBSIDY_LEAD]),
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def county(db):
    county = build_county()
    county.second_clerk.email = ""
    county.second_clerk.save(update_fields=["email"])
    return county


def pdf():
    return SimpleUploadedFile("证件.pdf", PDF, content_type="application/pdf")


def recipients(**filters) -> list[str]:
    """Each message's recipient (a login's username, an organisation's code), sorted."""
    messages = Message.objects.filter(**filters).select_related("user", "organisation")
    return sorted(m.user.username if m.user_id else m.organisation.code for m in messages)


def applied_certificate(county):
    return certificate_apply(
        user=county.resident, account_id=county.home.pk, kind="dibao", number=CERTIFICATE_NUMBER,
        valid_from=datetime.date(2019, 1, 1), valid_until=None, upload=pdf(),
    )


def filed_dispute(county):
    return dispute_file(
        user=county.resident, account_id=county.home.pk, from_year=2019,
        parts=[{"kind": "flat", "area": "70.00"}], statement="房产证上的套内面积是 70 平方米。",
    )


def answered_dispute(county):
    dispute = filed_dispute(county)
    return dispute_answer(user=county.clerk, dispute_id=dispute.pk, response="登记面积按测绘报告 80 平方米。")


def applied_institution(county, user=None):
    return institution_apply(
        user=user or county.contact, account_id=county.school.pk, category="school", from_year=2019,
        statement="教学楼和办公楼共 1000 平方米，全部自用。", documents=[pdf()],
    )


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
