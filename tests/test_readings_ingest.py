"""Storing readings end to end (heating/services/readings.py): CONTRACTS.md readings batch semantics
on the real database — SQLite and PostgreSQL alike."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heating.models import ApiToken, ImportBatch, Reading, ReadingLimits
from heating.reading_rules import DUPLICATE, IMPLAUSIBLE, REJECTED, STORED, Candidate, Limits
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
    assert [r.code for r in results] == [
        None,
        None,
        None,
        "below_earlier",
        "conflict_client_id",
        "negative",
        "unknown_meter",
        None,
    ]
    assert results[3].params == {"value": "100.0", "read_at": day(1).isoformat()}
    assert results[4].params == {
        "client_id": "r-1",
        "value": "100.0",
        "read_at": day(1).isoformat(),
        "new_value": "101.0",
        "new_read_at": day(1).isoformat(),
    }
    assert results[5].params == {"value": "-1"}
    assert results[6].params == {"serial": "HM-404"}
    # the remote API's English words
    assert results[3].reason == f"below the earlier reading 100.0 GJ at {day(1).isoformat()}"
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
    assert [(r.status, r.code) for r in results] == [(REJECTED, "unknown_meter")] * 2
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
    assert (results[0].code, results[0].params) == (
        "above_later",
        {"value": "130.0", "read_at": day(31).isoformat()},
    )
    assert (results[1].code, results[1].params) == (
        "below_earlier",
        {"value": "100.0", "read_at": day(1).isoformat()},
    )
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
    assert (results[2].code, results[2].params) == (
        "conflict_time",
        {"value": "150.0", "read_at": day(11).isoformat(), "new_value": "140.0"},
    )


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
    assert (results[1].code, results[1].params) == ("future", {"read_at": later.read_at.isoformat()})
    assert "in the future" in results[1].reason
    assert Reading.objects.count() == 1


def test_a_time_without_offset_is_refused(company, meter):
    naive = Incoming(serial=meter.serial, read_at=datetime.datetime(2019, 11, 20, 8), value=D("1"))
    [result] = ingest(company, [naive])
    assert (result.status, result.code, result.params) == (REJECTED, "naive_time", {})
    assert "offset" in result.reason
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    "fields, code, params",
    [
        ({"unit": "BTU"}, "unknown_unit", {"unit": "BTU"}),
        ({"kind": "guessed"}, "unknown_kind", {"kind": "guessed"}),
        (
            {"value": D("0.0001"), "unit": "kWh"},
            "inexact",
            {"value": "0.0001", "unit": "kWh", "gj": "0.00000036"},
        ),
        ({"value": D("NaN")}, "not_finite", {}),
        ({"value": D("1E+10")}, "too_large", {"value": "1E+10", "unit": "GJ"}),
    ],
)
def test_a_malformed_reading_is_refused_with_the_reason(company, meter, fields, code, params):
    item = Incoming(**{"serial": meter.serial, "read_at": day(5), "value": D("1"), **fields})
    [result] = ingest(company, [item])
    assert (result.status, result.code, result.params) == (REJECTED, code, params)
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
    outcomes, accepted = readings_judge(
        company=company, incoming=[incoming(meter, 1, "1", "a"), incoming(meter, 2, "0.5")]
    )
    assert [o.status for o in outcomes] == [STORED, REJECTED]
    assert accepted == [
        Candidate(0, meter.id, day(1), D("1.000000"), "a", D("100.00")),
    ]
    assert not Reading.objects.exists()


# Losing a race on a client key: judged again in the service ------------------------------------------


def test_a_write_race_on_a_client_id_is_judged_again(company, meter, monkeypatch):
    """Another writer stored the same reading between our judgement and our insert."""
    real = service._ingest_once
    calls = []

    def racing(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            real(**kwargs)  # "the other writer" wins...
            raise IntegrityError("unique_client_reading_id")  # ...and ours trips on the constraint
        return real(**kwargs)

    monkeypatch.setattr(service, "_ingest_once", racing)

    [result] = ingest(company, [incoming(meter, 1, "5", "raced")])

    assert (result.status, len(calls)) == (DUPLICATE, 2)
    assert Reading.objects.count() == 1


def test_a_race_that_keeps_losing_is_readings_busy_and_stores_nothing(company, meter, monkeypatch):
    real_insert = service.insert_readings
    calls = []

    def losing(rows):
        calls.append(1)
        real_insert(rows)
        raise IntegrityError("unique_client_reading_id")

    monkeypatch.setattr(service, "insert_readings", losing)

    with pytest.raises(service.ReadingsBusy):
        ingest(company, [incoming(meter, 1, "5", "raced")])

    assert len(calls) == service.INGEST_ATTEMPTS
    assert not Reading.objects.exists()  # every attempt was rolled back


# In service: from the day a meter is installed to the day it is removed ------------------------------


def test_a_reading_before_the_meters_installation_is_refused(company, meter):
    """The local date counts: 00:30 on the day of installation is 16:30 UTC the day before."""
    meter.installed_on = datetime.date(2019, 11, 5)
    meter.save()
    items = [
        Incoming(meter.serial, aware(2019, 11, 4, 23, 59), D("1")),
        Incoming(meter.serial, aware(2019, 11, 5, 0, 0), D("2")),
        Incoming(meter.serial, datetime.datetime(2019, 11, 4, 16, 30, tzinfo=datetime.UTC), D("3")),
        Incoming(meter.serial, datetime.datetime(2019, 11, 4, 15, 0, tzinfo=datetime.UTC), D("0.5")),
    ]

    results = ingest(company, items)

    assert [(r.status, r.code) for r in results] == [
        (REJECTED, "before_installation"),
        (STORED, None),
        (STORED, None),
        (REJECTED, "before_installation"),
    ]
    assert results[0].params == {"serial": "HM-000123", "installed_on": "2019-11-05"}
    assert results[0].reason == "meter HM-000123 was installed on 2019-11-05, after this reading"
    assert live(meter) == [(aware(2019, 11, 5), D("2")), (aware(2019, 11, 5, 0, 30), D("3"))]


def test_a_reading_after_the_meters_removal_is_refused(company, meter):
    """The day of removal is still in service (the exchange reading is on it); the next is not."""
    meter.removed_on = datetime.date(2019, 11, 20)
    meter.save()
    items = [
        Incoming(meter.serial, datetime.datetime(2019, 11, 20, 15, 30, tzinfo=datetime.UTC), D("10")),
        Incoming(meter.serial, aware(2019, 11, 20, 23, 59), D("11")),
        Incoming(meter.serial, aware(2019, 11, 21, 0, 0), D("12")),  # 16:00 UTC on the 20th
        Incoming(meter.serial, day(25), D("13"), client_id="late"),
    ]

    results = ingest(company, items)

    assert [(r.status, r.code) for r in results] == [
        (STORED, None),
        (STORED, None),
        (REJECTED, "after_removal"),
        (REJECTED, "after_removal"),
    ]
    assert results[2].params == {"serial": "HM-000123", "removed_on": "2019-11-20"}
    assert results[2].reason == "meter HM-000123 was removed on 2019-11-20, before this reading"
    assert Reading.objects.count() == 2 and not Reading.objects.filter(client_id="late").exists()


def test_readings_out_of_service_write_nothing_all_or_nothing(company, meter):
    meter.installed_on = datetime.date(2019, 11, 5)
    meter.save()
    results = ingest(company, [incoming(meter, 10, "5"), incoming(meter, 1, "1")], all_or_nothing=True)
    assert [(r.status, r.code) for r in results] == [(STORED, None), (REJECTED, "before_installation")]
    assert not Reading.objects.exists()


def test_the_value_is_judged_before_the_service_dates_and_the_meter_before_both(company, meter):
    meter.installed_on = datetime.date(2019, 11, 5)
    meter.save()
    results = ingest(
        company,
        [incoming(meter, 1, "-1"), incoming("HM-404", 1, "1"), incoming(meter, 1, "1", "r-1")],
    )
    assert [r.code for r in results] == ["negative", "unknown_meter", "before_installation"]


def test_a_refused_reading_out_of_service_does_not_hold_its_moment(company, meter):
    meter.removed_on = datetime.date(2019, 11, 20)
    meter.save()
    [refused] = ingest(company, [incoming(meter, 21, "5", "r-21")])
    assert refused.code == "after_removal"
    meter.removed_on = None
    meter.save()
    assert [r.status for r in ingest(company, [incoming(meter, 21, "6", "r-21")])] == [STORED]


# Set-based: what is gathered around the batch, chunks and query counts --------------------------------


def test_a_batch_spread_over_time_meets_every_stored_reading_in_between(company, meter):
    """The stored readings inside the batch's span are neighbours as much as those around it."""
    for n, value in ((1, "100"), (10, "110"), (20, "120"), (30, "130")):
        reading(meter, n, value)
    reading(meter, 12, "500", status=Reading.Status.FLAGGED, flags=[IMPLAUSIBLE])
    reading(meter, 14, "1", status=Reading.Status.VOID, void_reason="misread")
    results = ingest(
        company,
        [
            incoming(meter, 5, "104"),
            incoming(meter, 35, "135"),
            incoming(meter, 15, "121"),  # above day 20
            incoming(meter, 25, "119"),  # below day 20
            incoming(meter, 12, "115"),  # the flagged day 12 holds the moment
            incoming(meter, 14, "115"),  # the void day 14 does not
            incoming(meter, 16, "109"),  # below day 14, just stored
        ],
    )
    assert [(r.status, r.code, r.params.get("read_at")) for r in results] == [
        (STORED, None, None),
        (STORED, None, None),
        (REJECTED, "above_later", day(20).isoformat()),
        (REJECTED, "below_earlier", day(20).isoformat()),
        (REJECTED, "conflict_time", day(12).isoformat()),
        (STORED, None, None),
        (REJECTED, "below_earlier", day(14).isoformat()),
    ]


