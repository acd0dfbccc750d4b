"""The bureau starts a check, reads and exports its findings and decides a case; a company reads only
its own findings and answers; other bureaus, other companies and residents are refused."""

import csv
import io

import pytest
from django.urls import reverse

from heating.models import Job
from supervision.models import Case, ComplianceCheck, Finding

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_the_bureau_starts_a_check_from_the_form(
    client, market, company, planted, django_capture_on_commit_callbacks
):
    _bureau, officer = market
    with django_capture_on_commit_callbacks(execute=True):
        response = _login(client, officer).post(
            reverse("supervision-home"), {"company": "C1", "season": "2019-2020", "deadline": "2020-06-30"}
        )
    check = ComplianceCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision-check", args=[check.pk]
    )
    assert check.company == company and Job.objects.get(pk=check.job_id).state == Job.State.DONE
    assert check.findings.count() == 4


@pytest.mark.parametrize(
    "form",
    [
        {"season": "2019", "deadline": "2020-06-30"},
        {"season": "2019-2020", "deadline": "x"},
        {"season": "1990-1991", "deadline": "2020-06-30"},
    ],
)
def test_a_wrong_form_is_answered_400(client, market, form):
    response = _login(client, market[1]).post(reverse("supervision-home"), form)
    assert response.status_code == 400 and not ComplianceCheck.objects.exists()


def test_the_bureau_sees_every_finding_and_filters(client, market, check, django_assert_max_num_queries):
    _login(client, market[1])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("supervision-check", args=[check.pk]))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 8
    response = client.get(
        reverse("supervision-check", args=[check.pk]), {"kind": "refund_overdue", "company": "C2"}
    )
    assert [f.company.code for f in response.context["page"]] == ["C2"]
    assert client.get(reverse("supervision-check-progress", args=[check.pk])).json()["state"] == "done"


def test_a_company_sees_only_its_own_findings(client, clerk, check, company):
    _login(client, clerk)
    response = client.get(reverse("supervision-check", args=[check.pk]), {"company": "C2"})
    assert {f.company_id for f in response.context["page"]} == {company.pk}
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("supervision-findings-csv", args=[check.pk])).content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 5 and {r[0] for r in rows[1:]} == {"C1"}
    assert client.get(reverse("supervision-home")).status_code == 200
    assert (
        client.post(
            reverse("supervision-home"), {"season": "2019-2020", "deadline": "2020-06-30"}
        ).status_code
        == 403
    )
    findings = list(Finding.objects.filter(company=company).values_list("pk", flat=True))
    assert (
        client.post(reverse("supervision-case-new", args=[check.pk]), {"finding": findings}).status_code
        == 403
    )
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["other_bureau_officer", "resident"])
def test_others_are_refused(client, check, who, request):
    _login(client, request.getfixturevalue(who))
    assert client.get(reverse("supervision-home")).status_code == 403
    for name in (
        "supervision-check",
        "supervision-findings-csv",
        "supervision-findings-xlsx",
        "supervision-report",
        "supervision-check-progress",
    ):
        assert client.get(reverse(name, args=[check.pk])).status_code == 404
    assert (
        client.post(reverse("supervision-case-new", args=[check.pk]), {"finding": ["1"]}).status_code == 404
    )


def test_another_market_bureau_cannot_see_the_check(client, check):
    from .helpers import market_bureau

    _login(client, market_bureau()[1])
    assert client.get(reverse("supervision-check", args=[check.pk])).status_code == 404


def test_a_case_from_findings_to_decision_to_answer(client, market, check, clerk, other_clerk, company):
    _bureau, officer = market
    mine = list(Finding.objects.filter(company=company, kind__in=["fee_above_policy", "refund_overdue"]))
    _login(client, officer)
    response = client.post(
        reverse("supervision-case-new", args=[check.pk]), {"finding": [f.pk for f in mine], "text": "立案"}
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("supervision-case", args=[case.pk])
    assert set(case.findings.all()) == set(mine) and case.company == company
    mixed = list(Finding.objects.filter(check_run=check).values_list("pk", flat=True))
    client.post(reverse("supervision-case-new", args=[check.pk]), {"finding": mixed})
    assert Case.objects.count() == 1  # a case is about one company
    step = reverse("supervision-case-step", args=[case.pk])
    client.post(step, {"decision": "penalty", "text": "罚款"})  # no amount: refused
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    client.post(step, {"decision": "penalty", "penalty": "5000.00", "text": "罚款"})
    case.refresh_from_db()
    assert (case.state, case.decision, case.penalty) == (Case.State.DECIDED, "penalty", 5000)

    _login(client, other_clerk)
    assert client.get(reverse("supervision-case", args=[case.pk])).status_code == 404
    assert client.post(step, {"text": "已退"}).status_code == 404
    _login(client, clerk)
    page = client.get(reverse("supervision-case", args=[case.pk]))
    assert page.status_code == 200 and "answer" in page.content.decode()
    client.post(step, {"text": "已退还多收费用"})
    case.refresh_from_db()
    assert case.state == Case.State.ANSWERED and case.company_answer == "已退还多收费用"
    assert [e.kind for e in case.events.all()] == ["opened", "decided", "answered"]


def test_exports_and_report(client, market, check):
    _login(client, market[1])
    xlsx = client.get(reverse("supervision-findings-xlsx", args=[check.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    text = client.get(
        reverse("supervision-findings-csv", args=[check.pk]), {"kind": "fee_above_policy"}
    ).content.decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 3
    report = client.get(reverse("supervision-report", args=[check.pk]))
    assert report.status_code == 200 and "no-print" in report.content.decode()
