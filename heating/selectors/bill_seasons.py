"""Which seasons of an account have a bill at /me/<company>/<account>/<season>/: one rule for the seasons
我的供暖 links and for the seasons the bill page answers, so every link /me/ shows opens a bill."""

import datetime

from heating.models import Account
from heating.models.policy import season_days

from .overview import current_season
from .policy import latest_priced_season
from .takings import counter_season


def shown_season(today: datetime.date) -> int | None:
    """The season a home's facts are shown for: the one under way (or the last one, between seasons),
    or the latest one a loaded price policy prices when that is earlier; None with no policy."""
    priced = latest_priced_season()
    return None if priced is None else min(current_season(today), priced)


def open_seasons(account: Account, today: datetime.date, shown: int | None) -> set[int]:
    """The seasons an open account has a bill for before any money or statement: the one the counter
    takes payments for (under way, or next between seasons) and the one 我的供暖 shows, from the season
    the account opened in."""
    if account.closed_on is not None:
        return set()
    years = {counter_season(today)} | ({shown} if shown is not None else set())
    return {year for year in years if account.opened_on <= season_days(year)[1]}
