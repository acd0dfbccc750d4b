"""原路退回 on the pages: the company's refund page (managers act, clerks look, other companies get a
404), the bank's export without refunds in the channel, the resident's bill and the bureau's oversight."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from heating.models import ChannelRefund, Duty, Refund, Role
from heating.payments import sandbox
from heating.services.channel_refunds import channel_refunds_query, refund_send_back
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_account,
)

from .helpers import D, settled_refund

pytestmark = pytest.mark.django_db
LIST = "/company/refunds/?season=2019-2020"


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_sees_what_can_go_back_and_sends_it(account, manager):
    refund, _orders = settled_refund(account, "500.00", cash="2000.00")  # 820 back, 500 online
    client = client_of(manager)

    page = client.get(LIST).content.decode()
    assert (
        f'action="/company/refunds/{refund.id}/channel/"' in page
        or f"/company/refunds/{refund.id}/channel/" in page
    )
    assert "可原路退回 ¥500.00；其余 ¥320.00 须银行转账。" in page
    assert 'id="channel-hint"' in page

    response = client.post(f"/company/refunds/{refund.id}/channel/", follow=True)
    said = response.content.decode()
    assert "已原路退回" in said and "另列为第" in said
    refund.refresh_from_db()
    assert refund.state == Refund.State.PAID
    rest = Refund.objects.get(state=Refund.State.PENDING)
    assert rest.amount == D("320.00") and f'value="{rest.id}"' in said  # the bank's, to mark paid


def test_a_clerk_sees_the_parts_but_cannot_act_and_other_companies_get_404(account, clerk, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    url = f"/company/refunds/{refund.id}/channel/"
    assert client_of(clerk).post(url).status_code == 403
    outsider = MembershipFactory(organisation=CompanyFactory(code="OUT1"), role=Role.MANAGER).user
    assert client_of(outsider).post(url).status_code == 404
    assert client_of(outsider).post(f"/company/refunds/{refund.id}/retry/").status_code == 404
    assert Client().post(url).status_code == 302  # to sign in
    assert not ChannelRefund.objects.exists()

    refund_send_back(refund_id=refund.id, user=manager)
    page = client_of(clerk).get(LIST).content.decode()
    assert 'id="in-channel"' in page and "原路退回至演示支付 ¥1320.00" in page and "退款处理中" in page
    assert url not in page and 'name="refund"' not in page  # nothing to act on, nothing to tick


def test_a_second_send_is_refused_with_the_reason(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    client = client_of(manager)
    assert client.post(f"/company/refunds/{refund.id}/channel/").status_code == 302
    response = client.post(f"/company/refunds/{refund.id}/channel/")
    assert response.status_code == 400 and "正在原路退回" in response.content.decode()
    assert ChannelRefund.objects.count() == 1


def test_a_failed_refund_shows_why_and_the_manager_makes_it_pending_again(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    part = ChannelRefund.objects.get()
    sandbox.refund_complete(part.refund_no, ok=False, reason="用户银行卡已注销")

    from django.utils import timezone

    channel_refunds_query(now=timezone.now() + datetime.timedelta(minutes=5))
    client = client_of(manager)
    page = client.get(LIST).content.decode()
    assert 'id="failed"' in page and "用户银行卡已注销" in page and "退款失败" in page

    assert client.post(f"/company/refunds/{refund.id}/retry/").status_code == 302
    refund.refresh_from_db()
    assert refund.state == Refund.State.PENDING
    assert f"/company/refunds/{refund.id}/channel/" in client.get(LIST).content.decode()


def test_the_bank_export_leaves_out_refunds_in_the_channel(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    response = client_of(manager).get("/company/refunds/bank.xlsx?season=2019-2020")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


def test_the_list_costs_a_fixed_number_of_queries(company, manager, django_assert_max_num_queries):
    for _ in range(3):
        settled_refund(make_account(company=company), "3000.00")
    client = client_of(manager)
    client.get(LIST)
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert response.content.decode().count("/channel/") == 3


def test_the_residents_bill_says_where_the_money_went_back_and_when(company, manager):
    resident = UserFactory(username="resident-ch")
    account = make_account(company=company, customer=CustomerFactory(company=company, user=resident))
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    part = ChannelRefund.objects.get()

    url = f"/me/{company.code}/{account.number}/2019-2020/"
    html = client_of(resident).get(url).content.decode()
    day = timezone.localdate(part.settled_at).isoformat()
    assert f"原路退回至演示支付 ¥1320.00：退款成功 · {day}" in html and "已支付" in html
    english = client_of(resident).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Back to" in english


def test_the_bureau_sees_what_went_back_through_each_channel(account, manager):
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    officer = MembershipFactory(
        organisation=BureauFactory(duties=[Duty.REFUND_OVERSIGHT]), role=Role.OFFICER
    ).user
    page = client_of(officer).get("/bureau/refunds/").content.decode()
    assert "其中原路退回" in page and "演示支付 ¥1320.00" in page
