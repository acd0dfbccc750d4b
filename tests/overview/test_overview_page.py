"""/company/ for a chosen season: the figures in words beside the charts, the season selector, a
bad season refused with a message, another company's data never shown, a fixed number of queries."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from heating.models import LedgerEntry
from tests.factories import BuildingFactory, RouteFactory, make_account
from tests.overview.conftest import charge
from tests.settlement.helpers import pay


def page(user, query=""):
    client = Client()
    client.force_login(user)
    return client.get("/company/" + query)


def table(html, name):
    body = re.search(rf'<table id="{name}">.*?<tbody>(.*?)</tbody>', html, re.S)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_default_season_is_the_latest_with_money_in_the_ledger(season):
    html = page(season.manager).content.decode()

    assert 'name="season" value="2019-2020"' in html
    assert table(html, "collection") == [
        ["E1 东楼", "¥3360.00", "¥2520.00", "75.0%"],
        ["W1 西楼", "¥1000.00", "¥800.00", "80.0%"],
    ]
    assert table(html, "routes") == [["R1 东线", "2"], ["R2 西线", "0"]]
    assert re.search(r'id="season-unsettled">2<', html)
    assert "OTHER-9001" not in html and "X1 " not in html  # the other company's account and building


def test_the_charts_draw_the_same_figures_from_a_json_script(season):
    html = page(season.manager, "?season=2019-2020").content.decode()

    data = re.search(r'<script id="overview-charts" type="application/json">(.*?)</script>', html)[1]
    charts = json.loads(data)
    assert charts["collection"]["labels"] == ["E1 东楼", "W1 西楼"]
    assert charts["collection"]["values"] == ["75.0", "80.0"]
    assert charts["routes"]["values"] == [2, 0]
    assert charts["takings"]["labels"] == ["现金", "转账", "微信", "支付宝"]
    assert 'src="/static/vendor/chart.umd.min.js"' in html and 'src="/static/js/overview_charts.js"' in html


def test_another_season_is_chosen_by_name(season):
    html = page(season.manager, "?season=2020-2021").content.decode()

    assert 'name="season" value="2020-2021"' in html
    assert table(html, "collection") == [
        ["E1 东楼", "¥0.00", "¥0.00", "—"],
        ["W1 西楼", "¥0.00", "¥0.00", "—"],
    ]
    # 0001 has no 2020 statement; 0005 opened in June 2020; 0004 closed before 2019's season.
    assert re.search(r'id="season-unsettled">4<', html)


def test_todays_takings_and_the_refunds_are_on_the_page(season, refunds):
    html = page(season.manager, "?season=2019-2020").content.decode()

    assert table(html, "takings")[0] == ["现金", "4", "¥7980.00"]  # 1680 and the refund fixture's 6300
    assert 'id="refunds-owed">¥320.00<' in html and 'id="refunds-paid">¥420.00<' in html


@pytest.mark.parametrize(
    "bad", ["2019", "2019-2021", "0000-0001", "x" * 5000, "２０１９-２０２０", ""]
)
def test_a_bad_season_is_refused_with_a_message(season, bad):
    response = page(season.manager, "?" + urlencode({"season": bad}))

    assert response.status_code == 400
    assert "格式为 YYYY-YYYY" in response.content.decode()


def test_a_season_with_a_nul_is_refused_not_a_500(season):
    assert page(season.manager, "?season=2019-2020%00").status_code == 400


def test_another_companys_manager_sees_only_their_own(season):
    html = page(season.other_manager).content.decode()

    assert [row[1:] for row in table(html, "collection")] == [["¥999.00", "¥999.00", "100.0%"]]
    assert "东楼" not in html and "0002" not in html


def test_a_clerk_is_refused(season):
    assert page(season.clerk).status_code == 403


def test_the_page_takes_the_same_queries_however_much_there_is(season, django_assert_num_queries):
    page(season.manager)  # warm: content types
    client = Client()
    client.force_login(season.manager)
    with django_assert_num_queries(14) as few:
        client.get("/company/")
    route = RouteFactory(company=season.company, code="R3")
    for n in range(25):
        building = BuildingFactory(company=season.company, code=f"N{n:02d}", route=route)
        account = make_account(company=season.company, premises__building=building)
        charge(account, "100.00")
        pay(account, "50.00")
    assert LedgerEntry.objects.count() > 60

    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/company/")
