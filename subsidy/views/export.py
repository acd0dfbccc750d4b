"""The claim as an Excel workbook and as a printable PDF with each bureau's sign-off, for whoever may
see the claim (404 otherwise, as on its page)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heating.models.policy import season_name
from heating.pdf import pdf_from_html
from subsidy.export import claim_workbook
from subsidy.models import ClaimEvent
from subsidy.selectors.claim_accounts import version_statements
from subsidy.selectors.claim_page import claim_page
from subsidy.selectors.claims import claim_for

CLAIM_CSS = settings.BASE_DIR / "static" / "css" / "statement.css"


def _file_name(claim, extension: str) -> str:
    return f"claim-{claim.company.code}-{season_name(claim.season_year)}.{extension}"


@never_cache
@require_GET
@login_required
def claim_export(request, pk):
    claim = claim_for(request.user, pk)
    page = claim_page(request.user, claim)
    statements = version_statements(claim.current_version) if claim.current_version else []
    response = HttpResponse(
        claim_workbook(page, statements),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(claim, "xlsx")}"'
    return response


def _last(history, kind):
    return next((event for event in reversed(history) if event.kind == kind), None)


@never_cache
@require_GET
@login_required
def claim_pdf(request, pk):
    claim = claim_for(request.user, pk)
    page = claim_page(request.user, claim)
    context = {
        "page": page,
        "approval": _last(page.history, ClaimEvent.Kind.APPROVED)
        if claim.approved_amount is not None
        else None,
        "payment": _last(page.history, ClaimEvent.Kind.PAID) if claim.paid_on else None,
        "printed_at": timezone.localtime(),
    }
    html = render_to_string("subsidy/claim_pdf.html", context, request=request)
    response = HttpResponse(pdf_from_html(html, CLAIM_CSS), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(claim, "pdf")}"'
    return response
