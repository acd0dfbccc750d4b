"""Who may see which claim, each organisation's queue, and whether a claim's figures are stale: every
page and endpoint of the claim scopes its querysets through here (one place)."""

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from heating.models import (
    AreaDecision,
    Duty,
    InstitutionApproval,
    LowIncomeCertificate,
    Organisation,
    Statement,
)
from heating.models.policy import season_days
from heating.selectors.scope import bureau_duties, company_membership
from subsidy.models import Claim, ClaimEvent, ClaimReview

SUBSIDY_DUTIES = frozenset({Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW, Duty.SUBSIDY_APPROVE, Duty.FUND_AUDIT})


def visible_claims(user) -> QuerySet[Claim]:
    """Company staff see their own company's claims; bureaus with a subsidy duty see all; anyone
    else (residents, other bureaus) none."""
    if not user.is_authenticated:
        return Claim.objects.none()
    if user.is_superuser or bureau_duties(user) & SUBSIDY_DUTIES:
        return Claim.objects.all()
    membership = company_membership(user)
    if membership is None:
        return Claim.objects.none()
    return Claim.objects.filter(company=membership.organisation)


def claim_for(user, claim_id: int) -> Claim:
    """A claim the user may see; any other answers 404, the same as one that does not exist."""
    claim = visible_claims(user).select_related("company", "current_version").filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    return claim


def reviewing_organisations() -> QuerySet[Organisation]:
    """The bureaus that hold a review slot (POLICY.md §8): those leading or taking part in the joint
    review, other than the one that approves and pays."""
    return (
        Organisation.objects.filter(
            kind=Organisation.Kind.BUREAU, duties__duty__in=[Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW]
        )
        .exclude(duties__duty=Duty.SUBSIDY_APPROVE)
        .distinct()
        .order_by("id")
    )


def awaiting(user) -> QuerySet[Claim]:
    """The claims waiting for a step by the user's organisation: a company's drafts and returned
    claims; a reviewer's open review slots; the approver's reviewed claims (to approve) and approved
    ones (to pay); for the use-of-funds duty, paid claims its bureau has not yet checked."""
    if not user.is_authenticated:
        return Claim.objects.none()
    membership = company_membership(user)
    waiting = Q(pk__in=[])
    if membership is not None:
        waiting |= Q(company=membership.organisation, state__in=Claim.EDITABLE)
    duties = bureau_duties(user)
    bureaus = Organisation.objects.filter(kind=Organisation.Kind.BUREAU, memberships__user=user)
    if duties & {Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW}:
        open_slot = ClaimReview.objects.filter(
            claim=OuterRef("pk"), organisation__in=bureaus, decision=ClaimReview.Decision.PENDING
        )
        waiting |= Q(Exists(open_slot), state=Claim.State.SUBMITTED)
    if Duty.SUBSIDY_APPROVE in duties:
        waiting |= Q(state__in=[Claim.State.REVIEWED, Claim.State.APPROVED])
    if Duty.FUND_AUDIT in duties:
        checked = ClaimEvent.objects.filter(
            claim=OuterRef("pk"), kind=ClaimEvent.Kind.FUNDS_CHECKED, organisation__in=bureaus
        )
        waiting |= Q(~Exists(checked), state=Claim.State.PAID)
    return Claim.objects.filter(waiting).select_related("company").order_by("season_year", "company__code")


def statements_marker(company_id: int, start_year: int) -> tuple[int, int]:
    """(count, latest id) of every statement ever issued for the company's season, superseded ones
    included: one aggregate query. Statements are never deleted, so any new statement changes it."""
    marker = Statement.objects.filter(account__company_id=company_id, season_year=start_year).aggregate(
        count=Count("id"), latest=Max("id")
    )
    return marker["count"], marker["latest"] or 0


def claim_is_stale(claim: Claim) -> bool:
    """Whether statements were issued for the claim's season since its current version was frozen, or
    a bureau has since decided something that bears on the season's bills (POLICY.md §11: a claim
    built on superseded statements is stale; a decision lists a settled account for re-settlement, and
    changes the prepayment an unsettled one counts at)."""
    version = claim.current_version
    if version is None:
        return False
    current = statements_marker(claim.company_id, claim.season_year)
    if current != (version.statements_count, version.latest_statement_id):
        return True
    return decisions_since(claim.company_id, claim.season_year, version.made_at)


def decisions_since(company_id: int, start_year: int, since) -> bool:
    """An eligibility or area decision made after `since` for an account of the company that applies
    to the season: one query."""
    first, last = season_days(start_year)
    mine = Q(account__company_id=company_id, decided_at__gt=since)
    from_season = Q(from_year__lte=start_year)
    certificates = LowIncomeCertificate.objects.filter(mine, valid_from__lte=last).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first)
    )
    return (
        AreaDecision.objects.filter(mine, from_season)
        .values("pk")
        .union(InstitutionApproval.objects.filter(mine, from_season).values("pk"), certificates.values("pk"))
        .exists()
    )


def claim_history(claim: Claim) -> QuerySet[ClaimEvent]:
    return claim.events.select_related("organisation", "version").order_by("id")


def token_claims(company) -> QuerySet[Claim]:
    """What a company's API token sees: that company's claims."""
    return Claim.objects.filter(company=company)
