"""Each role lands where its work is; the home page promises what exists; the navigation says where
you are."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from heating.models import ApiToken, ImportBatch, Reading
from heating.models.policy import season_days, season_name
from heating.selectors.overview import current_season
from tests.factories import ReadingFactory


def sign_in(user):
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": "pw"}, follow=True)
    return client, response


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("clerk", "/company/counter/"),
        ("manager", "/company/"),
        ("officer", "/bureau/"),
        ("resident", "/me/"),
    ],
)
def test_after_signing_in_each_role_lands_on_its_work(county, who, lands_on):
    _client, response = sign_in(getattr(county, who))

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == lands_on


def test_a_next_address_still_wins(county):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/company/imports/",
        {"username": "manager1", "password": "pw", "next": "/company/imports/"},
    )

    assert response["Location"] == "/company/imports/"


def figures(html):
    return [int(re.search(rf'id="season-{name}">\s*(\d+)<', html)[1]) for name in ("readings", "flagged")]


def test_the_overview_counts_this_seasons_readings_and_flags(county):
    client = Client()
    client.force_login(county.manager)
    season = current_season(timezone.localdate())
    page = f"/company/?season={season_name(season)}"
    before = figures(client.get(page).content.decode())
    first_day = season_days(season)[0]
    noon = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(12)))
    for status, at in [
        (Reading.Status.VALID, noon),
        (Reading.Status.FLAGGED, noon + datetime.timedelta(hours=1)),
        (Reading.Status.VOID, noon + datetime.timedelta(hours=2)),
        (Reading.Status.FLAGGED, noon - datetime.timedelta(days=200)),  # the season before
    ]:
        void_reason = "抄错" if status == Reading.Status.VOID else ""
        ReadingFactory(
            meter=county.meter, read_at=at, status=status, value_gj=Decimal("1"), void_reason=void_reason
        )

    after = figures(client.get(page).content.decode())

    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1]


def test_the_overview_shows_the_imports_and_tokens(county):
    client, response = sign_in(county.manager)

    html = response.content.decode()
    assert county.refused.file_name in html and "王丽" in html and "刘志强" in html
    assert county.token.name in html and county.token.prefix in html


def test_the_overview_takes_the_same_queries_however_much_there_is(county, django_assert_num_queries):
    client = Client()
    client.force_login(county.manager)
    client.get("/company/")  # warm: session, content types
    # Session, user, membership; the default season; the readings, imports and tokens; the season's
    # collection, routes, unsettled accounts (count and list), refunds, today's takings and the recent
    # days' reconciliations.
    with django_assert_num_queries(14) as few:
        client.get("/company/")
    for n in range(10):
        ImportBatch.objects.create(
            company=county.company,
            kind=ImportBatch.Kind.READINGS,
            status=ImportBatch.Status.COMMITTED,
            file_name=f"r{n}.csv",
            file_sha256="0" * 64,
            created_by=county.clerk,
        )
        ApiToken.issue(company=county.company, name=f"系统{n}", created_by=county.manager)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/company/")


@pytest.mark.parametrize(
    "who, path", [("clerk", "/company/"), ("resident", "/bureau/"), ("clerk", "/bureau/")]
)
def test_a_landing_page_is_only_for_its_role(county, who, path):
    client = Client()
    client.force_login(getattr(county, who))

    assert client.get(path).status_code == 403


def test_the_bureau_inbox_says_in_words_that_nothing_awaits_yet(county):
    client, response = sign_in(county.officer)

    html = response.content.decode()
    assert "目前没有等待您处理的事项" in html
    assert 'href="/bureau/" aria-current="page"' in html


def test_the_home_page_promises_only_what_exists(client, db):
    html = client.get("/").content.decode()

    hero = html[html.index('<section class="hero">') : html.index("</section>")]
    for missing in ("查询账单", "下载结算单", "申请困难群体优惠"):
        assert missing not in hero
    assert 'href="/calculator/"' in hero and 'href="/accounts/login/"' in hero


@pytest.mark.parametrize(
    "path, link",
    [
        ("/company/imports/readings/", "/company/imports/"),
        ("/company/readings/review/", "/company/readings/review/"),
    ],
)
def test_the_navigation_marks_the_current_page(county, path, link):
    client = Client()
    client.force_login(county.manager)

    nav = re.search(r"<nav [^>]*>(.*?)</nav>", client.get(path).content.decode(), re.S)[1]

    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [link]


def test_the_api_docs_link_is_in_the_footer_not_the_navigation(client, db):
    html = client.get("/calculator/").content.decode()

    nav = re.search(r"<nav [^>]*>(.*?)</nav>", html, re.S)[1]
    footer = html[html.index("<footer>") :]
    assert 'href="/api/docs/"' not in nav and 'href="/api/docs/"' in footer
