"""The counter's search (收费台): any account of the clerk's company by 户号, holder, address, phone or
meter serial, in one query.

Each word of the query must match one of the keys; the keys live in five tables, so each is searched in
its own subquery, which on PostgreSQL the trigram indexes of migration 0018 answer (an OR across a join
could use none of them). No denormalised search column: its every writer (过户, imports, meter
exchanges, the admin) would have to keep it current, and a stale one would hide a home from the clerk.
An identity number is matched only by its keyed hash (heating.identity), never as text.
"""

import re
import unicodedata

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Upper

from heating import identity
from heating.models import Account, Building, Customer, Meter, Premises

MAX_QUERY = 100
MAX_WORDS = 6
LIMIT = 20
_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]")


def looks_like_id_number(query: str) -> bool:
    """18 digits, the last maybe X, in any width or spacing: a query that must not be matched as text."""
    return bool(_ID_LIKE.fullmatch(re.sub(r"\s", "", unicodedata.normalize("NFKC", query)).upper()))


def holds_id_number(query: str) -> bool:
    """The query, or a word of it, looks like an identity number: a page must not show it back."""
    return any(looks_like_id_number(text) for text in [query, *query.split()])


def _matching(model, fields: tuple[str, ...], word: str, trigram: bool, key="pk", **scope) -> QuerySet:
    """The `key` of the rows where some field contains `word`, case-insensitively: with `trigram` as
    UPPER(field) LIKE, the expression the trigram indexes are built on; else Django's icontains."""
    rows = model.objects.filter(**scope)
    any_field = Q()
    for field in fields:
        if trigram:
            rows = rows.annotate(**{f"{field}_upper": Upper(field)})
            any_field |= Q(**{f"{field}_upper__contains": word.upper()})
        else:
            any_field |= Q(**{f"{field}__icontains": word})
    return rows.filter(any_field).values(key)


def _word_matches(company, word: str, trigram: bool) -> Q:
    if looks_like_id_number(word):
        try:
            return Q(customer__id_number_hash=identity.fingerprint(word))
        except ValidationError:
            return Q(pk__in=[])

    def matching(model, *fields, key="pk"):
        return _matching(model, fields, word, trigram, key=key, company=company)

    premises = Premises.objects.filter(
        Q(building__in=matching(Building, "name", "code", "address")) | Q(pk__in=matching(Premises, "unit")),
        company=company,
    ).values("pk")
    return (
        Q(pk__in=matching(Account, "number"))
        | Q(customer__in=matching(Customer, "name", "phone"))
        | Q(premises__in=premises)
        # A meter stays with the home (POLICY.md §7), whichever account it was recorded under.
        | Q(premises__in=matching(Meter, "serial", key="account__premises"))
    )


def _ranked(accounts: QuerySet, query: str, trigram: bool) -> QuerySet:
    """The exact 户号 first, then accounts whose number, holder's name or phone starts with the query,
    then the rest: on PostgreSQL by trigram word similarity to the account's text, else by number."""
    rank = Case(
        When(number__iexact=query, then=Value(0)),
        When(
            Q(number__istartswith=query)
            | Q(customer__name__startswith=query)
            | Q(customer__phone__startswith=query),
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    accounts = accounts.annotate(rank=rank)
    if not trigram:
        return accounts.order_by("rank", "number")
    text = Concat(
        "number",
        Value(" "),
        "customer__name",
        Value(" "),
        "premises__building__name",
        Value(" "),
        "premises__unit",
        Value(" "),
        "premises__building__address",
        Value(" "),
        "customer__phone",
    )
    return accounts.annotate(similarity=TrigramWordSimilarity(Value(query), text)).order_by(
        "rank", F("similarity").desc(), "number"
    )


def account_search(company, query: str, *, trigram: bool | None = None) -> list[Account]:
    """At most LIMIT accounts of `company` matching `query`, best first, with holder and home (one
    query). The caller bounds the query to MAX_QUERY characters and storable text. `trigram` (pg_trgm,
    by default on PostgreSQL) or the portable fallback: the same matches, ranked alike but for the
    similarity order within the rest."""
    if trigram is None:
        trigram = connection.vendor == "postgresql"
    query = " ".join(query.split())
    if not query:
        return []
    accounts = Account.objects.filter(company=company).select_related("customer", "premises__building")
    # A number typed in groups ("370323 19800101 0018") is one word.
    words = [query] if looks_like_id_number(query) else query.split()[:MAX_WORDS]
    for word in words:
        accounts = accounts.filter(_word_matches(company, word, trigram))
    return list(_ranked(accounts, query, trigram)[:LIMIT])
