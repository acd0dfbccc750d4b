"""退费与补缴: company staff mark refunds and supplements paid; managers export the bank's file; the
bureau holding the refund-oversight duty watches every company's refunds (POLICY.md §6)."""

import datetime
import io
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from heating import bank_accounts
from heating.imports.files import csv_cell
from heating.models import Duty, Refund
from heating.models.policy import season_name
from heating.selectors.refunds import (
    company_open_refunds,
    company_refunds_page,
    latest_refund_season,
    refund_oversight,
    refunds_for_bank,
)
from heating.selectors.scope import bureau_duties, company_staff_required
from heating.services.channel_refunds import refund_send_back
from heating.services.refunds import (
    refund_payee_set,
    refund_retry,
    refunds_mark_paid,
    refunds_open_for_season,
)

from .seasons import BadSeason, bad_season_page, season_named

log = logging.getLogger("heating.refunds")


class BadInput(ValueError):
    pass


def _season(request, company) -> int:
    text = (request.POST if request.method == "POST" else request.GET).get("season")
    if text is None:
        return latest_refund_season(company) or timezone.localdate().year - 1
    return season_named(text)


def _bad_season(request, bad: BadSeason):
    return bad_season_page(request, bad, title=_("退费与补缴"), back="refund-list")


def _page(request, start_year, *, status=200, error=None, chosen=(), form=None):
    refunds = company_refunds_page(request.company, start_year)
    return render(
        request,
        "heating/refunds/list.html",
        {
            "season": season_name(start_year),
            "refunds": [r for r in refunds if r.state == Refund.State.PENDING and not r.in_channel],
            "in_channel": [r for r in refunds if r.state == Refund.State.PENDING and r.in_channel],
            "failed": [r for r in refunds if r.state == Refund.State.FAILED],
            "error": error,
            "chosen": set(chosen),
            "form": form or {},
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@never_cache
@require_GET
@company_staff_required
def refund_list(request):
    try:
        start_year = _season(request, request.company)
    except BadSeason as bad:
        return _bad_season(request, bad)
    return _page(request, start_year)


def _chosen_ids(request) -> list[int]:
    values = request.POST.getlist("refund")
    if not values:
        raise BadInput(_("退费：请至少选择一笔。"))
    try:
        return sorted({int(v) for v in values})
    except ValueError:
        raise BadInput(_("退费：所选项目无效。")) from None


def _paid_on(request) -> datetime.date:
    try:
        paid_on = datetime.date.fromisoformat(request.POST.get("paid_on", "").strip())
    except ValueError:
        raise BadInput(_("支付日期：请按 YYYY-MM-DD 填写。")) from None
    if paid_on > timezone.localdate():
        raise BadInput(_("支付日期：不能晚于今天。"))
    return paid_on


@require_POST
@company_staff_required
def refund_mark_paid(request):
    try:
        start_year = _season(request, request.company)
    except BadSeason as bad:
        return _bad_season(request, bad)
    form = {key: request.POST.get(key, "")[:100] for key in ("bank_reference", "paid_on")}
    chosen = []
    try:
        chosen = _chosen_ids(request)
        paid_on = _paid_on(request)
        done = refunds_mark_paid(
            refund_ids=chosen, bank_reference=form["bank_reference"], paid_on=paid_on, user=request.user
        )
    except BadInput as bad:
        return _page(request, start_year, status=400, error=str(bad), chosen=chosen, form=form)
    except ValidationError as refused:
        problem = "；".join(refused.messages)
        if hasattr(refused, "error_dict") and "bank_reference" in refused.error_dict:
            problem = _("银行凭证号：") + problem
        return _page(request, start_year, status=400, error=problem, chosen=chosen, form=form)
    messages.success(request, _("已登记 %(count)s 笔为已支付。") % {"count": len(done)})
    return redirect(reverse("refund-list") + "?season=" + season_name(start_year))


def _refund_action(request, pk, act):
    """A manager's action on one refund of the company, back to the refund's season with what came of
    it; a refund of another company is a 404, a refused action the page with the reason (400)."""
    refund = Refund.objects.filter(pk=pk, account__company=request.company).first()
    if refund is None:
        raise Http404
    try:
        done = act(refund)
    except ValidationError as refused:
        return _page(request, refund.season_year, status=400, error="；".join(refused.messages))
    messages.success(request, done)
    return redirect(reverse("refund-list") + "?season=" + season_name(refund.season_year))


@require_POST
@company_staff_required(manager=True)
def refund_channel(request, pk):
    """原路退回: the refund back through the season's paid online orders."""

    def act(refund):
        done, rest = refund_send_back(refund_id=refund.id, user=request.user)
        said = {
            Refund.State.PAID: _("第 %(id)s 号退费已原路退回。"),
            Refund.State.FAILED: _("第 %(id)s 号退费原路退回失败：%(reason)s"),
        }.get(done.state, _("第 %(id)s 号退费已提交原路退回，等待渠道处理。")) % {
            "id": done.id,
            "reason": done.reason,
        }
        if rest is not None:
            said += _("在线支付不足的 ¥%(amount)s 另列为第 %(id)s 号退费，请通过银行转账退还。") % {
                "amount": rest.amount,
                "id": rest.id,
            }
        return said

    return _refund_action(request, pk, act)


@require_POST
@company_staff_required(manager=True)
def refund_retry_view(request, pk):
    """A failed refund made pending again, to be paid by bank or sent back through the channel."""

    def act(refund):
        refund_retry(refund_id=refund.id, user=request.user)
        return _("第 %(id)s 号退费已重新列为待处理。") % {"id": refund.id}

    return _refund_action(request, pk, act)


@sensitive_post_parameters("account_number")
@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def refund_payee(request, pk):
    """Who a refund is paid to. The account number is never sent back: a refused form asks again."""
    refund = company_open_refunds(request.company, None).filter(pk=pk, kind=Refund.Kind.REFUND).first()
    if refund is None:
        raise Http404
    form, error = {}, None
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip()[:100] for key in ("name", "bank")}
        if not form["name"] or not form["bank"]:
            error = _("收款人和开户行：请填写。")
        else:
            try:
                refund_payee_set(
                    refund_id=refund.id,
                    account_number=request.POST.get("account_number", ""),
                    user=request.user,
                    **form,
                )
            except ValidationError as refused:
                error = _("银行账号：") + "；".join(refused.messages)
            else:
                messages.success(request, _("已登记收款人。"))
                return redirect(reverse("refund-list") + "?season=" + season_name(refund.season_year))
    context = {"refund": refund, "form": form or {"name": refund.payee_name, "bank": refund.payee_bank}}
    return render(
        request, "heating/refunds/payee.html", {**context, "error": error}, status=400 if error else 200
    )


@require_POST
@company_staff_required(manager=True)
def refund_open(request):
    """Open the refunds and supplements the settled ledger calls for (a rerun opens nothing)."""
    try:
        start_year = _season(request, request.company)
    except BadSeason as bad:
        return _bad_season(request, bad)
    opened = refunds_open_for_season(company=request.company, start_year=start_year, user=request.user)
    messages.success(request, _("新生成 %(count)s 笔退费或补缴。") % {"count": len(opened)})
    return redirect(reverse("refund-list") + "?season=" + season_name(start_year))


def _bank_workbook(refunds) -> bytes:
    """The bank's transfer list; every text cell neutralised as in the CSV exports. The account is
    in full: it is what the bank pays to."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("待退费")
    sheet.append([_("序号"), _("账户"), _("收款人"), _("开户行"), _("银行账号"), _("金额（元）")])
    for refund in refunds:
        account = bank_accounts.reveal(refund.payee_account_cipher) if refund.payee_account_cipher else ""
        sheet.append(
            [
                refund.id,
                csv_cell(refund.account.number),
                csv_cell(refund.payee_name),
                csv_cell(refund.payee_bank),
                csv_cell(account),
                refund.amount,
            ]
        )
    for column in "CDE":
        sheet.column_dimensions[column].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@never_cache
@require_GET
@company_staff_required(manager=True)
def refund_export(request):
    try:
        start_year = _season(request, request.company)
    except BadSeason as bad:
        return _bad_season(request, bad)
    refunds = list(refunds_for_bank(request.company, start_year))
    # Who took the payees' account numbers out, and when: the log line names no account.
    log.info(
        "refund export: user %s (id %s) of company %s, season %s, %s refunds",
        request.user.get_username(),
        request.user.pk,
        request.company.code,
        season_name(start_year),
        len(refunds),
    )
    response = HttpResponse(
        _bank_workbook(refunds),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="refunds-{season_name(start_year)}.xlsx"'
    return response


@never_cache
@require_GET
@login_required
def bureau_refunds(request):
    """Every company's refunds owed, paid and overdue: for the bureau holding the oversight duty."""
    if Duty.REFUND_OVERSIGHT not in bureau_duties(request.user):
        raise PermissionDenied
    return render(
        request,
        "heating/refunds/oversight.html",
        {"rows": refund_oversight(), "due_days": settings.REFUND_DUE_DAYS},
    )
