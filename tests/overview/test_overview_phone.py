"""The overview's charts at phone width: Chart.js (served from static/) draws each one inside the
screen, with no CSP violation, and axe finds nothing serious beside them."""

import pytest

from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, WIDEST, sign_in

CHARTS = """() => ["collection-chart", "routes-chart", "takings-chart"].map((id) => {
  const canvas = document.getElementById(id);
  const box = canvas.getBoundingClientRect();
  return [id, Boolean(Chart.getChart(canvas)), box.width > 100 && box.height > 100, box.right <= innerWidth];
})"""


@pytest.mark.browser
def test_the_charts_are_drawn_within_a_phone_screen(live_server, committed_season, page, axe_source):
    page.set_viewport_size(PHONE)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, committed_season.manager)
    page.goto(live_server.url + "/company/?season=2019-2020")
    page.wait_for_load_state("load")

    assert page.evaluate(CHARTS) == [
        ["collection-chart", True, True, True],
        ["routes-chart", True, True, True],
        ["takings-chart", True, True, True],
    ]
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], page.evaluate(WIDEST)
    assert page.evaluate("window.__csp") == []
    page.evaluate(axe_source)
    assert page.evaluate(AXE_RUN) == []
