"""Homes of one building with meters, readings and settled statements, for the heat-use tests."""

import datetime
from decimal import Decimal

from heating.services.settlement import season_settle
from tests.factories import BuildingFactory, CompanyFactory, MeterFactory, ReadingFactory, aware, make_account

D = Decimal
SEASON = 2019  # 15 November 2019 to 15 March 2020; the season before runs from 15 November 2018


def read(meter, at, value, **fields):
    return ReadingFactory(meter=meter, read_at=at, value_gj=D(value), **fields)


def building():
    company = CompanyFactory()
    return company, BuildingFactory(company=company)


def home(company, building, area="100.00", metered=True, **fields):
    """A home of the building, open since 2017; metered by a meter in place since 2018-10-01."""
    fields.setdefault("opened_on", datetime.date(2017, 1, 1))
    fields.setdefault("from_year", 2018)
    account = make_account(area=area, company=company, premises__building=building, **fields)
    if metered:
        MeterFactory(account=account, installed_on=datetime.date(2018, 10, 1))
    return account


def settled_neighbours(company, building, heats=("20", "25", "30"), area="100.00"):
    """Metered homes of the building whose season is settled with these heats (GJ)."""
    homes = []
    for heat in heats:
        account = home(company, building, area=area)
        meter = account.meters.get()
        read(meter, aware(2019, 11, 15, 8), "1000")
        read(meter, aware(2020, 3, 15, 8), str(1000 + D(heat)))
        homes.append(account)
    season_settle(company=company, start_year=SEASON, account_ids=[a.id for a in homes])
    return homes
