"""Storing heat-meter readings: every entry path (keyboard, file, remote API) comes through here.

The rules are in heating/reading_rules.py; this module gathers, set-based, what the database holds
around the incoming readings (a fixed number of statements whatever their number), asks the rules,
and writes the outcome in one transaction.
"""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from heating.batching import chunks
from heating.models import Meter, Organisation, Reading, ReadingLimits
from heating.reading_rules import (
    GJ_PLACES,
    IMPLAUSIBLE,
    KINDS,
    REJECTED,
    STORED,
    Candidate,
    Limits,
    Outcome,
    Point,
    ReadingError,
    Stored,
    judge,
    to_gj,
)

# Readings may be stamped a little ahead of the server's clock by a device; beyond this, "future".
CLOCK_SKEW = datetime.timedelta(minutes=5)
# Rows per statement where a portable statement lists its parameters one by one.
CHUNK = 2000
# Writers to different meters may race on one client key (reading_id): the meter locks do not order
# them, so the loser trips the unique (company, client_id) at insert. Judged again, it gets its proper
# outcome (a duplicate or a conflict); after this many tries it gives up.
INGEST_ATTEMPTS = 3


class ReadingsBusy(IntegrityError):
    """The readings kept colliding with concurrent writers; nothing of them was stored.

    An IntegrityError, so that callers that already treat a write conflict as "try again later"
    keep doing so; PostgreSQL's COPY raises the driver's own error, which this one replaces."""


class Incoming(NamedTuple):
    serial: str
    read_at: datetime.datetime
    value: Decimal
    unit: str = "GJ"
    kind: str = "actual"
    client_id: str | None = None
    note: str = ""


@dataclass
class MeterFacts:
    id: int
    area_m2: Decimal
    installed_on: datetime.date
    removed_on: datetime.date | None

    @cached_property
    def in_service(self) -> tuple[datetime.datetime, datetime.datetime | None]:
        """From local midnight of the installation day to the end of the removal day."""
        since = timezone.make_aware(datetime.datetime.combine(self.installed_on, datetime.time.min))
        if self.removed_on is None:
            return since, None
        until = datetime.datetime.combine(self.removed_on + datetime.timedelta(days=1), datetime.time.min)
        return since, timezone.make_aware(until)


def limits_for(company: Organisation) -> Limits:
    row = (
        ReadingLimits.objects.filter(Q(company=company) | Q(company__isnull=True))
        .order_by(F("company_id").asc(nulls_last=True), "id")  # the company's own row before the default
        .first()
    )
    row = row or ReadingLimits()
    return Limits(row.max_daily_gj_per_m2, row.history_factor)


def _db_time(value):
    """A time from raw SQL (SQLite gives naive UTC, as text or datetime) in local time."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return timezone.localtime(value)


def _db_gj(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(GJ_PLACES)


_AROUND_PORTABLE = """
WITH s(meter_id, lo, hi) AS (VALUES {values}),
t AS (
  SELECT s.meter_id, s.lo, s.hi,
    (SELECT MAX(r.read_at) FROM heating_reading r
      WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at < s.lo) AS b1,
    (SELECT MIN(r.read_at) FROM heating_reading r
      WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at > s.hi) AS a1
  FROM s
),
u AS (
  SELECT t.*, (SELECT MAX(r.read_at) FROM heating_reading r
      WHERE r.meter_id = t.meter_id AND r.status = 'valid' AND r.read_at < t.b1) AS b2
  FROM t
)
SELECT r.meter_id, r.read_at, r.value_gj, r.status FROM u JOIN heating_reading r
  ON r.meter_id = u.meter_id AND r.status <> 'void' AND r.read_at >= u.lo AND r.read_at <= u.hi
UNION ALL
SELECT r.meter_id, r.read_at, r.value_gj, r.status FROM u JOIN heating_reading r
  ON r.meter_id = u.meter_id AND r.status = 'valid' AND r.read_at IN (u.b1, u.b2, u.a1)
"""

_AROUND_POSTGRES = """
WITH s AS (SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS s(meter_id, lo, hi))
SELECT r.meter_id, r.read_at, r.value_gj, r.status FROM s JOIN heating_reading r
  ON r.meter_id = s.meter_id AND r.status <> 'void' AND r.read_at >= s.lo AND r.read_at <= s.hi
UNION ALL
SELECT b.* FROM s CROSS JOIN LATERAL (
  SELECT r.meter_id, r.read_at, r.value_gj, r.status FROM heating_reading r
  WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at < s.lo
  ORDER BY r.read_at DESC LIMIT 2) b
UNION ALL
SELECT a.* FROM s CROSS JOIN LATERAL (
  SELECT r.meter_id, r.read_at, r.value_gj, r.status FROM heating_reading r
  WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at > s.hi
  ORDER BY r.read_at LIMIT 1) a
