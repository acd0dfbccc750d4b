"""POST /api/v1/quote against CONTRACTS.md and the worked examples of POLICY.md §9."""
import importlib
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from heating.billing import LINE_KEYS

URL = "/api/v1/quote"
AMOUNT_FIELDS = (
    "billing_area",
    "basic_fee",
    "metered_fee",
    "cap",
    "cap_loss",
    "heating_fee",
    "exchanger_fee",
    "gross_fee",
    "low_income_discount",
    "amount_due",
    "prepayment",
    "refund",
    "balance_due",
)
CONTRACT_FIELDS = ("season", "policy", *AMOUNT_FIELDS, "lines")
TWO_DECIMALS = re.compile(r"^[0-9]+\.[0-9]{2}$")
UNFILLED = re.compile(r"%\(\w+\)|\{\w+\}")
SIGNED_TWO_DECIMALS = re.compile(r"^-?[0-9]+\.[0-9]{2}$")  # a line may show a discount as negative
POLICY_2019 = "源政办字〔2019〕54号"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def policy_2019(django_db_setup, db):
    """The 2019 notice as its migration loads it, even after a transactional test flushed the tables."""
    migration = importlib.import_module("heating.migrations.0002_policy_2019")
    migration.load(apps, None)


@pytest.fixture
def api():
    return APIClient()


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def residential(method, *parts, **extra):
    return {
        "season": "2019-2020",
        "price_class": "residential",
        "method": method,
        "parts": [{"kind": kind, "area": area} for kind, area in parts],
        **extra,
    }


def non_residential(method, area, **extra):
    return {
        "season": "2019-2020",
        "price_class": "non_residential",
        "method": method,
        "parts": [{"kind": "building", "area": area}],
        **extra,
    }


def quote(client, body, **headers):
    response = post(client, body, **headers)
    assert response.status_code == 200, response.content.decode()
    return response.json()


def rejected(client, body, **headers):
    response = post(client, body, **headers)
    assert response.status_code == 400, response.content.decode()
    data = response.json()
    assert isinstance(data, dict)
    return data


def assert_well_formed(data):
    assert set(CONTRACT_FIELDS) <= set(data)
    for name in AMOUNT_FIELDS:
        assert data[name] is None or TWO_DECIMALS.match(data[name]), (name, data[name])
    for name in set(AMOUNT_FIELDS) - {"basic_fee", "metered_fee", "cap"}:
        assert data[name] is not None, name
    assert data["lines"]
    for line in data["lines"]:
        assert isinstance(line["label"], str) and line["label"]
        assert line["amount"] is None or SIGNED_TWO_DECIMALS.match(line["amount"]), line
    due = [line for line in data["lines"] if line.get("key") == "amount_due"]
    assert len(due) == 1
    assert due[0]["amount"] == data["amount_due"]


# --- POLICY.md §9, through the API -------------------------------------------------------------

NULL_TERMS = {"basic_fee": None, "metered_fee": None, "cap": None}

