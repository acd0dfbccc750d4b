"""Heat used in a season (POLICY.md §7): heating/selectors/consumption.py over real readings.

Season 2019-2020 runs from 15 November 2019 to 15 March 2020 inclusive, local time (Asia/Shanghai).
"""

import datetime
from decimal import Decimal

import pytest

from heating.models import Account, Reading
from heating.selectors.consumption import season_consumption

from .factories import MeterFactory, ReadingFactory, aware, make_account

pytestmark = pytest.mark.django_db

D = Decimal
SEASON = 2019


@pytest.fixture
def account():
    return make_account(area="100.00", metered=True)


@pytest.fixture
def meter(account):
    return account.meters.get()


def read(meter, at, value, **fields):
    return ReadingFactory(meter=meter, read_at=at, value_gj=D(value), **fields)


def usage_of(account):
    return season_consumption([account], SEASON)[account.id]


def codes(usage):
    return [problem.code for problem in usage.problems]


def test_q_is_closing_minus_opening(account, meter):
    read(meter, aware(2019, 10, 1), "900")
    opening = read(meter, aware(2019, 11, 14, 9), "1000")
    read(meter, aware(2020, 1, 1), "1010")
    closing = read(meter, aware(2020, 3, 16, 9), "1020.5")
    read(meter, aware(2020, 4, 1), "1030")
    usage = usage_of(account)
    assert codes(usage) == []
    [span] = usage.spans
    assert (span.serial, span.opening, span.closing) == (meter.serial, opening, closing)
    assert span.used_gj == D("20.5")
    assert usage.heat_gj == D("20.5")


@pytest.mark.parametrize(
    "at, counts",
    [
        (aware(2019, 11, 15, 0), True),
        (aware(2019, 11, 15, 23), True),
        (aware(2019, 11, 15, 23, 59), True),
        (aware(2019, 11, 16, 0), False),
        (aware(2019, 11, 16, 8), False),
        # 2019-11-15 23:30 in Shanghai, written in UTC
        (datetime.datetime(2019, 11, 15, 15, 30, tzinfo=datetime.UTC), True),
        # 2019-11-16 00:00 in Shanghai, written in UTC
        (datetime.datetime(2019, 11, 15, 16, 0, tzinfo=datetime.UTC), False),
    ],
)
def test_a_reading_on_the_first_day_opens_the_season_else_the_last_before_it(account, meter, at, counts):
    read(meter, aware(2019, 11, 1), "1000")
    read(meter, at, "1001")
    read(meter, aware(2020, 3, 15, 8), "1020")
    assert usage_of(account).heat_gj == (D("19") if counts else D("20"))


def test_hourly_reads_span_the_first_reading_of_the_first_day_to_the_last_of_the_last(account, meter):
    """POLICY.md §7 as amended (§12.10): the earliest of the first day, the latest of the last day."""
    read(meter, aware(2019, 11, 15, 0), "1000")
    read(meter, aware(2019, 11, 15, 23), "1001")
    read(meter, aware(2020, 3, 15, 0), "1020")
    read(meter, aware(2020, 3, 15, 23), "1021")
    assert usage_of(account).heat_gj == D("21")


def test_the_opening_is_the_earliest_of_the_first_day_not_the_last_before_it(account, meter):
    read(meter, aware(2019, 11, 14, 22), "995")
    opening = read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2019, 11, 15, 18), "1002")
    closing = read(meter, aware(2020, 3, 16, 9), "1030")
    [span] = usage_of(account).spans
    assert (span.opening, span.closing, span.used_gj) == (opening, closing, D("30"))


def test_the_closing_is_the_latest_of_the_last_day_not_the_first_after_it(account, meter):
    opening = read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2020, 3, 15, 8), "1020")
    closing = read(meter, aware(2020, 3, 15, 20), "1022")
    read(meter, aware(2020, 3, 16, 1), "1023")
    [span] = usage_of(account).spans
    assert (span.opening, span.closing, span.used_gj) == (opening, closing, D("22"))


def test_a_void_reading_on_an_end_day_does_not_open_or_close(account, meter):
    void = dict(status=Reading.Status.VOID, void_reason="misread")
    read(meter, aware(2019, 11, 15, 0), "999", **void)
    read(meter, aware(2019, 11, 15, 9), "1000")
    read(meter, aware(2020, 3, 15, 9), "1020")
    read(meter, aware(2020, 3, 15, 23), "1090", **void)
    assert usage_of(account).heat_gj == D("20")


