"""The what-if's set-based re-billing (PostgreSQL) against the engine, on generated companies with
accounts of every kind (tests/settlement's World), under drafts that change every term."""

import random

import pytest

from heating.models import Statement
from heating.selectors.statements import breakdown_from_inputs
from subsidy.selectors.whatif import FIGURES, account_ranges, whatif_lines
from tests.settlement.helpers import D
from tests.settlement.test_set_based import World

from .helpers import SEASON, draft_of, in_force, settle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _drafts():
    policy = in_force()
    return [
        draft_of(policy, code="草案·同"),
        draft_of(policy, code="草案·加一元", residential_area_price=policy.residential_area_price + 1),
        draft_of(
            policy,
            code="草案·全改",
            residential_area_price=D("23.40"),
            residential_heat_price=D("51.30"),
            non_residential_area_price=D("33.33"),
            non_residential_heat_price=D("61.70"),
            basic_share=D("0.2500"),
            heat_share=D("0.6500"),
            exchanger_fee=D("99.99"),
            low_income_rate=D("0.6667"),
            duplex_single_floor_share=D("1.2500"),
            attic_without_certificate_share=D("0.3333"),
            institution_phased=False,
            institution_cap=False,
            prorate_partial_seasons=False,
        ),
    ]


@pytest.mark.parametrize("seed", [4, 5])
def test_the_set_based_what_if_bills_what_the_engine_bills(seed):
    world = World(SEASON, random.Random(seed))
    world.build(80)
    settle(world.company)
    statements = {s.account_id: s for s in Statement.objects.filter(status=Statement.Status.ISSUED)}
    assert len(statements) > 40
    same, plus_one, changed = _drafts()
    homes = 0

    for draft in (same, plus_one, changed):
        lines = [
            line
            for first, last, _n in account_ranges(SEASON, size=17)  # several chunks
            for line in whatif_lines(SEASON, first, last, draft.terms())
        ]
        assert sorted(line.account_id for line in lines) == sorted(statements)
        for line in lines:
            statement = statements[line.account_id]
            engine = breakdown_from_inputs(statement.inputs, draft.terms())
            assert line.after == tuple(getattr(engine, name) for name in FIGURES), statement.inputs
            assert line.before == tuple(getattr(statement, name) for name in FIGURES)
            if draft is same:
                assert line.after == line.before
            inputs = statement.inputs
            full_price_home = (
                draft is plus_one
                and inputs["price_class"] == "residential"
                and inputs["method"] == "area"
                and not inputs["low_income"]
                and inputs["days_open"] == inputs["season_days"]
            )
            if full_price_home:
                homes += 1
                assert line.change == line.before[0]  # its billing area, in yuan
                assert line.after[4] - line.before[4] == line.before[0]  # the prepayment too
    assert homes > 5
