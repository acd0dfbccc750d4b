"""`{% load claims %}`: the claim pages' names for cost categories."""

from django import template

from subsidy.explain import cost_category_label

register = template.Library()


@register.filter
def cost_label(category: str) -> str:
    return cost_category_label(category)
