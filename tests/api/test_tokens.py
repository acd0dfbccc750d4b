"""API tokens: the company managers' pages (/company/tokens/) and how a token authenticates."""
import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.test import APIClient

from heating.api.auth import LAST_USED_RESOLUTION, CompanyTokenAuthentication, touch
from heating.models import ApiToken, Role
from heating.models.tokens import token_digest
from heating.views.tokens import NEW_KEY, NEW_KEY_SECONDS
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, MeterFactory

pytestmark = pytest.mark.django_db

LIST = reverse("tokens")
CREATE = reverse("token-create")


def revoke_url(token):
    return reverse("token-revoke", args=[token.pk])


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def manager(company):
    return MembershipFactory(organisation=company, role=Role.MANAGER).user


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def api_status(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/meters").status_code


# Pages ------------------------------------------------------------------------------------------


def test_manager_creates_a_token_shown_once(as_manager, company, manager):
    MeterFactory(company=company)

    created = as_manager.post(CREATE, {"name": "远传系统A"})

    # POST, redirect, GET: a refresh of the page reloads the list, it creates no second token.
    assert (created.status_code, created["Location"]) == (302, LIST)
    token = ApiToken.objects.get()
    response = as_manager.get(LIST)
    assert response.status_code == 200
    key = response.context["new_key"]
    assert response.context["new_token"] == token
    page = response.content.decode()
    assert page.count(key) == 1
    assert "只显示这一次" in page
    assert "no-store" in response["Cache-Control"]
    assert token.company == company and token.created_by == manager and token.name == "远传系统A"
    assert token.digest == token_digest(key) and token.prefix == key[:8]
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in v for v in stored)
    assert api_status(key) == 200

    listing = as_manager.get(LIST)
    assert listing.status_code == 200
    assert key not in listing.content.decode()
    assert "远传系统A" in listing.content.decode() and f"{token.prefix}…" in listing.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_new_key_never_travels_in_the_clear_outside_its_page(as_manager):
    created = as_manager.post(CREATE, {"name": "远传系统A"})
    kept = dict(as_manager.session)

    key = as_manager.get(LIST).context["new_key"]

    assert key not in created.content.decode() and key not in created["Location"]
    assert key not in repr(kept) and key not in str(as_manager.cookies)
    assert NEW_KEY not in as_manager.session  # taken when shown


def test_the_key_waits_only_a_few_minutes(as_manager, monkeypatch):
    as_manager.post(CREATE, {"name": "远传系统A"})
    later = time.time() + NEW_KEY_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = as_manager.get(LIST)

    assert response.context["new_key"] is None
    assert ApiToken.objects.count() == 1


def test_a_key_kept_for_another_company_is_not_shown(as_manager, company):
    as_manager.post(CREATE, {"name": "远传系统A"})
    ApiToken.objects.update(company=CompanyFactory())

    assert as_manager.get(LIST).context["new_key"] is None


def test_the_new_key_has_a_copy_button_and_no_inline_script(as_manager):
    as_manager.post(CREATE, {"name": "远传系统A"})

    page = as_manager.get(LIST).content.decode()

    assert re.search(r'<button type="button"[^>]*data-copy="new-key"', page)
    assert 'src="/static/js/copy_key.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    section = page[page.index('id="new-token"') :]
    section = section[: section.index("</section>")]
    assert not re.search(r"\son[a-z]+=", section), "inline event handler"


