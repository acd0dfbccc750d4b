"""/subsidy/costs/: the company's manager declares the season's cost and attaches files; the files go
to the company's staff and the subsidy bureaus only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heating.models import Duty, Role
from subsidy.models import CostAttachment
from subsidy.selectors.costs import cost_declaration_current
from subsidy.services.costs import cost_attachment_add
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.subsidy.helpers import costs, declare, manager_of
from tests.uploads import PDF

pytestmark = pytest.mark.django_db
SEASON = 2019
URL = reverse("subsidy-costs") + "?season=2019-2020"


@pytest.fixture(autouse=True)
def small_uploads(settings, tmp_path):
    """Files kept in a temporary folder, under a 1 KB limit so that a small file is oversize."""
    settings.SUBSIDY_ATTACHMENT_MAX_BYTES = 1024
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def manager(company, client):
    user = manager_of(company)
    client.force_login(user)
    return user


def typed(**amounts):
    return {"action": "declare", "note": "审计后", **{k: str(v) for k, v in costs(**amounts).items()}}


def attach(company, manager, name="报告.pdf", data=PDF, content_type="application/pdf"):
    declaration = cost_declaration_current(company, SEASON)
    return cost_attachment_add(
        declaration=declaration, user=manager, upload=SimpleUploadedFile(name, data, content_type)
    )


def test_the_manager_declares_and_sees_the_new_total(client, company, manager):
    declare(company, SEASON, "1000.00", manager)
    response = client.post(URL, typed(fuel="1500.50", wages="200"))
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert 'id="current-total">¥1700.50<' in page
    assert "¥1000.00" in page  # the replaced declaration, listed among the earlier ones
    assert cost_declaration_current(company, SEASON).note == "审计后"


@pytest.mark.parametrize("bad", ["abc", "-5", "1.234", "1e5", ""])
def test_a_bad_amount_is_a_field_error_and_nothing_is_declared(client, company, manager, bad):
    response = client.post(URL, {**typed(), "repairs": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="cost-repairs-error"' in page and 'id="cost-fuel-error"' not in page
    assert cost_declaration_current(company, SEASON) is None


def test_a_declaration_s_files_upload_and_download(client, company, manager):
    declare(company, SEASON, "1000.00", manager)
    response = client.post(
        URL, {"action": "attach", "file": SimpleUploadedFile("审计报告.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    attachment = CostAttachment.objects.get()
    page = client.get(URL).content.decode()
    assert reverse("subsidy-cost-file", args=[attachment.pk]) in page and "审计报告.pdf" in page
    download = client.get(reverse("subsidy-cost-file", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "subsidy/costs" not in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        pytest.param(
            SimpleUploadedFile("big.pdf", PDF + b"0" * 2000, "application/pdf"), "不能超过", id="oversize"
        ),
        pytest.param(
            SimpleUploadedFile("run.exe", b"MZ" * 10, "application/x-msdownload"), "只能上传", id="type"
        ),
        pytest.param(SimpleUploadedFile("fake.pdf", b"<html>", "application/pdf"), "不符", id="content"),
    ],
)
def test_a_refused_upload_is_said_in_words_next_to_the_field(client, company, manager, upload, words):
    declare(company, SEASON, "1000.00", manager)
    response = client.post(URL, {"action": "attach", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="file-error"' in page and words in page
    assert not CostAttachment.objects.exists()


def test_a_huge_upload_is_cut_short_while_read_and_never_kept(
    client, company, manager, settings, monkeypatch
):
    """The first upload handler keeps no more than its limit + 1 bytes; what it cut is refused even
    when the attachment limit is set above it."""
    settings.SUBSIDY_ATTACHMENT_MAX_BYTES = 100_000
    monkeypatch.setattr("heating.imports.files.MAX_BYTES", 2000)
    declare(company, SEASON, "1000.00", manager)
    huge = SimpleUploadedFile("big.pdf", PDF + b"0" * 50_000, "application/pdf")
    response = client.post(URL, {"action": "attach", "file": huge})
    assert response.status_code == 400
    assert "未能完整接收" in response.content.decode()
    assert not CostAttachment.objects.exists()


def test_an_upload_before_any_declaration_is_refused(client, company, manager):
    response = client.post(
        URL, {"action": "attach", "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 400
    assert "请先申报" in response.content.decode()


def test_a_bad_season_is_a_400(client, manager):
    assert client.get(reverse("subsidy-costs") + "?season=2019").status_code == 400


def resident():
    return UserFactory()


def another_manager():
    return manager_of(CompanyFactory())


def clerk_of(company):
    return MembershipFactory(organisation=company, role=Role.CLERK).user


def bureau_without_subsidy_duty():
    return MembershipFactory(
        organisation=BureauFactory(duties=[Duty.REFUND_OVERSIGHT]), role=Role.OFFICER
    ).user


@pytest.mark.parametrize("who", [resident, another_manager, bureau_without_subsidy_duty])
def test_others_neither_see_nor_download(client, company, who):
    manager = manager_of(company)
    declare(company, SEASON, "1000.00", manager)
    attachment = attach(company, manager)
    client.force_login(who())
    page = client.get(URL)
    file_url = reverse("subsidy-cost-file", args=[attachment.pk])
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("subsidy-cost-file", args=[attachment.pk + 1000])).status_code == 404
    if who is another_manager:  # their own company's page, which shows nothing of this one
        assert (
            page.status_code == 200
            and "¥1000.00" not in page.content.decode()
            and file_url not in page.content.decode()
        )
    else:
        assert page.status_code == 403


def test_anonymous_download_is_404(client, company):
    manager = manager_of(company)
    declare(company, SEASON, "1000.00", manager)
    assert client.get(reverse("subsidy-cost-file", args=[attach(company, manager).pk])).status_code == 404


@pytest.mark.parametrize(
    "duty", [Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW, Duty.SUBSIDY_APPROVE, Duty.FUND_AUDIT]
)
def test_the_company_s_staff_and_subsidy_bureaus_download(client, company, duty):
    manager = manager_of(company)
    declare(company, SEASON, "1000.00", manager)
    url = reverse("subsidy-cost-file", args=[attach(company, manager).pk])
    for user in (
        clerk_of(company),
        MembershipFactory(organisation=BureauFactory(duties=[duty]), role=Role.OFFICER).user,
    ):
        client.force_login(user)
        assert client.get(url).status_code == 200


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_s_queries_do_not_grow_with_declarations_and_files(client, company, manager):
    declare(company, SEASON, "1000.00", manager)
    attach(company, manager)
    before = queries_of(client, URL)
    for total in ("1100.00", "1200.00", "1300.00"):
        declare(company, SEASON, total, manager)
        attach(company, manager, name=f"{total}.pdf", data=PDF + total.encode())
    assert queries_of(client, URL) == before <= 12
