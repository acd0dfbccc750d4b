"""The overview's figures are what the ledger, statements, readings and refunds imply, for the
chosen company only."""

from decimal import Decimal

from django.utils import timezone

from heating.selectors import season_overview as figures
from tests.settlement.helpers import SEASON

D = Decimal


def test_the_collection_rate_by_building_is_received_over_charged(season):
    rows = {row.label: row for row in figures.collection_by_building(season.company, SEASON)}

    # The settlement's closing prepayment-due entry is not a second charge; a reversal takes its
    # payment back out; the payment recorded yesterday still counts for the season.
    assert (rows["E1 东楼"].due, rows["E1 东楼"].received, rows["E1 东楼"].rate) == (
        D("3360.00"), D("2520.00"), D("75.0")
    )
    assert (rows["W1 西楼"].due, rows["W1 西楼"].received, rows["W1 西楼"].rate) == (
        D("1000.00"), D("800.00"), D("80.0")
    )
    assert list(rows) == ["E1 东楼", "W1 西楼"]  # the other company's building is not here


def test_a_building_with_nothing_charged_has_no_rate(season):
    row = figures.Collection("B", D("0.00"), D("10.00"))

    assert row.rate is None


def test_readings_per_route_count_the_season_and_leave_out_void_ones(season):
    routes = figures.readings_by_route(season.company, SEASON)

    assert [(r.label, r.readings) for r in routes] == [("R1 东线", 2), ("R2 西线", 0)]


def test_the_unsettled_are_the_accounts_open_in_the_season_without_a_statement(season):
    unsettled = figures.unsettled_accounts(season.company, SEASON)

    assert (unsettled.count, unsettled.numbers) == (2, ["0002", "0003"])


def test_refunds_owed_paid_and_credited(season, refunds):
    assert figures.season_refunds(season.company, SEASON) == figures.Refunds(
        owed=D("320.00"), paid=D("420.00"), credited=D("520.00")
    )
    assert figures.season_refunds(season.other_manager.memberships.get().organisation, SEASON) == (
        figures.Refunds(D("0.00"), D("0.00"), D("0.00"))
    )


def test_todays_takings_by_channel_net_of_reversals(season):
    takings = figures.takings_on(season.company, timezone.localdate())

    assert [(t.channel, t.payments, t.amount) for t in takings] == [
        ("现金", 1, D("1680.00")),  # not yesterday's 300, not the other company's 999
        ("转账", 1, D("0.00")),  # taken and reversed the same day
        ("微信", 1, D("840.00")),
        ("支付宝", 1, D("500.00")),
    ]


def test_a_credit_is_not_money_taken(season, refunds):
    channels = [t.channel for t in figures.takings_on(season.company, timezone.localdate())]

    assert "上季退费转入" not in channels