WORKED_EXAMPLES = {
    "1 residential area flat 80": (
        residential("area", ("flat", "80.00")),
        {
            "billing_area": "80.00",
            **NULL_TERMS,
            "cap_loss": "0.00",
            "heating_fee": "1680.00",
            "exchanger_fee": "0.00",
            "gross_fee": "1680.00",
            "low_income_discount": "0.00",
            "amount_due": "1680.00",
            "prepayment": "1680.00",
            "refund": "0.00",
            "balance_due": "0.00",
        },
    ),
    "2 residential area 90.5 with 2 exchangers": (
        residential("area", ("flat", "90.50"), exchangers=2),
        {
            "billing_area": "90.50",
            **NULL_TERMS,
            "cap_loss": "0.00",
            "heating_fee": "1900.50",
            "exchanger_fee": "240.00",
            "gross_fee": "2140.50",
            "low_income_discount": "0.00",
            "amount_due": "2140.50",
            "prepayment": "2140.50",
            "refund": "0.00",
            "balance_due": "0.00",
        },
    ),
    "3 residential metered 100 m2 20 GJ": (
        residential("metered", ("flat", "100.00"), heat_gj="20.000"),
        {
            "billing_area": "100.00",
            "basic_fee": "630.00",
            "metered_fee": "900.00",
            "cap": "2100.00",
            "cap_loss": "0.00",
            "heating_fee": "900.00",
            "exchanger_fee": "0.00",
            "gross_fee": "900.00",
            "low_income_discount": "0.00",
            "amount_due": "900.00",
            "prepayment": "2100.00",
            "refund": "1200.00",
            "balance_due": "0.00",
        },
    ),
    "4 residential metered 10 GJ: basic fee": (
        residential("metered", ("flat", "100.00"), heat_gj="10"),
        {
            "billing_area": "100.00",
            "basic_fee": "630.00",
            "metered_fee": "450.00",
            "cap": "2100.00",
            "cap_loss": "0.00",
            "heating_fee": "630.00",
            "gross_fee": "630.00",
            "amount_due": "630.00",
            "prepayment": "2100.00",
            "refund": "1470.00",
            "balance_due": "0.00",
        },
    ),
    "5 residential metered 60 GJ: capped": (
        residential("metered", ("flat", "100.00"), heat_gj="60.000000"),
        {
            "basic_fee": "630.00",
            "metered_fee": "2700.00",
            "cap": "2100.00",
            "cap_loss": "600.00",
            "heating_fee": "2100.00",
            "gross_fee": "2100.00",
            "amount_due": "2100.00",
            "prepayment": "2100.00",
            "refund": "0.00",
            "balance_due": "0.00",
        },
    ),
    "6 #3 for a low-income household": (
        residential("metered", ("flat", "100.00"), heat_gj="20.000", low_income=True),
        {
            "basic_fee": "630.00",
            "metered_fee": "900.00",
            "cap": "2100.00",
            "heating_fee": "900.00",
            "gross_fee": "900.00",
            "low_income_discount": "225.00",
            "amount_due": "675.00",
            "prepayment": "1575.00",
            "refund": "900.00",
            "balance_due": "0.00",
        },
    ),
    "7 non-residential area 500": (
        non_residential("area", "500.00"),
        {
            "billing_area": "500.00",
            **NULL_TERMS,
            "cap_loss": "0.00",
            "heating_fee": "17500.00",
            "gross_fee": "17500.00",
            "amount_due": "17500.00",
            "prepayment": "17500.00",
            "refund": "0.00",
            "balance_due": "0.00",
        },
    ),
    "8 non-residential metered 500 m2 300 GJ": (
        non_residential("metered", "500", heat_gj="300"),
        {
            "billing_area": "500.00",
            "basic_fee": "5250.00",
            "metered_fee": "13650.00",
            "cap": None,
            "cap_loss": "0.00",
            "heating_fee": "18900.00",
            "exchanger_fee": "0.00",
            "gross_fee": "18900.00",
            "low_income_discount": "0.00",
            "amount_due": "18900.00",
            "prepayment": "17500.00",
            "refund": "0.00",
            "balance_due": "1400.00",
        },
    ),
    "9 duplex heated upstairs (70) only": (
        residential("area", ("duplex_single_floor_heated", "70.00")),
        {
            "billing_area": "91.00",
            **NULL_TERMS,
            "heating_fee": "1911.00",
            "amount_due": "1911.00",
            "prepayment": "1911.00",
        },
    ),
    "10 flat 80 + heated attic without certificate": (
        residential("area", ("flat", "80.00"), ("attic_without_certificate", "80.00")),
        {
            "billing_area": "120.00",
            **NULL_TERMS,
            "heating_fee": "2520.00",
            "amount_due": "2520.00",
            "prepayment": "2520.00",
        },
    ),
}


@pytest.mark.parametrize("body, expected", WORKED_EXAMPLES.values(), ids=WORKED_EXAMPLES.keys())
def test_worked_examples(api, body, expected):
    data = quote(api, body)

    assert_well_formed(data)
    assert data["season"] == "2019-2020"
    assert data["policy"] == POLICY_2019
    assert {name: data[name] for name in expected} == expected


