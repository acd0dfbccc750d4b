"""Addresses and forms a hostile client sends get 404 or 400 in words, never a 500."""

import pytest

from tests.subsidy_claims.helpers import submitted

HUGE = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"/subsidy/claims/{HUGE}/",
        f"/subsidy/claims/{HUGE}/claim.xlsx",
        f"/subsidy/claims/{HUGE}/claim.pdf",
        f"/api/v1/claims/{HUGE}",
    ],
)
def test_a_huge_claim_number_is_not_found(client, manager, path):
    client.force_login(manager)
    assert client.get(path).status_code == 404


def test_a_huge_claim_number_posted_to_a_step_is_not_found(client, manager):
    client.force_login(manager)
    assert client.post(f"/subsidy/claims/{HUGE}/submit/").status_code == 404


def test_oversized_fields_are_cut_and_refused_in_words(client, manager, officer):
    claim = submitted(manager)
    client.force_login(officer["SJJ"])
    data = {"amount-fuel": "1" * 5000, "reason-fuel": "理" * 50_000, "comment": "x" * 50_000}
    response = client.post(f"/subsidy/claims/{claim.pk}/review/", data)
    assert response.status_code == 400
    assert "1" * 21 not in response.content.decode()
