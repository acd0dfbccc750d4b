"""The compliance checks as the landing page of a bureau holding the price-supervision duty
(settings.BUREAU_LANDINGS)."""

from heating.models import Duty
from heating.selectors.scope import bureau_duties


def bureau_landing(user) -> str | None:
    return "supervision-home" if Duty.PRICE_SUPERVISION in bureau_duties(user) else None
