"""The resident portal's whole story in a browser, at desktop width and at 360×740: a clerk reissues a
household's code at the counter, the resident activates with it (/activate/, then the password step),
signs out, signs in again with phone and password, lands on 我的供暖, follows the settled season's link
to the bill, sees the metered home's heat use, downloads the statement PDF (the amount due in it),
reads the bill in English and goes back to 我的供暖. No horizontal scroll, no CSP violation, no tap target
under 44 px, nothing axe calls serious on the activation, /me/ and bill pages; a screenshot of each
step is kept in the test's Playwright output folder (test-results/). The bill with JavaScript off is
tests/resident_bill/test_bill_browser.py."""

from pathlib import Path

import pytest

from heating.models import Role, Statement
from tests.counter_pay.test_receipt_pdf import poppler
from tests.factories import BuildingFactory, CompanyFactory, CustomerFactory, MembershipFactory, aware
from tests.heat_use.helpers import home, read, settled_neighbours
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
from tests.settlement.helpers import pay, settle
from tests.test_calculator_page import load_policy_2019

from .conftest import PASSWORD

MOBILE = "13805331234"


@pytest.fixture
def household(transactional_db):
    """张建国's metered home, read through last season and this one, paid and settled, in a building
    whose other metered homes are settled too (the heat-use comparison); and a clerk of its company.
    Committed, not in a rollback: the live server reads from another thread."""
    load_policy_2019()
    company = CompanyFactory(code="DEMO1", name="沂源示范热力有限公司")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    building = BuildingFactory(company=company, name="翠屏小区3号楼", address="沂源县胜利路18号")
    account = home(
        company,
        building,
        area="96.50",
        number="0100234",
        customer=CustomerFactory(company=company, name="张建国"),
        premises__unit="2单元301",
    )
    meter = account.meters.get()
    for at, value in [
        (aware(2018, 11, 15, 8), "900"),
        (aware(2019, 3, 15, 8), "950"),
        (aware(2019, 11, 15, 8), "1000"),
        (aware(2020, 1, 15, 8), "1025"),
        (aware(2020, 3, 15, 8), "1040"),
    ]:
        read(meter, at, value)
    settled_neighbours(company, building)
    pay(account, "1500.00")
    settle(company, account)
    return clerk, account


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_resident_activates_signs_in_again_and_reads_the_seasons_bill(
    live_server, household, page, axe_source, viewport, output_path, tmp_path
):
    clerk, account = household
    statement = Statement.objects.get(account=account, season_year=2019, status=Statement.Status.ISSUED)
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

    # Signed out, and in again with the phone number and the new password.
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(MOBILE)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "我的供暖"
    home_card = page.locator(f"#home-DEMO1-{account.number}")
    assert "沂源县胜利路18号" in home_card.inner_text() and "分户计量" in home_card.inner_text()
    assert page.get_by_role("link", name="我的供暖", exact=True).get_attribute("aria-current") == "page"
    problems += problems_on(page, "me", axe_source)
    shot("3-me")

    # The settled season's bill, one tap from 我的供暖.
    home_card.get_by_role("link", name="2019-2020 供暖季").click()
    page.wait_for_url(f"**/me/DEMO1/{account.number}/2019-2020/")
    assert page.get_by_role("heading", level=1).inner_text() == "2019-2020 供暖季账单"
    assert page.get_by_role("link", name="我的供暖", exact=True).get_attribute("aria-current") == "page"
    assert "已结算" in page.locator("#outcome").inner_text()
    assert page.locator("#lines li").count() >= 5
    assert f"¥{statement.amount_due}" in page.locator("#statement").inner_text()
    heat = page.locator("#heat-use")
    assert heat.get_by_role("heading", level=2).inner_text() == "用热情况"
    assert "本季各次抄表之间共用热 40.00 GJ（2 个抄表区间）" in heat.inner_text()
    assert "去年同期用热 50.00 GJ" in heat.inner_text() and "同楼栋其他 3 户" in heat.inner_text()
    assert page.locator("#heat-use-intervals tbody tr").count() == 2
    page.locator("#heat-use-chart[style]").wait_for()  # Chart.js drew it (it sizes the canvas)
    problems += problems_on(page, "bill", axe_source)
    shot("4-bill")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载结算单（PDF）").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(poppler("pdftotext", pdf, tmp_path).split())
    assert f"¥{statement.amount_due}" in text and "沂源示范热力有限公司" in text and "张建国" in text

    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.get_by_role("heading", level=1).inner_text() == "Heating bill 2019-2020"
    assert "(notice §" in page.locator("#lines").inner_text()
    assert heat.get_by_role("heading", level=2).inner_text() == "Heat use"
    problems += problems_on(page, "bill (en)", axe_source)
    shot("5-bill-en")

    page.get_by_role("link", name="Back to My heating").click()
    page.get_by_role("heading", level=1, name="My heating").wait_for()
    assert "Billing area" in home_card.inner_text()
    shot("6-me-en")
    assert problems == [], "\n".join(problems)
