"""Storing heat-meter readings: every entry path (keyboard, file, remote API) comes through here.

The rules are in heating/reading_rules.py; this module gathers, set-based, what the database holds
around the incoming readings, asks the rules, and writes the outcome in one transaction.
"""
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
    judge,
    to_gj,
)

# Readings may be stamped a little ahead of the server's clock by a device; beyond this, "future".
CLOCK_SKEW = datetime.timedelta(minutes=5)
CHUNK = 2000


@dataclass(frozen=True)
class Incoming:
    serial: str
    read_at: datetime.datetime
    value: Decimal
    unit: str = "GJ"
    kind: str = "actual"
    client_id: str | None = None
    note: str = ""


def limits_for(company: Organisation) -> Limits:
    row = (
        ReadingLimits.objects.filter(Q(company=company) | Q(company__isnull=True))
        .order_by(F("company_id").asc(nulls_last=True), "id")  # the company's own row before the default
        .first()
    )
    row = row or ReadingLimits()
    return Limits(row.max_daily_gj_per_m2, row.history_factor)


def _chunks(items, size=None):
    size = size or CHUNK  # looked up at call time, so that a test (or a setting) can change it
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _db_time(value):
    """A time from raw SQL (SQLite gives text in UTC) in local time, as messages show it."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = parse_datetime(value).replace(tzinfo=datetime.UTC)
    return timezone.localtime(value)


def _db_gj(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(GJ_PLACES)


_NEIGHBOURS_SQL = """
WITH s(idx, meter_id, read_at) AS (VALUES {values}),
t AS (
  SELECT s.idx, s.meter_id, s.read_at,
    (SELECT MAX(r.read_at) FROM heating_reading r
      WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at < s.read_at) AS b_at,
    (SELECT MIN(r.read_at) FROM heating_reading r
      WHERE r.meter_id = s.meter_id AND r.status = 'valid' AND r.read_at > s.read_at) AS a_at
  FROM s
),
u AS (
  SELECT t.*,
    (SELECT MAX(r.read_at) FROM heating_reading r
      WHERE r.meter_id = t.meter_id AND r.status = 'valid' AND r.read_at < t.b_at) AS bb_at
  FROM t
)
SELECT u.idx, same.value_gj, u.b_at, rb.value_gj, u.bb_at, rbb.value_gj, u.a_at, ra.value_gj
FROM u
LEFT JOIN heating_reading same
  ON same.meter_id = u.meter_id AND same.read_at = u.read_at AND same.status <> 'void'
LEFT JOIN heating_reading rb ON rb.meter_id = u.meter_id AND rb.read_at = u.b_at AND rb.status = 'valid'
LEFT JOIN heating_reading rbb ON rbb.meter_id = u.meter_id AND rbb.read_at = u.bb_at AND rbb.status = 'valid'
LEFT JOIN heating_reading ra ON ra.meter_id = u.meter_id AND ra.read_at = u.a_at AND ra.status = 'valid'
"""


def _neighbours(keys: list[tuple[int, int, datetime.datetime]]) -> dict[int, tuple]:
    """For each (index, meter_id, read_at): the live value at that moment and the valid readings
    before it, before that, and after it — one statement per chunk, portable SQL."""
    adapt = connection.ops.adapt_datetimefield_value
    found = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(keys):
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params = [p for idx, meter_id, at in chunk for p in (idx, meter_id, adapt(at))]
            cursor.execute(_NEIGHBOURS_SQL.format(values=values), params)
            for idx, same, b_at, b, bb_at, bb, a_at, a in cursor.fetchall():
                found[idx] = (
                    _db_gj(same),
                    Point(_db_time(b_at), _db_gj(b)) if b_at else None,
                    Point(_db_time(bb_at), _db_gj(bb)) if bb_at else None,
                    Point(_db_time(a_at), _db_gj(a)) if a_at else None,
                )
    return found


def _meters(company, serials) -> dict[str, tuple[int, Decimal]]:
    """serial → (meter id, heated area of its home now), for this company's meters only."""
    found = {}
    for chunk in _chunks(sorted(serials)):
        rows = (
            Meter.objects.filter(company=company, serial__in=chunk)
            .annotate(
                area=Sum(
                    "account__premises__parts__area",
                    filter=Q(account__premises__parts__until_year__isnull=True),
                )
            )
            .values_list("serial", "id", "area")
        )
        found.update({serial: (meter_id, area or Decimal("0")) for serial, meter_id, area in rows})
    return found


def _client_ids(company, ids) -> dict[str, tuple[int, datetime.datetime, Decimal]]:
    found = {}
    for chunk in _chunks(sorted(ids)):
        rows = Reading.objects.filter(company=company, client_id__in=chunk).values_list(
            "client_id", "meter_id", "read_at", "value_gj"
        )
        found.update({cid: (meter_id, _db_time(at), value) for cid, meter_id, at, value in rows})
    return found


def _precheck(item: Incoming, now) -> Decimal:
    if item.kind not in KINDS:
        raise ReadingError(f"unknown reading type {item.kind!r}")
    if timezone.is_naive(item.read_at):
        raise ReadingError("the reading time needs a UTC offset")
    if item.read_at > now + CLOCK_SKEW:
        raise ReadingError(f"the reading time {item.read_at.isoformat()} is in the future")
    return to_gj(item.value, item.unit)


