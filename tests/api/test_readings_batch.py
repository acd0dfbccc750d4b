"""POST /api/v1/readings/batch against CONTRACTS.md ("Machine clients of the remote-reading API").

The per-reading rules are heating/services/readings.py's; these tests check that the endpoint
passes every reading through them and reports their outcomes faithfully, and that a body that is
not the contract's shape is a 400 that stores nothing.
"""
import datetime
import json
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

import heating.api.readings as readings_api
import heating.services.readings as readings_service
from heating.models import ApiToken, Reading
from tests.factories import CompanyFactory, MeterFactory, ReadingFactory, aware, make_account

URL = "/api/v1/readings/batch"

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def key(company):
    return ApiToken.issue(company=company, name="route 7")[1]


def heated_meter(company, serial, area="80.00"):
    """A meter in an 80 m² flat: up to 0.8 GJ a day is plausible use."""
    account = make_account(area=area, company=company)
    return MeterFactory(account=account, serial=serial)


@pytest.fixture
def meter(company):
    return heated_meter(company, "HM-000123")


def item(reading_id, meter, at, value, unit="GJ", **extra):
    serial = meter if isinstance(meter, str) else meter.serial
    read_at = at if isinstance(at, str) else at.isoformat()
    return {
        "reading_id": reading_id, "meter": serial, "read_at": read_at, "value": value, "unit": unit, **extra
    }


def post(key, readings=None, *, body=None):
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    payload = {"readings": readings} if body is None else body
    return client.post(URL, data=json.dumps(payload), content_type="application/json")


def statuses(response):
    return [(r["reading_id"], r["status"]) for r in response.json()["results"]]


def values(meter):
    return list(meter.readings.order_by("read_at").values_list("value_gj", flat=True))


# Outcomes ---------------------------------------------------------------------------------------


def test_contract_example_is_stored(key, meter):
    response = post(key, [item("route7-HM-000123-20200315", meter, "2020-03-15T08:00:00+08:00", "123.4567")])

    assert response.status_code == 200
    assert response.json() == {
        "stored": 1,
        "duplicate": 0,
        "rejected": 0,
        "results": [
            {"reading_id": "route7-HM-000123-20200315", "status": "stored", "reason": None, "flags": []}
        ],
    }
    stored = Reading.objects.get()
    assert stored.meter == meter and stored.company == meter.company
    assert stored.read_at == aware(2020, 3, 15, 8)
    assert stored.value_gj == Decimal("123.456700")
    assert stored.kind == Reading.Kind.ACTUAL  # the default type
    assert stored.status == Reading.Status.VALID
    assert stored.source == Reading.Source.API
    assert stored.client_id == "route7-HM-000123-20200315"
    assert stored.api_token == ApiToken.objects.get(company=meter.company)  # which client wrote it


