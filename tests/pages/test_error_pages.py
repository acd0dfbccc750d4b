"""Every error page is in the portal's layout and the visitor's language, with a way back."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

LAYOUT = ('<meta name="viewport"', '<header class="top">', 'href="/"', "<footer>")


def in_layout(html):
    return all(part in html for part in LAYOUT)


@pytest.mark.parametrize(
    "accept_language, words", [("zh-CN,zh;q=0.9", "找不到这个页面"), ("en-US,en;q=0.9", "Page not found")]
)
def test_404_is_in_the_layout_and_language(client, db, accept_language, words):
    response = client.get("/no-such-page/", headers={"Accept-Language": accept_language})

    assert response.status_code == 404
    html = response.content.decode()
    assert in_layout(html) and words in html


def test_403_is_in_the_layout_and_chinese(county):
    client = Client()
    client.force_login(county.clerk)  # a clerk, not a manager

    response = client.get("/company/tokens/")

    assert response.status_code == 403
    html = response.content.decode()
    assert in_layout(html) and "无权访问" in html and '<html lang="zh-hans">' in html
    assert "王丽" in html  # the signed-in user's layout, not a bare page


def test_403_is_logged_in_one_line_without_a_traceback(county, caplog):
    client = Client()
    client.force_login(county.clerk)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/company/tokens/")

    [record] = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_405_has_a_page_and_keeps_its_allow_header(county):
    client = Client()
    client.force_login(county.manager)

    response = client.get("/company/tokens/new/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert in_layout(html) and "只接受表单提交" in html


def test_an_api_405_stays_json(client, db):
    response = client.get("/api/v1/quote")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_400_is_in_the_layout(db):
    client = Client(raise_request_exception=False)

    response = client.get("/", headers={"host": "not-ours.example"})  # DisallowedHost: a 400

    assert response.status_code == 400
    html = response.content.decode()
    assert in_layout(html) and "请求有误" in html


def test_a_csrf_failure_says_to_reload_in_the_layout(county):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "clerk1", "password": "pw"})

    assert response.status_code == 403
    html = response.content.decode()
    assert in_layout(html) and "页面已过期" in html and "刷新" in html


@pytest.mark.parametrize("language, words", [("zh-hans", "服务器出错了"), ("en", "Something went wrong")])
def test_500_needs_neither_the_database_nor_the_request_context(language, words):
    """No `db` fixture: any query here would fail the test."""
    request = RequestFactory().get("/")

    with translation.override(language):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert in_layout(html) and words in html
