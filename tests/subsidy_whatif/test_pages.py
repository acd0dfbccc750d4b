"""The what-if pages: only the bureau holding the price-policy duty runs and reads what-ifs; a run
writes nothing but the what-if; its page shows both policies side by side, in a fixed number of
queries; the exports hold the same figures."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from heating.models import LedgerEntry, Role, Statement
from heating.models.orgs import Duty
from subsidy.models import Claim, WhatIf
from subsidy.services.whatif import whatif_compute
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, UserFactory

from .helpers import draft_of, in_force, make_account, pay, price_officer, settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    companies = [CompanyFactory(), CompanyFactory()]
    for company in companies:
        homes = [make_account(company=company, area=area) for area in ("80.00", "95.50", "120.25")]
        pay(homes[0], "1680.00")
        settle(company)
    return companies


@pytest.fixture
def drafts(county):
    policy = in_force()
    return (
        draft_of(policy, code="草案甲", residential_area_price=policy.residential_area_price + 1),
        draft_of(policy, code="草案乙", residential_area_price=policy.residential_area_price - 2),
    )


def _run(client, drafts, on_commit):
    with on_commit(execute=True):
        response = client.post(
            reverse("whatif-new"), {"season": "2019", "policy": drafts[0].pk, "other": drafts[1].pk}
        )
    assert response.status_code == 302, response.content.decode()[:400]
    return WhatIf.objects.get()


def test_the_price_bureau_runs_two_drafts_side_by_side_and_nothing_else_is_written(
    client, drafts, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(price_officer())
    form = client.get(reverse("whatif-new") + f"?policy={drafts[1].pk}")
    assert form.status_code == 200
    assert f'<option value="{drafts[1].pk}" selected>' in form.content.decode()
    counts = Statement.objects.count(), LedgerEntry.objects.count(), Claim.objects.count()

    whatif = _run(client, drafts, django_capture_on_commit_callbacks)

    assert (Statement.objects.count(), LedgerEntry.objects.count(), Claim.objects.count()) == counts
    assert whatif.job.state == "done"
    # The job's result is what the same what-if gives run in one process.
    assert whatif.result == whatif_compute(2019, list(drafts))
    higher, lower = whatif.result["policies"]
    assert (higher["more"], higher["less"], lower["more"], lower["less"]) == (6, 0, 0, 6)
    area = sum(s.billing_area for s in Statement.objects.all())
    change = Decimal(higher["county"]["revenue_after"]) - Decimal(higher["county"]["revenue_before"])
    assert change == area
    with django_assert_max_num_queries(12):
        page = client.get(reverse("whatif", args=[whatif.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for n in (1, 2):
        for table in ("histogram", "groups", "companies", "top"):
            assert f'id="{table}-{n}"' in html
    assert "草案甲" in html and "草案乙" in html and 'id="whatif-charts"' in html
    progress = client.get(reverse("whatif-progress", args=[whatif.pk])).json()
    assert (progress["state"], progress["done"], progress["total"]) == ("done", 6, 6)


def test_the_exports_hold_the_companies_and_the_county(client, drafts, django_capture_on_commit_callbacks):
    client.force_login(price_officer())
    whatif = _run(client, drafts, django_capture_on_commit_callbacks)

    text = client.get(reverse("whatif-csv", args=[whatif.pk])).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 2 * 3  # a header, then two companies and the county per draft
    assert lines[3].startswith("草案甲,全县合计,6,")
    book = load_workbook(io.BytesIO(client.get(reverse("whatif-xlsx", args=[whatif.pk])).content))
    assert len(book.sheetnames) == 4
    top = list(book.worksheets[3].iter_rows(values_only=True))
    assert len(top) == 1 + 12 and all("*" in row[2] for row in top[1:])  # numbers masked


def test_nobody_without_the_price_policy_duty_runs_or_reads_a_whatif(
    client, drafts, django_capture_on_commit_callbacks, county
):
    officer = price_officer()
    client.force_login(officer)
    whatif = _run(client, drafts, django_capture_on_commit_callbacks)
    resident = UserFactory()
    home = Statement.objects.first().account.customer
    home.user = resident
    home.save()
    others = [
        resident,
        MembershipFactory(organisation=county[0], role=Role.MANAGER).user,
        MembershipFactory(organisation=BureauFactory(duties=[Duty.SUBSIDY_APPROVE])).user,
    ]
    for user in others:
        client.force_login(user)
        assert client.get(reverse("whatif-new")).status_code == 403
        assert (
            client.post(reverse("whatif-new"), {"season": "2019", "policy": drafts[0].pk}).status_code == 403
        )
        for name in ("whatif", "whatif-progress", "whatif-csv", "whatif-xlsx"):
            assert client.get(reverse(name, args=[whatif.pk])).status_code == 403
    # Another bureau with the duty does not see this one's what-if.
    client.force_login(price_officer())
    assert client.get(reverse("whatif", args=[whatif.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("whatif", args=[whatif.pk])).status_code == 302  # to sign in
    assert WhatIf.objects.count() == 1


def test_a_season_not_over_or_a_missing_policy_is_refused_in_words(client, drafts):
    client.force_login(price_officer())
    response = client.post(reverse("whatif-new"), {"season": "2099", "policy": drafts[0].pk})
    assert response.status_code == 400 and "请选择已经结束的供暖季" in response.content.decode()
    response = client.post(reverse("whatif-new"), {"season": "2019", "policy": "x"})
    assert response.status_code == 400 and "请选择要测算的价格政策" in response.content.decode()
    response = client.post(
        reverse("whatif-new"), {"season": "2019", "policy": drafts[0].pk, "other": drafts[0].pk}
    )
    assert response.status_code == 400
    assert not WhatIf.objects.exists()


def test_the_price_bureau_finds_the_what_if_from_its_subsidy_queue(client):
    """The demo's development-and-reform bureau also reviews claims: its landing is the subsidy queue."""
    officer = price_officer()
    officer.memberships.get().organisation.duties.create(duty=Duty.SUBSIDY_REVIEW)
    client.force_login(officer)
    assert 'id="price-whatif"' in client.get(reverse("subsidy-queue")).content.decode()
