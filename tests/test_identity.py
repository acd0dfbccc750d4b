"""Identity numbers (身份证号): GB 11643 checked, encrypted at rest, found by a keyed hash, shown masked.

The plain number must never reach a column or a history row.
"""
import re

import pytest
from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.db import connection

from heating import identity
from heating.models import Customer

from .factories import CustomerFactory, id_number

NUMBER = "11010519491231002X"  # the standard's own example
OTHER = id_number("37032319800101001")
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def test_the_example_numbers_are_valid():
    assert identity.normalise(NUMBER) == NUMBER
    assert identity.normalise(OTHER) == OTHER


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "1101 0519 4912 3100 2x",
        "11010519491231002X\n",
        "\t11010519491231002X",
        "11010519491231002x".translate(FULL_WIDTH),  # as a Chinese input method types it
    ],
)
def test_normalise_strips_spaces_and_upper_cases_the_check_letter(typed):
    assert identity.normalise(typed) == NUMBER


def test_a_wrong_check_character_is_a_checksum_error():
    wrong = NUMBER[:17] + "1"

    with pytest.raises(ValidationError) as raised:
        identity.normalise(wrong)

    assert raised.value.code == "checksum"


def test_a_single_changed_digit_fails_the_checksum():
    changed = OTHER[:5] + str((int(OTHER[5]) + 1) % 10) + OTHER[6:]

    with pytest.raises(ValidationError) as raised:
        identity.normalise(changed)

    assert raised.value.code == "checksum"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        NUMBER[:17],  # 17 characters
        NUMBER + "1",  # 19 characters
        "X" + NUMBER[1:],  # X only as the check character
        "1101051949123100A2",
        "110105-19491231002X",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits are digits to \d, not to an ID number
        "110105194912310",  # the old 15-digit form is not accepted
    ],
)
def test_a_wrong_shape_is_a_shape_error(typed):
    with pytest.raises(ValidationError) as raised:
        identity.normalise(typed)

    assert raised.value.code == "shape"


def test_the_fingerprint_is_stable_whatever_the_spelling():
    assert identity.fingerprint(NUMBER) == identity.fingerprint(" 1101 0519 4912 3100 2x")
    assert identity.fingerprint(NUMBER) == identity.fingerprint(NUMBER.translate(FULL_WIDTH))
    assert re.fullmatch(r"[0-9a-f]{64}", identity.fingerprint(NUMBER))


def test_different_numbers_have_different_fingerprints():
    assert identity.fingerprint(NUMBER) != identity.fingerprint(OTHER)


def test_the_fingerprint_is_keyed(settings):
    before = identity.fingerprint(NUMBER)

    settings.ID_NUMBER_KEY = "another-key"

    assert identity.fingerprint(NUMBER) != before
    assert identity.fingerprint(NUMBER) == identity.fingerprint(NUMBER.lower())


def test_the_fingerprint_is_not_a_plain_hash_of_the_number():
    import hashlib

    assert identity.fingerprint(NUMBER) != hashlib.sha256(NUMBER.encode()).hexdigest()


def test_a_fingerprint_refuses_an_invalid_number():
    with pytest.raises(ValidationError):
        identity.fingerprint(NUMBER[:17] + "1")


def test_the_mask_shows_the_first_and_last_four_only():
    assert identity.mask(NUMBER) == "1101**********002X"
    assert identity.mask("11010519491231002x") == "1101**********002X"
    assert len(identity.mask(OTHER)) == 18
    assert identity.mask(OTHER)[:4] == OTHER[:4] and identity.mask(OTHER)[-4:] == OTHER[-4:]


def test_protect_and_reveal_round_trip():
    protected = identity.protect(" 1101 0519 4912 3100 2x")

    assert identity.reveal(protected.cipher) == NUMBER
    assert protected.hash == identity.fingerprint(NUMBER)
    assert protected.masked == "1101**********002X"
    assert NUMBER not in protected.cipher


def test_each_protection_is_a_fresh_cipher_with_the_same_hash():
    first, second = identity.protect(NUMBER), identity.protect(NUMBER)

    assert first.cipher != second.cipher
    assert first.hash == second.hash


def test_a_cipher_cannot_be_revealed_with_another_key(settings):
    cipher = identity.protect(NUMBER).cipher

    settings.ID_NUMBER_KEY = "another-key"

    with pytest.raises(InvalidToken):
        identity.reveal(cipher)


def test_protect_refuses_an_invalid_number():
    with pytest.raises(ValidationError):
        identity.protect("123")


def _rows(table: str, customer_id: int) -> list[dict]:
    """The rows of `table` whose `id` column is the customer's, every column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE id = %s", [customer_id])
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def _leaks(values, number: str) -> list:
    """Column values that contain the number, or its hidden middle digits."""
    hidden = number[4:14]
    return [v for v in values if v is not None and (number in str(v) or hidden in str(v))]


@pytest.mark.django_db
def test_a_customers_row_stores_no_plain_number():
    customer = CustomerFactory()
    customer.set_id_number(" 1101 0519 4912 3100 2x")
    customer.save()

    [row] = _rows(Customer._meta.db_table, customer.pk)

    assert _leaks(row.values(), NUMBER) == []
    assert row["id_number_masked"] == "1101**********002X"
    assert row["id_number_hash"] == identity.fingerprint(NUMBER)
    assert identity.reveal(row["id_number_cipher"]) == NUMBER


@pytest.mark.django_db
def test_the_customers_history_keeps_only_the_mask():
    customer = CustomerFactory()
    customer.set_id_number(NUMBER)
    customer.save()
    customer.set_id_number(OTHER)
    customer.save()

    historical = Customer.history.model
    names = {f.name for f in historical._meta.get_fields()}
    assert "id_number_masked" in names
    assert "id_number_cipher" not in names
    assert "id_number_hash" not in names

    rows = _rows(historical._meta.db_table, customer.pk)
    assert len(rows) == 3  # created, then two corrections
    for row in rows:
        assert _leaks(row.values(), NUMBER) == []
        assert _leaks(row.values(), OTHER) == []
        assert not any(column.startswith("id_number_") and column != "id_number_masked" for column in row)
    assert [r.id_number_masked for r in customer.history.order_by("history_id")] == [
        "",
        "1101**********002X",
        identity.mask(OTHER),
    ]


@pytest.mark.django_db
def test_a_customer_is_found_by_the_fingerprint_of_any_spelling_of_the_number():
    customer = CustomerFactory(id_number=NUMBER)
    CustomerFactory(id_number=OTHER)

    found = Customer.objects.filter(id_number_hash=identity.fingerprint("1101 0519 4912 3100 2x"))

    assert list(found) == [customer]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号 110101199003077777 已登记", "身份证号 1101**********7777 已登记"),
        ("id=11010119900307777X;", "id=1101**********777X;"),
        ("１１０１０１１９９００３０７７７７ｘ", "１１０１**********７７７ｘ"),
        ("19 digits: 1101011990030777771", "19 digits: 1101011990030777771"),
        ("two: 110101199003077777,110101199003077778", "two: 1101**********7777,1101**********7778"),
    ],
)
def test_id_shaped_runs_in_text_are_masked(text, masked):
    assert identity.mask_id_numbers_in(text) == masked
