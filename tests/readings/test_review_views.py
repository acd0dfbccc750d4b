"""待复核读数 /company/readings/review/, the confirm/void/correct forms and /company/meters/<serial>/."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from heating.models import Meter, Reading
from tests.factories import TZ, CompanyFactory, ReadingFactory, aware

from .helpers import building_with_meters

pytestmark = pytest.mark.django_db

REVIEW = reverse("reading-review")
FLAGGED, VALID, VOID = Reading.Status.FLAGGED, Reading.Status.VALID, Reading.Status.VOID


@pytest.fixture
def meter(company):
    _, (meter,) = building_with_meters(company, 1, previous=None)
    ReadingFactory(meter=meter, read_at=aware(2023, 12, 1, 8), value_gj=Decimal("100"))
    return meter


def flag(meter, day, value):
    return ReadingFactory(
        meter=meter,
        read_at=aware(2023, 12, day, 8),
        value_gj=Decimal(value),
        status=FLAGGED,
        flags=["implausible_use"],
    )


def notes(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the queue ------------------------------------------------------------------------------------


def test_the_queue_lists_the_companys_flagged_readings_with_their_implied_use(client_in, meter):
    held = flag(meter, 11, "150")
    _, (foreign,) = building_with_meters(CompanyFactory(), 1)
    foreign_flag = flag(foreign, 11, "999")

    response = client_in.get(REVIEW)

    assert response.status_code == 200
    (row,) = response.context["page"].object_list
    assert row == held
    assert (row.prev_value, row.daily_use) == (Decimal("100"), Decimal("5.000"))
    assert row.flag_labels == ["用热量异常偏高"]
    html = response.content.decode()
    assert meter.serial in html and meter.account.number in html and foreign.serial not in html
    assert reverse("reading-confirm", args=[held.pk]) in html
    assert reverse("reading-void", args=[foreign_flag.pk]) not in html


def test_the_queue_takes_a_fixed_number_of_queries(client_in, company, django_assert_max_num_queries):
    _, meters = building_with_meters(company, 30)
    counts = []
    for count in (1, 30):
        for meter in meters[:count]:
            if not meter.readings.filter(status=FLAGGED).exists():
                flag(meter, 11, "150")
        with django_assert_max_num_queries(6) as captured:
            response = client_in.get(REVIEW)
        assert len(response.context["page"].object_list) == count
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_confirming_from_the_queue(client_in, clerk, meter):
    held = flag(meter, 2, "101.5")

    response = client_in.post(
        reverse("reading-confirm", args=[held.pk]), {"next": REVIEW, "reason": "入户核实"}, follow=True
    )

    assert response.redirect_chain == [(REVIEW, 302)]
    held.refresh_from_db()
    assert (held.status, held.confirmed, held.confirmed_by) == (VALID, True, clerk)
    assert held.confirm_reason == "入户核实"
    assert notes(response) == [f"已确认 {meter.serial} 的读数"]
    # The queue shows what was confirmed, by whom, when and why.
    (recent,) = response.context["recently_confirmed"]
    assert recent == held
    html = response.content.decode()
    assert "入户核实" in html and clerk.username in html


@pytest.mark.parametrize("reason", ["", "   "])
def test_confirming_without_a_reason_is_refused_with_a_message(client_in, meter, reason):
    held = flag(meter, 2, "5100")

    response = client_in.post(
        reverse("reading-confirm", args=[held.pk]), {"next": REVIEW, "reason": reason}, follow=True
    )

    held.refresh_from_db()
    assert (held.status, held.confirmed, held.confirm_reason) == (FLAGGED, False, "")
    assert notes(response) == ["请填写确认原因，例如核实过的情况"]


def test_the_queue_asks_for_the_reason_to_confirm(client_in, meter):
    held = flag(meter, 2, "5100")

    html = client_in.get(REVIEW).content.decode()

    form = html[html.index(reverse("reading-confirm", args=[held.pk])) :]
    form = form[: form.index("</form>")]
    assert 'name="reason" required' in form


def test_a_refused_confirmation_says_why_in_chinese(client_in, meter):
    held = flag(meter, 2, "500")
    ReadingFactory(meter=meter, read_at=aware(2023, 12, 3, 8), value_gj=Decimal("200"))

    response = client_in.post(
        reverse("reading-confirm", args=[held.pk]), {"next": REVIEW, "reason": "核实"}, follow=True
    )

    held.refresh_from_db()
    assert held.status == FLAGGED
    assert notes(response) == ["高于此后 2023-12-03 08:00 的读数 200.0 GJ：不能确认，请作废或更正该读数"]


def test_voiding_needs_a_reason(client_in, meter):
    held = flag(meter, 2, "500")
    url = reverse("reading-void", args=[held.pk])

    response = client_in.post(url, {"reason": " ", "next": REVIEW}, follow=True)
    held.refresh_from_db()
    assert held.status == FLAGGED
    assert notes(response) == ["请填写作废原因"]

    client_in.post(url, {"reason": "表坏了", "next": REVIEW})
    held.refresh_from_db()
    assert (held.status, held.void_reason) == (VOID, "表坏了")


def test_correcting_from_the_queue(client_in, meter):
    held = flag(meter, 2, "1005")

    response = client_in.post(
        reverse("reading-correct", args=[held.pk]),
        {"value": "100.5", "unit": "GJ", "reason": "多按了一个 0", "next": REVIEW},
        follow=True,
    )

    held.refresh_from_db()
    new = held.corrections.get()
    assert (held.status, new.value_gj, new.status, new.read_at) == (
        VOID,
        Decimal("100.5"),
        VALID,
        held.read_at,
    )
    assert notes(response) == [f"已更正 {meter.serial} 的读数"]


def test_a_refused_correction_changes_nothing(client_in, meter):
    held = flag(meter, 2, "1005")

    response = client_in.post(
        reverse("reading-correct", args=[held.pk]),
        {"value": "99", "unit": "GJ", "reason": "改小", "next": REVIEW},
        follow=True,
    )

    held.refresh_from_db()
    assert held.status == FLAGGED and not held.corrections.exists()
    assert notes(response) == ["更正值未保存：低于此前 2023-12-01 08:00 的读数 100.0 GJ"]


def test_actions_on_another_companys_reading_are_not_found(client_in):
    _, (foreign,) = building_with_meters(CompanyFactory(), 1)
    held = flag(foreign, 11, "999")

    for name, data in (
        ("reading-confirm", {}),
        ("reading-void", {"reason": "x"}),
        ("reading-correct", {"value": "1", "unit": "GJ", "reason": "x"}),
    ):
        assert client_in.post(reverse(name, args=[held.pk]), data).status_code == 404
    held.refresh_from_db()
    assert held.status == FLAGGED


def test_an_unsafe_next_is_ignored(client_in, meter):
    held = flag(meter, 2, "101.5")

    response = client_in.post(reverse("reading-confirm", args=[held.pk]), {"next": "https://evil.example/"})

    assert response.url == reverse("meter-detail", kwargs={"serial": meter.serial})


def test_actions_need_post(client_in, meter):
    held = flag(meter, 2, "101.5")
    assert client_in.get(reverse("reading-confirm", args=[held.pk])).status_code == 405


# --- a meter's history and its exchange -----------------------------------------------------------


def test_the_meter_page_lists_void_readings_with_reason_who_and_corrections(client_in, clerk, meter):
    held = flag(meter, 2, "1005")
    client_in.post(
        reverse("reading-correct", args=[held.pk]), {"value": "100.5", "unit": "GJ", "reason": "多按了一个 0"}
    )
    new = held.corrections.get()
    confirmed = flag(meter, 5, "5000")
    client_in.post(reverse("reading-confirm", args=[confirmed.pk]), {"reason": "换了散热器，用热确实多"})

    response = client_in.get(reverse("meter-detail", kwargs={"serial": meter.serial}))

    assert response.status_code == 200
    readings = response.context["readings"]
    first = meter.readings.order_by("pk").first()
    assert [r.pk for r in readings] == [first.pk, held.pk, new.pk, confirmed.pk]
    assert readings[1].corrected_by == [new]
    html = response.content.decode()
    assert "多按了一个 0" in html and "已作废" in html and "clerk" in html
    confirmed.refresh_from_db()
    at = f"{confirmed.confirmed_at.astimezone(TZ):%Y-%m-%d %H:%M}"
    assert f"clerk 于 {at} 确认，原因：换了散热器，用热确实多" in html
    assert f'href="#r{new.pk}"' in html and f'href="#r{held.pk}"' in html
    assert 'name="new_serial"' in html


def test_another_companys_meter_is_not_found(client_in):
    _, (foreign,) = building_with_meters(CompanyFactory(), 1)

    assert client_in.get(reverse("meter-detail", kwargs={"serial": foreign.serial})).status_code == 404
    replace = reverse("meter-replace", kwargs={"serial": foreign.serial})
    assert client_in.post(replace, {"new_serial": "N"}).status_code == 404
    assert Meter.objects.filter(serial="N").count() == 0


def exchange(meter, **overrides):
    return {
        "new_serial": "NEW-1",
        "at": "2024-01-05T09:30",
        "old_final_value": "230.5",
        "new_first_value": "0",
        "unit": "GJ",
        **overrides,
    }


def test_exchanging_a_meter_from_its_page(client_in, meter):
    response = client_in.post(reverse("meter-replace", kwargs={"serial": meter.serial}), exchange(meter))

    assert response.status_code == 302
    assert response.url == reverse("meter-detail", kwargs={"serial": "NEW-1"})
    meter.refresh_from_db()
    new = Meter.objects.get(serial="NEW-1")
    assert meter.removed_on == new.installed_on == datetime.date(2024, 1, 5)
    assert Reading.objects.get(meter=new).read_at == Reading.objects.get(meter=meter, kind="exchange").read_at
    page = client_in.get(response.url).content.decode()
    assert "已换表" in page and meter.serial in page


def test_a_refused_exchange_shows_why_and_writes_nothing(client_in, meter):
    count = Reading.objects.count()

    response = client_in.post(
        reverse("meter-replace", kwargs={"serial": meter.serial}), exchange(meter, old_final_value="99")
    )

    assert response.status_code == 422
    assert f"{meter.serial}：低于此前 2023-12-01 08:00 的读数 100.0 GJ" in response.content.decode()
    assert Reading.objects.count() == count and not Meter.objects.filter(serial="NEW-1").exists()
    meter.refresh_from_db()
    assert meter.removed_on is None
