"""python manage.py settle_season COMPANY_CODE YYYY-YYYY [--preview] (CONTRACTS.md)."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from heating.models import Statement
from tests.factories import AccountFactory, CompanyFactory, PricePolicyFactory, make_account

from .helpers import pay

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("settle_season", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def company():
    company = CompanyFactory(code="DEMO9")
    for _ in range(2):
        pay(make_account(company=company), "1680.00")
    AccountFactory(company=company, number="0999999")  # no facts: an exception
    return company


def test_it_settles_and_ends_with_the_contracts_line(company):
    lines = run("DEMO9", "2019-2020")

    assert lines[-1] == "settled: 2 statements issued, 0 unchanged, 1 exceptions"
    assert any(line.startswith("exception 0999999: ") for line in lines)
    assert Statement.objects.filter(account__company=company).count() == 2


def test_running_it_again_issues_nothing(company):
    run("DEMO9", "2019-2020")

    assert run("DEMO9", "2019-2020")[-1] == "settled: 0 statements issued, 2 unchanged, 1 exceptions"


def test_a_preview_prints_the_same_line_and_issues_nothing(company):
    assert (
        run("DEMO9", "2019-2020", "--preview")[-1]
        == "settled: 2 statements issued, 0 unchanged, 1 exceptions"
    )
    assert not Statement.objects.exists()


def test_it_refuses_before_the_seasons_last_day_naming_the_day(company):
    year = timezone.localdate().year
    PricePolicyFactory(
        effective_from=datetime.date(year, 11, 15), effective_until=datetime.date(year + 1, 11, 14)
    )

    with pytest.raises(CommandError, match=f"{year + 1}-03-15"):
        run("DEMO9", f"{year}-{year + 1}")


def test_it_settles_only_the_named_companys_accounts(company):
    other = CompanyFactory(code="OTHER")
    theirs = make_account(company=other)

    run("DEMO9", "2019-2020")

    assert not Statement.objects.filter(account=theirs).exists()
    assert run("OTHER", "2019-2020")[-1] == "settled: 1 statements issued, 0 unchanged, 0 exceptions"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NOPE", "2019-2020"), "NOPE"),
        (("DEMO9", "2019-2021"), "YYYY-YYYY"),
        (("DEMO9", "2019"), "YYYY-YYYY"),
        (("DEMO9", "2030-2031"), "2031-03-15"),
    ],
)
def test_bad_arguments_are_refused_in_words(company, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
