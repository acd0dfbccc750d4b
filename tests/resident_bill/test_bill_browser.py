"""A resident's bill in a browser, at desktop width and at 360×740: they open it, download the statement
PDF, switch to English; with JavaScript off the page still shows everything and the language switch
still works. No horizontal scroll, no CSP violation, nothing axe calls serious. Screenshots are kept in
test-results/resident-bill/ (pytest-playwright's artefact folder)."""

from pathlib import Path

import pytest

from tests.counter_pay.test_receipt_pdf import poppler
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
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
def test_a_resident_opens_their_bill_downloads_the_pdf_and_switches_to_english(
    live_server, committed_homes, page, axe_source, viewport, tmp_path
):
    homes = committed_homes
    size = "phone" if viewport else "desktop"
    if viewport:
        page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, homes.resident)

    page.goto(live_server.url + bill_url(homes.refunded))
    assert page.get_by_role("heading", level=1).inner_text() == "2019-2020 供暖季账单"
    assert page.locator("#to-refund").inner_text() == "¥530.00"
    assert "预计在" in page.locator("#outcome").inner_text()
    assert page.locator("#lines li").count() >= 5
    assert "已被第 2 版更正" in page.locator("#superseded").inner_text()
    problems = problems_on(page, "bill", axe_source)
    shot(page, f"{size}-bill-zh")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载结算单（PDF）").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(poppler("pdftotext", pdf, tmp_path).split())
    # In the browser's own language (a download sends Chromium's Accept-Language, not the page's).
    assert "¥1470.00" in text and homes.company.name in text and "张建国" in text

    page.get_by_label("语言").select_option("en")
    page.wait_for_load_state("load")
    page.get_by_role("heading", level=1, name="Heating bill 2019-2020").wait_for()
    assert "Expect it by" in page.locator("#outcome").inner_text()
    assert "(notice §一.1)" in page.locator("#lines").inner_text()
    problems += problems_on(page, "bill in English", axe_source)
    shot(page, f"{size}-bill-en")

    # Another season is one tap away.
    page.get_by_role("link", name="2026-2027").click()
    page.get_by_role("heading", level=1, name="Heating bill 2026-2027").wait_for()
    assert problems == [], "\n".join(problems)


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
