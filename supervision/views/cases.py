"""A case: the bureau records its decision, the company answers what it did."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from supervision.models import Case
from supervision.selectors.access import case_for
from supervision.services.cases import case_answer, case_decide


@never_cache
@require_GET
@login_required
def case_page(request, pk):
    case, bureau, company = case_for(request.user, pk)
    context = {
        "case": case,
        "bureau": bureau,
        "company": company,
        "findings": case.findings.select_related("account").order_by("account__number", "kind"),
        "events": case.events.select_related("organisation", "user"),
        "decisions": Case.Decision.choices,
    }
    return render(request, "supervision/case.html", context)


def _penalty(text: str) -> Decimal | None:
    text = text.strip()[:20]
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("罚款金额格式不正确。")) from None
    if (
        not value.is_finite()
        or value <= 0
        or value >= Decimal("1e10")
        or value != value.quantize(Decimal("0.01"))
    ):
        raise ValidationError(_("罚款金额格式不正确。"))
    return value


@require_POST
@login_required
def case_step(request, pk):
    case, bureau, company = case_for(request.user, pk)
    text = request.POST.get("text", "")[:2000]
    try:
        if bureau is not None:
            case_decide(
                bureau=bureau,
                case=case,
                decision=request.POST.get("decision", "")[:20],
                text=text,
                penalty=_penalty(request.POST.get("penalty", "")),
                user=request.user,
            )
        elif company is not None:
            case_answer(company=company, case=case, text=text, user=request.user)
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("supervision-case", case.pk)
