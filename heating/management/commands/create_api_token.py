"""python manage.py create_api_token COMPANY_CODE [--name NAME] — prints the new token alone on stdout,
so a script can capture it: TOKEN=$(python manage.py create_api_token DEMO1)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from heating.models import ApiToken, Organisation

NAME_MAX = ApiToken._meta.get_field("name").max_length


class Command(BaseCommand):
    help = "Create a remote-reading API token for a heating company; prints the token alone on stdout."

    def add_arguments(self, parser):
        parser.add_argument("company_code", help="the heating company's code, e.g. DEMO1")
        parser.add_argument("--name", help="what the token is for (default: 'command line' and the date)")

    def handle(self, *args, company_code, name=None, **options):
        company = Organisation.objects.filter(code=company_code).first()
        if company is None:
            raise CommandError(f"No organisation has the code {company_code!r}.")
        if not company.is_company:
            raise CommandError(
                f"{company_code!r} is a {company.get_kind_display()} ({company.kind}), "
                "not a heating company: API tokens belong to heating companies."
            )
        name = (name if name is not None else f"command line {timezone.localdate():%Y-%m-%d}").strip()
        if not name:
            raise CommandError("--name must not be empty.")
        if len(name) > NAME_MAX:
            raise CommandError(f"--name is at most {NAME_MAX} characters.")
        with transaction.atomic():
            token, key = ApiToken.issue(company=company, name=name)
        self.stderr.write(
            f"Created API token {token.name!r} ({token.prefix}…) for {company}. "
            "It is shown once, on stdout; only its digest is stored.",
            style_func=self.style.SUCCESS,
        )
        self.stdout.write(key)
