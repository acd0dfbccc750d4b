"""seed_demo gives the demo residents settled homes, so 我的供暖 shows real statements, and a second run
issues nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from heating.demo import DEMO_PASSWORD
from heating.models import Statement

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--accounts", "12", stdout=io.StringIO())


def test_the_demo_residents_homes_are_settled_and_shown(client):
    seed()
    statements = Statement.objects.count()

    seed()

    assert Statement.objects.count() == statements
    resident = Statement.objects.filter(account__customer__user__username="resident")
    assert set(resident.values_list("season_year", flat=True)) == {2019, 2020}
    assert Statement.objects.filter(account__customer__user__username="resident2").exists()
    assert not Statement.objects.exclude(account__customer__user__isnull=False).exists()
    client.post("/accounts/login/", {"username": "resident", "password": DEMO_PASSWORD})
    html = client.get("/me/").content.decode()
    assert html.count('class="card home"') == 2 and "已结算" in html and "计费面积怎么来的" in html
    assert get_user_model().objects.get(username="resident").customers.count() == 1
