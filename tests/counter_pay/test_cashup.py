"""日结: the day's takings per clerk and channel, reversals apart and netted; exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from heating.models import Role
from heating.selectors.takings import day_takings
from heating.services.receipts import payment_take, receipt_void
from tests.factories import MembershipFactory

from .helpers import counter

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def day():
    """Two clerks' takings today, one payment reversed; another company's takings."""
    company, clerk, manager, account = counter()
    second = MembershipFactory(organisation=company, role=Role.CLERK).user
    for amount, channel, user in [
        ("100.00", "cash", clerk),
        ("50.50", "cash", clerk),
        ("200.00", "wechat", clerk),
        ("300.00", "cash", second),
    ]:
        taken = payment_take(account=account, season_year=2019, amount=D(amount), channel=channel, user=user)
    receipt_void(receipt=taken, reason="收错", user=manager)
    _other, other_clerk, _m, other_account = counter("DEMO2")
    payment_take(
        account=other_account, season_year=2019, amount=D("999.00"), channel="cash", user=other_clerk
    )
    return company, clerk, second, manager


def test_the_days_takings_per_clerk_and_channel_in_two_queries(day):
    company, clerk, second, _manager = day

    with CaptureQueriesContext(connection) as queries:
        rows = day_takings(company, timezone.localdate())

    assert len(queries) == 2
    figures = {
        (r.clerk, r.channel): (r.count, r.total, r.reversed_count, r.reversed_total, r.net) for r in rows
    }
    assert figures == {
        (clerk.username, "现金"): (2, D("150.50"), 0, D("0.00"), D("150.50")),
        (clerk.username, "微信"): (1, D("200.00"), 0, D("0.00"), D("200.00")),
        (second.username, "现金"): (1, D("300.00"), 1, D("300.00"), D("0.00")),
    }


def test_managers_see_every_clerk_and_a_clerk_their_own(client, day):
    _company, clerk, second, manager = day

    client.force_login(manager)
    page = client.get(reverse("cashup")).content.decode()
    assert clerk.username in page and second.username in page and "999.00" not in page
    client.force_login(clerk)
    page = client.get(reverse("cashup")).content.decode()
    assert clerk.username in page and second.username not in page


def test_another_day_has_no_takings_and_a_bad_day_is_refused(client, day):
    client.force_login(day[3])

    assert "no-takings" in client.get(reverse("cashup") + "?day=2001-01-01").content.decode()
    assert client.get(reverse("cashup") + "?day=2026-13-45").status_code == 400
    assert client.get(reverse("cashup") + "?format=pdf").status_code == 404


def test_the_cashup_exports_as_csv_and_xlsx(client, day):
    _company, clerk, second, manager = day
    client.force_login(manager)

    body = client.get(reverse("cashup") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "收款员" and len(rows) == 4
    assert [second.username, "现金", "1", "300.00", "1", "300.00", "0.00"] in rows

    book = load_workbook(io.BytesIO(client.get(reverse("cashup") + "?format=xlsx").content))
    values = list(book.active.values)
    assert len(values) == 4 and (clerk.username, "微信", 1, 200, 0, 0, 200) in values
