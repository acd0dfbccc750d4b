"""The settlement pages: the company's manager previews and starts a season's settlement and watches
its job; clerks see the state but start nothing; everyone else is refused. Exceptions link to where
they are fixed, and the re-settlement page sets a changed account's old and new figures side by side."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from heating.models import Job, LedgerEntry, Role, Statement
from heating.services.jobs import job_run
from heating.services.settlement_runs import settlement_start
from heating.templatetags.portal import person_name
from tests.factories import (
    AccountFactory,
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    MembershipFactory,
    PricePolicyFactory,
    UserFactory,
    aware,
    make_account,
)

from .helpers import homes_with_exceptions, read

pytestmark = pytest.mark.django_db
SEASON = "2019-2020"


@pytest.fixture
def company():
    return CompanyFactory(code="DEMO9")


@pytest.fixture
def homes(company):
    return homes_with_exceptions(company)


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER, user=UserFactory(username="mgr")).user


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def queued(monkeypatch):
    """No worker takes what settlement_start queues: the test runs the job itself."""
    ids = []
    monkeypatch.setattr("heating.tasks.jobs_run.delay", ids.append)
    return ids


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def url(name, season=SEASON):
    return reverse(name) + f"?season={season}"


def start(client, django_capture_on_commit_callbacks, season=SEASON):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("settlement-start"), {"season": season}, follow=True)


def test_the_manager_sees_the_seasons_state_and_both_buttons(homes, manager):
    page = signed_in(manager).get(url("settlement")).content.decode()

    assert "2019-2020 供暖季结算" in page
    assert '<dt>账户</dt><dd>5</dd>' in page and "<dt>已出具的结算单</dt><dd>0</dd>" in page
    assert "预览</button>" in page and "开始结算</button>" in page
    assert '<option value="2019-2020" selected>' in page and '<option value="2020-2021"' in page


def test_a_clerk_sees_the_state_but_can_neither_preview_nor_start(homes, clerk, queued):
    client = signed_in(clerk)
    page = client.get(url("settlement")).content.decode()

    assert "<dt>账户</dt><dd>5</dd>" in page and "只有本企业的经理可以预览和开始结算" in page
    assert "预览</button>" not in page and "开始结算</button>" not in page
    assert client.post(reverse("settlement-start"), {"season": SEASON}).status_code == 403
    assert client.post(reverse("settlement-preview"), {"season": SEASON}).status_code == 403
    assert client.get(url("resettlement")).status_code == 200
    assert not Job.objects.exists() and queued == []


@pytest.mark.parametrize("who", ["resident", "officer"])
@pytest.mark.parametrize("name", ["settlement", "resettlement"])
def test_residents_and_bureau_officers_are_refused(homes, who, name):
    user = UserFactory()
    if who == "officer":
        MembershipFactory(user=user, organisation=BureauFactory(), role=Role.OFFICER)
    client = signed_in(user)

    assert client.get(url(name)).status_code == 403
    assert client.post(reverse("settlement-start"), {"season": SEASON}).status_code == 403


def test_anonymous_is_sent_to_sign_in(homes):
    response = Client().get(url("settlement"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_companys_manager_sees_and_settles_only_their_own(
    homes, manager, queued, django_capture_on_commit_callbacks
):
    ours = start(signed_in(manager), django_capture_on_commit_callbacks)
    assert ours.status_code == 200
    theirs = CompanyFactory(code="OTHER")
    make_account(company=theirs)
    other = signed_in(MembershipFactory(organisation=theirs, role=Role.MANAGER).user)

    page = other.get(url("settlement")).content.decode()
    assert "<dt>账户</dt><dd>1</dd>" in page and "data-job-progress" not in page
    mine = Job.objects.get()
    assert other.get(reverse("job-progress", args=[mine.pk])).status_code == 404

    start(other, django_capture_on_commit_callbacks)
    assert sorted(Job.objects.values_list("company__code", flat=True)) == ["DEMO9", "OTHER"]


def test_a_preview_shows_the_counts_and_exceptions_and_writes_nothing(homes, manager):
    entries = list(LedgerEntry.objects.values_list("id", flat=True))  # the payments'

    response = signed_in(manager).post(reverse("settlement-preview"), {"season": SEASON})

    page = response.content.decode()
    assert response.status_code == 200 and "预览结果（未出具任何结算单）" in page
    assert "<dt>将出具结算单</dt><dd>3</dd>" in page and "<dt>异常（暂不能结算）</dt><dd>2</dd>" in page
    assert "0999999" in page and "待复核" in page
    assert not Statement.objects.exists() and not Job.objects.exists()
    assert list(LedgerEntry.objects.values_list("id", flat=True)) == entries


def test_start_queues_one_job_shown_with_its_bar_and_a_second_start_says_it_runs(
    homes, manager, queued, django_capture_on_commit_callbacks
):
    client = signed_in(manager)

    page = start(client, django_capture_on_commit_callbacks).content.decode()

    job = Job.objects.get()
    assert queued == [job.pk] and (job.kind, job.started_by, job.total) == ("season_settle", manager, 5)
    assert "已开始结算" in page and f'data-job-progress="/jobs/{job.pk}/progress"' in page
    assert 'data-job-state="queued"' in page and "<progress" in page
    assert f"由 {person_name(manager)} 于" in page
    assert "开始结算</button>" not in page and "预览</button>" not in page
    again = start(client, django_capture_on_commit_callbacks).content.decode()
    assert "该供暖季的结算已在进行中，请在本页查看进度。" in again
    assert Job.objects.count() == 1 and queued == [job.pk]
    assert 'data-job-state="queued"' in client.get(url("settlement")).content.decode()


def test_a_finished_job_shows_its_counts_and_exceptions_with_where_to_fix_them(
    homes, manager, queued, django_capture_on_commit_callbacks
):
    _homes, metered, bare = homes
    client = signed_in(manager)
    start(client, django_capture_on_commit_callbacks)
    job_run(queued[0])

    page = client.get(url("settlement")).content.decode()

    assert 'data-job-state="done"' in page and "最近一次结算的结果" in page
    assert "<dt>出具结算单</dt><dd>3</dd>" in page and "<dt>异常（暂不能结算）</dt><dd>2</dd>" in page
    assert "<dt>已出具的结算单</dt><dd>3</dd>" in page
    serial = metered.meters.get().serial
    assert f'href="{reverse("meter-detail", args=[serial])}"' in page
    assert "账户资料须由系统管理员在后台修改。" in page  # a manager without the back office
    manager.is_staff = True
    manager.save()
    page = client.get(url("settlement")).content.decode()
    assert f'href="{reverse("admin:heating_account_change", args=[bare.pk])}"' in page
    assert "开始结算</button>" in page  # a rerun issues nothing new, and re-settles what changed


def test_before_the_seasons_last_day_start_is_refused_in_words_and_only_preview_is_offered(
    company, manager, queued, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    PricePolicyFactory(
        effective_from=datetime.date(year, 11, 15), effective_until=datetime.date(year + 1, 11, 14)
    )
    make_account(company=company, from_year=year)
    client = signed_in(manager)
    season = f"{year}-{year + 1}"

    page = client.get(url("settlement", season)).content.decode()
    assert f"{year + 1}-03-15" in page and "可先预览" in page
    assert "预览</button>" in page and "开始结算</button>" not in page

    refused = start(client, django_capture_on_commit_callbacks, season).content.decode()
    assert f"{year + 1}-03-15" in refused and not Job.objects.exists()
    preview = client.post(reverse("settlement-preview"), {"season": season}).content.decode()
    assert "<dt>将出具结算单</dt><dd>1</dd>" in preview and not Statement.objects.exists()


@pytest.mark.parametrize("season", ["abc", "2019-2021", "2030-2031", "0000-0001", "9" * 500])
@pytest.mark.parametrize("name", ["settlement", "resettlement"])
def test_a_bad_or_unpriced_season_is_refused_in_words(manager, season, name):
    response = signed_in(manager).get(url(name, season))

    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()


def test_the_resettle_page_shows_old_and_new_after_an_area_decision_and_resettles_only_that_one(
    homes, manager, queued, django_capture_on_commit_callbacks
):
    first, *_rest = homes[0]
    client = signed_in(manager)
    start(client, django_capture_on_commit_callbacks)
    job_run(queued[0])
    assert "没有需要重新结算的账户" in client.get(url("resettlement")).content.decode()

    AreaDecisionFactory(account=first, from_year=2019, area="60.00", decided_at=timezone.now())

    assert '<a id="resettle-link" href="/company/settlement/resettle/?season=2019-2020">1 户</a>' in (
        client.get(url("settlement")).content.decode()
    )
    page = client.get(url("resettlement")).content.decode()
    assert first.number in page and "面积认定：无 → 60.00" in page
    assert '<th scope="row">实际应缴</th><td class="money">1680.00</td><td class="money">1260.00</td>' in page
    assert '<th scope="row">应退费</th><td class="money">0.00</td><td class="money">420.00</td>' in page
    assert "重新结算</button>" in page

    start(client, django_capture_on_commit_callbacks)
    job = Job.objects.latest("id")
    job_run(job.pk)

    page = client.get(url("settlement")).content.decode()
    assert "<dt>出具结算单</dt><dd>1</dd>" in page and "<dt>依据未变、无需出具</dt><dd>2</dd>" in page
    assert Statement.objects.get(account=first, status=Statement.Status.ISSUED).version == 2


def test_a_clerk_sees_the_resettlements_but_no_button(
    homes, manager, clerk, queued, django_capture_on_commit_callbacks
):
    start(signed_in(manager), django_capture_on_commit_callbacks)
    job_run(queued[0])
    AreaDecisionFactory(account=homes[0][0], from_year=2019, area="60.00", decided_at=timezone.now())

    page = signed_in(clerk).get(url("resettlement")).content.decode()

    assert "面积认定：无 → 60.00" in page and "重新结算</button>" not in page


def settled_company(code, accounts):
    """A company settled by a job, with as many exceptions as settled homes (half of them a meter's),
    then every home given an area decision: all listed for re-settling."""
    company = CompanyFactory(code=code)
    user = MembershipFactory(organisation=company, role=Role.MANAGER).user
    homes, _metered, _bare = homes_with_exceptions(company, accounts)
    for _ in range(accounts // 2):
        AccountFactory(company=company)
        read(make_account(company=company, metered=True), aware(2019, 11, 15, 8), "1.000000")
    job_run(settlement_start(company=company, start_year=2019, user=user).pk)
    for home in homes:
        AreaDecisionFactory(account=home, from_year=2019, area="60.00", decided_at=timezone.now())
    return signed_in(user)


@pytest.mark.parametrize("name", ["settlement", "resettlement"])
def test_the_pages_queries_do_not_grow_with_the_accounts(queued, name):
    counts = []
    for code, accounts in (("SMALL", 2), ("LARGE", 12)):
        client = settled_company(code, accounts)
        client.get(url(name))  # the session and the policy's first read out of the way
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name))
        assert response.status_code == 200
        assert response.content.decode().count("/company/meters/") >= (accounts // 2) * (name == "settlement")
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_overview_and_the_managers_navigation_link_to_the_settlement(homes, manager, clerk):
    link = f'href="{reverse("settlement")}"'

    assert link in signed_in(manager).get(reverse("company-overview")).content.decode()
    assert link in signed_in(manager).get(reverse("reading-entry")).content.decode()
    assert link not in signed_in(clerk).get(reverse("reading-entry")).content.decode()