def test_the_history_before_a_batch_comes_from_the_two_readings_before_its_span(company, meter):
    """Day 1 → day 11 (3 GJ/day) explains 3 GJ/day after day 11, above the home's 1 GJ/day."""
    reading(meter, 1, "100")
    reading(meter, 11, "130")
    reading(meter, 40, "500")
    results = ingest(company, [incoming(meter, 21, "160"), incoming(meter, 31, "190")])
    assert [(r.status, r.flags) for r in results] == [(STORED, []), (STORED, [])]


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


def test_the_context_in_chunks_gives_the_same_result(company, monkeypatch):
    meters = [metered(company) for _ in range(3)]
    items = _mixed_batch(company, meters)[:10]
    whole, _ = readings_judge(company=company, incoming=items)

    monkeypatch.setattr(service, "CHUNK", 2)
    with CaptureQueriesContext(connection) as queries:
        chunked, _ = readings_judge(company=company, incoming=items)
    assert chunked == whole
    around = [q["sql"] for q in queries if "heating_reading r" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(around) == 1 and "unnest" in around[0]  # one statement whatever the number of meters
    else:
        assert len(around) == 2  # three meters' spans, two at a time

    results = ingest(company, items)
    assert results == whole
    assert [r.status for r in whole].count(STORED) == 5


# _around_rows: the rows in and around each meter's span, PostgreSQL's statement and the portable one ----


def _row(meter_id, at, value, status):
    return (meter_id, service._db_time(at), service._db_gj(value), status)


@pytest.fixture
def around(company):
    """Meters with readings in, before and after their spans (void and flagged among them), the
    spans, and the rows `_around_rows` must give for them."""
    a, b, c, e = (metered(company) for _ in range(4))
    valid, flagged, void = Reading.Status.VALID, Reading.Status.FLAGGED, Reading.Status.VOID

    def add(meter, n, value, status=valid, hour=8):
        extra = {"void_reason": "misread"} if status == void else {}
        flags = [IMPLAUSIBLE] if status == flagged else []
        r = ReadingFactory(
            meter=meter, read_at=day(n, hour), value_gj=D(value), status=status, flags=flags, **extra
        )
        return (meter.id, r.read_at, r.value_gj, status)

    # a: span day 10 → day 20. Before it: four valid (the two nearest count), a void and a flagged one.
    before = [add(a, 1, "1"), add(a, 2, "2"), add(a, 3, "3"), add(a, 4, "4")]
    add(a, 3, "99", void, hour=12)
    add(a, 4, "98", flagged, hour=12)
    inside = [add(a, 10, "10"), add(a, 12, "500", flagged), add(a, 15, "15"), add(a, 20, "20")]
    add(a, 15, "16", void)
    add(a, 20, "1", void, hour=9)
    # after it: the nearest valid one only
    after = [add(a, 25, "25"), add(a, 30, "30")]
    add(a, 21, "700", flagged)
    add(a, 22, "1", void)
    add(a, 31, "31", void)
    # b: a one-moment span on day 10; three valid before, a void one at the moment, nothing after
    b_before = [add(b, 1, "1"), add(b, 5, "5"), add(b, 8, "8")]
    add(b, 10, "9", void)
    # c: no readings at all. e: readings after its span only.
    e_after = [add(e, 40, "40"), add(e, 41, "41")]
    spans = [
        (a.id, day(10), day(20)),
        (b.id, day(10), day(10)),
        (c.id, day(1), day(60)),
        (e.id, day(5), day(6)),
    ]
    expected = sorted(_row(*r) for r in [*before[2:], *inside, after[0], *b_before[1:], e_after[0]])
    return spans, expected


def test_around_rows_gives_the_readings_in_and_around_each_span(around):
    spans, expected = around
    assert sorted(_row(*r) for r in service._around_rows(spans)) == expected
    assert list(service._around_rows([])) == []


def test_around_rows_portable_in_chunks_of_two_gives_the_same_rows(around, monkeypatch):
    spans, expected = around
    monkeypatch.setattr(service, "CHUNK", 2)
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        rows = list(service._around_rows_portable(cursor, spans))
    assert sorted(_row(*r) for r in rows) == expected
    assert sum("WITH s(" in q["sql"] for q in queries) == 2


@pytest.mark.postgres
def test_the_postgres_statement_and_the_portable_one_give_the_same_rows(around, monkeypatch):
    spans, expected = around
    with CaptureQueriesContext(connection) as queries:
        by_arrays = list(service._around_rows(spans))
    assert len(queries) == 1 and "unnest" in queries[0]["sql"]
    with connection.cursor() as cursor:
        portable = list(service._around_rows_portable(cursor, spans))
    monkeypatch.setattr(service, "CHUNK", 2)
    with connection.cursor() as cursor:
        in_chunks = list(service._around_rows_portable(cursor, spans))
    assert sorted(by_arrays) == sorted(portable) == sorted(in_chunks)
    assert len(by_arrays) == len(set(by_arrays)) == len(expected)
    assert sorted(_row(*r) for r in by_arrays) == expected


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
# What insert_readings leaves to the defaults: a new reading is neither confirmed, void nor reviewed.
DEFAULTS = {
    "confirmed": False,
    "corrects_id": None,
    "void_reason": "",
    "confirm_reason": "",
    "confirmed_at": None,
    "confirmed_by_id": None,
    "reviewed_at": None,
    "reviewed_by_id": None,
}


# COPY's text format gives a meaning to backslashes, tabs, newlines and carriage returns.
NOTE = "引号 ' \" \\ \\t tab\tand newline\n, CR LF\r\n, \\."


def _rows(company, meter, user, batch, *, big="1234567.123456"):
    """Rows of _COLUMNS with every column set, some to awkward values; a fresh list each call."""
    created = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.UTC)  # fixed: both calls agree
    common = dict(
        meter_id=meter.id,
        company_id=company.id,
        created_at=created,
        source=API,
        kind=Reading.Kind.ACTUAL,
        status=Reading.Status.VALID,
        import_batch_id=None,
        created_by_id=None,
        api_token_id=None,
        flags=[],
        note="",
    )
    token = (
        ApiToken.objects.filter(company=company, name="copy").first()
        or ApiToken.issue(company=company, name="copy")[0]
    )
    rows = [
        {**common, "read_at": day(2), "value_gj": D("2.5"), "client_id": "copy-a"},
        {
            **common,
            "read_at": day(3).astimezone(datetime.UTC).replace(microsecond=654321),
            "value_gj": D(big),
            "kind": Reading.Kind.EXCHANGE,
            "status": Reading.Status.FLAGGED,
            "flags": [IMPLAUSIBLE, '其他 \\ "quoted"\t'],
            "note": NOTE,
            "client_id": None,
            "source": Reading.Source.IMPORT,
            "import_batch_id": batch.id,
            "created_by_id": user.id,
        },
        {
            **common,
            "read_at": day(4, 23),
            "value_gj": D("0"),
            "client_id": "copy-c",
            "note": "\\N",
            "api_token_id": token.id,
        },
    ]
    assert all(set(row) == set(service._COLUMNS) for row in rows)
    return rows


