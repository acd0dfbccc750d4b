"""Losses by cause per company and season, from claims' figures (no database)."""

from decimal import Decimal
from types import SimpleNamespace

from subsidy.selectors.losses import LossRow, losses_by_cause, losses_chart

D = Decimal


def claim(company, season, hardship, cap, inversion):
    figures = {"hardship": hardship, "cap": cap, "inversion": inversion, "claim": "1.00"}
    return SimpleNamespace(company=SimpleNamespace(name=company), season_year=season, figures=figures)


def test_a_row_a_claim_with_figures_by_season_then_company():
    claims = [
        claim("乙公司", 2020, "10.00", "20.00", "30.00"),
        SimpleNamespace(company=SimpleNamespace(name="丙公司"), season_year=2019, figures=None),  # a draft
        claim("甲公司", 2020, "1.50", "0.00", "0.00"),
        claim("乙公司", 2019, "225.00", "600.00", "5250.00"),
    ]
    assert losses_by_cause(claims) == [
        LossRow("乙公司", "2019-2020", D("225.00"), D("600.00"), D("5250.00")),
        LossRow("乙公司", "2020-2021", D("10.00"), D("20.00"), D("30.00")),
        LossRow("甲公司", "2020-2021", D("1.50"), D("0.00"), D("0.00")),
    ]


def test_the_chart_has_a_stacked_series_a_cause_in_the_rows_order():
    rows = losses_by_cause([claim("甲公司", 2019, "225", "600.5", "0")])
    chart = losses_chart(rows)
    assert chart["labels"] == ["甲公司 2019-2020"]
    assert [(s["label"], s["values"]) for s in chart["datasets"]] == [
        ("困难群体优惠", ["225.00"]),
        ("结算上限", ["600.50"]),
        ("价格倒挂", ["0.00"]),
    ]
    assert losses_chart([]) == {
        "labels": [],
        "datasets": [{"label": n, "values": []} for n in ("困难群体优惠", "结算上限", "价格倒挂")],
    }
