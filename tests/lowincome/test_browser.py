"""One application from request to approval in a browser at 360×740: the household applies from
/me/ with a scan, the civil-affairs officer opens it from the queue and approves, the household's /me/
shows it approved. No horizontal scroll, no CSP violation, nothing axe calls serious."""

import pytest

from heating.models import LowIncomeCertificate
from heating.models.accounts import Decision
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import on_a_phone, sign_in
from tests.uploads import PDF

from .conftest import build_county


@pytest.fixture
def committed_county(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_county()


@pytest.mark.browser
def test_a_household_applies_and_the_bureau_approves_on_a_phone(
    live_server, committed_county, page, axe_source, tmp_path
):
    county = committed_county
    on_a_phone(page)
    scan = tmp_path / "cert.pdf"
    scan.write_bytes(PDF)

    sign_in(page, live_server, county.resident)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("link", name="申请困难群体收费（低保、特困）").click()
    page.wait_for_url("**/me/low-income/")
    problems = problems_on(page, "apply", axe_source)
    page.get_by_label("证件编号").fill("DB2019-0042")
    page.get_by_label("有效期起").fill("2019-01-01")
    page.get_by_label("证件扫描件或照片").set_input_files(str(scan))
    page.locator("#apply").get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/me/low-income/")
    assert "待审定" in page.locator("#applications").inner_text()
    problems += problems_on(page, "applied", axe_source)

    page.context.clear_cookies()
    sign_in(page, live_server, county.officer)
    page.goto(f"{live_server.url}/start/")
    page.wait_for_url("**/bureau/low-income/")
    problems += problems_on(page, "queue", axe_source)
    page.locator("#pending").get_by_role("link").first.click()
    page.wait_for_url("**/bureau/low-income/*/")
    assert "DB2019-0042" in page.content()
    problems += problems_on(page, "detail", axe_source)
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_url("**/bureau/low-income/")
    assert LowIncomeCertificate.objects.get().status == Decision.APPROVED

    page.context.clear_cookies()
    sign_in(page, live_server, county.resident)
    page.goto(f"{live_server.url}/me/")
    assert "已批准" in page.locator(f"#low-income-{county.home.pk}").inner_text()
    problems += problems_on(page, "me", axe_source)
    assert problems == []
