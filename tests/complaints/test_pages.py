"""The complaint pages as each role sees them, and the denials: another household gets 404 for a
complaint and its photos, another company's staff 404, a bureau without the duty 403; the market
bureau sees only complaints flagged as suspected violations. The queue and the oversight page load in
a fixed number of queries."""

import datetime

import pytest

from heating.models import Complaint
from heating.services.complaints import complaint_answer, complaint_measure
from tests.factories import CustomerFactory, UserFactory, make_account
from tests.uploads import PNG

from .conftest import client_of, filed, png

pytestmark = pytest.mark.django_db


def new_url(account):
    return f"/complaints/new/{account.company.code}/{account.number}/"


def test_the_household_files_from_its_home_and_follows_the_complaint(people):
    client = client_of(people.resident)
    assert new_url(people.home) in client.get("/me/").content.decode()
    assert client.get(new_url(people.home)).status_code == 200
    response = client.post(
        new_url(people.home),
        {"category": "cold", "description": "卧室 15 度。", "photos": [png()]},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{complaint.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "待受理" in page and "暖气片.png" in page and "卧室 15 度。" in page
    assert f"/complaints/{complaint.pk}/" in client.get("/complaints/").content.decode()
    photo = complaint.photos.get()
    download = client.get(f"/complaints/photos/{photo.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")


def test_a_refused_form_keeps_what_was_typed_and_says_why(people):
    response = client_of(people.resident).post(
        new_url(people.home),
        {
            "category": "cold",
            "description": "很冷",
            "photos": [png("扫描.pdf", b"%PDF-1.4", "application/pdf")],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "只能上传 JPG 或 PNG 照片" in page and "很冷" in page
    assert not Complaint.objects.exists()


def test_a_resident_sees_only_their_own_complaints(people):
    complaint = filed(people)
    photo = complaint.photos.get()
    neighbour = client_of(people.neighbour)
    for url in (
        f"/complaints/{complaint.pk}/",
        f"/complaints/photos/{photo.pk}/",
        new_url(people.home),
        "/complaints/new/DEMO1/NOPE/",
    ):
        assert neighbour.get(url).status_code == 404, url
    assert (
        neighbour.post(
            f"/complaints/{complaint.pk}/respond/", {"action": "confirm", "rating": "5"}
        ).status_code
        == 404
    )
    assert f"/complaints/{complaint.pk}/" not in neighbour.get("/complaints/").content.decode()
    assert client_of(None).get(f"/complaints/photos/{photo.pk}/").status_code == 404


def test_a_company_sees_only_its_own_complaints(people):
    complaint = filed(people)
    photo = complaint.photos.get()
    other = client_of(people.other_clerk)
    assert other.get(f"/company/complaints/{complaint.pk}/").status_code == 404
    assert (
        other.post(f"/company/complaints/{complaint.pk}/", {"action": "answer", "answer": "x"}).status_code
        == 404
    )
    assert other.get(f"/complaints/photos/{photo.pk}/").status_code == 404
    assert f"/company/complaints/{complaint.pk}/" not in other.get("/company/complaints/").content.decode()
    own = client_of(people.clerk)
    assert f"/company/complaints/{complaint.pk}/" in own.get("/company/complaints/").content.decode()
    assert own.get(f"/complaints/photos/{photo.pk}/").status_code == 200
    # Residents and bureaus are not staff.
    assert client_of(people.resident).get("/company/complaints/").status_code == 403
    assert client_of(people.utilities).get(f"/company/complaints/{complaint.pk}/").status_code == 403


def test_staff_assign_measure_and_answer_on_the_page(people, clock):
    complaint = filed(people)
    clerk = client_of(people.clerk)
    url = f"/company/complaints/{complaint.pk}/"
    assert clerk.post(url, {"action": "assign", "assignee": str(people.fitter.pk)}).status_code == 302
    fitter = client_of(people.fitter)
    at = (clock.now + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # local time on the form
    clock.advance(hours=9)
    response = fitter.post(url, {"action": "measure", "value": "16.4", "place": "主卧室", "measured_at": at})
    assert response.status_code == 302
    page = fitter.get(url).content.decode()
    assert "16.4 °C" in page and "低于 18.0 °C" in page
    response = fitter.post(url, {"action": "answer", "answer": ""})
    assert response.status_code == 400 and "处理情况：请写明做了什么" in response.content.decode()
    assert fitter.post(url, {"action": "answer", "answer": "已排气。"})["Location"] == "/company/complaints/"
    resident = client_of(people.resident)
    page = resident.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "已排气。" in page and "确认办结" in page
    response = resident.post(f"/complaints/{complaint.pk}/respond/", {"action": "confirm", "rating": "5"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "confirmed" and complaint.rating == 5


def test_the_resident_reopens_with_a_reason(people, clock):
    complaint = filed(people, category="meter", description="表不走")
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已换表。")
    url = f"/complaints/{complaint.pk}/respond/"
    resident = client_of(people.resident)
    response = resident.post(url, {"action": "reopen", "reason": ""})
    assert response.status_code == 400 and "理由：请写明哪里还没有解决" in response.content.decode()
    assert resident.post(url, {"action": "reopen", "reason": "新表也不走"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "reopened"


def test_the_queue_filters_and_groups_by_building(people, clock):
    cold = filed(people)
    leak = filed(people, category="leak", description="漏水")
    clock.advance(hours=5)  # the leak is past its 4 hours
    clerk = client_of(people.clerk)
    page = clerk.get("/company/complaints/?state=overdue").content.decode()
    assert f"/company/complaints/{leak.pk}/" in page and f"/company/complaints/{cold.pk}/" not in page
    page = clerk.get("/company/complaints/?category=cold").content.decode()
    assert f"/company/complaints/{cold.pk}/" in page and f"/company/complaints/{leak.pk}/" not in page
    page = clerk.get(
        f"/company/complaints/?building={people.neighbours_home.premises.building_id}"
    ).content.decode()
    assert "没有符合条件的投诉报修" in page
    assert (
        people.home.premises.building.name in clerk.get("/company/complaints/?state=bogus").content.decode()
    )


def test_the_queue_loads_in_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    for _ in range(12):
        holder = UserFactory()
        home = make_account(
            company=people.company, customer=CustomerFactory(company=people.company, user=holder)
        )
        filed(people, user=holder, account_id=home.pk)
    clerk = client_of(people.clerk)
    with django_assert_max_num_queries(12):
        page = clerk.get("/company/complaints/?state=all")
    assert page.content.decode().count('class="card state-filed"') == 12


def test_the_administration_sees_every_company_s_figures_and_the_chart(
    people, clock, django_assert_max_num_queries
):
    answered = filed(people)
    complaint_measure(
        user=people.clerk, complaint_id=answered.pk, value="15.0", place="客厅", measured_at=clock.now
    )
    clock.advance(hours=6)
    complaint_answer(user=people.clerk, complaint_id=answered.pk, answer="已处理")
    late = filed(people, category="leak", description="漏水")
    clock.advance(hours=5)
    officer = client_of(people.utilities)
    with django_assert_max_num_queries(14):
        response = officer.get("/bureau/complaints/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="overdue">1<' in page and 'class="answered">1<' in page and 'class="open">1<' in page
    assert "6.0 / 6.0 小时" in page
    assert f"/bureau/complaints/{late.pk}/" in page  # the overdue list
    assert 'id="cold-chart-data"' in page and people.home.premises.building.name in page
    assert officer.get(f"/bureau/complaints/{answered.pk}/").status_code == 200
    photo = answered.photos.get()
    assert officer.get(f"/complaints/photos/{photo.pk}/").status_code == 200


def test_the_market_bureau_sees_only_suspected_violations(people):
    cold = filed(people)
    suspected = filed(people, category="price", description="单价高于公布价格", suspected_violation=True)
    market = client_of(people.market)
    assert market.get("/start/").url == "/supervision/"  # its price checks, which link the complaints
    assert 'href="/bureau/complaints/"' in market.get("/supervision/").content.decode()
    page = market.get("/bureau/complaints/").content.decode()
    assert f"/bureau/complaints/{suspected.pk}/" in page and "各供热企业的投诉报修" not in page
    assert market.get(f"/bureau/complaints/{suspected.pk}/").status_code == 200
    assert market.get(f"/bureau/complaints/{cold.pk}/").status_code == 404
    assert market.get(f"/complaints/photos/{cold.photos.get().pk}/").status_code == 404


def test_a_bureau_without_the_duty_and_a_resident_are_refused(people):
    complaint = filed(people)
    for user in (people.other_officer, people.resident, people.clerk):
        client = client_of(user)
        assert client.get("/bureau/complaints/").status_code == 403
        assert client.get(f"/bureau/complaints/{complaint.pk}/").status_code == 403
    assert (
        client_of(people.other_officer).get(f"/complaints/photos/{complaint.photos.get().pk}/").status_code
        == 404
    )


def test_the_pages_speak_english(people):
    complaint = filed(people)
    client = client_of(people.resident)
    client.cookies["django_language"] = "en"
    page = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Room too cold" in page
