"""An account open only part of a season pays for the days it was open (POLICY.md §4 "Partial seasons")."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heating.billing import (
    AREA,
    BUILDING,
    FLAT,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    bill,
)

from .helpers import D, account, account_facts, heats, policies, shown

WHOLE_SEASON_OFF = dataclasses.replace(NOTICE_2019, prorate_partial_seasons=False)
FIGURES = ("heating_fee", "basic_fee", "metered_fee", "cap", "cap_loss", "amount_due", "prepayment", "refund")


@pytest.mark.parametrize(
    "facts, heat, expected",
    [
        # 80 m² × 21 = 1680.00 for the season; half of a 122-day season.
        (
            account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=61, season_days=122),
            None,
            {"heating_fee": "840.00", "amount_due": "840.00", "prepayment": "840.00"},
        ),
        # 1680 × 1/121 = 13.884…; 1680 × 100/121 = 1388.429…
        (
            account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=1, season_days=121),
            None,
            {"heating_fee": "13.88", "amount_due": "13.88", "prepayment": "13.88"},
        ),
        (
            account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=100, season_days=121),
            None,
            {"heating_fee": "1388.43", "amount_due": "1388.43", "prepayment": "1388.43"},
        ),
        # 100.01 × 21 × 1/2 = 1050.105 exactly: half up, once.
        (
            account(RESIDENTIAL, AREA, (FLAT, "100.01"), days_open=61, season_days=122),
            None,
            {"heating_fee": "1050.11", "amount_due": "1050.11", "prepayment": "1050.11"},
        ),
        # The exchanger fee is not split; the low-income rate applies to the prorated total (§5, §6).
        (
            account(
                RESIDENTIAL, AREA, (FLAT, "80"), exchangers=1, low_income=True, days_open=61, season_days=122
            ),
            None,
            {"heating_fee": "840.00", "gross_fee": "960.00", "amount_due": "720.00", "prepayment": "720.00"},
        ),
        # Residential metered: basic and cap by days, the heat fee as measured.
        (
            account(RESIDENTIAL, METERED, (FLAT, "100"), days_open=61, season_days=122),
            D("20"),
            {
                "basic_fee": "315.00",
                "metered_fee": "900.00",
                "cap": "1050.00",
                "heating_fee": "900.00",
                "prepayment": "1050.00",
                "refund": "150.00",
            },
        ),
        (
            account(RESIDENTIAL, METERED, (FLAT, "100"), days_open=61, season_days=122),
            D("30"),
            {"metered_fee": "1350.00", "cap": "1050.00", "heating_fee": "1050.00", "cap_loss": "300.00"},
        ),
        (
            account(RESIDENTIAL, METERED, (FLAT, "100"), days_open=61, season_days=122),
            D("5"),
            {"basic_fee": "315.00", "metered_fee": "225.00", "heating_fee": "315.00"},
        ),
        # Non-residential metered: round(A × Pa × 30% × share) + round(Q × Ph × 70%), no cap.
        (
            account(NON_RESIDENTIAL, METERED, (BUILDING, "500"), days_open=61, season_days=122),
            D("300"),
            {
                "basic_fee": "2625.00",
                "metered_fee": "13650.00",
                "heating_fee": "16275.00",
                "cap": None,
                "prepayment": "8750.00",
            },
        ),
        # 1000 × 21 × 30% × 40/121 = 2082.644…; cap 21000 × 40/121 = 6942.148…
        (
            account(INSTITUTION, METERED, (BUILDING, "1000"), days_open=40, season_days=121),
            D("100"),
            {"basic_fee": "2082.64", "metered_fee": "4500.00", "cap": "6942.15", "heating_fee": "4500.00"},
        ),
    ],
)
def test_a_partial_season_bills_the_days_open(facts, heat, expected):
    assert shown(bill(facts, NOTICE_2019, heat), expected) == expected


def test_the_explanation_says_the_days():
    result = bill(account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=61, season_days=122), NOTICE_2019)

    (line,) = [line for line in result.lines if line.key == "partial_season"]
    assert dict(line.params)["days_open"] == "61" and dict(line.params)["season_days"] == "122"
    assert line.section == "§二、§四"


@st.composite
def partial(draw):
    """(facts open part of a season, the same facts for the whole season, heat, terms)."""
    facts = draw(account_facts())
    season_days = draw(st.sampled_from((121, 122)))
    part = dataclasses.replace(facts, days_open=draw(st.integers(1, season_days)), season_days=season_days)
    whole = dataclasses.replace(facts, days_open=None, season_days=None)
    heat = draw(heats) if facts.method == METERED else None
    return part, whole, heat, draw(policies)


@given(partial())
def test_a_prorated_fee_is_never_above_the_whole_seasons(drawn):
    part, whole, heat, terms = drawn
    partly, wholly = bill(part, terms, heat), bill(whole, terms, heat)
    for name in ("heating_fee", "basic_fee", "cap", "gross_fee", "amount_due", "prepayment"):
        assert (getattr(partly, name) or 0) <= (getattr(wholly, name) or 0), name
    assert partly.metered_fee == wholly.metered_fee and partly.exchanger_fee == wholly.exchanger_fee


@given(partial())
def test_open_every_day_is_the_unprorated_bill(drawn):
    part, whole, heat, terms = drawn
    every_day = dataclasses.replace(part, days_open=part.season_days)
    assert bill(every_day, terms, heat) == bill(whole, terms, heat)


@given(partial())
def test_with_the_flag_off_a_partial_season_is_billed_whole(drawn):
    part, whole, heat, terms = drawn
    off = dataclasses.replace(terms, prorate_partial_seasons=False)
    assert bill(part, off, heat) == bill(whole, off, heat)


def test_the_flag_off_bills_the_whole_season():
    facts = account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=1, season_days=121)
    assert bill(facts, WHOLE_SEASON_OFF).amount_due == D("1680.00")


@pytest.mark.parametrize(
    "days_open, season_days, code",
    [
        (None, 121, "days_incomplete"),
        (0, 121, "days_open_out_of_range"),
        (123, 122, "days_open_out_of_range"),
        (122, 121, "days_open_out_of_range"),
        (True, 121, "days_open_not_whole"),
        (60, 120, "season_days_invalid"),
        (60, True, "season_days_invalid"),
    ],
)
def test_days_the_policy_cannot_mean_are_refused(days_open, season_days, code):
    facts = account(RESIDENTIAL, AREA, (FLAT, "80"), days_open=days_open, season_days=season_days)
    with pytest.raises(ValueError) as caught:
        bill(facts, NOTICE_2019)
    assert caught.value.code == code
