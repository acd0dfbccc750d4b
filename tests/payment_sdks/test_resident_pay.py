"""The resident's pay step with the real providers: WeChat Pay's QR code on a desktop, its H5 page on a
phone and back to the bill, which asks WeChat Pay about the order; Alipay's page on a phone."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from heating.models import PaymentOrder
from tests.resident_pay.conftest import bill_url, build_paying_homes, client_of, pay_url

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture
def homes(db):
    return build_paying_homes()


def test_on_a_desktop_wechat_pay_is_a_qr_code_to_scan(homes, wechat_server):
    wechat_server.merchant(company=homes.company)

    response = client_of(homes.resident).post(pay_url(homes.owing), {"provider": "wechat"})

    order = PaymentOrder.objects.get(account=homes.owing, state=PaymentOrder.State.CREATED)
    html = response.content.decode()
    assert response.status_code == 200 and "微信扫码支付" in html and "<svg" in html
    assert "¥680.00" in html and f"?order={order.pk}" in html
    _method, path, data = wechat_server.requests[-1]
    assert path == "/v3/pay/transactions/native" and data["amount"]["total"] == 68000


def test_on_a_phone_wechat_pay_opens_its_h5_page_and_the_bill_then_asks_wechat_pay(homes, wechat_server):
    wechat_server.merchant(company=homes.company)
    client = client_of(homes.resident)

    response = client.post(pay_url(homes.owing), {"provider": "wechat"}, headers={"User-Agent": PHONE})

    order = PaymentOrder.objects.get(account=homes.owing, state=PaymentOrder.State.CREATED)
    back = "http://testserver" + bill_url(homes.owing) + "?order=latest"
    assert response.status_code == 302
    assert response["Location"].startswith("https://wx.tenpay.com/")
    assert response["Location"].endswith("&redirect_url=" + quote(back, safe=""))
    assert wechat_server.requests[-1][1] == "/v3/pay/transactions/h5"

    wechat_server.pay(order.out_trade_no)  # paid; its notification never arrives
    page = client.get(bill_url(homes.owing) + "?order=latest")

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and page.context["page"].to_pay == 0
    assert "确认中" not in page.content.decode()


def test_on_a_phone_alipay_opens_its_wap_page_returning_to_the_bill(homes, alipay_gateway):
    alipay_gateway.merchant(company=homes.company)

    response = client_of(homes.resident).post(
        pay_url(homes.owing), {"provider": "alipay"}, headers={"User-Agent": PHONE}
    )

    assert response.status_code == 302 and response["Location"].startswith("https://openapi.alipay.com/")
    params = alipay_gateway.open(response["Location"])
    assert params["method"] == "alipay.trade.wap.pay"
    assert parse_qs(urlsplit(params["return_url"]).query) == {"order": ["latest"]}
