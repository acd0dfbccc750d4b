"""Meter exchange (换表): the old meter's last reading and the new one's first, at one moment."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Meter, Reading
from heating.reading_messages import refusal_text
from heating.reading_rules import STORED, gj_text
from heating.services.readings import Incoming, readings_ingest

SERIAL_MAX = Meter._meta.get_field("serial").max_length


@transaction.atomic
def meter_replace(
    *,
    old_meter: Meter,
    new_serial: str,
    at: datetime.datetime,
    old_final_value: Decimal,
    new_first_value: Decimal,
    unit: str = "GJ",
    user,
) -> Meter:
    """Replace `old_meter` by a new meter on the same account at `at`; returns the new meter.

    Both readings are kind "exchange" and go through readings_ingest, all or nothing: if either is
    refused (e.g. the final value is below the old meter's previous reading), ValidationError is
    raised with the reasons and nothing is written.
    """
    new_serial = (new_serial or "").strip()
    if not new_serial or len(new_serial) > SERIAL_MAX:
        raise ValidationError(_("新表号需为 1 至 %(max)d 个字符"), code="serial", params={"max": SERIAL_MAX})
    if timezone.is_naive(at):
        raise ValidationError(_("换表时间缺少时区"), code="naive_time")
    old = Meter.objects.select_for_update().get(pk=old_meter.pk)
    if old.removed_on is not None:
        raise ValidationError(
            _("热量表 %(serial)s 已于 %(day)s 拆除"),
            code="removed",
            params={"serial": old.serial, "day": old.removed_on},
        )
    day = timezone.localdate(at)
    if day < old.installed_on:
        raise ValidationError(
            _("热量表 %(serial)s 的安装日期 %(installed)s 晚于换表日期 %(day)s"),
            code="before_install",
            params={"serial": old.serial, "installed": old.installed_on, "day": day},
        )
    later = (
        Reading.objects.filter(meter=old, read_at__gt=at)
        .exclude(status=Reading.Status.VOID)
        .order_by("read_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            _("热量表 %(serial)s 在换表时间之后还有读数（%(value)s GJ，%(at)s），请先作废"),
            code="later_reading",
            params={
                "serial": old.serial,
                "value": gj_text(later.value_gj),
                "at": f"{timezone.localtime(later.read_at):%Y-%m-%d %H:%M}",
            },
        )
    if Meter.objects.filter(company_id=old.company_id, serial=new_serial).exists():
        raise ValidationError(_("表号 %(serial)s 已存在"), code="serial_taken", params={"serial": new_serial})

    new = Meter(company_id=old.company_id, account_id=old.account_id, serial=new_serial, installed_on=day)
    new._history_user = user
    new.save()
    outcomes = readings_ingest(
        company=old.company,
        incoming=[
            Incoming(old.serial, at, old_final_value, unit, kind=Reading.Kind.EXCHANGE),
            Incoming(new_serial, at, new_first_value, unit, kind=Reading.Kind.EXCHANGE),
        ],
        source=Reading.Source.MANUAL,
        user=user,
        all_or_nothing=True,
    )
    refused = [
        ValidationError(
            _("%(serial)s：%(reason)s"),
            code="rejected",
            params={
                "serial": serial,
                "reason": refusal_text(outcome.code, outcome.params, outcome.reason or outcome.status),
            },
        )
        for serial, outcome in zip((old.serial, new_serial), outcomes, strict=True)
        if outcome.status != STORED
    ]
    if refused:
        # Undoes the new meter too: the whole exchange is one transaction.
        raise ValidationError(refused)
    old.removed_on = day
    old._history_user = user
    old.save(update_fields=["removed_on"])
    return new
