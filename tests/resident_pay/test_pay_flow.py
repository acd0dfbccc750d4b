"""A resident pays what the bill says is owed with the sandbox provider: 去缴费, the amount the ledger
gives, the provider chosen, the sandbox cashier, its signed notification through the real verification,
the bill paid at once and the electronic receipt (电子收据) as PDF."""

from decimal import Decimal

import pytest

from heating.models import PaymentNotification, PaymentOrder, Receipt, SandboxTrade
from tests.counter_pay.test_receipt_pdf import poppler

from .conftest import bill_url, client_of, pay_url

pytestmark = pytest.mark.django_db


def pay_with_sandbox(client, account, **extra) -> PaymentOrder:
    response = client.post(pay_url(account), {"provider": "sandbox", **extra})
    order = PaymentOrder.objects.get(account=account, state=PaymentOrder.State.CREATED)
    assert response.status_code == 302 and response["Location"] == f"/me/orders/{order.pk}/sandbox/"
    return order


def test_the_resident_pays_the_amount_owed_and_downloads_the_receipt(homes, tmp_path):
    client = client_of(homes.resident)
    bill = client.get(bill_url(homes.owing)).content.decode()
    assert 'id="pay-online"' in bill and "去缴费" in bill

    confirm = client.get(pay_url(homes.owing))
    assert confirm.status_code == 200 and confirm.context["amount"] == Decimal("680.00")
    assert "用演示支付支付" in confirm.content.decode()

    order = pay_with_sandbox(client, homes.owing)
    assert order.amount == Decimal("680.00") and order.purpose == PaymentOrder.Purpose.OWED
    cashier = client.get(f"/me/orders/{order.pk}/sandbox/").content.decode()
    assert "演示" in cashier and "¥680.00" in cashier and "确认支付" in cashier

    back = client.post(f"/me/orders/{order.pk}/sandbox/pay/")
    assert back["Location"] == bill_url(homes.owing) + f"?order={order.pk}"
    [notification] = PaymentNotification.objects.all()
    assert notification.verdict == PaymentNotification.Verdict.APPLIED and notification.order == order
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    assert SandboxTrade.objects.get(out_trade_no=order.out_trade_no).state == SandboxTrade.State.SUCCESS

    response = client.get(back["Location"])
    page = response.context["page"]
    assert page.to_pay == 0 and page.balance == 0
    html = response.content.decode()
    assert 'id="squared"' in html and 'id="pay-online"' not in html and "确认中" not in html
    assert f'href="/me/receipts/{order.payment_id}.pdf"' in html and "演示支付" in html

    pdf = client.get(f"/me/receipts/{order.payment_id}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    receipt = Receipt.objects.get(payment=order.payment)
    text = "".join(poppler("pdftotext", pdf.content, tmp_path).split())
    for shown in (
        "电子收据",
        receipt.number,
        "H1002",
        "680.00",
        "陆佰捌拾元整",
        "演示支付",
        order.transaction_id,
        "渠道交易号",
        "支付时间",
    ):
        assert shown in text, shown
    # Downloaded again: the same receipt, the same number.
    client.get(f"/me/receipts/{order.payment_id}.pdf")
    assert Receipt.objects.get(payment=order.payment).number == receipt.number


def test_tampering_with_the_amount_in_the_form_changes_nothing(homes):
    client = client_of(homes.resident)

    order = pay_with_sandbox(client, homes.owing, amount="0.01", purpose="prepayment", season="2020-2021")

    assert (order.amount, order.purpose, order.season_year) == (Decimal("680.00"), "owed", 2019)
    assert SandboxTrade.objects.get(out_trade_no=order.out_trade_no).amount == Decimal("680.00")


def test_a_counter_payment_has_its_counter_receipt_number_on_the_electronic_receipt(homes, tmp_path):
    from heating.services.receipts import payment_take

    taken = payment_take(
        account=homes.owing, season_year=2019, amount=Decimal("80.00"), channel="cash", user=homes.clerk
    )

    pdf = client_of(homes.resident).get(f"/me/receipts/{taken.payment_id}.pdf")

    text = "".join(poppler("pdftotext", pdf.content, tmp_path).split())
    assert taken.number in text and "电子收据" in text and "捌拾元整" in text
    assert Receipt.objects.filter(payment=taken.payment).count() == 1


def test_the_confirmation_page_without_anything_owed_offers_no_payment(homes):
    client = client_of(homes.resident)

    response = client.get(pay_url(homes.refunded))

    assert response.status_code == 200 and 'id="nothing-to-pay"' in response.content.decode()
    assert 'id="pay-online"' not in client.get(bill_url(homes.refunded)).content.decode()


def test_an_unknown_provider_is_refused_in_words(homes):
    response = client_of(homes.resident).post(pay_url(homes.owing), {"provider": "paypal"})

    assert response.status_code == 400 and "请选择支付方式" in response.content.decode()
    assert not PaymentOrder.objects.exists()
