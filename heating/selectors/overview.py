"""What a company manager's overview shows and where each role lands after signing in."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.module_loading import import_string

from heating.models import ApiToken, ImportBatch, Membership, Organisation, Reading, Role
from heating.models.policy import season_days, season_name
from heating.selectors import season_overview as figures
from heating.selectors.reconciliation import recent_reconciliations
from heating.selectors.scope import resident_accounts

RECENT_IMPORTS = 5


def current_season(today: datetime.date) -> int:
    """The start year of the season under way, or of the last one when between seasons."""
    return today.year if today >= season_days(today.year)[0] else today.year - 1


@dataclass(frozen=True)
class CompanyOverview:
    season: str
    readings: int
    flagged: int
    imports: list
    tokens: list
    collection: list
    routes: list
    unsettled: figures.Unsettled
    refunds: figures.Refunds
    takings: list
    reconciliations: list


def overview_season(company, today: datetime.date) -> int:
    """The season a manager sees first: the latest with money in the ledger, else the current one."""
    return figures.latest_ledger_season(company) or current_season(today)


def company_overview(company, *, start_year: int, today: datetime.date) -> CompanyOverview:
    """Ten queries whatever the company's size: the season's reading counts, the latest imports,
    the live tokens, the season's figures (heating.selectors.season_overview) and the last days'
    reconciliations."""
    start, end = figures.season_window(start_year)
    counts = Reading.objects.filter(company=company, read_at__gte=start, read_at__lt=end).aggregate(
        readings=Count("id", filter=~Q(status=Reading.Status.VOID)),
        flagged=Count("id", filter=Q(status=Reading.Status.FLAGGED)),
    )
    imports = list(
        ImportBatch.objects.filter(company=company)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:RECENT_IMPORTS]
    )
    tokens = list(
        ApiToken.objects.filter(company=company, revoked_at__isnull=True)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    return CompanyOverview(
        season=season_name(start_year),
        readings=counts["readings"],
        flagged=counts["flagged"],
        imports=imports,
        tokens=tokens,
        collection=figures.collection_by_building(company, start_year),
        routes=figures.readings_by_route(company, start_year),
        unsettled=figures.unsettled_accounts(company, start_year),
        refunds=figures.season_refunds(company, start_year),
        takings=figures.takings_on(company, today),
        reconciliations=recent_reconciliations(company, today),
    )


def is_bureau_officer(user) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUREAU).exists()
    )


def officer_duties(user) -> set[str] | None:
    """In one query: the duties of the user's bureaus (an empty set for a bureau without any), or None
    when the user belongs to no bureau."""
    duties = list(
        Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUREAU).values_list(
            "organisation__duties__duty", flat=True
        )
    )
    return set(duties) - {None} if duties else None


def bureau_work_page(user) -> str | None:
    """The URL name of a bureau officer's own work, from the first of settings.BUREAU_LANDINGS (dotted
    paths of `(user) -> URL name or None`) that has one: apps built on heating (the subsidy claims)
    offer their pages there, so that heating never imports them."""
    for provider in settings.BUREAU_LANDINGS:
        page = import_string(provider)(user)
        if page:
            return page
    return None


def landing_page(user, membership) -> str:
    """The URL name a signed-in user starts from: the work of their role, a resident's homes."""
    if membership is not None:
        return "company-overview" if membership.role == Role.MANAGER else "counter"
    if is_bureau_officer(user):
        return bureau_work_page(user) or "bureau-inbox"
    if resident_accounts(user).exists():
        return "homes"
    return "home"
