"""Reviewing stored readings: confirm, void, correct (POLICY.md §7).

A reading is never deleted. Voiding keeps the row with a reason; a correction voids the old row and
stores a new one at the same moment through `readings_ingest`, so the reading rules apply to it
exactly as to any other entry. Changes go through `save()` so django-simple-history records them.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Meter, Reading
from heating.reading_messages import refusal_text
from heating.reading_rules import REJECTED, STORED, Candidate, Point, Stored, judge
from heating.services.readings import Incoming, limits_for, readings_ingest

REASON_MAX = Reading._meta.get_field("void_reason").max_length


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写原因"), code="reason_required")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("原因不能超过 %(max)d 个字"), code="reason_too_long", params={"max": REASON_MAX}
        )
    return reason


def _lock(reading: Reading) -> None:
    """Lock the meter first, in the order readings_ingest locks, so the two cannot deadlock."""
    list(Meter.objects.select_for_update().filter(pk=reading.meter_id).values_list("id"))


def _valid_neighbours(reading: Reading) -> tuple[Point | None, Point | None]:
    live = Reading.objects.filter(meter_id=reading.meter_id, status=Reading.Status.VALID)
    live = live.exclude(pk=reading.pk)
    before = live.filter(read_at__lt=reading.read_at).order_by("-read_at").values_list("read_at", "value_gj")
    after = live.filter(read_at__gt=reading.read_at).order_by("read_at").values_list("read_at", "value_gj")
    before, after = before.first(), after.first()
    return (
        Point(timezone.localtime(before[0]), before[1]) if before else None,
        Point(timezone.localtime(after[0]), after[1]) if after else None,
    )


@transaction.atomic
def reading_confirm(*, reading: Reading, user, reason: str) -> Reading:
    """A flagged reading (or a valid, unconfirmed one) becomes valid and staff-confirmed, with the
    reason, who and when recorded.

    Refused without a reason, and when the reading would break the time order of the meter's valid
    readings: such a reading has to be voided or corrected instead.
    """
    reason = _reason(reason)
    _lock(reading)
    locked = (
        Reading.objects.select_for_update()
        .filter(pk=reading.pk, confirmed=False)
        .exclude(status=Reading.Status.VOID)
        .first()
    )
    if locked is None:
        raise ValidationError(_("该读数已不在待确认状态"), code="not_pending")
    neighbours = [p for p in _valid_neighbours(locked) if p]
    candidate = Candidate(
        index=0,
        meter_id=locked.meter_id,
        read_at=timezone.localtime(locked.read_at),
        value_gj=locked.value_gj,
        client_id=None,
    )
    (outcome,) = judge([candidate], Stored(valid={locked.meter_id: neighbours}), limits_for(locked.company))
    if outcome.status == REJECTED:
        raise ValidationError(
            _("%(reason)s：不能确认，请作废或更正该读数"),
            code="out_of_order",
            params={"reason": refusal_text(outcome.code, outcome.params, outcome.reason)},
        )
    now = timezone.now()
    locked.status = Reading.Status.VALID
    locked.confirmed = True
    locked.confirm_reason = reason
    locked.confirmed_at = locked.reviewed_at = now
    locked.confirmed_by = locked.reviewed_by = user
    locked._history_user = user
    confirmation = ["confirm_reason", "confirmed_at", "confirmed_by", "reviewed_at", "reviewed_by"]
    locked.save(update_fields=["status", "confirmed", *confirmation])
    return locked


def _void(locked: Reading, *, user, reason: str) -> None:
    locked.status = Reading.Status.VOID
    locked.void_reason = reason
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = user
    locked._history_user = user
    locked.save(update_fields=["status", "void_reason", "reviewed_at", "reviewed_by"])


def _lock_live(reading: Reading) -> Reading:
    _lock(reading)
    locked = (
        Reading.objects.select_for_update()
        .select_related("meter")
        .filter(pk=reading.pk)
        .exclude(status=Reading.Status.VOID)
        .first()
    )
    if locked is None:
        raise ValidationError(_("该读数已作废"), code="already_void")
    return locked


@transaction.atomic
def reading_void(*, reading: Reading, user, reason: str) -> Reading:
    """Void a live reading with a reason; the row stays."""
    reason = _reason(reason)
    locked = _lock_live(reading)
    _void(locked, user=user, reason=reason)
    return locked


@transaction.atomic
def reading_correct(*, reading: Reading, user, value: Decimal, unit: str = "GJ", reason: str) -> Reading:
    """Void `reading` and store `value` at the same moment, pointing back to it; all or nothing.

    Returns the new reading (flagged if its implied use looks implausible, like any other).
    Raises ValidationError with the rule's reason when the new value is refused; nothing changes.
    """
    reason = _reason(reason)
    old = _lock_live(reading)
    _void(old, user=user, reason=reason)
    (outcome,) = readings_ingest(
        company=old.company,
        incoming=[
            Incoming(
                serial=old.meter.serial,
                read_at=old.read_at,
                value=value,
                unit=unit,
                kind=old.kind,
                note=reason,
            )
        ],
        source=Reading.Source.MANUAL,
        user=user,
        all_or_nothing=True,
    )
    if outcome.status != STORED:
        raise ValidationError(
            _("更正值未保存：%(reason)s"),
            code="rejected",
            params={"reason": refusal_text(outcome.code, outcome.params, outcome.reason or outcome.status)},
        )
    new = (
        Reading.objects.select_for_update()
        .filter(meter_id=old.meter_id, read_at=old.read_at)
        .exclude(status=Reading.Status.VOID)
        .get()
    )
    new.corrects = old
    new._history_user = user
    new.save(update_fields=["corrects"])
    return new
