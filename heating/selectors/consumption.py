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
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heating.models import Account, Meter, Reading
from heating.models.policy import season_days

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


def season_consumption(accounts: Iterable[Account], start_year: int) -> dict[int, Usage]:
    """Usage per account id for every account given that had a meter during the season.

    Three queries whatever the number of accounts: the meters with the ids of their endpoint
    readings (correlated subqueries), and the readings themselves.
    """
    first_day, last_day = season_days(start_year)
    first_from, first_until = _local_midnight(first_day), _local_midnight(first_day + ONE_DAY)
    last_from, last_until = _local_midnight(last_day), _local_midnight(last_day + ONE_DAY)
    live = Reading.objects.filter(meter=OuterRef("pk")).exclude(status=Reading.Status.VOID)

    def first(qs, order):
        return Subquery(qs.order_by(order).values("id")[:1])

    on_first_day = live.filter(read_at__gte=first_from, read_at__lt=first_until)
    on_last_day = live.filter(read_at__gte=last_from, read_at__lt=last_until)

    meters = list(
        Meter.objects.filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=first_day),
            account__in=list(accounts),
            installed_on__lte=last_day,
        )
        .annotate(
            opening_id=Coalesce(
                first(on_first_day, "read_at"), first(live.filter(read_at__lt=first_from), "-read_at")
            ),
            closing_id=Coalesce(
                first(on_last_day, "-read_at"), first(live.filter(read_at__gte=last_until), "read_at")
            ),
            first_id=first(live, "read_at"),
            last_id=first(live, "-read_at"),
        )
        .order_by("account_id", "installed_on", "id")
    )
    wanted = set()
    ends = {}
    for meter in meters:
        installed_in_season = meter.installed_on > first_day
        removed_in_season = meter.removed_on is not None and meter.removed_on < last_day
        ends[meter.id] = (
            meter.first_id if installed_in_season else meter.opening_id,
            meter.last_id if removed_in_season else meter.closing_id,
            # A first reading after the installation day is not the installation reading, and a last
            # reading before the removal day is not the removal reading: the use in between is
            # unknown, not zero.
            _local_midnight(meter.installed_on + ONE_DAY) if installed_in_season else None,
            _local_midnight(meter.removed_on) if removed_in_season else None,
        )
        wanted.update(i for i in ends[meter.id][:2] if i)
    readings = Reading.objects.in_bulk(wanted)

    spans: dict[int, list[Span]] = {}
    problems: dict[int, list[Problem]] = {}
    for meter in meters:
        opening_id, closing_id, installed_by, removed_from = ends[meter.id]
        opening, closing = readings.get(opening_id), readings.get(closing_id)
        if opening is not None and installed_by is not None and opening.read_at >= installed_by:
            opening = None
        if closing is not None and removed_from is not None and closing.read_at < removed_from:
            closing = None
        found = [
            p
            for p in (
                _endpoint_problem(opening, "opening", meter.serial),
                _endpoint_problem(closing, "closing", meter.serial),
            )
            if p
        ]
        problems.setdefault(meter.account_id, []).extend(found)
        if not found:
            spans.setdefault(meter.account_id, []).append(Span(meter.serial, opening, closing))
    return {
        account_id: Usage(account_id, tuple(spans.get(account_id, ())), tuple(problems[account_id]))
        for account_id in problems
    }
