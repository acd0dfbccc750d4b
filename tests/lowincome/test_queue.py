"""The civil-affairs bureau's queue: its landing page, masked personal data, a fixed number of
queries, the application with its scan, and the decisions from the page."""

import pytest

from heating.models import LowIncomeCertificate
from heating.models.accounts import Decision
from tests.factories import CustomerFactory, LowIncomeCertificateFactory, make_account

from .conftest import apply_form


@pytest.fixture
def applied(client, county):
    client.force_login(county.resident)
    client.post("/me/low-income/", apply_form(county.home))
    client.force_login(county.officer)
    return LowIncomeCertificate.objects.get()


def test_the_bureau_lands_on_its_queue(client, county):
    client.force_login(county.officer)
    assert client.get("/start/").url == "/bureau/low-income/"
    assert client.get("/bureau/").url == "/bureau/low-income/"


def test_the_queue_masks_names_and_numbers(client, county, applied):
    page = client.get("/bureau/low-income/").content.decode()
    assert "张*国" in page and "DB*******42" in page
    assert "张建国" not in page and "DB2019-0042" not in page


def test_the_queue_takes_the_same_queries_for_one_application_or_many(
    client, county, applied, django_assert_num_queries
):
    client.get("/bureau/low-income/")
    with django_assert_num_queries(7) as one:
        client.get("/bureau/low-income/")
    for _ in range(10):
        account = make_account(company=county.company, customer=CustomerFactory(company=county.company))
        LowIncomeCertificateFactory(account=account, status=Decision.PENDING)
        LowIncomeCertificateFactory(account=account, valid_from="2018-01-01", valid_until=None)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/bureau/low-income/")
    assert response.content.decode().count("/bureau/low-income/") >= 21


def test_the_officer_opens_the_application_with_its_scan_and_approves(client, county, applied):
    page = client.get(f"/bureau/low-income/{applied.pk}/").content.decode()
    assert "张建国" in page and "DB2019-0042" in page
    scan = applied.scans.get()
    download = client.get(f"/low-income/scans/{scan.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    response = client.post(f"/bureau/low-income/{applied.pk}/", {"action": "approve", "reason": ""})
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Decision.APPROVED


def test_a_denial_needs_a_reason_in_words(client, county, applied):
    response = client.post(f"/bureau/low-income/{applied.pk}/", {"action": "deny", "reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    client.post(f"/bureau/low-income/{applied.pk}/", {"action": "deny", "reason": "非本县户籍"})
    applied.refresh_from_db()
    assert (applied.status, applied.comment) == (Decision.REJECTED, "非本县户籍")


def test_an_approval_is_revoked_from_the_page(client, county, applied):
    client.post(f"/bureau/low-income/{applied.pk}/", {"action": "approve"})
    response = client.post(f"/bureau/low-income/{applied.pk}/", {"action": "revoke", "reason": "骗取"})
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Decision.REVOKED
