"""A company's cost declaration: by its manager only, every category ≥ 0, never changed but replaced
by a newer one (which takes the files over); supporting files bounded in size and kind."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from heating.models import AppendOnlyError, Role
from subsidy.models import COST_CATEGORIES, CostAttachment, CostDeclaration
from subsidy.selectors.costs import cost_declaration_current
from subsidy.selectors.figures import declared_cost
from subsidy.services.costs import cost_attachment_add, cost_declare
from tests.factories import CompanyFactory, MembershipFactory
from tests.uploads import PDF

from .helpers import costs, declare, finance_officer, manager_of

pytestmark = pytest.mark.django_db
D = Decimal
SEASON = 2019


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SUBSIDY_ATTACHMENT_MAX_BYTES = 1024


@pytest.fixture
def company():
    return CompanyFactory()


def test_a_declaration_holds_every_category_and_its_total(company):
    amounts = {name: D(f"{i + 1}000.25") for i, (name, _label) in enumerate(COST_CATEGORIES)}
    declaration = cost_declare(company=company, start_year=SEASON, user=manager_of(company), amounts=amounts)
    declaration.refresh_from_db()
    assert [(name, amount) for name, _label, amount in declaration.items()] == list(amounts.items())
    assert declaration.total == D("45002.25")
    assert declared_cost(company, SEASON) == D("45002.25")
    assert declared_cost(company, SEASON + 1) == D("0.00")  # nothing declared: no cost


def test_declaring_again_replaces_and_keeps_the_old_one(company):
    manager = manager_of(company)
    first = declare(company, SEASON, "1000.00", manager)
    second = declare(company, SEASON, "1200.00", manager)
    assert cost_declaration_current(company, SEASON) == second
    assert second.replaces == first
    assert CostDeclaration.objects.get(pk=first.pk).total == D("1000.00")
    assert declared_cost(company, SEASON) == D("1200.00")
    assert cost_declaration_current(CompanyFactory(), SEASON) is None


def test_a_declaration_is_never_changed_nor_deleted(company):
    declaration = declare(company, SEASON, "1000.00")
    declaration.fuel = D("1.00")
    with pytest.raises(AppendOnlyError):
        declaration.save()
    with pytest.raises(AppendOnlyError):
        CostDeclaration.objects.filter(pk=declaration.pk).update(fuel=D("1.00"))
    with pytest.raises(AppendOnlyError):
        declaration.delete()
    assert declaration.history.count() == 1


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(
            lambda company: MembershipFactory(organisation=company, role=Role.CLERK).user, id="clerk"
        ),
        pytest.param(lambda company: manager_of(CompanyFactory()), id="another-company-s-manager"),
        pytest.param(lambda company: finance_officer(), id="finance-bureau"),
    ],
)
def test_only_the_company_s_manager_declares(company, who):
    with pytest.raises(PermissionDenied):
        cost_declare(company=company, start_year=SEASON, user=who(company), amounts=costs("1.00"))
    assert not CostDeclaration.objects.exists()


@pytest.mark.parametrize(
    "amounts, field",
    [
        (costs("-0.01"), "fuel"),
        (costs("0.001"), "fuel"),
        (costs("1e13"), "fuel"),
        ({**costs(), "water": D("NaN")}, "water"),
        ({**costs(), "wages": 12.5}, "wages"),
    ],
)
def test_amounts_must_be_cents_not_negative_and_bounded(company, amounts, field):
    with pytest.raises(ValidationError) as refused:
        cost_declare(company=company, start_year=SEASON, user=manager_of(company), amounts=amounts)
    assert field in refused.value.message_dict
    assert not CostDeclaration.objects.exists()


def test_every_category_must_be_given(company):
    amounts = costs()
    del amounts["other"]
    with pytest.raises(ValidationError):
        cost_declare(company=company, start_year=SEASON, user=manager_of(company), amounts=amounts)


def test_the_database_refuses_a_negative_amount(company):
    with pytest.raises(IntegrityError):
        CostDeclaration.objects.create(
            company=company, season_year=SEASON, declared_by=manager_of(company), **costs("-1.00")
        )


def _pdf(name="审计报告.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_an_attachment_is_stored_and_carried_over_to_the_next_declaration(company, tmp_path):
    manager = manager_of(company)
    first = declare(company, SEASON, "1000.00", manager)
    attachment = cost_attachment_add(declaration=first, user=manager, upload=_pdf())
    assert attachment.name == "审计报告.pdf" and attachment.size == len(PDF)
    assert attachment.file.read() == PDF
    assert (tmp_path / attachment.file.name).is_file()
    assert "审计" not in attachment.file.name  # stored under its own name, not the uploader's

    second = declare(company, SEASON, "1100.00", manager)
    carried = second.attachments.get()
    assert carried.file.name == attachment.file.name and carried.sha256 == attachment.sha256
    assert carried.history.get().history_type == "+"
    assert first.attachments.count() == 1


def test_files_go_on_the_current_declaration_only(company):
    manager = manager_of(company)
    first = declare(company, SEASON, "1000.00", manager)
    declare(company, SEASON, "1100.00", manager)
    with pytest.raises(ValidationError):
        cost_attachment_add(declaration=first, user=manager, upload=_pdf())


def test_only_the_manager_attaches(company):
    declaration = declare(company, SEASON, "1000.00")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    with pytest.raises(PermissionDenied):
        cost_attachment_add(declaration=declaration, user=clerk, upload=_pdf())


@pytest.mark.parametrize(
    "upload, code",
    [
        pytest.param(_pdf(name="report.exe"), "extension", id="extension"),
        pytest.param(_pdf(name="report"), "extension", id="no-extension"),
        pytest.param(_pdf(data=PDF + b"x" * 1024), "size", id="too-large"),
        pytest.param(_pdf(data=b""), "empty", id="empty"),
        pytest.param(_pdf(content_type="text/html"), "content", id="claimed-type"),
        pytest.param(_pdf(data=b"<html><script>"), "content", id="not-a-pdf-inside"),
        pytest.param(_pdf(name="x.png"), "content", id="pdf-named-png"),
        pytest.param(_pdf(name="a" * 300 + ".pdf"), "name", id="long-name"),
    ],
)
def test_a_hostile_file_is_refused_in_words(company, upload, code):
    manager = manager_of(company)
    declaration = declare(company, SEASON, "1000.00", manager)
    with pytest.raises(ValidationError) as refused:
        cost_attachment_add(declaration=declaration, user=manager, upload=upload)
    assert refused.value.code == code
    assert not CostAttachment.objects.exists()


def test_a_png_and_a_spreadsheet_are_accepted(company):
    manager = manager_of(company)
    declaration = declare(company, SEASON, "1000.00", manager)
    png = SimpleUploadedFile("发票.PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, content_type="image/png")
    xlsx = SimpleUploadedFile(
        "明细.xlsx",
        b"PK\x03\x04" + b"\0" * 20,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    for upload in (png, xlsx):
        cost_attachment_add(declaration=declaration, user=manager, upload=upload)
    assert declaration.attachments.count() == 2
