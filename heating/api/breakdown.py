from heating.billing import Breakdown, render
from heating.models.policy import season_name
from heating.models.statements import FIGURES

AMOUNTS = FIGURES  # a statement stores the very figures a quote answers


def _text(value):
    return None if value is None else f"{value:.2f}"


def breakdown_json(result: Breakdown, start_year: int, language: str) -> dict:
    """A breakdown as the contract's JSON: amounts as two-decimal strings, lines in `language`."""
    return {
        "season": season_name(start_year),
        "policy": result.policy_code,
        **{name: _text(getattr(result, name)) for name in AMOUNTS},
        "lines": [
            {
                "key": line.key,
                "section": line.section,
                "label": render(line, language),
                "amount": _text(line.amount),
            }
            for line in result.lines
        ],
    }
