"""A resident's bill with JavaScript off, at desktop width and at 360×740: the page still shows everything
without horizontal scroll and the language switch still works. Screenshots are kept in
test-results/resident-bill/ (pytest-playwright's artefact folder). Opening the bill from 我的供暖, its
PDF, English and axe are the whole story in tests/resident_access/test_resident_browser.py."""

from pathlib import Path

import pytest

from tests.pages.test_phone import PHONE, sign_in
from tests.test_calculator_page import load_policy_2019

from .conftest import bill_url, build_homes

SHOTS = Path("test-results") / "resident-bill"


@pytest.fixture
def committed_homes(transactional_db):
    """For the live server, which reads from another thread: committed, not in a rollback."""
    load_policy_2019()
    return build_homes()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_bill_shows_everything_with_javascript_off(live_server, committed_homes, browser, viewport):
    homes = committed_homes
    size = "phone" if viewport else "desktop"
    context = browser.new_context(java_script_enabled=False, viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, homes.resident)

    page.goto(live_server.url + bill_url(homes.owing))
    assert page.locator("#to-pay").inner_text() == "¥680.00"
    assert "1603 0012 0920 0058 817" in page.locator("#how-to-pay").inner_text()
    assert "胜利路营业厅" in page.locator("#counters").inner_text()
    assert "2019-11-01 · 现金" in page.locator("#payments").inner_text()
    assert "补缴：应收 1680.00 元 − 已交 1000.00 元" in page.locator("#lines").inner_text()
    assert page.get_by_role("link", name="下载结算单（PDF）").is_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    shot(page, f"{size}-bill-no-script")

    # Without script the language switch has its own button.
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.get_by_role("heading", level=1, name="Heating bill 2019-2020").wait_for()
    context.close()
