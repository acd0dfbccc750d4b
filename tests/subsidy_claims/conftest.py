"""The demo county's bureaus with their duties, one officer each, two companies with a manager and a
clerk, and a stand-in for the season's figures until subsidy.selectors.figures is merged."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from heating.demo.county import BUREAUS
from heating.models import Role, Statement
from subsidy.services import claims as claim_services
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory

from .helpers import COST_ITEMS, EXAMPLE_11


@pytest.fixture(autouse=True)
def figures(monkeypatch):
    """Example 11's figures, except that `revenue` is the company's issued statements' amount due
    when it has any, so that a re-settlement shows in a recomputed version."""

    def season_figures(company, start_year):
        due = Statement.objects.filter(
            account__company=company, season_year=start_year, status=Statement.Status.ISSUED
        ).aggregate(due=Sum("amount_due"))["due"]
        return {**EXAMPLE_11, **({"revenue": f"{Decimal(due):.2f}"} if due is not None else {})}

    monkeypatch.setattr(claim_services, "season_figures", season_figures)
    monkeypatch.setattr(claim_services, "declared_cost_items", lambda company, start_year: dict(COST_ITEMS))


@pytest.fixture
def bureaus(db):
    return {code: BureauFactory(code=code, name=name, duties=list(duties)) for code, name, duties in BUREAUS}


@pytest.fixture
def officer(bureaus):
    """officer["CZJ"] is the finance bureau's officer, and so on for every demo bureau."""
    return {
        code: MembershipFactory(organisation=bureau, role=Role.OFFICER, user__username=f"officer_{code}").user
        for code, bureau in bureaus.items()
    }


@pytest.fixture
def company(bureaus):
    """A company in the demo county: its bureaus are there to review its claims."""
    return CompanyFactory()


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def other_company(db):
    return CompanyFactory()


@pytest.fixture
def other_manager(other_company):
    return MembershipFactory(organisation=other_company, role=Role.MANAGER).user
