"""The SQL form of the billing rules (heating/selectors/bills_sql.py) equals the engine to the fen:
every figure of every generated account, under generated price policies with other figures and flags."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heating.billing import (
    AREA,
    ATTIC_WITHOUT_CERTIFICATE,
    BUILDING,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    PriceTerms,
    bill,
)
from heating.selectors.bills_sql import BILL_COLUMNS, bill_row, postgres_bills

from .helpers import D, account, account_facts, heats, paid_or_default
from .helpers import policies as policies_of_2019
from .test_policy_as_data import FIGURES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

price_terms = policies_of_2019 | st.builds(PriceTerms, code=st.just("测试〔2030〕1号"), **FIGURES)
# Zero, ordinary and huge heat (the engine's limit is 10¹²).
heat_used = st.just(D(0)) | heats | st.decimals(min_value=D(10**9), max_value=D(10**12 - 1), places=6)


@st.composite
def accounts(draw):
    """(facts, heat, prepaid) of any account the policy bills."""
    facts = draw(account_facts())
    return facts, draw(heat_used) if facts.method == METERED else None, draw(paid_or_default)


def engine_figures(facts, terms, heat, prepaid) -> dict[str, str | None]:
    result = bill(facts, terms, heat, prepaid)
    return {
        name: None if getattr(result, name) is None else str(getattr(result, name)) for name in BILL_COLUMNS
    }


def sql_figures(drawn, terms) -> list[dict[str, str | None]]:
    rows = [bill_row(i, facts, terms, heat, prepaid) for i, (facts, heat, prepaid) in enumerate(drawn)]
    found = postgres_bills(rows, terms)
    return [
        {name: None if value is None else str(value) for name, value in found[i].items()}
        for i in range(len(rows))
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=price_terms, drawn=st.lists(accounts(), min_size=1, max_size=8))
def test_the_sql_form_equals_the_engine_figure_by_figure(terms, drawn):
    expected = [engine_figures(facts, terms, heat, prepaid) for facts, heat, prepaid in drawn]
    assert sql_figures(drawn, terms) == expected


# POLICY.md §9's worked examples 1–10, under the 2019 policy.
WORKED = [
    (
        account(RESIDENTIAL, AREA, (FLAT, "80")),
        None,
        None,
        {"heating_fee": "1680.00", "prepayment": "1680.00"},
    ),
    (account(RESIDENTIAL, AREA, (FLAT, "90.5"), exchangers=2), None, None, {"gross_fee": "2140.50"}),
    (
        account(RESIDENTIAL, METERED, (FLAT, "100")),
        D("20"),
        None,
        {"basic_fee": "630.00", "metered_fee": "900.00", "cap": "2100.00", "heating_fee": "900.00"},
    ),
    (account(RESIDENTIAL, METERED, (FLAT, "100")), D("10"), None, {"heating_fee": "630.00"}),
    (
        account(RESIDENTIAL, METERED, (FLAT, "100")),
        D("60"),
        None,
        {"heating_fee": "2100.00", "cap_loss": "600.00"},
    ),
    (
        account(RESIDENTIAL, METERED, (FLAT, "100"), low_income=True),
        D("20"),
        D("1575.00"),
        {
            "amount_due": "675.00",
            "low_income_discount": "225.00",
            "prepayment": "1575.00",
            "refund": "900.00",
        },
    ),
    (account(NON_RESIDENTIAL, AREA, (BUILDING, "500")), None, None, {"heating_fee": "17500.00"}),
    (
        account(NON_RESIDENTIAL, METERED, (BUILDING, "500")),
        D("300"),
        D("17500.00"),
        {"heating_fee": "18900.00", "prepayment": "17500.00", "balance_due": "1400.00"},
    ),
    (
        account(RESIDENTIAL, AREA, (DUPLEX_SINGLE_FLOOR_HEATED, "70")),
        None,
        None,
        {"billing_area": "91.00", "heating_fee": "1911.00"},
    ),
    (
        account(RESIDENTIAL, AREA, (FLAT, "80"), (ATTIC_WITHOUT_CERTIFICATE, "80")),
        None,
        None,
        {"billing_area": "120.00"},
    ),
]


def test_the_sql_form_gives_the_policy_s_worked_examples():
    drawn = [(facts, heat, prepaid) for facts, heat, prepaid, _ in WORKED]
    found = sql_figures(drawn, NOTICE_2019)
    for (facts, heat, prepaid, shown), figures in zip(WORKED, found, strict=True):
        assert figures == engine_figures(facts, NOTICE_2019, heat, prepaid)
        assert {name: figures[name] for name in shown} == shown
