"""The dispute pages as each role sees them, the denials (another household, another company's staff,
a bureau without the duty get 404/403), the landing of the bureau and the queues' query counts."""

import pytest

from heating.models import AreaDecision, AreaDispute
from heating.services.disputes import dispute_decide
from tests.uploads import PDF

from .conftest import answered, client_of, filed, pdf

pytestmark = pytest.mark.django_db


def new_url(account):
    return f"/disputes/new/{account.company.code}/{account.number}/"


def test_the_household_files_from_its_home_and_follows_the_dispute(people):
    client = client_of(people.resident)
    assert "对计费面积有异议" in client.get("/me/").content.decode()
    page = client.get(new_url(people.home))
    assert page.status_code == 200
    assert 'value="80.00"' in page.content.decode()  # the recorded part, to correct
    response = client.post(
        new_url(people.home),
        {
            "from_year": "2019",
            "part-0-kind": "flat",
            "part-0-area": "70.00",
            "part-1-kind": "",
            "part-1-area": "",
            "statement": "房产证面积 70 平方米。",
            "documents": [pdf()],
        },
    )
    dispute = AreaDispute.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/{dispute.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "待企业答复" in page and "房产证.pdf" in page and "70.00 m²" in page
    document = dispute.documents.get()
    download = client.get(f"/disputes/files/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # With a dispute open, the form shows that dispute instead.
    assert client.get(new_url(people.home))["Location"] == f"/disputes/{dispute.pk}/"


def test_a_refused_form_keeps_what_was_typed_and_says_why(people):
    response = client_of(people.resident).post(
        new_url(people.home),
        {"from_year": "2019", "part-0-kind": "flat", "part-0-area": "-5", "statement": "不对"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "采暖部位：面积请填写" in page and 'value="-5"' in page and "不对" in page
    assert not AreaDispute.objects.exists()


def test_the_company_answers_and_the_bureau_decides_on_their_pages(people):
    dispute = filed(people)
    clerk = client_of(people.clerk)
    assert f"/company/disputes/{dispute.pk}/" in clerk.get("/company/disputes/").content.decode()
    response = clerk.post(f"/company/disputes/{dispute.pk}/", {"response": "按测绘报告。"})
    assert response.status_code == 302
    officer = client_of(people.officer)
    assert officer.get("/start/")["Location"] == "/bureau/disputes/"
    assert f"/bureau/disputes/{dispute.pk}/" in officer.get("/bureau/disputes/").content.decode()
    response = officer.post(
        f"/bureau/disputes/{dispute.pk}/",
        {"outcome": "upheld", "area": "70.00", "reference": "源住建认〔2020〕3号", "reason": "以房产证为准"},
    )
    assert response.status_code == 302
    assert AreaDecision.objects.get(account=people.home).area == 70
    page = client_of(people.resident).get(f"/disputes/{dispute.pk}/").content.decode()
    assert "已认定（支持）" in page and "源住建认〔2020〕3号" in page and "70.00 m²" in page


def test_a_decision_form_refused_names_the_field(people):
    dispute = answered(people)
    response = client_of(people.officer).post(
        f"/bureau/disputes/{dispute.pk}/", {"outcome": "upheld", "area": "", "reference": "x"}
    )
    assert response.status_code == 400 and "认定计费面积：" in response.content.decode()


def test_another_household_gets_404_everywhere(people):
    dispute = filed(people)
    document = dispute.documents.get()
    neighbour = client_of(people.neighbour)
    assert neighbour.get(new_url(people.home)).status_code == 404
    assert neighbour.get(f"/disputes/{dispute.pk}/").status_code == 404
    assert neighbour.post(f"/disputes/{dispute.pk}/withdraw/").status_code == 404
    assert neighbour.get(f"/disputes/files/{document.pk}/").status_code == 404
    assert client_of(None).get(f"/disputes/files/{document.pk}/").status_code == 404
    assert AreaDispute.objects.get().state == AreaDispute.State.FILED


def test_staff_do_not_file_for_a_household(people):
    assert client_of(people.clerk).get(new_url(people.home)).status_code == 404
    bill = client_of(people.clerk).get(f"/me/{people.home.company.code}/{people.home.number}/2019-2020/")
    assert bill.status_code == 200 and "对计费面积有异议" not in bill.content.decode()


def test_another_companys_staff_get_404_and_residents_403(people):
    dispute = filed(people)
    other = client_of(people.other_clerk)
    assert f"/company/disputes/{dispute.pk}/" not in other.get("/company/disputes/").content.decode()
    assert other.get(f"/company/disputes/{dispute.pk}/").status_code == 404
    assert other.post(f"/company/disputes/{dispute.pk}/", {"response": "x"}).status_code == 404
    assert other.get(f"/disputes/files/{dispute.documents.get().pk}/").status_code == 404
    assert client_of(people.resident).get("/company/disputes/").status_code == 403
    assert AreaDispute.objects.get().state == AreaDispute.State.FILED


def test_a_bureau_without_the_duty_gets_403(people):
    dispute = answered(people)
    other = client_of(people.other_officer)
    assert other.get("/bureau/disputes/").status_code == 403
    assert other.get(f"/bureau/disputes/{dispute.pk}/").status_code == 403
    response = other.post(f"/bureau/disputes/{dispute.pk}/", {"outcome": "rejected", "reason": "x"})
    assert response.status_code == 403
    assert other.get(f"/disputes/files/{dispute.documents.get().pk}/").status_code == 404
    assert other.get("/start/")["Location"] != "/bureau/disputes/"
    for user in (people.clerk, people.resident):
        assert client_of(user).get("/bureau/disputes/").status_code == 403
    assert AreaDispute.objects.get().state == AreaDispute.State.ANSWERED


def test_the_deciding_bureau_lands_on_its_queue_and_its_inbox_links_it(people):
    officer = client_of(people.officer)
    assert officer.get("/start/")["Location"] == "/bureau/disputes/"  # its only work
    assert "目前没有待认定" in officer.get("/bureau/disputes/").content.decode()


def _more_disputes(people, n, first=0):
    from tests.factories import CustomerFactory, make_account

    for i in range(first, first + n):
        account = make_account(
            company=people.company, number=f"H9{i:03}",
            customer=CustomerFactory(company=people.company, user=people.resident),
        )
        answered(people, account_id=account.pk, documents=[pdf(), pdf(name="b.pdf")])


def test_the_queues_do_not_grow_with_the_disputes(people, django_assert_num_queries):
    _more_disputes(people, 1)
    clerk, officer = client_of(people.clerk), client_of(people.officer)
    clerk.get("/company/disputes/")
    officer.get("/bureau/disputes/")
    with django_assert_num_queries(4) as company_one:
        clerk.get("/company/disputes/")
    with django_assert_num_queries(7) as bureau_one:
        officer.get("/bureau/disputes/")
    _more_disputes(people, 4, first=1)
    dispute_decide(
        user=people.officer, dispute_id=AreaDispute.objects.first().pk, upheld=False, reason="测绘为准"
    )
    with django_assert_num_queries(len(company_one)):
        assert clerk.get("/company/disputes/").content.decode().count("/company/disputes/") >= 5
    with django_assert_num_queries(len(bureau_one)):
        assert officer.get("/bureau/disputes/").status_code == 200
