"""One application from request to decision in a browser at 360×740: the school's contact applies from
/me/ with a document, the education bureau's officer lands on the queue, opens it and approves, the
contact sees it approved. No horizontal scroll, no CSP violation, nothing axe calls serious."""

import pytest

from heating.models import InstitutionApproval
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
def test_a_school_applies_and_the_education_bureau_approves_on_a_phone(
    live_server, committed_county, page, axe_source, tmp_path
):
    county = committed_county
    on_a_phone(page)
    document = tmp_path / "licence.pdf"
    document.write_bytes(PDF)

    sign_in(page, live_server, county.contact)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("link", name="单位自用房屋申请执行居民价格").click()
    page.wait_for_url("**/institutions/")
    problems = problems_on(page, "list", axe_source)
    page.get_by_role("link", name="申请执行居民价格").click()
    page.wait_for_url("**/institutions/new/DEMO1/S1001/")
    problems += problems_on(page, "apply", axe_source)
    page.get_by_label("单位类别").select_option("school")
    page.get_by_label("自用面积说明").fill("教学楼和办公楼共 1000 平方米，全部自用。")
    page.get_by_label("证明材料").set_input_files(str(document))
    page.locator("#apply-form").get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/institutions/*/")
    assert "待审定" in page.locator("#application-state").inner_text()
    problems += problems_on(page, "applied", axe_source)

    page.context.clear_cookies()
    sign_in(page, live_server, county.education)
    page.goto(f"{live_server.url}/start/")
    page.wait_for_url("**/bureau/institutions/")
    problems += problems_on(page, "queue", axe_source)
    page.locator("#pending").get_by_role("link").first.click()
    page.wait_for_url("**/bureau/institutions/*/")
    assert "licence.pdf" in page.locator("#application-documents").inner_text()
    problems += problems_on(page, "detail", axe_source)
    page.get_by_role("button", name="作出审定").click()
    page.wait_for_url("**/bureau/institutions/")
    assert InstitutionApproval.objects.get().status == Decision.APPROVED

    page.context.clear_cookies()
    sign_in(page, live_server, county.contact)
    page.goto(f"{live_server.url}/institutions/")
    assert "已批准" in page.locator("#applications").inner_text()
    problems += problems_on(page, "decided", axe_source)
    assert problems == []
