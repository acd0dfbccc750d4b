"""Storing readings end to end (heating/services/readings.py): CONTRACTS.md readings batch semantics
on the real database — SQLite and PostgreSQL alike."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heating.models import ImportBatch, Reading, ReadingLimits
from heating.reading_rules import DUPLICATE, IMPLAUSIBLE, REJECTED, STORED, Limits
from heating.services import readings as service
from heating.services.readings import Incoming, insert_readings, limits_for, readings_ingest, readings_judge

from .factories import CompanyFactory, ReadingFactory, UserFactory, aware, make_account

pytestmark = pytest.mark.django_db

D = Decimal
API = Reading.Source.API


@pytest.fixture
def company():
    return CompanyFactory()


def metered(company, area="100.00", serial=None):
    """A meter of `company` in a 100 m² home (1 GJ a day by area at the default limits)."""
    account = make_account(area=area, metered=True, company=company)
    meter = account.meters.get()
    if serial:
        meter.serial = serial
        meter.save()
    return meter


@pytest.fixture
def meter(company):
    return metered(company, serial="HM-000123")


def day(n, hour=8):
    """Day n of November 2019 (day 31 is 1 December), local time."""
    return aware(2019, 11, 1, hour) + datetime.timedelta(days=n - 1)


def reading(meter, n, value, **fields):
    return ReadingFactory(meter=meter, read_at=day(n), value_gj=D(value), **fields)


def incoming(meter, n, value, client_id=None, **fields):
    serial = meter if isinstance(meter, str) else meter.serial
    return Incoming(serial=serial, read_at=day(n), value=D(value), client_id=client_id, **fields)


def ingest(company, items, **kwargs):
    return readings_ingest(company=company, incoming=items, source=API, **kwargs)


def live(meter):
    return list(
        Reading.objects.filter(meter=meter)
        .exclude(status=Reading.Status.VOID)
        .order_by("read_at")
        .values_list("read_at", "value_gj")
    )


def test_stored_duplicate_and_rejected_end_to_end(company, meter):
    reading(meter, 1, "100", client_id="r-1")
    results = ingest(
        company,
        [
            incoming(meter, 5, "103", "r-5"),  # stored
            incoming(meter, 1, "100", "r-1"),  # the same client id and reading: duplicate
            incoming(meter, 1, "100"),  # the same meter, time and value: duplicate
            incoming(meter, 3, "99", "r-3"),  # below day 1
            incoming(meter, 1, "101", "r-1"),  # r-1 was 100
            incoming(meter, 4, "-1", "r-4"),  # negative
            incoming("HM-404", 4, "1", "r-404"),  # no such meter
            incoming(meter, 6, "104", "r-6", unit="MWh"),  # 374.4 GJ in a day: flagged
        ],
    )
    assert [(r.status, r.flags) for r in results] == [
        (STORED, []),
        (DUPLICATE, []),
        (DUPLICATE, []),
        (REJECTED, []),
        (REJECTED, []),
        (REJECTED, []),
        (REJECTED, []),
        (STORED, [IMPLAUSIBLE]),
    ]
    assert "below the earlier reading 100.0 GJ" in results[3].reason
    assert (
        "conflict" in results[4].reason
        and "100.0 GJ" in results[4].reason
        and "101.0 GJ" in results[4].reason
    )
    assert "negative" in results[5].reason
    assert results[6].reason == "unknown meter 'HM-404'"
    assert live(meter) == [(day(1), D("100")), (day(5), D("103")), (day(6), D("374.4"))]
    row = Reading.objects.get(client_id="r-5")
    assert (row.source, row.kind, row.status, row.company, row.flags) == (
        API,
        Reading.Kind.ACTUAL,
        Reading.Status.VALID,
        company,
        [],
    )


def test_ingest_is_idempotent(company, meter):
    items = [incoming(meter, n, str(100 + n), f"r-{n}") for n in range(1, 6)] + [incoming(meter, 7, "110")]
    first = ingest(company, items)
    assert {r.status for r in first} == {STORED}
    count = Reading.objects.count()
    second = ingest(company, items)
    assert [r.status for r in second] == [DUPLICATE] * len(items)
    assert Reading.objects.count() == count == len(items)


def test_all_or_nothing_writes_nothing_when_one_is_rejected(company, meter):
    items = [incoming(meter, 1, "100", "a"), incoming(meter, 2, "101", "b"), incoming(meter, 3, "50", "c")]
    results = ingest(company, items, all_or_nothing=True)
    assert [r.status for r in results][2] == REJECTED
    assert not Reading.objects.exists()
    results = ingest(company, items[:2], all_or_nothing=True)
    assert [r.status for r in results] == [STORED, STORED]
    assert Reading.objects.count() == 2


def test_each_reading_stands_on_its_own_without_all_or_nothing(company, meter):
    items = [incoming(meter, 1, "100", "a"), incoming(meter, 3, "50", "c")]
    assert [r.status for r in ingest(company, items)] == [STORED, REJECTED]
    assert Reading.objects.count() == 1


def test_a_meter_of_another_company_is_unknown_in_the_same_words(company, meter):
    other = metered(CompanyFactory(), serial="HM-OTHER")
    results = ingest(company, [incoming("HM-OTHER", 2, "5", "x"), incoming("HM-NOWHERE", 2, "5", "y")])
    assert [r.status for r in results] == [REJECTED, REJECTED]
    assert results[0].reason.replace("HM-OTHER", "S") == results[1].reason.replace("HM-NOWHERE", "S")
    assert results[0].reason == "unknown meter 'HM-OTHER'"
    assert not Reading.objects.exists()
    # and the other company's own readings of it are not neighbours of anything here
    reading(other, 1, "1000")
    assert ingest(company, [incoming(meter, 2, "5")])[0].status == STORED


def test_back_fill_between_neighbours(company, meter):
    reading(meter, 1, "100")
    reading(meter, 31, "130")
    results = ingest(
        company,
        [incoming(meter, 15, "131"), incoming(meter, 15, "99"), incoming(meter, 15, "113")],
    )
    assert [r.status for r in results] == [REJECTED, REJECTED, STORED]
    assert "above the later reading 130.0 GJ" in results[0].reason
    assert "below the earlier reading 100.0 GJ" in results[1].reason
    assert live(meter) == [(day(1), D("100")), (day(15), D("113")), (day(31), D("130"))]
    assert Reading.objects.get(read_at=day(15)).status == Reading.Status.VALID


def test_void_readings_are_no_neighbours_and_do_not_hold_their_moment(company, meter):
    reading(meter, 1, "100")
    reading(meter, 10, "500", status=Reading.Status.VOID, void_reason="misread")
    reading(meter, 20, "50", status=Reading.Status.VOID, void_reason="misread")
    results = ingest(company, [incoming(meter, 10, "105"), incoming(meter, 30, "120")])
    assert [r.status for r in results] == [STORED, STORED]
    assert live(meter) == [(day(1), D("100")), (day(10), D("105")), (day(30), D("120"))]
    assert Reading.objects.filter(meter=meter, read_at=day(10)).count() == 2


def test_a_flagged_reading_is_stored_flagged_and_is_no_neighbour(company, meter):
    reading(meter, 1, "100")
    [flagged] = ingest(company, [incoming(meter, 11, "150", "big")])  # 5 GJ/day in 100 m²
    assert (flagged.status, flagged.flags) == (STORED, [IMPLAUSIBLE])
    row = Reading.objects.get(client_id="big")
    assert (row.status, row.flags) == (Reading.Status.FLAGGED, [IMPLAUSIBLE])
    # later readings are judged against the valid ones only; its moment stays taken
    results = ingest(
        company, [incoming(meter, 12, "110"), incoming(meter, 11, "150"), incoming(meter, 11, "140")]
    )
    assert [r.status for r in results] == [STORED, DUPLICATE, REJECTED]
    assert "conflict" in results[2].reason


def test_history_explains_high_use(company, meter):
    reading(meter, 1, "100")
    reading(meter, 11, "130")  # 3 GJ/day before
    [result] = ingest(company, [incoming(meter, 21, "160")])  # 3 GJ/day again: > area, < 4 × history
    assert (result.status, result.flags) == (STORED, [])


def test_reading_limits_per_company_override_the_county_default(company, meter):
    assert limits_for(company) == Limits(D("0.010000"), D("4.00"))  # model defaults: no rows
    ReadingLimits.objects.create(company=None, max_daily_gj_per_m2=D("0.001"), history_factor=D("2"))
    assert limits_for(company) == Limits(D("0.001"), D("2"))
    own = ReadingLimits.objects.create(company=company, max_daily_gj_per_m2=D("0.05"), history_factor=D("3"))
    assert limits_for(company) == Limits(D("0.05"), D("3"))
    assert limits_for(CompanyFactory()) == Limits(D("0.001"), D("2"))

    reading(meter, 1, "100")
    # 4 GJ/day in 100 m²: within the company's 5 GJ/day (the default row would allow 0.1)
    assert ingest(company, [incoming(meter, 11, "140")])[0].flags == []
    own.delete()
    # 0.2 GJ/day: above the county default's 0.1 GJ/day for 100 m², though the model default allows 1
    second = metered(company)
    reading(second, 1, "100")
    [result] = ingest(company, [incoming(second, 11, "102")])
    assert (result.status, result.flags) == (STORED, [IMPLAUSIBLE])
    assert Reading.objects.get(meter=second, read_at=day(11)).status == Reading.Status.FLAGGED


def test_a_reading_from_the_future_is_refused(company, meter):
    now = timezone.now()
    soon = Incoming(serial=meter.serial, read_at=now + datetime.timedelta(minutes=1), value=D("1"))
    later = Incoming(serial=meter.serial, read_at=now + datetime.timedelta(hours=1), value=D("2"))
    results = ingest(company, [soon, later])
    assert [r.status for r in results] == [STORED, REJECTED]  # a device clock a minute ahead is fine
    assert "in the future" in results[1].reason
    assert Reading.objects.count() == 1


def test_a_time_without_offset_is_refused(company, meter):
    naive = Incoming(serial=meter.serial, read_at=datetime.datetime(2019, 11, 20, 8), value=D("1"))
    [result] = ingest(company, [naive])
    assert result.status == REJECTED and "offset" in result.reason
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"unit": "BTU"}, "unknown unit"),
        ({"kind": "guessed"}, "unknown reading type"),
        ({"value": D("0.0001"), "unit": "kWh"}, "cannot be stored exactly"),
        ({"value": D("NaN")}, "finite"),
    ],
)
def test_a_malformed_reading_is_refused_with_the_reason(company, meter, fields, words):
    item = Incoming(**{"serial": meter.serial, "read_at": day(5), "value": D("1"), **fields})
    [result] = ingest(company, [item])
    assert result.status == REJECTED and words in result.reason
    assert not Reading.objects.exists()


@pytest.mark.parametrize("value, unit, gj", [("123.4567", "MWh", "444.44412"), ("1", "kWh", "0.0036")])
def test_readings_are_stored_in_gj(company, meter, value, unit, gj):
    ingest(company, [Incoming(serial=meter.serial, read_at=day(5), value=D(value), unit=unit)])
    assert Reading.objects.get().value_gj == D(gj)


def test_a_reading_without_a_client_id_stores_null(company, meter):
    """An empty client id is no key: several such readings must not collide on the unique."""
    results = ingest(
        company, [incoming(meter, 1, "1", ""), incoming(meter, 2, "2", ""), incoming(meter, 3, "3")]
    )
    assert [r.status for r in results] == [STORED] * 3
    assert list(Reading.objects.values_list("client_id", flat=True)) == [None] * 3


def test_the_row_records_source_batch_user_and_note(company, meter):
    user = UserFactory()
    batch = ImportBatch.objects.create(
        company=company,
        kind=ImportBatch.Kind.READINGS,
        file_name="r.xlsx",
        file_sha256="0" * 64,
        status=ImportBatch.Status.COMMITTED,
        created_by=user,
    )
    item = Incoming(serial=meter.serial, read_at=day(5), value=D("7"), kind="estimated", note="snow")
    readings_ingest(
        company=company, incoming=[item], source=Reading.Source.IMPORT, user=user, import_batch=batch
    )
    row = Reading.objects.get()
    assert (row.source, row.kind, row.note, row.created_by, row.import_batch) == (
        Reading.Source.IMPORT,
        Reading.Kind.ESTIMATED,
        "snow",
        user,
        batch,
    )


def test_readings_judge_writes_nothing(company, meter):
    outcomes, stored = readings_judge(company=company, incoming=[incoming(meter, 1, "1")])
    assert [o.status for o in outcomes] == [STORED] and len(stored) == 1
    assert not Reading.objects.exists()


# Set-based: chunks and query counts ------------------------------------------------------------------


def _mixed_batch(company, meters):
    """Readings of several meters, with database neighbours, duplicates and refusals among them."""
    for m in meters:
        reading(m, 1, "100", client_id=f"{m.serial}-1")
        reading(m, 21, "120")
    items = []
    for m in meters:
        items += [
            incoming(m, 11, "110", f"{m.serial}-11"),  # back-fill
            incoming(m, 1, "100", f"{m.serial}-1"),  # duplicate
            incoming(m, 15, "121"),  # above day 21
            incoming(m, 25, "124", f"{m.serial}-25"),
        ]
    return items


def test_neighbours_sql_in_chunks_gives_the_same_result(company, monkeypatch):
    meters = [metered(company) for _ in range(3)]
    items = _mixed_batch(company, meters)[:10]
    whole, _ = readings_judge(company=company, incoming=items)

    monkeypatch.setattr(service, "CHUNK", 3)
    with CaptureQueriesContext(connection) as queries:
        chunked, _ = readings_judge(company=company, incoming=items)
    assert chunked == whole
    assert sum("heating_reading" in q["sql"] and "WITH s(" in q["sql"] for q in queries) == 4  # 10 / 3

    results = ingest(company, items)
    assert results == whole
    assert [r.status for r in whole].count(STORED) == 5


def _many(company, n_meters, per_meter):
    meters = [metered(company) for _ in range(n_meters)]
    for m in meters:
        reading(m, 1, "100", client_id=f"{m.serial}-db")
    return [incoming(m, 1 + k, str(100 + k), f"{m.serial}-{k}") for m in meters for k in range(per_meter)]


@pytest.mark.parametrize("n_meters, per_meter", [(2, 5), (40, 5)])
def test_readings_judge_takes_a_fixed_number_of_queries(
    company, django_assert_max_num_queries, n_meters, per_meter
):
    items = _many(company, n_meters, per_meter)
    assert len(items) in (10, 200)
    # meters, client ids, neighbours, limits
    with django_assert_max_num_queries(4):
        outcomes, _ = readings_judge(company=company, incoming=items)
    assert [o.status for o in outcomes].count(DUPLICATE) == n_meters


def test_readings_ingest_takes_a_fixed_number_of_queries(company):
    """Apart from the INSERTs (bulk_create splits rows by SQLite's parameter limit; COPY is one)."""
    counts = []
    for n_meters in (2, 40):
        items = _many(company, n_meters, 5)
        with CaptureQueriesContext(connection) as queries:
            results = ingest(company, items)
        assert [r.status for r in results].count(STORED) == 4 * n_meters
        counts.append(sum(not q["sql"].lstrip().upper().startswith("INSERT") for q in queries))
    assert counts[0] == counts[1]


# Both ways of writing rows -----------------------------------------------------------------------------

FIELDS = [f.attname for f in Reading._meta.concrete_fields if f.attname != "id"]


def _rows(company, meter, user, corrected):
    """Readings with every column set, some to awkward values; a fresh list each call."""
    created = timezone.now().replace(microsecond=123456)
    common = dict(meter=meter, company=company, created_at=created, source=API)
    return [
        Reading(read_at=day(2), value_gj=D("2.5"), client_id="copy-a", **common),
        Reading(
            read_at=day(3),
            value_gj=D("9999.123456"),
            kind=Reading.Kind.EXCHANGE,
            status=Reading.Status.FLAGGED,
            confirmed=True,
            flags=[IMPLAUSIBLE, "other"],
            note="引号 ' \" \\ tab\tand newline\n",
            client_id=None,
            corrects=corrected,
            reviewed_at=aware(2019, 11, 4, 9, 30),
            reviewed_by=user,
            created_by=user,
            **common,
        ),
        Reading(
            read_at=day(4, 23),
            value_gj=D("0"),
            status=Reading.Status.VOID,
            void_reason="test",
            flags=[],
            client_id="copy-c",
            **common,
        ),
    ]


def _snapshot(meter):
    return [
        row
        for row in Reading.objects.filter(meter=meter, read_at__gt=day(1)).order_by("read_at").values(*FIELDS)
    ]


def test_insert_readings_round_trip(company, meter):
    rows = _rows(company, meter, UserFactory(), reading(meter, 1, "1"))
    insert_readings(rows)
    assert _snapshot(meter) == [{name: getattr(r, name) for name in FIELDS} for r in rows]


@pytest.mark.postgres
def test_copy_and_bulk_create_write_identical_rows(company, meter, monkeypatch):
    user, corrected = UserFactory(), reading(meter, 1, "1")
    copies = []
    real_copy = service._copy_readings
    monkeypatch.setattr(service, "_copy_readings", lambda rows: copies.append(len(rows)) or real_copy(rows))
    insert_readings(_rows(company, meter, user, corrected))
    assert copies == [3]  # PostgreSQL takes the COPY path
    by_copy = _snapshot(meter)
    Reading.objects.filter(meter=meter, read_at__gt=day(1)).delete()

    Reading.objects.bulk_create(_rows(company, meter, user, corrected), batch_size=500)  # the other branch
    by_bulk = _snapshot(meter)
    assert by_copy == by_bulk
    assert by_copy[1]["flags"] == [IMPLAUSIBLE, "other"]
    assert by_copy[1]["note"] == "引号 ' \" \\ tab\tand newline\n"
    assert by_copy[0]["created_at"].microsecond == 123456


@pytest.mark.postgres
def test_ingest_writes_the_same_rows_through_copy_and_bulk_create(company, monkeypatch):
    first, second = metered(company, serial="A"), metered(company, serial="B")
    sent = [(1, "100", "1"), (11, "150", "11"), (12, "101", None)]  # valid, flagged, valid
    ingest(company, [incoming(first, n, v, cid and f"A-{cid}") for n, v, cid in sent])
    monkeypatch.setattr(
        service, "_copy_readings", lambda rows: Reading.objects.bulk_create(rows, batch_size=500)
    )
    ingest(company, [incoming(second, n, v, cid and f"B-{cid}") for n, v, cid in sent])
    columns = [name for name in FIELDS if name not in ("meter_id", "client_id", "created_at")]
    a = list(Reading.objects.filter(meter=first).order_by("read_at").values_list(*columns))
    b = list(Reading.objects.filter(meter=second).order_by("read_at").values_list(*columns))
    assert a == b
    assert [row[columns.index("status")] for row in a] == [
        Reading.Status.VALID,
        Reading.Status.FLAGGED,
        Reading.Status.VALID,
    ]
