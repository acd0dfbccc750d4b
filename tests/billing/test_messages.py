"""The engine's refusals carry a stable code and params, put into words at the edge
(heating/billing_messages.py), in Chinese by default and in English on request."""

import re

import pytest
from django.utils import translation

from heating.billing import (
    AREA,
    BUILDING,
    ERROR_CODES,
    FLAT,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    BillingError,
    bill,
    problems,
)
from heating.billing_messages import MESSAGES, billing_error_text, billing_errors_by_field

from .helpers import D, account

HOME = (FLAT, "80")

# (facts, heat, prepaid) → (field, code, params): one case for every code the engine has.
CASES = {
    "unknown_price_class": (
        account("household", AREA, HOME),
        None,
        None,
        "price_class",
        {"value": "household"},
    ),
    "unknown_method": (account(RESIDENTIAL, "estimate", HOME), None, None, "method", {"value": "estimate"}),
    "no_parts": (account(RESIDENTIAL, AREA), None, None, "parts", {}),
    "unknown_part_kind": (
        account(RESIDENTIAL, AREA, HOME, ("loft", "1")),
        None,
        None,
        "parts",
        {"index": 1, "kind": "loft"},
    ),
    "building_for_residential": (
        account(RESIDENTIAL, AREA, (BUILDING, "80")),
        None,
        None,
        "parts",
        {"index": 0},
    ),
    "not_building": (
        account(INSTITUTION, AREA, HOME),
        None,
        None,
        "parts",
        {"index": 0, "price_class": INSTITUTION},
    ),
    "not_decimal": (account(RESIDENTIAL, METERED, HOME), 20.0, None, "heat_gj", {"type": "float"}),
    "not_finite": (account(RESIDENTIAL, AREA, (FLAT, "NaN")), None, None, "parts", {"index": 0}),
    "negative": (account(RESIDENTIAL, AREA, HOME), None, D("-0.01"), "prepaid", {}),
    "not_positive": (account(RESIDENTIAL, AREA, HOME, area_decision=D("0")), None, None, "area_decision", {}),
    "too_large": (account(RESIDENTIAL, METERED, HOME), D("1E+12"), None, "heat_gj", {"limit": D(10) ** 12}),
    "too_many_decimals": (
        account(RESIDENTIAL, AREA, HOME, ("garage", "1.001")),
        None,
        None,
        "parts",
        {"index": 1, "places": 2},
    ),
    "heat_missing": (account(RESIDENTIAL, METERED, HOME), None, None, "heat_gj", {}),
    "heat_not_for_area": (account(RESIDENTIAL, AREA, HOME), D("0"), None, "heat_gj", {}),
    "exchangers_not_whole": (
        account(RESIDENTIAL, AREA, HOME, exchangers=True),
        None,
        None,
        "exchangers",
        {"value": True},
    ),
    "exchangers_negative": (
        account(RESIDENTIAL, AREA, HOME, exchangers=-1),
        None,
        None,
        "exchangers",
        {"value": -1},
    ),
    "exchangers_not_applicable": (
        account(RESIDENTIAL, METERED, HOME, exchangers=1),
        D("20"),
        None,
        "exchangers",
        {"price_class": RESIDENTIAL, "method": METERED},
    ),
    "low_income_not_bool": (
        account(RESIDENTIAL, AREA, HOME, low_income="yes"),
        None,
        None,
        "low_income",
        {"value": "yes"},
    ),
    "low_income_not_applicable": (
        account(NON_RESIDENTIAL, AREA, (BUILDING, "80"), low_income=True),
        None,
        None,
        "low_income",
        {"price_class": NON_RESIDENTIAL},
    ),
    "days_incomplete": (account(RESIDENTIAL, AREA, HOME, days_open=30), None, None, "days_open", {}),
    "season_days_invalid": (
        account(RESIDENTIAL, AREA, HOME, days_open=30, season_days=120),
        None,
        None,
        "season_days",
        {"value": 120},
    ),
    "days_open_not_whole": (
        account(RESIDENTIAL, AREA, HOME, days_open=D("30.5"), season_days=121),
        None,
        None,
        "days_open",
        {"value": D("30.5")},
    ),
    "days_open_out_of_range": (
        account(RESIDENTIAL, AREA, HOME, days_open=0, season_days=121),
        None,
        None,
        "days_open",
        {"value": 0, "season_days": 121},
    ),
}
UNFILLED = re.compile(r"%\(\w+\)|\{\w+\}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_has_a_case_and_a_message():
    assert set(CASES) == set(ERROR_CODES) == set(MESSAGES)


@pytest.mark.parametrize("code", CASES)
def test_bill_refuses_with_the_code_the_field_and_the_params(code):
    facts, heat, prepaid, field, params = CASES[code]

    with pytest.raises(BillingError) as caught:
        bill(facts, NOTICE_2019, heat, prepaid)

    assert (caught.value.field, caught.value.code, caught.value.params) == (field, code, params)
    assert problems(facts, heat, prepaid)[0] is not None


@pytest.mark.parametrize("code", CASES)
def test_every_refusal_reads_in_chinese_and_in_english(code):
    facts, heat, prepaid, _, _ = CASES[code]
    (error, *_) = problems(facts, heat, prepaid)

    zh = billing_error_text(error)
    with translation.override("en"):
        en = billing_error_text(error)

    assert CHINESE.search(zh) and not UNFILLED.search(zh), zh
    assert not CHINESE.search(en.replace("§一", "").replace("§五", "")) and not UNFILLED.search(en), en
    assert zh != en


def test_parts_are_counted_from_one_in_words():
    facts = account(RESIDENTIAL, AREA, HOME, ("garage", "1.001"))

    (error,) = problems(facts)

    assert error.params["index"] == 1
    assert billing_error_text(error) == "第 2 个部位的面积最多 2 位小数。"
    with translation.override("en"):
        assert billing_error_text(error) == "The area of part 2 can have at most 2 decimals."


def test_problems_lists_every_refusal_and_bill_raises_the_first():
    facts = account(NON_RESIDENTIAL, METERED, HOME, (BUILDING, "10"), exchangers=2, low_income=True)

    found = problems(facts, None, D("-1"))

    assert [(e.field, e.code) for e in found] == [
        ("parts", "not_building"),
        ("exchangers", "exchangers_not_applicable"),
        ("low_income", "low_income_not_applicable"),
        ("heat_gj", "heat_missing"),
        ("prepaid", "negative"),
    ]
    assert list(billing_errors_by_field(found)) == ["parts", "exchangers", "low_income", "heat_gj", "prepaid"]
    with pytest.raises(BillingError) as caught:
        bill(facts, NOTICE_2019, None, D("-1"))
    assert caught.value.code == "not_building"


def test_facts_the_policy_bills_have_no_problems():
    assert problems(account(RESIDENTIAL, METERED, HOME), D("20"), D("0")) == ()
