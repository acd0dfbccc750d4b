"""Activation codes: stored only as a salted HMAC, one live per account, checked in constant time;
the command prints the code alone; the counter reissues one for its own company's accounts only."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from heating.models import ActivationCode, Role
from heating.services import activation
from heating.services.activation import ALPHABET, LENGTH, activation_code_check, activation_code_issue
from tests.factories import CompanyFactory, MembershipFactory, make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return make_account(company=CompanyFactory(code="ACT1"), number="0100234")


def test_a_code_is_easy_to_type_and_stored_only_hashed(account):
    code = activation_code_issue(account)

    stored = ActivationCode.objects.get(account=account)
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    assert not set(code) & set("0O1IL")
    assert code not in stored.code_hash and code.lower() not in stored.code_hash.lower()
    assert activation_code_check(account, code)


def test_a_reissue_voids_the_old_code(account):
    old = activation_code_issue(account)
    new = activation_code_issue(account)

    assert not activation_code_check(account, old)
    assert activation_code_check(account, new)
    assert ActivationCode.objects.filter(account=account, voided_at__isnull=True).count() == 1
    assert ActivationCode.objects.filter(account=account).count() == 2


def test_the_check_forgives_case_spaces_and_dashes_but_not_a_wrong_code(account):
    code = activation_code_issue(account)

    assert activation_code_check(account, f" {code[:4].lower()}-{code[4:]} ")
    assert not activation_code_check(account, code[:-1] + ("2" if code[-1] != "2" else "3"))
    assert not activation_code_check(account, "")
    assert not activation_code_check(account, "x" * 10_000)


def test_a_code_is_for_its_account_only(account):
    other = make_account(company=account.company)
    code = activation_code_issue(account)

    assert not activation_code_check(other, code)  # no live code: still a digest, still False


def test_the_check_compares_digests_in_constant_time(account, monkeypatch):
    code = activation_code_issue(account)
    calls = []
    real = activation.hmac.compare_digest
    monkeypatch.setattr(activation.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))

    assert activation_code_check(account, code)
    assert not activation_code_check(make_account(company=account.company), code)
    assert len(calls) == 2


def test_the_command_prints_the_code_alone(account):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_activation_code", "ACT1", "0100234", stdout=out, stderr=err)

    code = out.getvalue().strip()
    assert out.getvalue() == code + "\n"
    assert activation_code_check(account, code)
    assert code not in err.getvalue()


@pytest.mark.parametrize(
    ("company", "number", "words"), [("NOPE", "0100234", "NOPE"), ("ACT1", "999", "999")]
)
def test_the_command_refuses_in_words(account, company, number, words):
    with pytest.raises(CommandError, match=words):
        call_command("issue_activation_code", company, number, stdout=io.StringIO())
    assert not ActivationCode.objects.exists()


def test_the_counter_reissues_a_code_shown_once(client, account):
    activation_code_issue(account)
    client.force_login(MembershipFactory(organisation=account.company, role=Role.CLERK).user)

    response = client.post(reverse("activation-code-reissue", args=[account.number]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = response.context["code"]
    assert code in response.content.decode()
    assert activation_code_check(account, code)
    assert ActivationCode.objects.filter(account=account, voided_at__isnull=False).count() == 1


def test_another_companys_clerk_gets_404_and_a_get_is_refused(client, account):
    client.force_login(MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user)

    assert client.post(reverse("activation-code-reissue", args=[account.number])).status_code == 404
    assert client.get(reverse("activation-code-reissue", args=[account.number])).status_code == 405
    assert not ActivationCode.objects.exists()
