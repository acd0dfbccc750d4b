"""In a browser at 360×740: a resident who owes 680.00 pays it with the sandbox provider (去缴费, the
provider chosen, the 演示 cashier's 确认支付, its signed notification applied), the bill shows it paid at
once and the electronic receipt downloads as a PDF. No horizontal scroll, no CSP violation, no small
tap target and nothing axe calls serious or critical on the bill, the confirmation and the cashier."""

from pathlib import Path

import pytest

from heating.models import PaymentOrder
from tests.counter_pay.test_receipt_pdf import poppler
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import LISTEN, PHONE, sign_in
from tests.test_calculator_page import load_policy_2019

from .conftest import bill_url, build_paying_homes


@pytest.fixture
def committed_homes(transactional_db):
    """For the live server, which reads from another thread: committed, not in a rollback."""
    load_policy_2019()
    return build_paying_homes()


@pytest.mark.browser
def test_a_resident_pays_the_amount_owed_with_the_sandbox_on_a_phone(
    live_server, committed_homes, page, axe_source, output_path, tmp_path
):
    homes = committed_homes
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(30_000)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, homes.resident)

    def shot(name):
        page.screenshot(path=f"{output_path}/{name}.png", full_page=True)

    page.goto(live_server.url + bill_url(homes.owing))
    assert page.locator("#to-pay").inner_text() == "¥680.00"
    problems = problems_on(page, "bill", axe_source)
    shot("1-bill")

    page.get_by_role("link", name="去缴费").click()
    page.wait_for_url("**/pay/")
    assert page.locator("#pay-amount").inner_text() == "¥680.00"
    problems += problems_on(page, "pay", axe_source)
    shot("2-pay")

    page.get_by_role("button", name="用演示支付支付").click()
    page.wait_for_url("**/sandbox/")
    assert "演示" in page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#cashier-amount").inner_text() == "¥680.00"
    problems += problems_on(page, "cashier", axe_source)
    shot("3-cashier")

    page.get_by_role("button", name="确认支付").click()
    page.wait_for_url(f"**{bill_url(homes.owing)}?order=*")
    assert page.locator("#squared").is_visible()
    assert "演示支付" in page.locator("#payments").inner_text()
    assert page.locator("#open-orders").count() == 0
    problems += problems_on(page, "bill paid", axe_source)
    shot("4-paid")

    order = PaymentOrder.objects.get(account=homes.owing)
    assert order.state == PaymentOrder.State.PAID
    with page.expect_download() as download:
        page.locator(f"#payment-{order.payment_id}").get_by_role("link", name="电子收据").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(poppler("pdftotext", pdf, tmp_path).split())
    # The download is a request of its own, in the browser's language: the figures, not the labels.
    assert "H1002" in text and "680.00" in text and order.transaction_id in text
    assert problems == [], "\n".join(problems)
