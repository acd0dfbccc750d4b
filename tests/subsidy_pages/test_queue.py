"""The queue: each bureau's landing page lists the claims awaiting its step, then all it may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.models import Duty, Role
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory
from tests.subsidy_claims.helpers import REVIEWERS, reviewed, submitted

from .helpers import queue_sections

# Session, user, duties, membership, the two lists, the navigation's lookups.
QUEUE_QUERIES = 11


@pytest.mark.parametrize("code", ["CZJ", "ZJJ", "SJJ"])
def test_a_subsidy_bureau_lands_on_its_queue(client, officer, code):
    client.force_login(officer[code])
    assert client.get("/start/").url == "/subsidy/"
    assert client.get("/bureau/").url == "/subsidy/"


def test_the_price_bureau_lands_on_its_desk_while_no_policy_covers_this_season(client, officer):
    client.force_login(officer["FGJ"])  # it also reviews claims, from the queue in its navigation
    assert client.get("/start/").url == "/bureau/prices/"
    assert client.get("/subsidy/").status_code == 200


def test_the_market_bureau_lands_on_its_price_checks_not_on_a_subsidy_queue(client, officer):
    client.force_login(officer["SCJGJ"])
    assert client.get("/start/").url == "/supervision/"
    assert client.get("/bureau/").url == "/supervision/"
    assert client.get("/subsidy/").status_code == 403


def test_a_submitted_claim_awaits_each_reviewer_and_not_finance(client, manager, officer):
    claim = submitted(manager)
    for code in REVIEWERS:
        client.force_login(officer[code])
        waiting, everything = queue_sections(client.get("/subsidy/"))
        assert waiting == [claim.pk] and everything == [claim.pk], code
    client.force_login(officer["CZJ"])
    assert queue_sections(client.get("/subsidy/")) == ([], [claim.pk])


def test_a_reviewed_claim_awaits_finance_only(client, manager, officer):
    claim = reviewed(manager, officer)
    client.force_login(officer["CZJ"])
    assert queue_sections(client.get("/subsidy/")) == ([claim.pk], [claim.pk])
    client.force_login(officer["SJJ"])
    assert queue_sections(client.get("/subsidy/")) == ([], [claim.pk])


def test_a_company_sees_only_its_own_claims(client, manager, other_manager):
    own = submitted(manager)
    other = submitted(other_manager)
    client.force_login(manager)
    response = client.get("/subsidy/")
    assert queue_sections(response) == ([], [own.pk])
    assert f"/subsidy/claims/{other.pk}/" not in response.content.decode()
    assert 'id="claim-new"' in response.content.decode()


def test_a_clerk_sees_the_claims_but_may_not_open_one(client, manager, clerk):
    claim = submitted(manager)
    client.force_login(clerk)
    response = client.get("/subsidy/")
    assert queue_sections(response) == ([], [claim.pk])
    assert 'id="claim-new"' not in response.content.decode()


def test_the_housing_bureau_keeps_its_refund_oversight_link(client, officer):
    client.force_login(officer["ZJJ"])
    assert 'href="/bureau/refunds/"' in client.get("/subsidy/").content.decode()
    client.force_login(officer["FGJ"])
    assert 'href="/bureau/refunds/"' not in client.get("/subsidy/").content.decode()


def test_residents_and_strangers_have_no_queue(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("someone"))
    assert client.get("/subsidy/").status_code == 403
    client.logout()
    assert client.get("/subsidy/").url.startswith("/accounts/login/")


def test_the_queue_costs_the_same_queries_for_one_claim_or_many(client, manager, officer):
    submitted(manager)
    client.force_login(officer["FGJ"])
    client.get("/subsidy/")  # warm: the session
    with CaptureQueriesContext(connection) as one:
        client.get("/subsidy/")
    for _ in range(4):
        submitted(MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user)
    with CaptureQueriesContext(connection) as five:
        response = client.get("/subsidy/")
    assert len(queue_sections(response)[0]) == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= QUEUE_QUERIES


def test_a_bureau_holding_only_the_fund_audit_duty_lands_on_the_queue(client, db):
    bureau = BureauFactory(duties=[Duty.FUND_AUDIT])
    user = MembershipFactory(organisation=bureau, role=Role.OFFICER).user
    client.force_login(user)
    assert client.get("/start/").url == "/subsidy/"


def test_the_bureaus_todo_link_is_current_on_its_queue(client, officer):
    client.force_login(officer["SJJ"])
    assert 'href="/bureau/" aria-current="page"' in client.get("/subsidy/").content.decode()


def test_a_manager_reaches_the_claims_from_the_navigation(client, manager):
    client.force_login(manager)
    assert 'href="/subsidy/"' in client.get("/company/").content.decode()


def test_heating_lands_a_bureau_on_its_own_inbox_when_no_app_offers_a_page(client, officer, settings):
    settings.BUREAU_LANDINGS = []
    client.force_login(officer["CZJ"])
    assert client.get("/start/").url == "/bureau/"
    assert client.get("/bureau/").status_code == 200
