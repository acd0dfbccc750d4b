"""The accounts behind a claim: for its export, each account's statement as it stood when the version
was frozen (the latest issued up to the version's marker); for its page, the season's current
statements and its accounts not settled yet."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from heating.models import Account, Statement
from heating.selectors.season_totals import season_accounts_unsettled, unsettled_prepayments
from subsidy.models import Claim, ClaimVersion


def version_statements(version: ClaimVersion) -> QuerySet[Statement]:
    """Statements are never deleted and a later one supersedes an earlier: those of the season up to
    the marker that no statement up to the marker supersedes. One query."""
    claim = version.claim
    upto = Statement.objects.filter(
        account__company_id=claim.company_id,
        season_year=claim.season_year,
        id__lte=version.latest_statement_id,
    )
    replaced = upto.filter(supersedes=OuterRef("pk"))
    return upto.filter(~Exists(replaced)).select_related("account").order_by("account__number")


# The season behind a claim's figures, for its page: the current statements and the accounts not yet
# settled, each read a page at a time.

PAGE_SIZE = 50


@dataclass(frozen=True)
class UnsettledAccount:
    account: Account
    prepayment: Decimal


def season_statements(claim: Claim) -> QuerySet[Statement]:
    """The company's current (issued) statements of the claim's season, by account number."""
    return Statement.objects.filter(
        account__company_id=claim.company_id, season_year=claim.season_year, status=Statement.Status.ISSUED
    ).order_by("account__number")


def statements_page(claim: Claim, number) -> Page:
    statements = (
        season_statements(claim)
        .select_related("account")
        .only(
            "id",
            "inputs",
            "billing_area",
            "amount_due",
            "low_income_discount",
            "cap_loss",
            "account__number",
        )
    )
    return Paginator(statements, PAGE_SIZE).get_page(number)


def exceptions_page(claim: Claim, number) -> tuple[Page, list[UnsettledAccount]]:
    """A page of the accounts not settled yet, each with the prepayment it counts at (POLICY.md §8)."""
    accounts = season_accounts_unsettled(claim.company_id, claim.season_year).order_by("number")
    page = Paginator(accounts, PAGE_SIZE).get_page(number)
    rows = [
        UnsettledAccount(account, prepayment)
        for account, prepayment, _area, _class in unsettled_prepayments(page.object_list, claim.season_year)
    ]
    return page, rows


def season_statement(claim: Claim, statement_id: int) -> Statement:
    """Any statement (current or superseded) of the claim's company and season; any other is a 404,
    the same as one that does not exist."""
    statement = (
        Statement.objects.filter(
            pk=statement_id, account__company_id=claim.company_id, season_year=claim.season_year
        )
        .select_related("account", "policy", "supersedes")
        .first()
    )
    if statement is None:
        raise Http404
    return statement
