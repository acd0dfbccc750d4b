"""Each §8 term in words with the claim's own numbers: pure, no database."""

from decimal import Decimal

from django.utils import translation

from subsidy.explain import TERMS, claim_terms, cost_category_label
from subsidy.formula import figures_at_cost
from tests.subsidy_claims.helpers import EXAMPLE_11


def test_every_term_of_section_8_in_the_policy_order_with_its_value():
    with translation.override("zh-hans"):
        terms = claim_terms(EXAMPLE_11)
    # EXAMPLE_11 is written in the contract's order (CONTRACTS.md, claim_figures).
    assert [t.name for t in terms] == [name for name in EXAMPLE_11 if name != "exceptions"] == list(TERMS)
    shown = {t.name: t.value for t in terms}
    assert shown["claim"] == "¥4325.00"
    assert shown["res_area"] == "300.00 平方米"


def test_each_term_says_how_it_follows_from_the_ones_above_with_the_numbers():
    with translation.override("zh-hans"):
        how = {t.name: t.how for t in claim_terms(EXAMPLE_11)}
    assert "¥26000.00 × 居民价格面积 300.00 平方米 ÷ 计费面积 800.00 平方米" in how["res_cost"]
    assert "¥9750.00 减居民价格收入 ¥4500.00" in how["inversion"]
    assert "¥225.00 + 结算上限损失 ¥600.00 + 价格倒挂亏损 ¥5250.00" in how["eligible"]
    assert "¥26000.00 减供暖收入 ¥21175.00" in how["actual_loss"]
    assert "¥1000.00 的 50%" in how["offset"]
    assert "¥6075.00 与实际亏损 ¥4825.00 中较小者，减配套费抵减 ¥500.00" in how["claim"]


def test_an_adjusted_cost_says_so_and_the_lines_follow_the_new_figures():
    adjusted = figures_at_cost(EXAMPLE_11, Decimal("24000.00"))
    with translation.override("zh-hans"):
        how = {t.name: t.how for t in claim_terms(adjusted, adjusted=True)}
    assert "经审核部门调整" in how["cost"]
    assert "供暖成本 ¥24000.00 减供暖收入 ¥21175.00" in how["actual_loss"]


def test_in_english():
    with translation.override("en"):
        terms = {t.name: t for t in claim_terms(EXAMPLE_11)}
        fuel = cost_category_label("fuel")
    assert terms["claim"].label == "Subsidy claimed"
    assert "square metres" in terms["area"].value
    assert fuel == "Fuel"


def test_an_unknown_cost_category_is_shown_as_stored():
    assert cost_category_label("heat_pumps") == "heat_pumps"
