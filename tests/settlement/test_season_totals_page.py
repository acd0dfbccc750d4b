"""The season totals page: the company's managers see and recompute their totals (with when, by whom
and whether stale); the subsidy bureaus see every company's; clerks, residents, other bureaus and
other companies' managers are refused."""

import pytest
from django.test import Client
from django.urls import reverse

from heating.models import Job, Role, SeasonTotals
from heating.services.season_totals import season_totals_record
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    UserFactory,
)

from .helpers import SEASON
from .test_season_totals import household_without_discount, settle, varied

pytestmark = pytest.mark.django_db
URL = reverse("season-totals") + "?season=2019-2020"


@pytest.fixture
def company():
    company = CompanyFactory(code="DEMO9")
    varied(company)
    settle(company)
    return company


def member(company, role):
    user = UserFactory(first_name="明", last_name="孙")
    return MembershipFactory(organisation=company, role=role, user=user).user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_sees_the_latest_totals_who_computed_them_and_whether_stale(company):
    manager = member(company, Role.MANAGER)
    season_totals_record(company=company, start_year=SEASON)
    latest = season_totals_record(company=company, start_year=SEASON, user=manager)
    client = signed_in(manager)

    page = client.get(URL).content.decode()

    assert 'id="totals-stale"' not in page and "孙明" in page
    assert str(latest.revenue) in page and str(latest.res_revenue) in page
    assert 'id="totals-classes"' in page and reverse("season-totals-start") in page

    LowIncomeCertificateFactory(account=household_without_discount(company))
    settle(company)
    assert 'id="totals-stale"' in client.get(URL).content.decode()


def test_the_page_costs_the_same_queries_whatever_the_accounts(company, django_assert_max_num_queries):
    manager = member(company, Role.MANAGER)
    season_totals_record(company=company, start_year=SEASON, user=manager)
    client = signed_in(manager)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_recompute_starts_the_job_and_it_stores_new_totals(company, django_capture_on_commit_callbacks):
    manager = member(company, Role.MANAGER)
    client = signed_in(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("season-totals-start"), {"season": "2019-2020"})
    assert response.status_code == 302 and response.url == URL
    job = Job.objects.get(kind="season_totals", company=company)
    assert job.state == Job.State.DONE  # run eagerly on commit
    assert SeasonTotals.objects.get(company=company).job == job


def test_a_subsidy_bureau_sees_every_company(company):
    other = CompanyFactory(code="DEMO8")
    varied(other)
    settle(other)
    mine = season_totals_record(company=company, start_year=SEASON)
    theirs = season_totals_record(company=other, start_year=SEASON)
    officer = UserFactory()
    MembershipFactory(user=officer, organisation=BureauFactory(duties=["subsidy_lead"]), role=Role.OFFICER)
    client = signed_in(officer)

    assert str(theirs.revenue) in client.get(URL + "&company=DEMO8").content.decode()
    page = client.get(URL + "&company=DEMO9").content.decode()
    assert str(mine.revenue) in page and reverse("season-totals-start") not in page
    assert client.post(reverse("season-totals-start"), {"season": "2019-2020"}).status_code == 403


def test_everyone_else_is_refused(company):
    season_totals_record(company=company, start_year=SEASON)
    other_manager = member(CompanyFactory(), Role.MANAGER)
    page = signed_in(other_manager).get(URL).content.decode()
    assert "totals-none" in page  # their own company, which has none: never DEMO9's
    officer = UserFactory()
    MembershipFactory(user=officer, organisation=BureauFactory(duties=["area_decision"]), role=Role.OFFICER)
    for user in (member(company, Role.CLERK), officer, UserFactory()):
        client = signed_in(user)
        assert client.get(URL).status_code == 403
        assert client.post(reverse("season-totals-start"), {"season": "2019-2020"}).status_code == 403
    assert Job.objects.filter(kind="season_totals").count() == 0


def test_a_bad_season_is_refused_in_words(company):
    client = signed_in(member(company, Role.MANAGER))
    assert client.get(reverse("season-totals") + "?season=2019").status_code == 400
    assert client.get(URL + "&company=" + "X" * 5000).status_code == 200
