import dataclasses
from decimal import Decimal

import pytest

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
    PRICE_CLASSES,
    RESIDENTIAL,
    RESIDENTIAL_KINDS,
    AccountFacts,
    BillingError,
    Part,
    bill,
)

from .helpers import D, account, shown

NO_INSTITUTION_CAP = dataclasses.replace(NOTICE_2019, institution_cap=False)
TWO_PART_INSTITUTIONS = dataclasses.replace(NOTICE_2019, institution_phased=False)
GENERAL_RULE_INSTITUTIONS = dataclasses.replace(NOTICE_2019, institution_phased=False, institution_cap=False)


# POLICY.md §9, every figure each example gives.
WORKED_EXAMPLES = [
    pytest.param(
        account(RESIDENTIAL, AREA, (FLAT, "80")),
        None,
        {"heating_fee": "1680.00", "prepayment": "1680.00", "refund": "0.00"},
        id="1-area-flat",
    ),
    pytest.param(
        account(RESIDENTIAL, AREA, (FLAT, "90.5"), exchangers=2),
        None,
        {"heating_fee": "1900.50", "exchanger_fee": "240.00", "gross_fee": "2140.50"},
        id="2-exchangers",
    ),
    pytest.param(
        account(RESIDENTIAL, METERED, (FLAT, "100")),
        "20",
        {
            "basic_fee": "630.00",
            "metered_fee": "900.00",
            "cap": "2100.00",
            "heating_fee": "900.00",
            "prepayment": "2100.00",
            "refund": "1200.00",
        },
        id="3-metered",
    ),
    pytest.param(
        account(RESIDENTIAL, METERED, (FLAT, "100")),
        "10",
        {"basic_fee": "630.00", "metered_fee": "450.00", "heating_fee": "630.00"},
        id="4-basic-fee-floor",
    ),
    pytest.param(
        account(RESIDENTIAL, METERED, (FLAT, "100")),
        "60",
        {"metered_fee": "2700.00", "cap": "2100.00", "heating_fee": "2100.00", "cap_loss": "600.00"},
        id="5-cap",
    ),
    pytest.param(
        account(RESIDENTIAL, METERED, (FLAT, "100"), low_income=True),
        "20",
        {
            "amount_due": "675.00",
            "low_income_discount": "225.00",
            "prepayment": "1575.00",
            "refund": "900.00",
        },
        id="6-low-income",
    ),
    pytest.param(
        account(NON_RESIDENTIAL, AREA, (BUILDING, "500")),
        None,
        {"heating_fee": "17500.00"},
        id="7-non-residential-area",
    ),
    pytest.param(
        account(NON_RESIDENTIAL, METERED, (BUILDING, "500")),
        "300",
        {
            "basic_fee": "5250.00",
            "metered_fee": "13650.00",
            "cap": None,
            "heating_fee": "18900.00",
            "prepayment": "17500.00",
            "balance_due": "1400.00",
        },
        id="8-non-residential-metered",
    ),
    pytest.param(
        account(RESIDENTIAL, AREA, (DUPLEX_SINGLE_FLOOR_HEATED, "70")),
        None,
        {"billing_area": "91.00", "heating_fee": "1911.00"},
        id="9-duplex-one-floor",
    ),
    pytest.param(
        account(RESIDENTIAL, AREA, (FLAT, "80"), (ATTIC_WITHOUT_CERTIFICATE, "80")),
        None,
        {"billing_area": "120.00"},
        id="10-attic-without-certificate",
    ),
]


@pytest.mark.parametrize("facts, heat, expected", WORKED_EXAMPLES)
def test_worked_examples(facts, heat, expected):
    result = bill(facts, NOTICE_2019, None if heat is None else D(heat))
    assert shown(result, expected) == expected


