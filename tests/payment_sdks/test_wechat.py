"""WeChat Pay through the real wechatpayv3 SDK: notifications signed and encrypted as WeChat Pay does,
through the real endpoint; orders, queries, closes and refunds answered with signed responses."""

import json
import time
from decimal import Decimal

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
from tests.orders.helpers import new_order, sandbox_company

from .servers import SEASON, WeChatServer, account_owing

pytestmark = pytest.mark.django_db
Verdict = PaymentNotification.Verdict
URL = reverse("api-payment-notify", args=["wechat"])


@pytest.fixture
def merchant(wechat_server):
    return wechat_server.merchant()


@pytest.fixture
def order(merchant):
    return order_create(
        account=account_owing(merchant.company), season_year=SEASON, purpose="prepayment", provider="wechat"
    ).order


def _post(client, headers, body):
    return client.generic("POST", URL, body, content_type="application/json", headers=headers)


def _verdicts():
    return list(PaymentNotification.objects.order_by("id").values_list("verdict", flat=True))


def _nothing_paid(order):
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED and order.payment is None
    assert (
        not Payment.objects.exists()
        and not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).exists()
    )


def test_a_desktop_order_is_a_native_qr_code_and_a_phone_order_an_h5_link(wechat_server, merchant):
    account = account_owing(merchant.company)

    desktop = order_create(account=account, season_year=SEASON, purpose="prepayment", provider="wechat")
    desktop.order.state = PaymentOrder.State.CLOSED
    desktop.order.save()
    phone = order_create(
        account=account,
        season_year=SEASON,
        purpose="prepayment",
        provider="wechat",
        payer=Payer(scene=Payer.PHONE, client_ip="203.0.113.7", return_url="https://portal.example/me/"),
    )

    assert desktop.pay["code_url"].startswith("weixin://wxpay/bizpayurl?pr=") and "h5_url" not in desktop.pay
    assert phone.pay["h5_url"].endswith("&redirect_url=https%3A%2F%2Fportal.example%2Fme%2F")
    (_, native_path, native), (_, h5_path, h5) = wechat_server.requests
    assert native_path == "/v3/pay/transactions/native" and h5_path == "/v3/pay/transactions/h5"
    assert native["amount"] == {"total": 201600, "currency": "CNY"}
    assert native["mchid"] == WeChatServer.MCHID and native["appid"] == WeChatServer.APPID
    assert native["notify_url"].endswith("/api/v1/payments/notify/wechat/")
    assert native["out_trade_no"] == desktop.order.out_trade_no and "time_expire" in native
    assert h5["scene_info"] == {"payer_client_ip": "203.0.113.7", "h5_info": {"type": "Wap"}}


def test_it_applies_a_valid_notification_once_and_records_a_replay(client, wechat_server, order):
    headers, body = wechat_server.pay(order.out_trade_no)

    first, replay = _post(client, headers, body), _post(client, headers, body)

    assert first.status_code == replay.status_code == 200 and first.json() == {"code": "SUCCESS"}
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert order.state == PaymentOrder.State.PAID and order.payment == payment
    assert payment.channel == Payment.Channel.WECHAT and payment.amount == Decimal("2016.00")
    assert payment.reference == wechat_server.trades[order.out_trade_no]["transaction_id"]
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.PAYMENT).amount == Decimal("-2016.00")
    assert _verdicts() == [Verdict.APPLIED, Verdict.DUPLICATE]