def readings_judge(*, company, incoming: Sequence[Incoming], now=None):
    """Outcomes for every incoming reading, in order, plus the readings to store. Writes nothing."""
    now = now or timezone.now()
    outcomes: dict[int, Outcome] = {}
    converted: dict[int, Decimal] = {}
    for index, item in enumerate(incoming):
        try:
            converted[index] = _precheck(item, now)
        except ReadingError as exc:
            outcomes[index] = Outcome(index, REJECTED, str(exc))
    meters = _meters(company, {incoming[i].serial for i in converted})
    for index in list(converted):
        if incoming[index].serial not in meters:
            # Worded the same whether or not another company has the meter.
            outcomes[index] = Outcome(index, REJECTED, f"unknown meter {incoming[index].serial!r}")
            del converted[index]
    clients = _client_ids(company, {incoming[i].client_id for i in converted if incoming[i].client_id})
    around = _neighbours(
        [(i, meters[incoming[i].serial][0], incoming[i].read_at) for i in converted]
    )
    candidates = []
    for index, value in converted.items():
        item = incoming[index]
        meter_id, area = meters[item.serial]
        same_time, before, before_that, after = around[index]
        candidates.append(
            Candidate(
                index=index,
                meter_id=meter_id,
                read_at=item.read_at,
                value_gj=value,
                client_id=item.client_id,
                same_client=clients.get(item.client_id) if item.client_id else None,
                same_time=same_time,
                before=before,
                before_that=before_that,
                after=after,
                area_m2=area,
            )
        )
    stored = []
    for outcome in judge(candidates, limits_for(company)):
        outcomes[outcome.index] = outcome
    for candidate in candidates:
        if outcomes[candidate.index].status == STORED:
            stored.append((candidate, outcomes[candidate.index]))
    return [outcomes[i] for i in range(len(incoming))], stored


def _rows(company, incoming, stored, *, source, user, import_batch, now):
    for candidate, outcome in stored:
        item = incoming[candidate.index]
        yield Reading(
            meter_id=candidate.meter_id,
            read_at=item.read_at,
            value_gj=candidate.value_gj,
            kind=item.kind,
            status=Reading.Status.FLAGGED if IMPLAUSIBLE in outcome.flags else Reading.Status.VALID,
            source=source,
            client_id=item.client_id or None,  # "" is no key: NULL keeps it out of the unique
            company=company,
            flags=outcome.flags,
            note=item.note,
            import_batch=import_batch,
            created_at=now,
            created_by=user,
        )


def readings_ingest(
    *,
    company: Organisation,
    incoming: Sequence[Incoming],
    source: str,
    user=None,
    all_or_nothing: bool = False,
    import_batch=None,
) -> list[Outcome]:
    """Judge and store readings in one transaction.

    With `all_or_nothing`, a single refused reading means nothing is written (files, keyboard);
    otherwise each reading stands on its own (the remote API). Concurrent writers to the same
    meters are serialised by locking those meters first (a no-op on SQLite, which locks the file).
    """
    now = timezone.now()
    with transaction.atomic():
        serials = sorted({item.serial for item in incoming})
        for chunk in _chunks(serials):
            locked = Meter.objects.select_for_update().filter(company=company, serial__in=chunk)
            list(locked.values_list("id"))
        outcomes, stored = readings_judge(company=company, incoming=incoming, now=now)
        if all_or_nothing and any(o.status == REJECTED for o in outcomes):
            return outcomes
        rows = _rows(company, incoming, stored, source=source, user=user, import_batch=import_batch, now=now)
        insert_readings(list(rows))
    return outcomes


def insert_readings(readings: list[Reading]) -> None:
    """Bulk insert: COPY on PostgreSQL, bulk_create elsewhere. Bypasses save() and history on purpose:
    a reading's creation is recorded in its own row (source, batch, who, when)."""
    if not readings:
        return
    if connection.vendor == "postgresql":
        _copy_readings(readings)
    else:
        Reading.objects.bulk_create(readings, batch_size=500)


_COPY_FIELDS = (
    "meter_id",
    "read_at",
    "value_gj",
    "kind",
    "status",
    "confirmed",
    "source",
    "client_id",
    "company_id",
    "flags",
    "note",
    "import_batch_id",
    "corrects_id",
    "void_reason",
    "reviewed_at",
    "reviewed_by_id",
    "created_at",
    "created_by_id",
)


def _copy_readings(readings: list[Reading]) -> None:
    from psycopg.types.json import Jsonb

    columns = ", ".join(_COPY_FIELDS)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY heating_reading ({columns}) FROM STDIN") as copy:
            for r in readings:
                copy.write_row(
                    (
                        r.meter_id,
                        r.read_at,
                        r.value_gj,
                        r.kind,
                        r.status,
                        r.confirmed,
                        r.source,
                        r.client_id,
                        r.company_id,
                        Jsonb(r.flags),
                        r.note,
                        r.import_batch_id,
                        r.corrects_id,
                        r.void_reason,
                        r.reviewed_at,
                        r.reviewed_by_id,
                        r.created_at,
                        r.created_by_id,
                    )
                )