def test_the_accounts_of_example_11_give_its_subsidy_inputs():
    """§9 #11 sums #3, #5, #6 and #7; the engine must hand the subsidy exactly these figures."""
    cases = [WORKED_EXAMPLES[i].values for i in (2, 4, 5, 6)]
    results = [bill(facts, NOTICE_2019, None if heat is None else D(heat)) for facts, heat, _ in cases]
    residential = results[:3]
    assert sum(r.amount_due for r in results) == D("21175.00")
    assert sum(r.low_income_discount for r in results) == D("225.00")
    assert sum(r.cap_loss for r in results) == D("600.00")
    assert sum(r.billing_area for r in results) == 800
    assert sum(r.billing_area for r in residential) == 300
    assert sum(r.amount_due + r.low_income_discount + r.cap_loss for r in residential) == D("4500.00")


@pytest.mark.parametrize(
    "kind, size, billed",
    [
        (FLAT, "50", "50.00"),
        (DUPLEX_SINGLE_FLOOR_HEATED, "50", "65.00"),
        ("duplex_both_floors_heated", "50", "50.00"),
        ("attic_with_certificate", "50", "50.00"),
        (ATTIC_WITHOUT_CERTIFICATE, "50", "25.00"),
        ("basement", "50", "50.00"),
        ("storage", "50", "50.00"),
        ("garage", "50", "50.00"),
    ],
)
def test_every_residential_part_kind(kind, size, billed):
    assert kind in RESIDENTIAL_KINDS
    result = bill(account(RESIDENTIAL, AREA, (kind, size)), NOTICE_2019)
    assert shown(result, ["billing_area", "heating_fee"]) == {
        "billing_area": billed,
        "heating_fee": str(D(billed) * 21),
    }


@pytest.mark.parametrize(
    "price_class, method, expected",
    [
        (RESIDENTIAL, AREA, (None, None, None, "0.00", "2100.00", "2100.00", "0.00")),
        (RESIDENTIAL, METERED, ("630.00", "900.00", "2100.00", "0.00", "900.00", "2100.00", "1200.00")),
        (INSTITUTION, AREA, (None, None, None, "0.00", "2100.00", "2100.00", "0.00")),
        (INSTITUTION, METERED, ("630.00", "900.00", "2100.00", "0.00", "900.00", "2100.00", "1200.00")),
        (NON_RESIDENTIAL, AREA, (None, None, None, "0.00", "3500.00", "3500.00", "0.00")),
        # 100 × 35 × 30% + 20 × 65 × 70%
        (NON_RESIDENTIAL, METERED, ("1050.00", "910.00", None, "0.00", "1960.00", "3500.00", "1540.00")),
    ],
)
def test_every_price_class_and_method(price_class, method, expected):
    kind = FLAT if price_class == RESIDENTIAL else BUILDING
    heat = D("20") if method == METERED else None
    result = bill(account(price_class, method, (kind, "100")), NOTICE_2019, heat)
    names = ["basic_fee", "metered_fee", "cap", "cap_loss", "heating_fee", "prepayment", "refund"]
    assert shown(result, names) == dict(zip(names, expected, strict=True))
    assert result.exchanger_fee == result.low_income_discount == result.balance_due == 0
    assert result.gross_fee == result.amount_due == result.heating_fee


@pytest.mark.parametrize(
    "terms, heat, expected",
    [
        # basic, metered, cap, heating_fee, cap_loss, balance_due (prepaid 2100.00)
        (NOTICE_2019, "60", ("630.00", "2700.00", "2100.00", "2100.00", "600.00", "0.00")),
        (NO_INSTITUTION_CAP, "60", ("630.00", "2700.00", None, "2700.00", "0.00", "600.00")),
        (NO_INSTITUTION_CAP, "10", ("630.00", "450.00", None, "630.00", "0.00", "0.00")),
        # general rule at the residential price: 630 + 60 × 45 × 70% = 2520.00, above the cap
        (TWO_PART_INSTITUTIONS, "60", ("630.00", "1890.00", "2100.00", "2100.00", "420.00", "0.00")),
        (TWO_PART_INSTITUTIONS, "10", ("630.00", "315.00", "2100.00", "945.00", "0.00", "0.00")),
        (GENERAL_RULE_INSTITUTIONS, "60", ("630.00", "1890.00", None, "2520.00", "0.00", "420.00")),
        (GENERAL_RULE_INSTITUTIONS, "0", ("630.00", "0.00", None, "630.00", "0.00", "0.00")),
    ],
)
def test_institution_flags(terms, heat, expected):
    result = bill(account(INSTITUTION, METERED, (BUILDING, "100")), terms, D(heat))
    names = ["basic_fee", "metered_fee", "cap", "heating_fee", "cap_loss", "balance_due"]
    assert shown(result, names) == dict(zip(names, expected, strict=True))


