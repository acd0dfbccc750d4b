"""Two clerks paying the same refund at once: the row is locked and its state checked, so one pays
and the other is refused for the state it finds — one `refund` entry, never two."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

import heating.services.refunds as refunds
from heating.models import LedgerEntry, Refund, Role
from tests.factories import CompanyFactory, MembershipFactory, make_account
from tests.settlement.helpers import SEASON, pay, settle
from tests.test_calculator_page import load_policy_2019


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_paying_one_refund_at_once_pay_it_once(monkeypatch):
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory()
    clerks = [MembershipFactory(organisation=company, role=Role.CLERK).user for _ in range(2)]
    pay(make_account(company=company), "5000.00")
    settle(company)
    (refund,) = refunds.refunds_open_for_season(company=company, start_year=SEASON)
    both_paying = threading.Barrier(2, timeout=3)
    real_record = refunds.refund_record

    def record_together(**kwargs):
        # Without the lock both clerks would reach here and write two refund entries.
        try:
            both_paying.wait()
        except threading.BrokenBarrierError:
            pass  # the other clerk waits at the lock, as it should
        return real_record(**kwargs)

    monkeypatch.setattr(refunds, "refund_record", record_together)
    outcomes = []

    def run(clerk):
        try:
            refunds.refunds_mark_paid(
                refund_ids=[refund.id], bank_reference="B", paid_on=datetime.date(2020, 5, 6), user=clerk
            )
            outcomes.append("paid")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # Refused for the refund's state, read under the lock (not later, by the ledger's own check).
    assert sorted(outcomes) == ["paid", f"第 {refund.id} 号退费的状态是“已支付”，不能这样处理。"]
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    assert Refund.objects.get().state == "paid"
