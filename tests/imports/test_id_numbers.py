"""An identity number in an import file is never quoted back (issue 6, item 2): not on the import
page, not in the stored batch, not in errors.csv, not in the admin."""
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heating.models import ImportBatch
from tests.factories import UserFactory

from .conftest import csv_bytes
from .test_onboarding import HEADER as BOOK_HEADER
from .test_onboarding import ID_LI, ID_ZHANG, books, row
from .test_readings import HEADER as READING_HEADER


@pytest.fixture
def admin_client(client_for, db):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def everything_shown(client, admin_client, batch_pk) -> str:
    """Every place the batch's messages reach, as one text."""
    batch = ImportBatch.objects.get(pk=batch_pk)
    return "\n".join(
        [
            client.get(reverse("import-detail", args=[batch_pk])).content.decode(),
            client.get(reverse("import-list")).content.decode(),
            client.get(reverse("import-errors", args=[batch_pk])).content.decode("utf-8-sig"),
            admin_client.get(reverse("admin:heating_importbatch_change", args=[batch_pk])).content.decode(),
            admin_client.get(reverse("admin:heating_importbatch_changelist")).content.decode(),
            json.dumps(batch.errors, ensure_ascii=False),
            batch.file_name,
        ]
    )


def upload(client, name, data, kind):
    response = client.post(reverse(kind), {"file": SimpleUploadedFile(name, data)}, follow=True)
    assert response.status_code == 200
    return response.content.decode(), ImportBatch.objects.latest("id")


def digits(number):
    return number[:17]  # the number without its check character, in case that alone were masked


def test_a_books_file_without_its_header_row_never_shows_the_number(alice, client_for, admin_client):
    client = client_for(alice)

    page, batch = upload(client, f"{ID_LI}.csv", csv_bytes(books()), "import-onboarding")

    assert batch.status == "rejected"
    message = batch.errors[0]["message"]
    assert "无法识别的表头：第 1 行的 A、B、C、D" in message and "缺少必填列：户号" in message
    assert "张三" not in message  # no cell of the refused row is quoted, personal or not
    shown = page + everything_shown(client, admin_client, batch.pk)
    assert digits(ID_ZHANG) not in shown and digits(ID_LI) not in shown


def test_a_number_shifted_into_another_column_is_masked(alice, client_for, admin_client):
    client = client_for(alice)
    rows = [
        row(exchangers=ID_ZHANG),
        row(account="0100002", unit="1-102", opened_on=ID_LI, customer="李四", id_number=ID_LI),
    ]

    page, batch = upload(client, "books.csv", csv_bytes([BOOK_HEADER, *rows]), "import-onboarding")

    messages = {e["column"]: e["message"] for e in batch.errors}
    assert messages["换热器"] == f"换热器数量应为非负整数：“{ID_ZHANG[:4]}**********{ID_ZHANG[-4:]}”"
    assert "不是有效的日期" in messages["开户日期"]
    shown = page + everything_shown(client, admin_client, batch.pk)
    assert digits(ID_ZHANG) not in shown and digits(ID_LI) not in shown


def test_a_number_in_the_meter_column_of_a_reading_file_is_masked(alice, client_for, admin_client):
    client = client_for(alice)
    data = csv_bytes([READING_HEADER, [ID_ZHANG, "2020-01-01 08:00", "1", "", "", "", ""]])

    page, batch = upload(client, "r.csv", data, "import-readings")

    assert "本公司没有表号为" in batch.errors[0]["message"]
    assert digits(ID_ZHANG) not in page + everything_shown(client, admin_client, batch.pk)


def _migration():
    """The data migration, by its name (the lead renumbers migrations when branches merge)."""
    folder = Path(apps.get_app_config("heating").path, "migrations")
    [path] = folder.glob("*_imports_batch_expiry_masked_errors.py")
    return importlib.import_module(f"heating.migrations.{path.stem}")


def test_the_migration_masks_what_is_already_stored(company, alice):
    quoted = f"无法识别的表头：0100001、张三、{ID_ZHANG}。"
    batch = ImportBatch.objects.create(
        company=company, kind="onboarding", file_name=f"{ID_LI}.csv", file_sha256="0" * 64, status="rejected",
        created_by=alice, error_count=2,
        errors=[{"row": None, "column": "", "message": quoted}, {"row": 2, "column": ID_LI, "message": "ok"}],
    )
    untouched = ImportBatch.objects.create(
        company=company, kind="readings", file_name="r.csv", file_sha256="0" * 64, status="rejected",
        created_by=alice, error_count=1, errors=[{"row": 3, "column": "读数", "message": "“x”无效"}],
    )

    _migration().mask_stored_errors(apps, None)

    batch.refresh_from_db()
    masked = f"{ID_ZHANG[:4]}**********{ID_ZHANG[-4:]}"
    assert batch.errors[0]["message"] == f"无法识别的表头：0100001、张三、{masked}。"
    assert batch.errors[1] == {"row": 2, "column": f"{ID_LI[:4]}**********{ID_LI[-4:]}", "message": "ok"}
    assert batch.file_name == f"{ID_LI[:4]}**********{ID_LI[-4:]}.csv"
    untouched.refresh_from_db()
    assert untouched.errors == [{"row": 3, "column": "读数", "message": "“x”无效"}]
