"""`manage.py seed_demo` adds the subsidy inputs (subsidy.demo, through heating.demo.demo_seeded): a
cost declaration and connection fees per demo company and season, a real claim for DEMO1 2019-2020,
and nothing more on a second run."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from heating.demo.county import SEASONS
from heating.models import Organisation
from subsidy.demo import demo_costs
from subsidy.models import ConnectionFee, CostDeclaration

pytestmark = pytest.mark.django_db
D = Decimal


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--accounts", "60", stdout=out)
    return out.getvalue()


def test_the_demo_declares_costs_and_records_fees_for_both_companies_and_seasons():
    out = seed()
    assert "cost declarations 4, connection fees 4" in out
    for code in ("DEMO1", "DEMO2"):
        company = Organisation.objects.get(code=code)
        for year in SEASONS:
            declaration = CostDeclaration.objects.get(company=company, season_year=year)
            assert declaration.declared_by.memberships.get().organisation == company
            assert declaration.fuel > declaration.wages > declaration.other >= 0
            fee = ConnectionFee.objects.get(company=company, season_year=year)
            assert fee.amount > 0 and fee.recorded_by.username == "finance"

    claim = io.StringIO()
    call_command("claim_figures", "DEMO1", "2019-2020", stdout=claim)
    figures = json.loads(claim.getvalue())
    assert D(figures["claim"]) > 0
    assert D(figures["cost"]) > D(figures["revenue"]) > 0


def test_a_second_run_adds_nothing():
    seed()
    declarations, fees = CostDeclaration.objects.count(), ConnectionFee.objects.count()
    out = seed()
    assert "Nothing to create" in out
    assert (CostDeclaration.objects.count(), ConnectionFee.objects.count()) == (declarations, fees)


def test_the_demo_costs_add_up_in_hundreds():
    amounts = demo_costs(D("1000000.00"))
    assert sum(amounts.values()) == D("1180000.00")
    assert all(v == v.quantize(D("100")) and v >= 0 for v in amounts.values())
    assert amounts["fuel"] == D("660800.00")
