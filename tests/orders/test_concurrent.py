"""A notification and the query task applying the same orders at once, in two real processes
(subprocess), each with its own connection to the test database: one payment per order."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from heating.models import LedgerEntry, Payment, PaymentNotification, PaymentOrder
from heating.payments import sandbox
from tests.factories import make_account

from .helpers import SEASON, new_order, sandbox_company

ORDERS = 12
NOTIFIER = """
import json, sys, django
django.setup()
from heating.services.orders import notification_apply
notifications = json.load(open(sys.argv[1]))
sys.stdin.readline()  # both processes start together
for headers, body in notifications:
    notification_apply(provider="sandbox", headers=headers, body=body.encode())
"""
QUERIER = """
import datetime, sys, django
django.setup()
from django.utils import timezone
from heating.services.orders import orders_query_open
sys.stdin.readline()
orders_query_open(now=timezone.now() + datetime.timedelta(hours=1))
"""


def _env():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    # The same key as this process, which encrypted the sandbox's signing key.
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ID_NUMBER_KEY": settings.ID_NUMBER_KEY,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_notification_racing_the_query_records_one_payment(tmp_path):
    merchant, account = sandbox_company()
    accounts = [account] + [make_account(company=account.company) for _ in range(ORDERS - 1)]
    for other in accounts[1:]:
        LedgerEntry.objects.create(
            account=other, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=Decimal("2016.00")
        )
    orders = [new_order(each) for each in accounts]
    notifications = []
    for order in orders:
        headers, body = sandbox.trade_pay(order.out_trade_no)
        notifications.append([headers, body.decode()])
    # The query task goes oldest first, the notifications newest first: they meet on some order.
    (tmp_path / "notifications.json").write_text(json.dumps(notifications[::-1]))

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "notifications.json")],
            cwd=Path(settings.BASE_DIR),
            env=_env(),
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in (NOTIFIER, QUERIER)
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], errors
    assert Payment.objects.count() == ORDERS
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == ORDERS
    for order in orders:
        order.refresh_from_db()
        assert order.state == PaymentOrder.State.PAID and order.payment is not None
    verdicts = set(PaymentNotification.objects.values_list("verdict", flat=True))
    assert verdicts <= {PaymentNotification.Verdict.APPLIED, PaymentNotification.Verdict.DUPLICATE}
