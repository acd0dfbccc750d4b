"""The 2019 notice as loaded by migration 0002 is exactly the policy POLICY.md reads (§1, §4, §5, §2, §10)."""
import dataclasses
import datetime
from decimal import Decimal

import pytest

from heating.billing import NOTICE_2019, PriceTerms
from heating.models import PricePolicy

pytestmark = pytest.mark.django_db

CODE_2019 = "源政办字〔2019〕54号"


@pytest.fixture
def policy_2019():
    return PricePolicy.objects.get(code=CODE_2019)


def test_the_migration_loads_exactly_one_policy_the_2019_notice():
    assert list(PricePolicy.objects.values_list("code", flat=True)) == [CODE_2019]


def test_the_2019_notice_is_in_force_for_two_years_from_15_november_2019(policy_2019):
    assert policy_2019.effective_from == datetime.date(2019, 11, 15)
    assert policy_2019.effective_until == datetime.date(2021, 11, 14)
    assert "供暖价格" in policy_2019.title


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("residential_area_price", Decimal("21")),  # §1: 21 元/m²
        ("residential_heat_price", Decimal("45")),  # §1: 45 元/GJ
        ("non_residential_area_price", Decimal("35")),  # §1: 35 元/m²
        ("non_residential_heat_price", Decimal("65")),  # §1: 65 元/GJ
        ("basic_share", Decimal("0.30")),  # §4: 30%
        ("heat_share", Decimal("0.70")),  # §4: 70%
        ("exchanger_fee", Decimal("120")),  # §1: 120 元 per exchanger per season
        ("low_income_rate", Decimal("0.75")),  # §5: 75%
        ("duplex_single_floor_share", Decimal("1.30")),  # §2: 130%
        ("attic_without_certificate_share", Decimal("0.50")),  # §2: 50%
    ],
)
def test_each_figure_of_the_2019_policy_is_the_notices(policy_2019, field, value):
    stored = getattr(policy_2019, field)

    assert isinstance(stored, Decimal)
    assert stored == value


def test_institutions_get_the_phased_rule_and_the_cap_in_2019(policy_2019):
    # POLICY.md §10.1
    assert policy_2019.institution_phased is True
    assert policy_2019.institution_cap is True


def test_its_terms_are_the_engines_notice_2019_field_by_field(policy_2019):
    terms = policy_2019.terms()

    assert isinstance(terms, PriceTerms)
    for field in dataclasses.fields(PriceTerms):
        assert getattr(terms, field.name) == getattr(NOTICE_2019, field.name), field.name
        assert type(getattr(terms, field.name)) is type(getattr(NOTICE_2019, field.name)), field.name
    assert terms == NOTICE_2019
