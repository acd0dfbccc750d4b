"""The check's two forms find the same: the SQL form (PostgreSQL, through heating's SQL form of the
engine, reading the stored inputs as jsonb) and the pure engine over the same statements, for
generated accounts of every kind with generated overcharges, missing discounts, certificates and
prepayment demands."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heating.models import LedgerEntry, Statement
from heating.selectors.policy import policy_for_season
from heating.selectors.statements import breakdown_from_inputs, figures
from supervision.selectors.check import Slot, statement_candidates_python, statement_candidates_sql
from tests.billing.helpers import account_facts, amounts, heats
from tests.factories import AccountFactory, CompanyFactory, LowIncomeCertificateFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
SEASON = 2019
D = Decimal


def inputs_of(facts, heat, prepaid) -> dict:
    """A statement's stored inputs (heating.selectors.statements.statement_inputs' shape)."""
    return {
        "price_class": facts.price_class,
        "method": facts.method,
        "parts": [{"kind": p.kind, "area": f"{p.area:.2f}"} for p in facts.parts],
        "area_decision": None if facts.area_decision is None else f"{facts.area_decision:.2f}",
        "exchangers": facts.exchangers,
        "low_income": facts.low_income,
        "heat_gj": None if heat is None else f"{heat:.6f}",
        "days_open": facts.days_open or 122,
        "season_days": facts.season_days or 122,
        "prepaid": f"{prepaid:.2f}",
        "readings": [],
    }


@st.composite
def statements(draw):
    facts = draw(account_facts())
    heat = draw(heats) if facts.method == "metered" else None
    return {
        "facts": facts,
        "heat": heat,
        "prepaid": draw(amounts),
        "over": draw(st.sampled_from([D(0), D(0), D("0.01"), D("57.30")])),
        "no_discount": draw(st.booleans()),
        "certified": draw(st.booleans()),
        "demanded": draw(st.none() | amounts),
    }


def _plant(company, drawn, policy) -> None:
    terms = policy.terms()
    for row in drawn:
        account = AccountFactory(company=company)
        inputs = inputs_of(row["facts"], row["heat"], row["prepaid"])
        stored = figures(breakdown_from_inputs(inputs, terms))
        stored["amount_due"] += row["over"]
        if row["no_discount"]:
            stored["amount_due"] += stored["low_income_discount"]
            stored["low_income_discount"] = D("0.00")
        Statement.objects.create(
            account=account, season_year=SEASON, version=1, policy=policy, inputs=inputs, **stored
        )
        if row["certified"]:
            LowIncomeCertificateFactory(account=account)
        if row["demanded"]:
            LedgerEntry.objects.create(
                account=account,
                season_year=SEASON,
                kind=LedgerEntry.Kind.PREPAYMENT_DUE,
                amount=row["demanded"],
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=st.lists(statements(), min_size=1, max_size=6))
def test_the_sql_form_finds_what_the_engine_finds(drawn):
    company = CompanyFactory()
    policy = policy_for_season(SEASON)
    _plant(company, drawn, policy)
    slot = Slot(company.pk, SEASON, 0, 2**62)
    expected = sorted(statement_candidates_python(slot, policy.terms()), key=repr)
    assert sorted(statement_candidates_sql(slot, policy.terms()), key=repr) == expected


def test_every_kind_is_among_the_generated(db):
    """The generator reaches every kind the statements give (the examples above are not all clean)."""
    company = CompanyFactory()
    policy = policy_for_season(SEASON)
    from heating.billing import AccountFacts, Part

    facts = AccountFacts(
        price_class="residential",
        method="area",
        parts=(Part("flat", D("80.00")),),
        exchangers=0,
        low_income=True,
    )
    plain = AccountFacts(
        price_class="residential",
        method="area",
        parts=(Part("flat", D("80.00")),),
        exchangers=0,
        low_income=False,
    )
    rows = [
        {
            "facts": plain,
            "heat": None,
            "prepaid": D("1680.00"),
            "over": D("9.00"),
            "no_discount": False,
            "certified": False,
            "demanded": None,
        },
        {
            "facts": facts,
            "heat": None,
            "prepaid": D("1260.00"),
            "over": D(0),
            "no_discount": True,
            "certified": False,
            "demanded": None,
        },
        {
            "facts": plain,
            "heat": None,
            "prepaid": D("2000.00"),
            "over": D(0),
            "no_discount": False,
            "certified": False,
            "demanded": D("2000.00"),
        },
    ]
    _plant(company, rows, policy)
    slot = Slot(company.pk, SEASON, 0, 2**62)
    found = statement_candidates_sql(slot, policy.terms())
    assert sorted(c.kind for c in found) == [
        "fee_above_policy",
        "low_income_full_rate",
        "prepayment_above_area_fee",
    ]
    assert sorted(found, key=repr) == sorted(statement_candidates_python(slot, policy.terms()), key=repr)
