"""GET /api/v1/claims and /api/v1/claims/<id>: read-only, scoped by who asks, 404 for a claim the
caller may not see, in the OpenAPI schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from heating.models import ApiToken, Role
from subsidy.services.claims import claim_adjust_cost
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.subsidy_claims.helpers import reviewed, submitted

LIST, ONE = "/api/v1/claims", "/api/v1/claims/{}"


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def two_claims(manager, other_manager):
    return submitted(manager), submitted(other_manager)


def test_a_company_manager_sees_only_their_companys_claims(client, manager, two_claims):
    own, other = two_claims
    client.force_login(manager)
    assert ids(client.get(LIST)) == [own.pk]
    assert client.get(ONE.format(other.pk)).status_code == 404
    assert client.get(ONE.format(other.pk + 1000)).status_code == 404


@pytest.mark.parametrize("code", ["CZJ", "ZJJ", "FGJ", "SJJ"])
def test_a_subsidy_bureau_sees_every_claim(client, officer, two_claims, code):
    client.force_login(officer[code])
    assert sorted(ids(client.get(LIST))) == sorted(c.pk for c in two_claims)


def test_a_bureau_without_a_subsidy_duty_and_a_resident_see_none(client, officer, two_claims):
    own, _other = two_claims
    for user in (officer["JTJ"], UserFactory()):
        client.force_login(user)
        assert ids(client.get(LIST)) == []
        assert client.get(ONE.format(own.pk)).status_code == 404


def test_a_company_token_sees_its_companys_claims(client, company, two_claims):
    own, other = two_claims
    _token, key = ApiToken.issue(company=company, name="财务系统")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert ids(client.get(LIST, **auth)) == [own.pk]
    assert client.get(ONE.format(own.pk), **auth).json()["company"] == company.code
    assert client.get(ONE.format(other.pk), **auth).status_code == 404


def test_nobody_signed_in_and_no_token_is_401(client, two_claims):
    assert client.get(LIST).status_code == 401
    assert client.get(LIST, HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_read_only(client, manager, two_claims):
    own, _other = two_claims
    client.force_login(manager)
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.delete(ONE.format(own.pk)).status_code in (403, 405)


def test_the_claim_with_its_figures_reviews_and_history(client, manager, officer):
    claim = submitted(manager)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.pk, category="fuel", amount="13000", reason="发票不全"
    )
    client.force_login(officer["CZJ"])
    body = client.get(ONE.format(claim.pk)).json()
    assert body["season"] == "2019-2020" and body["state"] == "submitted" and body["version"] == 1
    assert body["figures"]["cost"] == "24000.00" and body["figures"]["claim"] == "2325.00"
    assert body["cost_items"]["fuel"] == "15000.00"
    assert [r["decision"] for r in body["reviews"]] == ["pending"] * 3
    assert [e["kind"] for e in body["history"]] == ["created", "submitted", "cost_adjusted"]
    assert body["history"][-1]["comment"] == "发票不全"


def test_the_list_and_the_claim_cost_the_same_queries_however_many(client, manager, officer):
    claim = reviewed(manager, officer)
    client.force_login(officer["CZJ"])
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
        client.get(ONE.format(claim.pk))
    for _ in range(3):
        submitted(MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user)
    claim_adjust_cost(user=officer["SJJ"], claim_id=claim.pk, category="fuel", amount="1", reason="核减")
    with CaptureQueriesContext(connection) as four:
        assert len(ids(client.get(LIST))) == 4
        client.get(ONE.format(claim.pk))
    assert len(four.captured_queries) == len(one.captured_queries)


def test_both_endpoints_are_in_the_schema():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert set(paths["/api/v1/claims"]) == {"get"}
    assert set(paths["/api/v1/claims/{id}"]) == {"get"}
