"""价格政策工作台: what the bureau holding the price-policy duty sees: every policy, its drafts, what is
wrong with a draft or worth a second look, and a published policy's history."""
import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Duty, PolicyNoticePdf, PricePolicy
from heating.models.policy import season_days

from .overview import current_season
from .scope import bureau_duties, bureau_holding

DAY = datetime.timedelta(days=1)


def price_bureau(user):
    """The user's bureau holding the price-policy duty; PermissionDenied otherwise."""
    return bureau_holding(
        user, Duty.PRICE_POLICY, _("只有承担价格政策制定与发布职责的部门才能使用价格政策工作台。")
    )


def bureau_landing_waiting(user) -> str | None:
    """settings.BUREAU_LANDINGS: the price-policy bureau starts at its desk while a draft waits or the
    season under way has no published policy to bill it."""
    if Duty.PRICE_POLICY not in bureau_duties(user):
        return None
    first_day = season_days(current_season(timezone.localdate()))[0]
    covered = PricePolicy.objects.published().filter(
        effective_from__lte=first_day, effective_until__gte=first_day
    )
    if PricePolicy.objects.filter(status=PricePolicy.Status.DRAFT).exists() or not covered.exists():
        return "policy-desk"
    return None


def bureau_landing(user) -> str | None:
    """settings.BUREAU_LANDINGS: otherwise the desk is the bureau's own work when it has no other."""
    return "policy-desk" if Duty.PRICE_POLICY in bureau_duties(user) else None


@dataclass(frozen=True)
class DeskRow:
    policy: PricePolicy
    in_force: bool


def desk_policies(today: datetime.date) -> list[DeskRow]:
    """Every policy, drafts first, then the published ones newest first: one query."""
    rows = PricePolicy.objects.order_by("status", "-effective_from")
    return [
        DeskRow(p, p.is_published and p.effective_from <= today <= p.effective_until) for p in rows
    ]


def desk_policy(user, pk: int) -> PricePolicy:
    """A policy for the desk (the user must hold the duty); 404 when there is no such policy."""
    price_bureau(user)
    policy = PricePolicy.objects.select_related("published_by").filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def notice_pdf_for(user, policy_pk: int) -> PolicyNoticePdf:
    """A notice's PDF: anyone's once its policy is published, the desk's before; 404 otherwise, the
    same as for a policy without one."""
    found = PolicyNoticePdf.objects.select_related("policy").filter(policy_id=policy_pk).first()
    if found is None:
        raise Http404
    if not found.policy.is_published:
        if not user.is_authenticated or Duty.PRICE_POLICY not in bureau_duties(user):
            raise Http404
    return found


def _day(d: datetime.date) -> str:
    return d.isoformat()


def policy_overlap(policy: PricePolicy) -> PricePolicy | None:
    """The first published policy (other than this one) whose period meets this one's."""
    return (
        PricePolicy.objects.published()
        .exclude(pk=policy.pk)
        .filter(effective_from__lte=policy.effective_until, effective_until__gte=policy.effective_from)
        .order_by("effective_from")
        .first()
    )


def draft_problems(policy: PricePolicy) -> list[str]:
    """What stops a draft from being published, in words (the publish step checks again)."""
    problems = []
    other = policy_overlap(policy)
    if other is not None:
        problems.append(
            _("执行期与已发布的价格政策“%(code)s”（%(start)s 至 %(end)s）重叠：发布前请调整执行期。")
            % {"code": other.code, "start": _day(other.effective_from), "end": _day(other.effective_until)}
        )
    if not policy.notice_text.strip():
        problems.append(_("还没有通知原文：发布前请填写。"))
    if policy.notice_date is None:
        problems.append(_("还没有发文日期：发布前请填写。"))
    return problems


def draft_warnings(policy: PricePolicy) -> list[str]:
    """What is worth a second look but does not stop publishing: a gap between the draft's period and
    the published policies before and after it (a season starting in the gap cannot be billed), and
    shares of the two-part price that do not add up to one."""
    published = PricePolicy.objects.published().exclude(pk=policy.pk)
    before = published.filter(effective_until__lt=policy.effective_from).order_by("-effective_until").first()
    after = published.filter(effective_from__gt=policy.effective_until).order_by("effective_from").first()
    warnings = []
    if before is not None and before.effective_until + DAY < policy.effective_from:
        warnings.append(
            _("与前一份已发布的价格政策“%(code)s”之间有空档：%(start)s 至 %(end)s 没有价格政策，"
              "11 月 15 日落在空档里的供暖季无法结算。")
            % {"code": before.code, "start": _day(before.effective_until + DAY),
               "end": _day(policy.effective_from - DAY)}
        )
    if after is not None and policy.effective_until + DAY < after.effective_from:
        warnings.append(
            _("与后一份已发布的价格政策“%(code)s”之间有空档：%(start)s 至 %(end)s 没有价格政策，"
              "11 月 15 日落在空档里的供暖季无法结算。")
            % {"code": after.code, "start": _day(policy.effective_until + DAY),
               "end": _day(after.effective_from - DAY)}
        )
    if policy.basic_share + policy.heat_share != 1:
        warnings.append(
            _("基本热费比例与计量热费比例之和不等于 1（两部制的面积部分与计量部分）。")
        )
    return warnings


def policy_history(policy: PricePolicy) -> list:
    """The policy's history, newest first, with who made each change."""
    return list(policy.history.select_related("history_user").order_by("-history_date", "-history_id"))