def _batch(company, user):
    return ImportBatch.objects.create(
        company=company,
        kind=ImportBatch.Kind.READINGS,
        file_name="r.csv",
        file_sha256="0" * 64,
        status=ImportBatch.Status.COMMITTED,
        created_by=user,
    )


def _snapshot(meter):
    rows = Reading.objects.filter(meter=meter, read_at__gt=day(1)).order_by("read_at").values(*FIELDS)
    return list(rows)


def test_insert_readings_round_trip(company, meter):
    user = UserFactory()
    rows = _rows(company, meter, user, _batch(company, user))
    history = Reading.history.count()
    insert_readings(rows)
    assert _snapshot(meter) == [{**DEFAULTS, **row} for row in rows]
    assert Reading.history.count() == history  # a reading's creation is recorded in its own row
    insert_readings([])


@pytest.mark.postgres
def test_copy_and_create_readings_write_identical_rows(company, meter, monkeypatch):
    user = UserFactory()
    batch = _batch(company, user)
    copies = []
    real_copy = service._copy_readings
    monkeypatch.setattr(service, "_copy_readings", lambda rows: copies.append(len(rows)) or real_copy(rows))
    insert_readings(_rows(company, meter, user, batch, big="9999999999.999999"))
    assert copies == [3]  # PostgreSQL takes the COPY path
    by_copy = _snapshot(meter)
    Reading.objects.filter(meter=meter).delete()

    service._create_readings(_rows(company, meter, user, batch, big="9999999999.999999"))  # the other way
    by_create = _snapshot(meter)
    assert by_copy == by_create
    assert [{k: row[k] for k in DEFAULTS} for row in by_copy] == [DEFAULTS] * 3
    assert by_copy[1]["flags"] == [IMPLAUSIBLE, '其他 \\ "quoted"\t']
    assert by_copy[1]["note"] == NOTE
    assert by_copy[2]["note"] == "\\N"
    assert by_copy[1]["value_gj"] == D("9999999999.999999")
    assert by_copy[1]["read_at"] == day(3).replace(microsecond=654321)
    assert by_copy[0]["created_at"].microsecond == 123456


@pytest.mark.postgres
def test_ingest_writes_the_same_rows_through_copy_and_bulk_create(company, monkeypatch):
    first, second = metered(company, serial="A"), metered(company, serial="B")
    sent = [(1, "100", "1"), (11, "150", "11"), (12, "101", None)]  # valid, flagged, valid
    ingest(company, [incoming(first, n, v, cid and f"A-{cid}") for n, v, cid in sent])
    created = []
    real_create = service._create_readings
    monkeypatch.setattr(
        service, "_copy_readings", lambda rows: created.append(len(rows)) or real_create(rows)
    )
    ingest(company, [incoming(second, n, v, cid and f"B-{cid}") for n, v, cid in sent])
    assert created == [3]
    columns = [name for name in FIELDS if name not in ("meter_id", "client_id", "created_at")]
    a = list(Reading.objects.filter(meter=first).order_by("read_at").values_list(*columns))
    b = list(Reading.objects.filter(meter=second).order_by("read_at").values_list(*columns))
    assert a == b
    assert [row[columns.index("status")] for row in a] == [
        Reading.Status.VALID,
        Reading.Status.FLAGGED,
        Reading.Status.VALID,
    ]
