"""Onboarding opens no second account on a home that has one open (POLICY.md §4)."""

import datetime

from heating.models import Account
from tests.factories import AccountFactory, BuildingFactory, PremisesFactory, RouteFactory

from .test_onboarding import books, run


def test_a_row_for_a_home_with_an_open_account_is_a_row_error_naming_it(company, alice):
    route = RouteFactory(company=company, code="R01")
    building = BuildingFactory(company=company, code="B01", name="1号楼", route=route)
    AccountFactory(
        company=company,
        premises=PremisesFactory(company=company, building=building, unit="1-102"),
        number="0900009",
    )

    result = run(company, alice, books(), commit=True)

    assert result.errors == [
        {
            "row": 3,
            "column": "房号",
            "message": "楼栋 B01 的房号 1-102 已有开户中的账户 0900009；"
            "同一房屋同一时间只能有一个账户，换了户主请办理过户",
        }
    ]
    assert list(Account.objects.values_list("number", flat=True)) == ["0900009"]


def test_a_home_whose_account_was_closed_is_still_a_home_already_on_the_books(company, alice):
    route = RouteFactory(company=company, code="R01")
    building = BuildingFactory(company=company, code="B01", name="1号楼", route=route)
    premises = PremisesFactory(company=company, building=building, unit="1-102")
    AccountFactory(company=company, premises=premises, closed_on=datetime.date(2019, 5, 1))

    result = run(company, alice, books(), commit=False)

    assert [(e["row"], e["message"]) for e in result.errors] == [(3, "楼栋 B01 的房号 1-102 已建档")]
