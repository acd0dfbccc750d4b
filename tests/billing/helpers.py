"""Shorthands shared by the billing tests."""

import dataclasses
from decimal import Decimal

from hypothesis import strategies as st

from heating.billing import (
    AREA,
    BUILDING,
    METERED,
    METHODS,
    NOTICE_2019,
    PRICE_CLASSES,
    RESIDENTIAL,
    RESIDENTIAL_KINDS,
    AccountFacts,
    Breakdown,
    Part,
    bill,
)

D = Decimal

MONEY_FIELDS = (
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
    "prepaid",
    "refund",
    "balance_due",
)


def account(price_class: str, method: str, *parts: tuple[str, str], **facts: object) -> AccountFacts:
    """AccountFacts with parts given as (kind, "area") pairs."""
    return AccountFacts(price_class, method, tuple(Part(kind, D(area)) for kind, area in parts), **facts)


def shown(result: Breakdown, names: object) -> dict[str, str | None]:
    """The named Breakdown fields as text, so that a test also checks the number of decimals."""
    return {name: None if getattr(result, name) is None else str(getattr(result, name)) for name in names}


areas = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
heats = st.decimals(min_value=D("0"), max_value=D("100000"), places=6)
amounts = st.decimals(min_value=D("0"), max_value=D("10000000"), places=2)
paid_or_default = st.none() | amounts
policies = st.builds(
    dataclasses.replace,
    st.just(NOTICE_2019),
    institution_phased=st.booleans(),
    institution_cap=st.booleans(),
    prorate_partial_seasons=st.booleans(),
)


@st.composite
def days(draw):
    """{days_open, season_days} of an account open for all (either way of saying it) or part of a season."""
    kind = draw(st.sampled_from(("whole", "all days", "part")))
    if kind == "whole":
        return {}
    season_days = draw(st.sampled_from((121, 122)))
    days_open = season_days if kind == "all days" else draw(st.integers(1, season_days - 1))
    return {"days_open": days_open, "season_days": season_days}


@st.composite
def account_facts(draw, price_classes=PRICE_CLASSES, methods=METHODS, areas=areas):
    """AccountFacts of any account the policy bills."""
    price_class = draw(st.sampled_from(price_classes))
    method = draw(st.sampled_from(methods))
    household = price_class == RESIDENTIAL
    kinds = st.sampled_from(RESIDENTIAL_KINDS if household else (BUILDING,))
    return AccountFacts(
        price_class=price_class,
        method=method,
        parts=tuple(draw(st.lists(st.builds(Part, kinds, areas), min_size=1, max_size=4))),
        exchangers=draw(st.integers(0, 5)) if household and method == AREA else 0,
        low_income=draw(st.booleans()) if household else False,
        area_decision=draw(st.none() | areas),
        **draw(days()),
    )


@st.composite
def bills(draw, price_classes=PRICE_CLASSES, methods=METHODS, prepaid=paid_or_default):
    """A bill of any account the policy allows, under the 2019 figures with any flags."""
    facts = draw(account_facts(price_classes, methods))
    heat = draw(heats) if facts.method == METERED else None
    return bill(facts, draw(policies), heat, draw(prepaid))
