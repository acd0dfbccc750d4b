"""python manage.py claim_figures COMPANY_CODE YYYY-YYYY (CONTRACTS.md): every term of POLICY.md §8 for
the company's season, computed now from its current statements, declared cost and recorded connection
fees, as one JSON object (money as strings with two decimals, plus `exceptions`)."""

import json

from django.core.management.base import BaseCommand

from heating.management.arguments import company_from_code, season_from_argument
from subsidy.selectors.figures import claim_figures


class Command(BaseCommand):
    help = "Print the county subsidy figures (POLICY.md §8) of a heating company's season as JSON."

    def add_arguments(self, parser):
        parser.add_argument("company_code", help="the heating company's code, e.g. DEMO1")
        parser.add_argument("season", help="the season, e.g. 2019-2020")

    def handle(self, *args, company_code, season, **options):
        figures = claim_figures(company_from_code(company_code), season_from_argument(season))
        self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False))
