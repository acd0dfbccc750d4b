"""The review queue: a company's flagged readings with what they imply (POLICY.md §7)."""
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Subquery

from heating.models import Reading
from heating.reading_rules import Point, daily_use

REVIEW_PAGE_SIZE = 50
RECENTLY_CONFIRMED = 10


def review_queue(company):
    """Flagged readings, oldest first, each with the meter's previous valid reading
    (`prev_value`, `prev_at`): the one the rules judged it against."""
    previous = Reading.objects.filter(
        meter=OuterRef("meter_id"), status=Reading.Status.VALID, read_at__lt=OuterRef("read_at")
    ).order_by("-read_at")
    return (
        Reading.objects.filter(company=company, status=Reading.Status.FLAGGED)
        .select_related("meter__account__premises__building")
        .annotate(
            prev_value=Subquery(previous.values("value_gj")[:1]),
            prev_at=Subquery(previous.values("read_at")[:1]),
        )
        .order_by("read_at", "pk")
    )


def review_page(company, number) -> Page:
    """One page of the queue; each reading with `daily_use` since the previous one (GJ a day, by the
    rules' definition), or None without one."""
    page = Paginator(review_queue(company), REVIEW_PAGE_SIZE).get_page(number)
    for reading in page:
        reading.daily_use = (
            daily_use(Point(reading.prev_at, reading.prev_value), Point(reading.read_at, reading.value_gj))
            if reading.prev_at is not None
            else None
        )
    return page


def recently_confirmed(company, limit: int = RECENTLY_CONFIRMED):
    """The company's last confirmed readings with why, by whom and when (newest first)."""
    return (
        Reading.objects.filter(company=company, confirmed_at__isnull=False)
        .select_related("meter", "confirmed_by")
        .order_by("-confirmed_at", "-pk")[:limit]
    )
