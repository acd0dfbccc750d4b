"""A what-if in a browser, at desktop width and at 360 px: the price officer opens the form with a
draft chosen, adds a second draft, runs it and reads both columns' charts and tables. Every page fits
the screen, sends no CSP violation and has nothing axe calls serious."""

import pytest

from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
from tests.test_calculator_page import load_policy_2019

from .helpers import draft_of, in_force, make_account, pay, price_officer, settle


@pytest.fixture
def desk(transactional_db):
    from tests.factories import CompanyFactory

    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory()
    homes = [make_account(company=company, area=area) for area in ("80.00", "95.50", "120.25", "66.66")]
    pay(homes[0], "1680.00")
    settle(company)
    policy = in_force()
    higher = draft_of(
        policy, code="草案〔2026〕1号", residential_area_price=policy.residential_area_price + 1
    )
    lower = draft_of(policy, code="草案〔2026〕2号", residential_area_price=policy.residential_area_price - 1)
    return price_officer(), higher, lower


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_price_officer_runs_a_what_if_and_reads_its_charts(live_server, desk, page, axe_source, viewport):
    officer, higher, lower = desk
    if viewport:
        page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(15_000)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/bureau/prices/whatif/?policy={higher.pk}")
    assert page.get_by_label("测算政策").input_value() == str(higher.pk)
    page.get_by_label("供暖季").select_option("2019")
    page.get_by_label("对比政策（可不选）").select_option(str(lower.pk))
    problems = problems_on(page, "what-if form", axe_source)
    page.get_by_role("button", name="开始测算").click()
    page.wait_for_url("**/bureau/prices/whatif/*/")

    page.locator("#summary-1", has_text="多缴 4 户").wait_for()
    page.locator("#summary-2", has_text="少缴 4 户").wait_for()
    for n in (1, 2):
        assert page.evaluate(f"Chart.getChart('histogram-chart-{n}') !== undefined")
        assert page.evaluate(f"Chart.getChart('revenue-chart-{n}') !== undefined")
    assert page.locator("#companies-1 tfoot").inner_text().count("¥") == 4
    problems += problems_on(page, "what-if result", axe_source)
    assert problems == []
