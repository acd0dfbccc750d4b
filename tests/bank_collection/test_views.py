"""The bank collection pages: company staff only, one company's batches invisible to another."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from heating.imports.bank_collection import COLUMNS
from heating.imports.files import read_table
from heating.models import BankCollection, ImportBatch, Payment
from tests.factories import UserFactory
from tests.imports.conftest import csv_bytes

from .conftest import HEADER

PAGE = "import-bank-collection"


def upload(client, rows, name="bank.csv"):
    return client.post(reverse(PAGE), {"file": SimpleUploadedFile(name, csv_bytes([HEADER, *rows]))})


def test_the_imports_list_leads_to_the_page_and_its_templates(company, alice, client_for):
    client = client_for(alice)

    listing = client.get(reverse("import-list")).content.decode()
    page = client.get(reverse(PAGE))

    assert reverse(PAGE) in listing
    assert page.status_code == 200 and "银行流水号" in page.content.decode()
    for fmt in ("csv", "xlsx"):
        template = client.get(reverse("import-template", args=["bank_collection", fmt]))
        assert template.status_code == 200
        table = read_table(f"t.{fmt}", template.content, COLUMNS)
        assert table.keys == ("account", "amount", "reference", "paid_on", "season") and len(table) == 1


def test_a_manager_previews_and_commits_and_sees_what_was_recorded(company, martin, client_for, accounts):
    accounts(1)
    client = client_for(martin)

    response = upload(client, [["0001", "1680.00", "B20191120000001", "2019-11-20", "2019-2020"]])

    batch = ImportBatch.objects.get()
    assert batch.kind == ImportBatch.Kind.BANK_COLLECTION
    assert response.url == reverse("import-detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "待记录的银行代收款" in page and "1680.00" in page

    client.post(reverse("import-commit", args=[batch.pk]))

    assert Payment.objects.get().channel == Payment.Channel.BANK_COLLECTION
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "已记录的银行代收款" in page and "B20191120000001" in page and "2019-2020" in page


def test_a_bad_file_shows_its_errors_in_the_readers_language(company, alice, client_for, accounts):
    accounts(1)
    client = client_for(alice)

    response = upload(client, [["0001", "0", "B1", "2019-11-20", ""]])
    page = client.get(response.url).content.decode()
    english = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "确认导入" not in page and "金额须大于 0" in page
    assert "The amount must be more than 0" in english
    assert not Payment.objects.exists()


def test_another_companys_staff_get_404_for_its_batches(company, alice, bob, client_for, accounts):
    accounts(1)
    upload(client_for(alice), [["0001", "100", "B1", "2019-11-20", ""]])
    batch = ImportBatch.objects.get()
    client = client_for(bob)

    for name in ("import-detail", "import-errors"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-commit", args=[batch.pk])).status_code == 404
    assert not Payment.objects.exists() and not BankCollection.objects.exists()
    assert "B1" not in client.get(reverse("import-list")).content.decode()


def test_an_account_of_another_company_is_as_unknown(company, other_company, bob, client_for, accounts):
    accounts(1)  # company A's 0001
    response = upload(client_for(bob), [["0001", "100", "B1", "2019-11-20", ""]])

    page = client_for(bob).get(response.url).content.decode()

    assert "本公司没有该户号的供暖账户" in page and not Payment.objects.exists()


def test_people_who_are_not_company_staff_are_turned_away(company, client_for, accounts):
    accounts(1)
    stranger = client_for(UserFactory(username="carol"))

    assert stranger.get(reverse(PAGE)).status_code == 403
    assert upload(stranger, [["0001", "100", "B1", "2019-11-20", ""]]).status_code == 403
    assert Client().get(reverse(PAGE)).status_code == 302  # to sign in
    assert not ImportBatch.objects.exists()
