"""seed_demo's demo draft: the 2019 prices continued from 2021-11-15, clearly labelled, ready for the
`ndrc` login (the development-and-reform bureau) to try the desk at once."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from heating.demo.county import DEMO_DRAFT_CODE
from heating.models import Duty, OrganisationDuty, PricePolicy
from heating.selectors.policy import policy_for_season
from heating.services.policy import FIGURES, policy_publish
from tests.test_calculator_page import POLICY_2019

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", accounts=0, stdout=out)
    return out.getvalue()


def test_the_demo_draft_continues_the_2019_prices_and_says_it_is_a_demo(client):
    seed()
    draft = PricePolicy.objects.get(code=DEMO_DRAFT_CODE)
    base = PricePolicy.objects.get(code=POLICY_2019)

    assert draft.status == PricePolicy.Status.DRAFT
    assert "演示" in draft.code and "演示数据" in draft.title and "演示数据" in draft.notice_text
    assert draft.effective_from == datetime.date(2021, 11, 15)
    assert draft.effective_until == datetime.date(2023, 11, 14)
    assert all(getattr(draft, name) == getattr(base, name) for name in FIGURES)
    assert OrganisationDuty.objects.filter(organisation__code="FGJ", duty=Duty.PRICE_POLICY).exists()

    client.force_login(get_user_model().objects.get(username="ndrc"))
    assert client.get("/start/")["Location"] == "/bureau/prices/"
    assert DEMO_DRAFT_CODE in client.get("/bureau/prices/").content.decode()


def test_a_second_run_adds_no_second_draft_and_keeps_a_published_one():
    seed()
    draft = PricePolicy.objects.get(code=DEMO_DRAFT_CODE)
    policy_publish(user=get_user_model().objects.get(username="ndrc"), policy_id=draft.pk)

    assert "policy_drafts" not in seed()
    assert PricePolicy.objects.filter(code=DEMO_DRAFT_CODE).count() == 1
    assert policy_for_season(2021) == draft
