"""The facts a season's bill depends on, resolved per season (POLICY.md §1, §2, §5, §10).

Every fact holds from a season (or a date), so a season resolved again gives the same facts and
the same bill however the account changed later.
"""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.billing import (
    AREA,
    BASEMENT,
    BUILDING,
    FLAT,
    GARAGE,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    NOTICE_2019,
    RESIDENTIAL,
    AccountFacts,
    Part,
    bill,
)
from heating.models import Account, PricePolicy
from heating.models.accounts import Decision
from heating.selectors.facts import MissingFacts, account_facts, facts_for_season
from heating.selectors.policy import NoPolicyInForce, latest_priced_season, policy_for_season

from .factories import (
    AccountFactory,
    AccountTermsFactory,
    AreaDecisionFactory,
    HeatedPartFactory,
    InstitutionApprovalFactory,
    LowIncomeCertificateFactory,
    MeterFactory,
    PricePolicyFactory,
    SeasonFactory,
    aware,
    make_account,
)

pytestmark = pytest.mark.django_db

D = Decimal
CODE_2019 = "源政办字〔2019〕54号"
FLAT_80 = Part(FLAT, D("80.00"))
HEAT = D("20")  # GJ used in a season by a metered home, where a test needs one


def bill_for(account, year, heat_gj=None, **kwargs):
    """The account's bill for the season: its facts, the policy in force, the engine."""
    facts = account_facts(account, year, **kwargs)
    if facts.method == METERED and heat_gj is None:
        heat_gj = HEAT
    return bill(facts, policy_for_season(year).terms(), heat_gj=heat_gj)


def keys(breakdown):
    return [line.key for line in breakdown.lines]


def low_income(account, year=2019):
    return account_facts(account, year).low_income


# Area, parts and meters -------------------------------------------------------------------------


def test_an_area_billed_flat_has_its_facts():
    account = make_account("80.00")

    assert account_facts(account, 2019) == AccountFacts(
        price_class=RESIDENTIAL,
        method=AREA,
        parts=(FLAT_80,),
        exchangers=0,
        low_income=False,
        area_decision=None,
        days_open=122,  # 2019-2020 holds 29 February
        season_days=122,
    )
    assert bill_for(account, 2019).amount_due == D("1680.00")  # POLICY.md §9 #1


def test_every_heated_part_of_the_premises_counts_in_creation_order():
    account = make_account("70.00", kind="duplex_single_floor_heated")
    HeatedPartFactory(premises=account.premises, kind=GARAGE, area=D("15.50"))

    facts = account_facts(account, 2019)

    assert facts.parts == (Part("duplex_single_floor_heated", D("70.00")), Part(GARAGE, D("15.50")))
    assert bill_for(account, 2019).billing_area == D("106.50")  # 91.00 + 15.50


def test_parts_of_another_premises_do_not_count():
    account = make_account("80.00")
    make_account("120.00")

    assert account_facts(account, 2019).parts == (FLAT_80,)


def test_a_meter_installed_before_the_season_makes_the_account_metered():
    account = make_account("100.00", metered=True)  # installed 2019-10-01

    assert account_facts(account, 2019).method == METERED
    assert bill_for(account, 2019, heat_gj=D("20")).heating_fee == D("900.00")  # POLICY.md §9 #3


def test_a_meter_installed_on_the_seasons_first_day_counts():
    account = make_account()
    MeterFactory(account=account, installed_on=datetime.date(2019, 11, 15))

    assert account_facts(account, 2019).method == METERED


def test_a_meter_installed_during_the_season_counts_only_from_the_next_season():
    account = make_account()
    MeterFactory(account=account, installed_on=datetime.date(2019, 12, 1))

    assert account_facts(account, 2019).method == AREA
    assert account_facts(account, 2020).method == METERED


def test_a_meter_removed_before_the_season_does_not_count():
    account = make_account(from_year=2018)
    MeterFactory(
        account=account,
        installed_on=datetime.date(2018, 10, 1),
        removed_on=datetime.date(2019, 11, 1),
    )

    assert account_facts(account, 2018).method == METERED
    assert account_facts(account, 2019).method == AREA


def test_a_meter_removed_during_a_season_keeps_that_season_metered_but_not_the_next():
    account = make_account()
    MeterFactory(account=account, removed_on=datetime.date(2020, 1, 10))

    assert account_facts(account, 2019).method == METERED
    assert account_facts(account, 2020).method == AREA


