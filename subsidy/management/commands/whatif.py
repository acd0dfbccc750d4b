"""python manage.py whatif YYYY-YYYY --policy CODE: the settled season re-billed under the policy (a
draft, as a rule), issuing nothing, as one JSON object: per company (by code) its accounts, revenue
and subsidy claim (POLICY.md §8) before and after, and the county's totals; money as strings with two
decimals. The same code as the portal's what-if job, run here chunk after chunk."""

import json

from django.core.management.base import BaseCommand, CommandError

from heating.management.arguments import season_from_argument
from heating.models import PricePolicy
from subsidy.services.whatif import WhatIfRefused, whatif_compute

SHOWN = ("accounts", "revenue_before", "revenue_after", "claim_before", "claim_after")


class Command(BaseCommand):
    help = "Print what a settled season would bill and claim under another price policy, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("season", help="the season, e.g. 2019-2020")
        parser.add_argument("--policy", required=True, help="the policy's code (文号), a draft or published")

    def handle(self, *args, season, policy, **options):
        start_year = season_from_argument(season)
        found = PricePolicy.objects.filter(code=policy).first()
        if found is None:
            raise CommandError(f"no price policy {policy!r}")
        try:
            result = whatif_compute(start_year, [found])["policies"][0]
        except WhatIfRefused as refusal:
            raise CommandError(str(refusal)) from None
        out = {
            "season": season,
            "policy": found.code,
            "companies": {row["code"]: {key: row[key] for key in SHOWN} for row in result["companies"]},
            "county": {key: result["county"][key] for key in SHOWN},
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
