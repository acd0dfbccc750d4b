"""What the claim's page shows a given user: the §8 terms of the current figures, the cost items with
their adjustments, the review slots, the history, which steps this user may take now, and the season's
latest loss totals (the snapshot the totals job summed, with its progress while it runs) — read, never
summed on the page. A fixed number of queries whatever the number of events, adjustments, slots or
accounts."""

from dataclasses import dataclass
from decimal import Decimal

from heating.models import Duty, Job, Membership, Organisation, Role, SeasonTotals
from heating.selectors.jobs import job_latest
from heating.selectors.scope import company_membership
from heating.selectors.season_totals import season_totals_latest, season_totals_stale
from subsidy.explain import Term, claim_terms, cost_category_label
from subsidy.models import Claim, ClaimEvent, ClaimReview
from subsidy.selectors.claims import claim_history, claim_is_stale
from subsidy.selectors.figures import claim_figures_of
from subsidy.services.figures_job import KIND, figures_params

State = Claim.State


@dataclass(frozen=True)
class CostRow:
    category: str
    label: str
    declared: Decimal
    current: Decimal
    adjustments: list


@dataclass(frozen=True)
class ReviewRow:
    organisation: Organisation
    approved: bool
    event: ClaimEvent | None  # the approval standing, when it stands


@dataclass(frozen=True)
class Viewer:
    """Who is looking, once: the company they manage, their bureaus and those bureaus' duties."""

    manages: int | None
    bureaus: frozenset[int]
    duties: frozenset[str]


@dataclass(frozen=True)
class SeasonLosses:
    """The season's latest loss totals and the job that sums them again."""

    totals: SeasonTotals | None
    stale: bool  # statements issued since they were summed
    preview: list[Term]  # the §8 terms they give, for a claim with no figures of its own yet
    job: Job | None


@dataclass(frozen=True)
class ClaimPage:
    claim: Claim
    terms: list[Term]
    costs: list[CostRow]
    reviews: list[ReviewRow]
    stale: bool
    history: list[ClaimEvent]
    steps: frozenset[str]
    season: SeasonLosses


def viewer_of(user) -> Viewer:
    membership = company_membership(user)
    manages = membership.organisation_id if membership and membership.role == Role.MANAGER else None
    rows = Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUREAU).values_list(
        "organisation_id", "organisation__duties__duty"
    )
    rows = list(rows)
    return Viewer(manages, frozenset(o for o, _ in rows), frozenset(d for _, d in rows if d))


def may_sum_totals(viewer: Viewer, claim: Claim) -> bool:
    """The company's manager and the lead bureau start the season's totals job (it changes no claim)."""
    return viewer.manages == claim.company_id or Duty.SUBSIDY_LEAD in viewer.duties


def allowed_steps(
    viewer: Viewer, claim: Claim, reviews: list[ClaimReview], stale: bool, *, summing: bool = False
) -> frozenset[str]:
    """The steps the services would let this viewer take on the claim now (they check again);
    `summing` while the season's totals job is queued or running."""
    steps = set()
    state = claim.state
    if not summing and may_sum_totals(viewer, claim):
        steps.add("totals")
    own_slot = next((r for r in reviews if r.organisation_id in viewer.bureaus), None)
    approver = Duty.SUBSIDY_APPROVE in viewer.duties
    if viewer.manages == claim.company_id and state in Claim.EDITABLE:
        steps.add("submit")
    if stale and state in (State.SUBMITTED, State.REVIEWED, State.APPROVED):
        if viewer.manages == claim.company_id or Duty.SUBSIDY_LEAD in viewer.duties:
            steps.add("recompute")
    if own_slot and own_slot.decision == ClaimReview.Decision.PENDING and state == State.SUBMITTED:
        steps.add("review")
    if (own_slot or approver) and state in (State.SUBMITTED, State.REVIEWED):
        steps.add("return")
    if approver and not stale and state == State.REVIEWED:
        steps.add("approve")
    if approver and not stale and state == State.APPROVED:
        steps.add("pay")
    if Duty.FUND_AUDIT in viewer.duties and state == State.PAID:
        steps.add("funds_check")
    return frozenset(steps)


def _cost_rows(version) -> list[CostRow]:
    if version is None:
        return []
    adjustments = {}
    for adjustment in version.adjustments.select_related("organisation").order_by("id"):
        adjustments.setdefault(adjustment.category, []).append(adjustment)
    rows = []
    for category, declared in version.cost_items.items():
        made = adjustments.get(category, [])
        declared = Decimal(declared)
        current = made[-1].amount_after if made else declared
        rows.append(CostRow(category, cost_category_label(category), declared, current, made))
    return rows


def _review_rows(reviews, history) -> list[ReviewRow]:
    """Each slot with the approval that stands: its organisation's latest approval, when the slot is
    approved (a reset slot's earlier approval no longer stands)."""
    latest = {e.organisation_id: e for e in history if e.kind == ClaimEvent.Kind.REVIEW_APPROVED}
    rows = []
    for review in reviews:
        approved = review.decision == ClaimReview.Decision.APPROVED
        rows.append(
            ReviewRow(review.organisation, approved, latest.get(review.organisation_id) if approved else None)
        )
    return rows


def season_losses(claim: Claim) -> SeasonLosses:
    totals = season_totals_latest(claim.company_id, claim.season_year)
    preview = [] if totals is None or claim.figures else claim_terms(claim_figures_of(totals).as_json())
    job = job_latest(company=claim.company_id, kind=KIND, params=figures_params(claim.season_year))
    return SeasonLosses(totals, totals is not None and season_totals_stale(totals), preview, job)


def claim_page(user, claim: Claim) -> ClaimPage:
    """`claim` from claim_for (already scoped to the user)."""
    reviews = list(claim.reviews.select_related("organisation").order_by("organisation_id"))
    history = list(claim_history(claim).select_related("adjustment"))
    stale = claim_is_stale(claim)
    version = claim.current_version
    costs = _cost_rows(version)
    adjusted = any(row.adjustments for row in costs)
    season = season_losses(claim)
    summing = season.job is not None and season.job.active
    return ClaimPage(
        claim=claim,
        terms=claim_terms(claim.figures, adjusted=adjusted) if claim.figures else [],
        costs=costs,
        reviews=_review_rows(reviews, history),
        stale=stale,
        history=history,
        steps=allowed_steps(viewer_of(user), claim, reviews, stale, summing=summing),
        season=season,
    )
