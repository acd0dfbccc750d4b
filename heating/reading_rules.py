"""The rules a heat-meter reading must pass (POLICY.md §7), as pure functions over plain data.

`judge` decides, for readings arriving together, which are stored, which are duplicates and which
are refused and why, given what the database already holds around each of them. The service in
heating/services/readings.py gathers that context set-based and writes the outcome; every entry
path (keyboard, file, remote API) goes through it, so the rules live here once.
"""
import bisect
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

GJ_PLACES = Decimal("0.000001")
UNIT_FACTORS = {"GJ": Decimal("1"), "MWh": Decimal("3.6"), "kWh": Decimal("0.0036")}
KINDS = ("actual", "estimated", "customer", "exchange")
STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"
IMPLAUSIBLE = "implausible_use"


class ReadingError(ValueError):
    pass


def to_gj(value: Decimal, unit: str) -> Decimal:
    """The register value in GJ, exactly, or ReadingError if six decimals cannot hold it."""
    if unit not in UNIT_FACTORS:
        raise ReadingError(f"unknown unit {unit!r}; expected GJ, MWh or kWh")
    if not value.is_finite():
        raise ReadingError("the value must be a finite number")
    if value < 0:
        raise ReadingError(f"a cumulative register cannot be negative ({value})")
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
        raise ReadingError(f"the value {value} {unit} is too large") from None
    if stored != gj:
        raise ReadingError(f"{value} {unit} = {shown} GJ cannot be stored exactly in six decimals")
    if stored >= Decimal("1e10"):
        raise ReadingError(f"the value {value} {unit} is too large")
    return stored.copy_abs()  # "-0" is zero, not a negative zero


@dataclass(frozen=True)
class Point:
    read_at: datetime.datetime
    value: Decimal


@dataclass(frozen=True)
class Candidate:
    """A reading that passed the pure checks, with what the database holds around it."""

    index: int
    meter_id: int
    read_at: datetime.datetime
    value_gj: Decimal
    client_id: str | None
    # Existing readings: by client id (meter_id, read_at, value), at the same moment, and the live
    # (valid) readings just before and after, and the one before that for the use history.
    same_client: tuple[int, datetime.datetime, Decimal] | None = None
    same_time: Decimal | None = None
    before: Point | None = None
    before_that: Point | None = None
    after: Point | None = None
    area_m2: Decimal = Decimal("0")


@dataclass(frozen=True)
class Limits:
    max_daily_gj_per_m2: Decimal
    history_factor: Decimal


@dataclass
class Outcome:
    index: int
    status: str
    reason: str | None = None
    flags: list[str] = field(default_factory=list)


def _days(a: datetime.datetime, b: datetime.datetime) -> Decimal:
    return Decimal((b - a).total_seconds()) / Decimal(86400)


def _daily(earlier: Point, later: Point) -> Decimal | None:
    days = _days(earlier.read_at, later.read_at)
    return (later.value - earlier.value) / days if days > 0 else None


def gj_text(value: Decimal) -> str:
    """6 decimals are stored; a person reads 120.5, not 120.500000."""
    text = f"{value.normalize():f}"
    return text if "." in text else f"{text}.0"


def _show(point: Point) -> str:
    return f"{gj_text(point.value)} GJ at {point.read_at.isoformat()}"


class _MeterLine:
    """The readings of one meter accepted so far in this batch, in time order."""

    def __init__(self):
        self.times: list[datetime.datetime] = []
        self.points: list[Point] = []

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


def _later(a: Point | None, b: Point | None) -> Point | None:
    return max((p for p in (a, b) if p), key=lambda p: p.read_at, default=None)


def _earlier(a: Point | None, b: Point | None) -> Point | None:
    return min((p for p in (a, b) if p), key=lambda p: p.read_at, default=None)


def judge(candidates: list[Candidate], limits: Limits) -> list[Outcome]:
    """Judge candidates in the order sent; each stored one becomes a neighbour of the next."""
    lines: dict[int, _MeterLine] = {}
    seen_ids: dict[str, Candidate] = {}
    seen_times: dict[tuple[int, datetime.datetime], Decimal] = {}
    outcomes = []
    for c in candidates:
        outcome = _judge_one(c, lines, seen_ids, seen_times, limits)
        outcomes.append(outcome)
        if outcome.status == STORED:
            if c.client_id:
                seen_ids[c.client_id] = c
            seen_times[(c.meter_id, c.read_at)] = c.value_gj
            if not outcome.flags:
                lines.setdefault(c.meter_id, _MeterLine()).add(Point(c.read_at, c.value_gj))
    return outcomes


def _judge_one(c, lines, seen_ids, seen_times, limits) -> Outcome:
    earlier_id = seen_ids.get(c.client_id) if c.client_id else None
    same_client = c.same_client or (
        (earlier_id.meter_id, earlier_id.read_at, earlier_id.value_gj) if earlier_id else None
    )
    if same_client:
        if same_client == (c.meter_id, c.read_at, c.value_gj):
            return Outcome(c.index, DUPLICATE)
        _, at, value = same_client
        return Outcome(
            c.index,
            REJECTED,
            f"conflict: reading_id {c.client_id} was stored as {gj_text(value)} GJ at {at.isoformat()}; "
            f"this one says {gj_text(c.value_gj)} GJ at {c.read_at.isoformat()}",
        )
    same_time = c.same_time if c.same_time is not None else seen_times.get((c.meter_id, c.read_at))
    if same_time is not None:
        if same_time == c.value_gj:
            return Outcome(c.index, DUPLICATE)
        return Outcome(
            c.index,
            REJECTED,
            f"conflict: this meter already has {gj_text(same_time)} GJ at {c.read_at.isoformat()}; "
            f"this one says {gj_text(c.value_gj)} GJ",
        )
    batch_before, batch_before_that, batch_after = lines.get(c.meter_id, _MeterLine()).around(c.read_at)
    before = _later(c.before, batch_before)
    after = _earlier(c.after, batch_after)
    if before and c.value_gj < before.value:
        return Outcome(c.index, REJECTED, f"below the earlier reading {_show(before)}")
    if after and c.value_gj > after.value:
        return Outcome(c.index, REJECTED, f"above the later reading {_show(after)}")
    flags = []
    history = _history_point(c, before, batch_before, batch_before_that) if before else None
    if before and _implausible(c, before, history, limits):
        flags.append(IMPLAUSIBLE)
    return Outcome(c.index, STORED, None, flags)


def _history_point(
    c: Candidate, before: Point, batch_before: Point | None, batch_before_that: Point | None
) -> Point | None:
    """The live reading before `before`, wherever it came from: when `before` is the database's, the
    batch's own reading before the candidate may be the one just before it."""
    candidates = (c.before, c.before_that, batch_before, batch_before_that)
    options = [p for p in candidates if p and p.read_at < before.read_at]
    return max(options, key=lambda p: p.read_at, default=None)


def _implausible(c: Candidate, before: Point, before_that: Point | None, limits: Limits) -> bool:
    daily = _daily(before, Point(c.read_at, c.value_gj))
    if daily is None or daily <= 0:
        return False
    limit = c.area_m2 * limits.max_daily_gj_per_m2
    history = _daily(before_that, before) if before_that else None
    if history is not None:
        limit = max(limit, history * limits.history_factor)
    return daily > limit
