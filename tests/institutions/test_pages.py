"""The application at page level: the contact and the company apply and follow it, the competent
bureau decides from its queue and lands there while applications wait; everyone else gets 403 or the
same 404 as an application that does not exist. The bureau's queue costs a fixed number of queries."""

import pytest

from heating.billing import INSTITUTION
from heating.models import InstitutionApproval
from heating.models.accounts import Decision
from tests.factories import InstitutionApprovalFactory, make_account

from .conftest import applied, client_of, pdf

APPLY = "/institutions/new/DEMO1/S1001/"


def form(**overrides):
    data = {
        "category": "school",
        "from_year": "2019",
        "statement": "教学楼 1000 平方米，全部自用。",
        "documents": [pdf()],
    }
    return {**data, **overrides}


@pytest.mark.parametrize("who", ["contact", "clerk"])
def test_the_contact_or_the_company_applies_from_the_form(county, who):
    client = client_of(getattr(county, who))
    page = client.get(APPLY)
    assert page.status_code == 200
    assert "出租或经营用房" in page.content.decode()
    response = client.post(APPLY, form())
    approval = InstitutionApproval.objects.get()
    assert response.status_code == 302 and response.url == f"/institutions/{approval.pk}/"
    detail = client.get(response.url).content.decode()
    assert "待审定" in detail and "办学许可证.pdf" in detail
    listing = client.get("/institutions/").content.decode()
    assert f"/institutions/{approval.pk}/" in listing


def test_a_refusal_shows_on_the_form_with_what_was_typed(county):
    response = client_of(county.contact).post(APPLY, form(category="", statement="自用教学楼"))
    assert response.status_code == 400
    assert "请从列表中选择单位类别" in response.content.decode()
    assert "自用教学楼" in response.content.decode()
    assert not InstitutionApproval.objects.exists()


def test_six_documents_are_refused_on_the_page(county):
    response = client_of(county.contact).post(APPLY, form(documents=[pdf() for _ in range(6)]))
    assert response.status_code == 400
    assert "最多上传 5 个文件" in response.content.decode()


@pytest.mark.parametrize("who", ["other_contact", "other_clerk", "education", None])
def test_nobody_else_sees_or_applies_for_the_account(county, who):
    approval = applied(county)
    client = client_of(getattr(county, who) if who else None)
    document = approval.application.documents.get()
    statuses = [
        client.get(APPLY).status_code,
        client.post(APPLY, form(from_year="2020")).status_code,
        client.get(f"/institutions/{approval.pk}/").status_code,
    ]
    assert statuses == ([302, 302, 302] if who is None else [404, 404, 404])
    if who != "education":
        assert client.get(f"/institutions/files/{document.pk}/").status_code == 404
    assert InstitutionApproval.objects.count() == 1


def test_the_documents_open_for_the_bureau_the_applicant_and_the_company_only(county):
    document = applied(county).application.documents.get()
    url = f"/institutions/files/{document.pk}/"
    opened = {
        who: client_of(getattr(county, who)).get(url).status_code
        for who in ["contact", "clerk", "education", "hr", "civil", "other_contact", "other_clerk"]
    }
    assert opened == {
        "contact": 200, "clerk": 200, "education": 200,
        "hr": 404, "civil": 404, "other_contact": 404, "other_clerk": 404,
    }
    response = client_of(county.education).get(url)
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_competent_bureau_lands_on_its_queue_and_approves(county):
    approval = applied(county)
    client = client_of(county.education)
    assert client.get("/start/", follow=True).redirect_chain[-1][0] == "/bureau/institutions/"
    queue = client.get("/bureau/institutions/").content.decode()
    assert f"/bureau/institutions/{approval.pk}/" in queue and "沂源县第一小学" in queue
    page = client.get(f"/bureau/institutions/{approval.pk}/")
    assert page.status_code == 200 and "办学许可证.pdf" in page.content.decode()
    response = client.post(f"/bureau/institutions/{approval.pk}/", {"outcome": "approve", "comment": ""})
    assert response.status_code == 302 and response.url == "/bureau/institutions/"
    approval.refresh_from_db()
    assert approval.status == Decision.APPROVED
    shown = client_of(county.contact).get(f"/institutions/{approval.pk}/").content.decode()
    assert "已批准" in shown and "沂源县教育和体育局" in shown


def test_a_rejection_without_a_reason_is_refused_on_the_page(county):
    approval = applied(county)
    client = client_of(county.education)
    response = client.post(f"/bureau/institutions/{approval.pk}/", {"outcome": "reject", "comment": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    client.post(f"/bureau/institutions/{approval.pk}/", {"outcome": "reject", "comment": "部分用房出租。"})
    approval.refresh_from_db()
    assert approval.status == Decision.REJECTED
    assert "部分用房出租。" in client_of(county.clerk).get(f"/institutions/{approval.pk}/").content.decode()


@pytest.mark.parametrize(
    ("category", "wrong"), [("school", "hr"), ("vocational", "education"), ("welfare", "hr")]
)
def test_a_wrong_bureau_neither_sees_nor_decides(county, category, wrong):
    approval = applied(county, category=category)
    client = client_of(getattr(county, wrong))
    assert f"/bureau/institutions/{approval.pk}/" not in client.get("/bureau/institutions/").content.decode()
    assert client.get(f"/bureau/institutions/{approval.pk}/").status_code == 404
    response = client.post(f"/bureau/institutions/{approval.pk}/", {"outcome": "approve"})
    assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.status == Decision.PENDING


@pytest.mark.parametrize("who", ["clerk", "contact"])
def test_a_company_or_an_institution_cannot_open_the_bureaus_pages(county, who):
    approval = applied(county)
    client = client_of(getattr(county, who))
    assert client.get("/bureau/institutions/").status_code == 403
    assert client.post(f"/bureau/institutions/{approval.pk}/", {"outcome": "approve"}).status_code == 403
    approval.refresh_from_db()
    assert approval.status == Decision.PENDING


def test_the_company_sees_its_applications_and_their_state(county):
    mine = applied(county)
    other_company_school = make_account(price_class=INSTITUTION)
    InstitutionApprovalFactory(account=other_company_school, status=Decision.PENDING)
    listing = client_of(county.clerk).get("/institutions/").content.decode()
    assert f"/institutions/{mine.pk}/" in listing and "待审定" in listing
    assert other_company_school.number not in listing


def test_the_contact_finds_the_application_from_me(county):
    page = client_of(county.contact).get("/me/").content.decode()
    assert 'href="/institutions/"' in page


def test_the_queue_costs_the_same_queries_however_many_wait(county, django_assert_num_queries):
    applied(county)
    client = client_of(county.education)
    with django_assert_num_queries(7) as one:
        client.get("/bureau/institutions/")
    for _ in range(4):
        account = make_account(price_class=INSTITUTION, company=county.company)
        InstitutionApprovalFactory(account=account, status=Decision.PENDING, category="kindergarten")
    decided = make_account(price_class=INSTITUTION, company=county.company)
    InstitutionApprovalFactory(account=decided, category="school")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/bureau/institutions/")
    assert page.content.decode().count("/bureau/institutions/") >= 6
