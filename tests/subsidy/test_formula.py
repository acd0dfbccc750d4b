"""POLICY.md §8's terms from their inputs (subsidy.formula): no database, exact Decimals."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heating.billing import NOTICE_2019, bill
from subsidy.formula import ClaimFigures, ClaimInputs, claim_compute, residential_cost
from tests.billing.test_engine import WORKED_EXAMPLES

D = Decimal
EXAMPLE_11 = ClaimInputs(
    revenue=D("21175.00"),
    hardship=D("225.00"),
    cap=D("600.00"),
    area=D("800.00"),
    res_area=D("300.00"),
    res_revenue=D("4500.00"),
    cost=D("26000.00"),
    connection_fees=D("1000.00"),
)
EXAMPLE_11_FIGURES = {
    "revenue": "21175.00",
    "hardship": "225.00",
    "cap": "600.00",
    "cost": "26000.00",
    "area": "800.00",
    "res_area": "300.00",
    "res_revenue": "4500.00",
    "res_cost": "9750.00",
    "inversion": "5250.00",
    "eligible": "6075.00",
    "actual_loss": "4825.00",
    "connection_fees": "1000.00",
    "offset": "500.00",
    "claim": "4325.00",
    "exceptions": 0,
}


def inputs(**changes) -> ClaimInputs:
    values = {**EXAMPLE_11.__dict__, **{k: D(v) if isinstance(v, str) else v for k, v in changes.items()}}
    return ClaimInputs(**values)


def test_worked_example_11_exactly():
    assert claim_compute(EXAMPLE_11).as_json() == EXAMPLE_11_FIGURES


def test_worked_example_11_from_the_engine_s_bills_of_its_accounts():
    """The statement-borne sums of accounts #3, #5, #6 and #7 as the engine bills them."""
    results = [
        bill(facts, NOTICE_2019, None if heat is None else D(heat))
        for facts, heat, _ in (WORKED_EXAMPLES[i].values for i in (2, 4, 5, 6))
    ]
    residential = results[:3]
    figures = claim_compute(
        ClaimInputs(
            revenue=sum(r.amount_due for r in results),
            hardship=sum(r.low_income_discount for r in results),
            cap=sum(r.cap_loss for r in results),
            area=sum(r.billing_area for r in results),
            res_area=sum(r.billing_area for r in residential),
            res_revenue=sum(r.amount_due + r.low_income_discount + r.cap_loss for r in residential),
            cost=D("26000.00"),
            connection_fees=D("1000.00"),
        )
    )
    assert figures.as_json() == EXAMPLE_11_FIGURES


@pytest.mark.parametrize(
    "changes, expected",
    [
        pytest.param(
            {"cost": "20000.00"},
            {"actual_loss": "0.00", "res_cost": "7500.00", "inversion": "3000.00", "claim": "0.00"},
            id="cost-below-revenue",
        ),
        pytest.param(
            {"cost": "21175.00"}, {"actual_loss": "0.00", "claim": "0.00"}, id="cost-equal-to-revenue"
        ),
        pytest.param(
            {"connection_fees": "12000.00"},
            {"offset": "6000.00", "actual_loss": "4825.00", "claim": "0.00"},
            id="offset-above-the-loss",
        ),
        pytest.param(
            {"connection_fees": "9650.00"},
            {"offset": "4825.00", "claim": "0.00"},
            id="offset-equal-to-the-loss",
        ),
        pytest.param(
            # eligible 6075.00 < actual loss 8825.00: the eligible causes bound the claim.
            {"cost": "30000.00"},
            {
                "res_cost": "11250.00",
                "inversion": "6750.00",
                "eligible": "7575.00",
                "actual_loss": "8825.00",
                "claim": "7075.00",
            },
            id="eligible-below-actual-loss",
        ),
        pytest.param(
            # actual loss 4825.00 < eligible 6075.00 (example 11 itself): the real loss bounds it.
            {},
            {"eligible": "6075.00", "actual_loss": "4825.00", "claim": "4325.00"},
            id="actual-loss-below-eligible",
        ),
        pytest.param(
            {"res_revenue": "9750.00"},
            {"inversion": "0.00", "eligible": "825.00", "claim": "325.00"},
            id="residential-cost-just-covered",
        ),
        pytest.param(
            {"res_revenue": "12000.00"},
            {"inversion": "0.00", "eligible": "825.00", "claim": "325.00"},
            id="residential-cost-more-than-covered",
        ),
        pytest.param(
            {"area": "0.00", "res_area": "0.00", "res_revenue": "0.00"},
            {"res_cost": "0.00", "inversion": "0.00", "eligible": "825.00"},
            id="no-billed-area",
        ),
        pytest.param(
            # 100 × 1 ÷ 3 = 33.333…: rounded once from the exact quotient.
            {"cost": "100.00", "area": "3.00", "res_area": "1.00"},
            {"res_cost": "33.33"},
            id="one-rounding",
        ),
        pytest.param(
            # 0.01 × 1 ÷ 2 = 0.005: half up.
            {"cost": "0.01", "area": "2.00", "res_area": "1.00"},
            {"res_cost": "0.01"},
            id="half-up",
        ),
        pytest.param({"connection_fees": "0.01"}, {"offset": "0.01"}, id="offset-half-up"),
        pytest.param({"connection_fees": "0.00"}, {"offset": "0.00", "claim": "4825.00"}, id="no-fees"),
    ],
)
def test_the_terms(changes, expected):
    figures = claim_compute(inputs(**changes)).as_json()
    assert {name: figures[name] for name in expected} == expected


