"""A company manager opens a claim for a season that has begun; nobody else may."""

import pytest

from subsidy.models import Claim
from tests.subsidy_claims.helpers import SEASON, submitted

NEW = "/subsidy/claims/new/"


def test_the_manager_chooses_a_season_and_the_claim_is_a_draft(client, manager, company):
    client.force_login(manager)
    assert 'id="season"' in client.get(NEW).content.decode()
    response = client.post(NEW, {"season": f"{SEASON}-{SEASON + 1}"})
    claim = Claim.objects.get()
    assert (claim.company, claim.season_year, claim.state) == (company, SEASON, Claim.State.DRAFT)
    assert response.url == f"/subsidy/claims/{claim.pk}/"


def test_a_second_claim_for_the_season_is_refused_next_to_the_season(client, manager):
    submitted(manager)
    client.force_login(manager)
    response = client.post(NEW, {"season": f"{SEASON}-{SEASON + 1}"})
    assert response.status_code == 400
    assert "本企业这个供暖季已有补贴申请。" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("season", ["", "abc", "2019", "2019-2021", "2999-3000", "1900-1901", "9" * 30])
def test_a_season_that_is_not_one_is_refused_in_words(client, manager, season):
    client.force_login(manager)
    response = client.post(NEW, {"season": season})
    assert response.status_code == 400
    assert 'id="new-error"' in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "officer"])
def test_only_a_manager_opens_a_claim(client, clerk, officer, who):
    client.force_login(clerk if who == "clerk" else officer["CZJ"])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"season": f"{SEASON}-{SEASON + 1}"}).status_code == 403
