"""Who may see what: every page and endpoint scopes its querysets through these (one place)."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from heating.models import Account, Membership, Organisation, Payment, PaymentOrder, Role


def company_membership(user) -> Membership | None:
    """The user's membership of a heating company (staff belong to one company)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__kind=Organisation.Kind.COMPANY)
        .order_by("id")
        .first()
    )


def bureau_duties(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUREAU).values_list(
            "organisation__duties__duty", flat=True
        )
    ) - {None}


def bureau_holding(user, duty: str, refusal: str) -> Organisation:
    """The user's bureau that holds `duty`; PermissionDenied(refusal) when none does. Every decision a
    duty gives (a claim's review, an eligibility or area decision) names the organisation this returns."""
    bureau = (
        Organisation.objects.filter(kind=Organisation.Kind.BUREAU, memberships__user=user, duties__duty=duty)
        .order_by("id")
        .first()
    )
    if bureau is None:
        raise PermissionDenied(refusal)
    return bureau


def organisations_holding(duty: str):
    """The bureaus holding `duty`: those a matter awaiting that duty is addressed to."""
    return Organisation.objects.filter(kind=Organisation.Kind.BUREAU, duties__duty=duty).distinct()


def organisations_holding_any(duties) -> list[int]:
    """The ids of the bureaus holding any of `duties` (each once)."""
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.BUREAU, duties__duty__in=list(duties))
        .values_list("pk", flat=True).distinct()
    )


def resident_accounts(user):
    """A resident's own accounts: those of customers linked to their login."""
    return Account.objects.filter(customer__user=user) if user.is_authenticated else Account.objects.none()


def resident_payment_or_404(user, pk: int) -> Payment:
    """A payment into one of the resident's own accounts (its receipt is theirs to download); 404
    for anyone else, the account's company staff included (they have the counter's receipt)."""
    payment = (
        Payment.objects.select_related("account__company", "account__customer", "account__premises__building")
        .filter(pk=pk, account__in=resident_accounts(user))
        .first()
    )
    if payment is None:
        raise Http404
    return payment


def resident_order_or_404(user, pk: int) -> PaymentOrder:
    """An online payment order of one of the resident's own accounts; 404 for anyone else."""
    order = (
        PaymentOrder.objects.select_related("account__company")
        .filter(pk=pk, account__in=resident_accounts(user))
        .first()
    )
    if order is None:
        raise Http404
    return order


def resident_bill_account_or_404(user, company_code: str, number: str) -> Account:
    """The account behind a bill address (CONTRACTS.md "Resident portal addresses"), for its holders
    (customers linked to `user`) and its company's staff only. Anyone else gets the same 404 as an
    account that does not exist, in one query either way, so the answer tells nothing."""
    if not user.is_authenticated or len(company_code) > 20 or len(number) > 20:
        raise Http404
    staff_of = Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.COMPANY
    ).values("organisation_id")
    account = (
        Account.objects.select_related("company", "customer", "premises__building")
        .filter(company__code=company_code, number=number)
        .filter(Q(customer__user=user) | Q(company__in=staff_of))
        .first()
    )
    if account is None:
        raise Http404
    return account


def company_staff_required(view=None, *, manager=False):
    """Lets company clerks (or only managers) in; sets request.company and request.membership."""

    def decorate(func):
        @wraps(func)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = company_membership(request.user)
            if membership is None or (manager and membership.role != Role.MANAGER):
                raise PermissionDenied
            request.membership = membership
            request.company = membership.organisation
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate
