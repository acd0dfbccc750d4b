"""The refund pages with refunds on them, at phone width: they fit, keep the CSP, and marking two
paid in the browser works (the county of tests/pages has none to list)."""

import pytest

from heating.models import Duty, Refund, Role
from heating.services.refunds import refund_payee_set, refunds_open_for_season
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, make_account
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, SMALL_TARGETS, WIDEST, sign_in
from tests.settlement.helpers import SEASON, pay, settle
from tests.test_calculator_page import load_policy_2019


@pytest.fixture
def refund_county(transactional_db):
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory(name="沂源县鑫源热力有限公司城区第二供热站")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    officer = MembershipFactory(
        organisation=BureauFactory(duties=[Duty.REFUND_OVERSIGHT]), role=Role.OFFICER
    ).user
    for amount in ("5000.00", "4800.00", "100.00"):
        pay(make_account(company=company), amount)
    settle(company)
    refunds_open_for_season(company=company, start_year=SEASON)
    refund = Refund.objects.filter(kind="refund").first()
    refund_payee_set(
        refund_id=refund.id,
        name="张建国",
        bank="山东沂源农村商业银行股份有限公司城区支行",
        account_number="6222021600012341234",
        user=clerk,
    )
    return clerk, officer, refund


def check(page, where):
    problems = []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        problems.append(f"{where}: {width[0]} px wide " + str(page.evaluate(WIDEST)))
    if page.evaluate("window.__csp"):
        problems.append(f"{where}: CSP {page.evaluate('window.__csp')}")
    if small := page.evaluate(SMALL_TARGETS):
        problems.append(f"{where}: targets under 44 px {small}")
    return problems


@pytest.mark.browser
def test_the_refund_pages_fit_a_phone_and_mark_two_paid(live_server, refund_county, page, axe_source):
    clerk, officer, refund = refund_county
    page.set_viewport_size(PHONE)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, clerk)
    page.goto(live_server.url + "/company/refunds/?season=2019-2020")
    problems = check(page, "refunds")
    page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)
    page.goto(live_server.url + f"/company/refunds/{refund.id}/payee/")
    problems += check(page, "payee")
    page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)
    page.goto(live_server.url + "/company/refunds/?season=2019-2020")
    boxes = page.locator("input[name=refund]")
    assert boxes.count() == 3
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#bank-reference", "NX-1")
    page.click("button[type=submit] >> text=/已支付|paid/")
    page.wait_for_load_state("load")
    assert page.locator("input[name=refund]").count() == 1
    assert Refund.objects.filter(state="paid", bank_reference="NX-1").count() == 2
    page.context.clear_cookies()
    sign_in(page, live_server, officer)
    page.goto(live_server.url + "/bureau/refunds/")
    problems += check(page, "oversight")
    page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)
    assert problems == []
