"""Policy as data, tested as data: price policies with every figure and flag drawn afresh are saved as
PricePolicy rows, read back for a season, and the bills they give through model → terms → engine are
checked against the formulas of POLICY.md §2–§6, written out again here on their own."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heating.billing import (
    AREA,
    ATTIC_WITHOUT_CERTIFICATE,
    BUILDING,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    AccountFacts,
    bill,
)
from heating.models import PricePolicy
from heating.selectors.policy import policy_for_season
from heating.services.policy import policy_create

from .helpers import D, account, account_facts

pytestmark = pytest.mark.django_db


def other_than_2019(name, low, high, places):
    """A figure of the policy's shape, never the 2019 notice's: a bill that used 2019's would show."""
    figures = st.decimals(min_value=D(low), max_value=D(high), places=places)
    return figures.filter(lambda value: value != getattr(NOTICE_2019, name))


FIGURES = {
    "residential_area_price": other_than_2019("residential_area_price", "0.01", "200", 2),
    "residential_heat_price": other_than_2019("residential_heat_price", "0.01", "200", 2),
    "non_residential_area_price": other_than_2019("non_residential_area_price", "0.01", "200", 2),
    "non_residential_heat_price": other_than_2019("non_residential_heat_price", "0.01", "200", 2),
    "basic_share": other_than_2019("basic_share", "0", "1", 4),
    "heat_share": other_than_2019("heat_share", "0", "1", 4),
    "exchanger_fee": other_than_2019("exchanger_fee", "0", "1000", 2),
    "low_income_rate": other_than_2019("low_income_rate", "0", "1", 4),
    "duplex_single_floor_share": other_than_2019("duplex_single_floor_share", "0", "3", 4),
    "attic_without_certificate_share": other_than_2019("attic_without_certificate_share", "0", "1", 4),
    "institution_phased": st.booleans(),
    "institution_cap": st.booleans(),
    "prorate_partial_seasons": st.booleans(),
}


@st.composite
def policies(draw):
    """(start year of a season it prices, the PricePolicy fields)."""
    year = draw(st.integers(2000, 2090))
    starts = datetime.date(year, 11, 15) - datetime.timedelta(days=draw(st.integers(0, 200)))
    return year, {
        "code": f"测试〔{year}〕{draw(st.integers(1, 999))}号",
        "title": "抽取的价格政策",
        "effective_from": starts,
        "effective_until": datetime.date(year + draw(st.integers(1, 3)), 11, 14),
        **{name: draw(figure) for name, figure in FIGURES.items()},
    }


areas = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@st.composite
def accounts(draw):
    """(facts, heat, prepaid) of any account the policy bills."""
    facts = draw(account_facts(areas=areas))
    heats = st.decimals(min_value=D(0), max_value=D(20000), places=6)
    heat = draw(heats) if facts.method == METERED else None
    prepaid = draw(st.none() | st.decimals(min_value=D(0), max_value=D(10**7), places=2))
    return facts, heat, prepaid


# Accounts that between them meet every figure and flag, billed under every drawn policy.
EVERY_RULE = [
    (account(RESIDENTIAL, AREA, (FLAT, "80"), exchangers=2), None, None),
    (
        account(
            RESIDENTIAL,
            AREA,
            (FLAT, "80"),
            (DUPLEX_SINGLE_FLOOR_HEATED, "70"),
            (ATTIC_WITHOUT_CERTIFICATE, "40"),
            exchangers=1,
            low_income=True,
        ),
        None,
        None,
    ),
    (account(RESIDENTIAL, METERED, (FLAT, "100"), low_income=True), D("20"), None),
    (account(RESIDENTIAL, METERED, (FLAT, "100")), D("2000"), D("0")),
    (account(INSTITUTION, METERED, (BUILDING, "1000")), D("20000"), None),
    (account(INSTITUTION, METERED, (BUILDING, "1000")), D("1"), None),
    (account(NON_RESIDENTIAL, METERED, (BUILDING, "500")), D("300"), D("100")),
    (account(NON_RESIDENTIAL, AREA, (BUILDING, "500")), None, None),
    (
        account(
            RESIDENTIAL, AREA, (FLAT, "80"), exchangers=1, low_income=True, days_open=40, season_days=121
        ),
        None,
        None,
    ),
    (account(RESIDENTIAL, METERED, (FLAT, "100"), days_open=1, season_days=122), D("20"), None),
    (account(INSTITUTION, METERED, (BUILDING, "1000"), days_open=121, season_days=121), D("20000"), None),
    (account(NON_RESIDENTIAL, METERED, (BUILDING, "500"), days_open=99, season_days=122), D("300"), D("100")),
]


