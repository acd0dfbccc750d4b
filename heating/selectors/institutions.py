"""Institutions' applications for the residential price as each role may see them, in one place: the
institution's contact (a login holding the account, like a resident's), the account's company's staff,
and the bureaus whose duty covers the application's category (InstitutionApproval.DUTIES). Anyone else
gets the same 404 as an application that does not exist. Queues load in a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from heating.billing import INSTITUTION
from heating.models import Account, AccountTerms, InstitutionApproval, InstitutionDocument
from heating.models.accounts import Decision

from .scope import bureau_duties, company_membership

QUEUE_SIZE = 200
DECIDED_SHOWN = 20


def institution_accounts(user):
    """The institution accounts (price class institution in some season) the user may apply for: those
    whose customer is linked to the login (the institution's contact) and every one of the user's
    heating company."""
    if not user.is_authenticated:
        return Account.objects.none()
    seen_by = Q(customer__user=user)
    membership = company_membership(user)
    if membership is not None:
        seen_by |= Q(company=membership.organisation)
    institution = AccountTerms.objects.filter(account=OuterRef("pk"), price_class=INSTITUTION)
    return Account.objects.filter(seen_by).filter(Exists(institution))


def account_or_404(user, company_code: str, number: str) -> Account:
    account = (
        institution_accounts(user)
        .select_related("company", "customer", "premises__building")
        .filter(company__code=company_code[:20], number=number[:20])
        .first()
    )
    if account is None:
        raise Http404
    return account


def _related(queryset):
    return queryset.select_related(
        "account__company", "account__customer", "account__premises__building", "decided_by",
        "application__applied_by",
    )


def _detail(queryset, pk: int) -> InstitutionApproval:
    approval = _related(queryset).prefetch_related("application__documents").filter(pk=pk).first()
    if approval is None:
        raise Http404
    return approval


def account_approvals(account: Account) -> list[InstitutionApproval]:
    return list(_related(account.institution_approvals.all()).order_by("-from_year", "-id"))


def applicant_approvals(user):
    """The applications of the accounts the user may apply for, newest season first."""
    return _related(InstitutionApproval.objects.filter(account__in=institution_accounts(user))).annotate(
        document_count=Count("application__documents")
    )


def applicant_approval_or_404(user, pk: int) -> InstitutionApproval:
    return _detail(InstitutionApproval.objects.filter(account__in=institution_accounts(user)), pk)


def deciding_categories(user) -> list[str]:
    """The categories the user's bureau decides: those whose duty it holds."""
    duties = bureau_duties(user)
    return [category for category, duty in InstitutionApproval.DUTIES.items() if duty in duties]


def bureau_queue(categories: list[str]) -> tuple[list[InstitutionApproval], list[InstitutionApproval]]:
    """(pending, oldest first; decided lately, newest first) of the given categories."""
    base = _related(InstitutionApproval.objects.filter(category__in=categories)).annotate(
        document_count=Count("application__documents")
    )
    pending = list(base.filter(status=Decision.PENDING).order_by("id")[:QUEUE_SIZE])
    decided = list(
        base.exclude(status=Decision.PENDING).filter(decided_at__isnull=False).order_by("-decided_at", "-id")[
            :DECIDED_SHOWN
        ]
    )
    return pending, decided


def bureau_approval_or_404(categories: list[str], pk: int) -> InstitutionApproval:
    return _detail(InstitutionApproval.objects.filter(category__in=categories), pk)


def document_for(user, pk: int) -> InstitutionDocument:
    """A document for the bureau deciding its category, the login that applied and the account's
    company; the same 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    seen_by = Q(application__applied_by=user) | Q(
        application__approval__category__in=deciding_categories(user)
    )
    membership = company_membership(user)
    if membership is not None:
        seen_by |= Q(application__approval__account__company=membership.organisation)
    document = InstitutionDocument.objects.filter(seen_by).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def bureau_landing_waiting(user) -> str | None:
    """settings.BUREAU_LANDINGS: a bureau deciding institutions starts at its queue while applications
    of its categories wait."""
    categories = deciding_categories(user)
    if categories and InstitutionApproval.objects.filter(
        category__in=categories, status=Decision.PENDING
    ).exists():
        return "institution-queue"
    return None


def bureau_landing(user) -> str | None:
    """settings.BUREAU_LANDINGS: otherwise the queue is the bureau's own work when it has no other."""
    return "institution-queue" if deciding_categories(user) else None
