"""A season's bills from the database (heating/selectors/bills.py): the recorded facts, the heat used
from readings, the money received for the season and the policy in force, through the same engine
the quote API uses (POLICY.md §4–§7, §9)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.billing import (
    AREA,
    BUILDING,
    FLAT,
    METERED,
    NON_RESIDENTIAL,
    RESIDENTIAL,
    AccountFacts,
    Part,
    bill,
)
from heating.models import Account, Reading
from heating.selectors.bills import season_bills
from heating.selectors.policy import NoPolicyInForce, policy_for_season

from .factories import (
    AccountFactory,
    AccountTermsFactory,
    LowIncomeCertificateFactory,
    MeterFactory,
    PaymentFactory,
    ReadingFactory,
    aware,
    make_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
SEASON = 2019


def read(account, at, value, **fields):
    return ReadingFactory(meter=account.meters.get(), read_at=at, value_gj=D(value), **fields)


def season_readings(account, opening, closing, **closing_fields):
    read(account, aware(2019, 11, 15, 8), opening)
    read(account, aware(2020, 3, 15, 8), closing, **closing_fields)


def pay(account, amount, season=SEASON, **fields):
    return PaymentFactory(account=account, season_year=season, amount=D(amount), **fields)


@pytest.fixture
def terms():
    return policy_for_season(SEASON).terms()


# The mix ----------------------------------------------------------------------------------------


def _mix():
    """An area flat, a metered flat with Q, a metered flat without a closing reading, a metered
    non-residential building, and an account with no terms for the season; some payments."""
    area = make_account(area="80.00")
    pay(area, "1000.00")
    pay(area, "680.00")

    metered = make_account(area="100.00", metered=True)
    season_readings(metered, "1000.000", "1020.000")
    pay(metered, "2100.00")

    exception = make_account(area="90.00", metered=True)
    read(exception, aware(2019, 11, 15, 8), "500")
    pay(exception, "1890.00")

    business = make_account(area="500.00", price_class=NON_RESIDENTIAL, metered=True)
    season_readings(business, "10", "310")
    pay(business, "17500.00")

    no_facts = make_account(area="70.00", from_year=2020)  # terms only from the next season
    pay(no_facts, "1470.00")
    return area, metered, exception, business, no_facts


WHOLE_SEASON = {"days_open": 122, "season_days": 122}  # 2019-2020, open every day
EXPECTED_FACTS = {
    "area": AccountFacts(RESIDENTIAL, AREA, (Part(FLAT, D("80.00")),), **WHOLE_SEASON),
    "metered": AccountFacts(RESIDENTIAL, METERED, (Part(FLAT, D("100.00")),), **WHOLE_SEASON),
    "exception": AccountFacts(RESIDENTIAL, METERED, (Part(FLAT, D("90.00")),), **WHOLE_SEASON),
    "business": AccountFacts(NON_RESIDENTIAL, METERED, (Part(BUILDING, D("500.00")),), **WHOLE_SEASON),
}


def test_bills_for_a_mix_equal_the_engine_called_directly(terms):
    area, metered, exception, business, no_facts = _mix()
    bills = season_bills([area, metered, exception, business, no_facts], SEASON)
    assert set(bills) == {a.id for a in (area, metered, exception, business, no_facts)}

    expected = {
        area.id: (EXPECTED_FACTS["area"], None, D("1680.00")),
        metered.id: (EXPECTED_FACTS["metered"], D("20"), D("2100.00")),
        business.id: (EXPECTED_FACTS["business"], D("300"), D("17500.00")),
    }
    for account_id, (facts, heat, prepaid) in expected.items():
        season_bill = bills[account_id]
        assert season_bill.facts == facts
        assert season_bill.prepaid == prepaid
        assert not season_bill.is_exception
        assert season_bill.breakdown == bill(facts, terms, heat_gj=heat, prepaid=prepaid)
        if heat is None:
            assert season_bill.usage is None
        else:
            assert season_bill.usage.heat_gj == heat

    # §9 #1 and #8 by the way
    assert bills[area.id].breakdown.amount_due == D("1680.00")
    assert (bills[business.id].breakdown.amount_due, bills[business.id].breakdown.balance_due) == (
        D("18900.00"),
        D("1400.00"),
    )

    missing_closing = bills[exception.id]
    assert missing_closing.is_exception and missing_closing.breakdown is None
    assert missing_closing.facts == EXPECTED_FACTS["exception"]
    assert missing_closing.prepaid == D("1890.00")
    assert [p.code for p in missing_closing.usage.problems] == ["no_closing"]

    nothing = bills[no_facts.id]
    assert nothing.is_exception
    assert (nothing.facts, nothing.usage, nothing.breakdown) == (None, None, None)
    assert nothing.prepaid == D("1470.00")


def test_prepaid_is_the_sum_of_the_payments_for_the_season_only(terms):
    account = make_account(area="80.00")
    other = make_account(area="80.00")
    pay(account, "1000.00")
    pay(account, "500.00", channel="bank")
    pay(account, "180.00", channel="credit")
    pay(account, "999.00", season=2018)
    pay(account, "777.00", season=2020)
    pay(other, "50.00")
    bills = season_bills([account, other], SEASON)
    assert bills[account.id].prepaid == D("1680.00")
    assert bills[account.id].breakdown.prepaid == D("1680.00")
    assert bills[account.id].breakdown.refund == D("0.00")
    assert bills[other.id].prepaid == D("50.00")
    assert bills[other.id].breakdown.balance_due == D("1630.00")


def test_no_payment_is_nothing_prepaid():
    account = make_account(area="80.00")
    season_bill = season_bills([account], SEASON)[account.id]
    assert season_bill.prepaid == D("0.00")
    assert season_bill.breakdown.balance_due == D("1680.00")


def test_policy_example_3_end_to_end():
    """§9 #3: residential, metered, 100 m², Q 20 GJ (1000.000 → 1020.000), paid 2100.00."""
    account = make_account(area="100.00", metered=True)
    season_readings(account, "1000.000", "1020.000")
    pay(account, "2100.00")
    breakdown = season_bills([account], SEASON)[account.id].breakdown
    shown = {
        name: str(getattr(breakdown, name))
        for name in ("basic_fee", "metered_fee", "cap", "heating_fee", "amount_due", "prepayment", "refund")
    }
    assert shown == {
        "basic_fee": "630.00",
        "metered_fee": "900.00",
        "cap": "2100.00",
        "heating_fee": "900.00",
        "amount_due": "900.00",
        "prepayment": "2100.00",
        "refund": "1200.00",
    }
    assert breakdown.balance_due == D("0.00")


