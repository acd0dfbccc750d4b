"""The 2019 notice as loaded by migration 0002 is exactly the policy POLICY.md reads (§1, §4, §5, §2, §10)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from heating.billing import NOTICE_2019, PriceTerms
from heating.models import PricePolicy
from heating.selectors.policy import NoPolicyInForce, policy_for_season, priced_seasons
from heating.services.policy import policy_create

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


# --- policies never overlap (POLICY.md §10.12) ---------------------------------------------------

FIGURES_2019 = {
    field.name: getattr(NOTICE_2019, field.name)
    for field in dataclasses.fields(PriceTerms)
    if field.name != "code"
}


def new_policy(start, until, code="测试〔2021〕1号", **fields):
    return policy_create(
        code=code, title="测试政策", effective_from=start, effective_until=until, **FIGURES_2019, **fields
    )


OVERLAPS = {
    "the same period": (datetime.date(2019, 11, 15), datetime.date(2021, 11, 14)),
    "from mid period": (datetime.date(2020, 11, 15), datetime.date(2022, 11, 14)),
    "from its last day": (datetime.date(2021, 11, 14), datetime.date(2023, 11, 14)),
    "up to its first day": (datetime.date(2018, 11, 15), datetime.date(2019, 11, 15)),
    "around it": (datetime.date(2018, 1, 1), datetime.date(2030, 1, 1)),
    "inside it": (datetime.date(2020, 1, 1), datetime.date(2020, 1, 1)),
}


@pytest.mark.parametrize(("start", "until"), OVERLAPS.values(), ids=OVERLAPS.keys())
def test_a_policy_whose_period_overlaps_another_is_refused_naming_it(start, until):
    with pytest.raises(ValidationError) as refused:
        new_policy(start, until)

    (message,) = refused.value.messages
    assert message == (
        f"执行期与价格政策“{CODE_2019}”（2019-11-15 至 2021-11-14）重叠；价格政策的执行期不能重叠。"
    )
    assert list(PricePolicy.objects.values_list("code", flat=True)) == [CODE_2019]


def test_the_refusal_reads_in_english_on_request():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            new_policy(datetime.date(2020, 11, 15), datetime.date(2022, 11, 14))

        assert refused.value.messages == [
            f"The period overlaps price policy “{CODE_2019}” (2019-11-15 to 2021-11-14); "
            "price policies cannot overlap."
        ]


def test_policies_that_follow_each_other_day_by_day_are_kept():
    later = new_policy(datetime.date(2021, 11, 15), datetime.date(2023, 11, 14))
    earlier = new_policy(datetime.date(2017, 11, 15), datetime.date(2019, 11, 14), code="测试〔2017〕1号")

    assert later.terms() == dataclasses.replace(NOTICE_2019, code="测试〔2021〕1号")
    assert PricePolicy.objects.count() == 3 and earlier.pk


def test_a_policy_does_not_overlap_itself(policy_2019):
    policy_2019.title = "更正后的标题"

    policy_2019.full_clean()


def test_the_admin_shows_the_overlap_on_the_form(admin_client):
    fields = {**FIGURES_2019, "institution_phased": "on", "institution_cap": "on"}
    body = {
        **{name: str(value) for name, value in fields.items()},
        "code": "测试〔2020〕1号",
        "title": "测试政策",
        "effective_from": "2020-11-15",
        "effective_until": "2022-11-14",
    }

    response = admin_client.post(reverse("admin:heating_pricepolicy_add"), body)

    assert response.status_code == 200
    assert f"价格政策“{CODE_2019}”" in response.content.decode()
    assert PricePolicy.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.parametrize(("start", "until"), OVERLAPS.values(), ids=OVERLAPS.keys())
def test_postgresql_itself_refuses_an_overlapping_period(start, until):
    """The exclusion constraint holds even for a writer that skips the check (or races past it)."""
    row = PricePolicy(
        code="测试〔2021〕1号", title="测试", effective_from=start, effective_until=until, **FIGURES_2019
    )

    with pytest.raises(IntegrityError, match="policy_periods_never_overlap"), transaction.atomic():
        row.save()


@pytest.mark.postgres
def test_postgresql_keeps_policies_that_follow_each_other():
    row = PricePolicy(
        code="测试〔2021〕1号",
        title="测试",
        effective_from=datetime.date(2021, 11, 15),
        effective_until=datetime.date(2023, 11, 14),
        **FIGURES_2019,
    )

    row.save()

    assert PricePolicy.objects.count() == 2


# --- drafts (the price-policy desk) bill nothing and may overlap until published ----------------------


def draft(start=datetime.date(2019, 11, 15), until=datetime.date(2021, 11, 14), code="测试〔2026〕草稿"):
    return new_policy(start, until, code=code, status=PricePolicy.Status.DRAFT)


def test_a_draft_may_overlap_the_published_policy(policy_2019):
    row = draft()

    assert row.status == PricePolicy.Status.DRAFT
    assert list(PricePolicy.objects.published()) == [policy_2019]


def test_a_draft_neither_bills_a_season_nor_shows_on_the_policy_page(client, policy_2019):
    draft(datetime.date(2021, 11, 15), datetime.date(2023, 11, 14))

    assert policy_for_season(2019) == policy_2019
    assert priced_seasons() == [2020, 2019]
    with pytest.raises(NoPolicyInForce):
        policy_for_season(2021)
    assert "测试〔2026〕草稿" not in client.get(reverse("policy-public")).content.decode()


@pytest.mark.postgres
def test_postgresql_lets_a_draft_overlap_but_not_a_second_published_policy():
    """The exclusion constraint covers published rows only: publishing an overlapping draft fails."""
    row = PricePolicy.objects.create(
        code="测试〔2026〕草稿",
        title="测试",
        effective_from=datetime.date(2020, 11, 15),
        effective_until=datetime.date(2022, 11, 14),
        status=PricePolicy.Status.DRAFT,
        **FIGURES_2019,
    )
    row.status = PricePolicy.Status.PUBLISHED

    with pytest.raises(IntegrityError, match="policy_periods_never_overlap"), transaction.atomic():
        row.save()
