"""Notifications signed with the sandbox's real keys, through the real endpoint and verification code."""

import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from heating.models import LedgerEntry, Payment, PaymentNotification, PaymentOrder, SandboxTrade
from heating.payments import sandbox
from heating.selectors.ledger import balance

from .helpers import SEASON, new_order, sandbox_company

pytestmark = pytest.mark.django_db
Verdict = PaymentNotification.Verdict
URL = reverse("api-payment-notify", args=["sandbox"])


def _post(client, headers, body, url=URL):
    return client.generic("POST", url, body, content_type="application/json", headers=headers)


def _nothing_paid(order):
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED and order.payment is None
    assert not Payment.objects.exists()
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).exists()


def _verdicts():
    return list(PaymentNotification.objects.order_by("id").values_list("verdict", flat=True))


def test_it_applies_a_valid_notification_once(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)

    response = _post(client, headers, body)

    assert response.status_code == 200 and response.json() == {"code": "SUCCESS"}
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and order.paid_at is not None
    payment = Payment.objects.get()
    assert order.payment == payment and payment.amount == Decimal("2016.00")
    assert payment.channel == Payment.Channel.SANDBOX and payment.reference == order.transaction_id
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.PAYMENT)
    assert entry.payment == payment and entry.amount == Decimal("-2016.00")
    assert balance(account.id, SEASON) == Decimal("0.00")
    assert PaymentNotification.objects.get().order == order
    assert _verdicts() == [Verdict.APPLIED]


def test_it_records_a_replay_and_pays_nothing_more(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)

    first, second = _post(client, headers, body), _post(client, headers, body)

    assert first.status_code == second.status_code == 200
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == 1
    assert _verdicts() == [Verdict.APPLIED, Verdict.DUPLICATE]


def test_it_refuses_a_forged_signature(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)
    # Another key pair (another company's sandbox) signs the same body: not the platform's key.
    other, _ = sandbox_company(code="PAY2")
    forged_headers, _ = sandbox.notification_sign(other.merchant_id, json.loads(body))

    response = _post(client, {**headers, "Sandbox-Signature": forged_headers["Sandbox-Signature"]}, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_body_changed_after_signing(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)

    response = _post(client, headers, body.replace(b"2016.00", b"1.00"))

    assert response.status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.BAD_SIGNATURE]


def test_it_refuses_a_changed_amount_even_when_signed(client):
    merchant, account = sandbox_company()
    order = new_order(account)
    _headers, body = sandbox.trade_pay(order.out_trade_no)
    headers, body = sandbox.notification_sign(merchant.merchant_id, {**json.loads(body), "amount": "1.00"})

    response = _post(client, headers, body)

    assert response.status_code == 400
    _nothing_paid(order)
    assert PaymentNotification.objects.get().order == order
    assert _verdicts() == [Verdict.WRONG_AMOUNT]


def test_it_refuses_an_unknown_order(client):
    merchant, account = sandbox_company()
    order = new_order(account)
    _headers, body = sandbox.trade_pay(order.out_trade_no)
    payload = {**json.loads(body), "out_trade_no": "HT20250101000000NOSUCHORDER"}
    headers, body = sandbox.notification_sign(merchant.merchant_id, payload)

    response = _post(client, headers, body)

    assert response.status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_ORDER]


def test_it_refuses_another_companys_order(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    _headers, body = sandbox.trade_pay(order.out_trade_no)
    other, _ = sandbox_company(code="PAY2")
    headers, body = sandbox.notification_sign(other.merchant_id, json.loads(body))

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.UNKNOWN_ORDER]


def test_it_refuses_an_expired_timestamp(client):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(
        order.out_trade_no, timestamp=int(time.time()) - sandbox.WINDOW_SECONDS - 60
    )

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.EXPIRED]


def test_it_refuses_a_notification_for_an_unpaid_trade(client):
    merchant, account = sandbox_company()
    order = new_order(account)
    trade = SandboxTrade.objects.get(out_trade_no=order.out_trade_no)
    headers, body = sandbox.notification_sign(
        merchant.merchant_id,
        {
            "out_trade_no": order.out_trade_no,
            "transaction_id": "",
            "amount": f"{trade.amount}",
            "trade_state": "NOTPAY",
        },
    )

    assert _post(client, headers, body).status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.NOT_PAID]


@pytest.mark.parametrize(
    "body, headers",
    [
        (b"not json", {}),
        (b"[1, 2]", {}),
        (b'{"mch_id": "SANDBOX-NOBODY"}', {}),
        (b'{"mch_id": "SANDBOX-PAY1"}', {"Sandbox-Timestamp": "x", "Sandbox-Signature": "%%%"}),
        (
            b'{"mch_id": "SANDBOX-PAY1"}',
            {"Sandbox-Timestamp": "1", "Sandbox-Nonce": "n", "Sandbox-Signature": "%%%"},
        ),
    ],
)
def test_it_answers_junk_with_the_providers_refusal_and_records_it(client, body, headers):
    _merchant, account = sandbox_company()
    order = new_order(account)

    response = _post(client, headers, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    _nothing_paid(order)
    assert len(_verdicts()) == 1 and _verdicts()[0] != Verdict.APPLIED


def test_it_refuses_a_body_over_the_bound_unread(client):
    _merchant, account = sandbox_company()
    order = new_order(account)

    response = _post(client, {}, b"{" + b" " * 70_000 + b"}")

    assert response.status_code == 400
    _nothing_paid(order)
    assert _verdicts() == [Verdict.TOO_LARGE]


def test_an_unknown_provider_is_not_found(client):
    response = _post(client, {}, b"{}", url=reverse("api-payment-notify", args=["nosuch"]))

    assert response.status_code == 404
    assert _verdicts() == [Verdict.UNKNOWN_PROVIDER]


def test_it_needs_no_csrf_token_and_takes_only_post():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert _post(client, {}, b"{}").status_code == 400
    assert client.get(URL).status_code == 405


def test_it_never_answers_500(client, monkeypatch):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("heating.api.payments.notification_apply", broken)
    response = _post(client, headers, body)

    assert response.status_code == 400 and response.json()["code"] == "FAIL"
    _nothing_paid(order)
    assert _verdicts() == [Verdict.ERROR]
