"""The counter's search: every key finds the account, the exact 户号 comes first, another company's
accounts never come back, an identity number is matched by its hash and never shown."""

from itertools import product

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from heating.models import Account, Building, Customer, Meter, Premises
from heating.selectors.counter import LIMIT, MAX_QUERY, _matching, account_search
from tests.factories import make_account

from .conftest import ID_NUMBER


def numbers(company, query, **kwargs):
    return [account.number for account in account_search(company, query, **kwargs)]


@pytest.fixture(params=[True, False], ids=["trigram", "fallback"])
def trigram(request):
    """Both paths: the fallback runs on PostgreSQL too (icontains is portable); pg_trgm needs it."""
    if request.param and connection.vendor != "postgresql":
        pytest.skip("pg_trgm needs PostgreSQL")
    return request.param


@pytest.mark.parametrize(
    "query",
    [
        "H2002",
        "h2002",
        "王建国",
        "建国",
        "13805331234",
        "0533",
        "2单元301",
        "历山街道3号楼 2单元301",
        "历山路18号 301",
        "LS-03 301",
        "M-7788",
        "m-77",
    ],
)
def test_each_key_finds_the_account(counter, trigram, query):
    assert numbers(counter.company, query, trigram=trigram) == [counter.wang.number]


def test_every_word_must_match_some_key(counter, trigram):
    assert numbers(counter.company, "历山街道3号楼 1-10", trigram=trigram) == ["H1001", "H10015"]
    assert numbers(counter.company, "历山街道3号楼 9-999", trigram=trigram) == []


def test_the_exact_number_comes_first_then_the_prefixes(counter, trigram):
    make_account(company=counter.company, number="AH1001")  # H1001 inside it: neither exact nor prefix
    make_account(company=counter.company, number="H100")  # shorter: not a match at all

    assert numbers(counter.company, "h1001", trigram=trigram) == ["H1001", "H10015", "AH1001"]


def test_another_companys_accounts_never_come_back(counter, trigram):
    for query in ("H2002", "王建国", "13805331234", "M-7788", "2单元301", ID_NUMBER):
        found = account_search(counter.company, query, trigram=trigram)
        assert found, query
        assert {account.company_id for account in found} == {counter.company.id}, query
    assert counter.stranger.id not in {a.id for a in account_search(counter.company, "H2002")}


def test_an_identity_number_is_matched_only_by_its_hash(counter, trigram):
    assert numbers(counter.company, ID_NUMBER, trigram=trigram) == ["H2002"]
    assert numbers(counter.company, f"王建国 {ID_NUMBER.lower()}", trigram=trigram) == ["H2002"]
    assert numbers(counter.company, f"H1001 {ID_NUMBER}", trigram=trigram) == []
    assert numbers(counter.company, " ".join([ID_NUMBER[:6], ID_NUMBER[6:]])) == ["H2002"]
    # Its digits are not searched as text: a part of it, or a number with a wrong check digit, finds nothing.
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    assert numbers(counter.company, wrong) == []


def test_the_results_are_limited(counter):
    for n in range(LIMIT + 5):
        make_account(company=counter.company, number=f"Z{n:03d}")

    assert len(account_search(counter.company, "Z")) == LIMIT


def test_the_search_is_one_query_whatever_the_results(counter):
    with CaptureQueriesContext(connection) as few:
        account_search(counter.company, "H1001")
    for n in range(10):
        make_account(company=counter.company, number=f"H1001-{n}")
    with CaptureQueriesContext(connection) as many:
        found = account_search(counter.company, "H1001")
        [(a.customer.name, str(a.premises)) for a in found]

    assert len(found) == 12
    assert len(few) == len(many) == 1


# The pages ---------------------------------------------------------------------------------------