def test_it_refuses_a_forged_signature(client, wechat_server, order):
    wechat_server.trades[order.out_trade_no].update(state="SUCCESS", transaction_id="4200000001")
    headers, body = wechat_server.notification(wechat_server.transaction(order.out_trade_no), key="forger")

    response = _post(client, headers, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_resource_not_encrypted_with_our_apiv3_key(client, wechat_server, order):
    wechat_server.trades[order.out_trade_no].update(state="SUCCESS", transaction_id="4200000001")
    headers, body = wechat_server.notification(
        wechat_server.transaction(order.out_trade_no), apiv3_key="z" * 32
    )

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_body_changed_after_signing(client, wechat_server, order):
    headers, body = wechat_server.pay(order.out_trade_no)
    changed = json.loads(body)
    changed["summary"] = "changed"

    assert _post(client, headers, json.dumps(changed, ensure_ascii=False).encode()).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_changed_amount_even_when_signed(client, wechat_server, order):
    wechat_server.pay(order.out_trade_no)
    resource = wechat_server.transaction(order.out_trade_no)
    resource["amount"]["total"] = 100
    headers, body = wechat_server.notification(resource)

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.WRONG_AMOUNT]
    assert PaymentNotification.objects.get().order == order


def test_it_refuses_an_unknown_order(client, wechat_server, order):
    wechat_server.pay(order.out_trade_no)
    headers, body = wechat_server.notification(
        {**wechat_server.transaction(order.out_trade_no), "out_trade_no": "HT20251116NOSUCHORDER"}
    )

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_ORDER]


def test_it_refuses_an_expired_timestamp(client, wechat_server, order):
    wechat_server.trades[order.out_trade_no].update(state="SUCCESS", transaction_id="4200000001")
    headers, body = wechat_server.notification(
        wechat_server.transaction(order.out_trade_no), timestamp=int(time.time()) - 600
    )

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.EXPIRED]


def test_a_key_we_do_not_know_is_refused_without_asking_the_network(client, wechat_server, order):
    headers, body = wechat_server.pay(order.out_trade_no)

    response = _post(client, {**headers, "Wechatpay-Serial": "PUB_KEY_ID_SOMEONE_ELSE"}, body)

    assert response.status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_MERCHANT]
    assert [path for _, path, _ in wechat_server.requests] == ["/v3/pay/transactions/native"]


def test_another_merchants_resource_is_refused(client, wechat_server, order):
    wechat_server.pay(order.out_trade_no)
    resource = {**wechat_server.transaction(order.out_trade_no), "mchid": "1900000999"}
    headers, body = wechat_server.notification(resource)

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_MERCHANT]


