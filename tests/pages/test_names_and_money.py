"""People and money are written one way on every page: `person_name` and `yuan` (heating.templatetags)."""

from decimal import Decimal

import pytest
from django.test import Client

from heating.templatetags.portal import percent, person_name, yuan
from tests.factories import PricePolicyFactory, UserFactory
from tests.test_calculator_page import load_policy_2019


@pytest.mark.parametrize(
    "last, first, username, shown",
    [
        ("王", "丽", "clerk1", "王丽"),
        ("欧阳", "修", "oy", "欧阳修"),
        ("Wang", "Li", "lw", "Li Wang"),
        ("", "", "clerk9", "clerk9"),
    ],
)
def test_person_name_puts_a_chinese_surname_first(last, first, username, shown):
    assert person_name(UserFactory.build(last_name=last, first_name=first, username=username)) == shown


def test_person_name_of_nobody_is_a_dash():
    assert person_name(None) == "—"


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("1234.5"), "¥1234.50"),
        ("900", "¥900.00"),
        (Decimal("-3"), "−¥3.00"),
        (Decimal("-0.001"), "¥0.00"),
        (None, ""),
    ],
)
def test_yuan_writes_money_with_two_decimals(amount, shown):
    assert yuan(amount) == shown


@pytest.mark.parametrize(
    "who, path",
    [
        ("clerk", "/company/imports/"),
        ("clerk", "/company/imports/{refused}/"),
        ("manager", "/company/tokens/"),
        ("clerk", "/company/meters/{serial}/"),
    ],
)
def test_pages_show_names_surname_first(county, who, path):
    client = Client()
    client.force_login(getattr(county, who))

    html = client.get(path.format(refused=county.refused.pk, serial=county.meter.serial)).content.decode()

    shown = {"clerk": "王丽", "manager": "刘志强"}
    assert shown[who] in html  # in the header at least
    main = html[html.index("<main>") :]
    assert ("王丽" if who == "clerk" else "刘志强") in main
    assert "丽 王" not in html and "志强 刘" not in html


@pytest.mark.parametrize(
    "share, shown", [(Decimal("0.30"), "30%"), (Decimal("0.755"), "75.5%"), (Decimal("1"), "100%")]
)
def test_percent_writes_a_share(share, shown):
    assert percent(share) == shown


def test_the_home_page_prices_are_the_policy_in_force_written_one_way(client, db):
    load_policy_2019()
    html = client.get("/").content.decode()
    assert "按面积收费 ¥21.00/m²" in html and "¥45.00/GJ" in html and "面积×价格×30%" in html
    assert "源政办字〔2019〕54号" in html

    PricePolicyFactory(
        code="测试〔2021〕1号", residential_area_price=Decimal("23.50"), low_income_rate=Decimal("0.70")
    )

    html = client.get("/").content.decode()
    assert "按面积收费 ¥23.50/m²" in html and "实际取暖费的 70% 收取" in html and "测试〔2021〕1号" in html
