"""Alipay through the real python-alipay-sdk: notifications signed RSA2 as Alipay signs them, through
the real endpoint; queries, closes and refunds answered by a gateway that signs its answers."""

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest
from django.urls import reverse

from heating.models import LedgerEntry, Payment, PaymentNotification, PaymentOrder
from heating.payments.config import merchant_config
from heating.payments.providers import (
    Payer,
    ProviderError,
    RefundRefused,
    RefundStatus,
    TradeStatus,
    provider_get,
)
from heating.services.orders import order_create, orders_close_expired, orders_query_open

from .servers import SEASON, account_owing

pytestmark = pytest.mark.django_db
Verdict = PaymentNotification.Verdict
URL = reverse("api-payment-notify", args=["alipay"])
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture
def merchant(alipay_gateway):
    return alipay_gateway.merchant()


@pytest.fixture
def created(merchant, alipay_gateway):
    created = order_create(
        account=account_owing(merchant.company), season_year=SEASON, purpose="prepayment", provider="alipay"
    )
    alipay_gateway.open(created.pay["pay_url"])
    return created


@pytest.fixture
def order(created):
    return created.order


def _post(client, body):
    return client.generic("POST", URL, body, content_type=FORM)


def _verdicts():
    return list(PaymentNotification.objects.order_by("id").values_list("verdict", flat=True))


def _nothing_paid(order):
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED and order.payment is None
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).exists()


def _resigned(body: bytes, gateway, **changes) -> bytes:
    fields = {**dict(parse_qsl(body.decode())), **changes}
    return gateway.notification(fields)


def test_a_desktop_order_is_page_pay_and_a_phone_order_wap_pay(alipay_gateway, merchant, created):
    account = created.order.account
    created.order.state = PaymentOrder.State.CLOSED
    created.order.save()

    phone = order_create(
        account=account,
        season_year=SEASON,
        purpose="prepayment",
        provider="alipay",
        payer=Payer(scene=Payer.PHONE, return_url="https://portal.example/me/"),
    )

    desktop_params = alipay_gateway.params(created.pay["pay_url"])
    phone_params = alipay_gateway.open(phone.pay["pay_url"])
    assert desktop_params["method"] == "alipay.trade.page.pay"
    assert phone_params["method"] == "alipay.trade.wap.pay"
    assert phone_params["return_url"] == "https://portal.example/me/"
    assert phone_params["notify_url"].endswith("/api/v1/payments/notify/alipay/")
    biz = json.loads(phone_params["biz_content"])
    assert biz["total_amount"] == "2016.00" and biz["timeout_express"] == "30m"
    assert biz["out_trade_no"] == phone.order.out_trade_no and biz["product_code"] == "QUICK_WAP_PAY"


def test_it_applies_a_valid_notification_once_and_records_a_replay(client, alipay_gateway, order):
    body = alipay_gateway.pay(order.out_trade_no)

    first, replay = _post(client, body), _post(client, body)

    assert first.status_code == replay.status_code == 200
    assert first.content == b"success" and first["Content-Type"].startswith("text/plain")
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert order.state == PaymentOrder.State.PAID and order.payment == payment
    assert payment.channel == Payment.Channel.ALIPAY and payment.amount == Decimal("2016.00")
    assert payment.reference == alipay_gateway.trades[order.out_trade_no]["trade_no"]
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.PAYMENT).amount == Decimal("-2016.00")
    assert _verdicts() == [Verdict.APPLIED, Verdict.DUPLICATE]


def test_it_refuses_a_forged_signature(client, alipay_gateway, order):
    alipay_gateway.trades[order.out_trade_no].update(state="TRADE_SUCCESS", trade_no="2025111622001X")
    body = alipay_gateway.notification(
        {"out_trade_no": order.out_trade_no, "trade_no": "2025111622001X", "total_amount": "2016.00"},
        key="forger",
    )

    response = _post(client, body)

    assert response.status_code == 400 and response.content == b"fail"
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_body_changed_after_signing(client, alipay_gateway, order):
    fields = dict(parse_qsl(alipay_gateway.pay(order.out_trade_no).decode()))

    assert _post(client, urlencode({**fields, "total_amount": "1.00"}).encode()).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_changed_amount_even_when_signed(client, alipay_gateway, order):
    body = _resigned(alipay_gateway.pay(order.out_trade_no), alipay_gateway, total_amount="1.00")

    assert _post(client, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.WRONG_AMOUNT]
    assert PaymentNotification.objects.get().order == order


def test_it_refuses_an_unknown_order(client, alipay_gateway, order):
    body = _resigned(alipay_gateway.pay(order.out_trade_no), alipay_gateway, out_trade_no="HT2025NOSUCHORDER")

    assert _post(client, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_ORDER]


