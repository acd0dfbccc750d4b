"""Two runs settling the same chunk at once (a worker thought dead, and its replacement): the chunk's
accounts are locked, so one run settles and the other finds them settled — never two version 1s,
never an error."""

import threading

import pytest
from django.db import connection

import heating.services.settlement as settlement
from heating.models import Statement
from tests.factories import CompanyFactory, make_account
from tests.test_calculator_page import load_policy_2019

from .helpers import pay, settle


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_chunk_at_once_issue_each_statement_once(monkeypatch):
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    company = CompanyFactory()
    accounts = [make_account(company=company) for _ in range(3)]
    for account in accounts:
        pay(account, "1680.00")
    both_computing = threading.Barrier(2, timeout=5)
    real_inputs = settlement.current_inputs

    def inputs_together(*args, **kwargs):
        # Without the lock both runs would compute here at once, and both issue version 1.
        try:
            both_computing.wait()
        except threading.BrokenBarrierError:
            pass  # the other run is held at the lock, as it should be
        return real_inputs(*args, **kwargs)

    monkeypatch.setattr(settlement, "current_inputs", inputs_together)
    results, errors = [None, None], []

    def run(n):
        try:
            results[n] = settle(company, *accounts)
        except Exception as exc:  # noqa: BLE001 — the test reports it below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted((r.issued, r.unchanged) for r in results) == [(0, 3), (3, 0)]
    assert Statement.objects.count() == 3
