"""Heat used in a season, per metered account, from its meters' cumulative readings (POLICY.md §7).

Opening reading: a meter's earliest live reading on the season's first day, or, if that day has none,
its last one before it (for a meter installed during the season, its first reading, which must be taken
by the end of the installation day). Closing reading: its latest live reading on the last day, or, if
that day has none, its first one after it (for a meter removed during the season, its last reading,
which must be taken on or after the removal day). Q is the sum of the
meters' spans. A meter removed on or before the first day is not the season's (as for the facts).
An estimated or customer reading never settles alone: an endpoint must be an actual (or exchange)
reading or one staff confirmed; a flagged one must be reviewed first. Accounts that cannot be
settled are listed with the reasons, never guessed.

The meter belongs to the home (the premises), and each account gets the heat measured while it was
open (POLICY.md §4, §7): its span runs from its first to its last day open in the season. An account
closed mid-season closes on its closing day; the account opened after it on the same home opens on its
opening day, on the same meter, whichever account the meter was recorded under. At such a cut an
endpoint is a reading of the day itself or, failing that, of the neighbouring day (the other account's
endpoint), never one further away, so that no heat is counted for both accounts.
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heating.models import Account, Meter, Reading
from heating.models.policy import season_days

from .facts import open_days

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    serial: str
    opening: Reading
    closing: Reading

    @property
    def used_gj(self) -> Decimal:
        return self.closing.value_gj - self.opening.value_gj


@dataclass(frozen=True)
class Problem:
    code: str
    serial: str
    reading_id: int | None = None

    MESSAGES = {
        "no_opening": _("表 %(serial)s 缺少期初读数"),
        "no_closing": _("表 %(serial)s 缺少期末读数"),
        "estimated_opening": _("表 %(serial)s 的期初读数为估抄或用户自报，未经确认"),
        "estimated_closing": _("表 %(serial)s 的期末读数为估抄或用户自报，未经确认"),
        "flagged_opening": _("表 %(serial)s 的期初读数待复核"),
        "flagged_closing": _("表 %(serial)s 的期末读数待复核"),
    }

    def __str__(self):
        return str(self.MESSAGES[self.code] % {"serial": self.serial})


@dataclass(frozen=True)
class Usage:
    account_id: int
    spans: tuple[Span, ...]
    problems: tuple[Problem, ...]

    @property
    def heat_gj(self) -> Decimal | None:
        """Q, or None while any problem stands (the account is an exception, not a guess)."""
        if self.problems or not self.spans:
            return None
        return sum((span.used_gj for span in self.spans), Decimal("0"))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _endpoint_problem(reading: Reading | None, end: str, serial: str) -> Problem | None:
    if reading is None:
        return Problem(f"no_{end}", serial)
    if reading.status == Reading.Status.FLAGGED:
        return Problem(f"flagged_{end}", serial, reading.id)
    settles = reading.kind in (Reading.Kind.ACTUAL, Reading.Kind.EXCHANGE) or reading.confirmed
    return None if settles else Problem(f"estimated_{end}", serial, reading.id)


def _first(qs, order):
    return Subquery(qs.order_by(order).values("id")[:1])


def _home_meters(account_ids: list[int], first_day: datetime.date, last_day: datetime.date):
    """One row per (meter, account) on the same premises, the meter in place some day of the season;
    `target_id` is the account. The first and last reading of the meter come along."""
    live = Reading.objects.filter(meter=OuterRef("pk")).exclude(status=Reading.Status.VOID)
    return (
        Meter.objects.filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=first_day),
            account__premises__accounts__in=account_ids,
            installed_on__lte=last_day,
        )
        .annotate(
            target_id=F("account__premises__accounts__id"),
            first_id=_first(live, "read_at"),
            last_id=_first(live, "-read_at"),
        )
        .order_by("account__premises__accounts__id", "installed_on", "id")
    )


def _whole_season(account_ids, first_day, last_day):
    """The pairs of accounts open the whole season: endpoints on the season's first and last day."""
    first_from, first_until = _local_midnight(first_day), _local_midnight(first_day + ONE_DAY)
    last_from, last_until = _local_midnight(last_day), _local_midnight(last_day + ONE_DAY)
    live = Reading.objects.filter(meter=OuterRef("pk")).exclude(status=Reading.Status.VOID)
    on_first_day = live.filter(read_at__gte=first_from, read_at__lt=first_until)
    on_last_day = live.filter(read_at__gte=last_from, read_at__lt=last_until)
    return _home_meters(account_ids, first_day, last_day).annotate(
        opening_id=Coalesce(
            _first(on_first_day, "read_at"), _first(live.filter(read_at__lt=first_from), "-read_at")
        ),
        closing_id=Coalesce(
            _first(on_last_day, "-read_at"), _first(live.filter(read_at__gte=last_until), "read_at")
        ),
    )