def test_counts_and_results_in_the_order_sent(key, meter):
    response = post(
        key,
        [
            item("a", meter, aware(2020, 1, 1, 8), "100.0"),
            item("b", meter, aware(2020, 1, 1, 8), "100.000"),  # same meter, time and value
            item("c", meter, aware(2020, 1, 3, 8), "99.5"),  # below a
            item("d", "NO-SUCH-METER", aware(2020, 1, 3, 8), "1"),
            item("e", meter, aware(2020, 1, 3, 8), "100.5", type="estimated"),
        ],
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (2, 1, 2)
    assert statuses(response) == [
        ("a", "stored"),
        ("b", "duplicate"),
        ("c", "rejected"),
        ("d", "rejected"),
        ("e", "stored"),
    ]
    reasons = [r["reason"] for r in body["results"]]
    assert reasons[0] is None and reasons[1] is None and reasons[4] is None
    assert "100.0 GJ" in reasons[2]
    assert "NO-SUCH-METER" in reasons[3]
    assert values(meter) == [Decimal("100"), Decimal("100.5")]
    assert meter.readings.get(client_id="e").kind == Reading.Kind.ESTIMATED


def test_the_same_batch_twice_is_all_duplicate(key, meter):
    batch = [item(f"r{n}", meter, aware(2020, 1, 1 + n, 8), f"{100 + n}.25") for n in range(5)]
    assert post(key, batch).json()["stored"] == 5
    count = Reading.objects.count()

    again = post(key, batch)

    assert again.status_code == 200
    assert (again.json()["stored"], again.json()["duplicate"], again.json()["rejected"]) == (0, 5, 0)
    assert Reading.objects.count() == count == 5


def test_reading_id_reused_with_another_value_is_a_conflict_naming_both(key, meter):
    post(key, [item("r1", meter, aware(2020, 3, 15, 8), "123.4567")])

    response = post(key, [item("r1", meter, aware(2020, 3, 15, 8), "124")])

    (result,) = response.json()["results"]
    assert result["status"] == "rejected"
    assert "123.4567" in result["reason"] and "124" in result["reason"]
    assert values(meter) == [Decimal("123.4567")]


def test_another_value_at_the_same_moment_is_a_conflict_naming_both(key, meter):
    post(key, [item("r1", meter, aware(2020, 3, 15, 8), "123.4567")])

    response = post(key, [item("r2", meter, "2020-03-15T00:00:00Z", "130.5")])  # the same moment

    (result,) = response.json()["results"]
    assert result["status"] == "rejected"
    assert "123.4567" in result["reason"] and "130.5" in result["reason"]


def test_back_fill_between_neighbours_is_stored_one_that_does_not_fit_is_not(key, meter):
    post(
        key,
        [
            item("jan1", meter, aware(2020, 1, 1, 8), "100"),
            item("jan10", meter, aware(2020, 1, 10, 8), "102"),
        ],
    )

    response = post(
        key,
        [
            item("jan5", meter, aware(2020, 1, 5, 8), "101"),
            item("jan7", meter, aware(2020, 1, 7, 8), "102.5"),  # above jan10
            item("jan6", meter, aware(2020, 1, 6, 8), "100.5"),  # below jan5, just stored
        ],
    )

    assert statuses(response) == [("jan5", "stored"), ("jan7", "rejected"), ("jan6", "rejected")]
    reasons = [r["reason"] for r in response.json()["results"]]
    assert "102.0 GJ" in reasons[1] and "101.0 GJ" in reasons[2]
    assert values(meter) == [Decimal("100"), Decimal("101"), Decimal("102")]


def test_units_are_converted_exactly_or_rejected(key, company):
    meters = [heated_meter(company, f"U-{n}") for n in range(5)]
    at = aware(2020, 1, 1, 8)

    response = post(
        key,
        [
            item("mwh", meters[0], at, "123.4567", unit="MWh"),  # 444.44412 GJ
            item("mwh-inexact", meters[1], at, "1.234567", unit="MWh"),  # 4.4444412: 7 decimals
            item("kwh", meters[2], at, "2500", unit="kWh"),  # 9 GJ
            item("kwh-inexact", meters[3], at, "0.0001", unit="kWh"),  # 0.00000036 GJ
            item("gj-inexact", meters[4], at, "1.0000001"),
        ],
    )

    assert statuses(response) == [
        ("mwh", "stored"),
        ("mwh-inexact", "rejected"),
        ("kwh", "stored"),
        ("kwh-inexact", "rejected"),
        ("gj-inexact", "rejected"),
    ]
    assert "exactly" in response.json()["results"][1]["reason"]
    assert values(meters[0]) == [Decimal("444.444120")]
    assert values(meters[2]) == [Decimal("9.000000")]
    assert not Reading.objects.filter(meter__in=[meters[1], meters[3], meters[4]]).exists()


def test_a_long_value_is_not_rounded_into_an_exact_looking_one(key, meter):
    # 29 significant digits: Python's default 28-digit context would round it to 1.000000.
    response = post(key, [item("long", meter, aware(2020, 1, 1, 8), "1.0000000000000000000000000001")])

    assert statuses(response) == [("long", "rejected")]
    assert not Reading.objects.exists()


def test_a_time_in_the_future_is_rejected(key, meter):
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)

    response = post(key, [item("future", meter, tomorrow, "1")])

    assert statuses(response) == [("future", "rejected")]
    assert "future" in response.json()["results"][0]["reason"]
    assert not Reading.objects.exists()


def test_a_negative_value_is_rejected_not_a_shape_error(key, meter):
    response = post(key, [item("neg", meter, aware(2020, 1, 1, 8), "-1.5")])

    assert response.status_code == 200
    assert statuses(response) == [("neg", "rejected")]
    assert "negative" in response.json()["results"][0]["reason"]
    assert not Reading.objects.exists()


