"""The pure parts of the heat-use figures: a row a day, last season's heat between two moments, a year
earlier. No database."""

from decimal import Decimal

import pytest

from heating.selectors.heat_use import MeterReading, a_year_earlier, daily, heat_between
from tests.factories import aware

D = Decimal


def reading(at, value, serial="M1"):
    return MeterReading(serial, at, D(value), estimated=False)


def test_an_hourly_meter_keeps_the_first_reading_and_the_last_of_each_day():
    hourly = [reading(aware(2019, 11, 15, h), str(1000 + h)) for h in range(24)]
    hourly += [reading(aware(2019, 11, 16, h), str(1024 + h)) for h in range(3)]
    kept = daily(hourly)
    assert [(r.read_at, r.value_gj) for r in kept] == [
        (aware(2019, 11, 15, 0), D(1000)),
        (aware(2019, 11, 15, 23), D(1023)),
        (aware(2019, 11, 16, 2), D(1026)),
    ]
    # Nothing is lost: the kept intervals add up to last − first.
    assert kept[-1].value_gj - kept[0].value_gj == hourly[-1].value_gj - hourly[0].value_gj


def test_one_reading_a_day_is_kept_as_it_is():
    monthly = [reading(aware(2019, 11, 15, 8), "1"), reading(aware(2019, 12, 15, 8), "2")]
    assert daily(monthly) == monthly


def test_last_season_read_on_the_same_moments_gives_the_exact_difference():
    series = [[reading(aware(2018, 11, 15, 8), "900"), reading(aware(2018, 12, 15, 8), "909")]]
    assert heat_between(series, aware(2018, 11, 15, 8), aware(2018, 12, 15, 8)) == D("9.000000")


def test_between_two_readings_the_register_rises_evenly():
    # 61 days from 15 December to 14 February, 30.5 GJ: 0.5 GJ a day; 15 January is day 31.
    series = [[reading(aware(2018, 12, 15, 8), "909"), reading(aware(2019, 2, 14, 8), "939.5")]]
    assert heat_between(series, aware(2018, 12, 15, 8), aware(2019, 1, 15, 8)) == D("15.500000")
    assert heat_between(series, aware(2019, 1, 15, 8), aware(2019, 2, 14, 8)) == D("15.000000")
    # Half a day: 0.25 GJ; rounded to the six decimals of a reading.
    assert heat_between(series, aware(2018, 12, 15, 8), aware(2018, 12, 15, 20)) == D("0.250000")


@pytest.mark.parametrize(
    "start, end",
    [
        (aware(2018, 11, 14, 8), aware(2018, 12, 1)),  # before the first reading
        (aware(2018, 12, 1), aware(2019, 3, 16)),  # after the last
    ],
)
def test_no_figure_beyond_last_seasons_readings(start, end):
    series = [[reading(aware(2018, 11, 15, 8), "900"), reading(aware(2019, 3, 15, 8), "950")]]
    assert heat_between(series, start, end) is None


def test_an_exchange_adds_both_meters_and_a_gap_between_them_gives_no_figure():
    old = [reading(aware(2018, 11, 15, 8), "100", "A"), reading(aware(2019, 1, 10, 10), "130", "A")]
    new = [reading(aware(2019, 1, 10, 10), "0", "B"), reading(aware(2019, 3, 15, 8), "25", "B")]
    assert heat_between([old, new], aware(2018, 11, 15, 8), aware(2019, 3, 15, 8)) == D("55.000000")
    late = [reading(aware(2019, 1, 20, 10), "0", "B"), reading(aware(2019, 3, 15, 8), "25", "B")]
    assert heat_between([old, late], aware(2018, 11, 15, 8), aware(2019, 3, 15, 8)) is None
    # Inside one meter's readings the gap does not matter.
    assert heat_between([old, late], aware(2018, 11, 15, 8), aware(2019, 1, 10, 10)) == D("30.000000")


def test_a_year_earlier_is_the_same_local_date_and_time():
    assert a_year_earlier(aware(2020, 1, 15, 8)) == aware(2019, 1, 15, 8)
    assert a_year_earlier(aware(2020, 2, 29, 8)) == aware(2019, 2, 28, 8)
