"""Reading the claim pages back: which claims a queue lists, and a page's parts by id."""

import re
from contextlib import contextmanager
from unittest.mock import patch

from subsidy.services import claims as claim_services
from tests.subsidy_claims.helpers import COST_ITEMS, EXAMPLE_11

CLAIM_LINK = re.compile(r'href="/subsidy/claims/(\d+)/"')


def _ids(html: str, section: str) -> list[int]:
    match = re.search(rf'<ul class="list" id="{section}">(.*?)</ul>', html, re.S)
    return [int(pk) for pk in CLAIM_LINK.findall(match.group(1))] if match else []


def queue_sections(response) -> tuple[list[int], list[int]]:
    """(claims awaiting the user, every claim listed) on the queue page."""
    assert response.status_code == 200
    html = response.content.decode()
    return _ids(html, "waiting"), _ids(html, "claims")


STEP_FORM = re.compile(r'action="/subsidy/claims/\d+/([a-z_]+)/"')


def forms_on(html: str) -> set[str]:
    """The steps the page offers a form for."""
    return set(STEP_FORM.findall(html))


def part(html: str, element_id: str) -> str:
    """The element with this id, up to the end of its tag (section, li or form): enough to read."""
    match = re.search(rf'<(section|li|form|ol|ul)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id}"
    return match.group(2)


@contextmanager
def stand_in_figures():
    """The claim tests' figures (POLICY.md §9 example 11) in place of subsidy.selectors.figures, for
    building a claim outside tests/subsidy_claims' autouse fixture."""
    with (
        patch.object(claim_services, "season_figures", lambda company, start_year: dict(EXAMPLE_11)),
        patch.object(claim_services, "declared_cost_items", lambda company, start_year: dict(COST_ITEMS)),
    ):
        yield