def test_metered_institution_gets_the_phased_rule_with_the_cap(api):
    body = {
        "season": "2019-2020",
        "price_class": "institution",
        "method": "metered",
        "parts": [{"kind": "building", "area": "1000.00"}],
        "heat_gj": "600",
    }

    data = quote(api, body)

    assert (data["basic_fee"], data["metered_fee"], data["cap"]) == ("6300.00", "27000.00", "21000.00")
    assert (data["heating_fee"], data["cap_loss"]) == ("21000.00", "6000.00")


def test_the_other_part_kinds_count_in_full(api):
    parts = [
        ("duplex_both_floors_heated", "130.00"),
        ("attic_with_certificate", "20.25"),
        ("basement", "10.10"),
        ("storage", "5.05"),
        ("garage", "15"),
    ]

    data = quote(api, residential("area", *parts))

    assert data["billing_area"] == "180.40"
    assert data["heating_fee"] == "3788.40"


def test_billing_area_is_rounded_half_up_after_adding_the_parts(api):
    # 0.05 × 130% = 0.065 and 0.01 × 50% = 0.005: 0.070 in all, not 0.07 + 0.01.
    parts = [("duplex_single_floor_heated", "0.05"), ("attic_without_certificate", "0.01")]

    assert quote(api, residential("area", *parts))["billing_area"] == "0.07"
    assert quote(api, residential("area", ("attic_without_certificate", "0.01")))["billing_area"] == "0.01"


# --- prepaid ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, refund, balance_due",
    [
        (non_residential("metered", "500.00", heat_gj="300", prepaid="18900.00"), "0.00", "0.00"),
        (non_residential("metered", "500.00", heat_gj="300", prepaid="20000"), "1100.00", "0.00"),
        (residential("metered", ("flat", "100.00"), heat_gj="20", prepaid="2100.00"), "1200.00", "0.00"),
        (residential("metered", ("flat", "100.00"), heat_gj="20", prepaid="0"), "0.00", "900.00"),
        (residential("area", ("flat", "80.00"), prepaid="1000.50"), "0.00", "679.50"),
        (residential("area", ("flat", "80.00"), prepaid=None), "0.00", "0.00"),
    ],
    ids=["8 paid exactly", "8 overpaid", "3 paid the prepayment", "3 paid nothing", "1 part paid", "null"],
)
def test_refund_and_balance_follow_the_money_actually_paid(api, body, refund, balance_due):
    data = quote(api, body)

    assert (data["refund"], data["balance_due"]) == (refund, balance_due)
    assert_well_formed(data)


def test_prepaid_does_not_change_the_prepayment_due(api):
    data = quote(api, residential("metered", ("flat", "100.00"), heat_gj="20", prepaid="0.00"))

    assert data["prepayment"] == "2100.00"
    assert data["amount_due"] == "900.00"


# --- season -------------------------------------------------------------------------------------


@pytest.mark.parametrize("season", ["omitted", None])
def test_the_default_season_is_the_latest_the_loaded_policy_covers(api, season):
    body = residential("metered", ("flat", "100.00"), heat_gj="20")
    if season == "omitted":
        del body["season"]
    else:
        body["season"] = season

    data = quote(api, body)

    assert data["season"] == "2020-2021"
    assert data["policy"] == POLICY_2019
    assert data["amount_due"] == "900.00"


@pytest.mark.parametrize("season", ["2019-2020", "2020-2021"])
def test_both_seasons_of_the_2019_notice_are_priced(api, season):
    assert quote(api, residential("area", ("flat", "80"), season=season))["season"] == season


@pytest.mark.parametrize(
    "season, day",
    [("2021-2022", "2021-11-15"), ("2018-2019", "2018-11-15"), ("1990-1991", "1990-11-15")],
)
def test_a_season_without_a_policy_names_its_first_day(api, season, day):
    data = rejected(api, residential("area", ("flat", "80"), season=season))

    assert list(data) == ["season"]
    assert any(day in message for message in data["season"]), data


