"""How the portal writes people and money, once for every page: `{% load portal %}`."""

import re
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from heating.billing import explain
from heating.notice_text import section_anchor
from heating.selectors.overview import officer_duties
from heating.selectors.policy import notice_stem

register = template.Library()

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@register.filter
def person_name(user) -> str:
    """A user's name as people write it: 王丽 (surname first, no space) for a Chinese name,
    Li Wang for a Latin one; the username when no name is set, — for nobody."""
    if user is None:
        return "—"
    last, first = (user.last_name or "").strip(), (user.first_name or "").strip()
    if not (last or first):
        return user.username
    if _HAN.search(last + first):
        return last + first
    return f"{first} {last}".strip()


@register.filter
def yuan(amount) -> str:
    """Money as ¥1234.00 (two decimals, −¥ for a negative amount): the calculator's script writes
    the API's amounts the same way."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    return f"−¥{-value}" if value < 0 else f"¥{abs(value)}"  # abs: no ¥-0.00


@register.filter
def percent(share) -> str:
    """A share of a policy as a percentage: 0.30 → 30%, 0.755 → 75.5%."""
    text = f"{Decimal(share) * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


@register.simple_tag(takes_context=True)
def nav_current(context, *names) -> str:
    """` aria-current="page"` on the navigation link of the page being shown: `names` are URL names,
    a trailing * matches a prefix (import-* for every import page)."""
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.url_name if match else None
    if here and any(here == n or (n.endswith("*") and here.startswith(n[:-1])) for n in names):
        return mark_safe(' aria-current="page"')
    return ""


@register.simple_tag
def bureau_officer(user) -> set[str] | None:
    """For the navigation of a signed-in user who is not company staff, in one query: the duties of
    their bureaus (an empty set for a bureau without any), or None when they belong to no bureau."""
    return officer_duties(user)


@register.filter
def price_class_label(price_class: str) -> str:
    """The engine's price class in the page's language, as the calculator and bills name it."""
    return explain.PRICE_CLASS_LABELS[explain.language(get_language())][price_class]


@register.filter
def method_label(method: str) -> str:
    return explain.METHOD_LABELS[explain.language(get_language())][method]


@register.filter
def notice_section_url(section: str, policy_code: str) -> str:
    """The address of a cited section (§三, §一.4) in the text of the notice `policy_code` on the policy
    page, or "" when that notice's text is not on the portal."""
    stem = notice_stem(policy_code)
    return f"{reverse('policy-public')}#{section_anchor(stem, section)}" if stem else ""