def _part_season(account_ids, first_day, last_day):
    """The pairs of accounts open part of the season: endpoints on the account's own first and last day
    open (local dates, computed per row in SQL)."""
    day = DateField()
    since = Greatest(F("account__premises__accounts__opened_on"), Value(first_day, output_field=day))
    closed = Coalesce(F("account__premises__accounts__closed_on"), Value(last_day, output_field=day))
    until = Least(closed, Value(last_day, output_field=day))
    live = (
        Reading.objects.filter(meter=OuterRef("pk"))
        .exclude(status=Reading.Status.VOID)
        .annotate(day=TruncDate("read_at"))
    )
    return (
        _home_meters(account_ids, first_day, last_day)
        .annotate(since=since, until=until)
        .annotate(
            opening_id=Coalesce(
                _first(live.filter(day=OuterRef("since")), "read_at"),
                _first(live.filter(day__lt=OuterRef("since")), "-read_at"),
            ),
            closing_id=Coalesce(
                _first(live.filter(day=OuterRef("until")), "-read_at"),
                _first(live.filter(day__gt=OuterRef("until")), "read_at"),
            ),
        )
    )


@dataclass(frozen=True)
class Ends:
    """A meter of the home while the account was open, with its season endpoints (POLICY.md §7), or
    None for an endpoint not found or not the season's (a reading too far from a cut, an installation
    or a removal). Whether an endpoint found settles is left to the caller."""

    account_id: int
    meter: Meter
    opening: Reading | None
    closing: Reading | None


def season_endpoints(accounts: Iterable[Account], start_year: int) -> list[Ends]:
    """The endpoints of every meter on the accounts' homes while they were open, in the order of
    account, installation and meter; a fixed number of queries whatever the number of accounts: the
    meters of their homes with the ids of their endpoint readings (correlated subqueries; one query for
    the accounts open the whole season, one for those open part of it, when there are any), and the
    readings themselves."""
    accounts = list(accounts)
    first_day, last_day = season_days(start_year)
    windows = {a.id: open_days(a, start_year) for a in accounts}
    whole_season = (first_day, last_day)
    whole = [i for i, window in windows.items() if window == whole_season]
    part = [i for i, (since, until) in windows.items() if since <= until and (since, until) != whole_season]
    meters = list(_whole_season(whole, first_day, last_day)) if whole else []
    if part:
        meters += list(_part_season(part, first_day, last_day))

    wanted = set()
    ends = {}
    pairs = []
    for meter in meters:
        since, until = windows[meter.target_id]
        if meter.installed_on > until or (meter.removed_on is not None and meter.removed_on <= since):
            continue  # on the home, but not while this account was open
        pairs.append(meter)
        installed_in_span = meter.installed_on > since
        removed_in_span = meter.removed_on is not None and meter.removed_on < until
        ends[meter.target_id, meter.id] = (
            meter.first_id if installed_in_span else meter.opening_id,
            meter.last_id if removed_in_span else meter.closing_id,
            # A first reading after the installation day is not the installation reading, and a last
            # reading before the removal day is not the removal reading: the use in between is
            # unknown, not zero. At a cut inside the season only the neighbouring day's reading will do.
            _local_midnight(meter.installed_on + ONE_DAY) if installed_in_span else None,
            _local_midnight(meter.removed_on) if removed_in_span else None,
            _local_midnight(since - ONE_DAY) if since > first_day and not installed_in_span else None,
            _local_midnight(until + 2 * ONE_DAY) if until < last_day and not removed_in_span else None,
        )
        wanted.update(i for i in ends[meter.target_id, meter.id][:2] if i)
    readings = Reading.objects.in_bulk(wanted)

    found = []
    for meter in pairs:
        key = meter.target_id, meter.id
        opening_id, closing_id, installed_by, removed_from, cut_from, cut_until = ends[key]
        opening, closing = readings.get(opening_id), readings.get(closing_id)
        if opening is not None and installed_by is not None and opening.read_at >= installed_by:
            opening = None
        if closing is not None and removed_from is not None and closing.read_at < removed_from:
            closing = None
        if opening is not None and cut_from is not None and opening.read_at < cut_from:
            opening = None
        if closing is not None and cut_until is not None and closing.read_at >= cut_until:
            closing = None
        found.append(Ends(meter.target_id, meter, opening, closing))
    return found


def season_consumption(accounts: Iterable[Account], start_year: int) -> dict[int, Usage]:
    """Usage per account id for every account given that had a meter on its home while open, in the
    queries of `season_endpoints`."""
    spans: dict[int, list[Span]] = {}
    problems: dict[int, list[Problem]] = {}
    for ends in season_endpoints(accounts, start_year):
        serial = ends.meter.serial
        found = [
            p
            for p in (
                _endpoint_problem(ends.opening, "opening", serial),
                _endpoint_problem(ends.closing, "closing", serial),
            )
            if p
        ]
        problems.setdefault(ends.account_id, []).extend(found)
        if not found:
            spans.setdefault(ends.account_id, []).append(Span(serial, ends.opening, ends.closing))
    return {
        account_id: Usage(account_id, tuple(spans.get(account_id, ())), tuple(problems[account_id]))
        for account_id in problems
    }
