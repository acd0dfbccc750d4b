"""Which seasons a price can be quoted for: those whose first day a loaded PricePolicy covers."""
from heating.models import PricePolicy
from heating.models.policy import season_days


def priced_seasons() -> list[int]:
    """Start years, newest first, of every season some policy row is in force on the first day of."""
    years = set()
    for start, until in PricePolicy.objects.values_list("effective_from", "effective_until"):
        years.update(y for y in range(start.year - 1, until.year + 1) if start <= season_days(y)[0] <= until)
    return sorted(years, reverse=True)
