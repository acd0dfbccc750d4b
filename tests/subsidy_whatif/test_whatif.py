"""The what-if re-bills a settled season under a draft and writes nothing: a draft equal to the policy
in force changes nothing, a yuan more on the residential area price changes each area-billed home by
its billing area, and (PostgreSQL) the set-based re-billing equals the engine's on accounts of every
kind."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from heating.billing import RESIDENTIAL
from heating.models import LedgerEntry, Statement
from heating.selectors.statements import breakdown_from_inputs
from subsidy.models import Claim
from subsidy.selectors.whatif import FIGURES, account_ranges, whatif_lines
from subsidy.services.whatif import whatif_compute
from tests.factories import CompanyFactory, LowIncomeCertificateFactory

from .helpers import SEASON, draft_of, in_force, make_account, pay, settle

pytestmark = pytest.mark.django_db
D = Decimal


def _county():
    """Two companies' settled homes: area-billed (some paid, one low-income), metered, non-residential."""
    from tests.settlement.helpers import season_readings

    companies = [CompanyFactory(), CompanyFactory()]
    for i, company in enumerate(companies):
        homes = [make_account(company=company, area=f"{80 + 7 * i + k}.50") for k in range(3)]
        pay(homes[0], "1680.00")
        LowIncomeCertificateFactory(account=homes[1])
        metered = make_account(company=company, metered=True, area="100.00")
        season_readings(metered, "100.000000", f"{120 + 15 * i}.000000")
        make_account(company=company, area="500.00", price_class="non_residential")
        settle(company)
    return companies


def _all_lines(policy):
    return [
        line
        for first, last, _n in account_ranges(SEASON)
        for line in whatif_lines(SEASON, first, last, policy.terms())
    ]


def _counts():
    return Statement.objects.count(), LedgerEntry.objects.count(), Claim.objects.count()


def test_a_draft_equal_to_the_policy_in_force_changes_nothing():
    _county()
    counts = _counts()
    result = whatif_compute(SEASON, [draft_of(in_force())])["policies"][0]

    assert result["accounts"] == 10 and result["same"] == 10 and result["more"] == result["less"] == 0
    assert all(line.after == line.before for line in _all_lines(draft_of(in_force(), code="草案2")))
    for row in [*result["companies"], result["county"]]:
        assert row["revenue_after"] == row["revenue_before"]
        assert row["claim_after"] == row["claim_before"]
    assert [bar["count"] for bar in result["histogram"]] == [10]
    assert all(home["change"] == "0.00" for home in result["top"])
    assert _counts() == counts


def test_a_yuan_more_on_the_residential_area_price_costs_each_area_billed_home_its_billing_area():
    _county()
    policy = in_force()
    draft = draft_of(policy, residential_area_price=policy.residential_area_price + 1)
    lines = _all_lines(draft)
    statements = {s.account_id: s for s in Statement.objects.all()}

    area_homes = [
        line
        for line in lines
        if line.price_class == RESIDENTIAL
        and line.method == "area"
        and not statements[line.account_id].inputs["low_income"]
    ]
    assert len(area_homes) == 4
    for line in area_homes:
        area = line.before[0]
        assert line.change == area
        assert line.after[4] - line.before[4] == area  # the prepayment too
    for line in lines:  # every account, metered and low-income too, as the engine bills it
        engine = breakdown_from_inputs(statements[line.account_id].inputs, draft.terms())
        assert line.after == tuple(getattr(engine, name) for name in FIGURES)


def test_the_command_prints_companies_and_the_county_and_writes_nothing():
    companies = _county()
    policy = in_force()
    draft = draft_of(policy, residential_area_price=policy.residential_area_price + 1)
    counts = _counts()
    out = StringIO()

    call_command("whatif", "2019-2020", "--policy", draft.code, stdout=out)

    data = json.loads(out.getvalue())
    assert set(data["companies"]) == {c.code for c in companies}
    for row in [*data["companies"].values(), data["county"]]:
        assert set(row) == {"accounts", "revenue_before", "revenue_after", "claim_before", "claim_after"}
        assert all(len(value.split(".")[1]) == 2 for key, value in row.items() if key != "accounts")
    assert data["county"]["accounts"] == 10
    statements = Statement.objects.all()
    assert D(data["county"]["revenue_before"]) == sum(s.amount_due for s in statements)
    assert D(data["county"]["revenue_after"]) == sum(
        breakdown_from_inputs(s.inputs, draft.terms()).amount_due for s in statements
    )
    assert _counts() == counts
