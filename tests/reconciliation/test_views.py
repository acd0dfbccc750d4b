"""The reconciliation pages: upload → preview → 确认导入 → the day's differences → a manager resolves
one; clerks see and upload but resolve nothing; another company's day is 404; fixed query counts."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from heating.models import LedgerEntry, Mismatch, Reconciliation, Role
from tests.factories import MembershipFactory, UserFactory
from tests.reconciliation.helpers import FORMATS, Trade, generated_day, paid

LIST = "/company/reconciliation/"


def upload(client, source, trades):
    data = FORMATS[source](trades)
    response = client.post(LIST, {"file": SimpleUploadedFile(f"{source}.csv", data, "text/csv")})
    assert response.status_code == 302
    return response["Location"]


def reconciled(client, source, trades) -> Reconciliation:
    detail = upload(client, source, trades)
    page = client.get(detail)
    assert "statement-summary" in page.content.decode()
    client.post(detail + "commit/")
    return Reconciliation.objects.latest("pk")


def test_a_clerk_uploads_previews_and_commits_and_sees_the_days_differences(
    company, alice, accounts, client_for
):
    day = generated_day("wechat", accounts(8))
    clerk = client_for(alice)
    detail = upload(clerk, "wechat", day.trades)
    assert not Reconciliation.objects.exists()  # a preview keeps nothing
    preview = clerk.get(detail).content.decode()
    assert "2025-12-01" in preview and "HTMISS" not in preview
    clerk.post(detail + "commit/")
    reconciliation = Reconciliation.objects.get()
    assert reconciliation.status == Reconciliation.Status.OPEN and reconciliation.mismatches.count() == 5
    page = clerk.get(f"/company/reconciliation/{reconciliation.pk}/").content.decode()
    assert "HTMISS" in page and "HTONLYUS" in page
    assert 'name="reason"' not in page  # clerks see, managers resolve
    assert "2025-12-01" in clerk.get(LIST).content.decode()


def test_a_statement_with_errors_keeps_nothing_and_names_the_row(company, alice, accounts, client_for):
    clerk = client_for(alice)
    data = FORMATS["bank"]([Trade("B1", "B1", 1, "0001")]).replace(b"0001,1,B1", b"0001,abc,B1")
    response = clerk.post(LIST, {"file": SimpleUploadedFile("bank.csv", data, "text/csv")}, follow=True)
    page = response.content.decode()
    assert "<td>2</td><td>金额</td>" in page and "abc" not in page
    assert not Reconciliation.objects.exists()


def test_a_manager_resolves_a_difference_once(company, martin, accounts, client_for):
    day = generated_day("bank", accounts(8))
    manager = client_for(martin)
    reconciliation = reconciled(manager, "bank", day.trades)
    mismatch = reconciliation.mismatches.get(kind=Mismatch.Kind.MISSING_AT_PROVIDER)
    url = f"/company/reconciliation/mismatches/{mismatch.pk}/resolve/"
    entries = LedgerEntry.objects.count()
    response = manager.post(url, {"action": "reverse", "reason": "银行未收到"})
    assert response.status_code == 302
    manager.post(url, {"action": "reverse", "reason": "银行未收到"})
    assert LedgerEntry.objects.count() == entries + 1
    mismatch.refresh_from_db()
    assert mismatch.action == "reverse" and mismatch.resolved_by == martin
    assert "银行未收到" in manager.get(f"/company/reconciliation/{reconciliation.pk}/").content.decode()


def test_clerks_other_companies_residents_and_strangers_are_refused(
    company, other_company, alice, martin, accounts, client_for
):
    paid("bank", accounts(1)[0], "HTONE", "HTONE", "10.00")
    reconciliation = reconciled(client_for(martin), "bank", [Trade("HTTWO", "HTTWO", 5, "0001")])
    mismatch = reconciliation.mismatches.first()
    day = f"/company/reconciliation/{reconciliation.pk}/"
    resolve = f"/company/reconciliation/mismatches/{mismatch.pk}/resolve/"
    body = {"action": "none", "reason": "x"}
    assert client_for(alice).post(resolve, body).status_code == 403
    other_manager = MembershipFactory(organisation=other_company, role=Role.MANAGER).user
    assert client_for(other_manager).get(day).status_code == 404
    assert client_for(other_manager).post(resolve, body).status_code == 404
    assert day not in client_for(other_manager).get(LIST).content.decode()
    assert client_for(UserFactory()).get(day).status_code == 403
    assert Client().get(day).status_code == 302
    assert Client().post(resolve, body).status_code == 302
    assert client_for(alice).get(resolve).status_code == 405
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None


def test_reimporting_a_resolved_day_is_refused_in_words(company, martin, accounts, client_for):
    manager = client_for(martin)
    paid("bank", accounts(1)[0], "HTONE", "HTONE", "10.00")
    reconciliation = reconciled(manager, "bank", [Trade("HTTWO", "HTTWO", 5, "0001")])
    for mismatch in reconciliation.mismatches.all():
        manager.post(
            f"/company/reconciliation/mismatches/{mismatch.pk}/resolve/", {"action": "none", "reason": "x"}
        )
    detail = upload(manager, "bank", [Trade("HTTWO", "HTTWO", 5, "0001")])
    assert "处理完毕" in manager.get(detail).content.decode()
    assert Reconciliation.objects.get().pk == reconciliation.pk


def test_the_day_page_takes_the_same_queries_for_few_and_many_differences(
    company, martin, accounts, client_for, django_assert_num_queries
):
    manager = client_for(martin)
    made = accounts(40)
    small = reconciled(
        manager, "bank", [Trade(f"X{i}", f"X{i}", 5, a.number) for i, a in enumerate(made[:2])]
    )
    # session, user, membership, the day, its differences (captured_queries is empty after a request
    # on PostgreSQL, where the request closes the connection: the count is written out)
    with django_assert_num_queries(5):
        manager.get(f"/company/reconciliation/{small.pk}/")
    big = reconciled(manager, "bank", [Trade(f"Y{i}", f"Y{i}", 5, a.number) for i, a in enumerate(made)])
    assert big.mismatches.count() == 40
    with django_assert_num_queries(5):
        manager.get(f"/company/reconciliation/{big.pk}/")


def test_the_overview_shows_the_recent_days_status(company, martin, accounts, client_for):
    manager = client_for(martin)
    paid("bank", accounts(1)[0], "HTONE", "HTONE", "10.00")
    reconciliation = reconciled(manager, "bank", [Trade("HTONE", "HTONE", 10, "0001")])
    assert reconciliation.status == Reconciliation.Status.MATCHED
    Reconciliation.objects.filter(pk=reconciliation.pk).update(day=timezone.localdate())
    page = manager.get("/company/").content.decode()
    assert "recent-reconciliations" in page and "一致" in page
