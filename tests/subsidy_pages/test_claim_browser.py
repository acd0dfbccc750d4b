"""A claim's round trip in a browser, at desktop width and at 360 px: the company manager opens and
submits it, the three reviewing bureaus approve it from their queues (one adjusting a cost item with a
reason), finance approves the amount and records the payment. Every page on the way fits the screen,
sends no CSP violation and has nothing axe calls serious."""

import pytest

from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in


@pytest.fixture
def county(transactional_db, bureaus, officer, manager):
    return manager, officer


def as_user(page, live_server, user):
    """Signed in as `user`, on the subsidy queue (where each bureau lands is test_queue.py's)."""
    page.context.clear_cookies()
    sign_in(page, live_server, user)
    page.goto(live_server.url + "/subsidy/")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_claim_goes_round_the_four_bureaus(live_server, county, page, axe_source, viewport):
    manager, officer = county
    if viewport:
        page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)

    # The manager opens the claim from the navigation and submits it.
    sign_in(page, live_server, manager)
    page.goto(live_server.url + "/company/")
    page.get_by_role("link", name="补贴申请", exact=True).click()
    page.wait_for_url("**/subsidy/")
    problems = problems_on(page, "queue (manager)", axe_source)
    page.get_by_role("link", name="新建补贴申请").click()
    page.get_by_label("供暖季").fill("2019-2020")
    problems += problems_on(page, "new claim", axe_source)
    page.get_by_role("button", name="创建补贴申请").click()
    page.wait_for_url("**/subsidy/claims/*/")
    page.get_by_role("button", name="提交补贴申请").click()
    page.locator("#term-claim", has_text="¥4325.00").wait_for()
    assert page.locator("#claim-state").inner_text() == "审核中"
    problems += problems_on(page, "claim (submitted)", axe_source)

    # Each reviewing bureau finds the claim waiting on its queue; the housing bureau cuts wages.
    for code in ("ZJJ", "FGJ", "SJJ"):
        as_user(page, live_server, officer[code])
        page.locator("#waiting a.claim-link").click()
        page.wait_for_url("**/subsidy/claims/*/")
        if code == "ZJJ":
            page.get_by_label("调整后金额（元）").nth(2).fill("4000.00")  # fuel, electricity, wages
            page.locator("#reason-wages").fill("临时工工资不属供暖成本")
            problems += problems_on(page, f"claim ({code} reviewing)", axe_source)
        page.get_by_role("button", name="审核通过").click()
        page.locator(".messages", has_text="已审核通过。").wait_for()
        assert page.locator("#review-form").count() == 0
    assert "临时工工资不属供暖成本" in page.locator("#cost-wages").inner_text()
    assert page.locator("#reviews .tag", has_text="审核通过").count() == 3

    # Finance approves what the adjusted figures give, and records the payment.
    as_user(page, live_server, officer["CZJ"])
    page.locator("#waiting a.claim-link").click()
    page.wait_for_url("**/subsidy/claims/*/")
    problems += problems_on(page, "claim (finance)", axe_source)
    page.get_by_role("button", name="审批").click()
    page.locator("#approved-amount", has_text="¥3325.00").wait_for()
    page.get_by_label("拨付日期").fill("2020-09-01")
    page.get_by_label("拨付凭证号").fill("财拨〔2020〕17号")
    page.get_by_role("button", name="登记拨付").click()
    page.locator("#payment", has_text="财拨〔2020〕17号").wait_for()
    assert page.locator("#claim-state").inner_text() == "已拨付"
    history = page.locator("#history").inner_text()
    for step in ("创建", "提交", "调整成本", "审核通过", "审批", "拨付"):
        assert step in history
    problems += problems_on(page, "claim (paid)", axe_source)
    assert problems == [], "\n".join(problems)
