"""At most one open order per account, season and purpose: the service reuses it or closes it first,
and a partial unique index holds where the service is bypassed. An order paid at the provider whose
notification has not landed is asked about once when the resident returns, or shown 确认中."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from heating.models import PaymentOrder, SandboxTrade
from heating.payments import sandbox
from heating.payments.sandbox import Sandbox
from heating.services.payments import payment_record

from .conftest import bill_url, client_of
from .test_pay_flow import pay_with_sandbox

pytestmark = pytest.mark.django_db


def test_paying_twice_reuses_the_open_order(homes):
    client = client_of(homes.resident)
    first = pay_with_sandbox(client, homes.owing)

    second = pay_with_sandbox(client, homes.owing)

    assert first == second and PaymentOrder.objects.count() == 1


def test_an_open_order_for_an_amount_no_longer_owed_is_closed_first(homes):
    client = client_of(homes.resident)
    first = pay_with_sandbox(client, homes.owing)
    payment_record(
        account=homes.owing, season_year=2019, amount=Decimal("80.00"), paid_on="2020-06-01", channel="cash"
    )

    second = pay_with_sandbox(client, homes.owing)

    first.refresh_from_db()
    assert first.state == PaymentOrder.State.CLOSED and second.amount == Decimal("600.00")
    assert SandboxTrade.objects.get(out_trade_no=first.out_trade_no).state == SandboxTrade.State.CLOSED


def test_the_database_refuses_a_second_open_order(homes):
    first = pay_with_sandbox(client_of(homes.resident), homes.owing)

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.create(
            company=homes.company, account=homes.owing, season_year=2019, purpose="owed",
            amount=Decimal("1.00"), provider="sandbox", out_trade_no="HTSECOND",
        )
    # Another purpose, or the first one closed, is allowed.
    PaymentOrder.objects.create(
        company=homes.company, account=homes.owing, season_year=2019, purpose="prepayment",
        amount=Decimal("1.00"), provider="sandbox", out_trade_no="HTPREPAY",
    )
    PaymentOrder.objects.filter(pk=first.pk).update(state=PaymentOrder.State.CLOSED)
    PaymentOrder.objects.create(
        company=homes.company, account=homes.owing, season_year=2019, purpose="owed",
        amount=Decimal("1.00"), provider="sandbox", out_trade_no="HTTHIRD",
    )


def test_returning_without_a_notification_asks_the_provider_once_and_shows_the_payment(homes):
    client = client_of(homes.resident)
    order = pay_with_sandbox(client, homes.owing)
    sandbox.trade_pay(order.out_trade_no)  # paid at the provider; its notification is lost

    response = client.get(bill_url(homes.owing) + f"?order={order.pk}")

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    assert response.context["page"].to_pay == 0 and "确认中" not in response.content.decode()


def test_an_order_the_provider_cannot_confirm_yet_shows_as_being_confirmed(homes, monkeypatch):
    client = client_of(homes.resident)
    order = pay_with_sandbox(client, homes.owing)
    sandbox.trade_pay(order.out_trade_no)
    asked = []

    def unreachable(self, config, out_trade_no):
        asked.append(out_trade_no)
        raise TimeoutError

    monkeypatch.setattr(Sandbox, "query_order", unreachable)

    html = client.get(bill_url(homes.owing) + f"?order={order.pk}").content.decode()

    assert asked == [order.out_trade_no]
    assert 'id="open-orders"' in html and "确认中" in html and "¥680.00" in html
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED
    # Without ?order= the provider is not asked again.
    client.get(bill_url(homes.owing))
    assert len(asked) == 1


def test_someone_elses_order_in_the_return_address_is_not_asked_about(homes, monkeypatch):
    order = pay_with_sandbox(client_of(homes.resident), homes.owing)
    sandbox.trade_pay(order.out_trade_no)

    client_of(homes.neighbour).get(bill_url(homes.neighbours_home) + f"?order={order.pk}")

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CREATED
