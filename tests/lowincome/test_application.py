"""A household applies for the low-income rate from the portal; the civil-affairs bureau decides; the
bill follows (POLICY.md §5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from heating.models import LowIncomeCertificate, LowIncomeScan, Statement
from heating.models.accounts import Decision
from heating.selectors.facts import account_facts
from heating.services.decisions import certificate_approve, certificate_deny, certificate_revoke
from heating.services.lowincome import certificate_apply
from tests.settlement.helpers import pay, settle
from tests.uploads import PNG

from .conftest import apply_form, scan

URL = "/me/low-income/"


def _apply(client, county, **overrides):
    client.force_login(county.resident)
    return client.post(URL, apply_form(county.home, **overrides))


def test_it_applies_for_a_home_of_its_own_with_a_scan(client, county):
    response = _apply(client, county)
    assert response.status_code == 302
    certificate = LowIncomeCertificate.objects.get()
    assert (certificate.account, certificate.status, certificate.applied_by) == (
        county.home, Decision.PENDING, county.resident
    )
    assert certificate.valid_until == datetime.date(2020, 6, 30)
    assert LowIncomeScan.objects.get().certificate == certificate
    page = client.get("/me/").content.decode()
    assert "待审定" in page and "DB2019-0042" in page


def test_the_scan_must_be_a_pdf_jpeg_or_png_by_its_contents(client, county):
    response = _apply(client, county, scan=scan("cert.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))
    assert response.status_code == 400
    assert "文件内容与扩展名不符" in response.content.decode()
    response = _apply(client, county, scan=scan("cert.exe", PNG, "image/png"))
    assert "证件扫描件只能是 PDF、JPG 或 PNG 文件" in response.content.decode()
    assert not LowIncomeCertificate.objects.exists()


def test_the_scan_is_bounded_in_size(client, county, settings):
    settings.LOW_INCOME_SCAN_MAX_BYTES = 1024 * 1024
    big = scan("big.png", PNG + b"0" * (1024 * 1024), "image/png")
    response = _apply(client, county, scan=big)
    assert response.status_code == 400
    assert "文件不能超过 1 MB" in response.content.decode()
    assert not LowIncomeCertificate.objects.exists()


def test_another_resident_cannot_apply_for_or_see_someone_elses_home(client, county):
    client.force_login(county.neighbour_user)
    response = client.post(URL, apply_form(county.home))
    assert response.status_code == 400
    assert not LowIncomeCertificate.objects.exists()
    with pytest.raises(ValidationError):
        certificate_apply(
            user=county.neighbour_user, account_id=county.home.pk, kind="dibao", number="X",
            valid_from=datetime.date(2019, 1, 1), valid_until=None, upload=scan(),
        )
    _apply(client, county)
    client.force_login(county.neighbour_user)
    page = client.get(URL).content.decode()
    assert "DB2019-0042" not in page and county.home.number not in page
    scan_pk = LowIncomeScan.objects.get().pk
    assert client.get(f"/low-income/scans/{scan_pk}/").status_code == 404
    client.force_login(county.resident)
    assert client.get(f"/low-income/scans/{scan_pk}/").status_code == 200


def test_approval_gives_the_bill_the_75_percent_rate_for_the_seasons_it_is_valid_in(client, county):
    _apply(client, county)
    certificate = LowIncomeCertificate.objects.get()
    assert account_facts(county.home, 2019).low_income is False
    certificate_approve(user=county.officer, certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.decided_by) == (Decision.APPROVED, county.civil)
    # Valid 2019-01-01 to 2020-06-30: the 2019-2020 season, not 2020-2021 (POLICY.md §5).
    assert account_facts(county.home, 2019).low_income is True
    assert account_facts(county.home, 2020).low_income is False
    pay(county.home, "1000.00")
    settle(county.company, county.home)
    statement = Statement.objects.get(account=county.home, season_year=2019, status=Statement.Status.ISSUED)
    gross = statement.amount_due + statement.low_income_discount
    assert statement.amount_due == (gross * Decimal("0.75")).quantize(Decimal("0.01"))
    assert statement.low_income_discount > 0
    client.force_login(county.resident)
    bill = client.get("/me/DEMO1/0100234/2019-2020/").content.decode()
    assert "已批准" in bill and "本供暖季按实际取暖费的 75% 收取" in bill
    assert "已批准" in client.get("/me/").content.decode()


def test_me_shows_the_rate_in_force_and_reminds_before_the_certificate_runs_out(
    client, county, mailoutbox, settings
):
    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    _apply(client, county, valid_from="2019-01-01", valid_until=str(today + datetime.timedelta(days=20)))
    certificate = LowIncomeCertificate.objects.get()
    certificate_approve(user=county.officer, certificate_id=certificate.pk)
    page = client.get("/me/").content.decode()
    assert "按实际取暖费的 75% 收取" in page and "证件将于" in page
    settings.REMINDER_EMAIL_FROM = "heating@example.cn"
    call_command("low_income_reminders")
    call_command("low_income_reminders")  # once per end date
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["zhang@example.com"]
    assert certificate.reminders.get().emailed


def test_a_late_approval_lists_the_settled_season_for_resettlement(client, county):
    from heating.selectors.statements import resettlements_due

    _apply(client, county)
    pay(county.home, "1000.00")
    settle(county.company, county.home)
    certificate_approve(user=county.officer, certificate_id=LowIncomeCertificate.objects.get().pk)
    due = resettlements_due(county.company, 2019)
    assert [r.account.pk if hasattr(r, "account") else r for r in due]


def test_a_denied_household_may_apply_again_with_new_documents(client, county):
    _apply(client, county)
    first = LowIncomeCertificate.objects.get()
    assert _apply(client, county, number="DB2019-0043").status_code == 400  # one pending at a time
    with pytest.raises(ValidationError):
        certificate_deny(user=county.officer, certificate_id=first.pk, reason="  ")
    certificate_deny(user=county.officer, certificate_id=first.pk, reason="证件已过期")
    page = client.get("/me/").content.decode()
    assert "未批准" in page and "证件已过期" in page
    again = _apply(client, county, number="DB2020-0001", scan=scan("new.png", PNG, "image/png"))
    assert again.status_code == 302
    second = LowIncomeCertificate.objects.exclude(pk=first.pk).get()
    assert second.status == Decision.PENDING and second.scans.get().name == "new.png"
    assert account_facts(county.home, 2019).low_income is False


def test_revoking_ends_the_rate_with_a_reason(client, county):
    _apply(client, county)
    certificate = LowIncomeCertificate.objects.get()
    certificate_approve(user=county.officer, certificate_id=certificate.pk)
    with pytest.raises(ValidationError):
        certificate_revoke(user=county.officer, certificate_id=certificate.pk, reason="")
    certificate_revoke(user=county.officer, certificate_id=certificate.pk, reason="骗取证件")
    certificate.refresh_from_db()
    assert (certificate.status, certificate.comment) == (Decision.REVOKED, "骗取证件")
    assert certificate.revoked_from == certificate.valid_from
    assert account_facts(county.home, 2019).low_income is False


def test_revoking_from_a_day_keeps_the_seasons_before_it(client, county):
    _apply(client, county, valid_until="")
    certificate = LowIncomeCertificate.objects.get()
    certificate_approve(user=county.officer, certificate_id=certificate.pk)
    certificate_revoke(
        user=county.officer, certificate_id=certificate.pk, reason="迁出", effective=datetime.date(2020, 7, 1)
    )
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_from) == (Decision.REVOKED, datetime.date(2020, 7, 1))
    assert account_facts(county.home, 2019).low_income is True
    assert account_facts(county.home, 2020).low_income is False


@pytest.mark.parametrize("who", ["clerk", "other_officer", "resident"])
def test_only_the_civil_affairs_bureau_decides(client, county, who):
    _apply(client, county)
    certificate = LowIncomeCertificate.objects.get()
    user = getattr(county, who)
    with pytest.raises(PermissionDenied):
        certificate_approve(user=user, certificate_id=certificate.pk)
    with pytest.raises(PermissionDenied):
        certificate_deny(user=user, certificate_id=certificate.pk, reason="x")
    client.force_login(user)
    assert client.get("/bureau/low-income/").status_code == 403
    assert client.get(f"/bureau/low-income/{certificate.pk}/").status_code == 403
    assert client.post(f"/bureau/low-income/{certificate.pk}/", {"action": "approve"}).status_code == 403
    assert client.get("/bureau/low-income/roster/").status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Decision.PENDING
    if who != "resident":
        assert client.get(f"/low-income/scans/{certificate.scans.get().pk}/").status_code == 404