"""


def _around_rows(spans: list[tuple[int, datetime.datetime, datetime.datetime]]):
    """Stored rows (meter_id, read_at, value_gj, status) for meters over time spans (lo, hi): every
    live reading inside the span, and the two valid readings before it and the one after.

    PostgreSQL takes the spans as three arrays in one short statement; elsewhere the portable
    form lists them in VALUES, a chunk at a time. Both give the same rows (tested)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            meter_ids, los, his = (
                (list(column) for column in zip(*spans, strict=True)) if spans else ([], [], [])
            )
            cursor.execute(_AROUND_POSTGRES, [meter_ids, los, his])
            yield from cursor.fetchall()
            return
        yield from _around_rows_portable(cursor, spans)


def _around_rows_portable(cursor, spans):
    adapt = connection.ops.adapt_datetimefield_value
    for chunk in chunks(spans, CHUNK):
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params = [p for meter_id, lo, hi in chunk for p in (meter_id, adapt(lo), adapt(hi))]
        cursor.execute(_AROUND_PORTABLE.format(values=values), params)
        yield from cursor.fetchall()


def _stored_around(candidates: list[Candidate], client_ids: dict) -> Stored:
    spans: dict[int, list[datetime.datetime]] = {}
    for c in candidates:
        span = spans.get(c.meter_id)
        if span is None:
            spans[c.meter_id] = [c.read_at, c.read_at]
        elif c.read_at < span[0]:
            span[0] = c.read_at
        elif c.read_at > span[1]:
            span[1] = c.read_at
    valid: dict[int, list[Point]] = {}
    live: dict[tuple[int, datetime.datetime], Decimal] = {}
    for meter_id, at, value, status in _around_rows([(m, lo, hi) for m, (lo, hi) in spans.items()]):
        at, value = _db_time(at), _db_gj(value)
        live[(meter_id, at)] = value
        if status == Reading.Status.VALID:
            valid.setdefault(meter_id, []).append(Point(at, value))
    return Stored(valid=valid, live=live, client_ids=client_ids)


def _meters(company, serials) -> dict[str, MeterFacts]:
    """This company's meters by serial, with the heated area of their homes now."""
    found = {}
    for chunk in chunks(sorted(serials), CHUNK):
        rows = (
            Meter.objects.filter(company=company, serial__in=chunk)
            .annotate(
                area=Sum(
                    "account__premises__parts__area",
                    filter=Q(account__premises__parts__until_year__isnull=True),
                )
            )
            .values_list("serial", "id", "area", "installed_on", "removed_on")
        )
        for serial, meter_id, area, installed_on, removed_on in rows:
            found[serial] = MeterFacts(meter_id, area or Decimal("0"), installed_on, removed_on)
    return found


def _client_ids(company, ids) -> dict[str, tuple[int, datetime.datetime, Decimal]]:
    found = {}
    for chunk in chunks(sorted(ids), 20000 if connection.vendor == "postgresql" else CHUNK):
        rows = Reading.objects.filter(company=company, client_id__in=chunk).values_list(
            "client_id", "meter_id", "read_at", "value_gj"
        )
        found.update({cid: (meter_id, _db_time(at), value) for cid, meter_id, at, value in rows})
    return found


def _precheck(item: Incoming, latest: datetime.datetime) -> Decimal:
    if item.kind not in KINDS:
        raise ReadingError("unknown_kind", kind=item.kind)
    if item.read_at.tzinfo is None:
        raise ReadingError("naive_time")
    if item.read_at > latest:
        raise ReadingError("future", read_at=item.read_at.isoformat())
    return to_gj(item.value, item.unit)


def _in_service(item: Incoming, meter: MeterFacts) -> None:
    since, until = meter.in_service
    if item.read_at < since:
        raise ReadingError(
            "before_installation", serial=item.serial, installed_on=meter.installed_on.isoformat()
        )
    if until is not None and item.read_at >= until:
        raise ReadingError("after_removal", serial=item.serial, removed_on=meter.removed_on.isoformat())


def readings_judge(*, company, incoming: Sequence[Incoming], now=None):
    """Outcomes for every incoming reading, in order, and the candidates to store. Writes nothing."""
    latest = (now or timezone.now()) + CLOCK_SKEW
    outcomes: dict[int, Outcome] = {}
    converted: dict[int, Decimal] = {}
    for index, item in enumerate(incoming):
        try:
            converted[index] = _precheck(item, latest)
        except ReadingError as exc:
            outcomes[index] = Outcome.refused(index, exc.code, **exc.params)
    meters = _meters(company, {incoming[i].serial for i in converted})
    candidates = []
    for index, value in converted.items():
        item = incoming[index]
        meter = meters.get(item.serial)
        try:
            if meter is None:
                # Worded the same whether or not another company has the meter.
                raise ReadingError("unknown_meter", serial=item.serial)
            _in_service(item, meter)
        except ReadingError as exc:
            outcomes[index] = Outcome.refused(index, exc.code, **exc.params)
            continue
        candidates.append(
            Candidate(index, meter.id, item.read_at, value, item.client_id or None, meter.area_m2)
        )
    client_ids = _client_ids(company, {c.client_id for c in candidates if c.client_id})
    stored = _stored_around(candidates, client_ids)
    for outcome in judge(candidates, stored, limits_for(company)):
        outcomes[outcome.index] = outcome
    accepted = [c for c in candidates if outcomes[c.index].status == STORED]
    return [outcomes[i] for i in range(len(incoming))], accepted


