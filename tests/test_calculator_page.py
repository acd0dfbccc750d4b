"""The calculator page at /calculator/: a form over POST /api/v1/quote, public, in Chinese and English."""
import datetime
import importlib
import os
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from heating.billing import PART_KINDS, PRICE_CLASSES

# Playwright's sync API keeps an event loop in the main thread (the root conftest sets this too).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

URL = "/calculator/"
POLICY_2019 = "源政办字〔2019〕54号"


def load_policy_2019():
    """The 2019 notice as its migration loads it, even after a transactional test flushed the tables."""
    importlib.import_module("heating.migrations.0002_policy_2019").load(apps, None)


@pytest.fixture
def policy_2019(db):
    load_policy_2019()


@pytest.fixture
def committed_policy_2019(transactional_db):
    """For the live server, which reads the database from another thread: committed, not in a rollback."""
    load_policy_2019()
    cache.clear()  # the quote's throttle


# --- the page as HTML -----------------------------------------------------------------------------


def test_the_page_is_public_and_chinese_by_default(client, policy_2019):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "供暖费计算器" in html
    assert "计费面积" in html and "应退费" in html
    assert re.search(r'<select name="season">\s*<option value="2020-2021">', html)  # the default season
    assert "Heating fee calculator" not in html


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_the_page_is_english_on_request(client, policy_2019, how):
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(URL)
    else:
        response = client.get(URL, headers={"Accept-Language": "en-US,en;q=0.9"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Heating fee calculator" in html
    assert "Billing area" in html and "Balance due" in html and "Prepayment" in html
    assert "Residential household" in html
    assert "Attic without a property certificate" in html
    for chinese in ("供暖费计算器", "计费面积", "应补缴", "添加部位"):
        assert chinese not in html


def test_the_language_switch_sets_the_cookie(client, policy_2019):
    response = client.post("/i18n/setlang/", {"language": "en", "next": URL})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Heating fee calculator" in client.get(URL).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_part_kind_price_class_and_method_is_offered(client, policy_2019, language):
    response = client.get(URL, headers={"Accept-Language": language})

    html = response.content.decode()
    kinds = re.findall(r'<option value="([a-z_]+)" data-residential="[01]">', html)
    assert kinds == list(PART_KINDS)
    assert re.findall(r'data-residential="([01])"', html) == ["0" if k == "building" else "1" for k in kinds]
    select = re.search(r'<select name="price_class">(.*?)</select>', html, re.S)[1]
    assert re.findall(r'<option value="([a-z_]+)">', select) == list(PRICE_CLASSES)
    method = re.search(r'<select name="method">(.*?)</select>', html, re.S)[1]
    assert re.findall(r'<option value="([a-z_]+)">', method) == ["area", "metered"]
    for name in ("season", "heat_gj", "exchangers", "low_income", "prepaid", "area"):
        assert f'name="{name}"' in html


def test_the_page_posts_to_the_quote_api_and_loads_its_script(client, policy_2019):
    html = client.get(URL).content.decode()

    assert 'data-url="/api/v1/quote"' in html
    assert re.search(r'<script src="/static/js/calculator\.js"></script>', html)


def test_the_page_needs_no_login_even_with_csrf_checks(policy_2019):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).get(URL)

    assert response.status_code == 200
    assert "/accounts/login/" not in response.get("Location", "")


def test_the_script_is_served(live_server, committed_policy_2019):
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/static/js/calculator.js") as response:
        body = response.read().decode()

    assert response.status == 200
    assert 'getElementById("quote")' in body


# --- the page in a browser ------------------------------------------------------------------------


def fill_metered_home(page, area, heat):
    page.select_option("select[name=price_class]", "residential")
    page.select_option("select[name=method]", "metered")
    page.fill("table.parts tbody tr:first-child input[name=area]", area)
    page.fill("input[name=heat_gj]", heat)
    page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.parametrize(
    "accept_language, heading, error_word",
    [("zh-CN,zh;q=0.9", "供暖费计算器", "十进制"), ("en-US,en;q=0.9", "Heating fee calculator", "decimal")],
    ids=["zh-hans", "en"],
)
def test_a_resident_gets_a_quote_and_sees_errors(
    live_server, committed_policy_2019, page, accept_language, heading, error_word
):
    scripts = []
    page.on("response", lambda r: scripts.append((r.url, r.status)) if r.url.endswith(".js") else None)
    page.set_extra_http_headers({"Accept-Language": accept_language})

    page.goto(live_server.url + URL)

    assert page.locator("h1").inner_text() == heading
    assert (live_server.url + "/static/js/calculator.js", 200) in scripts
    # The script adds the first part row and hides fields the chosen class/method do not take.
    assert page.locator("table.parts tbody tr").count() == 1
    assert page.locator("[data-for=metered]").is_hidden()

    fill_metered_home(page, "100", "20")

    page.locator("#result").wait_for(state="visible")
    assert page.locator("#r-amount_due").inner_text() == "¥900.00"
    assert page.locator("#r-refund").inner_text() == "¥1200.00"
    assert page.locator("#r-balance_due").inner_text() == "¥0.00"
    assert page.locator("#r-prepayment").inner_text() == "¥2100.00"
    assert page.locator("#r-billing_area").inner_text() == "100.00 m²"
    assert POLICY_2019 in page.locator("#result-policy").inner_text()
    assert page.locator("table.lines tbody tr").count() > 5
    assert page.locator("#errors").inner_text() == ""

    page.fill("table.parts tbody tr:first-child input[name=area]", "abc")
    page.click("button[type=submit]")

    # The message stands beside the area it is about, in words: no "parts.0.area:" anywhere.
    beside = page.locator("table.parts tbody tr:first-child [data-error-for=area]")
    beside.wait_for()
    assert error_word in beside.inner_text()
    area = page.locator("table.parts tbody tr:first-child input[name=area]")
    assert area.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + area.get_attribute("aria-describedby")).inner_text() == beside.inner_text()
    assert "parts." not in page.locator("main").inner_text()
    assert page.locator("#errors p").count() == 1  # only "correct the marked fields"
    assert page.locator("#result").is_hidden()


