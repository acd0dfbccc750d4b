"""A typed amount read from a form: a plain decimal number or nothing (the services bound its range)."""

import re
from decimal import Decimal

_AMOUNT = re.compile(r"-?\d{1,15}(\.\d{1,2})?")


def typed_amount(text: str) -> Decimal | None:
    """The amount `text` writes (1680, 1680.5, 1680.00), or None when it writes none."""
    text = text.strip().replace(",", "")
    return Decimal(text) if _AMOUNT.fullmatch(text) else None