def test_a_replaced_meter_keeps_the_account_metered():
    account = make_account()
    MeterFactory(account=account, removed_on=datetime.date(2020, 6, 1))
    MeterFactory(account=account, installed_on=datetime.date(2020, 6, 1))

    assert account_facts(account, 2019).method == METERED
    assert account_facts(account, 2020).method == METERED


def test_another_accounts_meter_does_not_meter_this_one():
    account = make_account()
    make_account(metered=True)

    assert account_facts(account, 2019).method == AREA


def test_a_metered_home_pays_no_exchanger_fee_even_if_its_terms_list_exchangers():
    account = make_account(metered=True, exchangers=2)

    assert account_facts(account, 2019).exchangers == 0
    assert bill_for(account, 2019).exchanger_fee == D("0.00")


def test_a_heated_part_counts_from_its_from_year():
    account = make_account("80.00")
    HeatedPartFactory(premises=account.premises, kind=BASEMENT, area=D("20.00"), from_year=2020)

    assert account_facts(account, 2019).parts == (FLAT_80,)
    assert account_facts(account, 2020).parts == (FLAT_80, Part(BASEMENT, D("20.00")))


def test_a_heated_part_until_a_season_is_left_out_from_that_season_on():
    account = make_account("80.00")
    HeatedPartFactory(premises=account.premises, kind=GARAGE, area=D("18.00"), until_year=2020)

    assert account_facts(account, 2019).parts == (FLAT_80, Part(GARAGE, D("18.00")))
    assert account_facts(account, 2020).parts == (FLAT_80,)
    assert account_facts(account, 2021).parts == (FLAT_80,)
    assert bill_for(account, 2019).billing_area == D("98.00")
    assert bill_for(account, 2020).billing_area == D("80.00")


# Terms rows by season -----------------------------------------------------------------------------


def test_each_season_gets_the_exchangers_of_its_own_terms_row():
    account = make_account("90.50", exchangers=2)
    AccountTermsFactory(account=account, from_year=2020, exchangers=0)

    assert account_facts(account, 2019).exchangers == 2
    assert account_facts(account, 2020).exchangers == 0
    assert bill_for(account, 2019).gross_fee == D("2140.50")  # POLICY.md §9 #2
    assert bill_for(account, 2020).gross_fee == D("1900.50")


def test_the_latest_terms_row_not_after_the_season_applies():
    account = make_account(exchangers=1)
    AccountTermsFactory(account=account, from_year=2021, exchangers=3)
    AccountTermsFactory(account=account, from_year=2020, exchangers=2)

    assert [account_facts(account, year).exchangers for year in (2019, 2020, 2021, 2022)] == [1, 2, 3, 3]


def test_each_season_gets_the_price_class_of_its_own_terms_row():
    account = make_account("500.00", price_class=NON_RESIDENTIAL, institution_approved=True)
    AccountTermsFactory(account=account, from_year=2020, price_class=INSTITUTION)

    assert account_facts(account, 2019).price_class == NON_RESIDENTIAL
    assert account_facts(account, 2020).price_class == INSTITUTION
    assert bill_for(account, 2019).amount_due == D("17500.00")  # POLICY.md §9 #7
    assert bill_for(account, 2020).amount_due == D("10500.00")


def test_an_account_without_terms_for_the_season_is_left_out():
    account = make_account(from_year=2020)

    assert facts_for_season([account], 2019) == {}
    assert set(facts_for_season([account], 2020)) == {account.id}
    with pytest.raises(MissingFacts, match=account.number):
        account_facts(account, 2019)


# Days open (POLICY.md §4) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opened_on, closed_on, days_open",
    [
        (datetime.date(2019, 1, 1), None, 122),
        (datetime.date(2019, 11, 15), datetime.date(2020, 3, 15), 122),
        (datetime.date(2019, 11, 16), None, 121),
        (datetime.date(2020, 1, 11), None, 65),  # 11 January to 15 March, both counted
        (datetime.date(2019, 1, 1), datetime.date(2020, 1, 10), 57),  # 15 November to 10 January
        (datetime.date(2020, 3, 15), None, 1),
        (datetime.date(2019, 1, 1), datetime.date(2019, 11, 15), 1),
        (datetime.date(2019, 12, 1), datetime.date(2019, 12, 31), 31),
    ],
)
def test_facts_count_the_days_the_account_was_open_in_the_season(opened_on, closed_on, days_open):
    account = make_account(opened_on=opened_on, closed_on=closed_on)

    facts = account_facts(account, 2019)

    assert (facts.days_open, facts.season_days) == (days_open, 122)


