"""A household in a browser, at desktop width and at 360×740: a clerk issues a code at the counter, the
resident opens /activate/ from the notice's QR code, types the code, sets a phone number and password,
lands on 我的供暖 and sees the home, then switches to English. No horizontal scroll, no CSP violation,
no tap target under 44 px, nothing axe calls serious; a screenshot of each step is kept in the test's
Playwright output folder (test-results/)."""

import pytest

from heating.models import Role
from tests.factories import BuildingFactory, CompanyFactory, CustomerFactory, MembershipFactory, make_account
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
from tests.settlement.helpers import pay, settle
from tests.test_calculator_page import load_policy_2019

from .conftest import PASSWORD

MOBILE = "13805331234"


@pytest.fixture
def household(transactional_db):
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    building = BuildingFactory(company=company, name="翠屏小区3号楼", address="沂源县胜利路18号")
    account = make_account(
        company=company,
        number="0100234",
        area="96.50",
        customer=CustomerFactory(company=company, name="张建国"),
        premises__building=building,
        premises__unit="2单元301",
    )
    pay(account, "1680.00")
    settle(company, account)
    return clerk, account


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_resident_activates_with_a_code_from_the_counter_and_sees_the_home(
    live_server, household, page, axe_source, viewport, output_path
):
    clerk, account = household
    if viewport:
        page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)

    def shot(name):
        page.screenshot(path=f"{output_path}/{name}.png", full_page=True)

    # The counter: the clerk reissues the household's code and reads it out.
    sign_in(page, live_server, clerk)
    page.goto(f"{live_server.url}/company/accounts/{account.number}/")
    page.get_by_role("button", name="重新发放激活码").click()
    code = page.locator("#activation-code").inner_text().strip()
    page.context.clear_cookies()

    # The resident scans the notice (company and 户号 filled in) and types the code.
    page.goto(f"{live_server.url}/activate/?company=DEMO1&account={account.number}")
    assert page.get_by_label("户号").input_value() == account.number
    problems = problems_on(page, "activate", axe_source)
    page.get_by_label("激活码").fill(f"{code[:4].lower()} {code[4:]}")
    shot("1-activate")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url("**/activate/password/")
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    problems += problems_on(page, "password", axe_source)
    shot("2-password")
    page.get_by_role("button", name="开通并登录").click()

    page.wait_for_url("**/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "我的供暖"
    home = page.locator(f"#home-DEMO1-{account.number}")
    assert "沂源县胜利路18号" in home.inner_text() and "还应缴 ¥346.50" in home.inner_text()
    assert "住宅套内建筑面积：96.50 m²" in home.inner_text()
    assert home.get_by_role("link", name="2019-2020 供暖季").get_attribute("href") == (
        f"/me/DEMO1/{account.number}/2019-2020/"
    )
    assert page.get_by_role("link", name="我的供暖").is_visible()
    problems += problems_on(page, "me", axe_source)
    shot("3-me")

    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.get_by_role("heading", level=1).inner_text() == "My heating"
    assert "Billing area" in home.inner_text() and page.url.endswith("/me/")
    problems += problems_on(page, "me (en)", axe_source)
    shot("4-me-en")
    assert problems == [], "\n".join(problems)
