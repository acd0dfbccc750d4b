"""Only the account's resident pays from its bill, opens its sandbox cashier and downloads its
receipts: anyone else, the company's own clerk included, gets 404 (a stranger signed out: the login)."""

import pytest

from heating.models import PaymentOrder, ProviderAccount

from .conftest import client_of, pay_url
from .test_pay_flow import pay_with_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(homes):
    client = client_of(homes.resident)
    order = pay_with_sandbox(client, homes.owing)
    client.post(f"/me/orders/{order.pk}/sandbox/pay/")
    order.refresh_from_db()
    return homes, order


@pytest.mark.parametrize("who", ["neighbour", "clerk", "other_clerk", "officer"])
def test_others_get_404_for_the_pay_page_the_cashier_and_the_receipt(paid, who):
    homes, order = paid
    open_order = PaymentOrder.objects.create(
        company=homes.company, account=homes.owing, season_year=2019, purpose="prepayment",
        amount="1.00", provider="sandbox", out_trade_no="HTOPEN",
    )
    client = client_of(getattr(homes, who))

    assert client.get(pay_url(homes.owing)).status_code == 404
    assert client.post(pay_url(homes.owing), {"provider": "sandbox"}).status_code == 404
    assert client.get(f"/me/orders/{open_order.pk}/sandbox/").status_code == 404
    assert client.post(f"/me/orders/{open_order.pk}/sandbox/pay/").status_code == 404
    assert client.get(f"/me/receipts/{order.payment_id}.pdf").status_code == 404
    open_order.refresh_from_db()
    assert open_order.state == PaymentOrder.State.CREATED


def test_signed_out_is_sent_to_sign_in(paid):
    homes, order = paid
    client = client_of(None)
    receipt = f"/me/receipts/{order.payment_id}.pdf"
    for url in (pay_url(homes.owing), f"/me/orders/{order.pk}/sandbox/", receipt):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_sandbox_cashier_is_gone_once_the_sandbox_is_not_configured(paid):
    homes, _order = paid
    open_order = PaymentOrder.objects.create(
        company=homes.company, account=homes.owing, season_year=2019, purpose="prepayment",
        amount="1.00", provider="sandbox", out_trade_no="HTOPEN",
    )
    ProviderAccount.objects.update(active=False)
    client = client_of(homes.resident)

    assert client.get(f"/me/orders/{open_order.pk}/sandbox/").status_code == 404
    assert client.post(f"/me/orders/{open_order.pk}/sandbox/pay/").status_code == 404
    assert client.get(pay_url(homes.owing)).status_code == 404


def test_a_reversed_payment_has_no_new_receipt(homes):
    from heating.services.payments import payment_reverse
    from tests.settlement.helpers import pay

    payment = pay(homes.owing, "10.00")
    payment_reverse(payment=payment, memo="错账")

    assert client_of(homes.resident).get(f"/me/receipts/{payment.pk}.pdf").status_code == 404