def test_unknown_meter_and_another_companys_meter_are_worded_the_same(key, company):
    theirs = heated_meter(CompanyFactory(), "THEIRS-1")

    response = post(
        key,
        [
            item("x", "THEIRS-1", aware(2020, 1, 1, 8), "1"),
            item("y", "NOBODYS-1", aware(2020, 1, 1, 8), "1"),
        ],
    )

    x, y = response.json()["results"]
    assert x["status"] == y["status"] == "rejected"
    assert x["reason"].replace("THEIRS-1", "?") == y["reason"].replace("NOBODYS-1", "?")
    assert not Reading.objects.exists()
    assert not theirs.readings.exists()


def test_a_company_token_cannot_read_or_write_another_companys_meters(key, company):
    other = CompanyFactory()
    other_key = ApiToken.issue(company=other, name="B")[1]
    theirs = heated_meter(other, "B-1")
    mine = heated_meter(company, "A-1")

    assert post(key, [item("a", theirs, aware(2020, 1, 1, 8), "5")]).json()["rejected"] == 1
    assert post(other_key, [item("b", mine, aware(2020, 1, 1, 8), "5")]).json()["rejected"] == 1
    listed = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/meters").json()

    assert not Reading.objects.exists()
    assert [m["serial"] for m in listed["results"]] == ["A-1"]


def test_reading_ids_are_unique_per_company_not_globally(key, meter):
    other = CompanyFactory()
    other_key = ApiToken.issue(company=other, name="B")[1]
    theirs = heated_meter(other, "B-1")

    first = post(key, [item("same-id", meter, aware(2020, 1, 1, 8), "5")])
    second = post(other_key, [item("same-id", theirs, aware(2020, 1, 1, 8), "7")])

    assert statuses(first) == statuses(second) == [("same-id", "stored")]


def test_an_implausible_jump_is_stored_flagged(key, meter):
    ReadingFactory(meter=meter, read_at=aware(2020, 1, 1, 8), value_gj=Decimal("100"))

    # 50 GJ in a day for 80 m²: far above 0.8 GJ/day.
    response = post(key, [item("jump", meter, aware(2020, 1, 2, 8), "150")])

    (result,) = response.json()["results"]
    assert result["status"] == "stored"
    assert result["flags"] == ["implausible_use"]
    assert response.json()["stored"] == 1
    stored = meter.readings.get(client_id="jump")
    assert stored.status == Reading.Status.FLAGGED
    assert stored.flags == ["implausible_use"]


def test_1000_readings_are_accepted(key, meter):
    start = aware(2019, 11, 15)
    batch = [
        item(f"r{n}", meter, start + datetime.timedelta(hours=n), f"{Decimal(n) / 100}") for n in range(1000)
    ]

    response = post(key, batch)

    assert response.status_code == 200
    assert response.json()["stored"] == 1000
    assert Reading.objects.count() == 1000


def test_an_empty_batch_stores_nothing(key):
    response = post(key, [])

    assert response.status_code == 200
    assert response.json() == {"stored": 0, "duplicate": 0, "rejected": 0, "results": []}


def test_a_race_that_keeps_losing_is_503_not_500(key, meter, monkeypatch):
    def always_losing(**kwargs):
        raise IntegrityError("unique_client_reading_id")

    monkeypatch.setattr(readings_service, "_ingest_once", always_losing)

    response = post(key, [item("raced", meter, aware(2020, 1, 1, 8), "5")])

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert not Reading.objects.exists()


