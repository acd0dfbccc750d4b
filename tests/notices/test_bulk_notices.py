"""A building's notices: one PDF made in a job (queued, running, done, its count of accounts), then
downloaded from the notices page by its company's staff only."""
import subprocess

import pytest
from django.urls import reverse

from heating.models import ActivationCode, Job, Role
from heating.services.jobs import job_run
from heating.services.notice_runs import notices_file
from tests.factories import BuildingFactory, CompanyFactory, MembershipFactory, make_account

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.tool("pdfinfo", "poppler-utils"),
]
HOMES = 500


@pytest.fixture
def company():
    return CompanyFactory(code="BULK1")


@pytest.fixture
def clerk(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


@pytest.fixture
def queued(monkeypatch):
    """No worker takes what the page queues: the test runs the job itself."""
    ids = []
    monkeypatch.setattr("heating.tasks.jobs_run.delay", ids.append)
    return ids


def _building(company, homes):
    building = BuildingFactory(company=company, name="五百户楼")
    for _ in range(homes):
        make_account(company=company, premises__building=building)
    return building


def test_a_500_home_building_is_one_pdf_made_by_a_job_and_downloaded(
    client, company, clerk, queued, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    building = _building(company, HOMES)
    make_account(company=company)  # another building's home: not in the file
    client.force_login(clerk)
    assert "原激活码随即作废" in client.get(reverse("notices")).content.decode()  # said before the run

    response = client.post(reverse("notices"), {"season": "2019-2020", "building": building.pk})

    assert response.status_code == 302
    job = Job.objects.get(kind="notices_pdf")
    assert (job.state, job.total, job.done) == ("queued", HOMES, 0)
    shown = client.get(reverse("notices")).content.decode()
    assert f'data-job-progress="{reverse("job-progress", args=[job.pk])}"' in shown
    assert reverse("notices-download", args=[job.pk]) not in shown

    job = job_run(job.pk)

    assert (job.state, job.done) == ("done", HOMES)
    assert ActivationCode.objects.filter(voided_at__isnull=True).count() == HOMES
    progress = client.get(reverse("job-progress", args=[job.pk])).json()
    assert (progress["state"], progress["done"], progress["total"]) == ("done", HOMES, HOMES)
    assert reverse("notices-download", args=[job.pk]) in client.get(reverse("notices")).content.decode()
    download = client.get(reverse("notices-download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    pdf = tmp_path / "download.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {HOMES}" in info


def test_another_companys_staff_cannot_download_or_start_it(
    client, company, clerk, queued, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    building = _building(company, 1)
    client.force_login(clerk)
    client.post(reverse("notices"), {"season": "2019-2020", "building": building.pk})
    job = job_run(Job.objects.get(kind="notices_pdf").pk)
    assert notices_file(job).exists()

    client.force_login(MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user)

    assert client.get(reverse("notices-download", args=[job.pk])).status_code == 404
    assert reverse("notices-download", args=[job.pk]) not in client.get(reverse("notices")).content.decode()
    # Another company's building is not one to choose: refused in words, nothing started.
    response = client.post(reverse("notices"), {"season": "2019-2020", "building": building.pk})
    assert response.status_code == 400
    assert Job.objects.filter(kind="notices_pdf").count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"season": "2019-2020"},
        {"season": "bad", "building": "1"},
        {"season": "2019-2020", "building": "x" * 500},
    ],
)
def test_a_form_without_one_target_or_a_season_is_400_in_words(client, company, clerk, queued, form):
    _building(company, 1)
    client.force_login(clerk)

    response = client.post(reverse("notices"), form)

    assert response.status_code == 400
    assert not Job.objects.exists()