def test_as_json_is_the_contract_s_object():
    text = json.dumps(claim_compute(inputs(exceptions=3)).as_json())
    loaded = json.loads(text)
    assert list(loaded) == [
        "revenue",
        "hardship",
        "cap",
        "cost",
        "area",
        "res_area",
        "res_revenue",
        "res_cost",
        "inversion",
        "eligible",
        "actual_loss",
        "connection_fees",
        "offset",
        "claim",
        "exceptions",
    ]
    assert loaded["exceptions"] == 3
    assert all(
        isinstance(v, str) and len(v.split(".")[1]) == 2 for k, v in loaded.items() if k != "exceptions"
    )


def test_a_float_is_refused():
    with pytest.raises(TypeError, match="cost"):
        claim_compute(inputs(cost=26000.0))


def test_with_cost_recomputes_every_term():
    figures = claim_compute(EXAMPLE_11)
    adjusted = figures.with_cost(D("30000.00"))
    assert adjusted == claim_compute(inputs(cost="30000.00"))
    assert figures.claim == D("4325.00")  # frozen: the original is untouched


money = st.decimals(min_value=D("0"), max_value=D("1e11"), places=2)
areas = st.decimals(min_value=D("0"), max_value=D("1e8"), places=2)


@st.composite
def any_inputs(draw):
    area = draw(areas)
    res_area = draw(st.decimals(min_value=D("0"), max_value=area, places=2))
    return ClaimInputs(
        revenue=draw(money),
        hardship=draw(money),
        cap=draw(money),
        area=area,
        res_area=res_area,
        res_revenue=draw(money),
        cost=draw(money),
        connection_fees=draw(money),
        exceptions=draw(st.integers(0, 10**6)),
    )


@given(any_inputs())
def test_the_claim_is_never_more_than_the_loss_nor_the_eligible_causes_nor_negative(i):
    f = claim_compute(i)
    assert D(0) <= f.claim <= min(f.eligible, f.actual_loss)
    assert f.claim == max(D(0), min(f.eligible, f.actual_loss) - f.offset)
    assert f.inversion >= 0 and f.actual_loss >= 0
    assert f.eligible == f.hardship + f.cap + f.inversion


@given(any_inputs())
def test_every_term_is_in_cents_and_residential_cost_within_cost(i):
    f = claim_compute(i)
    for value in f.__dict__.values():
        if isinstance(value, Decimal):
            assert value == value.quantize(D("0.01"))
    assert 0 <= f.res_cost <= f.cost
    # One rounding: within half a fen of the exact allocation.
    if i.area:
        assert abs(f.res_cost * i.area - i.cost * i.res_area) <= D("0.005") * i.area


@given(any_inputs(), money)
def test_more_cost_never_lowers_the_claim(i, extra):
    assert claim_compute(i).with_cost(i.cost + extra).claim >= claim_compute(i).claim


@given(any_inputs(), money)
def test_more_fees_never_raise_the_claim(i, extra):
    more = ClaimInputs(**{**i.__dict__, "connection_fees": i.connection_fees + extra})
    assert claim_compute(more).claim <= claim_compute(i).claim


def test_residential_cost_of_all_the_area_is_the_cost():
    assert residential_cost(D("26000.00"), D("800.00"), D("800.00")) == D("26000.00")


def test_figures_are_frozen():
    with pytest.raises(AttributeError):
        claim_compute(EXAMPLE_11).claim = D(0)  # type: ignore[misc]
    assert isinstance(claim_compute(EXAMPLE_11), ClaimFigures)
