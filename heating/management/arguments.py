"""The arguments the management commands share (CONTRACTS.md), read one way and refused in words."""

from django.core.management.base import CommandError

from heating.models import Organisation
from heating.selectors.statements import season_from_name


def company_from_code(code: str) -> Organisation:
    company = Organisation.objects.filter(code=code, kind=Organisation.Kind.COMPANY).first()
    if company is None:
        raise CommandError(f"No heating company has the code {code!r}.")
    return company


def season_from_argument(text: str) -> int:
    """The start year of a season named YYYY-YYYY."""
    start_year = season_from_name(text)
    if start_year is None:
        raise CommandError(
            f"The season must be YYYY-YYYY with consecutive years, e.g. 2019-2020, not {text!r}."
        )
    return start_year