def test_it_refuses_another_apps_notification(client, alipay_gateway, order):
    body = _resigned(alipay_gateway.pay(order.out_trade_no), alipay_gateway, app_id="2021000000009999")

    assert _post(client, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_MERCHANT]


def test_a_waiting_trade_pays_nothing(client, alipay_gateway, order):
    body = alipay_gateway.notification(
        {"out_trade_no": order.out_trade_no, "trade_status": "WAIT_BUYER_PAY", "total_amount": "2016.00"}
    )

    assert _post(client, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.NOT_PAID]


@pytest.mark.parametrize("body", [b"", b"not a form", b"seller_id=2088000000000001", b"\xff\xfe=1"])
def test_junk_is_refused_and_recorded(client, alipay_gateway, order, body):
    assert _post(client, body).content == b"fail"
    _nothing_paid(order)
    assert len(_verdicts()) == 1 and _verdicts()[0] != Verdict.APPLIED


def test_the_query_task_applies_an_order_paid_without_a_notification(alipay_gateway, order, settings):
    settings.ORDER_QUERY_AFTER_MINUTES = 0
    alipay_gateway.pay(order.out_trade_no)

    assert orders_query_open() == [order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and order.payment.amount == Decimal("2016.00")
    assert alipay_gateway.requests[-1] == ("alipay.trade.query", {"out_trade_no": order.out_trade_no})


def test_an_answer_with_a_forged_signature_is_not_believed(alipay_gateway, merchant, order):
    alipay_gateway.pay(order.out_trade_no)
    alipay_gateway.forge_answers = True

    with pytest.raises(ProviderError):
        provider_get("alipay").query_order(merchant_config(merchant), order.out_trade_no)


def test_a_trade_alipay_never_opened_is_closed(alipay_gateway, merchant):
    status = provider_get("alipay").query_order(merchant_config(merchant), "HT2025NEVEROPENED")

    assert status == TradeStatus(out_trade_no="HT2025NEVEROPENED", state=TradeStatus.CLOSED)


def test_an_expired_order_is_closed_with_alipay(alipay_gateway, order, settings):
    settings.ORDER_TIMEOUT_MINUTES = 0

    assert orders_close_expired() == [order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CLOSED
    assert alipay_gateway.trades[order.out_trade_no]["state"] == "TRADE_CLOSED"


def test_an_order_paid_before_closing_is_applied_instead(alipay_gateway, order, settings):
    settings.ORDER_TIMEOUT_MINUTES = 0
    alipay_gateway.pay(order.out_trade_no)

    assert orders_close_expired() == []

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and Payment.objects.count() == 1


def test_a_refund_is_asked_for_with_its_own_number(alipay_gateway, merchant, order):
    alipay_gateway.pay(order.out_trade_no)

    provider_get("alipay").refund(
        merchant_config(merchant), order.out_trade_no, refund_no="RF1", amount=Decimal("16.50")
    )

    assert alipay_gateway.requests[-1] == (
        "alipay.trade.refund",
        {"refund_amount": "16.50", "out_request_no": "RF1", "out_trade_no": order.out_trade_no},
    )
    assert alipay_gateway.trades[order.out_trade_no]["refunded"] == "16.50"


def test_a_refund_alipay_made_is_succeeded_and_one_it_never_made_unknown(alipay_gateway, merchant, order):
    alipay_gateway.pay(order.out_trade_no)
    alipay, config = provider_get("alipay"), merchant_config(merchant)
    alipay.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("16.50"))

    assert alipay.refund_query(config, order.out_trade_no, "RF1").state == RefundStatus.SUCCEEDED
    assert alipay.refund_query(config, order.out_trade_no, "RF2").state == RefundStatus.UNKNOWN
    assert alipay_gateway.requests[-1] == (
        "alipay.trade.fastpay.refund.query",
        {"out_request_no": "RF2", "out_trade_no": order.out_trade_no},
    )


def test_a_refund_alipay_refuses_raises_its_reason(alipay_gateway, merchant, order):
    alipay_gateway.pay(order.out_trade_no)

    with pytest.raises(RefundRefused, match="ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"):
        provider_get("alipay").refund(
            merchant_config(merchant), order.out_trade_no, refund_no="RF1", amount=Decimal("9999.00")
        )


def test_a_refund_query_answer_with_a_forged_signature_is_not_believed(alipay_gateway, merchant, order):
    alipay_gateway.pay(order.out_trade_no)
    alipay, config = provider_get("alipay"), merchant_config(merchant)
    alipay.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("16.50"))
    alipay_gateway.forge_answers = True

    with pytest.raises(ProviderError):
        alipay.refund_query(config, order.out_trade_no, "RF1")