def test_a_token_needs_a_name(as_manager):
    response = as_manager.post(CREATE, {"name": "  "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_create_is_post_only(as_manager):
    assert as_manager.get(CREATE).status_code == 405
    assert not ApiToken.objects.exists()


def test_list_shows_only_the_companys_tokens(as_manager, company):
    ApiToken.issue(company=company, name="ours")
    ApiToken.issue(company=CompanyFactory(), name="theirs")

    response = as_manager.get(LIST)

    assert [t.name for t in response.context["tokens"]] == ["ours"]
    assert "theirs" not in response.content.decode()


def test_manager_revokes_after_confirming(as_manager, company):
    token, key = ApiToken.issue(company=company, name="old system")
    assert api_status(key) == 200

    confirm = as_manager.get(revoke_url(token))
    assert confirm.status_code == 200
    assert confirm.context["confirm_token"] == token
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking

    response = as_manager.post(revoke_url(token))

    assert response.status_code == 302 and response["Location"] == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_status(key) == 401


def test_revoking_twice_keeps_the_first_time(as_manager, company):
    token, _ = ApiToken.issue(company=company, name="t")
    as_manager.post(revoke_url(token))
    token.refresh_from_db()
    first = token.revoked_at

    assert as_manager.post(revoke_url(token)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == first


def test_another_companys_token_is_404(as_manager):
    theirs, key = ApiToken.issue(company=CompanyFactory(), name="theirs")

    assert as_manager.get(revoke_url(theirs)).status_code == 404
    assert as_manager.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api_status(key) == 200


@pytest.mark.parametrize("method", ["get_list", "create", "revoke"])
def test_a_clerk_gets_403(client, clerk, company, method):
    token, key = ApiToken.issue(company=company, name="t")
    client.force_login(clerk)

    response = {
        "get_list": lambda: client.get(LIST),
        "create": lambda: client.post(CREATE, {"name": "x"}),
        "revoke": lambda: client.post(revoke_url(token)),
    }[method]()

    assert response.status_code == 403
    assert ApiToken.objects.count() == 1
    assert api_status(key) == 200


def test_bureau_staff_get_403(client):
    officer = MembershipFactory(organisation=BureauFactory(), role=Role.MANAGER).user
    client.force_login(officer)

    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("url", [LIST, CREATE, "revoke"])
def test_anonymous_is_sent_to_login(client, company, url):
    token, _ = ApiToken.issue(company=company, name="t")
    url = revoke_url(token) if url == "revoke" else url

    response = client.post(url) if url != LIST else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


# Authentication ---------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(company, django_assert_num_queries):
    token, key = ApiToken.issue(company=company, name="t")
    auth = CompanyTokenAuthentication()

    with django_assert_num_queries(2):  # look-up, first use recorded
        _, found = auth.authenticate_key(key)
    first = ApiToken.objects.get().last_used_at
    assert first is not None and found == token

    with django_assert_num_queries(1):  # look-up only
        auth.authenticate_key(key)
    assert ApiToken.objects.get().last_used_at == first


def test_last_used_conditional_update_skips_a_fresh_concurrent_write(company):
    token, _ = ApiToken.issue(company=company, name="t")
    now = timezone.now()
    stale = ApiToken.objects.get()  # loaded before another request recorded its use
    ApiToken.objects.update(last_used_at=now)

    touch(stale, now=now + datetime.timedelta(seconds=5))

    assert ApiToken.objects.get().last_used_at == now
    touch(stale, now=now + LAST_USED_RESOLUTION + datetime.timedelta(seconds=1))
    assert ApiToken.objects.get().last_used_at == now + LAST_USED_RESOLUTION + datetime.timedelta(seconds=1)


def test_a_token_of_a_non_company_is_refused():
    _, key = ApiToken.issue(company=BureauFactory(), name="misissued")

    assert api_status(key) == 401


def test_the_user_is_anonymous_and_auth_is_the_token(company, rf):
    token, key = ApiToken.issue(company=company, name="t")
    request = rf.get("/", HTTP_AUTHORIZATION=f"Token {key}")

    user, auth = CompanyTokenAuthentication().authenticate(request)

    assert not user.is_authenticated
    assert auth == token and auth.company == company


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_copy_button_copies_the_new_key(live_server, page, company):
    MembershipFactory(organisation=company, role=Role.MANAGER, user__username="boss")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(live_server.url + reverse("login") + "?next=" + LIST)
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "pw")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/company/tokens/$"))
    page.fill("#token-name", "远传系统A")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/company/tokens/$"))

    key = page.locator("#new-key").input_value()
    page.get_by_role("button", name="复制").click()

    expect(page.locator("#copy-status")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == key
    page.reload()  # POST/redirect/GET: a refresh shows the list, creates nothing, shows no key
    expect(page.locator("#new-key")).to_have_count(0)
    assert ApiToken.objects.count() == 1
