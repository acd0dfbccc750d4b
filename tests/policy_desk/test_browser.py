"""Drafting and publishing a price policy in a browser at 360×740: the development-and-reform officer
lands on the desk, starts a draft from the policy in force, changes a price and writes the notice, is
told what is wrong in words, publishes, and the policy page shows it. No horizontal scroll, no CSP
violation, nothing axe calls serious."""

import pytest

from heating.models import PricePolicy
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import on_a_phone, sign_in
from tests.test_calculator_page import load_policy_2019

from .conftest import NOTICE, build_county


@pytest.fixture
def committed_county(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_policy_2019()  # a transactional test before this one may have flushed the migration's rows
    return build_county()


@pytest.mark.browser
def test_the_bureau_drafts_and_publishes_a_policy_on_a_phone(live_server, committed_county, page, axe_source):
    on_a_phone(page)
    sign_in(page, live_server, committed_county.officer)

    page.goto(f"{live_server.url}/start/")
    page.wait_for_url("**/bureau/prices/")
    problems = problems_on(page, "desk", axe_source)
    page.get_by_role("button", name="新建草稿（复制现行价格政策）").click()
    page.wait_for_url("**/bureau/prices/*/")
    assert page.get_by_label("居民面积价格（元/m²）", exact=True).input_value() == "21.00"
    problems += problems_on(page, "draft", axe_source)

    page.get_by_label("居民面积价格（元/m²）", exact=True).fill("-3")
    page.get_by_role("button", name="保存草稿").click()
    assert "应在 0 到 1000 之间" in page.locator("#draft").inner_text()
    problems += problems_on(page, "refused", axe_source)

    page.get_by_label("文号（通知编号）").fill("测试〔2021〕1号")
    page.get_by_label("居民面积价格（元/m²）", exact=True).fill("22.00")
    page.get_by_label("发文日期").fill("2021-10-20")
    page.get_by_label("通知原文").fill(NOTICE)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/bureau/prices/*/")
    assert "草稿已保存" in page.content()
    problems += problems_on(page, "saved", axe_source)

    page.get_by_role("button", name="发布这份价格政策").click()
    page.wait_for_url("**/bureau/prices/*/")
    assert "已发布" in page.locator("h1").inner_text()
    assert "修改记录" in page.content()
    problems += problems_on(page, "published", axe_source)
    policy = PricePolicy.objects.get(code="测试〔2021〕1号")
    assert policy.status == PricePolicy.Status.PUBLISHED and str(policy.residential_area_price) == "22.00"

    page.goto(f"{live_server.url}/policy/")
    assert "每平方米 ¥22.00，按套内建筑面积计费" in page.locator(f"#policy-{policy.pk}").inner_text()
    problems += problems_on(page, "policy page", axe_source)
    assert problems == []