@pytest.mark.parametrize("price_class, kind", [(RESIDENTIAL, FLAT), (NON_RESIDENTIAL, BUILDING)])
def test_institution_flags_leave_other_classes_alone(price_class, kind):
    facts = account(price_class, METERED, (kind, "100"))
    assert bill(facts, GENERAL_RULE_INSTITUTIONS, D("60")) == bill(facts, NOTICE_2019, D("60"))


@pytest.mark.parametrize(
    "facts, heat, expected",
    [
        # 0.15 × 21 × 30% = 0.945 → 0.95 (banker's: 0.94)
        (account(RESIDENTIAL, METERED, (FLAT, "0.15")), "0", {"basic_fee": "0.95", "heating_fee": "0.95"}),
        # 0.01 × 35 × 30% = 0.105 → 0.11 (banker's: 0.10)
        (account(NON_RESIDENTIAL, METERED, (BUILDING, "0.01")), "0", {"basic_fee": "0.11"}),
        # 0.001 × 45 = 0.045 → 0.05 (banker's: 0.04)
        (account(RESIDENTIAL, METERED, (FLAT, "0.01")), "0.001", {"metered_fee": "0.05"}),
        # 0.03 × 65 × 70% = 1.365 → 1.37 (banker's: 1.36)
        (account(NON_RESIDENTIAL, METERED, (BUILDING, "0.01")), "0.03", {"metered_fee": "1.37"}),
        # one rounding of Q × Ph × 70%: 0.00455 → 0.00, where round(round(0.0065) × 70%) would give 0.01
        (account(NON_RESIDENTIAL, METERED, (BUILDING, "1")), "0.0001", {"metered_fee": "0.00"}),
        # Q is never rounded: 0.0001 × 45 = 0.0045 → 0.00; 0.000112 × 45 = 0.00504 → 0.01
        (account(RESIDENTIAL, METERED, (FLAT, "1")), "0.0001", {"metered_fee": "0.00"}),
        (account(RESIDENTIAL, METERED, (FLAT, "1")), "0.000112", {"metered_fee": "0.01"}),
        (account(RESIDENTIAL, METERED, (FLAT, "1")), "0.000111", {"metered_fee": "0.00"}),
        # 0.5 m²: 0.5 × 21 = 10.50, 0.5 × 6.3 = 3.15, nothing to round
        (account(RESIDENTIAL, METERED, (FLAT, "0.5")), "0", {"basic_fee": "3.15", "cap": "10.50"}),
        # low income: 0.06 × 21 = 1.26; × 75% = 0.945 → 0.95 (banker's: 0.94)
        (
            account(RESIDENTIAL, AREA, (FLAT, "0.06"), low_income=True),
            None,
            {"gross_fee": "1.26", "amount_due": "0.95", "low_income_discount": "0.31", "prepayment": "0.95"},
        ),
        # with exchangers: (1.26 + 120) × 75% = 90.945 → 90.95
        (
            account(RESIDENTIAL, AREA, (FLAT, "0.06"), exchangers=1, low_income=True),
            None,
            {
                "gross_fee": "121.26",
                "amount_due": "90.95",
                "low_income_discount": "30.31",
                "prepayment": "90.95",
            },
        ),
        # the billing area is rounded after adding: 0.005 + 0.005 = 0.01 m² (each rounded: 0.02)
        (
            account(
                RESIDENTIAL, AREA, (ATTIC_WITHOUT_CERTIFICATE, "0.01"), (ATTIC_WITHOUT_CERTIFICATE, "0.01")
            ),
            None,
            {"billing_area": "0.01", "heating_fee": "0.21"},
        ),
        # 0.05 × 130% = 0.065 → 0.07 m² (banker's: 0.06)
        (
            account(RESIDENTIAL, AREA, (DUPLEX_SINGLE_FLOOR_HEATED, "0.05")),
            None,
            {"billing_area": "0.07", "heating_fee": "1.47"},
        ),
    ],
)
def test_rounding_is_half_up_once_per_term(facts, heat, expected):
    result = bill(facts, NOTICE_2019, None if heat is None else D(heat))
    assert shown(result, expected) == expected


