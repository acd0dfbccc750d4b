"""A reading file of more than IMPORT_JOB_ROWS rows is committed as a job the clerk watches on the
import's page; a smaller one still in the request. Either way all of it is written, or none."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from heating.imports import import_readings_file
from heating.models import ImportBatch, Job, Reading
from heating.services.jobs import job_run
from heating.services.readings import readings_ingest
from tests.factories import HeatedPartFactory, MeterFactory
from tests.imports.conftest import csv_bytes
from tests.imports.test_readings import HEADER


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_JOB_ROWS = 2


def previewed(company, user, rows=3):
    meter = MeterFactory(company=company, serial="M0001")
    HeatedPartFactory(premises=meter.account.premises, area="80.00")
    lines = [
        [meter.serial, (datetime.datetime(2020, 1, 1, 8) + datetime.timedelta(days=i)).isoformat(sep=" "),
         str(10 + i), "GJ", "", "", ""]
        for i in range(rows)
    ]
    result = import_readings_file(
        company=company, user=user, file_name="r.csv", data=csv_bytes([HEADER, *lines]), commit=False
    )
    assert result.ok
    return result.batch


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_large_file_is_committed_as_a_job_shown_on_its_page(
    company, alice, queued, django_capture_on_commit_callbacks
):
    batch = previewed(company, alice)
    client = signed_in(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import-commit", args=[batch.pk]), follow=True)

    job = Job.objects.get()
    assert queued == [job.pk] and (job.kind, job.total, job.started_by) == ("import_commit", 3, alice)
    page = response.content.decode()
    assert "已转入后台导入" in page and f'data-job-progress="/jobs/{job.pk}/progress"' in page
    assert 'data-job-state="queued"' in page and "由 王丽 于" in page and "<progress" in page
    assert "确认导入</button>" not in page  # no second commit while the first is on its way
    again = client.post(reverse("import-commit", args=[batch.pk]), follow=True).content.decode()
    assert "已在后台导入中" in again and Job.objects.count() == 1
    assert Reading.objects.count() == 0

    job_run(job.pk)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Reading.objects.filter(import_batch=batch).count() == 3
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'data-job-state="done"' in page and "3 / 3" in page and "已写入读数" in page


def test_a_small_file_is_still_committed_in_the_request(company, alice, queued):
    batch = previewed(company, alice, rows=2)

    signed_in(alice).post(reverse("import-commit", args=[batch.pk]))

    assert Reading.objects.count() == 2 and not Job.objects.exists() and queued == []


def test_the_job_writes_nothing_when_the_commit_fails_and_says_why(company, alice, queued, monkeypatch):
    batch = previewed(company, alice)
    signed_in(alice).post(reverse("import-commit", args=[batch.pk]))

    def write_then_fail(**kwargs):
        readings_ingest(**kwargs)
        assert Reading.objects.count() == 3
        raise RuntimeError("the worker's disk is full")

    monkeypatch.setattr("heating.imports.readings.readings_ingest", write_then_fail)
    job = job_run(Job.objects.get().pk)

    assert job.state == Job.State.FAILED and "第 1 片处理出错" in job.error
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and Reading.objects.count() == 0
