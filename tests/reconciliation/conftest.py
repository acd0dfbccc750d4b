"""The two companies, their staff and accounts of the bank-collection tests: a day's reconciliation
works on the same payments the collection import records."""

from tests.bank_collection.conftest import (  # noqa: F401
    HEADER,
    accounts,
    alice,
    bob,
    client_for,
    company,
    martin,
    media,
    other_company,
    staff_language,
)
