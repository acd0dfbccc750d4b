"""The finance bureau records 供热配套费 returned to a company, and corrects a record by reversing it."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from heating.models import Duty, Organisation
from heating.selectors.ledger import cents
from heating.selectors.scope import bureau_duties
from subsidy.models import ConnectionFee


def _finance(user) -> None:
    """The fees are the finance bureau's record: whichever organisation holds the approval duty."""
    if Duty.SUBSIDY_APPROVE not in bureau_duties(user):
        raise PermissionDenied(_("只有负责补贴审批与拨付的部门可以登记供热配套费。"))


def _amount(value) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0 or value != round(value, 2):
        raise ValidationError({"amount": _("请填写大于 0、最多两位小数的金额。")})
    if value >= Decimal("1e13"):
        raise ValidationError({"amount": _("金额过大。")})
    return value


@transaction.atomic
def connection_fee_record(
    *,
    company: Organisation,
    start_year: int,
    amount: Decimal,
    returned_on: datetime.date,
    user,
    reference: str = "",
    note: str = "",
) -> ConnectionFee:
    _finance(user)
    if not company.is_company:
        raise ValidationError({"company": _("只能为供热企业登记。")})
    return ConnectionFee.objects.create(
        company=company,
        season_year=start_year,
        amount=_amount(amount),
        returned_on=returned_on,
        reference=reference[:100],
        note=note[:500],
        recorded_by=user,
    )


@transaction.atomic
def connection_fee_correct(*, fee: ConnectionFee, amount: Decimal, reason: str, user) -> ConnectionFee:
    """Take back `amount` of a recorded return (all of it, or what was wrong), with the reason."""
    _finance(user)
    if fee.corrects_id is not None:
        raise ValidationError(_("更正记录本身不能再更正，请更正原记录。"), code="correction")
    if not reason.strip():
        raise ValidationError({"reason": _("请说明更正原因。")})
    amount = _amount(amount)
    fee = ConnectionFee.objects.select_for_update().get(pk=fee.pk)
    taken = cents(fee.corrections.aggregate(total=Sum("amount"))["total"])
    if amount > fee.amount + taken:
        raise ValidationError({"amount": _("更正金额不能超过该记录尚余的金额。")})
    return ConnectionFee.objects.create(
        company_id=fee.company_id,
        season_year=fee.season_year,
        amount=-amount,
        returned_on=fee.returned_on,
        reference=fee.reference,
        note=reason.strip()[:500],
        corrects=fee,
        recorded_by=user,
    )
