"""The losses a claim is for, by cause (POLICY.md §8: hardship, cap, inversion), per company and season,
from the claims' current figures: for the queue page's chart and the table beside it. Pure: it reads
the claims it is given."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

CAUSES = ("hardship", "cap", "inversion")


@dataclass(frozen=True)
class LossRow:
    company: str
    season: str
    hardship: Decimal
    cap: Decimal
    inversion: Decimal

    @property
    def label(self) -> str:
        return f"{self.company} {self.season}"


def losses_by_cause(claims) -> list[LossRow]:
    """One row a claim with figures (a draft never submitted has none), by season then company."""
    rows = [
        LossRow(
            claim.company.name,
            f"{claim.season_year}-{claim.season_year + 1}",
            *(Decimal(claim.figures[cause]) for cause in CAUSES),
        )
        for claim in claims
        if claim.figures
    ]
    return sorted(rows, key=lambda row: (row.season, row.company))


def losses_chart(rows: list[LossRow]) -> dict:
    """What static/js/subsidy_losses.js draws, a stacked bar a company and season."""
    names = {"hardship": _("困难群体优惠"), "cap": _("结算上限"), "inversion": _("价格倒挂")}
    return {
        "labels": [row.label for row in rows],
        "datasets": [
            {"label": str(names[cause]), "values": [f"{getattr(row, cause):.2f}" for row in rows]}
            for cause in CAUSES
        ],
    }