@pytest.mark.parametrize(
    "season",
    [
        "2019",
        "2019-2021",
        "2019-2019",
        "2020-2019",
        "２０１９-２０２０",
        "2019–2020",
        "2019/2020",
        "19-20",
        "2019-2020-2021",
        "0000-0001",
        "",
        " ",
        2019,
        2019.5,
        True,
        ["2019-2020"],
        {"start": 2019},
    ],
)
def test_a_malformed_season_is_400_on_season(api, season):
    data = rejected(api, residential("area", ("flat", "80"), season=season))

    assert "season" in data


def test_year_zero_is_not_taken_for_the_default_season(api):
    # "0000-0001" once parsed to start year 0, which is falsy, and silently quoted 2020-2021.
    data = rejected(api, residential("area", ("flat", "80"), season="0000-0001"))

    assert list(data) == ["season"]


# --- every error of the contract: 400 naming the field, never 500 --------------------------------

METERED = residential("metered", ("flat", "100.00"), heat_gj="20.000")
AREA = residential("area", ("flat", "80.00"))
BUILDING_AREA = non_residential("area", "500.00")


def without(body, key):
    return {k: v for k, v in body.items() if k != key}


def with_area(area, base=AREA):
    return {**base, "parts": [{"kind": base["parts"][0]["kind"], "area": area}]}


