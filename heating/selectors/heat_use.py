"""A household's heat use in a season, for its bill page (issue 9, item 4).

Metered homes: the valid readings of the season per meter (between the endpoints
`consumption.season_endpoints` finds, or the days the account was open while an endpoint is still
missing; voided and flagged readings are left out, an estimated one is marked), the heat used between
consecutive readings, the same calendar dates of last season, and the average heat per m² of the other
metered homes of the building.

Last season's figure for an interval is last season's heat between the same dates and times one year
earlier, from the account's own readings (another household's never show: a new occupant sees no
comparison). Last season was seldom read on the very same days, so the register is taken as rising
evenly between two consecutive readings of last season; where last season's readings do not reach both
dates there is no figure, never a guess beyond them.

The building's average comes from the issued statements of the season (the settled heat and the billing
area of §7 and §2, as billed), so it appears once the season is settled; it counts only when at least
MIN_NEIGHBOURS other homes make it up, so that no single neighbour's use can be read from it.

Area-billed homes: what metering would have cost them — the engine's bill of their own facts with the
method metered and the heat of an average home of the building of their size. An estimate, not a bill.
"""

import bisect
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, IntegerField, Q, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.billing import AREA, METERED, AccountFacts, BillingError, PriceTerms, bill
from heating.models import Account, Premises, Reading, Statement

from .consumption import ONE_DAY, Ends, season_endpoints
from .facts import facts_for_season, open_days
from .policy import NoPolicyInForce, policy_for_season

# Fewer other metered homes than this in the building: no average (one neighbour's use would show).
MIN_NEIGHBOURS = 3
GJ = Decimal("0.000001")  # readings are stored to six decimals
_HEAT = DecimalField(max_digits=24, decimal_places=6)
_AREA_DAYS = DecimalField(max_digits=24, decimal_places=2)
_MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class MeterReading:
    serial: str
    read_at: datetime.datetime
    value_gj: Decimal
    # Estimated or reported by the customer, and not confirmed by staff.
    estimated: bool


@dataclass(frozen=True)
class Interval:
    """The heat used between two consecutive readings of one meter, and last season's over the same
    dates (None where last season's readings do not cover them)."""

    start: MeterReading
    end: MeterReading
    last_season_gj: Decimal | None

    @property
    def used_gj(self) -> Decimal:
        return self.end.value_gj - self.start.value_gj


@dataclass(frozen=True)
class BuildingAverage:
    """The other metered homes of the building in the season: their heat per m² of billing area over
    a whole season, and what that makes for this home's billing area and days open (`typical_gj`)."""

    homes: int
    gj_per_m2: Decimal
    billing_area: Decimal
    typical_gj: Decimal


@dataclass(frozen=True)
class MeteredEstimate:
    """An area-billed home's bill had it been metered, using `building.typical_gj` as its heat."""

    building: BuildingAverage
    metered_due: Decimal
    area_due: Decimal


@dataclass(frozen=True)
class HeatUse:
    start_year: int
    method: str | None  # None: the account has no facts for the season
    readings: tuple[MeterReading, ...]
    intervals: tuple[Interval, ...]
    building: BuildingAverage | None
    estimate: MeteredEstimate | None

    @property
    def total_gj(self) -> Decimal | None:
        if not self.intervals:
            return None
        return sum((i.used_gj for i in self.intervals), Decimal(0))

    @property
    def last_season_gj(self) -> Decimal | None:
        """Last season over the same dates, when it is known for every interval."""
        if not self.intervals or any(i.last_season_gj is None for i in self.intervals):
            return None
        return sum((i.last_season_gj for i in self.intervals), Decimal(0))

    @property
    def chart(self) -> dict:
        """What static/js/heat_use_chart.js draws; the partial's table says the same in words."""
        totals = [
            (_("本季"), self.total_gj),
            (_("去年同期"), self.last_season_gj),
            (_("同楼栋平均（按您家面积）"), self.building.typical_gj if self.building else None),
        ]
        totals = [(label, value) for label, value in totals if value is not None]
        return {
            "this_label": _("本季"),
            "last_label": _("去年同期"),
            "labels": [f"{_local_day(i.start):%m-%d}–{_local_day(i.end):%m-%d}" for i in self.intervals],
            "this": [i.used_gj for i in self.intervals],
            "last": [i.last_season_gj for i in self.intervals],
            # Something to compare with, or no chart of totals.
            "totals": {"labels": [t[0] for t in totals], "values": [t[1] for t in totals]}
            if len(totals) > 1
            else None,
        }


