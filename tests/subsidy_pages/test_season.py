"""The season behind a claim: the claim page's loss totals (summed by the job it starts), the
drill-down to the accounts (current statements only, a page at a time, unsettled accounts at their
prepayment) and any statement of the season read-only, for the company's staff and the subsidy bureaus
only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.models import Account, Job, Statement
from heating.services.jobs import job_run
from heating.services.reading_review import reading_correct
from subsidy.selectors import claim_accounts
from subsidy.services import claims as claim_services
from subsidy.services import figures_job
from tests.factories import LowIncomeCertificateFactory, aware, make_account
from tests.settlement.helpers import D, pay, season_readings, settle
from tests.subsidy_claims.helpers import SEASON, submitted

from .helpers import part

pytestmark = pytest.mark.django_db


def season(company, homes=2):
    """`homes` area-billed homes settled, one metered past the cap, one low-income; one home unpaid
    and unsettled (an exception at its prepayment, 1680.00 for 80 m²)."""
    settled = [make_account(company=company) for _ in range(homes)]
    capped = make_account(company=company, metered=True, area="100.00")
    season_readings(capped, "100.000000", "160.000000")
    poor = make_account(company=company)
    LowIncomeCertificateFactory(account=poor)
    for account in (*settled, capped, poor):
        pay(account, "2100.00")
    settle(company, *settled, capped, poor)
    unsettled = make_account(company=company)
    return settled, capped, poor, unsettled


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_claim_page_shows_the_totals_the_job_summed_and_starts_it_again(client, company, manager):
    season(company)
    claim = submitted(manager)
    url = f"/subsidy/claims/{claim.pk}/"
    html = get(client, manager, url).content.decode()
    assert 'id="season-none"' in part(html, "season") and "/totals/" in part(html, "season")

    started = client.post(url + "totals/")
    assert started.status_code == 302
    job = Job.objects.get(company=company, kind=figures_job.KIND)
    html = get(client, manager, url).content.decode()
    assert f'data-job-progress="/jobs/{job.pk}/progress"' in html and "/totals/" not in part(html, "season")
    assert client.post(url + "totals/").status_code == 400  # one totals job at a time
    assert Job.objects.filter(kind=figures_job.KIND).count() == 1

    job_run(job.pk)
    totals = part(get(client, manager, url).content.decode(), "season")
    assert 'id="season-statements">4<' in totals and 'id="season-exceptions">1<' in totals
    due = sum(s.amount_due for s in Statement.objects.filter(account__company=company)) + D("1680.00")
    assert f'id="season-revenue">¥{due:.2f}<' in totals and "¥600.00" in totals
    assert 'id="season-stale"' not in totals and 'id="preview"' not in totals  # the claim has figures
    assert f'href="/subsidy/claims/{claim.pk}/accounts/"' in totals

    make_account(company=company)
    settle(company, *Account.objects.filter(company=company, statements__isnull=True))
    assert 'id="season-stale"' in part(get(client, manager, url).content.decode(), "season")


def test_a_draft_claim_previews_what_the_totals_give(client, company, manager):
    season(company)
    claim = claim_services.claim_create(user=manager, start_year=SEASON)
    job_run(figures_job.figures_start(company, SEASON, manager).pk)
    totals = part(get(client, manager, f"/subsidy/claims/{claim.pk}/").content.decode(), "season")
    assert 'id="preview-claim"' in totals and 'id="preview-revenue"' in totals


def test_only_the_companys_manager_and_the_lead_bureaus_sum_the_totals(
    client, company, manager, clerk, officer, other_manager
):
    claim = submitted(manager)
    url = f"/subsidy/claims/{claim.pk}/totals/"
    refused = get(client, officer["SJJ"], f"/subsidy/claims/{claim.pk}/")
    assert "/totals/" not in refused.content.decode()
    response = client.post(url)
    assert response.status_code == 400 and "牵头部门" in response.content.decode()
    client.force_login(other_manager)
    assert client.post(url).status_code == 404
    client.force_login(clerk)
    assert client.post(url).status_code == 400
    assert not Job.objects.filter(kind=figures_job.KIND).exists()
    client.force_login(officer["ZJJ"])
    assert client.post(url).status_code == 302
    assert Job.objects.get(kind=figures_job.KIND).started_by == officer["ZJJ"]


def test_the_accounts_behind_the_claim_with_their_statements_and_the_unsettled_at_prepayment(
    client, company, manager, officer
):
    (home, _other), capped, poor, unsettled = season(company)
    claim = submitted(manager)
    response = get(client, officer["SJJ"], f"/subsidy/claims/{claim.pk}/accounts/")
    html = response.content.decode()
    statements = html[html.index('id="statements"') : html.index("</table>")]
    assert statements.count("<tr>") == 1 + 4
    row = statements[statements.index(capped.number) :].split("</tr>")[0]
    assert "居民" in row and "计量" in row and "¥2100.00" in row and "¥600.00" in row
    poor_row = statements[statements.index(poor.number) :].split("</tr>")[0]
    discount = Statement.objects.get(account=poor).low_income_discount
    assert discount > 0 and f"¥{discount:.2f}" in poor_row
    link = f'href="/subsidy/claims/{claim.pk}/statements/{Statement.objects.get(account=home).pk}/"'
    assert link in statements
    exceptions = html[html.index('id="exceptions"') :]
    assert unsettled.number in exceptions and "¥1680.00" in exceptions
    assert home.number not in exceptions


def test_a_superseded_statement_is_not_listed_but_can_be_opened(client, company, manager, officer):
    _homes, capped, _poor, _unsettled = season(company)
    first = Statement.objects.get(account=capped)
    closing = capped.meters.get().readings.get(read_at=aware(2020, 3, 15, 8))
    reading_correct(reading=closing, user=manager, value=D("110.000000"), reason="抄错")
    assert settle(company, capped).issued == 1
    claim = submitted(manager)
    html = get(client, officer["SJJ"], f"/subsidy/claims/{claim.pk}/accounts/").content.decode()
    newer = Statement.objects.get(account=capped, status=Statement.Status.ISSUED)
    assert f"/statements/{newer.pk}/" in html and f"/statements/{first.pk}/" not in html
    opened = get(client, officer["SJJ"], f"/subsidy/claims/{claim.pk}/statements/{first.pk}/")
    assert opened.status_code == 200 and "已被更正" in opened.content.decode()


def test_the_lists_come_a_page_at_a_time(client, company, manager, officer, monkeypatch):
    monkeypatch.setattr(claim_accounts, "PAGE_SIZE", 3)
    season(company)
    claim = submitted(manager)
    url = f"/subsidy/claims/{claim.pk}/accounts/"
    first = get(client, manager, url).content.decode()
    second = get(client, manager, url + "?page=2").content.decode()
    rows = lambda html: html[html.index('id="statements"') : html.index("</table>")].count("<tr>") - 1  # noqa: E731
    assert (rows(first), rows(second)) == (3, 1)
    assert 'href="?page=2"' in first
    assert get(client, manager, url + "?page=x").status_code == 200


def test_the_accounts_page_costs_the_same_queries_however_many_accounts(client, company, manager, officer):
    season(company, homes=1)
    claim = submitted(manager)
    url = f"/subsidy/claims/{claim.pk}/accounts/"
    client.force_login(officer["SJJ"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    season(company, homes=6)
    for _ in range(4):
        make_account(company=company)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert (
        response.status_code == 200 and response.content.decode().count("<tr>") == 2 + 11 + 6
    )  # headers, 3 + 8 statements, 1 + 1 + 4 unsettled
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_statement_opens_read_only_for_the_company_and_the_subsidy_bureaus(
    client, company, manager, clerk, officer
):
    (home, _other), *_rest = season(company)
    claim = submitted(manager)
    url = f"/subsidy/claims/{claim.pk}/statements/{Statement.objects.get(account=home).pk}/"
    for user in (officer["SJJ"], officer["CZJ"], officer["ZJJ"], manager, clerk):
        response = get(client, user, url)
        assert response.status_code == 200
        html = response.content.decode()
        assert home.number in html and 'id="lines"' in html and "<form" not in html.split("<main")[-1]


def test_nobody_else_opens_a_statement_and_no_statement_outside_the_claims_season(
    client, company, manager, officer, other_company, other_manager
):
    (home, _other), *_rest = season(company)
    claim = submitted(manager)
    (stranger, _x), *_y = season(other_company)
    mine = Statement.objects.get(account=home).pk
    theirs = Statement.objects.get(account=stranger).pk
    for user, pk in ((officer["JTJ"], mine), (other_manager, mine), (manager, theirs), (manager, 10**9)):
        assert get(client, user, f"/subsidy/claims/{claim.pk}/statements/{pk}/").status_code == 404
    for user in (officer["JTJ"], other_manager):
        assert get(client, user, f"/subsidy/claims/{claim.pk}/accounts/").status_code == 404


def test_hostile_numbers_are_a_404_or_the_nearest_page_never_a_500(client, company, manager):
    season(company, homes=1)
    claim = submitted(manager)
    client.force_login(manager)
    for url in (f"/subsidy/claims/{claim.pk}/statements/{10**30}/", f"/subsidy/claims/{10**30}/accounts/"):
        assert client.get(url).status_code == 404
    last = client.get(f"/subsidy/claims/{claim.pk}/accounts/?page={10**30}&exceptions_page=-1")
    assert last.status_code == 200 and last.content.decode().count("<tr>") == 2 + 3 + 1