ERRORS = {
    "missing price_class": (without(AREA, "price_class"), "price_class"),
    "missing method": (without(AREA, "method"), "method"),
    "missing parts": (without(AREA, "parts"), "parts"),
    "unknown price_class": ({**AREA, "price_class": "commercial"}, "price_class"),
    "price_class in Chinese": ({**AREA, "price_class": "居民"}, "price_class"),
    "price_class null": ({**AREA, "price_class": None}, "price_class"),
    "unknown method": ({**AREA, "method": "flat_rate"}, "method"),
    "method wrong case": ({**AREA, "method": "AREA"}, "method"),
    "empty parts": ({**AREA, "parts": []}, "parts"),
    "parts not a list": ({**AREA, "parts": {"kind": "flat", "area": "80"}}, "parts"),
    "parts null": ({**AREA, "parts": None}, "parts"),
    "part not an object": ({**AREA, "parts": ["flat"]}, "parts"),
    "part without kind": ({**AREA, "parts": [{"area": "80"}]}, "parts"),
    "part without area": ({**AREA, "parts": [{"kind": "flat"}]}, "parts"),
    "part of unknown kind": ({**AREA, "parts": [{"kind": "balcony", "area": "80"}]}, "parts"),
    "too many parts": ({**AREA, "parts": [{"kind": "storage", "area": "1"}] * 51}, "parts"),
    "area 0": (with_area("0"), "parts"),
    "area 0.00": (with_area("0.00"), "parts"),
    "area int 0": (with_area(0), "parts"),
    "area negative": (with_area("-80.00"), "parts"),
    "area negative int": (with_area(-80), "parts"),
    "area NaN": (with_area("NaN"), "parts"),
    "area Infinity": (with_area("Infinity"), "parts"),
    "area -Infinity": (with_area("-Infinity"), "parts"),
    "area 1e999999": (with_area("1e999999"), "parts"),
    "area 1e3": (with_area("1e3"), "parts"),
    "area full-width digits": (with_area("１００"), "parts"),
    "area Arabic-Indic digits": (with_area("٨٠"), "parts"),
    "area three decimals": (with_area("100.001"), "parts"),
    "area huge": (with_area("99999999999999999999"), "parts"),
    "area above a million": (with_area("1000000.01"), "parts"),
    "area huge int": (with_area(10**30), "parts"),
    "area JSON float": (with_area(80.123456789012345), "parts"),
    "area JSON float short": (with_area(80.5), "parts"),
    "area null": (with_area(None), "parts"),
    "area true": (with_area(True), "parts"),
    "area false": (with_area(False), "parts"),
    "area empty": (with_area(""), "parts"),
    "area words": (with_area("eighty"), "parts"),
    "area with unit": (with_area("80 m2"), "parts"),
    "area with comma": (with_area("1,000"), "parts"),
    "area list": (with_area(["80"]), "parts"),
    "area object": (with_area({"value": "80"}), "parts"),
    "building for residential": ({**AREA, "parts": [{"kind": "building", "area": "80"}]}, "parts"),
    "flat for institution": (
        {**BUILDING_AREA, "price_class": "institution", "parts": AREA["parts"]},
        "parts",
    ),
    "flat for non-residential": ({**BUILDING_AREA, "parts": AREA["parts"]}, "parts"),
    "garage for non-residential": (
        {**BUILDING_AREA, "parts": [{"kind": "building", "area": "9"}, {"kind": "garage", "area": "9"}]},
        "parts",
    ),
    "metered without heat_gj": (without(METERED, "heat_gj"), "heat_gj"),
    "metered with null heat_gj": ({**METERED, "heat_gj": None}, "heat_gj"),
    "heat_gj for area method": ({**AREA, "heat_gj": "20"}, "heat_gj"),
    "heat_gj 0 for area method": ({**AREA, "heat_gj": "0"}, "heat_gj"),
    "heat_gj negative": ({**METERED, "heat_gj": "-1"}, "heat_gj"),
    "heat_gj NaN": ({**METERED, "heat_gj": "NaN"}, "heat_gj"),
    "heat_gj Infinity": ({**METERED, "heat_gj": "Infinity"}, "heat_gj"),
    "heat_gj 7 decimals": ({**METERED, "heat_gj": "20.0000001"}, "heat_gj"),
    "heat_gj exponent": ({**METERED, "heat_gj": "2e1"}, "heat_gj"),
    "heat_gj empty": ({**METERED, "heat_gj": ""}, "heat_gj"),
    "heat_gj JSON float": ({**METERED, "heat_gj": 20.5}, "heat_gj"),
    "heat_gj huge": ({**METERED, "heat_gj": "99999999999999999999"}, "heat_gj"),
    "heat_gj true": ({**METERED, "heat_gj": True}, "heat_gj"),
    "exchangers for metered": ({**METERED, "exchangers": 1}, "exchangers"),
    "exchangers for non-residential": ({**BUILDING_AREA, "exchangers": 1}, "exchangers"),
    "exchangers for institution": (
        {**BUILDING_AREA, "price_class": "institution", "exchangers": 2},
        "exchangers",
    ),
    "exchangers -1": ({**AREA, "exchangers": -1}, "exchangers"),
    "exchangers 1.5": ({**AREA, "exchangers": "1.5"}, "exchangers"),
    "exchangers JSON 1.5": ({**AREA, "exchangers": 1.5}, "exchangers"),
    "exchangers JSON 1.0": ({**AREA, "exchangers": 1.0}, "exchangers"),
    "exchangers true": ({**AREA, "exchangers": True}, "exchangers"),
    "exchangers words": ({**AREA, "exchangers": "two"}, "exchangers"),
    "exchangers full-width": ({**AREA, "exchangers": "２"}, "exchangers"),
    "exchangers huge": ({**AREA, "exchangers": 10**20}, "exchangers"),
    "exchangers null": ({**AREA, "exchangers": None}, "exchangers"),
    "low_income for institution": (
        {**BUILDING_AREA, "price_class": "institution", "low_income": True},
        "low_income",
    ),
    "low_income for non-residential": ({**BUILDING_AREA, "low_income": True}, "low_income"),
    "low_income yes": ({**AREA, "low_income": "yes"}, "low_income"),
    "low_income string true": ({**AREA, "low_income": "true"}, "low_income"),
    "low_income 1": ({**AREA, "low_income": 1}, "low_income"),
    "low_income null": ({**AREA, "low_income": None}, "low_income"),
    "prepaid negative": ({**AREA, "prepaid": "-1.00"}, "prepaid"),
    "prepaid abc": ({**AREA, "prepaid": "abc"}, "prepaid"),
    "prepaid 3 decimals": ({**AREA, "prepaid": "100.005"}, "prepaid"),
    "prepaid NaN": ({**AREA, "prepaid": "NaN"}, "prepaid"),
    "prepaid huge": ({**AREA, "prepaid": "99999999999999999999"}, "prepaid"),
    "prepaid JSON float": ({**AREA, "prepaid": 100.5}, "prepaid"),
    "prepaid true": ({**AREA, "prepaid": True}, "prepaid"),
}


