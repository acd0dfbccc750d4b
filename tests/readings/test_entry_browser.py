"""The keyboard entry page in Chromium: a clerk enters a route's readings without the mouse."""

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from heating.models import Reading
from tests.factories import CompanyFactory, ReadingFactory, RouteFactory

from .helpers import PREVIOUS, building_with_meters, staff

# Playwright's sync API keeps an event loop in the main thread (the root conftest sets this too).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def route_meters(transactional_db):
    """Route R02 (two buildings, three meters at 100 GJ) next to another route R01 of the same company."""
    company = CompanyFactory()
    staff(company, "clerk")
    RouteFactory(company=company, code="R01", name="西线")
    route = RouteFactory(company=company, code="R02", name="东线")
    _, first = building_with_meters(company, 2, route=route, route_order=1, code="B1")
    _, second = building_with_meters(company, 1, route=route, route_order=2, code="B2")
    return route, first + second


def log_in_and_open_the_route(page, live_server):
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_viewport_size({"width": 1400, "height": 800})
    page.goto(live_server.url + reverse("login") + "?next=" + reverse("reading-entry"))
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "pw")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/company/readings/entry/$"))

    # The route select has the focus; type-ahead picks "R02 东线", Tab reaches its button.
    expect(page.locator("#pick-route")).to_be_focused()
    page.keyboard.type("R02")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?route=\d+$"))


def stored(meters):
    return sorted(
        Reading.objects.filter(meter__in=meters)
        .exclude(value_gj=PREVIOUS)
        .values_list("meter__serial", "value_gj")
    )


def test_a_clerk_enters_a_route_with_the_keyboard_and_a_low_value_stops_the_save(
    live_server, page, route_meters
):
    route, meters = route_meters
    log_in_and_open_the_route(page, live_server)

    rows = page.locator("table.entry tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-serial") for i in range(3)] == [m.serial for m in meters]
    expect(rows.nth(0).locator("input.value")).to_be_focused()

    page.keyboard.type("112.5")
    expect(rows.nth(0).locator(".use")).to_have_text("+12.5")
    page.keyboard.press("Enter")
    page.keyboard.type("98.2")  # below the previous 100 GJ
    page.keyboard.press("Tab")
    page.keyboard.type("104")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bbad\b"))
    expect(rows.nth(1).locator(".note")).to_have_text("低于上次读数 100.0 GJ")
    expect(rows.nth(1).locator(".use")).to_have_text("-1.8")
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\bbad\b"))

    page.keyboard.press("Control+Enter")

    expect(page.locator("#summary")).to_have_text("有 1 行需要改正，未保存任何读数")
    expect(rows.nth(1).locator("input.value")).to_be_focused()
    page.screenshot(path="/tmp/entry.png", full_page=True)
    assert stored(meters) == []

    page.keyboard.type("102.25")  # the focused value is selected: typing replaces it
    expect(rows.nth(1)).not_to_have_class(re.compile(r"\bbad\b"))
    page.keyboard.press("Control+Enter")

    expect(page.locator("#summary")).to_have_text("已保存 3 条读数")
    for i, value in enumerate(["112.5", "102.25", "104.0"]):
        expect(rows.nth(i).locator(".note")).to_have_text("已保存")
        expect(rows.nth(i).locator(".prev-value")).to_have_text(value)
        expect(rows.nth(i).locator("input.value")).to_have_value("")
    page.screenshot(path="/tmp/entry-saved.png", full_page=True)
    assert stored(meters) == sorted(
        [
            (meters[0].serial, Decimal("112.5")),
            (meters[1].serial, Decimal("102.25")),
            (meters[2].serial, Decimal("104")),
        ]
    )
    assert set(Reading.objects.filter(meter__in=meters).values_list("source", flat=True)) == {"manual"}


def test_the_servers_refusal_is_shown_per_row_and_nothing_is_written(live_server, page, route_meters):
    route, meters = route_meters
    log_in_and_open_the_route(page, live_server)
    rows = page.locator("table.entry tbody tr")
    # Someone else reads the second meter after this page was loaded: the page still shows 100 GJ.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    later = ReadingFactory(meter=meters[1], value_gj=Decimal("150"), read_at=an_hour_ago)

    page.keyboard.type("101")
    page.keyboard.press("Enter")
    page.keyboard.type("120")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the third row stays empty: it is skipped
    expect(page.locator("#save")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#summary")).to_have_text("保存被拒绝，未写入任何读数：请改正标红的行")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bbad\b"))
    # The server's words, not the page's own check ("低于上次读数 …"): it knows the later reading.
    shown = timezone.localtime(later.read_at).strftime("%Y-%m-%d %H:%M")
    expect(rows.nth(1).locator(".note")).to_have_text(f"低于此前 {shown} 的读数 150.0 GJ")
    expect(rows.nth(0).locator(".note")).to_have_text("未保存")
    assert stored(meters) == [(meters[1].serial, Decimal("150"))]


def test_a_huge_jump_is_warned_about_and_saved_for_review(live_server, page, route_meters):
    route, meters = route_meters
    log_in_and_open_the_route(page, live_server)
    rows = page.locator("table.entry tbody tr")

    page.keyboard.type("900")
    page.keyboard.press("Enter")  # leaving the row asks the rules

    expect(rows.nth(0)).to_have_class(re.compile(r"\bwarn\b"))
    expect(rows.nth(0).locator(".note")).to_have_text("用热量异常偏高")
    page.keyboard.press("Control+Enter")
    expect(rows.nth(0).locator(".note")).to_have_text("已保存，待复核")
    assert Reading.objects.get(meter=meters[0], value_gj=900).status == Reading.Status.FLAGGED



def test_saving_while_another_row_is_bad_keeps_the_servers_warning(live_server, page, route_meters):
    route, meters = route_meters
    log_in_and_open_the_route(page, live_server)
    rows = page.locator("table.entry tbody tr")

    page.keyboard.type("900")
    page.keyboard.press("Enter")  # leaving the row asks the rules: implausible
    expect(rows.nth(0).locator(".note")).to_have_text("用热量异常偏高")
    page.keyboard.type("98")  # below the previous 100 GJ
    page.keyboard.press("Control+Enter")

    expect(page.locator("#summary")).to_have_text("有 1 行需要改正，未保存任何读数")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bbad\b"))
    expect(rows.nth(0)).to_have_class(re.compile(r"\bwarn\b"))
    expect(rows.nth(0).locator(".note")).to_have_text("用热量异常偏高")

    # A changed value drops the old verdict until the rules have looked again.
    rows.nth(0).locator("input.value").fill("101")
    expect(rows.nth(0).locator(".note")).to_have_text("")
    assert stored(meters) == []


@pytest.fixture
def long_route(transactional_db):
    """Route R02 with 89 meters in three buildings, as a clerk walks it."""
    company = CompanyFactory()
    staff(company, "clerk")
    route = RouteFactory(company=company, code="R02", name="长线")
    meters = []
    for order, count in enumerate((30, 30, 29), start=1):
        meters += building_with_meters(company, count, route=route, route_order=order, code=f"B{order}")[1]
    return route, meters


def test_after_saving_a_long_route_the_summary_is_in_view_at_the_top(live_server, page, long_route):
    route, meters = long_route
    log_in_and_open_the_route(page, live_server)
    rows = page.locator("table.entry tbody tr")
    expect(rows).to_have_count(89)

    page.keyboard.type("101")
    last = rows.nth(88).locator("input.value")
    last.focus()  # the bottom of the page, where the save button is
    page.keyboard.type("102")
    page.keyboard.press("Control+Enter")

    expect(page.locator("#summary")).to_have_text("已保存 2 条读数")
    expect(rows.nth(0).locator("input.value")).to_be_focused()
    expect(page.locator("#summary-top")).to_have_text("已保存 2 条读数")
    expect(page.locator("#summary-top")).to_be_in_viewport()
    assert len(stored(meters)) == 2
