"""The accounts behind a claim's version: each account's statement as it stood when the version was
frozen (the latest issued up to the version's marker), for the claim's export."""

from django.db.models import Exists, OuterRef, QuerySet

from heating.models import Statement
from subsidy.models import ClaimVersion


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