def test_policy_example_6_end_to_end():
    """§9 #6: example 3 for a household with an approved low-income certificate."""
    account = make_account(area="100.00", metered=True)
    LowIncomeCertificateFactory(account=account)
    season_readings(account, "1000.000", "1020.000")
    pay(account, "1575.00")
    season_bill = season_bills([account], SEASON)[account.id]
    assert season_bill.facts.low_income
    breakdown = season_bill.breakdown
    assert (breakdown.amount_due, breakdown.low_income_discount) == (D("675.00"), D("225.00"))
    assert (breakdown.prepayment, breakdown.refund) == (D("1575.00"), D("900.00"))


def test_a_certificate_approved_after_the_season_counts_for_it():
    # POLICY.md §5: a late approval corrects the season; statements (§11) keep what was settled.
    account = make_account(area="100.00", metered=True)
    LowIncomeCertificateFactory(account=account, decided_at=aware(2020, 5, 1))
    season_readings(account, "1000.000", "1020.000")
    pay(account, "2100.00")

    assert season_bills([account], SEASON)[account.id].breakdown.refund == D("1425.00")  # 2100 − 900 × 75%


def test_an_estimated_closing_makes_an_exception_until_confirmed():
    account = make_account(area="100.00", metered=True)
    season_readings(account, "1000", "1020", kind=Reading.Kind.ESTIMATED)
    assert season_bills([account], SEASON)[account.id].is_exception
    Reading.objects.filter(kind=Reading.Kind.ESTIMATED).update(confirmed=True)
    assert season_bills([account], SEASON)[account.id].breakdown.amount_due == D("900.00")


def test_a_meter_replaced_during_the_season_is_billed_on_both_spans():
    account = make_account(area="100.00", metered=True)
    old = account.meters.get()
    old.removed_on = datetime.date(2020, 1, 10)
    old.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    ReadingFactory(meter=old, read_at=aware(2019, 11, 15, 8), value_gj=D("1000"))
    ReadingFactory(meter=old, read_at=aware(2020, 1, 10, 9), value_gj=D("1012"), kind=Reading.Kind.EXCHANGE)
    ReadingFactory(meter=new, read_at=aware(2020, 1, 10, 10), value_gj=D("0"), kind=Reading.Kind.EXCHANGE)
    ReadingFactory(meter=new, read_at=aware(2020, 3, 15, 8), value_gj=D("8"))
    breakdown = season_bills([account], SEASON)[account.id].breakdown
    assert (breakdown.metered_fee, breakdown.heating_fee) == (D("900.00"), D("900.00"))


def test_an_account_the_engine_cannot_bill_is_an_exception_not_a_failed_run():
    """Terms for the season but no heated part: one bad account must not stop the others' bills."""
    broken = AccountFactory()
    AccountTermsFactory(account=broken)
    good = make_account(area="80.00")
    bills = season_bills([broken, good], SEASON)
    assert bills[broken.id].is_exception
    assert "parts" in bills[broken.id].problem
    assert bills[good.id].breakdown.amount_due == D("1680.00")
    assert bills[good.id].problem is None


def test_a_season_without_a_policy_names_the_date():
    account = make_account(area="80.00", from_year=2021)
    with pytest.raises(NoPolicyInForce, match="2021-11-15"):
        season_bills([account], 2021)


def _accounts(n):
    """n accounts cycling through the kinds of _mix, each with a payment."""
    accounts = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            account = make_account(area="80.00")
        elif kind == 1:
            account = make_account(area="100.00", metered=True)
            season_readings(account, "1000", str(1010 + i))
        elif kind == 2:
            account = make_account(area="100.00", metered=True)
            read(account, aware(2019, 11, 15, 8), "1000")
        else:
            account = make_account(area="100.00", metered=True)
            LowIncomeCertificateFactory(account=account)
            season_readings(account, "1000", str(1010 + i), kind=Reading.Kind.CUSTOMER, confirmed=True)
        pay(account, "1000.00")
        accounts.append(account)
    return accounts


def test_a_fixed_number_of_queries_whatever_the_number_of_accounts():
    counts = []
    for n in (5, 40):
        ids = [a.id for a in _accounts(n)]
        accounts = list(Account.objects.filter(id__in=ids))
        with CaptureQueriesContext(connection) as queries:
            bills = season_bills(accounts, SEASON)
        assert len(bills) == n
        assert sum(b.is_exception for b in bills.values()) == len(range(2, n, 4))
        counts.append(len(queries))
    assert counts[0] == counts[1]
