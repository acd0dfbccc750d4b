"""POST /api/v1/quote with days_open: a home connected part of the season (POLICY.md §4)."""

import importlib

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

URL = "/api/v1/quote"
FLAT_80 = {"price_class": "residential", "method": "area", "parts": [{"kind": "flat", "area": "80.00"}]}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def policy_2019(django_db_setup, db):
    importlib.import_module("heating.migrations.0002_policy_2019").load(apps, None)
    cache.clear()
    yield
    cache.clear()


def quote(body, lang="zh-hans"):
    return Client().post(URL, body, content_type="application/json", headers={"accept-language": lang})


def test_a_home_open_half_the_season_pays_half_the_area_fee():
    response = quote({**FLAT_80, "season": "2019-2020", "days_open": 61})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["heating_fee"], body["amount_due"], body["prepayment"]) == ("840.00", "840.00", "840.00")
    assert body["lines"][0]["key"] == "partial_season"
    assert "本户开户 61 天" in body["lines"][0]["label"]


def test_the_default_season_gives_the_days_of_the_season():
    # With only the 2019 notice loaded the default is 2020-2021: 121 days; 1680 × 1/121 = 13.884…
    body = quote({**FLAT_80, "days_open": 1}).json()
    assert (body["season"], body["amount_due"]) == ("2020-2021", "13.88")


def test_open_every_day_of_the_season_is_the_whole_season():
    whole = quote({**FLAT_80, "season": "2019-2020"}).json()
    assert quote({**FLAT_80, "season": "2019-2020", "days_open": 122}).json() == whole
    assert quote({**FLAT_80, "season": "2019-2020", "days_open": None}).json() == whole


def test_the_response_has_the_same_fields():
    whole = quote({**FLAT_80, "season": "2019-2020"}).json()
    assert set(quote({**FLAT_80, "season": "2019-2020", "days_open": 30}).json()) == set(whole)


@pytest.mark.parametrize(
    "season, days_open, zh, en",
    [
        (
            "2020-2021",
            122,
            "开户天数须在 1 至 121 天之间，不能是 122。",
            "The days open must be from 1 to 121, not 122.",
        ),
        (
            "2019-2020",
            0,
            "开户天数须在 1 至 122 天之间，不能是 0。",
            "The days open must be from 1 to 122, not 0.",
        ),
    ],
)
def test_days_outside_the_season_are_refused_naming_the_field(season, days_open, zh, en):
    body = {**FLAT_80, "season": season, "days_open": days_open}

    response = quote(body)

    assert response.status_code == 400
    assert response.json() == {"days_open": [zh]}
    assert quote(body, "en").json() == {"days_open": [en]}


@pytest.mark.parametrize("days_open", ["ten", 1.5, True, -1, "1e3"])
def test_a_days_open_that_is_not_a_whole_number_is_refused(days_open):
    response = quote({**FLAT_80, "days_open": days_open})

    assert response.status_code == 400
    assert list(response.json()) == ["days_open"]


def test_the_schema_documents_days_open():
    document = SchemaGenerator().get_schema(request=None, public=True)
    request = document["components"]["schemas"]["QuoteRequest"]
    days_open = request["properties"]["days_open"]
    assert "days_open" not in request.get("required", [])
    assert "POLICY.md §4" in days_open["description"]
    assert {"type": "integer", "minimum": 0, "maximum": 366} in days_open["oneOf"]
