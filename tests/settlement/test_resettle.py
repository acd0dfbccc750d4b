"""Re-settlement (POLICY.md §11): every change of §11's list made after settlement leaves the issued
statement as it was, lists the account, and re-settling issues a version that supersedes it, names
why, and puts only the difference in the ledger — also when the first refund was already paid, and
with a credit to the next season counted once."""

import datetime

import pytest
from django.utils import timezone

from heating.billing import INSTITUTION, NON_RESIDENTIAL
from heating.models import AccountTerms, Duty, InstitutionApproval, LedgerEntry, Payment, Role, Statement
from heating.models.statements import FIGURES
from heating.selectors.ledger import balance, money_held
from heating.selectors.statements import recompute, resettlements_due
from heating.services.decisions import institution_decide
from heating.services.payments import refund_record
from heating.services.reading_review import reading_correct, reading_void
from tests.factories import (
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    UserFactory,
    aware,
    make_account,
)

from .helpers import SEASON, D, pay, read, season_readings, settle

pytestmark = pytest.mark.django_db


def snapshot(statement):
    statement.refresh_from_db()
    return (statement.status, statement.inputs, {name: getattr(statement, name) for name in FIGURES})


def metered_home(company, closing="120.000000"):
    """100 m², metered: 20 GJ × 45 = 900.00 due against 2100.00 prepaid."""
    account = make_account(area="100.00", metered=True, company=company)
    season_readings(account, "100.000000", closing)
    pay(account, "2100.00")
    return account


def backfill_a_reading(account):
    # The closing reading is the last day's latest: one back-filled later that day replaces it.
    read(account, aware(2020, 3, 15, 20), "125.000000", created_at=timezone.now())
    return {"heat_gj", "readings"}


def void_the_closing_reading(account):
    read(account, aware(2020, 3, 16, 8), "130.000000")
    closing = account.meters.get().readings.get(read_at=aware(2020, 3, 15, 8))
    reading_void(reading=closing, user=UserFactory(), reason="表计故障")
    return {"heat_gj", "readings"}


def correct_the_closing_reading(account):
    closing = account.meters.get().readings.get(read_at=aware(2020, 3, 15, 8))
    reading_correct(reading=closing, user=UserFactory(), value=D("118.000000"), reason="抄错")
    return {"heat_gj", "readings"}


def decide_the_area(account):
    # 30 m²: the cap (630.00) now takes the 900.00 of metered heat.
    AreaDecisionFactory(account=account, from_year=SEASON, area=D("30.00"), decided_at=timezone.now())
    return {"area_decision"}


def approve_low_income(account):
    # Counted because settlement leaves Season.settled_at alone (the facts' as_of cut is the clock);
    # with the `homes` change (no as_of cut at all) a late approval counts the same way (POLICY.md §5).
    LowIncomeCertificateFactory(account=account, decided_at=timezone.now())
    return {"low_income"}


def edit_the_terms(account):
    AccountTerms.objects.filter(account=account, from_year=SEASON).update(price_class=NON_RESIDENTIAL)
    account.premises.parts.update(kind="building")
    return {"price_class", "parts"}