def cents(x):
    """0.01, half up (POLICY.md §2, §4)."""
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def cents_of(x, days_share):
    """x × the share of the season, kept exact and rounded once, half up (POLICY.md §4)."""
    exact = Fraction(x) * days_share
    return cents(D(exact.numerator) / D(exact.denominator))


def expected_bill(p: dict, facts: AccountFacts, q: Decimal | None, prepaid: Decimal | None) -> dict:
    """POLICY.md §2–§6 for one account under the figures `p`, term by term as the page writes them."""
    share = {
        DUPLEX_SINGLE_FLOOR_HEATED: p["duplex_single_floor_share"],
        ATTIC_WITHOUT_CERTIFICATE: p["attic_without_certificate_share"],
    }
    days_share = Fraction(1)
    if p["prorate_partial_seasons"] and facts.days_open is not None:
        days_share = Fraction(facts.days_open, facts.season_days)
    with localcontext() as exact:
        exact.prec = 80
        a = cents(sum(part.area * share.get(part.kind, 1) for part in facts.parts))
        if facts.area_decision is not None:
            a = facts.area_decision
        if facts.price_class == NON_RESIDENTIAL:
            pa, ph = p["non_residential_area_price"], p["non_residential_heat_price"]
        else:
            pa, ph = p["residential_area_price"], p["residential_heat_price"]
        phased = facts.price_class == RESIDENTIAL or (
            facts.price_class == INSTITUTION and p["institution_phased"]
        )
        capped = facts.price_class == RESIDENTIAL or (
            facts.price_class == INSTITUTION and p["institution_cap"]
        )

        basic = metered = cap = None
        cap_loss = D("0.00")
        if facts.method == AREA:
            heating_fee = cents_of(a * pa, days_share)
        else:
            basic = cents_of(a * pa * p["basic_share"], days_share)
            if phased:
                metered = cents(q * ph)
                fee = max(basic, metered)
            else:
                metered = cents(q * ph * p["heat_share"])
                fee = basic + metered
            cap = cents_of(a * pa, days_share) if capped else None
            heating_fee = fee if cap is None else min(fee, cap)
            cap_loss = fee - heating_fee

        exchanger_fee = p["exchanger_fee"] * facts.exchangers
        gross_fee = heating_fee + exchanger_fee
        amount_due = cents(gross_fee * p["low_income_rate"]) if facts.low_income else gross_fee
        prepayment = cents_of(a * pa, days_share) + exchanger_fee
        if facts.low_income:
            prepayment = cents(prepayment * p["low_income_rate"])
        paid = prepayment if prepaid is None else prepaid
    return {
        "billing_area": a,
        "basic_fee": basic,
        "metered_fee": metered,
        "cap": cap,
        "cap_loss": cap_loss,
        "heating_fee": heating_fee,
        "exchanger_fee": exchanger_fee,
        "gross_fee": gross_fee,
        "low_income_discount": gross_fee - amount_due,
        "amount_due": amount_due,
        "prepayment": prepayment,
        "prepaid": paid,
        "refund": max(D(0), paid - amount_due),
        "balance_due": max(D(0), amount_due - paid),
        "policy_code": p["code"],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policy=policies(), drawn=st.lists(accounts(), min_size=1, max_size=3))
def test_bills_follow_the_saved_policy_figure_by_figure(policy, drawn):
    year, fields = policy
    PricePolicy.objects.all().delete()  # examples share the test's transaction
    policy_create(**fields)

    terms = policy_for_season(year).terms()

    for facts, heat, prepaid in EVERY_RULE + drawn:
        result = bill(facts, terms, heat, prepaid)
        got = {name: getattr(result, name) for name in expected_bill(fields, facts, heat, prepaid)}
        assert got == expected_bill(fields, facts, heat, prepaid), (facts, heat, prepaid)


def test_the_2019_policy_bills_partial_seasons_by_days_open():
    # POLICY.md §4: the flag is on in the 2019 policy (the migration's row).
    policy = PricePolicy.objects.get(code=NOTICE_2019.code)
    assert policy.prorate_partial_seasons is True
    assert policy.terms().prorate_partial_seasons is True
