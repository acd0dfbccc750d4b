"""Buildings, routes and meters with a previous reading, as the reading pages see them."""
import datetime
from decimal import Decimal

from django.utils import timezone

from heating.models import Role
from tests.factories import (
    AccountFactory,
    BuildingFactory,
    HeatedPartFactory,
    MembershipFactory,
    MeterFactory,
    PremisesFactory,
    ReadingFactory,
    UserFactory,
)

PREVIOUS = Decimal("100.000000")


def a_month_ago() -> datetime.datetime:
    return (timezone.localtime() - datetime.timedelta(days=30)).replace(second=0, microsecond=0)


def staff(company, username=None, role=Role.CLERK):
    """A company clerk (or manager) whose password is "pw"."""
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, organisation=company, role=role)
    return user


def add_meter(building, unit, *, previous=PREVIOUS, at=None, area="80.00", **meter_fields):
    """A home in `building` with one current meter and, unless previous=None, one valid reading."""
    premises = PremisesFactory(company=building.company, building=building, unit=unit)
    HeatedPartFactory(premises=premises, area=Decimal(area))
    meter = MeterFactory(account=AccountFactory(premises=premises), **meter_fields)
    if previous is not None:
        ReadingFactory(meter=meter, read_at=at or a_month_ago(), value_gj=Decimal(previous))
    return meter


def building_with_meters(company, count, *, route=None, route_order=0, code=None, previous=PREVIOUS):
    extra = {"code": code} if code else {}
    building = BuildingFactory(company=company, route=route, route_order=route_order, **extra)
    meters = [add_meter(building, f"1-{n:02d}", previous=previous) for n in range(1, count + 1)]
    return building, meters


def local_input(moment: datetime.datetime) -> str:
    """A time as the page's datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