@pytest.mark.parametrize(
    "at, counts",
    [
        (aware(2020, 3, 15, 0), True),
        (aware(2020, 3, 15, 8), True),
        (aware(2020, 3, 14, 23, 59), False),
        # 2020-03-15 00:00 in Shanghai, written in UTC
        (datetime.datetime(2020, 3, 14, 16, 0, tzinfo=datetime.UTC), True),
        (datetime.datetime(2020, 3, 14, 15, 59, tzinfo=datetime.UTC), False),
    ],
)
def test_a_reading_on_the_last_day_closes_the_season_else_the_first_after_it(account, meter, at, counts):
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, at, "1020")
    read(meter, aware(2020, 3, 20), "1025")
    assert usage_of(account).heat_gj == (D("20") if counts else D("25"))


def test_a_meter_replaced_during_the_season(account, meter):
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2019, 12, 20), "1030")
    read(meter, aware(2020, 1, 10, 9), "1050", kind=Reading.Kind.EXCHANGE)  # removal
    read(new, aware(2020, 1, 10, 10), "0.5", kind=Reading.Kind.EXCHANGE)  # installation
    read(new, aware(2020, 2, 1), "20")
    read(new, aware(2020, 3, 15, 9), "40.5")
    read(new, aware(2020, 3, 30), "45")
    usage = usage_of(account)
    assert codes(usage) == []
    assert [(s.serial, s.used_gj) for s in usage.spans] == [(meter.serial, D("50")), (new.serial, D("40"))]
    assert usage.heat_gj == D("90")  # (1050 − 1000) + (40.5 − 0.5)


def test_a_meter_replaced_on_the_first_day_counts_the_new_one_only(account, meter):
    meter.removed_on = datetime.date(2019, 11, 15)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2019, 11, 15))
    read(meter, aware(2019, 11, 1), "1000")
    read(meter, aware(2019, 11, 15, 9), "1002", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2019, 11, 15, 10), "0", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 3, 15, 9), "30")
    usage = usage_of(account)
    assert codes(usage) == []
    assert [s.serial for s in usage.spans] == [new.serial]
    assert usage.heat_gj == D("30")


def test_a_removed_meter_without_its_removal_reading_is_not_guessed(account, meter):
    """The old meter's last reading is its opening: its use until removal is unknown, not zero."""
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(meter, aware(2019, 11, 10), "1000")
    read(new, aware(2020, 1, 10, 10), "0", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 3, 15, 9), "40")
    usage = usage_of(account)
    assert codes(usage) == ["no_closing"]
    assert usage.problems[0].serial == meter.serial
    assert usage.heat_gj is None


def test_a_removed_meter_whose_last_reading_is_before_the_removal_day_is_not_guessed(account, meter):
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2019, 12, 20), "1030")  # a reading during the season, not at removal
    read(new, aware(2020, 1, 10, 10), "0", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 3, 15, 9), "40")
    assert codes(usage_of(account)) == ["no_closing"]


def test_a_new_meter_whose_first_reading_comes_after_the_season_is_not_guessed(account, meter):
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2020, 1, 10, 9), "1050", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 3, 20), "40")  # no installation reading: its use until 15 March is unknown
    usage = usage_of(account)
    assert codes(usage) == ["no_opening"]
    assert usage.problems[0].serial == new.serial
    assert usage.heat_gj is None


ESTIMATED = [Reading.Kind.ESTIMATED, Reading.Kind.CUSTOMER]


@pytest.mark.parametrize("kind", ESTIMATED)
@pytest.mark.parametrize("end", ["opening", "closing"])
@pytest.mark.parametrize("confirmed", [False, True])
def test_an_estimated_or_customer_endpoint_needs_confirmation(account, meter, kind, end, confirmed):
    kinds = {"opening": Reading.Kind.ACTUAL, "closing": Reading.Kind.ACTUAL, end: kind}
    read(meter, aware(2019, 11, 15, 8), "1000", kind=kinds["opening"], confirmed=confirmed)
    read(meter, aware(2020, 3, 15, 8), "1020", kind=kinds["closing"], confirmed=confirmed)
    usage = usage_of(account)
    if confirmed:
        assert (codes(usage), usage.heat_gj) == ([], D("20"))
    else:
        assert codes(usage) == [f"estimated_{end}"]
        assert usage.heat_gj is None
        assert meter.serial in str(usage.problems[0])


@pytest.mark.parametrize("kind", [Reading.Kind.ACTUAL, Reading.Kind.EXCHANGE])
def test_actual_and_exchange_readings_settle(account, meter, kind):
    read(meter, aware(2019, 11, 15, 8), "1000", kind=kind)
    read(meter, aware(2020, 3, 15, 8), "1020", kind=kind)
    assert usage_of(account).heat_gj == D("20")


def test_an_estimated_reading_that_is_not_an_endpoint_does_not_matter(account, meter):
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 1, 1), "1010", kind=Reading.Kind.ESTIMATED)
    read(meter, aware(2020, 3, 15, 8), "1020")
    assert usage_of(account).heat_gj == D("20")