def at_once(*calls):
    """The results of `calls`, each run in its own thread (and database connection), released together."""
    start = threading.Barrier(len(calls), timeout=20)
    results = [None] * len(calls)

    def run(n):
        try:
            start.wait()
            results[n] = calls[n]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_racing_on_one_reading_id(company, key):
    """Two clients send the same reading_id for different meters at the same moment: one is stored,
    the other is a conflict — never a 500, whichever way the database orders them (the service
    locks the meters; a loser tripping on the unique (company, client_id) is judged again)."""
    meters = [heated_meter(company, "RACE-1"), heated_meter(company, "RACE-2")]
    responses = at_once(
        lambda: post(key, [item("same-id", meters[0], aware(2020, 1, 1, 8), "5")]),
        lambda: post(key, [item("same-id", meters[1], aware(2020, 1, 1, 8), "6")]),
    )

    assert sorted(r.status_code for r in responses) == [200, 200]
    outcomes = sorted(r.json()["results"][0]["status"] for r in responses)
    assert outcomes == ["rejected", "stored"]
    assert Reading.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_racing_on_one_meter_leave_it_in_order(company, key, monkeypatch):
    """10 GJ on day 1 against 5 GJ on day 2, for the same meter, at the same moment: the meter lock
    makes one writer judge after the other has committed, so one is stored and the other refused
    (below the earlier or above the later reading), whichever wins.

    Each writer, once past the lock, waits (briefly) for the other to arrive too, so that without
    the lock both would judge against the same empty meter and both be stored."""
    meter = heated_meter(company, "RACE-1")
    both_judging = threading.Barrier(2, timeout=2)
    real_judge = readings_service.readings_judge

    def judge_together(**kwargs):
        try:
            both_judging.wait()
        except threading.BrokenBarrierError:
            pass  # the other writer is held at the lock, as it should be
        return real_judge(**kwargs)

    monkeypatch.setattr(readings_service, "readings_judge", judge_together)
    responses = at_once(
        lambda: post(key, [item("day-1", meter, aware(2020, 1, 1, 8), "10")]),
        lambda: post(key, [item("day-2", meter, aware(2020, 1, 2, 8), "5")]),
    )

    assert sorted(r.status_code for r in responses) == [200, 200]
    outcomes = sorted(r.json()["results"][0]["status"] for r in responses)
    assert outcomes == ["rejected", "stored"]
    stored = values(meter)
    assert stored == sorted(stored)  # time order: never 10 GJ on day 1 then 5 GJ on day 2
    assert len(stored) == 1


