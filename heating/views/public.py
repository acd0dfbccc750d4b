from django.shortcuts import render
from django.utils import timezone

from heating.billing import METHODS, PART_KINDS, PRICE_CLASSES, RESIDENTIAL_KINDS
from heating.billing.explain import PART_KIND_LABELS, PRICE_CLASS_LABELS
from heating.models.policy import season_name
from heating.selectors.policy import latest_priced_season, policy_for_season, priced_seasons
from heating.selectors.policy_page import published_policies


def _labels(table, language):
    return table.get(language) or table["zh-hans"]


def home(request):
    """The public home page; its price cards are the policy in force for the latest priced season."""
    latest = latest_priced_season()
    return render(request, "heating/home.html", {"policy": policy_for_season(latest) if latest else None})


def calculator(request):
    """供暖费计算器: a form over POST /api/v1/quote, so the page and the API cannot disagree."""
    language = request.LANGUAGE_CODE
    part_labels = _labels(PART_KIND_LABELS, language)
    class_labels = _labels(PRICE_CLASS_LABELS, language)
    return render(
        request,
        "heating/calculator.html",
        {
            "price_classes": [(c, class_labels[c]) for c in PRICE_CLASSES],
            "methods": METHODS,
            "part_kinds": [(k, part_labels[k], k in RESIDENTIAL_KINDS) for k in PART_KINDS],
            # Newest first, so the season of the latest policy is the one chosen.
            "seasons": [season_name(year) for year in priced_seasons()],
        },
    )


def policy(request):
    """政策公开: the price policy in force today and every loaded one, each with its notice's text."""
    return render(request, "heating/policy.html", {"page": published_policies(timezone.localdate())})
