"""The bill with online payment costs the same number of queries whatever the payments and orders."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.models import PaymentOrder
from tests.settlement.helpers import pay

from .conftest import bill_url, client_of

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_bill_does_not_grow_with_payments_and_open_orders(homes, django_assert_max_num_queries):
    client = client_of(homes.resident)
    url = bill_url(homes.owing)
    with django_assert_max_num_queries(25):
        client.get(url)
    before = _count(client, url)

    for n in range(3):
        pay(homes.owing, "10.00")
        PaymentOrder.objects.create(
            company=homes.company, account=homes.owing, season_year=2019,
            purpose=("owed", "prepayment")[n % 2], amount=Decimal("10.00"), provider="sandbox",
            out_trade_no=f"HTQ{n}",
            state=PaymentOrder.State.CREATED if n < 2 else PaymentOrder.State.CLOSED,
        )

    assert _count(client, url) == before