def test_a_season_without_29_february_has_121_days():
    facts = account_facts(make_account(), 2020)
    assert (facts.days_open, facts.season_days) == (121, 121)


@pytest.mark.parametrize(
    "opened_on, closed_on",
    [(datetime.date(2020, 3, 16), None), (datetime.date(2019, 1, 1), datetime.date(2019, 11, 14))],
)
def test_an_account_not_open_in_the_season_is_left_out(opened_on, closed_on):
    assert facts_for_season([make_account(opened_on=opened_on, closed_on=closed_on)], 2019) == {}


def test_an_account_opened_on_a_metered_home_is_metered_by_the_meter_left_there():
    old = make_account("100.00", metered=True, closed_on=datetime.date(2020, 1, 10))
    new = AccountFactory(premises=old.premises, opened_on=datetime.date(2020, 1, 11))
    AccountTermsFactory(account=new, from_year=2019)

    assert account_facts(old, 2019).method == METERED
    assert account_facts(new, 2019).method == METERED
    assert bill_for(new, 2019, heat_gj=D("5")).cap == D("1118.85")  # 2100.00 × 65/122 = 1118.852…


# A past season's bill ------------------------------------------------------------------------------


def _later_terms(account):
    AccountTermsFactory(account=account, from_year=2020, exchangers=0, note="换热设备拆除")


def _later_part(account):
    HeatedPartFactory(premises=account.premises, kind=BASEMENT, area=D("20.00"), from_year=2020)


def _later_decision(account):
    AreaDecisionFactory(account=account, from_year=2020, area=D("70.00"), decided_at=aware(2020, 9, 1))


def _later_meter(account):
    MeterFactory(account=account, installed_on=datetime.date(2020, 10, 1))


def _later_certificate(account):
    LowIncomeCertificateFactory(
        account=account, valid_from=datetime.date(2020, 6, 1), decided_at=aware(2020, 6, 10)
    )


LATER_CHANGES = {
    "terms": [_later_terms],
    "heated_part": [_later_part],
    "area_decision": [_later_decision],
    "meter": [_later_meter],
    "low_income_certificate": [_later_certificate],
    "all_of_them": [_later_terms, _later_part, _later_decision, _later_meter, _later_certificate],
}


@pytest.mark.parametrize("change", LATER_CHANGES, ids=list(LATER_CHANGES))
def test_a_past_seasons_bill_is_unchanged_after_an_accounts_facts_change_for_a_later_season(change):
    account = make_account("80.00", exchangers=2)
    facts_2019 = account_facts(account, 2019)
    bill_2019 = bill_for(account, 2019)
    bill_2020_before = bill_for(account, 2020)
    assert bill_2019.gross_fee == D("1920.00")  # 1680.00 + 2 × 120.00
    assert bill_2020_before == bill_2019  # nothing differs between the two seasons yet

    for apply in LATER_CHANGES[change]:
        apply(account)

    assert account_facts(account, 2019) == facts_2019
    assert bill_for(account, 2019) == bill_2019
    assert bill_for(account, 2020) != bill_2020_before


def test_the_later_season_reflects_every_change():
    account = make_account("80.00", exchangers=2)
    bill_2019 = bill_for(account, 2019)
    for apply in LATER_CHANGES["all_of_them"]:
        apply(account)

    facts_2020 = account_facts(account, 2020)
    bill_2020 = bill_for(account, 2020, heat_gj=D("20"))

    assert facts_2020 == AccountFacts(
        price_class=RESIDENTIAL,
        method=METERED,
        parts=(FLAT_80, Part(BASEMENT, D("20.00"))),
        exchangers=0,
        low_income=True,
        area_decision=D("70.00"),
        days_open=121,
        season_days=121,
    )
    # the decided 70 m² replaces the computed 100 m²; metered: basic 441.00, heat 900.00, cap 1470.00
    assert "area_decision" in keys(bill_2020)
    assert bill_2020.billing_area == D("70.00")
    assert (bill_2020.basic_fee, bill_2020.metered_fee, bill_2020.cap) == (
        D("441.00"),
        D("900.00"),
        D("1470.00"),
    )
    assert bill_2020.gross_fee == D("900.00")
    assert bill_2020.amount_due == D("675.00")
    assert bill_2020.low_income_discount == D("225.00")
    assert bill_2019.gross_fee == D("1920.00") and "area_decision" not in keys(bill_2019)


