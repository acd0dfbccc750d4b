"""The Content-Security-Policy: sent on every page, no inline script or style allowed, and none needed."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A <script> without src that is not a data block (json_script's type="application/json" is inert).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


@pytest.mark.parametrize("path", ["/", "/calculator/", "/accounts/login/", "/api/docs/", "/no-such-page/"])
def test_every_page_sends_a_policy_without_unsafe_inline(client, db, path):
    policy = client.get(path)["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_handlers_or_styles(template):
    text = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_HANDLER.search(text)
    assert not INLINE_STYLE.search(text)


def test_the_api_docs_load_their_start_up_script_from_a_url(db):
    client = Client()
    html = client.get("/api/docs/").content.decode()

    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.browser
def test_swagger_ui_runs_under_the_policy(live_server, transactional_db, page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server.url + "/api/docs/")

    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 3
    assert violations == []


@pytest.mark.browser
def test_the_admin_runs_under_the_policy(live_server, committed_county, page):
    from tests.factories import UserFactory
    from tests.pages.test_phone import LISTEN, sign_in

    sign_in(page, live_server, UserFactory(username="root", is_staff=True, is_superuser=True))
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    seen = {}
    for path in (
        "/admin/",
        "/admin/heating/reading/",
        f"/admin/heating/reading/{committed_county.flagged.pk}/change/",
        "/admin/heating/account/add/",
    ):
        page.goto(live_server.url + path)
        seen[path] = page.evaluate("window.__csp") + console[:]
        console.clear()

    assert seen == {path: [] for path in seen}