CHANGES = [
    backfill_a_reading,
    void_the_closing_reading,
    correct_the_closing_reading,
    decide_the_area,
    approve_low_income,
    edit_the_terms,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_a_change_after_settlement_lists_the_account_and_resettling_records_the_difference(change):
    company = CompanyFactory()
    account = metered_home(company)
    untouched = metered_home(company)
    settle(company)
    first = account.statements.get()
    before = snapshot(first)

    changed = change(account)

    assert snapshot(first) == before
    assert recompute(first) == before[2]
    listed = resettlements_due(company, SEASON)
    assert [r.account for r in listed] == [account]
    assert set(listed[0].changed) == changed
    assert listed[0].old_figures == before[2]

    result = settle(company)

    assert (result.issued, result.unchanged) == (1, 1)
    second = account.statements.get(version=2)
    first.refresh_from_db()
    assert (first.status, second.status, second.supersedes) == ("superseded", "issued", first)
    assert second.reason
    assert {name: getattr(second, name) for name in FIGURES} == listed[0].new_figures
    assert recompute(second) == listed[0].new_figures
    difference = LedgerEntry.objects.get(statement=second)
    assert difference.amount == second.amount_due - first.amount_due != 0
    assert balance(account.id, SEASON) == second.balance_due - second.refund
    assert resettlements_due(company, SEASON) == []
    assert settle(company).issued == 0
    assert untouched.statements.get().version == 1


def test_an_institution_approved_after_settlement_gets_the_residential_price_by_resettlement():
    company = CompanyFactory()
    school = make_account(area="800.00", price_class=INSTITUTION, company=company)
    InstitutionApproval.objects.create(account=school, category="school", from_year=SEASON)
    pay(school, "28000.00")  # 800 × 35.00: billed non-residential until approved
    settle(company)
    first = school.statements.get()
    assert first.amount_due == D("28000.00")

    officer = MembershipFactory(
        organisation=BureauFactory(duties=[Duty.ELIGIBILITY_EDUCATION]), role=Role.OFFICER
    ).user
    institution_decide(user=officer, approval_id=school.institution_approvals.get().id, approve=True)

    assert [r.changed for r in resettlements_due(company, SEASON)] == [("price_class",)]
    settle(company)
    second = school.statements.get(status="issued")
    assert "价格类别" in second.reason and "institution" in second.reason
    assert second.amount_due == D("16800.00")  # 800 × 21.00
    assert balance(school.id, SEASON) == D("-11200.00")  # a further refund owed


def test_a_refund_already_paid_leaves_only_the_further_refund_owed():
    company = CompanyFactory()
    account = metered_home(company)
    settle(company)
    refund_record(account=account, season_year=SEASON, amount=D("1200.00"))
    assert balance(account.id, SEASON) == D("0.00")

    approve_low_income(account)
    settle(company)

    second = account.statements.get(status="issued")
    assert second.reason == "困难群体：否 → 是"
    # 900.00 × 75% = 675.00 due; 900.00 is held after the refund paid: 225.00 more to refund.
    assert (second.amount_due, second.inputs["prepaid"], second.refund) == (
        D("675.00"),
        "900.00",
        D("225.00"),
    )
    assert LedgerEntry.objects.get(statement=second).amount == D("-225.00")
    assert balance(account.id, SEASON) == D("-225.00")


def test_a_supplement_after_a_paid_refund_is_owed_by_the_household():
    company = CompanyFactory()
    account = metered_home(company)
    settle(company)
    refund_record(account=account, season_year=SEASON, amount=D("1200.00"))

    backfill_a_reading(account)  # 25 GJ: 1125.00 due
    settle(company)

    second = account.statements.get(status="issued")
    assert second.reason == "用热量（GJ）：20.000000 → 25.000000；抄表读数有变更"
    assert (second.amount_due, second.balance_due) == (D("1125.00"), D("225.00"))
    assert balance(account.id, SEASON) == D("225.00")


def test_a_credit_to_the_next_season_is_counted_once_through_resettlement():
    company = CompanyFactory()
    account = metered_home(company)
    settle(company)
    pay(account, "1200.00", season=2020, channel=Payment.Channel.CREDIT, paid_on=datetime.date(2020, 4, 1))

    approve_low_income(account)
    settle(company)

    second = account.statements.get(status="issued")
    assert second.refund == D("225.00")
    assert balance(account.id, SEASON) == D("-225.00")
    assert money_held([account.id], 2020) == {account.id: D("1200.00")}


def test_money_received_after_settlement_is_not_a_change_of_the_bill():
    company = CompanyFactory()
    account = make_account(company=company)
    pay(account, "1000.00")
    settle(company)

    pay(account, "680.00")

    assert resettlements_due(company, SEASON) == []
    assert settle(company).issued == 0
    assert balance(account.id, SEASON) == D("0.00")
    assert Statement.objects.get().balance_due == D("680.00")


def test_a_voided_endpoint_with_nothing_in_its_place_lists_the_account_with_the_problem():
    company = CompanyFactory()
    account = metered_home(company)
    settle(company)
    first = account.statements.get()
    before = snapshot(first)
    closing = account.meters.get().readings.get(read_at=aware(2020, 3, 15, 8))
    reading_void(reading=closing, user=UserFactory(), reason="表计故障")

    [listed] = resettlements_due(company, SEASON)

    assert (listed.account, listed.new_inputs, listed.new_figures) == (account, None, None)
    assert "期末读数" in listed.problem
    result = settle(company)
    assert (result.issued, [e.number for e in result.exceptions]) == (0, [account.number])
    assert snapshot(first) == before
