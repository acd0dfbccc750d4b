"""The civil-affairs bureau's roster import: matched by the keyed hash of the identity number, unmatched
and ambiguous rows reported, a bad row commits nothing, and the number never shows on a page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heating.models import ImportBatch, LowIncomeCertificate
from heating.models.accounts import Decision
from tests.factories import CustomerFactory, make_account

from .conftest import ID_NUMBER, OTHER_ID

HEADER = "姓名,身份证号,证件编号,类别,有效期起,有效期至\n"
UNKNOWN_ID = "37032319800101123X"
BAD_CHECK = "110105194912310021"


def roster(*lines) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def upload(client, data, name="名册.csv"):
    response = client.post("/bureau/low-income/roster/", {"file": SimpleUploadedFile(name, data, "text/csv")})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1])), response.url


@pytest.fixture
def officer_client(client, county):
    client.force_login(county.officer)
    return client


def test_rows_are_matched_by_identity_number_and_unmatched_ones_reported(officer_client, county):
    batch, url = upload(officer_client, roster(
        f"张建国,{ID_NUMBER},DB2019-0001,低保证,2019-01-01,2021-12-31",
        f"王五,{UNKNOWN_ID},TK2019-0002,特困人员证,2019-01-01,",
    ))
    assert batch.status == ImportBatch.Status.PREVIEWED
    page = officer_client.get(url).content.decode()
    assert "第 3 行" in page and "没有找到该身份证号登记的居民供暖账户" in page
    assert not LowIncomeCertificate.objects.exists()
    officer_client.post(f"{url}commit/")
    certificate = LowIncomeCertificate.objects.get()
    assert (certificate.account, certificate.status, certificate.decided_by) == (
        county.home, Decision.APPROVED, county.civil
    )
    assert certificate.number == "DB2019-0001"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    for path in (url, "/bureau/low-income/roster/"):
        text = officer_client.get(path).content.decode()
        assert ID_NUMBER not in text and UNKNOWN_ID not in text


def test_a_person_with_several_homes_is_ambiguous(officer_client, county):
    make_account(company=county.company, customer=CustomerFactory(company=county.company, id_number=OTHER_ID))
    batch, url = upload(officer_client, roster(f"李秀兰,{OTHER_ID},DB2019-0003,低保证,2019-01-01,"))
    assert "该身份证号名下有多个居民供暖账户" in officer_client.get(url).content.decode()
    officer_client.post(f"{url}commit/")
    assert not LowIncomeCertificate.objects.exists()


def test_a_bad_check_digit_commits_nothing_and_names_row_and_field_not_the_number(officer_client, county):
    batch, url = upload(officer_client, roster(
        f"张建国,{ID_NUMBER},DB2019-0001,低保证,2019-01-01,2021-12-31",
        f"李秀兰,{BAD_CHECK},DB2019-0002,低保证,2019-01-01,",
        f"李秀兰,{OTHER_ID},DB2019-0003,低保,2019-13-01,",
    ))
    assert batch.status == ImportBatch.Status.REJECTED
    page = officer_client.get(url).content.decode()
    assert "第 3 行" in page and "身份证号校验位不正确" in page
    assert "第 4 行" in page and "不是有效的日期" in page
    assert BAD_CHECK not in page and ID_NUMBER not in page and OTHER_ID not in page
    assert BAD_CHECK not in str(batch.errors)
    assert officer_client.post(f"{url}commit/").status_code == 302
    assert not LowIncomeCertificate.objects.exists()


def test_the_file_is_bounded_before_it_is_parsed(officer_client, county, monkeypatch):
    monkeypatch.setattr("heating.imports.roster.MAX_ROWS", 2)
    rows = [f"张建国,{ID_NUMBER},DB2019-000{n},低保证,2019-01-01," for n in range(3)]
    batch, url = upload(officer_client, roster(*rows))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "文件超过 2 行" in officer_client.get(url).content.decode()
    monkeypatch.setattr("heating.imports.roster.MAX_BYTES", 50)
    batch, url = upload(officer_client, roster(*rows[:1]))
    assert batch.status == ImportBatch.Status.REJECTED


def test_an_identity_number_as_file_name_is_masked(officer_client, county):
    batch, url = upload(officer_client, roster(f"张建国,{ID_NUMBER},DB2019-0001,低保证,2019-01-01,"),
                        name=f"{ID_NUMBER}.csv")
    assert ID_NUMBER not in officer_client.get(url).content.decode()
    assert ID_NUMBER not in officer_client.get("/bureau/low-income/roster/").content.decode()


def test_only_the_civil_affairs_bureau_imports(client, county):
    for user in (county.clerk, county.other_officer, county.resident):
        client.force_login(user)
        data = roster(f"张建国,{ID_NUMBER},DB2019-0001,低保证,2019-01-01,")
        file = SimpleUploadedFile("r.csv", data, "text/csv")
        response = client.post("/bureau/low-income/roster/", {"file": file})
        assert response.status_code == 403
    assert not ImportBatch.objects.exists()