@pytest.mark.parametrize("end", ["opening", "closing"])
def test_a_flagged_endpoint_is_a_problem(account, meter, end):
    statuses = {"opening": Reading.Status.VALID, "closing": Reading.Status.VALID, end: Reading.Status.FLAGGED}
    read(meter, aware(2019, 11, 1), "990")
    opening = read(meter, aware(2019, 11, 15, 8), "1000", status=statuses["opening"])
    closing = read(meter, aware(2020, 3, 15, 8), "1020", status=statuses["closing"])
    usage = usage_of(account)
    assert codes(usage) == [f"flagged_{end}"]
    assert usage.problems[0].reading_id == (opening if end == "opening" else closing).id
    assert usage.heat_gj is None


@pytest.mark.parametrize(
    "times, problem",
    [
        ([aware(2019, 11, 16), aware(2020, 3, 15, 8)], "no_opening"),
        ([aware(2019, 11, 15, 8), aware(2020, 3, 14, 23)], "no_closing"),
        ([], None),
    ],
)
def test_a_missing_endpoint_is_a_problem(account, meter, times, problem):
    for n, at in enumerate(times):
        read(meter, at, str(1000 + n))
    usage = usage_of(account)
    expected = [problem] if problem else ["no_opening", "no_closing"]
    assert codes(usage) == expected
    assert usage.spans == ()
    assert usage.heat_gj is None


def test_void_readings_are_ignored(account, meter):
    void = dict(status=Reading.Status.VOID, void_reason="misread")
    read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2019, 11, 15, 20), "1900", **void)
    read(meter, aware(2020, 3, 15, 8), "2500", **void)
    read(meter, aware(2020, 3, 15, 8), "1020")  # the correction at the same moment
    read(meter, aware(2020, 3, 16), "1021", **void)
    usage = usage_of(account)
    assert (codes(usage), usage.heat_gj) == ([], D("20"))


def test_only_void_readings_is_no_reading(account, meter):
    void = dict(status=Reading.Status.VOID, void_reason="misread")
    read(meter, aware(2019, 11, 10), "1000", **void)
    read(meter, aware(2020, 3, 16), "1021", **void)
    assert codes(usage_of(account)) == ["no_opening", "no_closing"]


def test_heat_is_none_while_any_meter_has_a_problem(account, meter):
    meter.removed_on = datetime.date(2020, 1, 10)
    meter.save()
    new = MeterFactory(account=account, installed_on=datetime.date(2020, 1, 10))
    read(meter, aware(2019, 11, 10), "1000")
    read(meter, aware(2020, 1, 10, 9), "1050", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 1, 10, 10), "0", kind=Reading.Kind.EXCHANGE)
    read(new, aware(2020, 3, 15, 9), "40", kind=Reading.Kind.ESTIMATED)
    usage = usage_of(account)
    assert codes(usage) == ["estimated_closing"]
    assert [s.serial for s in usage.spans] == [meter.serial]
    assert usage.heat_gj is None


def test_meters_outside_the_season_do_not_count(account, meter):
    meter.installed_on = datetime.date(2019, 1, 1)
    meter.removed_on = datetime.date(2019, 6, 1)
    meter.save()
    later = MeterFactory(account=account, installed_on=datetime.date(2020, 3, 16))
    read(later, aware(2020, 3, 16, 9), "0")
    area_only = make_account(area="80.00")
    assert season_consumption([account, area_only], SEASON) == {}


def test_accounts_are_kept_apart(account, meter):
    other = make_account(area="60.00", metered=True)
    other_meter = other.meters.get()
    read(meter, aware(2019, 11, 15, 8), "1000")
    read(meter, aware(2020, 3, 15, 8), "1020")
    read(other_meter, aware(2019, 11, 15, 8), "5")
    read(other_meter, aware(2020, 3, 15, 8), "12.345678")
    usage = season_consumption([account, other], SEASON)
    assert {k: v.heat_gj for k, v in usage.items()} == {account.id: D("20"), other.id: D("7.345678")}


def _metered_accounts(n):
    accounts = []
    for i in range(n):
        account = make_account(area="100.00", metered=True)
        meter = account.meters.get()
        read(meter, aware(2019, 11, 15, 8), "1000")
        read(meter, aware(2020, 3, 15, 8), str(1010 + i))
        accounts.append(account)
    return accounts


@pytest.mark.parametrize("n", [1, 5, 40])
def test_three_queries_whatever_the_number_of_accounts(django_assert_num_queries, n):
    ids = [a.id for a in _metered_accounts(n)]
    # the accounts, the meters with their endpoint ids, the endpoint readings
    with django_assert_num_queries(3):
        usage = season_consumption(Account.objects.filter(id__in=ids), SEASON)
    assert sorted(u.heat_gj for u in usage.values()) == [D(10 + i) for i in range(n)]
