"""People and inputs for the subsidy tests: a company's manager, the finance bureau's officer, the
accounts of POLICY.md §9 example 11."""

import datetime
from decimal import Decimal

from heating.models import Duty, Role
from subsidy.models import COST_CATEGORIES
from subsidy.services.costs import cost_declare
from subsidy.services.fees import connection_fee_correct, connection_fee_record
from tests.factories import BureauFactory, LowIncomeCertificateFactory, MembershipFactory, make_account
from tests.settlement.helpers import pay, season_readings

D = Decimal


def manager_of(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


def finance_officer():
    bureau = BureauFactory(duties=[Duty.SUBSIDY_LEAD, Duty.SUBSIDY_APPROVE])
    return MembershipFactory(organisation=bureau, role=Role.OFFICER).user


def costs(total: str = "0.00", **amounts: str) -> dict[str, Decimal]:
    """Every category, `fuel` carrying `total` unless amounts are named."""
    values = {name: D("0.00") for name, _label in COST_CATEGORIES}
    values["fuel"] = D(total)
    values.update({name: D(v) for name, v in amounts.items()})
    return values


def declare(company, season, total, user=None):
    return cost_declare(
        company=company, start_year=season, user=user or manager_of(company), amounts=costs(total)
    )


def return_fees(company, season, amount, user=None):
    return connection_fee_record(
        company=company,
        start_year=season,
        amount=D(amount),
        returned_on=datetime.date(season + 1, 6, 30),
        user=user or finance_officer(),
    )


def subsidy_inputs(company, season=2019):
    """A declaration replaced by another, and returned fees with a correction."""
    manager = manager_of(company)
    declare(company, season, "1000.00", manager)
    declare(company, season, "1200.00", manager)
    finance = finance_officer()
    fee = return_fees(company, season, "500.00", finance)
    connection_fee_correct(fee=fee, amount=D("100.00"), reason="多登记", user=finance)


def example_11_accounts(company):
    """POLICY.md §9 accounts #3, #5, #6 and #7, each paid its prepayment, not settled yet."""
    third = make_account(company=company, metered=True, area="100.00")
    season_readings(third, "100.000000", "120.000000")  # 20 GJ
    fifth = make_account(company=company, metered=True, area="100.00")
    season_readings(fifth, "100.000000", "160.000000")  # 60 GJ: past the cap
    sixth = make_account(company=company, metered=True, area="100.00")
    season_readings(sixth, "100.000000", "120.000000")
    LowIncomeCertificateFactory(account=sixth)
    seventh = make_account(company=company, area="500.00", price_class="non_residential")
    for account, prepaid in (
        (third, "2100.00"),
        (fifth, "2100.00"),
        (sixth, "1575.00"),
        (seventh, "17500.00"),
    ):
        pay(account, prepaid)
    return third, fifth, sixth, seventh