@pytest.mark.parametrize("body, field", ERRORS.values(), ids=ERRORS.keys())
def test_every_error_is_400_naming_the_field(api, body, field):
    data = rejected(api, body)

    assert field in data, data
    assert data[field], data
    for text in messages(data):
        assert text.strip()
        assert not UNFILLED.search(text), text  # e.g. a literal "%(places)s" once reached clients


def messages(errors):
    """Every message in a DRF error structure."""
    if isinstance(errors, str):
        return [errors]
    values = errors.values() if isinstance(errors, dict) else errors
    return [text for value in values for text in messages(value)]


@pytest.mark.parametrize(
    "body, field, expected",
    [
        (with_area("100.001"), "parts", "2"),
        ({**METERED, "heat_gj": "1.1234567"}, "heat_gj", "6"),
        (with_area("1000000.01"), "parts", "1000000"),
        ({**AREA, "exchangers": 100}, "exchangers", "99"),
    ],
)
def test_limits_are_spelled_out_in_the_message(api, body, field, expected):
    (text,) = messages(rejected(api, body)[field])

    assert expected in text


def test_every_failing_field_is_named_at_once(api):
    data = rejected(api, {"price_class": "x", "method": "y", "parts": [], "heat_gj": "NaN", "prepaid": "-1"})

    assert {"price_class", "method", "parts", "heat_gj", "prepaid"} <= set(data)


def test_the_offending_part_is_identified(api):
    body = {**AREA, "parts": [{"kind": "flat", "area": "80"}, {"kind": "garage", "area": "abc"}]}

    data = rejected(api, body)

    assert list(data["parts"]) == ["1"]
    assert list(data["parts"]["1"]) == ["area"]


def test_zero_heat_and_zero_prepaid_are_allowed(api):
    data = quote(api, {**METERED, "heat_gj": "0", "prepaid": "0"})

    assert data["heating_fee"] == "630.00"
    assert data["balance_due"] == "630.00"


