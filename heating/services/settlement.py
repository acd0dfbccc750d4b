"""Settling a season: a statement per account with its ledger entries, in one transaction per chunk.

Idempotent: an account whose issued statement still matches its current inputs is left alone, so a
rerun (or a resumed chunk) issues nothing. One whose inputs changed since is re-settled: a new version
supersedes the old one, names why, and the ledger records only the difference (POLICY.md §11).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, LedgerEntry, Role, Statement
from heating.models.policy import season_days, season_name
from heating.selectors.ledger import prepayments_due
from heating.selectors.policy import policy_for_season
from heating.selectors.scope import company_membership
from heating.selectors.statements import (
    breakdown_from_inputs,
    change_reason,
    current_inputs,
    exception_reason,
    figures,
    statement_changes,
)

from .settlement_sql import CARRIED_MEMO, SETTLED_MEMO, plain_statements_issue

Kind = LedgerEntry.Kind


class SettlementRefused(Exception):
    """The settlement cannot run as asked; the message says why in the user's language."""


@dataclass(frozen=True)
class SettleException:
    account_id: int
    number: str
    reason: str


@dataclass
class SettleResult:
    issued: int = 0
    unchanged: int = 0
    exceptions: list[SettleException] = field(default_factory=list)

    def add(self, other: "SettleResult") -> None:
        self.issued += other.issued
        self.unchanged += other.unchanged
        self.exceptions += other.exceptions

    def summary(self) -> str:
        """The line CONTRACTS.md names (not translated: scripts read it)."""
        return (
            f"settled: {self.issued} statements issued, {self.unchanged} unchanged, "
            f"{len(self.exceptions)} exceptions"
        )


def season_over_or_refuse(start_year: int) -> None:
    last_day = season_days(start_year)[1]
    if timezone.localdate() <= last_day:
        raise SettlementRefused(
            _("供暖季 %(season)s 的最后一天是 %(day)s，须在此日之后结算（可先预览）。")
            % {"season": season_name(start_year), "day": last_day.isoformat()}
        )


def settle_permitted_or_refuse(user, company) -> None:
    """Only a manager of the company itself settles it; without a user (the command) the operator does."""
    if user is None or user.is_superuser:
        return
    membership = company_membership(user)
    if membership is None or membership.organisation_id != company.id or membership.role != Role.MANAGER:
        raise PermissionDenied(_("只有本企业的经理可以结算本企业的账户。"))


@transaction.atomic
def season_settle(
    *,
    company,
    start_year: int,
    user=None,
    account_ids: Iterable[int] | None = None,
    preview: bool = False,
) -> SettleResult:
    """Settle the company's accounts for the season (or the chunk `account_ids`, all of them the
    company's); `preview` computes the same counts and writes nothing. A fixed number of queries
    whatever the chunk's size."""
    settle_permitted_or_refuse(user, company)
    if not preview:
        season_over_or_refuse(start_year)
    # Locked for the transaction: a second run of the same chunk waits, then finds it settled.
    accounts_qs = (
        Account.objects.filter(company=company)
        .select_for_update()
        .only("id", "number", "premises_id", "opened_on", "closed_on")
    )
    if account_ids is not None:
        wanted = set(account_ids)
        accounts = list(accounts_qs.filter(id__in=wanted).order_by("id"))
        if len(accounts) != len(wanted):
            raise PermissionDenied(_("所选账户不全属于本企业。"))
    else:
        accounts = list(accounts_qs.order_by("id"))
    if not accounts:
        return SettleResult()
    policy = policy_for_season(start_year)
    result = SettleResult()
    if not preview:
        # The plain accounts' first statements in one statement where the database allows; the rest
        # (and every account elsewhere) below, in Python.
        settled = plain_statements_issue(
            account_ids=[a.id for a in accounts], start_year=start_year, policy=policy, user=user
        )
        result.issued += len(settled)
        accounts = [a for a in accounts if a.id not in settled]
        if not accounts:
            return result
    ids = [a.id for a in accounts]
    terms = policy.terms()
    bills, inputs = current_inputs(accounts, start_year)
    issued = {
        s.account_id: s
        for s in Statement.objects.filter(
            account_id__in=ids, season_year=start_year, status=Statement.Status.ISSUED
        ).select_related("policy")
    }
    due_before = prepayments_due(ids, start_year)

    statements, superseded, entries = [], [], []
    for account in accounts:
        new_inputs = inputs.get(account.id)
        if new_inputs is None:
            result.exceptions.append(
                SettleException(account.id, account.number, exception_reason(bills[account.id]))
            )
            continue
        old = issued.get(account.id)
        if old is not None and not statement_changes(old, new_inputs, policy):
            result.unchanged += 1
            continue
        result.issued += 1
        if preview:
            continue
        new_figures = figures(breakdown_from_inputs(new_inputs, terms))
        statement = Statement(
            account_id=account.id,
            season_year=start_year,
            version=1 if old is None else old.version + 1,
            supersedes=old,
            reason="" if old is None else change_reason(old, new_inputs, policy),
            policy=policy,
            inputs=new_inputs,
            issued_by=user,
            **new_figures,
        )
        entries += _entries(statement, old, due_before.get(account.id), user)
        statements.append(statement)
        if old is not None:
            superseded.append(old.id)

    if superseded:
        Statement.objects.filter(id__in=superseded).update(status=Statement.Status.SUPERSEDED)
    if statements:
        Statement.objects.bulk_create(statements)
        # The entries take their statement's id now that it has one.
        LedgerEntry.objects.bulk_create(entries)
    return result


def _entries(statement, old, prepayment_due, user) -> list[LedgerEntry]:
    """The season's charge becomes the statement's amount due: version 1 charges it (and closes a
    prepayment charged before the season); a later version charges only the difference."""
    common = {
        "account_id": statement.account_id,
        "season_year": statement.season_year,
        "statement": statement,
        "created_by": user,
    }
    entries = []
    charge = statement.amount_due - (old.amount_due if old is not None else Decimal("0.00"))
    if charge:
        memo = statement.reason[:200] if old is not None else str(SETTLED_MEMO)
        entries.append(LedgerEntry(kind=Kind.SETTLEMENT, amount=charge, memo=memo, **common))
    if old is None and prepayment_due:
        entries.append(
            LedgerEntry(kind=Kind.PREPAYMENT_DUE, amount=-prepayment_due, memo=str(CARRIED_MEMO), **common)
        )
    return entries
