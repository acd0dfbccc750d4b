"""python manage.py claim_figures COMPANY_CODE YYYY-YYYY (CONTRACTS.md): every term of POLICY.md §8 for
the company's season, computed now from its current statements, declared cost and recorded connection
fees, as one JSON object (money as strings with two decimals, plus `exceptions`)."""

import json

from django.core.management.base import BaseCommand, CommandError

from heating.models import Organisation
from heating.selectors.statements import season_from_name
from subsidy.selectors.figures import claim_figures


class Command(BaseCommand):
    help = "Print the county subsidy figures (POLICY.md §8) of a heating company's season as JSON."

    def add_arguments(self, parser):
        parser.add_argument("company_code", help="the heating company's code, e.g. DEMO1")
        parser.add_argument("season", help="the season, e.g. 2019-2020")

    def handle(self, *args, company_code, season, **options):
        company = Organisation.objects.filter(code=company_code, kind=Organisation.Kind.COMPANY).first()
        if company is None:
            raise CommandError(f"No heating company has the code {company_code!r}.")
        start_year = season_from_name(season)
        if start_year is None:
            raise CommandError(
                f"The season must be YYYY-YYYY with consecutive years, e.g. 2019-2020, not {season!r}."
            )
        figures = claim_figures(company, start_year)
        self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False))