def test_each_later_change_shows_in_the_later_season_alone():
    account = make_account("80.00", exchangers=2)

    _later_terms(account)
    assert bill_for(account, 2020).exchanger_fee == D("0.00")

    _later_part(account)
    assert bill_for(account, 2020).billing_area == D("100.00")

    _later_certificate(account)
    assert bill_for(account, 2020).amount_due == D("1575.00")  # 2100.00 × 75%

    _later_decision(account)
    assert bill_for(account, 2020).billing_area == D("70.00")

    _later_meter(account)
    assert account_facts(account, 2020).method == METERED

    assert bill_for(account, 2019).amount_due == D("1920.00")


# Area decisions --------------------------------------------------------------------------------------


def test_an_area_decision_replaces_the_computed_area_from_its_season_only():
    account = make_account("80.00")
    AreaDecisionFactory(account=account, from_year=2020, area=D("75.50"))

    bill_2019, bill_2020 = bill_for(account, 2019), bill_for(account, 2020)

    assert account_facts(account, 2019).area_decision is None
    assert account_facts(account, 2020).area_decision == D("75.50")
    assert bill_2019.billing_area == D("80.00")
    assert "area_decision" not in keys(bill_2019)
    assert bill_2020.billing_area == D("75.50")
    assert bill_2020.amount_due == D("1585.50")
    [line] = [line for line in bill_2020.lines if line.key == "area_decision"]
    assert dict(line.params)["decided"] == "75.50"
    assert dict(line.params)["computed"] == "80.00"


def test_a_later_area_decision_supersedes_an_earlier_one():
    account = make_account("80.00")
    AreaDecisionFactory(account=account, from_year=2019, area=D("75.00"))
    AreaDecisionFactory(account=account, from_year=2021, area=D("78.00"))

    assert [account_facts(account, y).area_decision for y in (2019, 2020, 2021)] == [
        D("75.00"),
        D("75.00"),
        D("78.00"),
    ]


# Institutions ----------------------------------------------------------------------------------------


def test_an_institution_without_an_approval_is_billed_non_residential():
    account = make_account("500.00", price_class=INSTITUTION)

    assert account_facts(account, 2019).price_class == NON_RESIDENTIAL
    assert account_facts(account, 2019).parts == (Part(BUILDING, D("500.00")),)
    assert bill_for(account, 2019).amount_due == D("17500.00")


def test_an_institution_approved_from_2020_is_non_residential_in_2019_and_institution_in_2020():
    account = make_account("500.00", price_class=INSTITUTION)
    InstitutionApprovalFactory(account=account, from_year=2020)

    assert account_facts(account, 2019).price_class == NON_RESIDENTIAL
    assert account_facts(account, 2020).price_class == INSTITUTION
    assert bill_for(account, 2019).amount_due == D("17500.00")
    assert bill_for(account, 2020).amount_due == D("10500.00")


@pytest.mark.parametrize("status", [Decision.PENDING, Decision.REJECTED])
def test_a_pending_or_rejected_approval_does_not_count(status):
    account = make_account("500.00", price_class=INSTITUTION)
    InstitutionApprovalFactory(account=account, from_year=2019, status=status)

    assert account_facts(account, 2019).price_class == NON_RESIDENTIAL
    assert account_facts(account, 2020).price_class == NON_RESIDENTIAL


def test_another_accounts_approval_does_not_count():
    account = make_account("500.00", price_class=INSTITUTION)
    InstitutionApprovalFactory(account=make_account("300.00", price_class=INSTITUTION))

    assert account_facts(account, 2019).price_class == NON_RESIDENTIAL


def test_an_approved_institution_metered_gets_the_phased_rule_and_the_cap():
    account = make_account("500.00", price_class=INSTITUTION, metered=True, institution_approved=True)

    result = bill_for(account, 2019, heat_gj=D("300"))

    # §10.1: like a household; 300 GJ × 45 = 13500.00 > cap 500 × 21 = 10500.00
    assert (result.heating_fee, result.cap_loss) == (D("10500.00"), D("3000.00"))


# Low-income certificates (POLICY.md §5) ----------------------------------------------------------


