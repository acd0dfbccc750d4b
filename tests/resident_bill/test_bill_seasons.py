"""Which seasons an account has a bill for before any money or statement: pure, no database."""

import datetime

from heating.models import Account
from heating.selectors.bill_seasons import open_seasons

DECEMBER_2026 = datetime.date(2026, 12, 7)  # the 2026-2027 season is under way
JULY_2026 = datetime.date(2026, 7, 1)  # between seasons: the counter takes 2026-2027's prepayment


def account(opened_on=datetime.date(2017, 1, 1), closed_on=None) -> Account:
    return Account(number="0100234", opened_on=opened_on, closed_on=closed_on)


def test_an_open_account_has_the_season_under_way_and_the_season_shown():
    assert open_seasons(account(), DECEMBER_2026, 2020) == {2026, 2020}
    assert open_seasons(account(), JULY_2026, 2020) == {2026, 2020}
    assert open_seasons(account(), DECEMBER_2026, None) == {2026}


def test_a_closed_account_has_none_and_no_season_before_the_account_opened():
    assert open_seasons(account(closed_on=datetime.date(2021, 5, 1)), DECEMBER_2026, 2020) == set()
    assert open_seasons(account(opened_on=datetime.date(2024, 9, 1)), DECEMBER_2026, 2020) == {2026}
    # Opened during the shown season: that season's bill counts the days it was open.
    assert open_seasons(account(opened_on=datetime.date(2021, 1, 10)), DECEMBER_2026, 2020) == {2026, 2020}
