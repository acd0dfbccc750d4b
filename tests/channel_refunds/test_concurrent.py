"""Two managers sending the same refunds back at once, in two real processes (subprocess) on
PostgreSQL: each refund goes back once, with one refund entry in the ledger."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from heating.models import ChannelRefund, LedgerEntry, Refund, SandboxRefund
from tests.factories import make_account
from tests.orders.test_concurrent import _env
from tests.test_calculator_page import load_policy_2019

from .helpers import settled_refund

REFUNDS = 6
SENDER = """
import json, sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from heating.services.channel_refunds import refund_send_back
user_id, refund_ids = json.loads(sys.argv[1])
user = get_user_model().objects.get(pk=user_id)
sys.stdin.readline()  # both processes start together
for refund_id in refund_ids:
    try:
        refund_send_back(refund_id=refund_id, user=user)
    except ValidationError:
        pass
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_sending_the_same_refunds_back_refund_each_once(company, manager):
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    refunds = [settled_refund(make_account(company=company), "3000.00")[0] for _ in range(REFUNDS)]
    ids = [r.id for r in refunds]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, json.dumps([manager.id, order])],
            cwd=Path(settings.BASE_DIR),
            env=_env(),
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in (ids, ids[::-1])
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    errors = [worker.communicate(timeout=120)[1] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], errors
    assert set(Refund.objects.filter(id__in=ids).values_list("state", flat=True)) == {Refund.State.PAID}
    assert ChannelRefund.objects.count() == SandboxRefund.objects.count() == REFUNDS
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == REFUNDS