def test_an_approved_certificate_valid_on_the_first_day_gives_the_rate():
    account = make_account("100.00", metered=True)
    LowIncomeCertificateFactory(account=account, valid_from=datetime.date(2019, 1, 1))

    assert low_income(account)
    result = bill_for(account, 2019, heat_gj=D("20"))
    assert (result.amount_due, result.prepayment, result.refund) == (
        D("675.00"),
        D("1575.00"),
        D("900.00"),
    )  # POLICY.md §9 #6, the prepayment taken as paid


def test_a_certificate_valid_from_mid_season_approved_during_it_gives_the_rate():
    account = make_account()
    LowIncomeCertificateFactory(
        account=account, valid_from=datetime.date(2020, 1, 10), decided_at=aware(2020, 1, 20)
    )

    assert low_income(account)


def test_a_certificate_approved_after_settlement_gives_the_rate_for_the_season_it_covers():
    # POLICY.md §5: when the approval comes does not matter; the statement (§11) keeps what was settled.
    account = make_account()
    SeasonFactory(start_year=2019, settled_at=aware(2020, 4, 1))
    LowIncomeCertificateFactory(
        account=account, valid_from=datetime.date(2020, 1, 10), decided_at=aware(2020, 4, 2)
    )

    assert low_income(account)
    assert bill_for(account, 2019).amount_due == D("1260.00")  # 1680.00 × 75%


def test_a_certificate_that_expired_before_the_season_does_not_count():
    account = make_account(from_year=2018)
    LowIncomeCertificateFactory(
        account=account,
        valid_from=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2019, 11, 14),
        decided_at=aware(2018, 1, 5),
    )

    assert low_income(account, 2018)
    assert not low_income(account)


def test_a_certificate_valid_on_the_first_day_only_counts():
    account = make_account()
    LowIncomeCertificateFactory(
        account=account, valid_from=datetime.date(2018, 1, 1), valid_until=datetime.date(2019, 11, 15)
    )

    assert low_income(account)


def test_a_certificate_expiring_during_the_season_still_applies_to_the_whole_season():
    account = make_account()
    LowIncomeCertificateFactory(
        account=account, valid_from=datetime.date(2019, 1, 1), valid_until=datetime.date(2019, 12, 31)
    )

    assert low_income(account)
    assert bill_for(account, 2019).amount_due == D("1260.00")  # 1680.00 × 75%
    assert not low_income(account, 2020)


def test_a_certificate_starting_after_the_season_does_not_count():
    account = make_account()
    LowIncomeCertificateFactory(account=account, valid_from=datetime.date(2020, 3, 16))

    assert not low_income(account)
    assert low_income(account, 2020)


@pytest.mark.parametrize("status", [Decision.PENDING, Decision.REJECTED])
def test_a_pending_or_rejected_certificate_does_not_count(status):
    account = make_account()
    LowIncomeCertificateFactory(account=account, status=status)

    assert not low_income(account)


@pytest.mark.parametrize("price_class", [NON_RESIDENTIAL, INSTITUTION])
def test_a_non_residential_account_never_gets_the_rate(price_class):
    account = make_account("500.00", price_class=price_class, institution_approved=True)
    LowIncomeCertificateFactory(account=account)

    assert not low_income(account)
    assert bill_for(account, 2019).low_income_discount == D("0.00")


def test_an_institution_not_yet_approved_with_a_certificate_gets_no_rate():
    account = make_account("500.00", price_class=INSTITUTION)
    LowIncomeCertificateFactory(account=account)

    facts = account_facts(account, 2019)

    assert (facts.price_class, facts.low_income) == (NON_RESIDENTIAL, False)


def test_a_certificate_gives_the_rate_to_its_own_home_only():
    account = make_account()
    LowIncomeCertificateFactory(account=make_account())

    assert not low_income(account)


def test_an_institution_approved_after_settlement_counts_from_the_season_it_names():
    account = make_account("500.00", price_class=INSTITUTION)
    SeasonFactory(start_year=2019, settled_at=aware(2020, 4, 1))
    InstitutionApprovalFactory(account=account, from_year=2019, decided_at=aware(2020, 5, 1))

    assert account_facts(account, 2019).price_class == INSTITUTION
    assert bill_for(account, 2019).amount_due == D("10500.00")  # 500 × 21, no longer 500 × 35


# Many accounts -----------------------------------------------------------------------------------------