@pytest.mark.parametrize(
    "raw, content_type",
    [
        ("garbage", "application/json"),
        ("", "application/json"),
        ("{", "application/json"),
        ('{"price_class": "residential",}', "application/json"),
        ("price_class=residential&method=area", "application/x-www-form-urlencoded"),
        ('{"price_class": "residential"}', "text/plain"),
        ('{"price_class": "residential"}', "multipart/form-data; boundary=x"),
        ("[]", "application/json"),
        ('[{"price_class": "residential"}]', "application/json"),
        ('"residential"', "application/json"),
        ("42", "application/json"),
        ("null", "application/json"),
        ("true", "application/json"),
        ('{"a": NaN}', "application/json"),
        ('{"parts": [{"kind": "flat", "area": 1e999999}]}', "application/json"),
        ("1" * 5000, "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "application/json"),
    ],
    ids=[
        "garbage",
        "empty",
        "truncated",
        "trailing comma",
        "form-encoded",
        "text/plain",
        "multipart",
        "empty list",
        "list",
        "string",
        "number",
        "null",
        "true",
        "NaN literal",
        "infinite float literal",
        "5000-digit integer",
        "nested 100000 deep",
        "objects nested 5000 deep",
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(api, raw, content_type):
    response = api.generic("POST", URL, raw.encode(), content_type=content_type)

    assert response.status_code == 400, response.content[:300]
    assert isinstance(response.json(), dict)


def test_invalid_utf8_is_400(api):
    response = api.generic("POST", URL, b'{"season": "\xff\xfe"}', content_type="application/json")

    assert response.status_code == 400


# --- random payloads ------------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "season",
        "price_class",
        "method",
        "parts",
        "heat_gj",
        "exchangers",
        "low_income",
        "prepaid",
        "kind",
        "area",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "2019-2020",
            "2021-2022",
            "residential",
            "institution",
            "non_residential",
            "area",
            "metered",
            "flat",
            "building",
            "duplex_single_floor_heated",
            "80.00",
            "0",
            "-1",
            "NaN",
            "1e999999",
            "１００",
        ]
    )
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS | st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


def decimal_strings(low, high, places):
    """Plain decimal text ("12.50"), never an exponent form such as "0E-2"."""
    return st.decimals(min_value=low, max_value=high, places=places).map(lambda d: format(d, "f"))


AMOUNTS = decimal_strings(0, 100_000, 2)
AREAS = decimal_strings("0.01", 10_000, 2)
HEAT = decimal_strings(0, 5_000, 6)


@st.composite
def valid_requests(draw):
    """A request the contract accepts (some ask for a season no policy covers: a 400 on season)."""
    price_class = draw(st.sampled_from(["residential", "institution", "non_residential"]))
    method = draw(st.sampled_from(["area", "metered"]))
    kinds = ["flat", "duplex_single_floor_heated", "attic_without_certificate", "garage"]
    kind = st.sampled_from(kinds) if price_class == "residential" else st.just("building")
    body = {
        "price_class": price_class,
        "method": method,
        "parts": draw(st.lists(st.fixed_dictionaries({"kind": kind, "area": AREAS}), min_size=1, max_size=3)),
    }
    if draw(st.booleans()):
        body["season"] = draw(st.sampled_from(["2019-2020", "2020-2021", "2021-2022", None]))
    if method == "metered":
        body["heat_gj"] = draw(HEAT)
    elif price_class == "residential" and draw(st.booleans()):
        body["exchangers"] = draw(st.integers(0, 5))
    if price_class == "residential" and draw(st.booleans()):
        body["low_income"] = draw(st.booleans())
    if draw(st.booleans()):
        body["prepaid"] = draw(AMOUNTS | st.none())
    return body


@st.composite
def spoiled_requests(draw):
    """A valid request with one or two fields (or a part's field) replaced by anything, or dropped."""
    body = draw(valid_requests())
    first_part = body["parts"][0]
    for _ in range(draw(st.integers(1, 2))):
        key = draw(KEYS)
        if key in ("kind", "area"):
            first_part[key] = draw(JSONISH)
        elif draw(st.booleans()):
            body[key] = draw(JSONISH)
        else:
            body.pop(key, None)
    return body


PAYLOADS = (
    valid_requests()
    | spoiled_requests()
    | st.dictionaries(KEYS | st.text(max_size=8), JSONISH, max_size=8)
    | JSONISH
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=PAYLOADS)
def test_random_payloads_get_200_or_a_400_dict(payload):
    """Anything JSON can say gets a quote or a 400 whose body is an object, never a 500."""
    cache.clear()  # the throttle counts every example
    response = APIClient().post(URL, data=json.dumps(payload), content_type="application/json")

    assert response.status_code in (200, 400), (payload, response.content[:500])
    data = response.json()
    assert isinstance(data, dict)
    if response.status_code == 200:
        assert_well_formed(data)
        assert data["season"] in ("2019-2020", "2020-2021")
        d = {name: Decimal(data[name]) for name in AMOUNT_FIELDS if data[name] is not None}
        assert d["gross_fee"] == d["heating_fee"] + d["exchanger_fee"]
        assert d["amount_due"] == d["gross_fee"] - d["low_income_discount"]
        paid = Decimal(payload["prepaid"]) if payload.get("prepaid") is not None else d["prepayment"]
        assert d["refund"] - d["balance_due"] == paid - d["amount_due"]
        assert min(d["refund"], d["balance_due"]) == 0
    else:
        assert data


# --- language of the explanation -------------------------------------------------------------------


def test_lines_are_in_chinese_by_default_and_cite_the_section(api):
    data = quote(api, METERED)

    labels = {line["key"]: line["label"] for line in data["lines"]}
    assert labels["amount_due"].startswith("应收供暖费")
    assert "退费" in labels["refund"]
    for line in data["lines"]:
        assert line["key"] in LINE_KEYS
        assert "§" in line["label"], line
        assert line["section"] in line["label"], line


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "en-GB"])
def test_lines_are_in_english_with_accept_language_en(api, header):
    data = quote(api, METERED, **{"Accept-Language": header})

    labels = {line["key"]: line["label"] for line in data["lines"]}
    assert labels["amount_due"].startswith("Amount due")
    assert labels["refund"].startswith("Refund")
    assert labels["basic_fee"].startswith("Basic fee")
    for line in data["lines"]:
        assert "§" in line["label"], line
        assert line["section"] in line["label"], line
    assert not any("应收" in label or "退费" in label for label in labels.values())


