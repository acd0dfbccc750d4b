"""A season's settlement runs as a job of account chunks that workers share (heating.services.jobs):
the portal's button and `settle_season` start the same job."""
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from heating.models import Job, Role, Statement
from heating.services import settlement_runs
from heating.services.jobs import JobActive, job_run
from heating.services.settlement_runs import settlement_result, settlement_start
from tests.factories import AccountFactory, CompanyFactory, MembershipFactory, make_account

from .helpers import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(monkeypatch):
    monkeypatch.setattr(settlement_runs, "CHUNK", 2)
    company = CompanyFactory(code="DEMO9")
    for _ in range(3):
        pay(make_account(company=company), "1680.00")
    AccountFactory(company=company, number="0999999")  # no facts: an exception
    return company


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


def test_a_settlement_job_has_a_slot_per_chunk_and_settles_them_all(company, manager):
    job = settlement_start(company=company, start_year=2019, user=manager)

    assert (job.kind, job.total, job.slots.count(), job.started_by) == ("season_settle", 4, 2, manager)
    job = job_run(job.pk)

    assert job.state == Job.State.DONE and job.done == 4
    result = settlement_result(job)
    assert (result.issued, result.unchanged) == (3, 0)
    assert [e.number for e in result.exceptions] == ["0999999"]
    assert Statement.objects.filter(account__company=company).count() == 3


def test_a_second_settlement_of_the_season_while_one_runs_is_that_one(company, manager):
    first = settlement_start(company=company, start_year=2019, user=manager)

    with pytest.raises(JobActive) as active:
        settlement_start(company=company, start_year=2019, user=manager)

    assert active.value.job == first


def test_only_the_companys_manager_starts_it(company):
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    other = MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user

    for user in (clerk, other):
        with pytest.raises(PermissionDenied):
            settlement_start(company=company, start_year=2019, user=user)
    assert not Job.objects.exists()


def test_the_command_settles_through_a_job_and_a_rerun_issues_nothing(company):
    out = StringIO()
    call_command("settle_season", "DEMO9", "2019-2020", stdout=out)
    call_command("settle_season", "DEMO9", "2019-2020", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines.count("settled: 3 statements issued, 0 unchanged, 1 exceptions") == 1
    assert lines[-1] == "settled: 0 statements issued, 3 unchanged, 1 exceptions"
    assert list(Job.objects.filter(kind="season_settle").values_list("kind", "state", "started_by")) == [
        ("season_settle", Job.State.DONE, None)
    ] * 2
