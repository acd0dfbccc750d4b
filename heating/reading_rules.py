"""The rules a heat-meter reading must pass (POLICY.md §7), as pure functions over plain data.

`judge` decides, for readings arriving together, which are stored, which are duplicates and which
are refused and why, given the meters' readings already stored around them. The service in
heating/services/readings.py gathers that context set-based and writes the outcome; every entry
path (keyboard, file, remote API) goes through it, so the rules live here once.

A refusal carries a stable `code` with its parameters (for translated messages and for naming the
column at fault) and an English `reason` (the remote API's words).
"""
import bisect
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import NamedTuple

GJ_PLACES = Decimal("0.000001")
MAX_GJ = Decimal("1e10")
UNIT_FACTORS = {"GJ": Decimal("1"), "MWh": Decimal("3.6"), "kWh": Decimal("0.0036")}
KINDS = ("actual", "estimated", "customer", "exchange")
STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"
IMPLAUSIBLE = "implausible_use"

REASONS = {
    "unknown_unit": "unknown unit {unit!r}; expected GJ, MWh or kWh",
    "not_finite": "the value must be a finite number",
    "negative": "a cumulative register cannot be negative ({value})",
    "inexact": "{value} {unit} = {gj} GJ cannot be stored exactly in six decimals",
    "too_large": "the value {value} {unit} is too large",
    "unknown_kind": "unknown reading type {kind!r}",
    "naive_time": "the reading time needs a UTC offset",
    "future": "the reading time {read_at} is in the future",
    "unknown_meter": "unknown meter {serial!r}",
    "before_installation": "meter {serial} was installed on {installed_on}, after this reading",
    "after_removal": "meter {serial} was removed on {removed_on}, before this reading",
    "conflict_client_id": (
        "conflict: reading_id {client_id} was stored as {value} GJ at {read_at}; "
        "this one says {new_value} GJ at {new_read_at}"
    ),
    "conflict_time": "conflict: this meter already has {value} GJ at {read_at}; this one says {new_value} GJ",
    "below_earlier": "below the earlier reading {value} GJ at {read_at}",
    "above_later": "above the later reading {value} GJ at {read_at}",
}
# The input field each refusal is about, for forms and files that name the column at fault.
FIELDS = {
    "unknown_unit": "unit",
    "not_finite": "value",
    "negative": "value",
    "inexact": "value",
    "too_large": "value",
    "unknown_kind": "type",
    "naive_time": "read_at",
    "future": "read_at",
    "unknown_meter": "meter",
    "before_installation": "read_at",
    "after_removal": "read_at",
    "conflict_client_id": "reading_id",
    "conflict_time": "value",
    "below_earlier": "value",
    "above_later": "value",
}


class ReadingError(ValueError):
    def __init__(self, code: str, **params: str):
        self.code = code
        self.params = params
        super().__init__(REASONS[code].format(**params))


def gj_text(value: Decimal) -> str:
    """6 decimals are stored; a person reads 120.5, not 120.500000."""
    text = f"{value.normalize():f}"
    return text if "." in text else f"{text}.0"


