import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from heating.demo import DEMO_PASSWORD, demo_seed
from heating.selectors.policy import NoPolicyInForce

ROLE_LABELS = {
    "superuser": "系统管理员 superuser",
    "resident": "居民 resident",
    "clerk": "企业业务员 clerk",
    "manager": "企业经理 manager",
    "officer": "部门经办人 officer",
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (widths[col] - _width(cell)) for col, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = (
        "Build the demo county: companies DEMO1 and DEMO2, the bureaus, a login per role and N accounts. "
        "Idempotent and deterministic; a larger N adds accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", type=int, default=3000, help="number of demo accounts (default 3000)"
        )

    def handle(self, *args, accounts: int, **options):
        if accounts < 0:
            raise CommandError("--accounts must be at least 0")
        started = time.monotonic()
        try:
            result = demo_seed(accounts=accounts)
        except NoPolicyInForce as exc:
            raise CommandError(f"{exc} (run migrate: the 2019 policy is loaded by a migration)") from exc
        elapsed = time.monotonic() - started

        made = {name: n for name, n in result.created.items() if n}
        self.stdout.write(
            f"Demo accounts: {result.accounts_requested} requested, "
            f"{result.existing_accounts} already there, "
            f"{result.created.get('accounts', 0)} created ({elapsed:.1f} s)."
        )
        if made:
            self.stdout.write("Created: " + ", ".join(f"{name} {n}" for name, n in made.items()))
        else:
            self.stdout.write("Nothing to create: the demo data is complete.")
        self.stdout.write("")
        rows = [("username", "password", "role", "organisation")]
        rows += [(name, DEMO_PASSWORD, ROLE_LABELS[role], org) for name, role, org in result.logins]
        for line in _table(rows):
            self.stdout.write(line)
