"""The market bureau starts a check, reads its findings and opens a case; the company answers the
decided case: every page fits 360 px, sends no CSP violation and has nothing axe calls serious."""

import pytest

from supervision.models import Case
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
from tests.test_calculator_page import load_policy_2019

from .helpers import market_bureau, season


@pytest.fixture
def county(transactional_db):
    from heating.models import Role
    from tests.factories import CompanyFactory, MembershipFactory

    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory(code="C1", name="第一热力")
    season(company, plant=True, homes=1)
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    return market_bureau()[1], manager


@pytest.mark.browser
def test_a_check_its_findings_a_case_and_the_answer_at_360_px(live_server, county, page, axe_source):
    officer, manager = county
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(20_000)
    page.add_init_script(LISTEN)

    sign_in(page, live_server, officer)
    page.goto(live_server.url + "/start/")
    page.wait_for_url("**/supervision/")
    problems = problems_on(page, "home (bureau)", axe_source)
    page.get_by_label("供暖季").fill("2019-2020")
    page.get_by_label("退费期限").fill("2020-06-30")
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_url("**/supervision/checks/*/")
    page.locator("[data-job-state-label]", has_text="已完成").wait_for()
    page.reload()
    assert page.locator("#findings tbody tr").count() == 4
    problems += problems_on(page, "findings", axe_source)
    page.locator("#findings input[type=checkbox]").first.check()
    page.get_by_label("立案说明").fill("多收费用")
    page.get_by_role("button", name="对所选发现立案").click()
    page.wait_for_url("**/supervision/cases/*/")
    page.get_by_label("决定", exact=True).select_option(label="责令整改")
    page.get_by_label("监督部门意见").fill("限期退还")
    problems += problems_on(page, "case (open)", axe_source)
    page.get_by_role("button", name="记录决定").click()
    page.locator("#case-decision", has_text="责令整改").wait_for()

    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(live_server.url + f"/supervision/cases/{Case.objects.get().pk}/")
    page.get_by_label("整改或处理情况").fill("已退还")
    problems += problems_on(page, "case (company)", axe_source)
    page.get_by_role("button", name="提交答复").click()
    page.locator("#case-state", has_text="企业已答复").wait_for()
    page.goto(live_server.url + "/supervision/")
    problems += problems_on(page, "home (company)", axe_source)
    assert problems == [], "\n".join(problems)
