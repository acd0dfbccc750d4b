import datetime

from django.utils.translation import gettext as _

from heating.models import PricePolicy
from heating.models.policy import season_days
from heating.notice_text import NOTICE_FILES, drafted_stem


class NoPolicyInForce(LookupError):
    """No price policy covers a season's first day: an error that names the date, never a fallback."""

    def __init__(self, day: datetime.date):
        self.day = day
        super().__init__(_("%(day)s 没有生效的价格政策") % {"day": day.isoformat()})


def policy_for_season(start_year: int) -> PricePolicy:
    first_day = season_days(start_year)[0]
    policy = (
        PricePolicy.objects.published()
        .filter(effective_from__lte=first_day, effective_until__gte=first_day)
        .order_by("-effective_from")
        .first()
    )
    if policy is None:
        raise NoPolicyInForce(first_day)
    return policy


def priced_seasons() -> list[int]:
    """Start years, newest first, of every season some published policy is in force on the first day of."""
    years = set()
    for start, until in PricePolicy.objects.published().values_list("effective_from", "effective_until"):
        years.update(y for y in range(start.year - 1, until.year + 1) if start <= season_days(y)[0] <= until)
    return sorted(years, reverse=True)


def latest_priced_season() -> int | None:
    """The latest season whose first day some published policy covers (the quote API's default)."""
    return next(iter(priced_seasons()), None)


def notice_stem(code: str) -> str | None:
    """The anchors' prefix of the published notice with this code on the policy page, or None when
    its text is not on the portal: no query for a notice whose text ships."""
    stem = NOTICE_FILES.get(code)
    if stem is None:
        pk = (
            PricePolicy.objects.published().filter(code=code).exclude(notice_text="")
            .values_list("pk", flat=True).first()
        )
        stem = None if pk is None else drafted_stem(pk)
    return stem