def to_gj(value: Decimal, unit: str) -> Decimal:
    """The register value in GJ, exactly, or ReadingError if six decimals cannot hold it."""
    if unit not in UNIT_FACTORS:
        raise ReadingError("unknown_unit", unit=unit)
    if not value.is_finite():
        raise ReadingError("not_finite")
    if value < 0:
        raise ReadingError("negative", value=str(value))
    if unit == "GJ" and value.as_tuple().exponent >= -6 and value < MAX_GJ:
        return value.quantize(GJ_PLACES).copy_abs()  # the common case, exact by construction
    if value.adjusted() >= 15:
        # Above MAX_GJ in every unit (even kWh), and too long to multiply: 1e999999999 overflows.
        raise ReadingError("too_large", value=f"{value:.6E}", unit=unit)
    factor = UNIT_FACTORS[unit]
    with localcontext() as exact:
        # Enough digits that the product is never rounded (the default 28 would round a long input
        # to a six-decimal value and let an inexact reading through).
        exact.prec = max(28, len(value.as_tuple().digits) + len(factor.as_tuple().digits) + 2)
        gj = value * factor
        shown = gj.normalize()
    try:
        stored = gj.quantize(GJ_PLACES, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ReadingError("too_large", value=str(value), unit=unit) from None
    if stored != gj:
        raise ReadingError("inexact", value=str(value), unit=unit, gj=f"{shown:f}")
    if stored >= MAX_GJ:
        raise ReadingError("too_large", value=str(value), unit=unit)
    return stored.copy_abs()  # "-0" is zero, not a negative zero


class Point(NamedTuple):
    read_at: datetime.datetime
    value: Decimal


class Candidate(NamedTuple):
    """A reading that passed the checks that need no other reading (a tuple: files bring 10⁵ of them)."""

    index: int
    meter_id: int
    read_at: datetime.datetime
    value_gj: Decimal
    client_id: str | None
    area_m2: Decimal = Decimal("0")


@dataclass(frozen=True)
class Stored:
    """What is already stored around the candidates.

    `valid`: per meter, its valid readings (time order) in and around the candidates' times — the
    neighbours; flagged readings are not neighbours until staff confirm them. `live`: every live
    (non-void) value by (meter, time), flagged included. `client_ids`: client key → (meter, time, value).
    """

    valid: dict[int, list[Point]] = field(default_factory=dict)
    live: dict[tuple[int, datetime.datetime], Decimal] = field(default_factory=dict)
    client_ids: dict[str, tuple[int, datetime.datetime, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    max_daily_gj_per_m2: Decimal
    history_factor: Decimal


@dataclass(slots=True)
class Outcome:
    index: int
    status: str
    reason: str | None = None
    flags: list[str] = field(default_factory=list)
    code: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def refused(cls, index: int, code: str, **params: str) -> "Outcome":
        return cls(index, REJECTED, REASONS[code].format(**params), [], code, params)


def _show(point: Point) -> dict[str, str]:
    return {"value": gj_text(point.value), "read_at": point.read_at.isoformat()}


class _MeterLine:
    """A meter's valid readings, stored and accepted so far, in time order."""

    def __init__(self, points: list[Point]):
        self.points = sorted(points, key=lambda p: p.read_at)
        self.times = [p.read_at for p in self.points]

    def around(self, moment):
        i = bisect.bisect_left(self.times, moment)
        before = self.points[i - 1] if i else None
        before_that = self.points[i - 2] if i > 1 else None
        after = self.points[i] if i < len(self.points) else None
        return before, before_that, after

    def add(self, point: Point):
        i = bisect.bisect_left(self.times, point.read_at)
        self.times.insert(i, point.read_at)
        self.points.insert(i, point)


def judge(candidates: list[Candidate], stored: Stored, limits: Limits) -> list[Outcome]:
    """Judge candidates in the order sent; each one stored becomes a neighbour of the next."""
    lines: dict[int, _MeterLine] = {}
    client_ids = dict(stored.client_ids)
    live = dict(stored.live)
    outcomes = []
    for c in candidates:
        line = lines.get(c.meter_id)
        if line is None:
            line = lines[c.meter_id] = _MeterLine(stored.valid.get(c.meter_id, []))
        outcome = _judge_one(c, line, client_ids, live, limits)
        outcomes.append(outcome)
        if outcome.status == STORED:
            if c.client_id:
                client_ids[c.client_id] = (c.meter_id, c.read_at, c.value_gj)
            live[(c.meter_id, c.read_at)] = c.value_gj
            if not outcome.flags:
                line.add(Point(c.read_at, c.value_gj))
    return outcomes


def _judge_one(c: Candidate, line: _MeterLine, client_ids, live, limits: Limits) -> Outcome:
    earlier = client_ids.get(c.client_id) if c.client_id else None
    if earlier:
        if earlier == (c.meter_id, c.read_at, c.value_gj):
            return Outcome(c.index, DUPLICATE)
        _, at, value = earlier
        return Outcome.refused(
            c.index,
            "conflict_client_id",
            client_id=c.client_id,
            value=gj_text(value),
            read_at=at.isoformat(),
            new_value=gj_text(c.value_gj),
            new_read_at=c.read_at.isoformat(),
        )
    same_time = live.get((c.meter_id, c.read_at))
    if same_time is not None:
        if same_time == c.value_gj:
            return Outcome(c.index, DUPLICATE)
        return Outcome.refused(
            c.index,
            "conflict_time",
            value=gj_text(same_time),
            read_at=c.read_at.isoformat(),
            new_value=gj_text(c.value_gj),
        )
    before, before_that, after = line.around(c.read_at)
    if before and c.value_gj < before.value:
        return Outcome.refused(c.index, "below_earlier", **_show(before))
    if after and c.value_gj > after.value:
        return Outcome.refused(c.index, "above_later", **_show(after))
    flags = [IMPLAUSIBLE] if before and _implausible(c, before, before_that, limits) else []
    return Outcome(c.index, STORED, None, flags)


DAY = 86400  # seconds
DAILY_USE_PLACES = Decimal("0.001")


def interval(earlier: Point, later: Point) -> tuple[Decimal, int]:
    """What daily use is made of: heat used between two readings and the whole seconds between them.

    Daily use = used × DAY ÷ seconds. The rules compare it by cross-multiplying (`_exceeds`), so no
    division is rounded; pages show it with `daily_use`. Both start here."""
    return later.value - earlier.value, int((later.read_at - earlier.read_at).total_seconds())


def daily_use(earlier: Point, later: Point) -> Decimal | None:
    """GJ a day between two readings, to three decimals, as people read it; None without time between."""
    used, seconds = interval(earlier, later)
    if seconds <= 0:
        return None
    return (used * DAY / seconds).quantize(DAILY_USE_PLACES, rounding=ROUND_HALF_UP)


def _exceeds(used: Decimal, seconds: int, per_day: Decimal) -> bool:
    """used × DAY ÷ seconds > per_day, without dividing."""
    return used * DAY > per_day * seconds


def _implausible(c: Candidate, before: Point, before_that: Point | None, limits: Limits) -> bool:
    """Far above what both the home's area and the meter's previous interval suggest.

    With neither an area nor a previous interval to compare with, nothing is implausible.
    """
    used, seconds = interval(before, Point(c.read_at, c.value_gj))
    if used <= 0 or seconds <= 0:
        return False
    above_area = _exceeds(used, seconds, c.area_m2 * limits.max_daily_gj_per_m2)
    if before_that is not None:
        earlier_used, earlier_seconds = interval(before_that, before)
        if earlier_seconds > 0 and earlier_used > 0:
            # This interval's daily use above `history_factor` times the one before, cross-multiplied.
            return above_area and used * earlier_seconds > earlier_used * limits.history_factor * seconds
    return above_area and c.area_m2 > 0