def readings_ingest(
    *,
    company: Organisation,
    incoming: Sequence[Incoming],
    source: str,
    user=None,
    all_or_nothing: bool = False,
    import_batch=None,
    api_token=None,
) -> list[Outcome]:
    """Judge and store readings in one transaction.

    With `all_or_nothing`, a single refused reading means nothing is written (files, keyboard);
    otherwise each reading stands on its own (the remote API). Concurrent writers to the same
    meters are serialised by locking those meters first (a no-op on SQLite, which locks the file).
    A write that loses a race on a client key is judged again (INGEST_ATTEMPTS), then ReadingsBusy.
    """
    # PostgreSQL's COPY runs on the driver's cursor, so its errors come unwrapped by Django.
    integrity_errors = (IntegrityError, connection.Database.IntegrityError)
    for _attempt in range(INGEST_ATTEMPTS):
        try:
            return _ingest_once(
                company=company,
                incoming=incoming,
                source=source,
                user=user,
                all_or_nothing=all_or_nothing,
                import_batch=import_batch,
                api_token=api_token,
            )
        except integrity_errors as exc:
            last = exc  # this attempt was rolled back: judge again against what is now stored
    raise ReadingsBusy("the readings kept colliding with concurrent writers") from last


def _ingest_once(*, company, incoming, source, user, all_or_nothing, import_batch, api_token):
    now = timezone.now()
    with transaction.atomic():
        serials = sorted({item.serial for item in incoming})
        for chunk in chunks(serials, CHUNK):
            # Only the meters (not the company row the default ordering would join), in id order.
            locked = Meter.objects.select_for_update(of=("self",)).filter(company=company, serial__in=chunk)
            list(locked.order_by("pk").values_list("id"))
        outcomes, accepted = readings_judge(company=company, incoming=incoming, now=now)
        if all_or_nothing and any(o.status == REJECTED for o in outcomes):
            return outcomes
        base = {
            "source": source,
            "company_id": company.id,
            "import_batch_id": import_batch.id if import_batch else None,
            "created_at": now,
            "created_by_id": user.id if user else None,
            "api_token_id": api_token.id if api_token else None,
        }
        insert_readings([_row(c, incoming[c.index], outcomes[c.index].flags, base) for c in accepted])
    return outcomes


_COLUMNS = (
    "meter_id",
    "read_at",
    "value_gj",
    "kind",
    "status",
    "client_id",
    "flags",
    "note",
    "source",
    "company_id",
    "import_batch_id",
    "created_at",
    "created_by_id",
    "api_token_id",
)


def _row(c: Candidate, item: Incoming, flags: list[str], base: dict) -> dict:
    status = Reading.Status.FLAGGED if IMPLAUSIBLE in flags else Reading.Status.VALID
    return {
        "meter_id": c.meter_id,
        "read_at": c.read_at,
        "value_gj": c.value_gj,
        "kind": item.kind,
        "status": status,
        "client_id": c.client_id,
        "flags": flags,
        "note": item.note,
        **base,
    }


def insert_readings(rows: list[dict]) -> None:
    """Bulk insert of new readings (dicts of _COLUMNS): COPY on PostgreSQL, bulk_create elsewhere.

    Bypasses save() and history on purpose: a reading's creation is recorded in its own row
    (source, batch, who, when); history records what staff change afterwards."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_readings(rows)
    else:
        _create_readings(rows)


def _create_readings(rows: list[dict]) -> None:
    Reading.objects.bulk_create([Reading(**row) for row in rows], batch_size=500)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A field in COPY's text format: NULL as \\N, the format's special characters escaped."""
    return "\\N" if value is None else str(value).translate(_COPY_ESCAPES)


def _copy_line(row: dict) -> str:
    flags = json.dumps(row["flags"]) if row["flags"] else "[]"
    return "\t".join(
        (
            str(row["meter_id"]),
            row["read_at"].isoformat(),
            str(row["value_gj"]),
            row["kind"],
            row["status"],
            _text(row["client_id"]),
            _text(flags),
            _text(row["note"]),
            row["source"],
            str(row["company_id"]),
            _text(row["import_batch_id"]),
            row["created_at"].isoformat(),
            _text(row["created_by_id"]),
            _text(row["api_token_id"]),
            "f",  # confirmed
            "",  # void_reason
            "",  # confirm_reason
        )
    )


def _copy_readings(rows: list[dict]) -> None:
    """COPY in text format, a block at a time: several times faster than psycopg's write_row."""
    columns = ", ".join((*_COLUMNS, "confirmed", "void_reason", "confirm_reason"))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY heating_reading ({columns}) FROM STDIN") as copy:
            for chunk in chunks(rows, 5000):
                copy.write("\n".join(map(_copy_line, chunk)) + "\n")