def test_heating_fee_equal_to_the_basic_fee_or_the_cap_is_the_actual_amount():
    at_basic = bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("14"))  # 14 × 45 = 630
    at_cap = bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("46.666667"))  # 2100.00001…
    assert (at_basic.metered_fee, at_basic.heating_fee) == (D("630.00"), D("630.00"))
    assert "heating_fee_basic" in [line.key for line in at_basic.lines]  # 小于等于基本热费的，按基本热费
    assert "heating_fee_metered" in [line.key for line in at_cap.lines]  # 低于等于面积计价金额的，按实际金额
    assert shown(at_cap, ["metered_fee", "heating_fee", "cap_loss"]) == {
        "metered_fee": "2100.00",
        "heating_fee": "2100.00",
        "cap_loss": "0.00",
    }


@pytest.mark.parametrize(
    "method, heat, expected",
    [
        (AREA, None, {"billing_area": "95.50", "heating_fee": "2005.50", "prepayment": "2005.50"}),
        (
            METERED,
            "60",
            {"billing_area": "95.50", "cap": "2005.50", "basic_fee": "601.65", "cap_loss": "694.50"},
        ),
    ],
)
def test_area_decision_replaces_the_computed_area(method, heat, expected):
    facts = account(
        RESIDENTIAL, method, (FLAT, "80"), (ATTIC_WITHOUT_CERTIFICATE, "80"), area_decision=D("95.5")
    )
    result = bill(facts, NOTICE_2019, None if heat is None else D(heat))
    assert shown(result, expected) == expected
    decision = [line for line in result.lines if line.key == "area_decision"]
    assert [dict(line.params) for line in decision] == [
        {"policy": "源政办字〔2019〕54号", "decided": "95.50", "computed": "120.00"}
    ]


@pytest.mark.parametrize(
    "prepaid, expected",
    [
        ("2100", {"prepaid": "2100.00", "refund": "1200.00", "balance_due": "0.00"}),
        ("900.00", {"prepaid": "900.00", "refund": "0.00", "balance_due": "0.00"}),
        ("0", {"prepaid": "0.00", "refund": "0.00", "balance_due": "900.00"}),
        ("-0", {"prepaid": "0.00", "refund": "0.00", "balance_due": "900.00"}),
        ("1000.01", {"prepaid": "1000.01", "refund": "100.01", "balance_due": "0.00"}),
    ],
)
def test_prepaid_settles_against_the_amount_due(prepaid, expected):
    result = bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("20"), D(prepaid))
    assert shown(result, expected) == expected
    assert result.prepayment == D("2100.00")


def lines_of(result):
    return [
        (line.key, line.section, None if line.amount is None else str(line.amount)) for line in result.lines
    ]


def test_lines_of_a_low_income_metered_home():
    result = bill(account(RESIDENTIAL, METERED, (FLAT, "100"), low_income=True), NOTICE_2019, D("20"))
    assert lines_of(result) == [
        ("part", "§三", None),
        ("billing_area", "§三", None),
        ("price_class", "§一.1", None),
        ("basic_fee", "§二", "630.00"),
        ("metered_fee", "§二", "900.00"),
        ("cap", "§二", "2100.00"),
        ("heating_fee_metered", "§二", "900.00"),
        ("low_income", "§五", "-225.00"),
        ("amount_due", "§五", "675.00"),
        ("prepayment", "§四", "2100.00"),
        ("prepayment_low_income", "§五", "1575.00"),
        ("prepaid_assumed", "§四", "1575.00"),
        ("refund", "§四", "900.00"),
    ]
    assert dict(result.lines[3].params) == {
        "policy": "源政办字〔2019〕54号",
        "area": "100.00",
        "area_price": "21.00",
        "basic_share": "30%",
    }
    assert result.policy_code == "源政办字〔2019〕54号"


