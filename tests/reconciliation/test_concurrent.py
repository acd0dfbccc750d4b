"""Two managers resolving the same differences at once, in two real processes with their own
connections: each difference writes its one ledger effect, never two."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from heating.imports.statements import statement_read
from heating.models import ImportBatch, LedgerEntry, Mismatch, Payment, PaymentOrder, Role
from heating.selectors.reconciliation import statement_match
from heating.services.reconciliation import reconciliation_store
from tests.factories import CompanyFactory, MembershipFactory, make_account
from tests.orders.test_concurrent import _env
from tests.reconciliation.helpers import FORMATS, Trade, _order

ORDERS = 12
RESOLVER = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from heating.models import Mismatch
from heating.services.reconciliation import mismatch_resolve
user = get_user_model().objects.get(pk=int(sys.argv[1]))
ids = [int(i) for i in sys.argv[2].split(",")]
sys.stdin.readline()  # both processes start together
for pk in ids:
    company = Mismatch.objects.get(pk=pk).reconciliation.company
    mismatch_resolve(company=company, mismatch_id=pk, action="record", reason="并发", user=user)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_recording_the_same_payments_at_once_record_each_once():
    company = CompanyFactory()
    managers = [MembershipFactory(organisation=company, role=Role.MANAGER).user for _ in range(2)]
    trades = []
    for i in range(ORDERS):
        account = make_account(company=company)
        _order(account, f"HTC{i:03d}", Decimal("100.00"), provider="wechat")
        trades.append(Trade(f"HTC{i:03d}", f"TC{i:03d}", Decimal("100.00")))
    statement = statement_read("wx.csv", FORMATS["wechat"](trades))
    batch = ImportBatch.objects.create(
        company=company,
        kind="statement",
        file_name="wx.csv",
        file_sha256="0",
        status="committed",
        created_by=managers[0],
    )
    reconciliation = reconciliation_store(
        company=company,
        day=statement.day,
        source="wechat",
        match=statement_match(company, statement),
        batch=batch,
        user=managers[0],
    )
    ids = list(reconciliation.mismatches.values_list("pk", flat=True))
    assert len(ids) == ORDERS
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RESOLVER, str(manager.pk), ",".join(map(str, order))],
            cwd=Path(settings.BASE_DIR),
            env=_env(),
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for manager, order in zip(managers, (ids, ids[::-1]), strict=True)
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], errors
    assert Payment.objects.count() == ORDERS
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == ORDERS
    assert PaymentOrder.objects.filter(state=PaymentOrder.State.PAID).count() == ORDERS
    assert not Mismatch.objects.filter(resolved_at__isnull=True).exists()
