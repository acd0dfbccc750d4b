"""In the browser, at phone width: a clerk commits a large reading file, the import's page shows the
job's bar and who started it, the bar survives a reload, and the page shows the outcome once the job
is done. The job runs when the test says so (no worker takes it), so the page is seen while it waits."""
import pytest
from django.test import Client

from heating.models import Job
from heating.services.jobs import job_run
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, WIDEST

from .test_import_commit import previewed

LANGUAGES = [
    pytest.param("zh-CN,zh;q=0.9", "确认导入", "排队中", "由 王丽 于", "已写入读数", id="zh-hans"),
    pytest.param(
        "en-US,en;q=0.9", "Confirm import", "Queued", "Started by 王丽 at", "Readings saved", id="en"
    ),
]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def fits_and_keeps_the_csp(page):
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= width, page.evaluate(WIDEST)
    assert page.evaluate("window.__csp") == []


@pytest.mark.browser
@pytest.mark.parametrize(("language", "commit", "queued_label", "started", "outcome"), LANGUAGES)
def test_the_bar_of_a_large_import_survives_a_reload_and_reaches_done(
    live_server, page, axe_source, company, alice, queued, settings, tmp_path,
    language, commit, queued_label, started, outcome,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_JOB_ROWS = 2
    batch = previewed(company, alice)
    sign_in(page, live_server, alice)
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": language})
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/company/imports/{batch.pk}/")

    page.get_by_role("button", name=commit).click()

    box = page.locator("[data-job-progress]")
    box.wait_for()
    job = Job.objects.get()
    assert queued == [job.pk]
    for _shown in ("after the commit", "after a reload"):
        assert box.get_attribute("data-job-state") == "queued"
        assert page.locator("progress").get_attribute("max") == "3"
        assert page.locator("progress").get_attribute("value") == "0"
        status = page.get_by_role("status")
        assert status.get_attribute("aria-live") == "polite" and "0 / 3" in status.inner_text()
        assert queued_label in status.inner_text() and started in box.inner_text()
        assert page.get_by_role("button", name=commit).count() == 0
        fits_and_keeps_the_csp(page)
        page.reload()
        box.wait_for()
    page.evaluate(axe_source)
    assert page.evaluate(AXE_RUN) == []

    job_run(job.pk)  # the page, polling, sees the job end and shows itself again with the outcome

    page.locator("dt").get_by_text(outcome, exact=True).wait_for(timeout=15_000)
    assert box.get_attribute("data-job-state") == "done"
    assert "3 / 3" in page.get_by_role("status").inner_text()
    fits_and_keeps_the_csp(page)
