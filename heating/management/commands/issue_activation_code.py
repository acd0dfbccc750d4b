"""python manage.py issue_activation_code COMPANY_CODE ACCOUNT_NUMBER — voids the account's activation
code and prints the fresh one alone on stdout (CONTRACTS.md), for a resident who lost theirs."""
from django.core.management.base import BaseCommand, CommandError

from heating.management.arguments import company_from_code
from heating.models import Account
from heating.services.activation import activation_code_issue


class Command(BaseCommand):
    help = "Issue a fresh resident-portal activation code for an account; prints the code alone on stdout."

    def add_arguments(self, parser):
        parser.add_argument("company_code", help="the heating company's code, e.g. DEMO1")
        parser.add_argument("account_number", help="the account's number (户号)")

    def handle(self, *args, company_code, account_number, **options):
        company = company_from_code(company_code)
        account = Account.objects.filter(company=company, number=account_number).first()
        if account is None:
            raise CommandError(f"{company.code} has no account numbered {account_number!r}.")
        code = activation_code_issue(account)
        self.stderr.write(
            f"Issued an activation code for account {account.number} of {company}; the previous one is void. "
            "It is shown once, on stdout; only its hash is stored.",
            style_func=self.style.SUCCESS,
        )
        self.stdout.write(code)