def test_the_counter_page_lists_what_it_found_without_javascript(counter, clerk_client):
    response = clerk_client.get("/company/counter/", {"q": "2单元301"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "/company/accounts/H2002/" in html
    assert "王建国" in html
    assert 'value="2单元301"' in html


def test_the_pages_form_posts_so_that_no_query_sits_in_a_url(counter, clerk_client):
    html = clerk_client.get("/company/counter/").content.decode()
    assert '<form method="post" action="/company/counter/"' in html

    response = clerk_client.post("/company/counter/", {"q": ID_NUMBER})
    assert response.status_code == 200
    assert [a.number for a in response.context["results"]] == ["H2002"]


def test_the_fragment_is_the_list_alone(counter, clerk_client):
    response = clerk_client.get("/company/counter/search", {"q": "王建国"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "/company/accounts/H2002/" in html


@pytest.mark.parametrize("query", [ID_NUMBER, f"王建国 {ID_NUMBER}", f"{ID_NUMBER[:6]} {ID_NUMBER[6:]}"])
def test_an_identity_number_is_never_echoed(counter, clerk_client, query):
    for path, send in product(("/company/counter/", "/company/counter/search"), ("get", "post")):
        response = getattr(clerk_client, send)(path, {"q": query})
        html = response.content.decode()
        assert response.status_code == 200
        assert "/company/accounts/H2002/" in html
        assert ID_NUMBER not in html
        assert ID_NUMBER[:10] not in html


def test_the_page_queries_do_not_grow_with_the_results(counter, clerk_client, django_assert_max_num_queries):
    clerk_client.get("/company/counter/search", {"q": "H"})
    with CaptureQueriesContext(connection) as few:
        clerk_client.get("/company/counter/search", {"q": "H1001"})
    for n in range(15):
        make_account(company=counter.company, number=f"H1001-{n}")
    with CaptureQueriesContext(connection) as many:
        response = clerk_client.get("/company/counter/search", {"q": "H1001"})

    assert response.content.decode().count("/company/accounts/") == 17
    assert len(many) == len(few)
    with django_assert_max_num_queries(6):
        clerk_client.get("/company/counter/", {"q": "历山"})


@pytest.mark.parametrize(
    "query, status",
    [("x" * (MAX_QUERY + 1), 400), ("王\x00", 400), ("%_%", 200), ("'; drop table", 200), ("a " * 40, 200)],
)
def test_hostile_queries_are_refused_or_find_nothing_never_a_500(counter, clerk_client, query, status):
    for path in ("/company/counter/", "/company/counter/search"):
        assert clerk_client.get(path, {"q": query}).status_code == status
        assert clerk_client.post(path, {"q": query}).status_code == status


def test_like_wildcards_are_text(counter, trigram):
    assert numbers(counter.company, "%", trigram=trigram) == []
    assert numbers(counter.company, "_", trigram=trigram) == []


@pytest.mark.parametrize("who, status", [("clerk", 200), ("manager", 200), ("other_clerk", 200)])
def test_clerks_and_managers_use_the_counter(counter, who, status):
    client = Client()
    client.force_login(getattr(counter, who))
    response = client.get("/company/counter/search", {"q": "H2002"})

    assert response.status_code == status
    # The other company's clerk finds their own H2002, never ours.
    expected = counter.stranger if who == "other_clerk" else counter.wang
    assert [a.id for a in response.context["results"]] == [expected.id]


def test_others_are_refused(counter):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    assert client.get("/company/counter/").status_code == 403
    assert client.get("/company/counter/search", {"q": "H"}).status_code == 403
    assert Client().get("/company/counter/").status_code == 302


def test_within_the_rest_the_fallback_orders_by_number(counter):
    make_account(company=counter.company, number="A1", premises__building__name="东方小区3号楼")
    make_account(company=counter.company, number="Z9", premises__building__name="东方")

    assert numbers(counter.company, "东方", trigram=False) == ["A1", "Z9"]


@pytest.mark.postgres
def test_postgres_ranks_the_rest_by_trigram_similarity(counter):
    make_account(company=counter.company, number="A1", premises__building__name="东方小区3号楼")
    make_account(company=counter.company, number="Z9", premises__building__name="东方")

    assert numbers(counter.company, "东方") == ["Z9", "A1"]  # the whole word matches closer


@pytest.mark.postgres
@pytest.mark.parametrize(
    "model, field, index",
    [
        (Account, "number", "account_number_trgm"),
        (Customer, "name", "customer_name_trgm"),
        (Customer, "phone", "customer_phone_trgm"),
        (Building, "name", "building_name_trgm"),
        (Building, "code", "building_code_trgm"),
        (Building, "address", "building_address_trgm"),
        (Premises, "unit", "premises_unit_trgm"),
        (Meter, "serial", "meter_serial_trgm"),
    ],
)
def test_postgres_answers_each_key_from_its_trigram_index(db, model, field, index):
    with connection.cursor() as cursor:
        # A few rows are read fastest whole: leave the planner only a bitmap scan, which needs an index
        # whose expression is the one searched.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _matching(model, (field,), "历山", True).order_by().explain()

    assert index in plan, plan


@pytest.mark.parametrize("who", ["clerk", "manager"])
def test_staff_find_the_counter_in_the_navigation(counter, who):
    client = Client()
    client.force_login(getattr(counter, who))

    html = client.get("/company/accounts/H1001/").content.decode()

    assert '<a href="/company/counter/" aria-current="page">收费台</a>' in html