def test_the_amounts_do_not_depend_on_the_language(api):
    zh = quote(api, METERED, **{"Accept-Language": "zh-hans"})
    en = quote(api, METERED, **{"Accept-Language": "en"})

    assert {k: v for k, v in zh.items() if k != "lines"} == {k: v for k, v in en.items() if k != "lines"}
    assert [(line["key"], line["amount"]) for line in zh["lines"]] == [
        (line["key"], line["amount"]) for line in en["lines"]
    ]


@pytest.mark.parametrize("body", [b for b, _ in WORKED_EXAMPLES.values()], ids=WORKED_EXAMPLES.keys())
def test_the_amount_due_line_carries_the_amount_due(api, body):
    data = quote(api, body)

    assert_well_formed(data)
    keys = [line["key"] for line in data["lines"]]
    assert set(keys) <= set(LINE_KEYS)
    assert ("refund" in keys) == (data["refund"] != "0.00")
    assert ("balance_due" in keys) == (data["balance_due"] != "0.00")


def test_a_validation_error_follows_the_language(api):
    body = with_area("abc")

    zh = json.dumps(rejected(api, body), ensure_ascii=False)
    en = json.dumps(rejected(api, body, **{"Accept-Language": "en"}), ensure_ascii=False)

    assert "十进制" in zh
    assert "decimal" in en and "十进制" not in en


@pytest.mark.parametrize(
    "name", ["building for residential", "flat for non-residential", "exchangers for metered"]
)
def test_rule_errors_follow_the_language(api, name):
    body, field = ERRORS[name]

    zh = rejected(api, body)[field]
    en = rejected(api, body, **{"Accept-Language": "en"})[field]

    assert re.search(r"[\u4e00-\u9fff]", " ".join(zh))
    assert re.search(r"[A-Za-z]{4}", " ".join(en))
    assert zh != en


# --- public -------------------------------------------------------------------------------------


def test_the_quote_needs_no_login_and_no_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = post(client, METERED)

    assert response.status_code == 200
    assert response.json()["amount_due"] == "900.00"


def test_a_logged_in_session_without_csrf_token_still_gets_a_quote(django_user_model):
    user = django_user_model.objects.create_user("resident", password="x-very-secret-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = post(client, METERED)

    assert response.status_code == 200


def test_get_is_not_allowed(api):
    assert api.get(URL).status_code == 405


# --- OpenAPI ------------------------------------------------------------------------------------


def test_the_schema_documents_the_quote(api):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/v1/quote" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/quote"]


def test_the_api_docs_render(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# --- one source for the billing checks -------------------------------------------------------------


def test_the_combination_rules_are_the_engines(api, monkeypatch):
    """The serializer asks the engine (`problems`) and puts its refusals into words; it keeps no rules."""
    from heating.api import quote as quote_module
    from heating.billing import BillingError

    asked = []

    def engine_says(facts, heat_gj=None, prepaid=None):
        asked.append((facts.price_class, facts.method, heat_gj, prepaid))
        return (BillingError("exchangers", "exchangers_negative", "exchangers must be at least 0", value=-3),)

    monkeypatch.setattr(quote_module, "problems", engine_says)

    zh = rejected(api, METERED)
    en = rejected(api, METERED, **{"Accept-Language": "en"})

    assert asked[0] == ("residential", "metered", Decimal("20.000"), None)
    assert zh == {"exchangers": ["换热器数量不能为负数。"]}
    assert en == {"exchangers": ["The number of heat exchangers cannot be negative."]}
