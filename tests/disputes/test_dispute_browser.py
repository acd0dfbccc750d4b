"""One dispute from request to decision in a browser at 360×740: the household files it from 我的供暖
with a document, the company's clerk answers it from the queue, the area-deciding bureau's officer
lands on its queue and upholds it, and the household reads the decision. Every page fits the phone,
sends no CSP violation, has 44 px targets and nothing axe calls serious."""

import pytest

from heating.models import AreaDecision
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import on_a_phone, sign_in
from tests.uploads import PDF

from .conftest import build_people


@pytest.fixture
def committed_people(transactional_db):
    """Committed, not in a rollback: the live server reads from another thread."""
    return build_people()


@pytest.mark.browser
def test_a_dispute_from_request_to_decision_on_a_phone(
    live_server, committed_people, page, axe_source, tmp_path
):
    people = committed_people
    on_a_phone(page)
    certificate = tmp_path / "房产证.pdf"
    certificate.write_bytes(PDF)

    sign_in(page, live_server, people.resident)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("link", name="对计费面积有异议").click()
    page.wait_for_url("**/disputes/new/**")
    problems = problems_on(page, "new", axe_source)
    assert page.get_by_label("部位 1 面积（m²）").input_value() == "80.00"
    page.get_by_label("部位 1 面积（m²）").fill("70.00")
    page.get_by_label("异议陈述").fill("房产证上的套内面积是 70 平方米。")
    page.get_by_label("证明材料").set_input_files(str(certificate))
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url("**/disputes/*/")
    assert page.locator("#dispute-state").inner_text() == "待企业答复"
    assert "房产证.pdf" in page.locator("#dispute-documents").inner_text()
    problems += problems_on(page, "dispute (filed)", axe_source)
    dispute_url = page.url
    page.context.clear_cookies()

    sign_in(page, live_server, people.clerk)
    page.goto(f"{live_server.url}/company/disputes/")
    problems += problems_on(page, "company queue", axe_source)
    page.get_by_role("link", name=f"{people.home.number}").click()
    page.get_by_label("企业答复").fill("登记面积按测绘报告 80 平方米。")
    problems += problems_on(page, "answer", axe_source)
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_url("**/company/disputes/")
    page.context.clear_cookies()

    sign_in(page, live_server, people.officer)
    page.goto(f"{live_server.url}/start/")
    page.wait_for_url("**/bureau/disputes/")
    problems += problems_on(page, "bureau queue", axe_source)
    page.locator("#awaiting").get_by_role("link").click()
    page.get_by_label("认定计费面积（m²）").fill("70.00")
    page.get_by_label("认定文号").fill("源住建认〔2020〕3号")
    page.get_by_label("理由").fill("以房产证为准。")
    problems += problems_on(page, "decide", axe_source)
    page.get_by_role("button", name="作出认定").click()
    page.wait_for_url("**/bureau/disputes/")
    assert "已认定（支持）" in page.locator("#decided").inner_text()
    page.context.clear_cookies()

    sign_in(page, live_server, people.resident)
    page.goto(dispute_url)
    assert page.locator("#dispute-state").inner_text() == "已认定（支持）"
    assert "计费面积为 70.00 m²" in page.locator("#dispute-decision").inner_text()
    problems += problems_on(page, "dispute (decided)", axe_source)
    assert AreaDecision.objects.get(account=people.home).area == 70
    assert problems == [], "\n".join(problems)
