"""Billing-area disputes as each role may see them, in one place: the resident holding the account,
the account's company's staff, and bureaus holding the area-decision duty. Anyone else gets the same
404 as a dispute that does not exist. Queues load in a fixed number of queries."""

from django.db.models import Case, Count, Q, When
from django.http import Http404
from django.utils.translation import get_language

from heating.billing.explain import PART_KIND_LABELS, language
from heating.models import Account, AreaDispute, AreaDisputeDocument, Duty, HeatedPart

from .scope import bureau_duties, company_membership, resident_accounts

QUEUE_SIZE = 200


def _related(queryset):
    return queryset.select_related(
        "account__company", "account__premises__building", "decided_by", "decision"
    ).annotate(document_count=Count("documents"))


def _detail(queryset, pk: int) -> AreaDispute:
    dispute = (
        queryset.select_related("account__company", "account__premises__building", "decided_by", "decision")
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )
    if dispute is None:
        raise Http404
    return dispute


def resident_account_or_404(user, company_code: str, number: str) -> Account:
    """The resident's own account (never a staff member's view of it: only a holder disputes)."""
    account = (
        resident_accounts(user)
        .select_related("company", "premises__building")
        .filter(company__code=company_code[:20], number=number[:20])
        .first()
    )
    if account is None:
        raise Http404
    return account


def account_disputes(account: Account) -> list[AreaDispute]:
    return list(account.area_disputes.select_related("decided_by").order_by("-filed_at", "-id"))


def resident_dispute_or_404(user, pk: int) -> AreaDispute:
    return _detail(AreaDispute.objects.filter(account__in=resident_accounts(user)), pk)


def company_disputes(company) -> list[AreaDispute]:
    """The company's disputes: those awaiting its answer first, then the rest, newest first."""
    awaiting = Case(When(state=AreaDispute.State.FILED, then=0), default=1)
    return list(
        _related(AreaDispute.objects.filter(account__company=company))
        .order_by(awaiting, "-filed_at", "-id")[:QUEUE_SIZE]
    )


def company_dispute_or_404(company, pk: int) -> AreaDispute:
    return _detail(AreaDispute.objects.filter(account__company=company), pk)


def area_decider(user) -> bool:
    return Duty.AREA_DECISION in bureau_duties(user)


def bureau_disputes() -> tuple[list[AreaDispute], list[AreaDispute]]:
    """(awaiting the decision, oldest first; decided lately, newest first), for a bureau holding the
    area-decision duty (the caller checks)."""
    awaiting = list(
        _related(AreaDispute.objects.filter(state=AreaDispute.State.ANSWERED)).order_by("answered_at", "id")[
            :QUEUE_SIZE
        ]
    )
    decided = list(
        _related(
            AreaDispute.objects.filter(state__in=[AreaDispute.State.UPHELD, AreaDispute.State.REJECTED])
        ).order_by("-decided_at", "-id")[:20]
    )
    return awaiting, decided


def bureau_dispute_or_404(pk: int) -> AreaDispute:
    return _detail(AreaDispute.objects.all(), pk)


def dispute_document_for(user, pk: int) -> AreaDisputeDocument:
    """A dispute's document, for whoever may see the dispute; the same 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    documents = AreaDisputeDocument.objects.select_related("dispute")
    if not area_decider(user):
        membership = company_membership(user)
        seen_by = Q(dispute__account__in=resident_accounts(user))
        if membership is not None:
            seen_by |= Q(dispute__account__company=membership.organisation)
        documents = documents.filter(seen_by)
    document = documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def parts_shown(parts: list[dict]) -> list[tuple[str, str]]:
    """The claimed parts as (kind in the reader's language, area)."""
    labels = PART_KIND_LABELS[language(get_language() or "")]
    return [(labels.get(part["kind"], part["kind"]), part["area"]) for part in parts]


def recorded_parts(account: Account, start_year: int) -> list[HeatedPart]:
    """The home's heated parts recorded for a season: what the dispute form starts from."""
    return list(
        HeatedPart.objects.filter(premises_id=account.premises_id, from_year__lte=start_year)
        .filter(Q(until_year__isnull=True) | Q(until_year__gt=start_year))
        .order_by("id")
    )


def bureau_landing_waiting(user) -> str | None:
    """settings.BUREAU_LANDINGS: a bureau deciding billing areas starts at its queue while disputes
    await its decision (before any other work)."""
    if area_decider(user) and AreaDispute.objects.filter(state=AreaDispute.State.ANSWERED).exists():
        return "dispute-bureau-queue"
    return None


def bureau_landing(user) -> str | None:
    """settings.BUREAU_LANDINGS: otherwise the queue is a bureau's own work when it has no other."""
    return "dispute-bureau-queue" if area_decider(user) else None