# --- what it asks and what it answers ------------------------------------------------------------


def season_options(html):
    select = re.search(r'<select name="season">(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="([0-9-]*)">', select)


def test_the_season_is_a_choice_of_the_seasons_that_have_a_policy(client, policy_2019):
    from tests.factories import PricePolicyFactory

    assert season_options(client.get(URL).content.decode()) == ["2020-2021", "2019-2020"]

    PricePolicyFactory(effective_from=datetime.date(2021, 11, 15), effective_until=datetime.date(2023, 11, 1))

    newest_first = ["2022-2023", "2021-2022", "2020-2021", "2019-2020"]
    assert season_options(client.get(URL).content.decode()) == newest_first


def test_with_no_policy_the_season_says_so(client, db):
    from heating.models import PricePolicy

    PricePolicy.objects.all().delete()

    html = client.get(URL).content.decode()
    assert season_options(html) == [""]
    assert "尚未载入价格政策" in html


def test_what_was_paid_and_what_the_rule_asks_are_told_apart(client, policy_2019):
    html = client.get(URL).content.decode()

    start = html.index('<form id="quote"')
    form = html[start : html.index("</form>", start)]
    result = html[html.index('<section id="result"') :]
    assert "已预交" in form and "应预交" not in form
    assert "应预交金额" in result and "已预交" not in result.split("</dl>")[0]
    for key in ("amount_due", "refund", "balance_due"):
        assert re.search(rf'<dd id="r-{key}" class="money key">', result)
    assert '<dd id="r-prepayment" class="money">' in result


@pytest.mark.browser
def test_on_a_phone_the_button_can_be_tapped_and_the_result_scrolls_into_view(
    live_server, committed_policy_2019, page
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + URL)

    page.select_option("select[name=season]", "2019-2020")
    page.fill("table.parts tbody tr:first-child input[name=area]", "100")
    page.click("button[type=submit]")

    page.locator("#result").wait_for(state="visible")
    assert "2019-2020" in page.locator("#result-policy").inner_text()
    top = page.evaluate("document.getElementById('result').getBoundingClientRect().top")
    assert 0 <= top < 740
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
