"""heating.selectors.heat_use on small data, every figure worked by hand."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from heating.billing import AREA, METERED, bill
from heating.models import Reading, Statement
from heating.selectors.consumption import season_consumption
from heating.selectors.facts import account_facts
from heating.selectors.heat_use import MIN_NEIGHBOURS, heat_use
from heating.selectors.policy import policy_for_season
from heating.services.settlement import season_settle
from tests.factories import AccountFactory, AccountTermsFactory, BuildingFactory, MeterFactory, aware

from .helpers import SEASON, building, home, read, settled_neighbours

pytestmark = pytest.mark.django_db

D = Decimal


def used(result):
    return [(i.start.read_at, i.end.read_at, i.used_gj, i.last_season_gj) for i in result.intervals]


@pytest.fixture
def metered_home():
    """Read monthly this season; last season read on 15 Nov, 15 Dec, 14 Feb and 15 Mar."""
    company, block = building()
    account = home(company, block)
    meter = account.meters.get()
    for at, value in [
        (aware(2018, 11, 15, 8), "900"),
        (aware(2018, 12, 15, 8), "909"),
        (aware(2019, 2, 14, 8), "939.5"),  # 0.5 GJ a day since 15 Dec: 924.5 on 15 Jan
        (aware(2019, 3, 15, 8), "950"),
        (aware(2019, 10, 1, 8), "990"),  # before the season: not shown
        (aware(2019, 11, 15, 8), "1000"),
        (aware(2020, 1, 15, 8), "1025"),
        (aware(2020, 3, 15, 8), "1040"),
    ]:
        read(meter, at, value)
    read(meter, aware(2019, 12, 15, 8), "1010.5", kind=Reading.Kind.ESTIMATED)
    read(meter, aware(2020, 2, 1, 8), "2000", status=Reading.Status.VOID, void_reason="misread")
    read(meter, aware(2020, 2, 15, 8), "1090", status=Reading.Status.FLAGGED)
    return account


def test_a_metered_home_sees_its_valid_readings_and_the_heat_between_them(metered_home):
    result = heat_use(metered_home, SEASON)

    assert result.method == METERED
    assert [(r.read_at, r.value_gj, r.estimated) for r in result.readings] == [
        (aware(2019, 11, 15, 8), D("1000"), False),
        (aware(2019, 12, 15, 8), D("1010.5"), True),
        (aware(2020, 1, 15, 8), D("1025"), False),
        (aware(2020, 3, 15, 8), D("1040"), False),
    ]
    # The voided and the flagged readings are not the household's figures; the estimate is marked.
    assert used(result) == [
        (aware(2019, 11, 15, 8), aware(2019, 12, 15, 8), D("10.5"), D("9")),
        (aware(2019, 12, 15, 8), aware(2020, 1, 15, 8), D("14.5"), D("15.5")),
        (aware(2020, 1, 15, 8), aware(2020, 3, 15, 8), D("15"), D("25.5")),
    ]
    assert (result.total_gj, result.last_season_gj) == (D("40"), D("50"))
    # The same Q as the bill's.
    assert result.total_gj == season_consumption([metered_home], SEASON)[metered_home.id].heat_gj


def test_mid_season_the_readings_so_far_show_and_no_last_season_for_a_new_account():
    company, block = building()
    account = home(company, block, opened_on=datetime.date(2019, 6, 1))
    meter = account.meters.get()
    read(meter, aware(2019, 3, 15, 8), "950")  # the previous occupant's: before this account
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2019, 12, 15, 8), "1010")

    result = heat_use(account, SEASON)

    assert used(result) == [(aware(2019, 11, 15, 8), aware(2019, 12, 15, 8), D("10"), None)]
    assert result.last_season_gj is None


def test_a_meter_exchanged_mid_season_adds_both_meters():
    company, block = building()
    account = home(company, block, metered=False)
    old = MeterFactory(
        account=account, installed_on=datetime.date(2018, 10, 1), removed_on=datetime.date(2020, 1, 10)
    )
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(old, aware(2019, 11, 15, 8), "100")
    read(old, aware(2020, 1, 10, 10), "130", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 1, 10, 10), "0", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 2, 10, 10), "12")
    read(new, aware(2020, 3, 15, 8), "25")

    result = heat_use(account, SEASON)

    assert [(i.start.serial, i.used_gj) for i in result.intervals] == [
        (old.serial, D("30")),
        (new.serial, D("12")),
        (new.serial, D("13")),
    ]
    assert result.total_gj == D("55") == season_consumption([account], SEASON)[account.id].heat_gj


def test_the_building_average_is_the_other_metered_homes_per_m2_scaled_to_this_home():
    company, block = building()
    settled_neighbours(company, block, heats=("20", "25", "30"))  # 75 GJ on 300 m²: 0.25 GJ/m²
    account = home(company, block, area="80.00")
    meter = account.meters.get()
    read(meter, aware(2019, 11, 15, 8), "0")
    read(meter, aware(2020, 3, 15, 8), "50")
    # Its own statement, an area-billed neighbour and a metered home elsewhere do not count.
    area_billed = home(company, block, metered=False)
    elsewhere = home(company, BuildingFactory(company=company))
    read(elsewhere.meters.get(), aware(2019, 11, 15, 8), "0")
    read(elsewhere.meters.get(), aware(2020, 3, 15, 8), "900")
    season_settle(company=company, start_year=SEASON, account_ids=[account.id, area_billed.id, elsewhere.id])

    building_average = heat_use(account, SEASON).building

    assert building_average.homes == 3
    assert building_average.gj_per_m2 == D("0.25")
    assert (building_average.billing_area, building_average.typical_gj) == (D("80.00"), D("20.000000"))


def test_a_home_that_changed_hands_counts_its_area_for_the_days_of_each_account():
    company, block = building()
    settled_neighbours(company, block, heats=("20", "25"))
    old = home(company, block, closed_on=datetime.date(2020, 1, 10))
    new = AccountFactory(premises=old.premises, opened_on=datetime.date(2020, 1, 11))
    AccountTermsFactory(account=new, from_year=2019)
    meter = old.meters.get()
    read(meter, aware(2019, 11, 15, 8), "0")
    read(meter, aware(2020, 1, 10, 17), "18")  # 57 days
    read(meter, aware(2020, 1, 11, 9), "18")  # 65 days
    read(meter, aware(2020, 3, 15, 8), "30")
    season_settle(company=company, start_year=SEASON, account_ids=[old.id, new.id])
    assert Statement.objects.filter(account__in=[old, new], inputs__method=METERED).count() == 2
    account = home(company, block)

    building_average = heat_use(account, SEASON).building

    # 20 + 25 + 18 + 12 GJ on 100 + 100 + 100 × 57/122 + 100 × 65/122 m²: one home, not two.
    assert (building_average.homes, building_average.gj_per_m2) == (3, D("0.25"))


def test_fewer_than_three_other_metered_homes_give_no_average():
    assert MIN_NEIGHBOURS == 3
    company, block = building()
    settled_neighbours(company, block, heats=("20", "25"))
    account = home(company, block)
    assert heat_use(account, SEASON).building is None


def test_an_area_billed_home_sees_the_engines_metered_bill_for_the_buildings_average_heat():
    company, block = building()
    settled_neighbours(company, block, heats=("20", "25", "30"))  # 0.25 GJ/m²
    account = home(company, block, area="80.00", metered=False, exchangers=1)

    result = heat_use(account, SEASON)

    assert (result.method, result.intervals, result.building) == (AREA, (), None)
    estimate = result.estimate
    assert estimate.building.typical_gj == D("20.000000")  # 0.25 × 80 m²
    # By hand: basic 80 × 21 × 30% = 504.00 < heat 20 × 45 = 900.00 < cap 80 × 21 = 1680.00; no
    # exchanger fee for a metered home. By area: 1680.00 + one exchanger 120.00.
    assert (estimate.metered_due, estimate.area_due) == (D("900.00"), D("1800.00"))
    facts = account_facts(account, SEASON)
    terms = policy_for_season(SEASON).terms()
    metered = replace(facts, method=METERED, exchangers=0)
    assert estimate.metered_due == bill(metered, terms, heat_gj=D("20")).amount_due


def test_an_area_billed_home_in_a_building_without_metered_homes_gets_no_estimate():
    company, block = building()
    account = home(company, block, metered=False)
    home(company, block, metered=False)
    result = heat_use(account, SEASON)
    assert (result.method, result.estimate) == (AREA, None)


def test_an_account_without_facts_for_the_season_has_nothing_to_show():
    company, block = building()
    account = home(company, block, from_year=2020)
    assert heat_use(account, SEASON).method is None


def test_a_fixed_number_of_queries_whatever_the_number_of_readings(metered_home, django_assert_num_queries):
    """The facts (6), the policy, the building's average, the meters and endpoints of this season and
    the last (2 each), and the readings."""
    company, block = metered_home.company, metered_home.premises.building
    settled_neighbours(company, block, heats=("20", "25", "30"))
    with django_assert_num_queries(13):
        heat_use(metered_home, SEASON)
    meter = metered_home.meters.get()
    for hour in range(9, 24):  # an hourly meter, this season and last
        read(meter, aware(2020, 3, 15, hour), str(1040 + hour))
        read(meter, aware(2018, 12, 15, hour), str(909 + D(hour) / 100))
    settled_neighbours(company, block, heats=("21", "26", "31"))

    with django_assert_num_queries(13):
        result = heat_use(metered_home, SEASON)
    assert len(result.readings) == 4  # a row a day
    assert result.building.homes == 6
