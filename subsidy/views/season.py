"""The season behind a claim: its current statements and its accounts not yet settled, a page at a
time, and any one statement of the season, read-only. Whoever may see the claim (the company's own
staff, the bureaus with a subsidy duty) may open them; anyone else gets the claim's 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heating.selectors.account_page import statement_views
from subsidy.selectors.claim_accounts import exceptions_page, season_statement, statements_page
from subsidy.selectors.claims import claim_for


@never_cache
@require_GET
@login_required
def claim_accounts(request, pk):
    claim = claim_for(request.user, pk)
    exceptions, unsettled = exceptions_page(claim, request.GET.get("exceptions_page"))
    context = {
        "claim": claim,
        "statements": statements_page(claim, request.GET.get("page")),
        "exceptions": exceptions,
        "unsettled": unsettled,
    }
    return render(request, "subsidy/accounts.html", context)


@never_cache
@require_GET
@login_required
def claim_statement(request, pk, statement):
    claim = claim_for(request.user, pk)
    view = statement_views([season_statement(claim, statement)])[0]
    return render(request, "subsidy/statement.html", {"claim": claim, "view": view})
