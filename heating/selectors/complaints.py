"""Complaints as each role may see them, in one place: the resident holding the account, the
account's company's staff, the bureaus holding the service-oversight duty (every complaint) and those
holding the price-supervision duty (complaints flagged as suspected price violations). Anyone else
gets the same 404 as a complaint that does not exist. Queues and figures load in a fixed number of
queries."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from heating.models import Account, Complaint, ComplaintPhoto, Duty, Membership, Organisation

from .scope import bureau_duties, company_membership, resident_accounts

QUEUE_SIZE = 200
CHART_BUILDINGS = 30


def resident_account_or_404(user, company_code: str, number: str) -> Account:
    account = (
        resident_accounts(user)
        .select_related("company", "premises__building")
        .filter(company__code=company_code[:20], number=number[:20])
        .first()
    )
    if account is None:
        raise Http404
    return account


def resident_complaints(user) -> list[Complaint]:
    return list(
        Complaint.objects.filter(account__in=resident_accounts(user))
        .select_related("account__company", "account__premises__building")
        .order_by("-filed_at", "-id")[:QUEUE_SIZE]
    )


def _detail(queryset, pk: int) -> Complaint:
    complaint = (
        queryset.select_related(
            "account__company", "account__premises__building", "assigned_to", "answered_by"
        )
        .prefetch_related("photos", "measurements__measured_by", "steps__by")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def resident_complaint_or_404(user, pk: int) -> Complaint:
    return _detail(Complaint.objects.filter(account__in=resident_accounts(user)), pk)


def company_complaint_or_404(company, pk: int) -> Complaint:
    return _detail(Complaint.objects.filter(account__company=company), pk)


def service_overseer(user) -> bool:
    return Duty.SERVICE_OVERSIGHT in bureau_duties(user)


def bureau_complaints(user):
    """The complaints a bureau officer may see (none for anyone else)."""
    duties = bureau_duties(user)
    if Duty.SERVICE_OVERSIGHT in duties:
        return Complaint.objects.all()
    if Duty.PRICE_SUPERVISION in duties:
        return Complaint.objects.filter(suspected_violation=True)
    return Complaint.objects.none()


def bureau_complaint_or_404(user, pk: int) -> Complaint:
    return _detail(bureau_complaints(user), pk)


STATE_FILTERS = ("open", "overdue", "answered", "confirmed", "all")


def company_queue(
    company,
    *,
    state: str = "open",
    category: str = "",
    building: str = "",
    now: datetime.datetime | None = None,
) -> list[Complaint]:
    """The company's complaints by building (then oldest deadline first), filtered: `state` one of
    STATE_FILTERS (open: awaiting the company), `category` a Complaint.Category, `building` an id."""
    now = now or timezone.now()
    complaints = Complaint.objects.filter(account__company=company)
    if state in ("open", "overdue"):
        complaints = complaints.filter(state__in=Complaint.UNANSWERED)
    if state == "overdue":
        complaints = complaints.filter(due_at__lt=now)
    elif state in ("answered", "confirmed"):
        complaints = complaints.filter(state=state)
    if category in Complaint.Category.values:
        complaints = complaints.filter(category=category)
    if building.isdigit():
        complaints = complaints.filter(account__premises__building_id=int(building))
    return list(
        complaints.select_related("account__premises__building", "assigned_to")
        .annotate(photo_count=Count("photos"))
        .order_by("account__premises__building__name", "account__premises__building_id", "due_at", "id")[
            :QUEUE_SIZE
        ]
    )


def company_buildings(company) -> list[tuple[int, str]]:
    """The buildings of the company that have complaints: the queue's filter."""
    return list(
        Complaint.objects.filter(account__company=company)
        .values_list("account__premises__building_id", "account__premises__building__name")
        .distinct()
        .order_by("account__premises__building__name")
    )


def company_staff(company) -> list:
    """The logins a complaint may be assigned to: the company's active staff."""
    memberships = Membership.objects.filter(organisation=company, user__is_active=True).select_related("user")
    return [m.user for m in memberships.order_by("user__username")]


@dataclass(frozen=True)
class CompanyStats:
    company: Organisation
    open: int
    overdue: int
    answered: int
    confirmed: int
    reopened: int
    mean_hours: float | None
    median_hours: float | None
    rating: float | None