def test_the_query_task_applies_an_order_paid_without_a_notification(wechat_server, order, settings):
    settings.ORDER_QUERY_AFTER_MINUTES = 0
    wechat_server.pay(order.out_trade_no)

    assert orders_query_open() == [order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and order.payment.amount == Decimal("2016.00")
    assert (
        wechat_server.requests[-1][1]
        == f"/v3/pay/transactions/out-trade-no/{order.out_trade_no}?mchid=1900000001"
    )


def test_an_answer_with_a_forged_signature_is_not_believed(wechat_server, merchant, order):
    wechat_server.pay(order.out_trade_no)
    wechat_server.forge_answers = True

    with pytest.raises(ProviderError):
        provider_get("wechat").query_order(merchant_config(merchant), order.out_trade_no)


def test_an_order_unknown_to_wechat_pay_is_closed(wechat_server, merchant):
    status = provider_get("wechat").query_order(merchant_config(merchant), "HT20251116NEVERSENT")

    assert status == TradeStatus(out_trade_no="HT20251116NEVERSENT", state=TradeStatus.CLOSED)


def test_an_expired_order_is_closed_with_wechat_pay(wechat_server, order, settings):
    settings.ORDER_TIMEOUT_MINUTES = 0

    assert orders_close_expired() == [order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CLOSED
    assert wechat_server.trades[order.out_trade_no]["state"] == "CLOSED"


def test_an_order_paid_before_closing_is_applied_instead(wechat_server, order, settings):
    settings.ORDER_TIMEOUT_MINUTES = 0
    wechat_server.pay(order.out_trade_no)

    assert orders_close_expired() == []

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and Payment.objects.count() == 1


def test_a_refund_names_the_order_total_in_fen(wechat_server, merchant, order):
    wechat_server.pay(order.out_trade_no)

    provider_get("wechat").refund(
        merchant_config(merchant), order.out_trade_no, refund_no="RF1", amount=Decimal("16.50")
    )

    _method, path, data = wechat_server.requests[-1]
    assert path == "/v3/refund/domestic/refunds"
    assert data["amount"] == {"refund": 1650, "total": 201600, "currency": "CNY"}
    assert data["out_refund_no"] == "RF1" and data["out_trade_no"] == order.out_trade_no
    assert wechat_server.trades[order.out_trade_no]["state"] == "REFUND"


def test_a_merchant_without_the_wechat_pay_public_key_never_reaches_the_sdk(wechat_server, merchant):
    merchant.public_key_id = ""
    merchant.save()
    account = account_owing(merchant.company)

    with pytest.raises(ProviderError):
        order_create(account=account, season_year=SEASON, purpose="prepayment", provider="wechat")

    assert wechat_server.requests == []


def test_a_provider_that_fails_stops_no_other_order(wechat_server, merchant, order, settings, keys):
    settings.ORDER_QUERY_AFTER_MINUTES = settings.ORDER_TIMEOUT_MINUTES = 0
    sandbox_order = new_order(sandbox_company(code="SBX1")[1])
    wechat_server.forge_answers = True

    assert orders_query_open() == []
    assert orders_close_expired() == [sandbox_order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED


def test_a_refund_is_processing_then_succeeded_and_an_unknown_number_is_unknown(
    wechat_server, merchant, order
):
    wechat_server.pay(order.out_trade_no)
    wechat, config = provider_get("wechat"), merchant_config(merchant)
    wechat.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("16.50"))

    assert wechat.refund_query(config, order.out_trade_no, "RF1").state == RefundStatus.PROCESSING
    wechat_server.refunds["RF1"]["status"] = "SUCCESS"
    done = wechat.refund_query(config, order.out_trade_no, "RF1")
    assert (
        done.state == RefundStatus.SUCCEEDED and done.refund_id == wechat_server.refunds["RF1"]["refund_id"]
    )
    assert wechat.refund_query(config, order.out_trade_no, "RF2").state == RefundStatus.UNKNOWN
    _method, path, _data = wechat_server.requests[-1]
    assert path == "/v3/refund/domestic/refunds/RF2"


def test_an_abnormal_refund_is_failed_with_wechat_pays_word_for_it(wechat_server, merchant, order):
    wechat_server.pay(order.out_trade_no)
    wechat, config = provider_get("wechat"), merchant_config(merchant)
    wechat.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("16.50"))
    wechat_server.refunds["RF1"]["status"] = "ABNORMAL"

    failed = wechat.refund_query(config, order.out_trade_no, "RF1")

    assert failed.state == RefundStatus.FAILED and "ABNORMAL" in failed.reason


def test_a_refund_beyond_what_is_left_is_refused_with_the_reason(wechat_server, merchant, order):
    wechat_server.pay(order.out_trade_no)
    wechat, config = provider_get("wechat"), merchant_config(merchant)
    wechat.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("2000.00"))

    with pytest.raises(RefundRefused, match="NOT_ENOUGH"):
        wechat.refund(config, order.out_trade_no, refund_no="RF2", amount=Decimal("16.01"))
    assert list(wechat_server.refunds) == ["RF1"]


def test_a_refund_query_answer_with_a_forged_signature_is_not_believed(wechat_server, merchant, order):
    wechat_server.pay(order.out_trade_no)
    wechat, config = provider_get("wechat"), merchant_config(merchant)
    wechat.refund(config, order.out_trade_no, refund_no="RF1", amount=Decimal("16.50"))
    wechat_server.refunds["RF1"]["status"] = "SUCCESS"
    wechat_server.forge_answers = True

    with pytest.raises(ProviderError):
        wechat.refund_query(config, order.out_trade_no, "RF1")
