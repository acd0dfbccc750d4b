"""Complaints and repair requests (投诉/报修, issue 14): a resident files one for their own home, the
account's company assigns it to one of its staff, records what was done (a room-temperature
measurement where it is about heat) and answers it; the resident confirms and rates the answer, or
reopens it, which starts a new deadline. A beat task reports complaints past their deadline to the
bureaus holding the service-oversight duty, once per deadline. Every step is a ComplaintStep and
locks the complaint; refusals name the field."""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating import attachments
from heating.models import Complaint, ComplaintPhoto, ComplaintStep, TemperatureMeasurement
from heating.models.complaints import PHOTO_MAX_BYTES, PHOTOS_MAX
from heating.selectors.scope import company_membership, resident_accounts
from heating.services import notifications
from heating.templatetags.portal import person_name

PHOTO_KINDS = frozenset({"jpg", "jpeg", "png"})
TEXT_MAX = 2000
PLACE_MAX = TemperatureMeasurement._meta.get_field("place").max_length
# How long a company has to answer (settings.COMPLAINT_DEADLINES overrides any of these).
DEADLINES = {
    Complaint.Category.LEAK: "4h",
    Complaint.Category.NO_HEAT: "24h",
    Complaint.Category.COLD: "48h",
    Complaint.Category.METER: "5d",
    Complaint.Category.BILL: "5d",
    Complaint.Category.PRICE: "5d",
    Complaint.Category.REFUND: "5d",
    Complaint.Category.SERVICE: "5d",
}
TEMPERATURE_LOW, TEMPERATURE_HIGH = Decimal("-30"), Decimal("50")


def deadline(category: str) -> str:
    return str(settings.COMPLAINT_DEADLINES.get(category, DEADLINES[category])).strip().lower()


def complaint_due(category: str, start: datetime.datetime) -> datetime.datetime:
    """When the answer to a complaint of `category` opened at `start` is due: "Nh" hours later, or "Nd"
    working days later (Monday to Friday; the same time of day)."""
    rule = deadline(category)
    amount = int(rule[:-1])
    if rule.endswith("h"):
        return start + datetime.timedelta(hours=amount)
    due = timezone.localtime(start)
    while amount > 0:
        due += datetime.timedelta(days=1)
        if due.weekday() < 5:
            amount -= 1
    return due


def _text(value, field: str, label: str, refusal: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: refusal})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: _("%(field)s：不能超过 %(n)s 个字。") % {"field": label, "n": TEXT_MAX}}
        )
    return text


def _state_refused(complaint: Complaint) -> ValidationError:
    return ValidationError(
        {"state": _("状态：这件投诉%(state)s，不能再办理这一步。") % {"state": complaint.get_state_display()}}
    )


def _step(complaint: Complaint, action: str, user, at, note: str = "") -> None:
    ComplaintStep.objects.create(complaint=complaint, action=action, by=user, at=at, note=note)


def _residents(user, complaint_id: int) -> Complaint | None:
    return (
        Complaint.objects.select_for_update()
        .filter(pk=complaint_id, account__in=resident_accounts(user))
        .first()
    )


def _company_staff(user, complaint_id: int):
    """(the locked complaint, the user's company) for staff of the complaint's company; else refused."""
    membership = company_membership(user)
    complaint = None
    if membership is not None:
        complaint = (
            Complaint.objects.select_for_update()
            .filter(pk=complaint_id, account__company=membership.organisation)
            .first()
        )
    if complaint is None:
        raise PermissionDenied(_("供热企业：只有该户号所属供热企业的工作人员可以办理。"))
    return complaint, membership.organisation


