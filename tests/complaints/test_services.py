"""Complaint states and deadlines with a fixed clock: filing, assigning, measuring, answering,
confirming with a rating, reopening under a new deadline, and the beat task reporting an overdue case
to the public-utilities administration once. Refusals say why and change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from heating.models import Complaint, ComplaintStep, Message, TemperatureMeasurement
from heating.services.complaints import (
    complaint_answer,
    complaint_assign,
    complaint_confirm,
    complaint_due,
    complaint_measure,
    complaint_reopen,
    complaints_report_overdue,
)
from heating.tasks import complaints_overdue

from .conftest import MONDAY, filed, png

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.mark.parametrize(
    ("category", "start", "due"),
    [
        ("leak", local(2019, 12, 2, 9), local(2019, 12, 2, 13)),
        ("no_heat", local(2019, 12, 2, 9), local(2019, 12, 3, 9)),
        ("cold", local(2019, 12, 6, 9), local(2019, 12, 8, 9)),  # hours run through the weekend
        ("bill", local(2019, 12, 2, 9), local(2019, 12, 9, 9)),  # 5 working days: Monday to Monday
        ("service", local(2019, 12, 6, 17), local(2019, 12, 13, 17)),  # Friday to Friday
        ("meter", local(2019, 12, 7, 10), local(2019, 12, 13, 10)),  # filed on a Saturday
    ],
)
def test_deadlines_per_category(category, start, due):
    assert complaint_due(category, start) == due


def test_deadlines_come_from_the_settings(settings):
    settings.COMPLAINT_DEADLINES = {"leak": "2h", "bill": "1d"}
    assert complaint_due("leak", MONDAY) == MONDAY + datetime.timedelta(hours=2)
    assert complaint_due("bill", MONDAY) == MONDAY + datetime.timedelta(days=1)
    assert complaint_due("no_heat", MONDAY) == MONDAY + datetime.timedelta(hours=24)


def test_a_cold_flat_from_filing_to_confirmation(people, clock):
    complaint = filed(people)
    assert complaint.state == "filed" and complaint.due_at == MONDAY + datetime.timedelta(hours=48)
    assert complaint.photos.get().name == "暖气片.png"
    clock.advance(hours=1)
    complaint_assign(user=people.clerk, complaint_id=complaint.pk, assignee_id=people.fitter.pk)
    clock.advance(hours=3)
    measured = complaint_measure(
        user=people.fitter,
        complaint_id=complaint.pk,
        value="16.5",
        place="主卧室中央",
        measured_at=clock.now - datetime.timedelta(minutes=30),
    )
    assert (
        measured.value == Decimal("16.5") and measured.minimum == Decimal("18.0") and measured.below_minimum
    )
    complaint_answer(user=people.fitter, complaint_id=complaint.pk, answer="已排气，复测 19.5 度。")
    clock.advance(hours=20)
    complaint_confirm(user=people.resident, complaint_id=complaint.pk, rating="4", note="谢谢")
    complaint.refresh_from_db()
    assert complaint.state == "confirmed" and complaint.rating == 4
    assert complaint.assigned_to == people.fitter and complaint.answered_by == people.fitter
    assert complaint.answered_at == MONDAY + datetime.timedelta(hours=4)
    steps = list(complaint.steps.values_list("action", "by__username"))
    assert steps == [
        ("filed", "resident1"),
        ("assigned", "clerk1"),
        ("measured", "fitter"),
        ("answered", "fitter"),
        ("confirmed", "resident1"),
    ]


def test_the_minimum_room_temperature_is_configurable(people, clock, settings):
    settings.COMPLAINT_MIN_ROOM_TEMPERATURE = Decimal("16")
    complaint = filed(people)
    measured = complaint_measure(
        user=people.clerk, complaint_id=complaint.pk, value="16.5", place="客厅", measured_at=clock.now
    )
    assert measured.minimum == Decimal("16.0") and not measured.below_minimum


def test_a_heat_complaint_needs_a_measurement_before_its_answer(people, clock):
    complaint = filed(people)
    with pytest.raises(ValidationError) as refused:
        complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已处理")
    assert "请先记录一次入户测温" in str(refused.value)
    # A bill complaint has no measurement at all.
    bill = filed(people, category="bill", description="账单面积不对")
    with pytest.raises(ValidationError):
        complaint_measure(
            user=people.clerk, complaint_id=bill.pk, value="15", place="客厅", measured_at=clock.now
        )
    complaint_answer(user=people.clerk, complaint_id=bill.pk, answer="已核对，面积无误。")


@pytest.mark.parametrize("value", ["abc", "18.25", "99", "-40", "NaN", ""])
def test_an_impossible_reading_is_refused(people, clock, value):
    complaint = filed(people)
    with pytest.raises(ValidationError) as refused:
        complaint_measure(
            user=people.clerk, complaint_id=complaint.pk, value=value, place="客厅", measured_at=clock.now
        )
    assert "室温" in str(refused.value)
    assert not TemperatureMeasurement.objects.exists()


def test_a_measurement_in_the_future_or_before_the_complaint_is_refused(people, clock):
    complaint = filed(people)
    for moment in (clock.now + datetime.timedelta(hours=1), clock.now - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            complaint_measure(
                user=people.clerk, complaint_id=complaint.pk, value="17", place="客厅", measured_at=moment
            )


def test_reopening_starts_a_new_deadline_and_needs_a_new_measurement(people, clock):
    complaint = filed(people)
    complaint_measure(
        user=people.clerk, complaint_id=complaint.pk, value="16.0", place="客厅", measured_at=clock.now
    )
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已排气。")
    clock.advance(days=3)
    complaint_reopen(user=people.resident, complaint_id=complaint.pk, reason="还是不热。")
    complaint.refresh_from_db()
    assert complaint.state == "reopened" and complaint.reopen_count == 1
    assert complaint.opened_at == clock.now and complaint.due_at == clock.now + datetime.timedelta(hours=48)
    with pytest.raises(ValidationError):  # the earlier measurement was before the reopening
        complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="再次排气。")
    complaint_measure(
        user=people.clerk, complaint_id=complaint.pk, value="18.5", place="客厅", measured_at=clock.now
    )
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="更换阀门，复测 18.5 度。")
    complaint.refresh_from_db()
    assert complaint.state == "answered"


def test_steps_out_of_order_are_refused(people, clock):
    complaint = filed(people, category="service", description="客服态度差")
    for step in (
        lambda: complaint_confirm(user=people.resident, complaint_id=complaint.pk, rating=5),
        lambda: complaint_reopen(user=people.resident, complaint_id=complaint.pk, reason="没解决"),
    ):
        with pytest.raises(ValidationError) as refused:
            step()
        assert "状态：这件投诉待受理" in str(refused.value)
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已约谈。")
    with pytest.raises(ValidationError):
        complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="again")
    with pytest.raises(ValidationError):
        complaint_confirm(user=people.resident, complaint_id=complaint.pk, rating="6")
    complaint_confirm(user=people.resident, complaint_id=complaint.pk, rating="1")
    with pytest.raises(ValidationError):
        complaint_reopen(user=people.resident, complaint_id=complaint.pk, reason="没解决")


def test_only_the_household_and_the_company_take_their_steps(people, clock):
    with pytest.raises(PermissionDenied):
        filed(people, account_id=people.neighbours_home.pk)
    complaint = filed(people, category="leak", description="暖气片漏水")
    for user in (people.other_clerk, people.utilities, people.resident):
        with pytest.raises(PermissionDenied):
            complaint_answer(user=user, complaint_id=complaint.pk, answer="x")
        with pytest.raises(PermissionDenied):
            complaint_assign(user=user, complaint_id=complaint.pk, assignee_id=people.fitter.pk)
    with pytest.raises(ValidationError):  # another company's clerk is no assignee
        complaint_assign(user=people.clerk, complaint_id=complaint.pk, assignee_id=people.other_clerk.pk)
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已关阀维修。")
    for user in (people.neighbour, people.clerk):
        with pytest.raises(PermissionDenied):
            complaint_confirm(user=user, complaint_id=complaint.pk, rating=5)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "why"),
    [
        ("照片.pdf", b"%PDF-1.4 x", "application/pdf", "只能上传 JPG 或 PNG 照片"),
        ("照片.png", b"GIF89a....", "image/png", "文件内容与扩展名不符"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024), "image/png", "文件不能超过 5 MB"),
    ],
)
def test_photos_not_an_image_or_too_big_are_refused(people, name, data, content_type, why):
    with pytest.raises(ValidationError) as refused:
        filed(people, photos=[png(name, data, content_type)])
    assert why in str(refused.value)
    assert not Complaint.objects.exists()


def test_at_most_three_photos(people):
    with pytest.raises(ValidationError) as refused:
        filed(people, photos=[png(f"{i}.png") for i in range(4)])
    assert "最多上传 3 个文件" in str(refused.value)


def test_an_overdue_case_reaches_the_administration_once(people, clock):
    complaint = filed(people, category="no_heat", description="完全不热")
    clock.advance(hours=23)
    assert complaints_report_overdue() == []
    clock.advance(hours=2)
    assert complaints_overdue.delay().get() == [complaint.pk]
    assert complaints_report_overdue() == []  # reported once
    complaint.refresh_from_db()
    assert complaint.overdue_at == clock.now
    reports = Message.objects.filter(organisation=people.utilities_bureau)
    assert list(reports.values_list("subject", "link")) == [
        ("户号 H1001 的投诉报修已超过答复期限", f"/bureau/complaints/{complaint.pk}/")
    ]
    assert Message.objects.filter(organisation=people.company, subject__contains="超过答复期限").count() == 1
    assert complaint.steps.filter(action=ComplaintStep.Action.OVERDUE).count() == 1
    # Answered late and reopened: the new deadline is reported again when it passes.
    complaint_measure(
        user=people.clerk, complaint_id=complaint.pk, value="12.0", place="客厅", measured_at=clock.now
    )
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="阀门已修复。")
    complaint_reopen(user=people.resident, complaint_id=complaint.pk, reason="又不热了")
    clock.advance(hours=25)
    assert complaints_report_overdue() == [complaint.pk]
    assert reports.count() == 2


def test_an_answered_complaint_is_never_overdue(people, clock):
    complaint = filed(people, category="leak", description="漏水")
    complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已修好。")
    clock.advance(days=2)
    assert complaints_report_overdue() == []
