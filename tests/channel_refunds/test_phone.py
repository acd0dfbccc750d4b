"""原路退回 in the browser at phone width: the manager sends a refund back from the refund page, a
refund in flight is listed with its part, and the resident's bill says where the money went; every
page fits 360 px, keeps the CSP and passes axe."""

import pytest

from heating.models import ChannelRefund, Refund, Role
from heating.payments import sandbox
from tests.factories import CompanyFactory, CustomerFactory, MembershipFactory, UserFactory, make_account
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, sign_in
from tests.refunds.test_refund_phone import check
from tests.test_calculator_page import load_policy_2019

from .helpers import settled_refund


@pytest.fixture
def channel_county(transactional_db):
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory(code="CHP1", name="沂源县鑫源热力有限公司城区第二供热站")
    sandbox.account_create(company=company)
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    resident = UserFactory(username="resident-phone")
    account = make_account(company=company, customer=CustomerFactory(company=company, user=resident))
    refund, _orders = settled_refund(account, "500.00", cash="2000.00")  # 820 back, 500 online
    return manager, resident, refund


@pytest.mark.browser
def test_a_manager_sends_a_refund_back_and_the_resident_reads_where_it_went(
    live_server, channel_county, page, axe_source
):
    manager, resident, refund = channel_county
    page.set_viewport_size(PHONE)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, manager)
    page.goto(live_server.url + "/company/refunds/?season=2019-2020")
    problems = check(page, "refunds")
    page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)

    page.click(f"button[formaction='/company/refunds/{refund.id}/channel/']")
    page.wait_for_load_state("load")
    problems += check(page, "after")
    refund.refresh_from_db()
    assert refund.state == Refund.State.PAID and ChannelRefund.objects.get().amount == refund.amount
    assert page.locator("input[name=refund]").count() == 1  # the rest, for the bank

    page.context.clear_cookies()
    sign_in(page, live_server, resident)
    page.goto(live_server.url + f"/me/CHP1/{refund.account.number}/2019-2020/")
    assert page.locator(".part.state-succeeded").count() == 1
    assert "500.00" in page.locator(".part").inner_text()
    problems += check(page, "bill")
    page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)
    assert problems == []
