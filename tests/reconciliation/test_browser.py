"""The reconciliation pages at phone width: a manager uploads a statement, previews it, confirms it,
and resolves a difference on the day's page; every page fits 360 px, keeps the CSP, and axe finds no
serious or critical violation."""

import pytest

from heating.models import Mismatch, Role
from tests.factories import CompanyFactory, MembershipFactory, make_account
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, sign_in
from tests.reconciliation.helpers import FORMATS, generated_day
from tests.refunds.test_refund_phone import check


@pytest.fixture
def reconciling(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    company = CompanyFactory(name="沂源县鑫源热力有限公司城区第二供热站")
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    day = generated_day("wechat", [make_account(company=company) for _ in range(8)])
    path = tmp_path / "wechat-2025-12-01.csv"
    path.write_bytes(FORMATS["wechat"](day.trades))
    return manager, path


@pytest.mark.browser
def test_the_reconciliation_pages_fit_a_phone_and_resolve_a_difference(
    live_server, reconciling, page, axe_source
):
    manager, path = reconciling
    page.set_viewport_size(PHONE)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, manager)
    problems = []

    def audit(where):
        problems.extend(check(page, where))
        page.evaluate(axe_source)
        problems.extend(page.evaluate(AXE_RUN))

    page.goto(live_server.url + "/company/reconciliation/")
    audit("list")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit] >> text=/上传并预览|Upload/")
    page.wait_for_load_state("load")
    assert page.locator("#statement-summary").count() == 1
    audit("preview")
    page.click("button[type=submit] >> text=/确认导入|Confirm|Import/")
    page.wait_for_load_state("load")
    page.click("a.button >> text=/查看并处理差异|resolve/")
    page.wait_for_load_state("load")
    audit("day")
    first = page.locator("#mismatches > li").first
    first.locator("input[name=reason]").fill("已核实")
    first.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert Mismatch.objects.filter(resolved_at__isnull=False).count() == 1
    audit("day after")
    assert problems == []
