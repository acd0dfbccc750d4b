"""Two officers acting on one claim at once: the claim is locked and its state read under the lock,
so the last two reviews complete the review (neither sees the other's slot still open) and a claim is
paid once."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from heating.models import Role
from subsidy.models import Claim, ClaimEvent
from subsidy.services import claims as claim_services
from tests.factories import MembershipFactory
from tests.test_calculator_page import load_policy_2019

from .helpers import REVIEWERS, approved, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(monkeypatch, name):
    """Make the service's `name` step wait for the other thread, so both would be inside at once
    were the claim not locked."""
    both = threading.Barrier(2, timeout=3)
    real = getattr(claim_services, name)

    def wait_then(*args, **kwargs):
        try:
            both.wait()
        except threading.BrokenBarrierError:
            pass  # the other officer waits at the lock, as it should
        return real(*args, **kwargs)

    monkeypatch.setattr(claim_services, name, wait_then)


def at_once(*steps):
    outcomes = []

    def run(step):
        try:
            step()
            outcomes.append("done")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


def test_the_last_two_reviews_at_once_complete_the_review(monkeypatch, manager, officer):
    load_policy_2019()
    claim = submitted(manager)
    claim_services.claim_review_approve(user=officer[REVIEWERS[0]], claim_id=claim.id)
    together(monkeypatch, "_review_slot")

    outcomes = at_once(
        *(
            lambda code=code: claim_services.claim_review_approve(user=officer[code], claim_id=claim.id)
            for code in REVIEWERS[1:]
        )
    )

    assert outcomes == ["done", "done"]
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.REVIEWED


def test_two_payments_at_once_pay_the_claim_once(monkeypatch, manager, officer, bureaus):
    load_policy_2019()
    claim = approved(manager, officer)
    second = MembershipFactory(organisation=bureaus["CZJ"], role=Role.OFFICER).user
    together(monkeypatch, "bureau_holding")

    outcomes = at_once(
        *(
            lambda user=user: claim_services.claim_pay(
                user=user, claim_id=claim.id, paid_on=datetime.date(2020, 9, 1), reference="财拨17号"
            )
            for user in (officer["CZJ"], second)
        )
    )

    assert outcomes == ["done", "补贴申请审批后才能登记拨付。"]
    assert ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.PAID).count() == 1