def test_lines_of_an_area_billed_home_with_exchangers_and_parts():
    facts = account(RESIDENTIAL, AREA, (DUPLEX_SINGLE_FLOOR_HEATED, "70"), (FLAT, "20.5"), exchangers=2)
    result = bill(facts, NOTICE_2019, prepaid=D("3000"))
    assert lines_of(result) == [
        ("part_scaled", "§三", None),
        ("part", "§三", None),
        ("billing_area", "§三", None),
        ("price_class", "§一.1", None),
        ("area_fee", "§一.1", "2341.50"),
        ("exchangers", "§一.4", "240.00"),
        ("gross_fee", "§一.4", "2581.50"),
        ("amount_due", "§一.1", "2581.50"),
        ("prepayment_exchangers", "§四", "2581.50"),
        ("prepaid", "§四", "3000.00"),
        ("refund", "§四", "418.50"),
    ]
    assert dict(result.lines[0].params) == {
        "policy": "源政办字〔2019〕54号",
        "kind": DUPLEX_SINGLE_FLOOR_HEATED,
        "area": "70.00",
        "share": "130%",
        "counted": "91.00",
    }
    assert dict(result.lines[5].params)["count"] == "2"


def test_lines_of_a_capped_home_and_of_the_general_rule():
    capped = bill(account(RESIDENTIAL, METERED, (FLAT, "100")), NOTICE_2019, D("60"))
    assert lines_of(capped)[6:8] == [("heating_fee_cap", "§二", "2100.00"), ("cap_loss", "§二", "600.00")]
    general = bill(account(NON_RESIDENTIAL, METERED, (BUILDING, "500")), NOTICE_2019, D("300"))
    assert lines_of(general)[2:] == [
        ("price_class", "§一.3", None),
        ("basic_fee", "§二", "5250.00"),
        ("metered_fee_two_part", "§二", "13650.00"),
        ("no_cap", "§二", None),
        ("heating_fee_two_part", "§二", "18900.00"),
        ("amount_due", "§二", "18900.00"),
        ("prepayment", "§四", "17500.00"),
        ("prepaid_assumed", "§四", "17500.00"),
        ("balance_due", "§四", "1400.00"),
    ]


def home(**facts):
    return account(RESIDENTIAL, AREA, (FLAT, "80"), **facts)


def metered_home(**facts):
    return account(RESIDENTIAL, METERED, (FLAT, "80"), **facts)


@pytest.mark.parametrize(
    "facts, heat, prepaid, field, words",
    [
        (account("household", AREA, (FLAT, "80")), None, None, "price_class", "'household'"),
        (account(RESIDENTIAL, "estimate", (FLAT, "80")), None, None, "method", "'estimate'"),
        (account(RESIDENTIAL, AREA), None, None, "parts", "at least one"),
        (
            account(RESIDENTIAL, AREA, (FLAT, "8"), ("loft", "1")),
            None,
            None,
            "parts",
            "parts[1]: unknown kind",
        ),
        (account(RESIDENTIAL, AREA, (FLAT, "0")), None, None, "parts", "parts[0] area must be greater than"),
        (account(RESIDENTIAL, AREA, (FLAT, "-5")), None, None, "parts", "greater than 0"),
        (account(RESIDENTIAL, AREA, (FLAT, "80.001")), None, None, "parts", "at most two decimals"),
        (account(RESIDENTIAL, AREA, (FLAT, "NaN")), None, None, "parts", "finite"),
        (account(RESIDENTIAL, AREA, (FLAT, "1E+12")), None, None, "parts", "less than"),
        (account(RESIDENTIAL, AREA, (BUILDING, "80")), None, None, "parts", "parts[0]"),
        (account(INSTITUTION, AREA, (FLAT, "80")), None, None, "parts", "use kind 'building'"),
        (account(NON_RESIDENTIAL, AREA, (BUILDING, "80"), ("garage", "20")), None, None, "parts", "parts[1]"),
        (home(area_decision=D("0")), None, None, "area_decision", "greater than 0"),
        (home(area_decision=D("95.555")), None, None, "area_decision", "two decimals"),
        (metered_home(), None, None, "heat_gj", "metered"),
        (metered_home(), D("-0.000001"), None, "heat_gj", "at least 0"),
        (metered_home(), D("Infinity"), None, "heat_gj", "finite"),
        (home(), D("0"), None, "heat_gj", "area-billed"),
        (metered_home(exchangers=1), D("20"), None, "exchangers", "area-billed residential"),
        (account(INSTITUTION, AREA, (BUILDING, "80"), exchangers=1), None, None, "exchangers", "§一.4"),
        (account(NON_RESIDENTIAL, AREA, (BUILDING, "80"), exchangers=1), None, None, "exchangers", "§一.4"),
        (home(exchangers=-1), None, None, "exchangers", "at least 0"),
        (home(exchangers=True), None, None, "exchangers", "whole number"),
        (home(exchangers=1.0), None, None, "exchangers", "whole number"),
        (account(INSTITUTION, AREA, (BUILDING, "80"), low_income=True), None, None, "low_income", "§五"),
        (account(NON_RESIDENTIAL, AREA, (BUILDING, "80"), low_income=True), None, None, "low_income", "§五"),
        (home(low_income="yes"), None, None, "low_income", "true or false"),
        (home(), None, D("-0.01"), "prepaid", "at least 0"),
        (home(), None, D("1680.005"), "prepaid", "two decimals"),
    ],
)
def test_billing_errors_name_the_field(facts, heat, prepaid, field, words):
    with pytest.raises(BillingError) as caught:
        bill(facts, NOTICE_2019, heat, prepaid)
    assert caught.value.field == field
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == f"{field}: {caught.value.message}"


