"""A generated season of one company, settled through the services: clean (every statement as the
policy gives it, every refund paid before the deadline) or with one planted violation of each kind."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from heating.models import Account, LedgerEntry, Refund, Role, Statement
from heating.models.orgs import Duty
from heating.selectors.policy import policy_for_season
from heating.selectors.statements import breakdown_from_inputs, current_inputs, figures
from heating.services.jobs import job_run
from heating.services.refunds import refunds_mark_paid, refunds_open_for_season
from supervision.services.check_job import check_start
from tests.factories import BureauFactory, LowIncomeCertificateFactory, MembershipFactory, aware, make_account
from tests.settlement.helpers import SEASON, pay, settle

DEADLINE = datetime.date(2020, 6, 30)
D = Decimal


@dataclass
class Planted:
    fee: Account
    prepayment: Account
    refund: Account
    low_income: Account


def market_bureau():
    bureau = BureauFactory(duties=[Duty.PRICE_SUPERVISION])
    return bureau, MembershipFactory(organisation=bureau, role=Role.OFFICER).user


def season(company, *, plant: bool, homes: int = 6) -> Planted | None:
    """`homes` ordinary households (some overpaying, so refunds are owed and paid in time, one
    low-income with its certificate approved before settlement), and with `plant` four more, one per
    kind of violation."""
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    ordinary = [make_account(company=company, area=f"{80 + i}.00") for i in range(homes)]
    for i, home in enumerate(ordinary):
        pay(home, "3000.00" if i % 2 else "1000.00")
    LowIncomeCertificateFactory(account=ordinary[0])
    metered = make_account(company=company, metered=True, area="100.00")
    pay(metered, "2100.00")
    from tests.settlement.helpers import season_readings

    season_readings(metered)
    planted = None
    if plant:
        planted = Planted(*(make_account(company=company) for _ in range(4)))
        # The company charged a prepayment above the area fee (80 m² × 21 = 1680) and collected it.
        LedgerEntry.objects.create(
            account=planted.prepayment,
            season_year=SEASON,
            kind=LedgerEntry.Kind.PREPAYMENT_DUE,
            amount=D("1980.00"),
        )
        pay(planted.prepayment, "1980.00")
        pay(planted.refund, "2500.00")
        pay(planted.fee, "1680.00")
        pay(planted.low_income, "1680.00")
    settle(company, *[a for a in Account.objects.filter(company=company) if not plant or a != planted.fee])
    if plant:
        _issue_overcharged(planted.fee, D("200.00"))
        # Approved after its season was settled, and never re-settled: charged the full rate.
        LowIncomeCertificateFactory(account=planted.low_income, decided_at=aware(2020, 4, 1))
    refunds_open_for_season(company=company, start_year=SEASON, user=manager)
    on_time = Refund.objects.filter(account__company=company, kind=Refund.Kind.REFUND)
    if plant:
        on_time = on_time.exclude(account=planted.refund)
    refunds_mark_paid(
        refund_ids=list(on_time.values_list("id", flat=True)),
        bank_reference="B1",
        paid_on=datetime.date(2020, 5, 1),
        user=manager,
    )
    return planted


def _issue_overcharged(account, by: Decimal) -> Statement:
    """A statement whose stored inputs are right but whose fee is `by` above what they give."""
    policy = policy_for_season(SEASON)
    _, inputs = current_inputs([account], SEASON)
    right = figures(breakdown_from_inputs(inputs[account.id], policy.terms()))
    right["amount_due"] += by
    right["gross_fee"] += by
    right["heating_fee"] += by
    return Statement.objects.create(
        account=account, season_year=SEASON, version=1, policy=policy, inputs=inputs[account.id], **right
    )


def run_check(bureau, user, company=None, deadline=DEADLINE):
    check = check_start(bureau=bureau, company=company, start_year=SEASON, deadline=deadline, user=user)
    job_run(check.job_id)
    check.refresh_from_db()
    return check


def heating_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Statement, LedgerEntry, Refund)}
