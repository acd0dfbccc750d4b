"""The import pages: company staff only, one company's batches invisible to another."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heating.imports import import_readings_file
from heating.imports.files import read_table
from heating.imports.readings import COLUMNS
from heating.models import Account, ImportBatch, Reading
from tests.factories import UserFactory

from .conftest import csv_bytes, xlsx_bytes
from .test_onboarding import HEADER as BOOK_HEADER
from .test_onboarding import books
from .test_readings import HEADER


def upload(client, name, data, kind="import-readings"):
    return client.post(reverse(kind), {"file": SimpleUploadedFile(name, data)})


def test_it_previews_then_commits_a_reading_file(company, alice, client_for, meters):
    [meter] = meters(1)
    client = client_for(alice)
    data = xlsx_bytes([HEADER, [meter.serial, datetime.datetime(2020, 1, 1, 8), 12.5, "GJ", "", "", ""]])

    response = upload(client, "readings.xlsx", data)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("import-detail", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "确认导入" in page.content.decode() and "可写入读数" in page.content.decode()
    assert Reading.objects.count() == 0

    response = client.post(reverse("import-commit", args=[batch.pk]))

    assert response.status_code == 302
    assert Reading.objects.get().import_batch == batch
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "已写入" in page and meter.serial in page and "12.5" in page
    again = client.post(reverse("import-commit", args=[batch.pk]), follow=True)
    assert "不在待确认状态" in again.content.decode()
    assert Reading.objects.count() == 1


def test_it_lists_every_bad_row_and_offers_no_commit(company, alice, client_for, meters):
    [meter] = meters(1)
    client = client_for(alice)
    data = csv_bytes([HEADER, [meter.serial, "2020-01-01 08:00", "x"], ["NOPE", "2020-01-01 08:00", "1"]])

    page = upload(client, "r.csv", data)
    page = client.get(page.url).content.decode()

    assert "确认导入" not in page
    assert "“x”不是有效的读数" in page and "本公司没有表号为“NOPE”的热量表" in page
    batch = ImportBatch.objects.get()
    errors_csv = client.get(reverse("import-errors", args=[batch.pk]))
    assert errors_csv.status_code == 200
    assert "NOPE" in errors_csv.content.decode("utf-8-sig")


def test_it_imports_the_books(company, alice, client_for):
    client = client_for(alice)
    response = upload(client, "books.csv", csv_bytes([BOOK_HEADER, *books()]), kind="import-onboarding")
    page = client.get(response.url).content.decode()
    assert "校验结果" in page and "按非居民价格计费" in page

    client.post(reverse("import-commit", args=[ImportBatch.objects.get().pk]))

    assert Account.objects.filter(company=company).count() == 4
    page = client.get(response.url).content.decode()
    assert "0100001" in page and "张三" in page


def test_another_companys_batch_is_not_found(company, alice, bob, client_for):
    data = csv_bytes([HEADER, ["M1", "2020-01-01 08:00", "1"]])
    result = import_readings_file(company=company, user=alice, file_name="a.csv", data=data, commit=False)
    batch = result.batch
    client = client_for(bob)

    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-commit", args=[batch.pk])).status_code == 404
    assert client.get(reverse("import-errors", args=[batch.pk])).status_code == 404
    assert "a.csv" not in client.get(reverse("import-list")).content.decode()
    assert "a.csv" in client_for(alice).get(reverse("import-list")).content.decode()


def test_only_company_staff_get_in(db, client_for, client):
    outsider = client_for(UserFactory(username="charlie"))

    assert outsider.get(reverse("import-list")).status_code == 403
    assert outsider.get(reverse("import-readings")).status_code == 403
    anonymous = client.get(reverse("import-list"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


def test_the_upload_form_has_csrf_and_template_links(alice, client_for):
    page = client_for(alice).get(reverse("import-readings")).content.decode()

    assert "csrfmiddlewaretoken" in page
    assert reverse("import-template", args=["readings", "xlsx"]) in page


def test_templates_download_and_parse_back(alice, client_for):
    client = client_for(alice)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("import-template", args=["readings", fmt]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        table = read_table(f"t.{fmt}", response.content, COLUMNS)
        assert len(table) == 2 and table.rows[0][0] == "HM-000123"
    assert client.get(reverse("import-template", args=["onboarding", "xlsx"])).status_code == 200
    assert client.get(reverse("import-template", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("import-template", args=["readings", "pdf"])).status_code == 404


def test_history_is_paginated_newest_first(company, alice, client_for):
    data = csv_bytes([HEADER, ["M1", "2020-01-01 08:00", "1"]])
    for i in range(30):
        import_readings_file(company=company, user=alice, file_name=f"f{i:02d}.csv", data=data, commit=False)
    client = client_for(alice)

    first = client.get(reverse("import-list")).content.decode()
    second = client.get(reverse("import-list") + "?page=2").content.decode()

    assert "f29.csv" in first and "f05.csv" in first and "f04.csv" not in first
    assert "f04.csv" in second and "f00.csv" in second


def test_an_oversized_upload_is_refused_and_recorded(alice, client_for, monkeypatch):
    monkeypatch.setattr("heating.views.imports.MAX_BYTES", 10)

    response = upload(client_for(alice), "big.csv", b"x" * 100)

    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and "MB" in batch.errors[0]["message"]
    assert response.url == reverse("import-detail", args=[batch.pk])
