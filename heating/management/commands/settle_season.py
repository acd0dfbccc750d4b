"""python manage.py settle_season COMPANY_CODE YYYY-YYYY [--preview] (CONTRACTS.md): settles the
company's season as the portal's button does: a job of chunks, which this command works on too, beside
any Celery workers, then waits for the chunks they hold. Ends with `settled: N statements issued, M
unchanged, E exceptions`."""
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from heating.batching import chunks
from heating.management.arguments import company_from_code, season_from_argument
from heating.models import Account, Job
from heating.selectors.policy import NoPolicyInForce
from heating.services.jobs import JobActive, job_run
from heating.services.settlement import SettlementRefused, SettleResult, season_settle
from heating.services.settlement_runs import CHUNK, settlement_result, settlement_start

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Settle a heating company's season: a statement per account, with its ledger entries."

    def add_arguments(self, parser):
        parser.add_argument("company_code", help="the heating company's code, e.g. DEMO1")
        parser.add_argument("season", help="the season, e.g. 2019-2020")
        parser.add_argument(
            "--preview", action="store_true", help="count what would be issued; issue nothing"
        )

    def handle(self, *args, company_code, season, preview=False, **options):
        company = company_from_code(company_code)
        start_year = season_from_argument(season)
        try:
            result = self._preview(company, start_year) if preview else self._settle(company, start_year)
        except (SettlementRefused, NoPolicyInForce, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        for exception in result.exceptions:
            self.stdout.write(f"exception {exception.number}: {exception.reason}")
        self.stdout.write(result.summary())

    def _preview(self, company, start_year) -> SettleResult:
        ids = list(Account.objects.filter(company=company).order_by("id").values_list("id", flat=True))
        result = SettleResult()
        for chunk in chunks(ids, CHUNK):
            result.add(season_settle(company=company, start_year=start_year, account_ids=chunk, preview=True))
        return result

    def _settle(self, company, start_year) -> SettleResult:
        try:
            job = settlement_start(company=company, start_year=start_year)
        except JobActive as active:
            self.stderr.write(f"This season's settlement is already running (job {active.job.pk}): waiting.")
            job = active.job
        job = job_run(job.pk)
        while job.state in Job.ACTIVE:
            time.sleep(POLL_SECONDS)
            job.refresh_from_db()
        if job.state == Job.State.FAILED:
            raise CommandError(f"The settlement job {job.pk} failed: {job.error}")
        return settlement_result(job)
