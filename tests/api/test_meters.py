"""GET /api/v1/meters against CONTRACTS.md ("Machine clients of the remote-reading API")."""
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from heating.models import ApiToken, Reading
from tests.factories import CompanyFactory, MeterFactory, ReadingFactory, aware

URL = "/api/v1/meters"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def key(company):
    return ApiToken.issue(company=company, name="route 7")[1]


def client_for(key):
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def get(key, url=URL):
    return client_for(key).get(url)


def test_page_shape_and_last_readings(company, key):
    never_read = MeterFactory(company=company, serial="HM-000002")
    read = MeterFactory(company=company, serial="HM-000001")
    ReadingFactory(meter=read, read_at=aware(2020, 3, 1, 8), value_gj=Decimal("100.000000"))
    ReadingFactory(meter=read, read_at=aware(2020, 3, 15, 8), value_gj=Decimal("123.456700"))
    # A later reading that was voided does not count; a flagged (held) one would.
    ReadingFactory(
        meter=read, read_at=aware(2020, 3, 20, 8), value_gj=Decimal("999.000000"),
        status=Reading.Status.VOID, void_reason="misread",
    )

    response = get(key)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "serial": "HM-000001",
            "account": read.account.number,
            "last_reading": {"read_at": "2020-03-15T08:00:00+08:00", "value_gj": "123.4567"},
        },
        {"serial": "HM-000002", "account": never_read.account.number, "last_reading": None},
    ]


def test_flagged_reading_is_the_last_one_and_values_keep_one_decimal(company, key):
    meter = MeterFactory(company=company)
    ReadingFactory(meter=meter, read_at=aware(2020, 1, 1), value_gj=Decimal("100.000000"))
    ReadingFactory(
        meter=meter, read_at=aware(2020, 1, 2), value_gj=Decimal("120.000000"),
        status=Reading.Status.FLAGGED, flags=["implausible_use"],
    )

    (result,) = get(key).json()["results"]

    assert result["last_reading"] == {"read_at": "2020-01-02T00:00:00+08:00", "value_gj": "120.0"}


def test_time_is_local_whatever_the_offset_it_was_sent_with(company, key):
    meter = MeterFactory(company=company)
    ReadingFactory(meter=meter, read_at=aware(2020, 3, 15, 8).astimezone(datetime.UTC))

    (result,) = get(key).json()["results"]

    assert LOCAL_TIME.match(result["last_reading"]["read_at"])
    assert result["last_reading"]["read_at"] == "2020-03-15T08:00:00+08:00"


def test_other_companies_meters_are_never_listed(company, key):
    mine = MeterFactory(company=company, serial="MINE-1")
    other = MeterFactory(serial="THEIRS-1")
    MeterFactory(company=other.company, serial="MINE-2")  # same-looking serial, other company
    ReadingFactory(meter=other, value_gj=Decimal("5.000000"))

    body = get(key).json()

    assert [m["serial"] for m in body["results"]] == [mine.serial]
    assert body["count"] == 1


def test_pagination_by_serial(company, key):
    for n in range(105):
        MeterFactory(company=company, serial=f"HM-{104 - n:06d}")

    first = get(key).json()
    second = client_for(key).get(first["next"]).json()

    assert first["count"] == 105 and len(first["results"]) == 100
    assert first["previous"] is None and first["next"].endswith("/api/v1/meters?page=2")
    assert [m["serial"] for m in first["results"]][:3] == ["HM-000000", "HM-000001", "HM-000002"]
    assert [m["serial"] for m in second["results"]] == [f"HM-{n:06d}" for n in range(100, 105)]
    assert second["next"] is None and second["previous"] is not None


def _queries(key):
    with CaptureQueriesContext(connection) as queries:
        assert get(key).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_page(company, key, django_assert_max_num_queries):
    meter = MeterFactory(company=company)
    ReadingFactory(meter=meter)
    get(key)  # records last_used_at once
    few = _queries(key)
    for n in range(29):
        meter = MeterFactory(company=company)
        ReadingFactory(meter=meter, read_at=aware(2020, 1, 1 + n % 28, 8), value_gj=Decimal(n))
        ReadingFactory(meter=meter, read_at=aware(2020, 2, 1, 8), value_gj=Decimal(100 + n))

    with django_assert_max_num_queries(3):  # token, count, page
        response = get(key)

    assert len(response.json()["results"]) == 30
    assert all(m["last_reading"] for m in response.json()["results"])
    assert _queries(key) == few


@pytest.mark.parametrize(
    "header",
    [None, "Token", "Token wrong-key", "Token a b", "Bearer x", "Basic dXNlcjpwdw==", "token"],
)
def test_no_valid_token_is_401(company, key, header):
    MeterFactory(company=company)
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "results" not in response.json()


def test_revoked_token_is_401(company, key):
    ApiToken.objects.update(revoked_at=timezone.now())

    assert get(key).status_code == 401


def test_a_logged_in_user_without_a_token_is_401(company, django_user_model):
    client = APIClient()
    client.force_login(django_user_model.objects.create_user("staff", password="pw"))

    assert client.get(URL).status_code == 401
