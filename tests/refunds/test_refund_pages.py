import datetime
import io
import logging
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from heating.models import Duty, Refund, Role
from heating.services.refunds import refund_payee_set, refunds_open_for_season
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, make_account
from tests.settlement.helpers import SEASON, pay, settle

pytestmark = pytest.mark.django_db
URL = "/company/refunds/?season=2019-2020"
ACCOUNT_NUMBER = "6222021600012341234"


def the(account, kind=Refund.Kind.REFUND):
    return Refund.objects.get(account=account, kind=kind, state="pending")


@pytest.fixture
def with_payee(settled, clerk):
    refund = the(settled[0])
    refund_payee_set(
        refund_id=refund.id,
        name="=HYPERLINK(1)",
        bank="沂源农商行",
        account_number=ACCOUNT_NUMBER,
        user=clerk,
    )
    return refund


def test_the_page_lists_pending_refunds_and_supplements_with_the_payee_masked(client, clerk, with_payee):
    client.force_login(clerk)
    page = client.get(URL).content.decode()
    assert "6222 **** **** 1234" in page
    assert ACCOUNT_NUMBER not in page
    assert page.count('name="refund"') == 2


def test_marking_many_paid_with_one_bank_reference(client, clerk, settled):
    over, under = settled
    ids = [the(over).id, the(under, Refund.Kind.SUPPLEMENT).id]
    client.force_login(clerk)
    response = client.post(
        "/company/refunds/paid/",
        {"season": "2019-2020", "refund": ids, "bank_reference": "NX-20200506-1", "paid_on": "2020-05-06"},
    )
    assert response.status_code == 302
    assert set(Refund.objects.filter(id__in=ids).values_list("state", "bank_reference")) == {
        ("paid", "NX-20200506-1")
    }


@pytest.mark.parametrize(
    ("post", "field"),
    [
        ({"refund": [], "bank_reference": "B", "paid_on": "2020-05-06"}, "退费"),
        ({"refund": ["x"], "bank_reference": "B", "paid_on": "2020-05-06"}, "退费"),
        ({"bank_reference": "B", "paid_on": "06/05/2020"}, "支付日期"),
        ({"bank_reference": "  ", "paid_on": "2020-05-06"}, "银行凭证号"),
        ({"season": "2019-2021", "bank_reference": "B", "paid_on": "2020-05-06"}, "供暖季"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, clerk, settled, post, field):
    post = {"season": "2019-2020", "refund": [the(settled[0]).id], **post}
    client.force_login(clerk)
    response = client.post("/company/refunds/paid/", post)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert the(settled[0]).state == "pending"


def test_another_companys_clerk_cannot_see_or_pay_them(client, settled):
    refund = the(settled[0])
    stranger = MembershipFactory(organisation=CompanyFactory(), role=Role.CLERK).user
    client.force_login(stranger)
    assert 'name="refund"' not in client.get(URL).content.decode()
    response = client.post(
        "/company/refunds/paid/",
        {"season": "2019-2020", "refund": [refund.id], "bank_reference": "B", "paid_on": "2020-05-06"},
    )
    assert response.status_code == 403
    assert the(settled[0]).state == "pending"


def test_the_bank_export_is_for_managers_has_the_full_account_and_no_formula(
    client, clerk, manager, with_payee, caplog
):
    client.force_login(clerk)
    assert client.get("/company/refunds/bank.xlsx?season=2019-2020").status_code == 403
    client.force_login(manager)
    with caplog.at_level(logging.INFO, logger="heating.refunds"):
        response = client.get("/company/refunds/bank.xlsx?season=2019-2020")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one refund: supplements are not the bank's to pay
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][4] == ACCOUNT_NUMBER
    assert Decimal(str(rows[1][5])) == with_payee.amount
    assert manager.username in caplog.text and ACCOUNT_NUMBER not in caplog.text


def oversight_county():
    """Two companies' refunds: one paid, one owed, one owed long past the deadline."""
    for paid_too_much in ("5000.00", "4000.00"):
        company = CompanyFactory()
        accounts = [make_account(company=company) for _ in range(2)]
        for account in accounts:
            pay(account, paid_too_much)
        settle(company)
        refunds_open_for_season(company=company, start_year=SEASON)
    late = Refund.objects.order_by("id").first()
    Refund.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    return late


def test_the_oversight_page_shows_every_company_in_two_queries(client):
    late = oversight_county()
    officer = MembershipFactory(
        organisation=BureauFactory(duties=[Duty.REFUND_OVERSIGHT]), role=Role.OFFICER
    ).user
    client.force_login(officer)
    client.get("/bureau/refunds/")  # the session and the user, cached after the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bureau/refunds/")
    assert response.status_code == 200
    refund_queries = [q["sql"] for q in queries if "heating_refund" in q["sql"]]
    assert len(refund_queries) == 2  # the figures, and what went back through each channel
    rows = response.context["rows"]
    assert len(rows) == 2 and {row.owed_count for row in rows} == {2}
    assert sum(row.overdue_count for row in rows) == 1
    assert sum(row.overdue for row in rows) == late.amount
    assert 'id="refund-oversight"' in client.get("/bureau/").content.decode()


def test_other_bureaus_and_companies_are_refused_the_oversight_page(client, manager):
    other = MembershipFactory(organisation=BureauFactory(duties=[Duty.AREA_DECISION]), role=Role.OFFICER).user
    for user in (other, manager):
        client.force_login(user)
        assert client.get("/bureau/refunds/").status_code == 403
    client.force_login(other)
    assert 'id="refund-oversight"' not in client.get("/bureau/").content.decode()


def test_staff_record_a_payee_and_the_number_is_never_sent_back(client, clerk, settled):
    refund = the(settled[0])
    client.force_login(clerk)
    url = f"/company/refunds/{refund.id}/payee/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"name": "张三", "bank": "农商行", "account_number": "6222 0216 0001 23x"})
    assert refused.status_code == 400
    assert "银行账号" in refused.content.decode() and "0216" not in refused.content.decode()
    saved = client.post(url, {"name": "张三", "bank": "农商行", "account_number": ACCOUNT_NUMBER})
    assert saved.status_code == 302
    refund.refresh_from_db()
    assert (refund.payee_name, refund.payee_account_masked) == ("张三", "6222 **** **** 1234")
    assert ACCOUNT_NUMBER not in client.get(URL).content.decode()


def test_another_companys_clerk_cannot_see_a_payee_form(client, settled):
    stranger = MembershipFactory(organisation=CompanyFactory(), role=Role.CLERK).user
    client.force_login(stranger)
    url = f"/company/refunds/{the(settled[0]).id}/payee/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "bank": "y", "account_number": ACCOUNT_NUMBER}).status_code == 404
    assert the(settled[0]).payee_account_cipher == ""


def test_a_manager_opens_the_seasons_refunds_from_the_page_and_a_rerun_opens_nothing(
    client, company, manager, clerk
):
    pay(make_account(company=company), "5000.00")
    settle(company)
    client.force_login(clerk)
    assert client.post("/company/refunds/open/", {"season": "2019-2020"}).status_code == 403
    client.force_login(manager)
    for _ in range(2):
        assert client.post("/company/refunds/open/", {"season": "2019-2020"}).status_code == 302
    assert Refund.objects.count() == 1
    assert client.post("/company/refunds/open/", {"season": "2019"}).status_code == 400
