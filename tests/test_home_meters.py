"""The meter stays with the home (POLICY.md §4, §7): an account closed mid-season and the one opened after
it on the same home each pay their own days and the heat measured while each was open."""

import datetime
from decimal import Decimal

import pytest

from heating.models import Account, Reading
from heating.selectors.bills import season_bills
from heating.selectors.consumption import season_consumption

from .factories import (
    AccountFactory,
    AccountTermsFactory,
    PaymentFactory,
    ReadingFactory,
    aware,
    make_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
SEASON = 2019  # 15 November 2019 to 15 March 2020, 122 days


def read(meter, at, value, **fields):
    return ReadingFactory(meter=meter, read_at=at, value_gj=D(value), **fields)


def old_and_new(closed_on=datetime.date(2020, 1, 10), opened_on=datetime.date(2020, 1, 11)):
    """A metered home whose account closed on `closed_on`, and the account opened on it after."""
    old = make_account(area="100.00", metered=True, closed_on=closed_on)
    new = AccountFactory(premises=old.premises, opened_on=opened_on)
    AccountTermsFactory(account=new, from_year=2019)
    return old, new, old.meters.get()


def test_the_old_and_the_new_account_each_pay_their_days_and_their_own_heat():
    old, new, meter = old_and_new()
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 1, 10, 17), "1030")  # the old account's closing, on its closing day
    read(meter, aware(2020, 1, 11, 9), "1031")  # the new account's opening, on its opening day
    read(meter, aware(2020, 3, 15, 8), "1050")
    PaymentFactory(account=old, season_year=SEASON, amount=D("981.15"))
    PaymentFactory(account=new, season_year=SEASON, amount=D("1118.85"))

    bills = season_bills([old, new], SEASON)

    before, after = bills[old.id], bills[new.id]
    assert (before.facts.days_open, after.facts.days_open) == (57, 65)  # 15 Nov–10 Jan, 11 Jan–15 Mar
    assert (before.usage.heat_gj, after.usage.heat_gj) == (D("30"), D("19"))
    # Old: basic 630 × 57/122 = 294.34, heat 30 × 45 = 1350.00 above the cap 2100 × 57/122 = 981.15.
    assert (before.breakdown.basic_fee, before.breakdown.metered_fee) == (D("294.34"), D("1350.00"))
    assert (before.breakdown.heating_fee, before.breakdown.cap_loss) == (D("981.15"), D("368.85"))
    # New: basic 630 × 65/122 = 335.66, heat 19 × 45 = 855.00 below the cap 2100 × 65/122 = 1118.85.
    assert (after.breakdown.basic_fee, after.breakdown.cap) == (D("335.66"), D("1118.85"))
    assert after.breakdown.heating_fee == D("855.00")
    assert (before.breakdown.prepayment + after.breakdown.prepayment) == D("2100.00")
    assert (before.breakdown.balance_due, after.breakdown.refund) == (D("0.00"), D("263.85"))


def test_one_reading_at_the_cut_closes_the_old_account_and_opens_the_new():
    old, new, meter = old_and_new()
    read(meter, aware(2019, 11, 15, 8), "1000")
    cut = read(meter, aware(2020, 1, 10, 17), "1030")
    read(meter, aware(2020, 3, 15, 8), "1050")

    usage = season_consumption([old, new], SEASON)

    assert usage[old.id].spans[0].closing == cut == usage[new.id].spans[0].opening
    assert (usage[old.id].heat_gj, usage[new.id].heat_gj) == (D("30"), D("20"))


def test_a_cut_without_a_reading_near_it_is_an_exception_for_both_not_counted_twice():
    old, new, meter = old_and_new()
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 2, 1, 8), "1040")  # three weeks after the cut
    read(meter, aware(2020, 3, 15, 8), "1050")

    usage = season_consumption([old, new], SEASON)

    assert [p.code for p in usage[old.id].problems] == ["no_closing"]
    assert [p.code for p in usage[new.id].problems] == ["no_opening"]
    assert usage[old.id].heat_gj is None and usage[new.id].heat_gj is None


def test_an_estimated_reading_at_the_cut_does_not_settle():
    old, new, meter = old_and_new()
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 1, 10, 17), "1030", kind=Reading.Kind.ESTIMATED)
    read(meter, aware(2020, 3, 15, 8), "1050")

    usage = season_consumption([old, new], SEASON)

    assert [p.code for p in usage[old.id].problems] == ["estimated_closing"]
    assert [p.code for p in usage[new.id].problems] == ["estimated_opening"]


def test_a_whole_season_account_on_a_home_whose_meter_was_recorded_under_its_predecessor():
    old, new, meter = old_and_new(closed_on=datetime.date(2019, 6, 30), opened_on=datetime.date(2019, 7, 1))
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 3, 15, 8), "1020")

    usage = season_consumption([old, new], SEASON)

    assert set(usage) == {new.id}
    assert usage[new.id].heat_gj == D("20")


def _homes_changing_hands(n):
    accounts = []
    for i in range(n):
        old, new, meter = old_and_new()
        read(meter, aware(2019, 11, 15, 8), "1000")
        read(meter, aware(2020, 1, 10, 17), "1030")
        read(meter, aware(2020, 3, 15, 8), str(1040 + i))
        whole = make_account(area="80.00", metered=True)
        read(whole.meters.get(), aware(2019, 11, 15, 8), "0")
        read(whole.meters.get(), aware(2020, 3, 15, 8), "15")
        accounts += [old.id, new.id, whole.id]
    return accounts


@pytest.mark.parametrize("n", [1, 4, 15])
def test_four_queries_whatever_the_number_of_accounts(django_assert_num_queries, n):
    ids = _homes_changing_hands(n)
    # the accounts; the meters of whole-season accounts and of part-season ones, with their endpoint ids;
    # the endpoint readings
    with django_assert_num_queries(4):
        usage = season_consumption(Account.objects.filter(id__in=ids), SEASON)
    assert sorted(u.heat_gj for u in usage.values()) == sorted(
        [D("30")] * n + [D("15")] * n + [D(10 + i) for i in range(n)]
    )
