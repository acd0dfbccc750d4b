"""templates/heating/resident/_heat_use.html rendered on its own, as a bill page includes it."""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from heating.selectors.heat_use import heat_use

from .helpers import SEASON, building, home, settled_neighbours
from .test_selector import metered_home  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PARTIAL = "heating/resident/_heat_use.html"


def render(result, language="zh-hans"):
    with translation.override(language):
        return render_to_string(PARTIAL, {"heat_use": result})


def words(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def rows(html):
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [words(row).split() for row in body.split("</tr>")[:-1]]


def test_a_metered_home_gets_a_table_the_chart_data_and_the_scripts(metered_home):  # noqa: F811
    settled_neighbours(metered_home.company, metered_home.premises.building, heats=("20", "25", "30"))
    html = render(heat_use(metered_home, SEASON))

    serial = metered_home.meters.get().serial
    assert rows(html)[0] == [
        *("2019-11-15", "–", "2019-12-15"),
        *("表", f"{serial}：读数", "1000.00", "→", "1010.50", "（含估抄或自报读数）"),
        *("10.50", "9.00"),
    ]
    assert [row[-2:] for row in rows(html)] == [["10.50", "9.00"], ["14.50", "15.50"], ["15.00", "25.50"]]
    assert "本季各次抄表之间共用热 40.00 GJ（3 个抄表区间）。" in words(html)
    assert "去年同期用热 50.00 GJ。" in words(html)
    assert "同楼栋其他 3 户计量住户本季平均每平方米用热 0.250 GJ，" in words(html)
    assert "按您家计费面积 100.00 m² 折合 25.00 GJ。" in words(html)
    assert 'role="img" aria-label="各抄表区间的用热量与去年同期对比图表，数据见下表"' in html
    data = json.loads(re.search(r'<script id="heat-use-data" type="application/json">(.*?)<', html)[1])
    assert data["labels"] == ["11-15–12-15", "12-15–01-15", "01-15–03-15"]
    assert [float(v) for v in data["this"]] == [10.5, 14.5, 15]
    assert [float(v) for v in data["last"]] == [9, 15.5, 25.5]
    assert data["totals"]["labels"] == ["本季", "去年同期", "同楼栋平均（按您家面积）"]
    assert [float(v) for v in data["totals"]["values"]] == [40, 50, 25]
    assert re.findall(r'<script src="([^"]+)" defer>', html) == [
        "/static/vendor/chart.umd.min.js",
        "/static/js/heat_use_chart.js",
    ]
    # The strict CSP: no inline script or style.
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    assert "style=" not in html


def test_the_partial_speaks_english(metered_home):  # noqa: F811
    html = render(heat_use(metered_home, SEASON), "en")
    assert "Heat use" in html
    assert "Last season, same dates" in html
    assert not re.search(r"[\u4e00-\u9fff]", words(html))


def test_a_home_with_no_readings_yet_says_so_and_draws_nothing():
    company, block = building()
    html = render(heat_use(home(company, block), SEASON))
    assert "本季还没有有效的抄表读数。" in words(html)
    assert "<canvas" not in html and "<script" not in html and "<table" not in html


def test_an_area_billed_home_sees_the_estimate_in_words():
    company, block = building()
    settled_neighbours(company, block, heats=("20", "25", "30"))
    html = render(heat_use(home(company, block, area="80.00", metered=False), SEASON))
    text = words(html)
    assert "估算" in text and "这只是估算，不是账单" in text
    assert "本季应缴 ¥1680.00" in text and "约应缴 ¥900.00" in text and "折合 20.00 GJ" in text
    assert "<canvas" not in html and "<script" not in html


def test_an_area_billed_home_without_metered_neighbours_gets_no_estimate():
    company, block = building()
    html = render(heat_use(home(company, block, metered=False), SEASON))
    assert "暂时无法估算" in words(html)
    assert "¥" not in html


def test_nothing_renders_without_facts_or_without_a_heat_use():
    company, block = building()
    assert render(heat_use(home(company, block, from_year=2020), SEASON)).strip() == ""
    assert render(None).strip() == ""
