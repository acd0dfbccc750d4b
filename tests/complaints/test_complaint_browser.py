"""One cold flat from complaint to confirmation in a browser at 360×740: the household files it from
我的供暖 with a photo, the company's clerk assigns it, records a room temperature below the minimum and
answers it, the public-utilities administration lands on its figures and chart, and the household
confirms and rates the answer. Every page fits the phone, sends no CSP violation, has 44 px targets
and nothing axe calls serious or critical."""

import pytest

from heating.models import Complaint
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import on_a_phone, sign_in
from tests.test_calculator_page import load_policy_2019
from tests.uploads import PNG

from .conftest import build_people


@pytest.fixture
def committed_people(transactional_db, settings, tmp_path):
    """Committed, not in a rollback: the live server reads from another thread."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    return build_people()


@pytest.mark.browser
def test_a_cold_flat_from_complaint_to_confirmation_on_a_phone(
    live_server, committed_people, page, axe_source, tmp_path
):
    people = committed_people
    on_a_phone(page)
    photo = tmp_path / "暖气片.png"
    photo.write_bytes(PNG)

    sign_in(page, live_server, people.resident)
    page.goto(f"{live_server.url}/me/")
    page.get_by_role("link", name="投诉报修（室温、漏水、账单等）").click()
    page.wait_for_url("**/complaints/new/**")
    problems = problems_on(page, "new", axe_source)
    page.get_by_label("类别").select_option("cold")
    page.get_by_label("情况说明").fill("主卧室只有 15 度，已经三天了。")
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/complaints/*/")
    assert page.locator("#complaint-state").inner_text() == "待受理"
    assert "暖气片.png" in page.locator("#complaint-photos").inner_text()
    problems += problems_on(page, "complaint (filed)", axe_source)
    complaint_url = page.url
    page.context.clear_cookies()

    sign_in(page, live_server, people.clerk)
    page.goto(f"{live_server.url}/company/complaints/")
    problems += problems_on(page, "company queue", axe_source)
    page.get_by_role("link", name=people.home.number).click()
    page.wait_for_url("**/company/complaints/*/")
    problems += problems_on(page, "company complaint", axe_source)
    page.get_by_label("承办人").select_option(label="王师傅")
    page.get_by_role("button", name="派单").click()
    page.get_by_label("室温（°C）").fill("16.5")
    page.get_by_label("测温位置").fill("主卧室中央，距地面 1.5 米")
    page.get_by_role("button", name="记录室温").click()
    page.wait_for_selector("#measurements li")
    assert "低于 18.0 °C" in page.locator("#measurements").inner_text()
    page.get_by_label("处理情况").fill("已为暖气片排气并调节单元阀门，复测主卧室 19.5 度。")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_url("**/company/complaints/")
    page.context.clear_cookies()

    sign_in(page, live_server, people.utilities)
    page.goto(f"{live_server.url}/start/")
    page.wait_for_url("**/bureau/complaints/")
    assert page.locator("#cold").is_visible()
    problems += problems_on(page, "oversight", axe_source)
    page.context.clear_cookies()

    sign_in(page, live_server, people.resident)
    page.goto(complaint_url)
    assert page.locator("#complaint-state").inner_text() == "已处理，待确认"
    assert "复测主卧室 19.5 度" in page.locator("#complaint-answer").inner_text()
    problems += problems_on(page, "complaint (answered)", axe_source)
    page.get_by_label("对处理结果的评价").select_option("4")
    page.get_by_role("button", name="确认办结").click()
    page.wait_for_selector("#complaint-rating")
    assert page.locator("#complaint-state").inner_text() == "已办结"
    problems += problems_on(page, "complaint (confirmed)", axe_source)
    complaint = Complaint.objects.get()
    assert complaint.state == "confirmed" and complaint.rating == 4
    assert complaint.measurements.get().value == 16.5
    assert problems == [], "\n".join(problems)
