"""A season named in a request ("YYYY-YYYY"), read the same way by every page that takes one; a bad
name gets a 400 page that says why, with the way back to the page that asked."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from heating.selectors.statements import season_from_name


class BadSeason(ValueError):
    pass


def season_named(text: str) -> int:
    """The start year of the season `text` names; BadSeason, in words, when it names none."""
    start_year = season_from_name(text.strip())
    if start_year is None:
        raise BadSeason(
            _("供暖季：") + _("须给出一个供暖季，格式为 YYYY-YYYY，且后一年等于前一年加一，如 2019-2020。")
        )
    return start_year


def bad_season_page(request, bad: BadSeason, *, title: str, back: str):
    """The 400 page of a bad season: `title` the page's name, `back` its URL name."""
    context = {"error": str(bad), "title": title, "back": reverse(back)}
    return render(request, "heating/bad_season.html", context, status=400)
