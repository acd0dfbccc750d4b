"""The subsidy queue as the landing page of a bureau holding a subsidy duty (settings.BUREAU_LANDINGS)."""

from heating.selectors.scope import bureau_duties
from subsidy.selectors.claims import SUBSIDY_DUTIES


def bureau_landing(user) -> str | None:
    return "subsidy-queue" if bureau_duties(user) & SUBSIDY_DUTIES else None
