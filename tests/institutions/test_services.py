"""The application at service level: who may apply, what is refused, who decides each category, and
what an approval does to the bills (POLICY.md §1, §10.2, §11)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from heating.billing import INSTITUTION, NON_RESIDENTIAL
from heating.models import AccountTerms, InstitutionApplication, InstitutionApproval, InstitutionDocument
from heating.models.accounts import Decision
from heating.selectors.bills import season_bills
from heating.selectors.facts import account_facts
from heating.selectors.statements import resettlements_due
from heating.services.decisions import institution_decide
from tests.factories import make_account
from tests.uploads import PNG

from .conftest import applied, pdf


def test_the_contact_applies_and_the_application_waits_for_a_decision(county):
    approval = applied(county, documents=[pdf(), pdf("平面图.png", PNG, "image/png")])
    assert (approval.status, approval.category, approval.from_year) == (Decision.PENDING, "school", 2019)
    application = approval.application
    assert application.applied_by == county.contact
    assert "1000 平方米" in application.statement
    assert [d.name for d in application.documents.order_by("id")] == ["办学许可证.pdf", "平面图.png"]
    assert application.documents.first().file.read().startswith(b"%PDF-")


def test_the_company_applies_on_the_institutions_behalf(county):
    approval = applied(county, user=county.clerk)
    assert approval.application.applied_by == county.clerk


@pytest.mark.parametrize("who", ["other_contact", "other_clerk", "education"])
def test_nobody_else_applies_for_the_account(county, who):
    with pytest.raises(PermissionDenied):
        applied(county, user=getattr(county, who))
    assert not InstitutionApproval.objects.exists()


def test_a_residential_home_is_not_an_institution_account(county):
    home = make_account(company=county.company, customer=county.school.customer)
    with pytest.raises(PermissionDenied):
        applied(county, account_id=home.pk)


def test_rented_out_space_stays_non_residential(county):
    AccountTerms.objects.create(account=county.school, from_year=2020, price_class=NON_RESIDENTIAL)
    with pytest.raises(ValidationError) as refused:
        applied(county, from_year=2020)
    assert "出租或经营用房" in refused.value.message_dict["from_year"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "hospital"}, "category"),
        ({"from_year": 1999}, "from_year"),
        ({"statement": "  "}, "statement"),
        ({"statement": "字" * 2001}, "statement"),
        ({"documents": [pdf() for _ in range(6)]}, "documents"),
        ({"documents": [pdf(data=b"MZ" + b"\0" * 30)]}, "documents"),
        ({"documents": [pdf("a.exe")]}, "documents"),
        ({"documents": [pdf(data=b"%PDF-" + b"\0" * (5 * 1024 * 1024))]}, "documents"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_kept(county, change, field):
    with pytest.raises(ValidationError) as refused:
        applied(county, **change)
    assert field in refused.value.message_dict
    assert not InstitutionApproval.objects.exists()
    assert not InstitutionDocument.objects.exists()


def test_one_application_waits_per_account_and_one_per_season(county):
    applied(county)
    with pytest.raises(ValidationError) as pending:
        applied(county, from_year=2020)
    assert "account" in pending.value.message_dict
    institution_decide(user=county.education, approval_id=InstitutionApproval.objects.get().pk, approve=False,
                       comment="未提供办学许可证。")
    with pytest.raises(ValidationError) as taken:
        applied(county)
    assert "from_year" in taken.value.message_dict
    assert applied(county, from_year=2020).status == Decision.PENDING
    assert InstitutionApplication.objects.count() == 2


@pytest.mark.parametrize(
    ("category", "competent", "refused"),
    [
        ("school", "education", ["hr", "civil", "clerk", "contact"]),
        ("kindergarten", "education", ["hr", "civil", "clerk"]),
        ("vocational", "hr", ["education", "civil", "clerk"]),
        ("welfare", "civil", ["education", "hr", "clerk"]),
    ],
)
def test_only_the_bureau_holding_the_categorys_duty_decides(county, category, competent, refused):
    approval = applied(county, category=category)
    for who in refused:
        with pytest.raises(PermissionDenied):
            institution_decide(user=getattr(county, who), approval_id=approval.pk, approve=True)
    approval.refresh_from_db()
    assert approval.status == Decision.PENDING
    institution_decide(user=getattr(county, competent), approval_id=approval.pk, approve=True)
    approval.refresh_from_db()
    assert approval.status == Decision.APPROVED
    assert approval.decided_duty == InstitutionApproval.DUTIES[category]


def test_an_approval_bills_the_residential_price_from_its_season_and_resettles_it(county):
    before = season_bills([county.school], 2019)[county.school.pk].breakdown
    assert account_facts(county.school, 2019).price_class == NON_RESIDENTIAL
    assert resettlements_due(county.company, 2019) == []

    approval = applied(county)
    assert account_facts(county.school, 2019).price_class == NON_RESIDENTIAL  # pending counts for nothing
    institution_decide(user=county.education, approval_id=approval.pk, approve=True)

    assert account_facts(county.school, 2019).price_class == INSTITUTION
    after = season_bills([county.school], 2019)[county.school.pk].breakdown
    # 1,000 m² at 21 元 instead of 35 元 (POLICY.md §1).
    assert (before.heating_fee, after.heating_fee) == (before.heating_fee, before.heating_fee * 21 / 35)
    assert [r.account for r in resettlements_due(county.company, 2019)] == [county.school]


def test_an_approval_from_a_later_season_leaves_the_earlier_one_alone(county):
    approval = applied(county, from_year=2020)
    institution_decide(user=county.education, approval_id=approval.pk, approve=True)
    assert account_facts(county.school, 2019).price_class == NON_RESIDENTIAL
    assert account_facts(county.school, 2020).price_class == INSTITUTION
    assert resettlements_due(county.company, 2019) == []


def test_a_rejection_needs_its_reason_and_keeps_the_non_residential_price(county):
    approval = applied(county)
    with pytest.raises(ValidationError):
        institution_decide(user=county.education, approval_id=approval.pk, approve=False, comment="")
    institution_decide(
        user=county.education, approval_id=approval.pk, approve=False, comment="部分用房出租。"
    )
    approval.refresh_from_db()
    assert (approval.status, approval.comment) == (Decision.REJECTED, "部分用房出租。")
    assert account_facts(county.school, 2019).price_class == NON_RESIDENTIAL
    assert resettlements_due(county.company, 2019) == []
