"""Everything staff see of one account (收费台): the home, the facts, meters, statements, the ledger and
what is owed, in a number of queries that does not grow with its seasons, entries or readings."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

from heating.billing import AccountFacts, render
from heating.models import Account, LedgerEntry, Meter, Reading, Refund, Statement
from heating.models.policy import season_name
from heating.models.statements import FIGURES

from .accounts import Holding, account_holdings
from .facts import facts_for_season, open_days
from .overview import current_season
from .statements import breakdown_from_inputs, facts_from_inputs

RECENT_READINGS = 10
ZERO = Decimal("0.00")


@dataclass
class LedgerSeason:
    season_year: int
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def season(self) -> str:
        return season_name(self.season_year)

    @property
    def balance(self) -> Decimal:
        """> 0 owed by the household (补缴), < 0 owed to it (退费), as heating.selectors.ledger sums it."""
        return sum((entry.amount for entry in self.entries), ZERO)

    @property
    def owed_to_household(self) -> Decimal:
        return max(ZERO, -self.balance)


@dataclass(frozen=True)
class SeasonFacts:
    season: str
    facts: AccountFacts
    settled: bool  # True: as the issued statement stored them; False: as recorded now (not yet settled)


@dataclass(frozen=True)
class StatementView:
    statement: Statement
    figures: list[tuple[str, Decimal | None]]
    superseded_by: Statement | None
    # The engine's explanation of the figures, recomputed from the statement's stored inputs under its
    # policy: each line in words with the notice's section, and its amount.
    lines: list[tuple[str, Decimal | None]]


@dataclass(frozen=True)
class AccountPage:
    account: Account
    holdings: list[Holding]
    parts: list
    facts: list[SeasonFacts]
    terms: list
    area_decisions: list
    institution_approvals: list
    certificates: list
    meters: list[Meter]
    readings: list[Reading]
    statements: list[StatementView]
    ledger: list[LedgerSeason]
    open_refunds: list[Refund]

    @property
    def owed(self) -> Decimal:
        """What the household owes over all seasons (the seasons with a positive balance)."""
        return sum((s.balance for s in self.ledger if s.balance > 0), ZERO)


def statement_views(statements: list[Statement]) -> list[StatementView]:
    by_supersedes = {s.supersedes_id: s for s in statements if s.supersedes_id}
    labels = {name: Statement._meta.get_field(name).verbose_name for name in FIGURES}
    lang = get_language() or ""
    return [
        StatementView(
            s,
            [(labels[name], getattr(s, name)) for name in FIGURES],
            by_supersedes.get(s.id),
            [
                (render(line, lang), line.amount)
                for line in breakdown_from_inputs(s.inputs, s.policy.terms()).lines
            ],
        )
        for s in statements
    ]


def _season_facts(account: Account, statements: list[Statement], today: datetime.date) -> list[SeasonFacts]:
    """The facts each settled season was billed on (its issued statement stores them) and the current
    season's as recorded, when it is not settled yet: one season resolved live, whatever the count."""
    issued = {s.season_year: s for s in statements if s.status == Statement.Status.ISSUED}
    rows = [SeasonFacts(season_name(year), facts_from_inputs(s.inputs), True) for year, s in issued.items()]
    season = current_season(today)
    since, until = open_days(account, season)
    if season not in issued and since <= until:
        live = facts_for_season([account], season).get(account.id)
        if live is not None:
            rows.append(SeasonFacts(season_name(season), live, False))
    return sorted(rows, key=lambda row: row.season, reverse=True)


def account_page(company, number: str, *, today: datetime.date) -> AccountPage | None:
    """The account `number` of `company`, or None (another company's account is not found)."""
    account = (
        Account.objects.select_related("customer", "premises__building")
        .filter(company=company, number=number)
        .first()
    )
    if account is None:
        return None
    statements = list(
        Statement.objects.filter(account=account)
        .select_related("policy", "issued_by")
        .order_by("-season_year", "-version")
    )
    meters = list(
        Meter.objects.filter(account__premises=account.premises_id).order_by("-installed_on", "serial")
    )
    readings = list(
        Reading.objects.filter(meter__in=meters)
        .select_related("meter")
        .order_by("-read_at", "-id")[:RECENT_READINGS]
    )
    ledger: dict[int, LedgerSeason] = {}
    for entry in (
        LedgerEntry.objects.filter(account=account)
        .select_related("created_by")
        .order_by("-season_year", "id")
    ):
        ledger.setdefault(entry.season_year, LedgerSeason(entry.season_year)).entries.append(entry)
    return AccountPage(
        account=account,
        holdings=account_holdings(account),
        parts=list(account.premises.parts.order_by("from_year", "id")),
        facts=_season_facts(account, statements, today),
        terms=list(account.terms.order_by("-from_year")),
        area_decisions=list(account.area_decisions.select_related("decided_by").order_by("-from_year")),
        institution_approvals=list(
            account.institution_approvals.select_related("decided_by").order_by("-from_year")
        ),
        certificates=list(
            account.low_income_certificates.select_related("decided_by").order_by("-valid_from")
        ),
        meters=meters,
        readings=readings,
        statements=statement_views(statements),
        ledger=list(ledger.values()),
        open_refunds=list(
            Refund.objects.filter(account=account, state__in=Refund.OPEN).order_by("-season_year", "id")
        ),
    )
