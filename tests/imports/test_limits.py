"""Limits on uploads and on kept files (issue 6, item 13)."""
import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from heating.imports import NotPending, import_readings_file, readings_batch_commit
from heating.models import ImportBatch, Reading
from heating.tasks import imports_expire_previews

from .conftest import csv_bytes
from .test_readings import HEADER


def preview(company, user, meter, hours_ago):
    data = csv_bytes([HEADER, [meter.serial, "2020-01-01 08:00", "1", "", "", "", ""]])
    batch = import_readings_file(company=company, user=user, file_name="r.csv", data=data, commit=False).batch
    assert batch.status == "previewed"
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return batch


def test_the_beat_runs_the_expiry_task():
    entry = app.conf.beat_schedule["imports-expire-previews"]

    assert entry["task"] == imports_expire_previews.name
    assert entry["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(minutes=15)


def test_a_preview_not_committed_within_a_day_expires_and_its_file_is_deleted(
    company, alice, meters, media, django_capture_on_commit_callbacks
):
    [meter] = meters(1)
    stale = preview(company, alice, meter, hours_ago=25)
    fresh = preview(company, alice, meter, hours_ago=23)
    assert (media / "imports" / f"{stale.pk}.upload").exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert imports_expire_previews.delay().get() == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("expired", "previewed")
    assert not (media / "imports" / f"{stale.pk}.upload").exists()
    assert (media / "imports" / f"{fresh.pk}.upload").exists()
    with pytest.raises(NotPending):
        readings_batch_commit(batch=stale, user=alice)
    assert Reading.objects.count() == 0


def test_committed_and_rejected_batches_are_left_alone(company, alice, meters):
    [meter] = meters(1)
    batch = preview(company, alice, meter, hours_ago=30)
    readings_batch_commit(batch=batch, user=alice)
    import_readings_file(company=company, user=alice, file_name="x.csv", data=b"a\n1\n", commit=False)
    ImportBatch.objects.update(created_at=timezone.now() - datetime.timedelta(hours=30))

    assert imports_expire_previews() == 0

    assert sorted(ImportBatch.objects.values_list("status", flat=True)) == ["committed", "rejected"]


def test_the_page_of_an_expired_batch_says_so_and_offers_no_commit(company, alice, meters, client_for):
    [meter] = meters(1)
    batch = preview(company, alice, meter, hours_ago=25)
    imports_expire_previews()

    page = client_for(alice).get(reverse("import-detail", args=[batch.pk])).content.decode()

    assert "预览已过期，未写入" in page and "24 小时内未确认导入" in page
    assert "确认导入</button>" not in page


def test_an_upload_past_the_limit_is_not_kept_whole(alice, client_for, monkeypatch):
    monkeypatch.setattr("heating.imports.files.MAX_BYTES", 1000)
    monkeypatch.setattr("heating.views.imports.MAX_BYTES", 1000)
    data = b"x" * 50_000

    response = client_for(alice).post(
        reverse("import-readings"), {"file": SimpleUploadedFile("big.csv", data)}, follow=True
    )

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and "文件超过 0 MB" in batch.errors[0]["message"]
    assert "文件超过" in response.content.decode()
    # What the handler kept: the first 1,001 bytes, enough to know the file is too large.
    assert batch.file_sha256 == hashlib.sha256(data[:1001]).hexdigest()