# Authentication ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Token nope", "Bearer x"])
def test_without_a_valid_token_nothing_is_stored(meter, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.post(
        URL, {"readings": [item("r", meter, aware(2020, 1, 1, 8), "1")]}, format="json"
    )

    assert response.status_code == 401
    assert not Reading.objects.exists()


def test_a_revoked_token_is_401(key, meter):
    ApiToken.objects.update(revoked_at=timezone.now())

    response = post(key, [item("r", meter, aware(2020, 1, 1, 8), "1")])

    assert response.status_code == 401
    assert not Reading.objects.exists()


# Shape: 400, nothing stored -------------------------------------------------------------------

GOOD = {
    "reading_id": "r-bad",
    "meter": "HM-000123",
    "read_at": "2020-03-15T08:00:00+08:00",
    "value": "123.4567",
    "unit": "GJ",
    "type": "actual",
}
class _Missing:
    """A field left out of the payload (a stable repr keeps test ids equal across xdist workers)."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()

SHAPE_ERRORS = [
    *[(name, MISSING) for name in ("reading_id", "meter", "read_at", "value", "unit")],
    ("reading_id", ""),
    ("reading_id", "x" * 101),
    ("reading_id", 17),
    ("reading_id", None),
    ("meter", 123),
    ("meter", ["HM-000123"]),
    ("meter", ""),
    ("read_at", "2020-03-15T08:00:00"),  # no offset
    ("read_at", "2020-03-15 08:00"),
    ("read_at", "2020-03-15"),
    ("read_at", "15/03/2020 08:00+08:00"),
    ("read_at", "2020-02-30T08:00:00+08:00"),
    ("read_at", "２０２０-03-15T08:00:00+08:00"),
    ("read_at", "0001-01-01T00:00:00+08:00"),  # before year 1 in UTC
    ("read_at", "2020-03-15T08:00:00+24:00"),
    ("read_at", "2020-03-15T08:00:00.1234567+08:00"),
    ("read_at", 1584230400),
    ("value", 123.4567),
    ("value", 123),
    ("value", "NaN"),
    ("value", "Infinity"),
    ("value", "1e5"),
    ("value", "１２３"),
    ("value", "12,5"),
    ("value", " 1"),
    ("value", "1."),
    ("value", ".5"),
    ("value", ""),
    ("value", "--1"),
    ("value", "1" * 41),
    ("value", None),
    ("value", True),
    ("unit", "J"),
    ("unit", "gj"),
    ("unit", None),
    ("unit", 1),
    ("type", "guess"),
    ("type", None),
    ("type", ["actual"]),
]


@pytest.mark.parametrize(("field", "bad"), SHAPE_ERRORS, ids=[f"{f}={b!r}"[:40] for f, b in SHAPE_ERRORS])
def test_a_bad_reading_is_400_naming_field_and_index(key, meter, field, bad):
    good = [
        {**GOOD, "reading_id": f"ok-{n}", "read_at": f"2020-03-0{n + 1}T08:00:00+08:00", "value": f"{n}"}
        for n in range(3)
    ]
    wrong = {k: v for k, v in GOOD.items() if k != field}
    if bad is not MISSING:
        wrong[field] = bad

    response = post(key, [*good, wrong])

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["readings"]
    assert list(response.json()["readings"]) == ["3"]
    assert list(response.json()["readings"]["3"]) == [field]
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"readings": None},
        {"readings": "r"},
        {"readings": {"0": GOOD}},
        {"readings": [GOOD, "r"]},
        {"readings": [GOOD, None]},
        {"readings": [[GOOD]]},
        [GOOD],
        "readings",
        None,
    ],
    ids=repr,
)
def test_a_body_of_another_shape_is_400(key, meter, body):
    response = post(key, body=body)

    assert response.status_code == 400
    assert response.json()
    assert not Reading.objects.exists()


def test_1001_readings_are_400_and_nothing_is_stored(key, meter):
    start = aware(2019, 11, 15)
    batch = [item(f"r{n}", meter, start + datetime.timedelta(hours=n), f"{n}") for n in range(1001)]

    response = post(key, batch)

    assert response.status_code == 400
    assert "readings" in response.json()
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"readings": [', "application/json"),
        (b"readings=1", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
        (b"[" * 100000 + b"]" * 100000, "application/json"),
    ],
    ids=["truncated", "form", "not utf-8", "deep"],
)
def test_a_body_that_is_not_json_is_400(key, meter, content, content_type):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.generic("POST", URL, content, content_type=content_type)

    assert response.status_code == 400
    assert not Reading.objects.exists()


WELL_FORMED = [
    GOOD,
    {k: v for k, v in GOOD.items() if k != "type"},
    {**GOOD, "type": "estimated", "unit": "kWh"},
    {**GOOD, "read_at": "2020-03-15T00:00:00Z"},
    {**GOOD, "read_at": "2020-03-15T08:00+0800"},
    {**GOOD, "read_at": "2020-03-15T08:00:00.123456+08:00"},
    {**GOOD, "value": "-1.5"},
    {**GOOD, "value": "+3"},
    {**GOOD, "value": "9" * 40},
    {**GOOD, "reading_id": " spaced id ", "meter": "表-1"},
    {**GOOD, "reading_id": "x" * 100, "extra": "ignored"},
]
ODD = [
    {**GOOD, "reading_id": "a\x00b"},
    {**GOOD, "meter": "\ud800"},
    {**GOOD, "meter": "tab\there"},
    "not a dict",
    None,
    [GOOD],
]


@pytest.mark.parametrize(
    "sample",
    [
        *WELL_FORMED,
        *ODD,
        *[
            {**{k: v for k, v in GOOD.items() if k != field}, **({} if bad is MISSING else {field: bad})}
            for field, bad in SHAPE_ERRORS
        ],
    ],
    ids=repr,
)
def test_the_fast_path_agrees_with_field_by_field_validation(sample):
    serializer = readings_api.ReadingInSerializer()
    fast = serializer.well_formed(sample)
    try:
        slow = dict(serializers.Serializer.to_internal_value(serializer, sample))
    except serializers.ValidationError:
        slow = None

    if sample in WELL_FORMED:
        assert fast is not None
    assert fast is None or fast == slow


def test_the_longest_value_accepted_is_judged_not_a_500(key, meter):
    response = post(key, [item("big", meter, aware(2020, 1, 1, 8), "9" * 40, unit="kWh")])

    assert statuses(response) == [("big", "rejected")]
    assert "too large" in response.json()["results"][0]["reason"]


def test_a_reason_does_not_repeat_an_identity_number_sent_as_a_serial(key):
    number = "11010519491231002X"

    [result] = post(key, [item("r1", number, aware(2020, 1, 1, 8), "5")]).json()["results"]

    assert result["status"] == "rejected" and number[4:14] not in result["reason"]
