import pytest
from django.core.exceptions import ValidationError

from heating import bank_accounts


def test_a_number_typed_with_spaces_or_full_width_digits_is_masked_as_the_bank_shows_it():
    assert bank_accounts.mask("６２２２ 0216-0001 2341 234") == "6222 **** **** 1234"


def test_a_refused_number_is_not_echoed_in_the_error():
    with pytest.raises(ValidationError) as refused:
        bank_accounts.normalise("6222x0216000123")
    assert "0216" not in str(refused.value)


@pytest.mark.django_db
def test_an_account_number_round_trips_through_its_own_key():
    protected = bank_accounts.protect("6222021600012341234")
    assert bank_accounts.reveal(protected.cipher) == "6222021600012341234"
    with pytest.raises(Exception):  # noqa: B017 the identity numbers' key does not open it
        from heating import identity

        identity.reveal(protected.cipher)
