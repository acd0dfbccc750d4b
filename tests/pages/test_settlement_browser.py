"""In the browser, at phone width: a manager starts the season's settlement, the page shows the job's
bar and who started it, the bar survives a reload, and once the job is done the page shows the counts
and the exceptions with where to fix them; a change after settlement shows on the re-settlement page.
The job runs when the test says so (no worker takes it), so the page is seen while it waits."""

import pytest
from django.utils import timezone

from heating.models import Job, Role
from heating.services.jobs import job_run
from tests.factories import AreaDecisionFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.jobs.test_progress_page import fits_and_keeps_the_csp, sign_in
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE
from tests.settlement.helpers import homes_with_exceptions
from tests.test_calculator_page import load_policy_2019

LANGUAGES = [
    pytest.param(
        "zh-CN,zh;q=0.9", ("开始结算", "排队中", "由 刘志强 于", "出具结算单", "面积认定：无 → 60.00"),
        id="zh-hans",
    ),
    pytest.param(
        "en-US,en;q=0.9",
        ("Start settlement", "Queued", "Started by 刘志强 at", "Statements issued", "60.00"),
        id="en",
    ),
]


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr("heating.tasks.jobs_run.delay", ids.append)
    return ids


def no_serious_axe_findings(page, axe_source):
    page.evaluate(axe_source)  # evaluated, not a <script> tag: the page's CSP would refuse that
    assert page.evaluate(AXE_RUN) == []


@pytest.mark.browser
@pytest.mark.parametrize(("language", "words"), LANGUAGES)
def test_a_manager_starts_the_settlement_watches_it_through_a_reload_and_sees_the_counts(
    live_server, page, axe_source, transactional_db, queued, language, words
):
    start, queued_label, started, issued_label, change = words
    load_policy_2019()
    company = CompanyFactory(code="DEMO9", name="沂源县鑫源热力有限公司城区第二供热站")
    manager = UserFactory(username="manager1", last_name="刘", first_name="志强")
    MembershipFactory(user=manager, organisation=company, role=Role.MANAGER)
    homes, metered, bare = homes_with_exceptions(company)
    sign_in(page, live_server, manager)
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": language})
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/company/settlement/?season=2019-2020")
    no_serious_axe_findings(page, axe_source)

    page.get_by_role("button", name=start, exact=True).click()

    box = page.locator("[data-job-progress]")
    box.wait_for()
    job = Job.objects.get()
    assert queued == [job.pk]
    for _shown in ("after the start", "after a reload"):
        assert box.get_attribute("data-job-state") == "queued"
        assert page.locator("progress").get_attribute("max") == "5"
        status = page.get_by_role("status")
        assert "0 / 5" in status.inner_text() and queued_label in status.inner_text()
        assert started in box.inner_text()
        assert page.get_by_role("button", name=start, exact=True).count() == 0
        fits_and_keeps_the_csp(page)
        page.reload()
        box.wait_for()
    no_serious_axe_findings(page, axe_source)

    job_run(job.pk)  # the page, polling, sees the job end and shows itself again with the outcome

    page.locator("#settle-exceptions").wait_for(timeout=15_000)  # shown once the page is shown again
    assert box.get_attribute("data-job-state") == "done"
    counts = page.locator("#settle-counts")
    assert "5 / 5" in page.get_by_role("status").inner_text()
    assert issued_label in counts.inner_text()
    assert counts.locator("dd").all_inner_texts() == ["3", "0", "2"]
    exceptions = page.locator("#settle-exceptions li")
    assert exceptions.count() == 2 and bare.number in exceptions.first.inner_text()
    serial = metered.meters.get().serial
    assert page.locator(f'#settle-exceptions a[href="/company/meters/{serial}/"]').count() == 1
    fits_and_keeps_the_csp(page)
    no_serious_axe_findings(page, axe_source)

    AreaDecisionFactory(account=homes[0], from_year=2019, area="60.00", decided_at=timezone.now())
    page.goto(f"{live_server.url}/company/settlement/?season=2019-2020")
    page.locator("#resettle-link").click()
    page.locator("#resettlements").wait_for()
    assert change in page.locator("#resettlements").inner_text()
    assert "1260.00" in page.locator("#resettlements").inner_text()
    fits_and_keeps_the_csp(page)
    no_serious_axe_findings(page, axe_source)
