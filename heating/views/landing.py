"""Where each role starts: the sign-in redirect, the manager's overview, the bureau's inbox."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from heating.models import Duty
from heating.selectors.overview import company_overview, is_bureau_officer, landing_page
from heating.selectors.scope import bureau_duties, company_membership, company_staff_required


@login_required
def landing(request):
    """LOGIN_REDIRECT_URL: a clerk to the counter (收费台), a manager to the overview, a bureau officer to
    the inbox, anyone else (a resident) to the home page."""
    return redirect(landing_page(request.user, company_membership(request.user)))


@company_staff_required(manager=True)
def company_overview_page(request):
    overview = company_overview(request.company, today=timezone.localdate())
    return render(request, "heating/overview.html", {"overview": overview})


@login_required
def bureau_inbox(request):
    """待办: what awaits a county bureau. Nothing yet: subsidy claims and reviews will be listed here."""
    if not is_bureau_officer(request.user):
        raise PermissionDenied
    oversees_refunds = Duty.REFUND_OVERSIGHT in bureau_duties(request.user)
    return render(request, "heating/bureau_inbox.html", {"oversees_refunds": oversees_refunds})
