"""Who sees which checks, findings and cases: the price-supervision bureau its own checks whole; a
company's staff only the findings and cases about their company; anyone else a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from heating.models import Duty
from heating.selectors.scope import bureau_holding, company_membership
from supervision.models import Case, ComplianceCheck, Finding


def supervising_bureau(user):
    """The user's bureau holding the price-supervision duty; PermissionDenied otherwise."""
    return bureau_holding(
        user, Duty.PRICE_SUPERVISION, _("只有承担价格执行监督职责的部门才能进行价格执行检查。")
    )


def viewer(user) -> tuple[object | None, object | None]:
    """(bureau, company): the user's supervising bureau or company, whichever they act for."""
    try:
        return supervising_bureau(user), None
    except PermissionDenied:
        membership = company_membership(user)
        return None, membership.organisation if membership else None


def check_for(user, pk: int) -> tuple[ComplianceCheck, object | None, object | None]:
    bureau, company = viewer(user)
    checks = ComplianceCheck.objects.select_related("job", "company", "bureau", "started_by")
    if bureau is not None:
        check = checks.filter(pk=pk, bureau=bureau).first()
    elif company is not None:
        check = checks.filter(pk=pk, findings__company=company).distinct().first()
    else:
        check = None
    if check is None:
        raise Http404
    return check, bureau, company


def findings_of(check: ComplianceCheck, company=None):
    rows = (
        Finding.objects.filter(check_run=check)
        .select_related("company", "account")
        .order_by("company__code", "account__number", "kind")
    )
    return rows.filter(company=company) if company is not None else rows


def case_for(user, pk: int) -> tuple[Case, object | None, object | None]:
    bureau, company = viewer(user)
    cases = Case.objects.select_related("company", "check_run__bureau", "opened_by")
    if bureau is not None:
        case = cases.filter(pk=pk, check_run__bureau=bureau).first()
    elif company is not None:
        case = cases.filter(pk=pk, company=company).first()
    else:
        case = None
    if case is None:
        raise Http404
    return case, bureau, company
