"""In the browser, at phone width: a clerk takes a payment at the counter, the page shows the receipt
at once, and its link opens the receipt PDF."""

import pytest

from heating.models import Receipt
from tests.counter_pay.helpers import counter
from tests.jobs.test_progress_page import fits_and_keeps_the_csp, sign_in
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE
from tests.test_calculator_page import load_policy_2019


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "take", "opens"),
    [
        ("zh-CN,zh;q=0.9", "收款并开具收据", "打开收据（PDF）"),
        ("en-US,en;q=0.9", "Take the payment", "Open the receipt"),
    ],
    ids=["zh-hans", "en"],
)
def test_a_clerk_takes_a_payment_and_opens_the_receipt(
    live_server, page, axe_source, transactional_db, language, take, opens
):
    load_policy_2019()
    _company, clerk, _manager, account = counter()
    sign_in(page, live_server, clerk)
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": language})
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/company/accounts/{account.number}/pay/?season=2019-2020")
    page.evaluate(axe_source)  # evaluated, not a <script> tag: the page's CSP would refuse that
    assert page.evaluate(AXE_RUN) == []

    page.locator("#pay-amount").fill("1200.00")
    page.locator("#pay-channel").select_option("alipay")
    page.get_by_role("button", name=take).click()

    link = page.get_by_role("link", name=opens)
    link.wait_for()
    receipt = Receipt.objects.get()
    assert receipt.number in page.locator("#receipt-issued").inner_text()
    fits_and_keeps_the_csp(page)
    page.evaluate(axe_source)
    assert page.evaluate(AXE_RUN) == []
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
