"""The token page right after a token is created, its key shown once, fits a phone too."""
import pytest

from tests.pages.test_phone import PHONE, WIDEST, sign_in


@pytest.mark.browser
def test_the_page_showing_a_new_key_fits_a_phone(live_server, committed_county, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, committed_county.manager)
    page.goto(live_server.url + "/company/tokens/")
    page.fill("input[name=name]", "远传抄表系统")
    page.click("form[action$='/tokens/new/'] button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#new-key").is_visible()

    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, page.evaluate(WIDEST)
