"""What the reading entry page lists: a building's or a route's current meters, in walking order."""
from django.db.models import Exists, OuterRef, Subquery

from heating.models import Meter, Reading


def entry_meters(company, *, building=None, route=None):
    """The company's current meters of `building` (or else of `route`) in walking order, each with
    its last valid reading (`prev_value`, `prev_at`) and whether it has one awaiting review."""
    valid = Reading.objects.filter(meter=OuterRef("pk"), status=Reading.Status.VALID)
    last_valid = valid.order_by("-read_at")
    meters = (
        Meter.objects.filter(company=company, removed_on__isnull=True)
        .select_related("account__premises__building")
        .annotate(
            prev_value=Subquery(last_valid.values("value_gj")[:1]),
            prev_at=Subquery(last_valid.values("read_at")[:1]),
            pending=Exists(Reading.objects.filter(meter=OuterRef("pk"), status=Reading.Status.FLAGGED)),
        )
    )
    if building is not None:
        meters = meters.filter(account__premises__building=building)
    else:
        meters = meters.filter(account__premises__building__route=route)
    return meters.order_by(
        "account__premises__building__route_order",
        "account__premises__building__code",
        "account__premises__unit",
        "serial",
    )