def complaint_stats(now: datetime.datetime | None = None) -> list[CompanyStats]:
    """Per company: complaints awaiting it, those past their deadline, answered (awaiting the
    resident's confirmation) and confirmed; complaints ever reopened; how long answers took (hours
    from filing or the last reopening to the answer); the mean rating. Three queries."""
    now = now or timezone.now()

    def counted(**conditions):
        return Count(
            "accounts__complaints",
            filter=Q(**{f"accounts__complaints__{k}": v for k, v in conditions.items()}),
        )

    companies = (
        Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        .annotate(
            n_open=counted(state__in=Complaint.UNANSWERED),
            n_overdue=counted(state__in=Complaint.UNANSWERED, due_at__lt=now),
            n_answered=counted(state=Complaint.State.ANSWERED),
            n_confirmed=counted(state=Complaint.State.CONFIRMED),
            n_reopened=counted(reopen_count__gt=0),
        )
        .order_by("code")
    )
    hours: dict[int, list[float]] = {}
    ratings: dict[int, list[int]] = {}
    answered = Complaint.objects.filter(answered_at__isnull=False).values_list(
        "account__company_id", "opened_at", "answered_at", "rating"
    )
    for company_id, opened_at, answered_at, rating in answered:
        hours.setdefault(company_id, []).append(max(0.0, (answered_at - opened_at).total_seconds() / 3600))
        if rating:
            ratings.setdefault(company_id, []).append(rating)
    rows = []
    for company in companies:
        taken = hours.get(company.pk, [])
        rated = ratings.get(company.pk, [])
        rows.append(
            CompanyStats(
                company=company,
                open=company.n_open,
                overdue=company.n_overdue,
                answered=company.n_answered,
                confirmed=company.n_confirmed,
                reopened=company.n_reopened,
                mean_hours=round(statistics.fmean(taken), 1) if taken else None,
                median_hours=round(statistics.median(taken), 1) if taken else None,
                rating=round(statistics.fmean(rated), 1) if rated else None,
            )
        )
    return rows


@dataclass(frozen=True)
class BuildingCold:
    company: str
    building: str
    complaints: int
    below_minimum: int


def cold_by_building() -> list[BuildingCold]:
    """Where cold flats cluster: per building, heat complaints (室温偏低, 不热) and the measurements
    below the minimum recorded on them, the most first. One query."""
    rows = (
        Complaint.objects.filter(category__in=Complaint.ABOUT_HEAT)
        .values("account__company__name", "account__premises__building__name")
        .annotate(
            n=Count("id", distinct=True),
            below=Count(
                "measurements", filter=Q(measurements__value__lt=F("measurements__minimum")), distinct=True
            ),
        )
        .order_by("-n", "-below", "account__premises__building__name")[:CHART_BUILDINGS]
    )
    return [
        BuildingCold(
            company=row["account__company__name"],
            building=row["account__premises__building__name"],
            complaints=row["n"],
            below_minimum=row["below"],
        )
        for row in rows
    ]


def overdue_complaints(now: datetime.datetime | None = None) -> list[Complaint]:
    now = now or timezone.now()
    return list(
        Complaint.objects.filter(state__in=Complaint.UNANSWERED, due_at__lt=now)
        .select_related("account__company", "account__premises__building")
        .order_by("due_at", "id")[:QUEUE_SIZE]
    )


def suspected_violations() -> list[Complaint]:
    return list(
        Complaint.objects.filter(suspected_violation=True)
        .select_related("account__company", "account__premises__building")
        .order_by("-filed_at", "-id")[:QUEUE_SIZE]
    )


def complaint_photo_for(user, pk: int) -> ComplaintPhoto:
    """A complaint's photo, for whoever may see the complaint; the same 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    seen = Q(complaint__account__in=resident_accounts(user))
    membership = company_membership(user)
    if membership is not None:
        seen |= Q(complaint__account__company=membership.organisation)
    seen |= Q(complaint__in=bureau_complaints(user))
    photo = ComplaintPhoto.objects.filter(seen).filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo


def sees_complaints(user) -> bool:
    """A bureau overseeing service or supervising prices: the complaints page is theirs."""
    return bool(bureau_duties(user) & {Duty.SERVICE_OVERSIGHT, Duty.PRICE_SUPERVISION})


def bureau_landing(user) -> str | None:
    """settings.BUREAU_LANDINGS: the complaints page is the work of a bureau overseeing service that
    has no other (the market bureau keeps its inbox, which links here)."""
    return "complaint-bureau-list" if service_overseer(user) else None