def _local_day(reading: MeterReading) -> datetime.date:
    return timezone.localdate(reading.read_at)


def heat_use(account: Account, start_year: int) -> HeatUse:
    """The account's heat use in the season, in a fixed number of queries whatever the number of
    readings, homes or statements."""
    facts = facts_for_season([account], start_year).get(account.id)
    if facts is None:
        return HeatUse(start_year, None, (), (), None, None)
    try:
        terms = policy_for_season(start_year).terms()
    except NoPolicyInForce:
        terms = None
    building = None if terms is None else _building_average(account, facts, terms, start_year)
    if facts.method == METERED:
        readings, intervals = _metered(account, start_year)
        return HeatUse(start_year, METERED, readings, intervals, building, None)
    estimate = None if building is None else _estimate(facts, terms, building)
    return HeatUse(start_year, AREA, (), (), None, estimate)


# Readings and intervals -------------------------------------------------------------------------


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _bounds(ends: Ends, account: Account, start_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first and last moment of the meter's readings of the season: its endpoints, or, for one not
    found yet, the first or last day the meter was on the home while the account was open."""
    since, until = open_days(account, start_year)
    meter = ends.meter
    if ends.opening is not None:
        lo = ends.opening.read_at
    else:
        lo = _local_midnight(max(since, meter.installed_on))
    if ends.closing is not None:
        hi = ends.closing.read_at
    else:
        last = until if meter.removed_on is None else min(until, meter.removed_on)
        hi = _local_midnight(last + ONE_DAY) - _MICROSECOND
    return lo, hi


def _season_readings(account: Account, start_year: int) -> dict[int, list[list[MeterReading]]]:
    """Per season (this one and the one before), the valid readings of each of its meters in time
    order: the meters' endpoints and then all their readings, in one query each."""
    windows = [
        (year, ends.meter, *_bounds(ends, account, year))
        for year in (start_year, start_year - 1)
        for ends in season_endpoints([account], year)
    ]
    series: dict[int, list[list[MeterReading]]] = {start_year: [], start_year - 1: []}
    if not windows:
        return series
    wanted = Q()
    for _year, meter, lo, hi in windows:
        wanted |= Q(meter_id=meter.id, read_at__gte=lo, read_at__lte=hi)
    by_meter: dict[int, list[Reading]] = {}
    valid = Reading.objects.filter(wanted, status=Reading.Status.VALID).order_by("meter_id", "read_at")
    for reading in valid:
        by_meter.setdefault(reading.meter_id, []).append(reading)
    for year, meter, lo, hi in windows:
        rows = by_meter.get(meter.id, [])
        times = [r.read_at for r in rows]
        chosen = rows[bisect.bisect_left(times, lo) : bisect.bisect_right(times, hi)]
        series[year].append([_meter_reading(meter.serial, r) for r in chosen])
    return series


def _meter_reading(serial: str, reading: Reading) -> MeterReading:
    settles = reading.kind in (Reading.Kind.ACTUAL, Reading.Kind.EXCHANGE) or reading.confirmed
    return MeterReading(serial, reading.read_at, reading.value_gj, not settles)


def daily(readings: Sequence[MeterReading]) -> list[MeterReading]:
    """The first reading and then the last of each local day: an hourly remote meter shows a row a day,
    and the heat of the kept intervals still adds up to the same total."""
    kept: list[MeterReading] = []
    for reading in readings:
        if len(kept) > 1 and _local_day(kept[-1]) == _local_day(reading):
            kept[-1] = reading
        else:
            kept.append(reading)
    return kept


def _metered(account: Account, start_year: int) -> tuple[tuple[MeterReading, ...], tuple[Interval, ...]]:
    series = _season_readings(account, start_year)
    last_season = [s for s in series[start_year - 1] if len(s) > 1]
    readings, intervals = [], []
    for meter_readings in series[start_year]:
        kept = daily(meter_readings)
        readings += kept
        intervals += [
            Interval(a, b, heat_between(last_season, a_year_earlier(a.read_at), a_year_earlier(b.read_at)))
            for a, b in zip(kept, kept[1:], strict=False)
        ]
    readings.sort(key=lambda r: (r.read_at, r.serial))
    intervals.sort(key=lambda i: (i.start.read_at, i.start.serial))
    return tuple(readings), tuple(intervals)


def a_year_earlier(moment: datetime.datetime) -> datetime.datetime:
    """The same local date and time a year before (29 February: the 28th)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - 1)
    except ValueError:
        return local.replace(year=local.year - 1, day=28)


def _register_at(series: Sequence[MeterReading], moment: datetime.datetime) -> Decimal:
    """The register at `moment`, inside the series: read, or rising evenly between two readings."""
    times = [r.read_at for r in series]
    i = bisect.bisect_right(times, moment) - 1
    before = series[i]
    if before.read_at == moment:
        return before.value_gj
    after = series[i + 1]
    share = Decimal((moment - before.read_at) // _MICROSECOND) / Decimal(
        (after.read_at - before.read_at) // _MICROSECOND
    )
    return before.value_gj + (after.value_gj - before.value_gj) * share


def heat_between(
    series: Sequence[Sequence[MeterReading]], start: datetime.datetime, end: datetime.datetime
) -> Decimal | None:
    """The heat used from `start` to `end` by the meters whose readings are `series` (each in time
    order, two or more), each meter over the part of the time its readings span; None unless together
    they span all of it."""
    reached = start
    for spans in sorted((s[0].read_at, s[-1].read_at) for s in series):
        if spans[0] <= reached:
            reached = max(reached, spans[1])
    if reached < end:
        return None
    total = Decimal(0)
    for meter in series:
        lo, hi = max(start, meter[0].read_at), min(end, meter[-1].read_at)
        if lo < hi:
            total += _register_at(meter, hi) - _register_at(meter, lo)
    return total.quantize(GJ, ROUND_HALF_UP)


# The building's average and the estimate ---------------------------------------------------------


def _billing_area(facts: AccountFacts, terms: PriceTerms) -> Decimal:
    """The engine's billing area of the facts (the area decision, or the parts' area; POLICY.md §2)."""
    return bill(replace(facts, method=AREA), terms).billing_area


def _building_average(
    account: Account, facts: AccountFacts, terms: PriceTerms, start_year: int
) -> BuildingAverage | None:
    """One aggregate query over the season's issued statements of the other metered homes of the
    account's building. A home that changed hands in the season has a statement per account: its heat
    adds up, and its area counts for the days each account was open (area × days open ÷ days of the
    season), so the average is per m² over a whole season."""
    building_id = Premises.objects.filter(id=account.premises_id).values("building_id")
    row = (
        Statement.objects.filter(
            status=Statement.Status.ISSUED,
            season_year=start_year,
            inputs__method=METERED,
            account__premises__building_id=Subquery(building_id),
        )
        .exclude(account__premises_id=account.premises_id)
        .aggregate(
            homes=Count("account__premises_id", distinct=True),
            heat=Sum(Cast(KT("inputs__heat_gj"), _HEAT)),
            area_days=Sum(
                F("billing_area") * Cast(KT("inputs__days_open"), IntegerField()), output_field=_AREA_DAYS
            ),
        )
    )
    if row["homes"] < MIN_NEIGHBOURS or not row["area_days"]:
        return None
    try:
        area = _billing_area(facts, terms)
    except BillingError:
        return None
    heat, area_days = row["heat"], row["area_days"]
    return BuildingAverage(
        homes=row["homes"],
        gj_per_m2=heat * facts.season_days / area_days,
        billing_area=area,
        typical_gj=(heat * area * facts.days_open / area_days).quantize(GJ, ROUND_HALF_UP),
    )


def _estimate(facts: AccountFacts, terms: PriceTerms, building: BuildingAverage) -> MeteredEstimate | None:
    metered = replace(facts, method=METERED, exchangers=0)
    try:
        metered_due = bill(metered, terms, heat_gj=building.typical_gj).amount_due
        area_due = bill(facts, terms).amount_due
    except BillingError:
        return None
    return MeteredEstimate(building, metered_due, area_due)