def _varied_accounts(count):
    accounts = []
    for i in range(count):
        kind = i % 5
        if kind == 0:
            account = make_account("80.00", exchangers=i % 3)
        elif kind == 1:
            account = make_account("100.00", metered=True)
            LowIncomeCertificateFactory(account=account)
        elif kind == 2:
            account = make_account("500.00", price_class=INSTITUTION, institution_approved=True)
        elif kind == 3:
            account = make_account("300.00", price_class=NON_RESIDENTIAL)
        else:
            account = make_account("70.00", kind="duplex_single_floor_heated")
            HeatedPartFactory(premises=account.premises, kind=GARAGE, area=D("12.00"))
            AreaDecisionFactory(account=account, area=D("90.00"))
        accounts.append(account)
    return accounts


def test_facts_for_many_accounts_take_a_constant_number_of_queries():
    accounts = _varied_accounts(50)

    with CaptureQueriesContext(connection) as five:
        few = facts_for_season(accounts[:5], 2019)
    with CaptureQueriesContext(connection) as fifty:
        many = facts_for_season(accounts, 2019)

    assert len(few) == 5 and len(many) == 50
    assert len(fifty) == len(five), [q["sql"] for q in fifty.captured_queries]
    assert len(fifty) <= 7


def test_facts_for_many_accounts_are_those_for_each_alone():
    accounts = _varied_accounts(10)

    many = facts_for_season(accounts, 2019)

    assert many == {a.id: account_facts(a, 2019) for a in accounts}
    terms = NOTICE_2019
    heat = {METERED: HEAT, AREA: None}
    dues = [bill(f, terms, heat_gj=heat[f.method]).amount_due for f in many.values()]
    assert dues[:5] == [D("1680.00"), D("675.00"), D("10500.00"), D("10500.00"), D("1890.00")]


def test_facts_for_no_accounts_is_empty():
    assert facts_for_season([], 2019) == {}


def test_facts_for_season_accepts_a_queryset():
    account = make_account()

    assert set(facts_for_season(Account.objects.all(), 2019)) == {account.id}


# Price policy by season ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2020])
def test_the_2019_notice_prices_the_seasons_2019_and_2020(year):
    assert policy_for_season(year).code == CODE_2019


@pytest.mark.parametrize(("year", "day"), [(2021, "2021-11-15"), (2018, "2018-11-15")])
def test_a_season_without_a_policy_in_force_is_an_error_naming_its_first_day(year, day):
    with pytest.raises(NoPolicyInForce, match=day) as raised:
        policy_for_season(year)

    assert raised.value.day == datetime.date.fromisoformat(day)


def test_the_latest_priced_season_is_2020():
    assert latest_priced_season() == 2020


def test_a_new_policy_prices_later_seasons_and_leaves_2019_alone():
    account = make_account("80.00")
    bill_2019 = bill_for(account, 2019)

    new = PricePolicyFactory(
        code="测试〔2021〕1号",
        effective_from=datetime.date(2021, 11, 15),
        effective_until=datetime.date(2023, 11, 14),
        residential_area_price=D("23.00"),
    )

    assert policy_for_season(2021) == new
    assert policy_for_season(2022) == new
    assert policy_for_season(2020).code == CODE_2019
    assert latest_priced_season() == 2022
    with pytest.raises(NoPolicyInForce, match="2023-11-15"):
        policy_for_season(2023)
    assert bill_for(account, 2019) == bill_2019
    assert bill_2019.policy_code == CODE_2019
    assert bill_for(account, 2021).amount_due == D("1840.00")
    assert bill_for(account, 2021).policy_code == "测试〔2021〕1号"


def test_a_policy_after_a_shortened_one_prices_from_its_first_season():
    # Policies never overlap (POLICY.md §10.12): the older one is cut short first.
    PricePolicy.objects.filter(code=CODE_2019).update(effective_until=datetime.date(2020, 11, 14))
    new = PricePolicyFactory(
        effective_from=datetime.date(2020, 11, 15), effective_until=datetime.date(2022, 11, 14)
    )

    assert policy_for_season(2019).code == CODE_2019
    assert policy_for_season(2020) == new
    assert latest_priced_season() == 2021


def test_a_policy_that_covers_no_seasons_first_day_prices_nothing():
    PricePolicyFactory(effective_from=datetime.date(2022, 1, 1), effective_until=datetime.date(2022, 6, 30))

    assert latest_priced_season() == 2020
    with pytest.raises(NoPolicyInForce):
        policy_for_season(2021)
