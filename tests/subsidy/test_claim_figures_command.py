"""`manage.py claim_figures COMPANY_CODE YYYY-YYYY` (CONTRACTS.md): one JSON object, every term of §8
a string with two decimals, plus `exceptions`; errors in words with a non-zero exit."""

import io
import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from tests.factories import BureauFactory, CompanyFactory

from .helpers import declare, return_fees
from .test_figures import example_11
from .test_formula import EXAMPLE_11_FIGURES

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("claim_figures", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_contract_s_object():
    company = CompanyFactory(code="YY1")
    example_11(company)
    declare(company, 2019, "26000.00")
    return_fees(company, 2019, "1000.00")

    out = run("YY1", "2019-2020")

    assert out.count("\n") == 1
    assert json.loads(out) == EXAMPLE_11_FIGURES


def test_a_season_with_nothing_is_all_zeros():
    CompanyFactory(code="YY2")
    figures = json.loads(run("YY2", "2020-2021"))
    assert figures.pop("exceptions") == 0
    assert set(figures.values()) == {"0.00"}


@pytest.mark.parametrize(
    "args, words",
    [
        (("NOPE", "2019-2020"), "No heating company has the code 'NOPE'"),
        (("BUREAU", "2019-2020"), "No heating company has the code 'BUREAU'"),
        (("YY3", "2019-2021"), "The season must be YYYY-YYYY"),
        (("YY3", "2019"), "The season must be YYYY-YYYY"),
        (("YY3", "0000-0001"), "The season must be YYYY-YYYY"),
    ],
)
def test_errors_are_words(args, words):
    CompanyFactory(code="YY3")
    BureauFactory(code="BUREAU")
    with pytest.raises(CommandError, match=words):
        run(*args)


def test_an_error_exits_non_zero_with_the_words_on_stderr(capsys):
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "claim_figures", "NOPE", "2019-2020"])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "No heating company has the code 'NOPE'" in captured.err and captured.out == ""
