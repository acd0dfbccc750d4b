"""What a company manager's overview shows and where each role lands after signing in."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from heating.models import ApiToken, ImportBatch, Membership, Organisation, Reading, Role
from heating.models.policy import season_days, season_name

RECENT_IMPORTS = 5


def current_season(today: datetime.date) -> int:
    """The start year of the season under way, or of the last one when between seasons."""
    return today.year if today >= season_days(today.year)[0] else today.year - 1


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@dataclass(frozen=True)
class CompanyOverview:
    season: str
    readings: int
    flagged: int
    imports: list
    tokens: list


def company_overview(company, *, today: datetime.date) -> CompanyOverview:
    """Three queries whatever the company's size: the season's reading counts, the latest imports,
    the live tokens."""
    season = current_season(today)
    first_day, last_day = season_days(season)
    start, end = _midnight(first_day), _midnight(last_day + datetime.timedelta(days=1))
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
    return CompanyOverview(season_name(season), counts["readings"], counts["flagged"], imports, tokens)


def is_bureau_officer(user) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.BUREAU).exists()
    )


def landing_page(user, membership) -> str:
    """The URL name a signed-in user starts from: the work of their role."""
    if membership is not None:
        return "company-overview" if membership.role == Role.MANAGER else "counter"
    if is_bureau_officer(user):
        return "bureau-inbox"
    return "home"