@transaction.atomic
def complaint_file(
    *,
    user,
    account_id: int,
    category: str,
    description: str,
    suspected_violation: bool = False,
    photos=(),
) -> Complaint:
    """A resident complains about their own home; `photos` are uploaded images (JPG/PNG by their first
    bytes, at most PHOTO_MAX_BYTES each), all checked before any is kept. `suspected_violation` (the
    resident believes they were charged against the published price) counts for bill, price and refund
    complaints only, and sends the complaint to the market bureau too."""
    account = resident_accounts(user).filter(pk=account_id).first()
    if account is None:
        raise PermissionDenied(_("户号：只能对自己的户号投诉报修。"))
    if category not in Complaint.Category.values:
        raise ValidationError({"category": _("类别：请从列表中选择投诉类别。")})
    text = _text(description, "description", _("情况说明"), _("情况说明：请写明遇到的问题。"))
    files = attachments.documents_read(
        photos,
        allowed=PHOTO_KINDS,
        max_bytes=PHOTO_MAX_BYTES,
        max_files=PHOTOS_MAX,
        wrong_kind=_("只能上传 JPG 或 PNG 照片。"),
        field="photos",
        label=_("照片"),
    )
    now = timezone.now()
    complaint = Complaint.objects.create(
        account=account,
        category=category,
        description=text,
        suspected_violation=bool(suspected_violation) and category in Complaint.ABOUT_PRICE,
        filed_by=user,
        filed_at=now,
        opened_at=now,
        due_at=complaint_due(category, now),
    )
    for name, data, content_type in files:
        photo = ComplaintPhoto(
            complaint=complaint,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        photo.file.save(photo.sha256, ContentFile(data), save=False)
        photo.save()
    _step(complaint, ComplaintStep.Action.FILED, user, now, text)
    notifications.complaint_filed(complaint)
    return complaint


@transaction.atomic
def complaint_assign(*, user, complaint_id: int, assignee_id) -> Complaint:
    """Staff of the account's company give an unanswered complaint to one of the company's staff."""
    complaint, company = _company_staff(user, complaint_id)
    if not complaint.unanswered:
        raise _state_refused(complaint)
    assignee = (
        get_user_model()
        .objects.filter(
            pk=assignee_id if str(assignee_id).isdigit() else None,
            is_active=True,
            memberships__organisation=company,
        )
        .first()
    )
    if assignee is None:
        raise ValidationError({"assignee": _("承办人：请从本企业工作人员中选择。")})
    complaint.assign()
    complaint.assigned_to = assignee
    complaint.save()
    _step(complaint, ComplaintStep.Action.ASSIGNED, user, timezone.now(), person_name(assignee))
    notifications.complaint_assigned(complaint)
    return complaint


def typed_temperature(value) -> Decimal | None:
    """A room temperature in °C with at most one decimal, within a plausible range, else None."""
    try:
        reading = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not reading.is_finite() or not TEMPERATURE_LOW <= reading <= TEMPERATURE_HIGH:
        return None
    if reading != round(reading, 1):
        return None
    return reading.quantize(Decimal("0.1"))


@transaction.atomic
def complaint_measure(
    *, user, complaint_id: int, value, place: str, measured_at: datetime.datetime | None
) -> TemperatureMeasurement:
    """Staff record a room temperature measured in the home of an unanswered heat complaint, against
    COMPLAINT_MIN_ROOM_TEMPERATURE."""
    complaint, _company = _company_staff(user, complaint_id)
    if not complaint.unanswered:
        raise _state_refused(complaint)
    if not complaint.about_heat:
        raise ValidationError({"value": _("室温：只有室温偏低或不热的投诉记录室温。")})
    reading = typed_temperature(value)
    if reading is None:
        raise ValidationError({"value": _("室温：请填写 -30 到 50 之间、最多一位小数的摄氏度数。")})
    where = (place or "").strip()
    if not where or len(where) > PLACE_MAX:
        raise ValidationError(
            {"place": _("测温位置：请写明房间和位置（不超过 %(n)s 个字）。") % {"n": PLACE_MAX}}
        )
    now = timezone.now()
    # The form gives minutes: a reading in the minute the complaint was filed counts.
    filed_minute = complaint.filed_at.replace(second=0, microsecond=0)
    if measured_at is None or measured_at > now or measured_at < filed_minute:
        raise ValidationError({"measured_at": _("测温时间：请填写投诉提出之后、不晚于现在的时间。")})
    measurement = TemperatureMeasurement.objects.create(
        complaint=complaint,
        value=reading,
        place=where,
        measured_at=measured_at,
        measured_by=user,
        minimum=Decimal(settings.COMPLAINT_MIN_ROOM_TEMPERATURE).quantize(Decimal("0.1")),
    )
    _step(complaint, ComplaintStep.Action.MEASURED, user, now, f"{where} {reading} °C")
    return measurement


@transaction.atomic
def complaint_answer(*, user, complaint_id: int, answer: str) -> Complaint:
    """Staff record what was done and close the complaint for the resident to confirm; a heat complaint
    needs a measurement recorded since it was (re)opened."""
    complaint, _company = _company_staff(user, complaint_id)
    if not complaint.unanswered:
        raise _state_refused(complaint)
    text = _text(answer, "answer", _("处理情况"), _("处理情况：请写明做了什么。"))
    if (
        complaint.about_heat
        and not complaint.measurements.filter(recorded_at__gte=complaint.opened_at).exists()
    ):
        raise ValidationError({"answer": _("处理情况：室温问题请先记录一次入户测温。")})
    now = timezone.now()
    complaint.close()
    complaint.answer = text
    complaint.answered_by = user
    complaint.answered_at = now
    complaint.save()
    _step(complaint, ComplaintStep.Action.ANSWERED, user, now, text)
    notifications.complaint_answered(complaint)
    return complaint


@transaction.atomic
def complaint_confirm(*, user, complaint_id: int, rating, note: str = "") -> Complaint:
    """The resident accepts the answer and rates it from 1 to 5; the complaint is closed."""
    complaint = _residents(user, complaint_id)
    if complaint is None:
        raise PermissionDenied(_("户号：只能确认自己的投诉。"))
    if complaint.state != Complaint.State.ANSWERED:
        raise _state_refused(complaint)
    if str(rating) not in {"1", "2", "3", "4", "5"}:
        raise ValidationError({"rating": _("评价：请选择 1 到 5 分。")})
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError(
            {"note": _("%(field)s：不能超过 %(n)s 个字。") % {"field": _("意见"), "n": TEXT_MAX}}
        )
    now = timezone.now()
    complaint.confirm()
    complaint.rating = int(rating)
    complaint.confirmed_at = now
    complaint.save()
    _step(complaint, ComplaintStep.Action.CONFIRMED, user, now, note)
    return complaint


@transaction.atomic
def complaint_reopen(*, user, complaint_id: int, reason: str) -> Complaint:
    """The resident is not satisfied with the answer: the complaint goes back to the company under a
    new deadline counted from now (and may be reported overdue again)."""
    complaint = _residents(user, complaint_id)
    if complaint is None:
        raise PermissionDenied(_("户号：只能对自己的投诉要求重新处理。"))
    if complaint.state != Complaint.State.ANSWERED:
        raise _state_refused(complaint)
    text = _text(reason, "reason", _("理由"), _("理由：请写明哪里还没有解决。"))
    now = timezone.now()
    complaint.reopen()
    complaint.opened_at = now
    complaint.due_at = complaint_due(complaint.category, now)
    complaint.overdue_at = None
    complaint.reopen_count += 1
    complaint.save()
    _step(complaint, ComplaintStep.Action.REOPENED, user, now, text)
    notifications.complaint_reopened(complaint)
    return complaint


@transaction.atomic
def complaints_report_overdue() -> list[int]:
    """On the beat schedule: every unanswered complaint past its deadline and not yet reported is
    marked (a conditional update, so two sweeps report it once) and reported to the service-oversight
    bureaus and its company; the ids reported."""
    now = timezone.now()
    due = Complaint.objects.filter(state__in=Complaint.UNANSWERED, due_at__lt=now, overdue_at__isnull=True)
    ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
    Complaint.objects.filter(pk__in=ids, overdue_at__isnull=True).update(overdue_at=now)
    reported = list(Complaint.objects.filter(pk__in=ids).select_related("account"))
    ComplaintStep.objects.bulk_create(
        [ComplaintStep(complaint=c, action=ComplaintStep.Action.OVERDUE, at=now) for c in reported]
    )
    notifications.complaints_overdue(reported)
    return ids
