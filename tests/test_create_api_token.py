"""python manage.py create_api_token COMPANY_CODE [--name NAME] (CONTRACTS.md)."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from heating.models import ApiToken
from heating.models.tokens import token_digest
from tests.factories import BureauFactory, CompanyFactory, MeterFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_the_token_alone_and_it_authenticates():
    company = CompanyFactory(code="DEMO1")
    meter = MeterFactory(company=company)

    out, err = run("DEMO1", "--name", "route 7")

    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}\n", out)
    key = out.removesuffix("\n")
    token = ApiToken.objects.get()
    assert token.company == company and token.name == "route 7"
    assert token.digest == token_digest(key) and key not in err
    assert "route 7" in err  # what was done goes to stderr
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/meters")
    assert response.status_code == 200
    assert [m["serial"] for m in response.json()["results"]] == [meter.serial]


def test_default_name():
    CompanyFactory(code="DEMO2")

    out, _ = run("DEMO2")

    assert out.count("\n") == 1
    assert ApiToken.objects.get().name.startswith("command line")


def test_each_run_is_a_new_token():
    CompanyFactory(code="DEMO1")

    first, _ = run("DEMO1")
    second, _ = run("DEMO1")

    assert first != second
    assert ApiToken.objects.count() == 2


def test_unknown_company_names_the_code():
    with pytest.raises(CommandError, match="NOPE"):
        run("NOPE")
    assert not ApiToken.objects.exists()


def test_a_bureau_gets_no_token():
    BureauFactory(code="ZJJ")

    with pytest.raises(CommandError, match="ZJJ.*not a heating company"):
        run("ZJJ")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_names_are_refused(name):
    CompanyFactory(code="DEMO1")

    with pytest.raises(CommandError, match="--name"):
        run("DEMO1", "--name", name)
    assert not ApiToken.objects.exists()
