"""Who may run and read price what-ifs (the bureau holding the price-policy duty), and what a what-if's
page shows: its result as labelled rows and the charts' data."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heating.billing import AREA, METERED
from heating.models import Duty, PricePolicy
from heating.models.accounts import PRICE_CLASS_CHOICES
from heating.models.policy import season_days
from heating.selectors.policy import priced_seasons
from heating.selectors.scope import bureau_holding
from subsidy.models import WhatIf


def price_bureau(user):
    """The user's bureau holding the price-policy duty; PermissionDenied for anyone else."""
    return bureau_holding(user, Duty.PRICE_POLICY, _("只有承担价格政策制定职责的部门才能进行价格测算。"))


def whatif_for(user, pk: int) -> WhatIf:
    """A what-if of the user's bureau (404 otherwise), with its policies and job."""
    bureau = price_bureau(user)
    return get_object_or_404(
        WhatIf.objects.select_related("policy", "other_policy", "job__started_by", "requested_by"),
        pk=pk,
        bureau=bureau,
    )


def whatif_recent(bureau, count: int = 10):
    return WhatIf.objects.filter(bureau=bureau).select_related("policy", "other_policy", "job")[:count]


def seasons_over() -> list[int]:
    """Seasons some policy priced whose last day has passed: those a what-if may re-bill."""
    today = timezone.localdate()
    return [year for year in priced_seasons() if season_days(year)[1] < today]


def policies_to_try():
    """Drafts first ('draft' sorts before 'published'), then the published policies, newest first."""
    return PricePolicy.objects.order_by("status", "-effective_from", "-id")


METHOD_LABELS = {AREA: gettext_lazy("按面积"), METERED: gettext_lazy("计量")}


def group_label(row: dict) -> str:
    """A price class and method as the page names them, e.g. 居民 · 计量."""
    price_class = dict(PRICE_CLASS_CHOICES).get(row["price_class"], row["price_class"])
    return f"{price_class} · {METHOD_LABELS.get(row['method'], row['method'])}"


def whatif_charts(result: dict) -> list[dict]:
    """Per policy, the data of its two charts: the histogram of the change per household and the
    revenue per company before and after (each also a table on the page)."""
    return [
        {
            "histogram": {
                "labels": [f"{bar['low']}～{bar['high']}" for bar in column["histogram"]],
                "values": [bar["count"] for bar in column["histogram"]],
                "label": str(_("户数")),
            },
            "revenue": {
                "labels": [row["name"] for row in column["companies"]],
                "before": [row["revenue_before"] for row in column["companies"]],
                "after": [row["revenue_after"] for row in column["companies"]],
                "before_label": str(_("现行政策")),
                "after_label": column["policy"]["code"],
            },
        }
        for column in result.get("policies", [])
    ]