@pytest.mark.parametrize("value", [80.0, 80, "80", None])
def test_a_part_area_must_be_a_decimal(value):
    with pytest.raises(BillingError, match="must be a Decimal") as caught:
        bill(AccountFacts(RESIDENTIAL, AREA, (Part(FLAT, value),)), NOTICE_2019)
    assert caught.value.field == "parts"


@pytest.mark.parametrize("heat, prepaid, field", [(20.0, None, "heat_gj"), (D("20"), 900, "prepaid")])
def test_heat_and_prepaid_must_be_decimals(heat, prepaid, field):
    with pytest.raises(BillingError, match="must be a Decimal") as caught:
        bill(account(RESIDENTIAL, METERED, (FLAT, "80")), NOTICE_2019, heat, prepaid)
    assert caught.value.field == field


@pytest.mark.parametrize("price_class", PRICE_CLASSES)
def test_every_class_accepts_zero_heat(price_class):
    kind = FLAT if price_class == RESIDENTIAL else BUILDING
    result = bill(account(price_class, METERED, (kind, "100")), NOTICE_2019, D("0"))
    assert result.metered_fee == 0 and result.heating_fee == result.basic_fee


def test_notice_2019_figures():
    assert NOTICE_2019.code == "源政办字〔2019〕54号"
    assert (NOTICE_2019.residential_area_price, NOTICE_2019.residential_heat_price) == (21, 45)
    assert (NOTICE_2019.non_residential_area_price, NOTICE_2019.non_residential_heat_price) == (35, 65)
    assert (NOTICE_2019.basic_share, NOTICE_2019.heat_share) == (D("0.3"), D("0.7"))
    assert (NOTICE_2019.exchanger_fee, NOTICE_2019.low_income_rate) == (120, D("0.75"))
    assert (NOTICE_2019.duplex_single_floor_share, NOTICE_2019.attic_without_certificate_share) == (
        D("1.3"),
        D("0.5"),
    )
    assert NOTICE_2019.institution_phased and NOTICE_2019.institution_cap


@pytest.mark.parametrize(
    "change, words",
    [
        ({"basic_share": 0.3}, "finite Decimal"),
        ({"exchanger_fee": Decimal("-120")}, ">= 0"),
        ({"residential_heat_price": Decimal("NaN")}, "finite"),
        ({"low_income_rate": Decimal("1.25")}, "must not exceed 1"),
    ],
)
def test_price_terms_refuse_impossible_figures(change, words):
    with pytest.raises(ValueError, match=words):
        dataclasses.replace(NOTICE_2019, **change)
